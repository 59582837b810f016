"""Checking a batch of certificate codes at once, for ministries: a list of codes in (a CSV file whose first column
holds them, or codes pasted one per line), a CSV of what each one is out. The whole input is read and checked
before anything is looked up; a code that is not well formed is a row that says so, not an error. One query for the
whole batch. What each row shows is what the public verification page shows for that code, nothing more."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from .codes import code_display, code_normalise
from .selectors import State, certificate_facts, certificates_by_codes

MAX_CODES = 1000
MAX_BYTES = 1024 * 1024


class BatchError(ValueError):
    """What is wrong with the input as a whole, for the person who sent it."""


def batch_codes_read(data: bytes) -> list[str]:
    """The codes in ``data`` as they were written: the first cell of every non-empty row (a header row whose first
    cell is not a code is skipped). Raises ``BatchError`` for input that cannot be a list of codes."""
    if len(data) > MAX_BYTES:
        raise BatchError(_("The list is larger than 1 MB. Split it into smaller lists."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BatchError(_("The list is not UTF-8 text. Save it as CSV (UTF-8) and try again.")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if "," in text or ";" in text else csv.excel
    except csv.Error:
        dialect = csv.excel
    codes = [row[0].strip() for row in csv.reader(io.StringIO(text), dialect) if row and row[0].strip()]
    if codes and code_normalise(codes[0]) is None and not any(character.isdigit() for character in codes[0]):
        codes = codes[1:]  # a header ("code", "Код", "الرمز")
    if not codes:
        raise BatchError(_("The list holds no codes."))
    if len(codes) > MAX_CODES:
        raise BatchError(
            _("The list holds %(count)s codes; at most %(max)s can be checked at once.")
            % {"count": len(codes), "max": MAX_CODES}
        )
    return codes


def batch_check(codes: Iterable[str], *, language: str) -> tuple[list[str], list[list[Any]]]:
    """The header and one row per code, in the order given: the code as written, the code read, the result, and
    the certificate's public facts in ``language``."""
    codes = list(codes)
    normalised = [code_normalise(code) for code in codes]
    found = certificates_by_codes(code for code in normalised if code)
    header = [
        _("Code as written"),
        _("Verification code"),
        _("Result"),
        _("Awarded to"),
        _("For"),
        _("Issued on"),
        _("Valid until"),
        _("Reason"),
    ]
    results = {State.VALID: _("Valid"), State.REVOKED: _("Revoked"), State.EXPIRED: _("Expired")}
    rows = []
    for written, code in zip(codes, normalised, strict=True):
        if code is None:
            rows.append([written, "", _("Not a verification code"), "", "", "", "", ""])
            continue
        certificate = found.get(code)
        if certificate is None:
            rows.append([written, code_display(code), _("No certificate has this code"), "", "", "", "", ""])
            continue
        facts = certificate_facts(certificate, language=language)
        rows.append(
            [
                written,
                facts.code_display,
                results[facts.state],
                facts.learner_name,
                facts.title,
                facts.issued_on.isoformat() if facts.issued_on else "",
                facts.valid_until.isoformat() if facts.valid_until else "",
                facts.revoked_reason,
            ]
        )
    return header, rows
