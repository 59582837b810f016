"""GIFT, the text format of Moodle's question bank, read and written as Moodle's qformat_gift does.

Reading follows Moodle's importer step by step, so that a file means here what it means in Moodle:

- Questions are separated by blank lines. Every line is trimmed; a line starting with ``//`` is a comment,
  and the comments before a question may carry ``[tag:...]`` and ``[id:...]``.
- ``$CATEGORY: path`` switches the category of the questions that follow.
- ``::name::`` names a question, ``[html]``/``[plain]``/``[markdown]``/``[moodle]`` sets the format of the
  text it starts (answers and feedback default to the question text's format).
- The answer block ``{...}`` decides the type: none is a description, ``{}`` an essay, ``{#...}`` numerical,
  a ``~`` anywhere multiple choice (several answers when no answer starts with ``=``), ``=`` with ``->``
  matching, ``T``/``TRUE``/``F``/``FALSE`` true/false, anything else short answer. Text after the block
  makes a missing-word question: the block is replaced by ``_____``. ``####`` starts the general feedback.
- ``\\`` ``\\~`` ``\\=`` ``\\#`` ``\\{`` ``\\}`` ``\\:`` are the literal characters, ``\\n`` a new line.

Where Moodle's importer accepts something only by accident and would store a broken question, Maktaba
refuses the file with an error instead (see ``_read_numerical`` and ``_read_question``). Nothing in a file is
ever evaluated: numbers are parsed as decimals, text is kept as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, DecimalException, InvalidOperation

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import ExportError, FormatError
from .model import (
    Answer,
    Category,
    Question,
    QuestionKind,
    Subquestion,
    TextFormat,
    category_path_from_moodle,
    category_path_to_moodle,
    clean_question_name,
    decimal_text,
    default_question_name,
    fraction_match,
    percent_text,
    php_trim,
)

# Moodle's own messages (qformat_gift and core), so that a trainer who knows Moodle recognises them.
BRACE_ERROR = _("Could not find {...} around answers")
MIN_ANSWERS = _("There is an error in the question. There are not enough answers for this question type")
MATCHING_FORMAT = _("Matching question answers are improperly formatted")
NO_NUMERICAL_ANSWERS = _("No answers found for numerical question")
NOT_NUMBERS = _("Error - answers must be numeric")
INVALID_GRADE = _('Invalid grade %(grades)s in question "%(question)s": Moodle accepts only its list of grades')
# Maktaba's own, for files Moodle would import into a broken question.
SECOND_BLOCK = _(
    "There is more than one answer block {...} in this question. Separate questions with a blank line, "
    "and write a literal brace as \\{ or \\}"
)
CATEGORY_NOT_ALONE = _("The $CATEGORY line must be followed by a blank line")
NOT_A_NUMBER = _('Error - answers must be numeric: "%(answer)s"')
CANNOT_WRITE = _('The question "%(question)s" cannot be written in GIFT: %(reason)s')
REASON_ORDERING = _("GIFT has no ordering questions")
REASON_ARROW = _('"->" in its answers or feedback would make it a matching question')
REASON_SUBQUESTION_ARROW = _('a subquestion contains "->"')
REASON_SINGLE = _("a multiple choice question with one right answer needs an answer worth full marks")
REASON_META = _("its tags or ID number contain characters a GIFT comment cannot carry")
CATEGORY_CANNOT_WRITE = _('The category "%(category)s" cannot be written in GIFT')

_FORMATS = {fmt.value: fmt for fmt in TextFormat}
_WEIGHT = re.compile(r"%-*[0-9]{1,2}\.?[0-9]*%")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAGS = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")
BLANK = "_____"

# Escapes. Before the structure of a question is read, each escaped character becomes a private-use
# character that means nothing to the parser; after, it becomes the literal character again. Private-use
# characters already in the text are kept apart by prefixing them with _LITERAL.
_ESCAPED = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005", "n": "\ue006"}
_LITERAL = "\ue007"
_UNESCAPED = {placeholder: ("\n" if char == "n" else char) for char, placeholder in _ESCAPED.items()}


def _escape_pre(text: str) -> str:
    out: list[str] = []
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char == "\\" and i + 1 < end:
            following = text[i + 1]
            if following == "\\":
                out.append("\\")
                i += 2
                continue
            if following in _ESCAPED:
                out.append(_ESCAPED[following])
                i += 2
                continue
        if "\ue000" <= char <= _LITERAL:
            out.append(_LITERAL + chr(ord(char) + 0x100))
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _escape_post(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == _LITERAL:
            following = next(chars, "")
            literal = "\ue100" <= following <= "\ue107"
            out.append(chr(ord(following) - 0x100) if literal else char + following)
        else:
            out.append(_UNESCAPED.get(char, char))
    return "".join(out)


# Reading ------------------------------------------------------------------------------------------------------


class _QuestionError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def parse_gift(text: str) -> list[Category | Question]:
    """Read a GIFT file. Raise ``FormatError`` listing every error, with its line, if there is any."""
    text = text.removeprefix("\ufeff")
    # Moodle splits on "\n" (a "\r\n" line loses its "\r" when trimmed); a file with "\r" and no "\n" at all
    # comes from an old Mac.
    lines = text.split("\r") if "\n" not in text and "\r" in text else text.split("\n")
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(lines, start=1):
        line = php_trim(line)
        if line:
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])

    items: list[Category | Question] = []
    errors: list[tuple[int, str]] = []
    category: tuple[str, ...] = ()
    for block in blocks:
        if not block:
            continue
        start = next((number for number, line in block if not line.startswith("//")), block[0][0])
        try:
            item = _read_block(block, start)
        except _QuestionError as error:
            errors.append((start, error.message))
            continue
        if item is None:
            continue
        if isinstance(item, Category):
            category = item.path
        else:
            item.category_path = category
        items.append(item)
    if errors:
        raise FormatError(errors, parsed=items)
    return items


def _read_block(block: list[tuple[int, str]], start: int) -> Category | Question | None:
    comments = "".join(line + "\n" for _number, line in block if line.startswith("//"))
    text = php_trim("\n".join(" " if line.startswith("//") else line for _number, line in block))
    if not text:
        return None
    text = _escape_pre(text)

    if text.startswith("$CATEGORY:"):
        raw = php_trim(text[len("$CATEGORY:") :])
        if "\n" in raw:
            raise _QuestionError(gettext(CATEGORY_NOT_ALONE))
        return Category(path=category_path_from_moodle(_escape_post(raw)), line=start)

    name = ""
    if text.startswith("::"):
        text = text[2:]
        name_end = text.find("::")
        if name_end != -1:
            name = clean_question_name(_escape_post(text[:name_end]))
            text = php_trim(text[name_end + 2 :])

    answer_start, answer_end = text.find("{"), text.find("}")
    description = answer_start == -1 and answer_end == -1
    if description:
        question_text, answer_text = text, ""
    else:
        if answer_start == -1 or answer_end == -1 or answer_end < answer_start:
            raise _QuestionError(gettext(BRACE_ERROR))
        if text.find("{", answer_end) != -1 or text.find("}", answer_end + 1) != -1:
            raise _QuestionError(gettext(SECOND_BLOCK))
        answer_text = php_trim(text[answer_start + 1 : answer_end])
        # A block at the very end is the answer; anywhere else it leaves a blank in the text (missing word).
        blank = "" if answer_end == len(text) - 1 else BLANK
        question_text = text[:answer_start] + blank + text[answer_end + 1 :]

    general_feedback = ""
    separator = answer_text.rfind("####")
    if separator != -1:
        general_feedback = answer_text[separator + 4 :]
        answer_text = php_trim(answer_text[:separator])

    text_format, question_text = _with_format(question_text, TextFormat.MOODLE)
    feedback_format, general_feedback = _with_format(general_feedback, text_format)
    idnumber, tags = _idnumber_and_tags(comments)
    question = Question(
        kind=QuestionKind.DESCRIPTION,
        name=name or default_question_name(question_text),
        text=question_text,
        text_format=text_format,
        general_feedback=general_feedback,
        general_feedback_format=feedback_format,
        tags=tags,
        idnumber=idnumber,
        line=start,
    )

    if description:
        question.default_mark = Decimal(0)
    elif answer_text == "":
        question.kind = QuestionKind.ESSAY
    elif answer_text.startswith("#"):
        _read_numerical(question, answer_text[1:])
    elif "~" in answer_text:
        _read_multichoice(question, answer_text)
    elif "=" in answer_text and "->" in answer_text:
        _read_matching(question, answer_text)
    else:
        check = answer_text
        if answer_text.find("#") > 0:
            check = php_trim(answer_text[: answer_text.find("#")])
        if check in _TRUE_FALSE:
            _read_truefalse(question, answer_text)
        else:
            _read_shortanswer(question, answer_text)
    return question


def _with_format(text: str, default: TextFormat) -> tuple[TextFormat, str]:
    """Moodle's parse_text_with_format(): an optional [format] prefix, then the unescaped, trimmed text."""
    text_format = default
    if text.startswith("["):
        end = text.find("]")
        if end != -1 and text[1:end] in _FORMATS:
            text_format = _FORMATS[text[1:end]]
            text = text[end + 1 :]
    return text_format, php_trim(_escape_post(text))


