"""Export then import gives back the same questions, for GIFT and for Moodle XML: on generated questions of every
kind with awkward text (Arabic, Cyrillic, GIFT's special characters, new lines), and on the corpus files."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.quizzes.formats.errors import ExportError
from lms.quizzes.formats.gift import parse_gift, write_gift
from lms.quizzes.formats.model import (
    VALID_FRACTIONS,
    Answer,
    Category,
    Hint,
    Question,
    QuestionKind,
    Subquestion,
    TextFormat,
    Unit,
    clean_question_name,
    decimal_text,
    php_trim,
)
from lms.quizzes.formats.moodlexml import parse_moodle_xml, write_moodle_xml
from tests.lms.quizzes import GIFT_PEGJS, MOODLE

K = QuestionKind
SPECIAL = [*"=~#{}:\\[]%->/", "->", "####", "//", "::", "[html]", "%50%", "_____", "\ue000", "\ue007"]
WORDS = ["Москва", "ёлка", "Ж", "القاهرة", "مرحبا", "ب", "日本", "café", "1", "-2.5", "T", "TRUE"]
CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
PIECES = st.one_of(CHARACTERS, st.sampled_from(SPECIAL + WORDS + [" ", "  ", "\t", "\n"]))


def texts(*, min_size: int = 0, exclude: str = "") -> st.SearchStrategy[str]:
    """Awkward text, trimmed as both formats trim it on import."""
    strategy = st.lists(PIECES, max_size=12).map(lambda pieces: php_trim("".join(pieces)))
    if exclude:
        strategy = strategy.filter(lambda text: exclude not in text)
    return strategy.filter(lambda text: len(text) >= min_size)


SAFE = st.text(st.sampled_from([*"abcxyz019-_ .]", "Ж", "я", "ع", "ب"]), min_size=1, max_size=8).map(php_trim)
names = texts(min_size=1).filter(lambda name: clean_question_name(name) == name)
formats = st.sampled_from(list(TextFormat))
fractions = st.sampled_from(VALID_FRACTIONS)
numbers = st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False).map(decimal_text)
tolerances = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False)
category_names = SAFE.filter(bool).filter(lambda name: "/" not in name)
paths = st.lists(category_names, max_size=3).map(tuple)


@st.composite
def questions(draw, *, gift: bool) -> Question:
    """A question of any kind; with ``gift``, only what GIFT can carry (the rest keeps Moodle's defaults)."""
    kind = draw(st.sampled_from([kind for kind in QuestionKind if not (gift and kind == K.ORDERING)]))
    text_format = draw(formats)
    question = Question(
        kind=kind,
        name=draw(names),
        text=draw(texts()),
        text_format=text_format,
        general_feedback=draw(texts()),
        general_feedback_format=draw(formats),
        tags=draw(st.lists(SAFE.filter(bool), max_size=3, unique=True)),
        idnumber=draw(SAFE),
        category_path=draw(paths),
    )

    def feedback() -> tuple[str, TextFormat]:
        return draw(texts()), draw(formats)

    if kind == K.MULTICHOICE:
        question.single = draw(st.booleans())
        question.answers = [
            Answer(draw(texts(min_size=1)), draw(fractions), draw(formats), *feedback())
            for _ in range(draw(st.integers(2, 5)))
        ]
        if question.single and not any(answer.fraction == 1 for answer in question.answers):
            question.answers[draw(st.integers(0, len(question.answers) - 1))].fraction = Decimal(1)
    elif kind == K.TRUEFALSE:
        question.correct_answer = draw(st.booleans())
        question.feedback_true, question.feedback_true_format = feedback()
        question.feedback_false, question.feedback_false_format = feedback()
    elif kind == K.SHORTANSWER:
        # GIFT cannot write "->" in a short answer: it would read the question back as matching.
        exclude = "->" if gift else ""
        question.answers = [
            Answer(
                draw(texts(min_size=1, exclude=exclude)),
                draw(fractions),
                TextFormat.PLAIN,
                draw(texts(exclude=exclude)),
                draw(formats),
            )
            for _ in range(draw(st.integers(1, 4)))
        ]
    elif kind == K.NUMERICAL:
        question.answers = [
            Answer(draw(numbers | st.just("*")), draw(fractions), TextFormat.PLAIN, *feedback(), draw(tolerances))
            for _ in range(draw(st.integers(1, 4)))
        ]
        for answer in question.answers:
            if answer.text == "*":
                answer.tolerance = Decimal(0)
    elif kind == K.ORDERING:  # Moodle XML only: items are plain text, trimmed
        question.answers = [
            Answer(draw(texts(min_size=1)), Decimal(0), TextFormat.PLAIN) for _ in range(draw(st.integers(2, 5)))
        ]
    elif kind == K.MATCHING:
        pairs = st.builds(Subquestion, texts(exclude="->"), texts(), formats).filter(lambda p: p.text or p.answer)
        question.subquestions = draw(st.lists(pairs, min_size=2, max_size=5))

    if kind == K.DESCRIPTION:
        question.default_mark = Decimal(0)
    if gift:
        if kind == K.TRUEFALSE:
            question.penalty = Decimal(1)
        if kind == K.DESCRIPTION:  # GIFT has nowhere to write a description's general feedback
            question.general_feedback, question.general_feedback_format = "", text_format
        return question

    if kind != K.DESCRIPTION:
        question.default_mark = draw(st.decimals(min_value=0, max_value=100, places=7, allow_nan=False))
    question.penalty = draw(st.sampled_from([Decimal(0), Decimal("0.1"), Decimal("0.3333333"), Decimal(1)]))
    if kind in (K.MULTICHOICE, K.MATCHING):
        question.shuffle = draw(st.booleans())
    if kind == K.SHORTANSWER:
        question.case_sensitive = draw(st.booleans())
    if kind == K.NUMERICAL:
        question.units = draw(st.lists(st.builds(Unit, SAFE.filter(bool), st.sampled_from([Decimal(1), Decimal(100)]))))
    if kind not in (K.ESSAY, K.DESCRIPTION):
        flags = st.booleans() if kind in (K.MULTICHOICE, K.MATCHING) else st.just(False)
        question.hints = draw(st.lists(st.builds(Hint, texts(), formats, flags, flags), max_size=2))
    return question


def only_questions(items: list) -> list[Question]:
    return [item for item in items if isinstance(item, Question)]


@settings(max_examples=200, deadline=None)
@given(st.lists(questions(gift=True), max_size=4))
def test_gift_export_then_import_gives_back_the_same_questions(original):
    assert only_questions(parse_gift(write_gift(original))) == original


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.builds(Category, paths, texts(), formats, SAFE), max_size=2),
    st.lists(questions(gift=False), max_size=4),
)
def test_moodle_xml_export_then_import_gives_back_the_same_questions(categories, original):
    items = [*categories, *original]
    current = categories[-1].path if categories else ()
    back = parse_moodle_xml(write_moodle_xml(items))
    assert only_questions(back) == original
    assert [item for item in back if isinstance(item, Category)][: len(categories)] == categories
    # A question in another category than the one before it brings its own category switch.
    switches = 0
    for question in original:
        if question.category_path != current:
            switches, current = switches + 1, question.category_path
    assert len(back) == len(items) + switches


