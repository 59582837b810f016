"""Moodle XML, read and written as Moodle's qformat_xml does.

The file is parsed with defusedxml and any DTD is refused, so entity expansion (billion laughs) and external
entities never happen. Reading follows Moodle's importer: texts are trimmed, a missing format means HTML for
the question text and the question text's format for the rest, fractions are percentages that must be one of
Moodle's grades, ``$course$/top/A/B`` is the category path ``("A", "B")``. Question types Maktaba does not
have (calculated, cloze, drag and drop...) are errors, as they are in a Moodle without those plugins.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from decimal import Decimal, DecimalException
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import ParseError as XMLParseError
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import FormatError
from .model import (
    Answer,
    Category,
    Hint,
    Question,
    QuestionKind,
    Subquestion,
    TextFormat,
    Unit,
    category_path_from_moodle,
    category_path_to_moodle,
    clean_question_name,
    decimal_text,
    fraction_match,
    percent_text,
    php_trim,
)

NOT_XML = _("This is not a valid XML file: %(error)s")
UNSAFE_XML = _("The file declares a DTD or entities, which are refused for safety")
NOT_QUIZ = _("This is not a Moodle XML question file: it must start with <quiz>")
NO_NAME = _("Missing question name in XML file")
UNSUPPORTED = _('Question type "%(type)s" is not supported')
INVALID_GRADE = _('Invalid grade %(grades)s in question "%(question)s": Moodle accepts only its list of grades')
NOT_A_NUMBER = _('"%(value)s" in question "%(question)s" should be a number')
MIN_ANSWERS = _('The question "%(question)s" does not have enough answers for its type')

_FORMATS_IN = {
    "moodle_auto_format": TextFormat.MOODLE,
    "html": TextFormat.HTML,
    "plain_text": TextFormat.PLAIN,
    "markdown": TextFormat.MARKDOWN,
    "wiki_like": TextFormat.PLAIN,  # Moodle's old wiki format: shown as plain text rather than guessed at
}
_FORMATS_OUT = {
    TextFormat.MOODLE: "moodle_auto_format",
    TextFormat.HTML: "html",
    TextFormat.PLAIN: "plain_text",
    TextFormat.MARKDOWN: "markdown",
}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TYPES = {
    "multichoice": QuestionKind.MULTICHOICE,
    "truefalse": QuestionKind.TRUEFALSE,
    "shortanswer": QuestionKind.SHORTANSWER,
    "numerical": QuestionKind.NUMERICAL,
    "matching": QuestionKind.MATCHING,
    "match": QuestionKind.MATCHING,
    "essay": QuestionKind.ESSAY,
    "description": QuestionKind.DESCRIPTION,
    "ordering": QuestionKind.ORDERING,  # Moodle's qtype_ordering
}


class _QuestionError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


class _LineTreeBuilder(TreeBuilder):
    """Remembers the line each element starts on, for error messages."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


# Reading ------------------------------------------------------------------------------------------------------


def parse_moodle_xml(data: bytes) -> list[Category | Question]:
    """Read a Moodle XML file. Raise ``FormatError`` listing every error, with its line, if there is any."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise FormatError([(parser.parser.CurrentLineNumber, gettext(UNSAFE_XML))]) from None
    except XMLParseError as error:
        raise FormatError([(error.position[0], gettext(NOT_XML) % {"error": error.msg})]) from None
    except (ValueError, LookupError) as error:  # an encoding expat does not know
        raise FormatError([(1, gettext(NOT_XML) % {"error": error})]) from None
    if root.tag != "quiz":
        raise FormatError([(builder.lines.get(id(root), 1), gettext(NOT_QUIZ))])

    items: list[Category | Question] = []
    errors: list[tuple[int, str]] = []
    category: tuple[str, ...] = ()
    for element in root.findall("question"):
        line = builder.lines.get(id(element), 1)
        try:
            item = _read_item(element, line)
        except _QuestionError as error:
            errors.append((line, error.message))
            continue
        if isinstance(item, Category):
            category = item.path
        else:
            item.category_path = category
        items.append(item)
    if errors:
        raise FormatError(errors, parsed=items)
    return items


def _text(element: Element | None, path: str = "text") -> str:
    """Moodle's getpath(..., istext): the trimmed text of the first element at ``path``."""
    if element is None:
        return ""
    found = element.find(path) if path else element
    return php_trim(found.text or "") if found is not None else ""


