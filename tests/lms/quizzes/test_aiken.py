"""Reading Aiken (lms.quizzes.formats.aiken.parse_aiken): the facts about Moodle's Aiken importer in
../shared/corpus/moodle-qformat/SOURCES.md, and Moodle's rules for choices and answers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lms.quizzes.formats.aiken import parse_aiken
from lms.quizzes.formats.errors import FormatError
from lms.quizzes.formats.model import QuestionKind, TextFormat
from tests.lms.quizzes import MOODLE


def read(name: str) -> str:
    return (MOODLE / "aiken" / name).read_text(encoding="utf-8")


def errors_file() -> FormatError:
    with pytest.raises(FormatError) as caught:
        parse_aiken(read("aiken_errors.txt"))
    return caught.value


# Moodle's facts (SOURCES.md) -----------------------------------------------------------------------------------


def test_fact_a_question_with_too_few_answers_is_reported_on_line_3():
    assert (3, 'Question must have at least 2 answers: "A question with too few answers"') in errors_file().errors


def test_fact_answers_outside_a_question_are_not_started_on_lines_5_and_7():
    errors = errors_file().errors
    assert (5, "Question not started") in errors
    assert (7, "Question not started") in errors


def test_fact_a_question_started_but_not_finished_is_reported_when_the_next_one_starts_on_line_18():
    assert errors_file().errors == [
        (3, 'Question must have at least 2 answers: "A question with too few answers"'),
        (5, "Question not started"),
        (7, "Question not started"),
        (18, 'Question not completed before next question start: "A question started but not finished"'),
    ]


def test_fact_nothing_wrong_is_imported_and_the_good_questions_have_the_marked_answer_at_fraction_1():
    good = errors_file().parsed  # what the preview can show; the import itself writes nothing
    assert [question.name for question in good] == ["A good question", "A second good question"]
    first, second = good
    assert [(answer.text, answer.fraction) for answer in first.answers] == [("Correct", 1), ("Incorrect", 0)]
    assert [(answer.text, answer.fraction) for answer in second.answers] == [
        ("Incorrect (No space)", 0),  # "A)Incorrect": no space after the parenthesis is accepted
        ("Correct (No space)", 1),
    ]


# Moodle's rules -------------------------------------------------------------------------------------------------


def test_the_moodle_fixture_imports_as_single_answer_html_questions():
    first, second = parse_aiken(read("questions.aiken.txt"))
    assert (first.kind, first.single, first.text_format) == (QuestionKind.MULTICHOICE, True, TextFormat.HTML)
    assert first.text == "The Moodle project was started by:"
    assert [(a.text, a.fraction) for a in first.answers] == [
        ("Petr Skoda", 0),
        ("Martin Dougiamas", 1),
        ("Eloy Lafuente", 0),
        ("Tim Hunt", 0),
    ]
    # Like Moodle, the text is stored as HTML with & < > escaped (quotes stay).
    assert (
        second.text
        == 'Moodle\'s abilities include handling user input that includes &lt;html class="cool"&gt; &amp; images:'
    )
    assert [(a.text, a.fraction) for a in second.answers] == [("True", 1), ("False", 0)]
    assert (first.line, second.line) == (1, 8)
    assert (first.default_mark, first.penalty) == (1, Decimal("0.3333333"))


def test_choices_may_use_a_dot_and_windows_line_endings():
    (question,) = parse_aiken("Capital of France?\r\nA. Paris\r\nB. Lyon\r\n\r\nANSWER: A\r\n")
    assert [(a.text, a.fraction) for a in question.answers] == [("Paris", 1), ("Lyon", 0)]


def test_an_answer_letter_without_a_choice_and_an_unfinished_last_question_are_errors():
    with pytest.raises(FormatError) as caught:
        parse_aiken("Q1\nA) a\nB) b\nANSWER: D\n\nQ2\nA) a\nB) b\n")
    assert caught.value.errors == [
        (4, 'The answer "D" is not one of the choices of "Q1"'),
        (6, 'Question not completed before the end of the file: "Q2"'),
    ]
