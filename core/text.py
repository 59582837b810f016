"""Search folding: the same letters written differently match each other."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.utils.translation import get_language

# Arabic: short vowels and other marks, superscript alef, tatweel.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",  # alef with hamza or madda
        "ة": "ه",  # taa marbuta
        "ى": "ي",
        "ئ": "ي",
        "ی": "ي",  # alef maqsura, yeh with hamza, Farsi yeh
        "ؤ": "و",
        "ک": "ك",
        "ё": "е",
    }
)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, compatibility-normalised text with Arabic spelling variants and Russian ё folded."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _ARABIC_MARKS.sub("", text).translate(_FOLD)
    return _SPACES.sub(" ", text).strip()


def search_terms(query: str) -> list[str]:
    return [term for term in fold(query).split(" ") if term][:10]


def in_language(values: dict[str, str] | None, language: str | None = None) -> str:
    """The value for the active language from a {language code: text} mapping, falling back to the default
    language and then to any language there is."""
    if not values:
        return ""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return values.get(language) or values.get(settings.LANGUAGE_CODE) or next(iter(values.values()), "")