def _comment(answer: str, default: TextFormat) -> tuple[tuple[TextFormat, str], tuple[TextFormat, str]]:
    """An answer and its #feedback."""
    bits = answer.split("#", 1)
    feedback = _with_format(php_trim(bits[1]), default) if len(bits) > 1 else (default, "")
    return _with_format(php_trim(bits[0]), default), feedback


def _weight(answer: str) -> tuple[Decimal | None, str]:
    """A leading %weight% as a fraction, and the rest of the answer."""
    if not _WEIGHT.match(answer):
        return None, answer
    end = answer.index("%", 1)
    try:
        weight = Decimal(answer[1:end]) / 100
    except InvalidOperation:  # "%--50%" passes Moodle's pattern but is no number
        weight = Decimal("NaN")
    return weight, answer[end + 1 :]


def _split(answer_text: str, separator: str) -> list[str]:
    parts = answer_text.split(separator)
    parts[0] = php_trim(parts[0])
    if parts[0] == "":
        parts.pop(0)
    return parts


def _check_grades(question: Question, fractions: list[Decimal]) -> list[Decimal]:
    checked, invalid = [], []
    for fraction in fractions:
        match = fraction_match(fraction)
        if match is None:
            invalid.append(fraction)
        checked.append(match)
    if invalid:
        grades = ", ".join((percent_text(fraction) + "%") if fraction.is_finite() else "?" for fraction in invalid)
        raise _QuestionError(gettext(INVALID_GRADE) % {"grades": grades, "question": question.name})
    return checked


