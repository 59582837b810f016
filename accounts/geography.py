"""Country names in the viewer's language, from the ISO 3166 catalogues that pycountry ships (they cover
every language a partner may add, so adding a language needs no new country names)."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

import pycountry
from django.utils.translation import get_language

_LOCALES = Path(pycountry.LOCALES_DIR)


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", localedir=_LOCALES, languages=[language], fallback=True)


def country_name(code: str, english_name: str, language: str | None = None) -> str:
    language = (language or get_language() or "en").split("-")[0]
    if language == "en":
        return english_name
    return _catalogue(language).gettext(english_name)


def iso_countries() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country as (alpha-2 code, English name)."""
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda item: item[1])
