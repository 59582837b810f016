"""Errors raised while reading or writing question files.

A file with any error imports nothing: the readers collect every error they find, each with the line it is
on, and raise one ``FormatError`` at the end. The questions that were read without trouble travel with the
error (``parsed``) so that a preview can show them next to the errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LINE_MESSAGE = _("Line %(line)s: %(message)s")


class FormatError(ValueError):
    """The file cannot be imported. ``errors`` lists every problem as ``(line, message)``, in file order."""

    def __init__(self, errors: Iterable[tuple[int, str]], *, parsed: Sequence[Any] = ()) -> None:
        self.errors: list[tuple[int, str]] = sorted(
            ((int(line), str(message)) for line, message in errors), key=lambda error: error[0]
        )
        self.parsed: list[Any] = list(parsed)
        super().__init__(self.errors)

    @property
    def messages(self) -> list[str]:
        return [gettext(LINE_MESSAGE) % {"line": line, "message": message} for line, message in self.errors]

    def __str__(self) -> str:
        return "\n".join(self.messages)


class ExportError(ValueError):
    """A question cannot be written in the requested format without coming back different."""

    def __init__(self, message: str) -> None:
        self.message = str(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