def _read_multichoice(question: Question, answer_text: str) -> None:
    question.kind = QuestionKind.MULTICHOICE
    question.single = "=" in answer_text  # no answer marked right: any number of answers may be chosen
    parts = _split(answer_text.replace("=", "~="), "~")
    if len(parts) < 2:
        raise _QuestionError(gettext(MIN_ANSWERS))
    read = []
    for part in parts:
        part = php_trim(part)
        if part.startswith("="):
            weight: Decimal | None = Decimal(1)
            part = part[1:]
        else:
            weight, part = _weight(part)
        (text_format, text), (feedback_format, feedback) = _comment(part, question.text_format)
        if text:  # Moodle skips blank choices when it saves the question
            read.append((weight if weight is not None else Decimal(0), text, text_format, feedback, feedback_format))
    if len(read) < 2:
        raise _QuestionError(gettext(MIN_ANSWERS))
    fractions = _check_grades(question, [weight for weight, *_rest in read])
    question.answers = [
        Answer(text, fraction, text_format, feedback, feedback_format)
        for fraction, (_weight_, text, text_format, feedback, feedback_format) in zip(fractions, read, strict=True)
    ]


def _read_matching(question: Question, answer_text: str) -> None:
    question.kind = QuestionKind.MATCHING
    parts = _split(answer_text, "=")
    if len(parts) < 2:
        raise _QuestionError(gettext(MIN_ANSWERS))
    for part in parts:
        part = php_trim(part)
        marker = part.find("->")
        if marker == -1:
            raise _QuestionError(gettext(MATCHING_FORMAT))
        text_format, text = _with_format(part[:marker], question.text_format)
        answer = php_trim(_escape_post(part[marker + 2 :]))
        if text or answer:  # Moodle skips pairs with neither
            question.subquestions.append(Subquestion(text, answer, text_format))