def _format(name: str | None, default: TextFormat) -> TextFormat:
    if name is None:
        return default
    return _FORMATS_IN.get(php_trim(name), TextFormat.HTML)  # Moodle assumes HTML for a name it does not know


def _formatted(element: Element | None, default: TextFormat) -> tuple[str, TextFormat]:
    if element is None:
        return "", default
    return _text(element), _format(element.get("format"), default)


def _flag(value: str | None, default: bool) -> bool:
    """Moodle's trans_single(): "false", "0" and empty are false."""
    if value is None:
        return default
    value = php_trim(value)
    return value not in ("false", "0", "")


def _decimal(value: str, question: str) -> Decimal:
    value = php_trim(value)
    if not _NUMBER.fullmatch(value):
        raise _QuestionError(gettext(NOT_A_NUMBER) % {"value": value, "question": question})
    return Decimal(value)


def _read_item(element: Element, line: int) -> Category | Question:
    qtype = element.get("type", "")
    if qtype == "category":
        info = element.find("info")
        info_text, info_format = _formatted(info, TextFormat.MOODLE)
        if info is not None and info.get("format") is None:
            info_format = TextFormat.HTML
        return Category(
            path=category_path_from_moodle(_text(element, "category/text")),
            info=info_text,
            info_format=info_format,
            idnumber=_text(element, "idnumber"),
            line=line,
        )
    if qtype not in _TYPES:
        raise _QuestionError(gettext(UNSUPPORTED) % {"type": qtype})
    if element.find("name/text") is None:
        raise _QuestionError(gettext(NO_NAME))
    name = clean_question_name(_text(element, "name/text"))
    try:
        question = _read_question(element, _TYPES[qtype], name)
    except DecimalException as error:
        raise _QuestionError(gettext(NOT_A_NUMBER) % {"value": "", "question": name}) from error
    question.line = line
    return question


