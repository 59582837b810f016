"""Texts kept per language in a certificate's snapshot (titles, competency aspects and levels): ``{"en": …, "ar": …}``
or, from older data, a plain string."""

from __future__ import annotations

from typing import Any


def text_in(texts: Any, language: str, fallback: str) -> tuple[str, str]:
    """The text in ``language``, else in ``fallback``, else the first there is; with the language it is in."""
    if not isinstance(texts, dict):
        return str(texts or ""), fallback
    for code in (language, fallback):
        if texts.get(code):
            return str(texts[code]), code
    for code, text in texts.items():
        if text:
            return str(text), code
    return "", fallback