def _read_truefalse(question: Question, answer_text: str) -> None:
    question.kind = QuestionKind.TRUEFALSE
    question.penalty = Decimal(1)
    bits = answer_text.split("#", 2)
    _answer_format, answer = _with_format(php_trim(bits[0]), question.text_format)
    empty = (question.text_format, "")
    # The first feedback is for a wrong answer, the second for the right one.
    wrong = _with_format(php_trim(bits[1]), question.text_format) if len(bits) > 1 else empty
    right = _with_format(php_trim(bits[2]), question.text_format) if len(bits) > 2 else empty
    question.correct_answer = answer in ("T", "TRUE")
    true_feedback, false_feedback = (right, wrong) if question.correct_answer else (wrong, right)
    question.feedback_true_format, question.feedback_true = true_feedback
    question.feedback_false_format, question.feedback_false = false_feedback


def _read_shortanswer(question: Question, answer_text: str) -> None:
    question.kind = QuestionKind.SHORTANSWER
    parts = _split(answer_text, "=")
    if not parts:
        raise _QuestionError(gettext(MIN_ANSWERS))
    read = []
    for part in parts:
        weight, part = _weight(php_trim(part))
        weight = Decimal(1) if weight is None else weight
        (_text_format, text), (feedback_format, feedback) = _comment(part, question.text_format)
        if text or weight or feedback:  # Moodle skips answers that are entirely blank
            read.append((weight, text, feedback, feedback_format))
    if not read:
        raise _QuestionError(gettext(MIN_ANSWERS))
    fractions = _check_grades(question, [weight for weight, *_rest in read])
    question.answers = [
        Answer(text, fraction, TextFormat.PLAIN, feedback, feedback_format)
        for fraction, (_weight_, text, feedback, feedback_format) in zip(fractions, read, strict=True)
    ]


def _number(text: str) -> Decimal | None:
    return Decimal(text) if _NUMBER.fullmatch(text) else None


def _read_numerical(question: Question, answer_text: str) -> None:
    """``{#3:2}``, ``{#1..5}``, ``{#=%100%3:2#Right =%50%3:4 ~#Wrong}`` (everything after the first ``~``
    is the feedback for any other number).

    Moodle turns an answer that is not a number into ``*`` (any number is right) through a slip in its
    code; here it is an error, so that ``{#1,5}`` is not imported as "every answer is right".
    """
    question.kind = QuestionKind.NUMERICAL
    other_feedback = ""
    if "~" in answer_text:
        position = answer_text.index("~")
        answer_text, other_feedback = answer_text[:position], answer_text[position:]
    parts = _split(answer_text, "=")
    if not parts:
        raise _QuestionError(gettext(NO_NUMERICAL_ANSWERS))
    read = []
    for part in parts:
        weight, part = _weight(php_trim(part))
        weight = Decimal(1) if weight is None else weight
        (_text_format, answer), (feedback_format, feedback) = _comment(part, question.text_format)
        try:
            if answer.find("..") > 0:
                marker = answer.index("..")
                low, high = _number(php_trim(answer[:marker])), _number(php_trim(answer[marker + 2 :]))
                if low is None or high is None:
                    raise _QuestionError(gettext(NOT_A_NUMBER) % {"answer": answer})
                middle = (low + high) / 2
                value, tolerance = decimal_text(middle), high - middle
            elif answer.find(":") > 0:
                marker = answer.index(":")
                value, tolerance_text = php_trim(answer[:marker]), php_trim(answer[marker + 1 :])
                tolerance = _number(tolerance_text)
                if tolerance is None:
                    raise _QuestionError(gettext(NOT_A_NUMBER) % {"answer": answer})
            else:
                value, tolerance = php_trim(answer), Decimal(0)
            if value != "*" and _number(value) is None:
                raise _QuestionError(gettext(NOT_A_NUMBER) % {"answer": answer})
            tolerance = abs(tolerance) + 0  # Moodle uses the absolute value; "+ 0" turns -0 into 0
        except DecimalException as error:  # a number too large to compute with
            raise _QuestionError(gettext(NOT_A_NUMBER) % {"answer": answer}) from error
        read.append((weight, value, tolerance, feedback, feedback_format))
    if other_feedback:
        _ignored, (feedback_format, feedback) = _comment(other_feedback, question.text_format)
        read.append((Decimal(0), "*", Decimal(0), feedback, feedback_format))
    fractions = _check_grades(question, [weight for weight, *_rest in read])
    question.answers = [
        Answer(value, fraction, TextFormat.PLAIN, feedback, feedback_format, tolerance)
        for fraction, (_weight_, value, tolerance, feedback, feedback_format) in zip(fractions, read, strict=True)
    ]


