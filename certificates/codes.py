"""Verification codes: 130 random bits written as 26 characters of Crockford's base 32 (digits and capital letters
without I, L, O and U, so nothing reads as something else). Printed in groups of four (``7K3M-…``); typed back in
any case, with or without the dashes and spaces, and with O for 0 or I/L for 1, it still finds the certificate."""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BITS = 130
LENGTH = 26  # 130 bits / 5 bits per character
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.]+")


def new_code() -> str:
    number = secrets.randbits(BITS)
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(LENGTH)))


def code_display(code: str) -> str:
    """The code in groups of four, as printed on the PDF and shown on pages."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_normalise(text: str) -> str | None:
    """The stored form of a code someone typed or scanned, or None if it cannot be one."""
    text = _SEPARATORS.sub("", (text or "").strip().upper()).translate(_CONFUSABLE)
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text
