"""CSV and XLSX writing that is safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula (CSV/formula injection, OWASP). Such text cells are prefixed with an
apostrophe, which spreadsheets show as plain text. Numbers, dates and booleans are written as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Characters XML 1.0 (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """Make one cell value safe: text that a spreadsheet would run as a formula becomes plain text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


class SafeCSVWriter:
    """``csv.writer`` that neutralises every row. Open the file with ``encoding="utf-8-sig"`` (or use
    :func:`iter_csv`) so spreadsheets read Arabic and Cyrillic correctly."""

    def __init__(self, file: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def iter_csv(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    """Yield a CSV file as UTF-8 bytes (with a byte-order mark), one row at a time, for streaming
    responses and background exports: memory stays flat whatever the number of rows."""
    buffer = io.StringIO()
    writer = SafeCSVWriter(buffer)
    yield "\ufeff".encode()
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


# A worksheet holds 1,048,576 rows; the header takes one.
XLSX_MAX_ROWS = 1_048_575


def write_xlsx(
    file: IO[bytes] | str,
    *,
    header: Sequence[str],
    rows: Iterable[Iterable[Any]],
    title: str = "Export",
    max_rows: int = XLSX_MAX_ROWS,
) -> None:
    """Write an XLSX workbook row by row (openpyxl's write-only mode keeps memory flat). Past ``max_rows`` rows
    the rows go on in a new sheet ("Title (2)", ...) with the header repeated, so a million rows still fit."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    title = _ILLEGAL_XML.sub("", title).replace("/", " ")
    for character in "\\*?:[]":
        title = title.replace(character, " ")
    title = title.strip()[:31] or "Export"
    header_cells = [_xlsx_cell(value) for value in header]
    sheet = workbook.create_sheet(title=title)
    sheet.append(header_cells)
    sheets = 1
    written = 0
    for row in rows:
        if written == max_rows:
            sheets += 1
            suffix = f" ({sheets})"
            sheet = workbook.create_sheet(title=title[: 31 - len(suffix)] + suffix)
            sheet.append(header_cells)
            written = 0
        sheet.append([_xlsx_cell(value) for value in row])
        written += 1
    workbook.save(file)


def _xlsx_cell(value: Any) -> Any:
    value = neutralise(value)
    if isinstance(value, str):
        return _ILLEGAL_XML.sub("", value)
    return value