def _idnumber_and_tags(comments: str) -> tuple[str, list[str]]:
    """Moodle's extract_idnumber_and_tags_from_comment(): ``// [tag:a] [tag:b] [id:c]``, ``\\]`` for ``]``."""
    idnumber = ""
    match = _ID.search(comments)
    if match:
        idnumber = php_trim(match.group(1)).replace("\\]", "]")
    tags: list[str] = []
    for raw in _TAGS.findall(comments):
        tag = php_trim(raw).replace("\\]", "]")
        if tag and tag not in tags:
            tags.append(tag)
    return idnumber, tags


# Writing ------------------------------------------------------------------------------------------------------

_SPECIAL = str.maketrans(
    {"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}", ":": "\\:", "\n": "\\n", "\r": ""}
)


def _escape(text: str) -> str:
    """Moodle's repchar(): escape GIFT's special characters, write new lines as \\n."""
    return text.translate(_SPECIAL)


def _text(text: str, text_format: TextFormat, default: TextFormat) -> str:
    """A text with a [format] prefix when its format differs from the default, or when the text itself starts
    with something that would be read as one."""
    prefix = ""
    if text_format != default or _looks_like_format(text):
        prefix = f"[{text_format.value}]"
    return prefix + _escape(text)


def _looks_like_format(text: str) -> bool:
    end = text.find("]")
    return text.startswith("[") and end != -1 and text[1:end] in _FORMATS


def _plain_answer(text: str) -> str:
    return ("[plain]" if _looks_like_format(text) else "") + _escape(text)


def write_gift(items: Iterable[Category | Question]) -> str:
    """Write categories and questions as GIFT, as Moodle's exporter does.

    GIFT has no place for a question's mark, penalty, hints, units, case sensitivity or shuffling, nor for a
    category's description or a description's general feedback: those are left out. A question that would
    come back different (see ``CANNOT_WRITE``) raises ``ExportError``.
    """
    out: list[str] = []
    current: tuple[str, ...] = ()
    for item in items:
        if isinstance(item, Category):
            out.append(_category(item.path))
            current = item.path
            continue
        if item.category_path != current:
            out.append(_category(item.category_path))
            current = item.category_path
        out.append(_question(item))
    return "".join(out)


def _category(path: tuple[str, ...]) -> str:
    raw = category_path_to_moodle(path).replace("\\", "\\\\")
    if any(char in raw for char in "\r\n") or any(name != php_trim(name) for name in path):
        raise ExportError(gettext(CATEGORY_CANNOT_WRITE) % {"category": "/".join(path)})
    return f"$CATEGORY: {raw}\n\n"


def _meta(question: Question) -> str:
    tokens = []
    if question.idnumber:
        tokens.append("[id:" + question.idnumber.replace("]", "\\]") + "]")
    tokens += ["[tag:" + tag.replace("]", "\\]") + "]" for tag in question.tags]
    if not tokens:
        return ""
    line = "// " + " ".join(tokens) + "\n"
    if _idnumber_and_tags(line) != (question.idnumber, list(question.tags)):
        _refuse(question, REASON_META)
    return line


