"""Aiken, a plain-text format for multiple choice questions with one right answer, read as Moodle does.

    Question text on one line
    A) First choice
    B. Second choice
    ANSWER: B

A choice is a capital letter, ``)`` or ``.``, an optional space, and the text. Like Moodle, the text is
stored as HTML with ``& < >`` escaped, and the errors are Moodle's (qformat_aiken), each with its line.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import FormatError
from .model import Answer, Question, QuestionKind, TextFormat, default_question_name, php_trim

MISSING_ANSWERS = _('Question must have at least 2 answers: "%(question)s"')
NOT_STARTED = _("Question not started")
NOT_COMPLETED = _('Question not completed before next question start: "%(question)s"')
NOT_COMPLETED_AT_END = _('Question not completed before the end of the file: "%(question)s"')
NO_SUCH_CHOICE = _('The answer "%(answer)s" is not one of the choices of "%(question)s"')

_CHOICE = re.compile(r"[A-Z][).][ \t]?")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})  # htmlspecialchars(..., ENT_NOQUOTES)


def parse_aiken(text: str) -> list[Question]:
    """Read an Aiken file. Raise ``FormatError`` listing every error, with its line, if there is any."""
    questions: list[Question] = []
    errors: list[tuple[int, str]] = []
    question: Question | None = None
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")), start=1):
        line = php_trim(line)
        if len(line.encode("utf-8")) < 2:  # Moodle skips lines shorter than two bytes
            continue
        choice, answer = bool(_CHOICE.match(line)), line.startswith("ANSWER:")
        if (choice or answer) and question is None:
            errors.append((number, gettext(NOT_STARTED)))
            continue
        if choice:
            text = php_trim(line[2:]).translate(_ESCAPE)
            question.answers.append(Answer(text, text_format=TextFormat.HTML, feedback_format=TextFormat.HTML))
        elif answer:
            letter = php_trim(line[line.index(":") + 1 :])[:1]
            index = ord(letter) - ord("A") if letter else -1
            if len(question.answers) < 2:
                errors.append((number, gettext(MISSING_ANSWERS) % {"question": question.name}))
            elif not 0 <= index < len(question.answers):
                errors.append((number, gettext(NO_SUCH_CHOICE) % {"answer": letter, "question": question.name}))
            else:
                question.answers[index].fraction = Decimal(1)
                questions.append(question)
            question = None
        else:
            if question is not None:
                errors.append((number, gettext(NOT_COMPLETED) % {"question": question.name}))
            question = Question(
                kind=QuestionKind.MULTICHOICE,
                name=default_question_name(line),
                text=line.translate(_ESCAPE),
                text_format=TextFormat.HTML,
                general_feedback_format=TextFormat.HTML,
                single=True,
                line=number,
            )
    if question is not None:
        errors.append((question.line or 1, gettext(NOT_COMPLETED_AT_END) % {"question": question.name}))
    if errors:
        raise FormatError(errors, parsed=questions)
    return questions
