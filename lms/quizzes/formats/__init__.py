"""Question banks in Moodle's formats — GIFT, Aiken and Moodle XML — read and written as plain data.

No database and no Django models: the readers return ``Category`` and ``Question`` objects (see ``model``), the
writers take them. A reader raises ``FormatError`` with every error of the file and its line; a writer raises
``ExportError`` for a question the format cannot carry without changing it.
"""

from .aiken import parse_aiken
from .errors import ExportError, FormatError
from .gift import parse_gift, write_gift
from .model import Answer, Category, Hint, Question, QuestionKind, Subquestion, TextFormat, Unit
from .moodlexml import parse_moodle_xml, write_moodle_xml

__all__ = [
    "Answer",
    "Category",
    "ExportError",
    "FormatError",
    "Hint",
    "Question",
    "QuestionKind",
    "Subquestion",
    "TextFormat",
    "Unit",
    "parse_aiken",
    "parse_gift",
    "parse_moodle_xml",
    "write_gift",
    "write_moodle_xml",
]