def _refuse(question: Question, reason: str) -> None:
    raise ExportError(gettext(CANNOT_WRITE) % {"question": question.name, "reason": gettext(reason)})


def _question(question: Question) -> str:
    qformat = question.text_format
    head = _meta(question) + "::" + _escape(question.name) + "::" + _text(question.text, qformat, TextFormat.MOODLE)
    general = ""
    if question.general_feedback or question.general_feedback_format != qformat:
        general = "####" + _text(question.general_feedback, question.general_feedback_format, qformat)
    kind = question.kind

    if kind == QuestionKind.DESCRIPTION:
        return head + "\n\n"
    if kind == QuestionKind.ESSAY:
        return head + "{" + general + "}\n\n"
    if kind == QuestionKind.TRUEFALSE:
        right, wrong = (
            (
                _feedback(question.feedback_true, question.feedback_true_format, qformat),
                _feedback(question.feedback_false, question.feedback_false_format, qformat),
            )
            if question.correct_answer
            else (
                _feedback(question.feedback_false, question.feedback_false_format, qformat),
                _feedback(question.feedback_true, question.feedback_true_format, qformat),
            )
        )
        block = ("TRUE" if question.correct_answer else "FALSE") + (wrong or ("#" if right else "")) + right
        return head + "{" + block + general + "}\n\n"

    lines: list[str] = []
    if kind == QuestionKind.MULTICHOICE:
        if question.single and not any(answer.fraction == 1 for answer in question.answers):
            _refuse(question, REASON_SINGLE)
        # Without a "~" the block would not be read as multiple choice: then the last answer takes one.
        tilde_needed = all(question.single and answer.fraction == 1 for answer in question.answers)
        for index, answer in enumerate(question.answers):
            text = _text(answer.text, answer.text_format, qformat)
            if question.single and answer.fraction == 1 and not (tilde_needed and index == len(question.answers) - 1):
                marker = "="
            elif answer.fraction == 0 and not _WEIGHT.match(text):
                marker = "~"
            else:
                marker = "~%" + percent_text(answer.fraction) + "%"
            lines.append(marker + text + _feedback(answer.feedback, answer.feedback_format, qformat))
        block = "{\n"
    elif kind == QuestionKind.SHORTANSWER:
        for answer in question.answers:
            feedback = _feedback(answer.feedback, answer.feedback_format, qformat)
            if "->" in answer.text or "->" in feedback:
                _refuse(question, REASON_ARROW)
            lines.append("=%" + percent_text(answer.fraction) + "%" + _plain_answer(answer.text) + feedback)
        block = "{\n"
    elif kind == QuestionKind.NUMERICAL:
        last = len(question.answers) - 1
        for index, answer in enumerate(question.answers):
            feedback = _feedback(answer.feedback, answer.feedback_format, qformat)
            if answer.text == "*" and answer.fraction == 0 and index == last and index > 0:
                lines.append("~" + feedback)  # feedback for any other number
            else:
                tolerance = decimal_text(answer.tolerance or Decimal(0))
                lines.append("=%" + percent_text(answer.fraction) + "%" + answer.text + ":" + tolerance + feedback)
        block = "{#\n"
    elif kind == QuestionKind.MATCHING:
        for pair in question.subquestions:
            if "->" in pair.text:
                _refuse(question, REASON_SUBQUESTION_ARROW)
            lines.append("=" + _text(pair.text, pair.text_format, qformat) + " -> " + _escape(pair.answer))
        block = "{\n"
    else:
        _refuse(question, REASON_ORDERING)
    if general:
        lines.append(general)
    return head + block + "".join("\t" + line + "\n" for line in lines) + "}\n\n"


def _feedback(text: str, text_format: TextFormat, default: TextFormat) -> str:
    if not text and text_format == default:
        return ""
    return "#" + _text(text, text_format, default)
