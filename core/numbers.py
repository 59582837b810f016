"""Numbers and months written the way the reader's language and country write them (CLDR data through Babel):
``1 234 567`` in Russian, ``1,234,567`` in English, ``١٬٢٣٤٬٥٦٧`` in Egypt's Arabic and ``1.234.567`` in Tunisia's."""

from __future__ import annotations

import datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_decimal

# The digits of the numbering systems CLDR names as a locale's default, beyond the Latin ones.
DIGITS = {
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "beng": "০১২৩৪৫৬৭৮৯",
    "deva": "०१२३४५६७८९",
}


@lru_cache(maxsize=256)
def locale_for(language: str, country_code: str = "") -> Locale:
    """The CLDR locale for a language as used in a country (``ar`` + ``EG``), or the language's own."""
    language = (language or "en").split("-")[0]
    for identifier in (f"{language}_{country_code.upper()}" if country_code else "", language, "en"):
        if not identifier:
            continue
        try:
            return Locale.parse(identifier)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("Babel has no English locale")  # pragma: no cover


def _shape(text: str, locale: Locale) -> str:
    digits = DIGITS.get(locale.default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def number_format(value: int | float, *, locale: Locale) -> str:
    return _shape(format_decimal(value, locale=locale, numbering_system="default"), locale)


def month_format(month: datetime.date, *, locale: Locale, skeleton: str = "yMMMM") -> str:
    """A month as CLDR's skeleton for it says (``yMMMM`` "November 2026", ``MMM`` "Nov", ``y`` "2026")."""
    return _shape(format_skeleton(skeleton, month, locale=locale), locale)
