"""A question bank as Moodle's importers understand it: plain data, no database.

The readers (GIFT, Aiken, Moodle XML) produce these objects and the writers consume them; the quiz app turns
them into its own models. Everything here follows what Moodle's importer stores, so that a bank exported
from Moodle and imported here means the same thing:

- A fraction is a ``Decimal`` in [-1, 1] and one of Moodle's grades (``VALID_FRACTIONS``); the files write
  it as a percentage.
- Text comes with its format (moodle, html, plain, markdown). Short-answer and numerical answers are matched
  against what a learner types, so their format is always ``plain``.
- A numerical answer's ``text`` is the number as written (or ``*`` for any other answer), its ``tolerance``
  the allowed error (always >= 0: Moodle uses the absolute value).
- A true/false question has no answers: ``correct_answer`` and the feedback for answering true or false.
- ``category_path`` is the path of names below the course's top category; ``()`` is the category chosen
  for the import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext


class TextFormat(StrEnum):
    MOODLE = "moodle"
    HTML = "html"
    PLAIN = "plain"
    MARKDOWN = "markdown"


class QuestionKind(StrEnum):
    MULTICHOICE = "multichoice"
    TRUEFALSE = "truefalse"
    SHORTANSWER = "shortanswer"
    NUMERICAL = "numerical"
    MATCHING = "matching"
    ESSAY = "essay"
    DESCRIPTION = "description"
    ORDERING = "ordering"  # not produced by GIFT, Aiken or Moodle XML yet


@dataclass
class Category:
    path: tuple[str, ...]
    info: str = ""
    info_format: TextFormat = TextFormat.MOODLE
    idnumber: str = ""
    line: int | None = field(default=None, compare=False)


@dataclass
class Answer:
    text: str
    fraction: Decimal = Decimal(0)
    text_format: TextFormat = TextFormat.MOODLE
    feedback: str = ""
    feedback_format: TextFormat = TextFormat.MOODLE
    tolerance: Decimal | None = None  # numerical answers only

    def __post_init__(self) -> None:
        if not Decimal(-1) <= self.fraction <= Decimal(1):
            raise ValueError(f"fraction {self.fraction} is outside [-1, 1]")


@dataclass
class Subquestion:
    """One pair of a matching question. An empty ``text`` is a distractor: an answer that matches nothing."""

    text: str
    answer: str
    text_format: TextFormat = TextFormat.MOODLE


@dataclass
class Hint:
    text: str
    text_format: TextFormat = TextFormat.HTML
    show_num_correct: bool = False
    clear_wrong: bool = False


@dataclass
class Unit:
    name: str
    multiplier: Decimal = Decimal(1)


@dataclass
class Question:
    kind: QuestionKind
    name: str
    text: str
    text_format: TextFormat = TextFormat.MOODLE
    default_mark: Decimal = Decimal(1)
    penalty: Decimal = Decimal("0.3333333")
    general_feedback: str = ""
    general_feedback_format: TextFormat = TextFormat.MOODLE
    answers: list[Answer] = field(default_factory=list)
    subquestions: list[Subquestion] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    category_path: tuple[str, ...] = ()
    single: bool = True  # multiple choice: one answer (radio buttons) or several (checkboxes)
    shuffle: bool = True  # multiple choice and matching: shuffle the choices
    units: list[Unit] = field(default_factory=list)  # numerical
    correct_answer: bool | None = None  # true/false
    feedback_true: str = ""  # true/false: shown to a learner who answers "true"
    feedback_true_format: TextFormat = TextFormat.MOODLE
    feedback_false: str = ""  # ... and to one who answers "false"
    feedback_false_format: TextFormat = TextFormat.MOODLE
    case_sensitive: bool = False  # short answer
    line: int | None = field(default=None, compare=False)  # where the question starts in its file


# Moodle's rules shared by every format ---------------------------------------------------------------------

# question_bank::fraction_options_full(): the only grades Moodle accepts for an answer.
_POSITIVE_FRACTIONS = (
    "1", "0.9", "0.8333333", "0.8", "0.75", "0.7", "0.6666667", "0.6", "0.5", "0.4", "0.3333333", "0.3",
    "0.25", "0.2", "0.1666667", "0.1428571", "0.125", "0.1111111", "0.1", "0.05",
)  # fmt: skip
VALID_FRACTIONS: tuple[Decimal, ...] = (
    Decimal(0),
    *(Decimal(value) for value in _POSITIVE_FRACTIONS),
    *(-Decimal(value) for value in reversed(_POSITIVE_FRACTIONS)),
)
_GRADE_TOLERANCE = Decimal("0.00001")


def fraction_match(value: Decimal) -> Decimal | None:
    """Moodle's ``match_grade_options`` in "error" mode: the grade ``value`` stands for, or None."""
    if not value.is_finite():
        return None
    for option in VALID_FRACTIONS:
        if abs(value - option) < _GRADE_TOLERANCE:
            return option
    return None


def decimal_text(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros (``50``, ``33.33333``, ``-0.5``)."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def percent_text(fraction: Decimal) -> str:
    return decimal_text(fraction * 100)


PHP_WHITESPACE = " \t\n\r\0\x0b"  # what PHP's trim() removes: Moodle trims with it, not with Unicode spaces


def php_trim(text: str) -> str:
    return text.strip(PHP_WHITESPACE)


_TAG = re.compile(r"<!--.*?(?:-->|$)|<[a-zA-Z/!?][^>]*(?:>|$)", re.DOTALL)


def strip_tags(text: str) -> str:
    return _TAG.sub("", text)


def clean_question_name(name: str) -> str:
    """Moodle's clean_question_name(): no tags, trimmed, at most 255 characters."""
    name = php_trim(strip_tags(name))
    if len(name) > 255:
        name = shorten_text(name, 251)
    return name


def shorten_text(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[: length - 3]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "..."


def default_question_name(text: str) -> str:
    """The name Moodle gives a question that has none: the start of its text."""
    return clean_question_name(shorten_text(php_trim(strip_tags(text)), 80)) or gettext("Question name")


# Category paths: "$course$/top/Quizzes/Week 1". A "/" inside a name is written "//".
_PATH_SEPARATOR = re.compile(r"(?<!/)/(?!/)")
_CONTEXT = re.compile(r"\$[a-z]+\$")


def category_path_from_moodle(raw: str) -> tuple[str, ...]:
    names = [php_trim(name.replace("//", "/")) for name in _PATH_SEPARATOR.split(raw)]
    if names and _CONTEXT.fullmatch(names[0]):
        names = names[1:]  # the context ($course$, $system$, ...): the import chooses its own
    if names and names[0] == "top":
        names = names[1:]  # since Moodle 3.5 every category sits below a "top" category
    return tuple(name for name in names if name)


def category_path_to_moodle(path: tuple[str, ...]) -> str:
    return "/".join(["$course$", "top", *(name.replace("/", "//") for name in path)])