def _read_question(element: Element, kind: QuestionKind, name: str) -> Question:
    text, text_format = _formatted(element.find("questiontext"), TextFormat.HTML)
    general_feedback, general_feedback_format = _formatted(element.find("generalfeedback"), text_format)
    question = Question(
        kind=kind,
        name=name,
        text=text,
        text_format=text_format,
        general_feedback=general_feedback,
        general_feedback_format=general_feedback_format,
        idnumber=_text(element, "idnumber"),
        tags=[tag for tag in (_text(tag) for tag in element.findall("tags/tag")) if tag],
    )
    if element.find("defaultgrade") is not None:
        question.default_mark = _decimal(_text(element, "defaultgrade"), name)
    if element.find("penalty") is not None:
        question.penalty = _decimal(_text(element, "penalty"), name)
        if abs(question.penalty - Decimal("0.3333333")) < Decimal("0.005"):
            question.penalty = Decimal("0.3333333")  # Moodle fixes the rounding of old files
    if kind not in (QuestionKind.ESSAY, QuestionKind.DESCRIPTION):  # Moodle reads no hints for those
        with_parts = kind in (QuestionKind.MULTICHOICE, QuestionKind.MATCHING)
        question.hints = [_hint(hint, text_format, with_parts=with_parts) for hint in element.findall("hint")]

    if kind == QuestionKind.DESCRIPTION:
        question.default_mark = Decimal(0)
    elif kind == QuestionKind.MULTICHOICE:
        question.single = _flag(_optional_text(element, "single"), True)
        question.shuffle = _flag(_optional_text(element, "shuffleanswers"), False)
        answers = []
        for answer in element.findall("answer"):
            answer_text, answer_format = _formatted(answer, text_format)
            feedback, feedback_format = _formatted(answer.find("feedback"), text_format)
            if answer_text:  # Moodle skips blank choices when it saves the question
                answers.append((_fraction(answer, name), answer_text, answer_format, feedback, feedback_format))
        if len(answers) < 2:
            raise _QuestionError(gettext(MIN_ANSWERS) % {"question": name})
        fractions = _check_grades(name, [fraction for fraction, *_rest in answers])
        question.answers = [
            Answer(answer_text, fraction, answer_format, feedback, feedback_format)
            for fraction, (_f, answer_text, answer_format, feedback, feedback_format) in zip(
                fractions, answers, strict=True
            )
        ]
    elif kind == QuestionKind.TRUEFALSE:
        answers = element.findall("answer")
        if not answers:
            raise _QuestionError(gettext(MIN_ANSWERS) % {"question": name})
        for position, answer in enumerate(answers):
            value = _text(answer)
            if value not in ("true", "false"):
                value = "true" if position == 0 else "false"  # old files: true first, then false
            full = _decimal(answer.get("fraction", "0"), name) == 100
            feedback, feedback_format = _formatted(answer.find("feedback"), text_format)
            if value == "true":
                question.correct_answer = full
                question.feedback_true, question.feedback_true_format = feedback, feedback_format
            else:
                question.correct_answer = not full
                question.feedback_false, question.feedback_false_format = feedback, feedback_format
    elif kind == QuestionKind.SHORTANSWER:
        question.case_sensitive = _flag(_optional_text(element, "usecase"), False)
        answers = []
        for answer in element.findall("answer"):
            fraction = _fraction(answer, name)
            feedback, feedback_format = _formatted(answer.find("feedback"), text_format)
            if _text(answer) or fraction or feedback:  # Moodle skips answers that are entirely blank
                answers.append((fraction, _text(answer), feedback, feedback_format))
        if not answers:
            raise _QuestionError(gettext(MIN_ANSWERS) % {"question": name})
        fractions = _check_grades(name, [fraction for fraction, *_rest in answers])
        question.answers = [
            Answer(answer_text, fraction, TextFormat.PLAIN, feedback, feedback_format)
            for fraction, (_f, answer_text, feedback, feedback_format) in zip(fractions, answers, strict=True)
        ]
    elif kind == QuestionKind.NUMERICAL:
        answers = []
        for answer in element.findall("answer"):
            value = _text(answer) or "*"
            if value != "*":
                _decimal(value, name)
            tolerance_text = _text(answer, "tolerance")
            tolerance = abs(_decimal(tolerance_text, name)) + 0 if tolerance_text else Decimal(0)
            fraction = _fraction(answer, name)
            if answer.find("fraction") is not None:  # the old way of writing it
                fraction = _decimal(_text(answer, "fraction"), name)
            feedback, feedback_format = _formatted(answer.find("feedback"), text_format)
            answers.append((fraction, value, tolerance, feedback, feedback_format))
        if not answers:
            raise _QuestionError(gettext(MIN_ANSWERS) % {"question": name})
        fractions = _check_grades(name, [fraction for fraction, *_rest in answers])
        question.answers = [
            Answer(value, fraction, TextFormat.PLAIN, feedback, feedback_format, tolerance)
            for fraction, (_f, value, tolerance, feedback, feedback_format) in zip(fractions, answers, strict=True)
        ]
        question.units = [
            Unit(_text(unit, "unit_name"), _decimal(_text(unit, "multiplier") or "1", name))
            for unit in element.findall("units/unit")
        ]
    elif kind == QuestionKind.ORDERING:
        # qtype_ordering stores each item's place in the right order as its answer's "fraction" (1, 2, 3...,
        # written as percentages); items are plain text here, so markup is dropped.
        items = []
        for index, answer in enumerate(element.findall("answer")):
            item_text, item_format = _formatted(answer, text_format)
            if item_format in (TextFormat.HTML, TextFormat.MOODLE):
                item_text = html.unescape(strip_tags(item_text)).strip()
            if item_text:
                items.append((_decimal(answer.get("fraction", "0"), name), index, item_text))
        if len(items) < 2:
            raise _QuestionError(gettext(MIN_ANSWERS) % {"question": name})
        question.answers = [Answer(item_text, Decimal(0), TextFormat.PLAIN) for _f, _i, item_text in sorted(items)]
    elif kind == QuestionKind.MATCHING:
        question.shuffle = _flag(_optional_text(element, "shuffleanswers"), True)
        for subquestion in element.findall("subquestion"):
            sub_text, sub_format = _formatted(subquestion, text_format)
            answer = _text(subquestion, "answer/text")
            if sub_text or answer:  # Moodle skips pairs with neither
                question.subquestions.append(Subquestion(sub_text, answer, sub_format))
    return question