# Corpus files ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted(GIFT_PEGJS.glob("*.gift")) + sorted((MOODLE / "gift").glob("*.txt")), ids=lambda path: path.name
)
def test_every_gift_corpus_file_comes_back_from_gift_and_from_moodle_xml(path):
    items = parse_gift(path.read_text(encoding="utf-8"))
    questions_only = only_questions(items)
    assert only_questions(parse_gift(write_gift(items))) == [_without_gift_loss(q) for q in questions_only]
    assert only_questions(parse_moodle_xml(write_moodle_xml(items))) == questions_only


def _without_gift_loss(question: Question) -> Question:
    if question.kind == K.DESCRIPTION:
        return dataclasses.replace(question, general_feedback="", general_feedback_format=question.text_format)
    return question


def test_the_moodle_xml_fixture_comes_back_from_gift_for_what_gift_carries():
    items = parse_moodle_xml((MOODLE / "xml" / "nested_categories_with_questions.xml").read_bytes())
    back = parse_gift(write_gift(items))
    assert [item.path for item in back if isinstance(item, Category)] == [
        item.path for item in items if isinstance(item, Category)
    ]
    expected = [
        dataclasses.replace(q, penalty=Decimal(1) if q.kind == K.TRUEFALSE else Decimal("0.3333333"))
        for q in only_questions(items)
    ]
    assert only_questions(back) == expected


# What GIFT cannot write -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        Question(K.ORDERING, "Order", "Put in order"),
        Question(K.SHORTANSWER, "Arrow", "?", answers=[Answer("a->b", Decimal(1), TextFormat.PLAIN)]),
        Question(K.MATCHING, "Arrow", "?", subquestions=[Subquestion("a->b", "c"), Subquestion("d", "e")]),
        Question(K.MULTICHOICE, "Half", "?", single=True, answers=[Answer("a", Decimal("0.5")), Answer("b")]),
        Question(K.ESSAY, "Tag", "?", tags=["line\nbreak"]),
    ],
    ids=["ordering", "short-answer-arrow", "subquestion-arrow", "single-without-100", "tag-with-newline"],
)
def test_what_gift_cannot_carry_is_refused_rather_than_changed(question):
    with pytest.raises(ExportError) as caught:
        write_gift([question])
    assert question.name in str(caught.value)


def test_gift_export_looks_like_moodles():
    question = Question(
        K.TRUEFALSE,
        "Q1",
        "42 is the Absolute Answer to everything.",
        correct_answer=True,
        feedback_true="You gave the right answer.",
        feedback_false="42 is the Ultimate Answer.",
        feedback_false_format=TextFormat.HTML,
        tags=["tag1", "tag2"],
        idnumber="myid",
    )
    # Moodle's giftformat_test::test_export_truefalse and test_export_question_with_tags_and_idnumber.
    assert write_gift([question]) == (
        "// [id:myid] [tag:tag1] [tag:tag2]\n"
        "::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is the Ultimate Answer.#You gave the right "
        "answer.}\n\n"
    )
    multi = Question(
        K.MULTICHOICE,
        "Q8",
        "What's between orange and green in the spectrum?",
        single=False,
        answers=[
            Answer("yellow", Decimal(1), feedback="right; good!"),
            Answer("red", Decimal("-0.5"), feedback="wrong, it's yellow"),
            Answer("blue", Decimal("-0.5"), feedback="wrong, it's yellow"),
        ],
    )
    assert write_gift([multi]) == (
        "::Q8::What's between orange and green in the spectrum?{\n"
        "\t~%100%yellow#right; good!\n\t~%-50%red#wrong, it's yellow\n\t~%-50%blue#wrong, it's yellow\n}\n\n"
    )