def _optional_text(element: Element, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else (found.text or "")


def _fraction(answer: Element, question: str) -> Decimal:
    return _decimal(answer.get("fraction", "0"), question) / 100


def _check_grades(question: str, fractions: list[Decimal]) -> list[Decimal]:
    matches = [fraction_match(fraction) for fraction in fractions]
    invalid = [fraction for fraction, match in zip(fractions, matches, strict=True) if match is None]
    if invalid:
        grades = ", ".join(percent_text(fraction) + "%" for fraction in invalid)
        raise _QuestionError(gettext(INVALID_GRADE) % {"grades": grades, "question": question})
    return [match for match in matches if match is not None]


def _hint(element: Element, default: TextFormat, *, with_parts: bool) -> Hint:
    text, text_format = _formatted(element, default)
    return Hint(
        text,
        text_format,
        show_num_correct=with_parts and element.find("shownumcorrect") is not None,
        clear_wrong=with_parts and element.find("clearwrong") is not None,
    )


# Writing ------------------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all; they mean nothing in a question, so they are left out.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"})


def _escape(text: str) -> str:
    return _NOT_XML.sub("", text).translate(_ESCAPES)


def write_moodle_xml(items: Iterable[Category | Question]) -> bytes:
    """Write categories and questions as Moodle XML, as Moodle's exporter does."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    current: tuple[str, ...] = ()
    for item in items:
        if isinstance(item, Category):
            out.append(_category(item))
            current = item.path
            continue
        if item.category_path != current:
            out.append(_category(Category(item.category_path)))
            current = item.category_path
        out.append(_question(item))
    out.append("</quiz>\n")
    return "".join(out).encode("utf-8")


def _text_element(tag: str, text: str, text_format: TextFormat | None = None, indent: str = "    ") -> str:
    attribute = f' format="{_FORMATS_OUT[text_format]}"' if text_format is not None else ""
    return f"{indent}<{tag}{attribute}>\n{indent}  <text>{_escape(text)}</text>\n{indent}</{tag}>\n"


def _category(category: Category) -> str:
    return (
        '  <question type="category">\n'
        + _text_element("category", category_path_to_moodle(category.path))
        + _text_element("info", category.info, category.info_format)
        + f"    <idnumber>{_escape(category.idnumber)}</idnumber>\n"
        + "  </question>\n"
    )


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _answer(answer: Answer, *, fraction: Decimal, text_format: TextFormat, extra: str = "") -> str:
    return (
        f'    <answer fraction="{percent_text(fraction)}" format="{_FORMATS_OUT[text_format]}">\n'
        f"      <text>{_escape(answer.text)}</text>\n"
        + _text_element("feedback", answer.feedback, answer.feedback_format, indent="      ")
        + extra
        + "    </answer>\n"
    )


def _question(question: Question) -> str:
    kind = question.kind
    qtype = "matching" if kind == QuestionKind.MATCHING else kind.value
    out = [
        f'  <question type="{qtype}">\n',
        _text_element("name", question.name),
        _text_element("questiontext", question.text, question.text_format),
        _text_element("generalfeedback", question.general_feedback, question.general_feedback_format),
        f"    <defaultgrade>{decimal_text(question.default_mark)}</defaultgrade>\n",
        f"    <penalty>{decimal_text(question.penalty)}</penalty>\n",
        "    <hidden>0</hidden>\n",
        f"    <idnumber>{_escape(question.idnumber)}</idnumber>\n",
    ]
    if kind == QuestionKind.MULTICHOICE:
        out += [
            f"    <single>{_bool(question.single)}</single>\n",
            f"    <shuffleanswers>{_bool(question.shuffle)}</shuffleanswers>\n",
            "    <answernumbering>abc</answernumbering>\n",
        ]
        out += [
            _answer(answer, fraction=answer.fraction, text_format=answer.text_format) for answer in question.answers
        ]
    elif kind == QuestionKind.TRUEFALSE:
        for value, feedback, feedback_format in (
            (True, question.feedback_true, question.feedback_true_format),
            (False, question.feedback_false, question.feedback_false_format),
        ):
            answer = Answer("true" if value else "false", feedback=feedback, feedback_format=feedback_format)
            fraction = Decimal(1) if question.correct_answer == value else Decimal(0)
            out.append(_answer(answer, fraction=fraction, text_format=TextFormat.MOODLE))
    elif kind == QuestionKind.SHORTANSWER:
        out.append(f"    <usecase>{int(question.case_sensitive)}</usecase>\n")
        out += [_answer(answer, fraction=answer.fraction, text_format=TextFormat.PLAIN) for answer in question.answers]
    elif kind == QuestionKind.NUMERICAL:
        for answer in question.answers:
            tolerance = f"      <tolerance>{decimal_text(answer.tolerance or Decimal(0))}</tolerance>\n"
            out.append(_answer(answer, fraction=answer.fraction, text_format=TextFormat.PLAIN, extra=tolerance))
        if question.units:
            out.append("    <units>\n")
            for unit in question.units:
                out.append(
                    "      <unit>\n"
                    f"        <multiplier>{decimal_text(unit.multiplier)}</multiplier>\n"
                    f"        <unit_name>{_escape(unit.name)}</unit_name>\n"
                    "      </unit>\n"
                )
            out.append("    </units>\n")
        out.append(f"    <showunits>{0 if question.units else 3}</showunits>\n")
    elif kind == QuestionKind.ORDERING:
        # As qtype_ordering writes it: every item to be placed, graded by its absolute position.
        out += [
            "    <layouttype>VERTICAL</layouttype>\n",
            "    <selecttype>ALL</selecttype>\n",
            "    <selectcount>0</selectcount>\n",
            "    <gradingtype>ABSOLUTE_POSITION</gradingtype>\n",
            "    <showgrading>SHOW</showgrading>\n",
            "    <numberingstyle>none</numberingstyle>\n",
        ]
        out += [
            _answer(item, fraction=Decimal(position), text_format=TextFormat.PLAIN)
            for position, item in enumerate(question.answers, start=1)
        ]
    elif kind == QuestionKind.MATCHING:
        out.append(f"    <shuffleanswers>{_bool(question.shuffle)}</shuffleanswers>\n")
        for pair in question.subquestions:
            out.append(
                f'    <subquestion format="{_FORMATS_OUT[pair.text_format]}">\n'
                f"      <text>{_escape(pair.text)}</text>\n"
                f"      <answer>\n        <text>{_escape(pair.answer)}</text>\n      </answer>\n"
                "    </subquestion>\n"
            )
    for hint in question.hints:
        out.append(
            f'    <hint format="{_FORMATS_OUT[hint.text_format]}">\n'
            f"      <text>{_escape(hint.text)}</text>\n"
            + ("      <shownumcorrect/>\n" if hint.show_num_correct else "")
            + ("      <clearwrong/>\n" if hint.clear_wrong else "")
            + "    </hint>\n"
        )
    if question.tags:
        out.append("    <tags>\n")
        out += [f"      <tag><text>{_escape(tag)}</text></tag>\n" for tag in question.tags]
        out.append("    </tags>\n")
    out.append("  </question>\n")
    return "".join(out)
