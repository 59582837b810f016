"""Moodle XML (lms.quizzes.formats.moodlexml): the facts about Moodle's XML importer in
../shared/corpus/moodle-qformat/SOURCES.md, the types and fields it reads, and safety against entity attacks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lms.quizzes.formats.errors import FormatError
from lms.quizzes.formats.model import (
    Answer,
    Category,
    Hint,
    Question,
    QuestionKind,
    Subquestion,
    TextFormat,
    Unit,
)
from lms.quizzes.formats.moodlexml import parse_moodle_xml, write_moodle_xml
from tests.lms.quizzes import MOODLE

HTML, MOODLE_FMT, PLAIN, MARKDOWN = TextFormat.HTML, TextFormat.MOODLE, TextFormat.PLAIN, TextFormat.MARKDOWN


def quiz(*questions: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "".join(questions) + "</quiz>\n").encode()


def refused(data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(FormatError) as caught:
        parse_moodle_xml(data)
    return caught.value.errors


# Moodle's own XML from qformat_xml's tests (xmlformat_test.php: test_import_multichoice_19 and
# test_import_numerical_19); SOURCES.md lists what Moodle makes of them.
MULTICHOICE_19 = """  <question type="multichoice">
    <name>
      <text>Multiple choice question</text>
    </name>
    <questiontext format="html">
      <text>Which are the even numbers?</text>
    </questiontext>
    <generalfeedback>
      <text>The even numbers are 2 and 4.</text>
    </generalfeedback>
    <defaultgrade>2</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>false</single>
    <shuffleanswers>false</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback>
      <text><![CDATA[<p>Your answer is correct.</p>]]></text>
    </correctfeedback>
    <partiallycorrectfeedback>
      <text><![CDATA[<p>Your answer is partially correct.</p>]]></text>
    </partiallycorrectfeedback>
    <incorrectfeedback>
      <text><![CDATA[<p>Your answer is incorrect.</p>]]></text>
    </incorrectfeedback>
    <shownumcorrect/>
    <answer fraction="0">
      <text>1</text>
      <feedback>
        <text></text>
      </feedback>
    </answer>
    <answer fraction="100">
      <text>2</text>
      <feedback>
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0">
      <text>3</text>
      <feedback>
        <text></text>
      </feedback>
    </answer>
    <answer fraction="100">
      <text>4</text>
      <feedback>
        <text></text>
      </feedback>
    </answer>
    <hint>
      <text>Hint 1.</text>
    </hint>
    <hint>
      <text>Hint 2.</text>
    </hint>
  </question>
"""

NUMERICAL_19 = """  <question type="numerical">
    <name>
      <text>Numerical question</text>
    </name>
    <questiontext format="html">
      <text>What is the answer?</text>
    </questiontext>
    <generalfeedback>
      <text>General feedback: Think Hitch-hikers guide to the Galaxy.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0.1</penalty>
    <hidden>0</hidden>
    <answer fraction="100">
      <text>42</text>
      <feedback>
        <text>Well done!</text>
      </feedback>
      <tolerance>0.001</tolerance>
    </answer>
    <answer fraction="0">
      <text>13</text>
      <feedback>
        <text>What were you thinking?!</text>
      </feedback>
      <tolerance>1</tolerance>
    </answer>
    <answer fraction="0">
      <text>*</text>
      <feedback>
        <text>Completely wrong.</text>
      </feedback>
      <tolerance></tolerance>
    </answer>
  </question>
"""


# Moodle's facts (SOURCES.md) -----------------------------------------------------------------------------------


def test_fact_fractions_are_written_as_percentages():
    xml = write_moodle_xml(
        [
            Question(
                QuestionKind.MULTICHOICE,
                "Q",
                "T",
                answers=[Answer("a", Decimal(1)), Answer("b", Decimal("-0.3333333"))],
            )
        ]
    ).decode()
    assert '<answer fraction="100" format="moodle_auto_format">' in xml
    assert '<answer fraction="-33.33333" format="moodle_auto_format">' in xml


def test_fact_single_false_multichoice_with_its_fractions_default_mark_and_hints():
    (question,) = parse_moodle_xml(quiz(MULTICHOICE_19))
    assert (question.kind, question.single, question.shuffle) == (QuestionKind.MULTICHOICE, False, False)
    assert [(answer.text, answer.fraction) for answer in question.answers] == [("1", 0), ("2", 1), ("3", 0), ("4", 1)]
    assert question.default_mark == 2
    assert question.hints == [Hint("Hint 1.", HTML), Hint("Hint 2.", HTML)]
    assert question.general_feedback == "The even numbers are 2 and 4."
    assert {answer.text_format for answer in question.answers} == {HTML}  # the question text's format


def test_fact_numerical_answers_with_their_tolerances():
    (question,) = parse_moodle_xml(quiz(NUMERICAL_19))
    assert question.kind == QuestionKind.NUMERICAL
    assert [(a.text, a.fraction, a.tolerance, a.feedback) for a in question.answers] == [
        ("42", 1, Decimal("0.001"), "Well done!"),
        ("13", 0, 1, "What were you thinking?!"),
        ("*", 0, 0, "Completely wrong."),
    ]
    assert question.penalty == Decimal("0.1")


def test_fact_a_grade_that_is_not_one_of_moodles_refuses_the_file_naming_the_question():
    errors = refused((MOODLE / "xml" / "error_invalid_grades.xml").read_bytes())
    ((line, message),) = errors
    assert line == 4  # the <question> element
    assert "Invalid grade 33%" in message  # 33.33333 and -50 are Moodle grades, 33 is not
    assert '"Question with invalid grades : x > 1 & x < 2"' in message


def test_fact_nested_categories_with_their_info_and_the_questions_placed_in_them():
    items = parse_moodle_xml((MOODLE / "xml" / "nested_categories_with_questions.xml").read_bytes())
    categories = [item for item in items if isinstance(item, Category)]
    assert categories == [
        Category(("Iota",), "This is Iota category for test", PLAIN),
        Category(("Iota", "Kappa"), "This is Kappa category for test", MARKDOWN),
        Category(("Iota", "Kappa", "Lambda"), "This is Lambda category for test", MOODLE_FMT),
        Category(("Iota", "Mu"), "This is Mu category for test", MOODLE_FMT),
    ]
    questions = [(q.kind, q.name, q.category_path) for q in items if isinstance(q, Question)]
    assert questions == [
        (QuestionKind.TRUEFALSE, "Iota Question", ("Iota",)),
        (QuestionKind.ESSAY, "Kappa Essay Question", ("Iota", "Kappa")),
        (QuestionKind.TRUEFALSE, "Kappa Question", ("Iota", "Kappa")),
        (QuestionKind.TRUEFALSE, "Lambda Question", ("Iota", "Kappa", "Lambda")),
        (QuestionKind.TRUEFALSE, "Mu Question", ("Iota", "Mu")),
    ]
    iota = items[1]
    assert (iota.correct_answer, iota.penalty, iota.text, iota.text_format) == (
        True,
        1,
        "<p>Testing Iota Question</p>",
        HTML,
    )


# The types and fields Moodle reads ------------------------------------------------------------------------------


def question_xml(qtype: str, body: str, name: str = "Q") -> str:
    return (
        f'  <question type="{qtype}">\n    <name><text>{name}</text></name>\n'
        '    <questiontext format="moodle_auto_format"><text>Text</text></questiontext>\n'
        f"{body}  </question>\n"
    )


def test_truefalse_shortanswer_matching_and_description():
    items = parse_moodle_xml(
        quiz(
            question_xml(
                "truefalse",
                '<answer fraction="0"><text>true</text><feedback format="html"><text>No</text></feedback></answer>'
                '<answer fraction="100"><text>false</text><feedback><text>Yes</text></feedback></answer>',
            ),
            question_xml(
                "shortanswer",
                '<usecase>1</usecase><answer fraction="100"><text>Paris</text></answer>'
                '<answer fraction="50"><text>paris</text><feedback><text>Capital P</text></feedback></answer>'
                "<tags><tag><text>geo</text></tag><tag><text>европа</text></tag></tags><idnumber>fr-1</idnumber>",
            ),
            question_xml(
                "matching",
                "<shuffleanswers>false</shuffleanswers>"
                "<subquestion><text>A</text><answer><text>a</text></answer></subquestion>"
                '<subquestion format="html"><text></text><answer><text>z</text></answer></subquestion>'
                "<hint><text>Look</text><shownumcorrect/><clearwrong/></hint>",
            ),
            question_xml("description", "<defaultgrade>3</defaultgrade>"),
        )
    )
    truefalse, short, matching, description = items
    assert (truefalse.correct_answer, truefalse.feedback_true, truefalse.feedback_true_format) == (False, "No", HTML)
    assert (truefalse.feedback_false, truefalse.feedback_false_format) == ("Yes", MOODLE_FMT)
    assert short.case_sensitive and short.tags == ["geo", "европа"] and short.idnumber == "fr-1"
    assert [(a.text, a.fraction, a.text_format, a.feedback) for a in short.answers] == [
        ("Paris", 1, PLAIN, ""),
        ("paris", Decimal("0.5"), PLAIN, "Capital P"),
    ]
    assert matching.subquestions == [Subquestion("A", "a", MOODLE_FMT), Subquestion("", "z", HTML)]
    assert not matching.shuffle
    assert matching.hints == [Hint("Look", MOODLE_FMT, show_num_correct=True, clear_wrong=True)]
    assert (description.kind, description.default_mark) == (QuestionKind.DESCRIPTION, 0)


def test_numerical_units_and_top_category():
    items = parse_moodle_xml(
        quiz(
            '<question type="category"><category><text>$course$/top/Физика//Механика</text></category></question>',
            question_xml(
                "numerical",
                '<answer fraction="100"><text>9.81</text><tolerance>-0.01</tolerance></answer>'
                "<units><unit><multiplier>1</multiplier><unit_name>m/s2</unit_name></unit>"
                "<unit><multiplier>100</multiplier><unit_name>cm/s2</unit_name></unit></units>",
            ),
        )
    )
    category, question = items
    assert category.path == ("Физика/Механика",)
    assert question.category_path == ("Физика/Механика",)
    assert [(a.text, a.tolerance) for a in question.answers] == [("9.81", Decimal("0.01"))]  # Moodle: abs()
    assert question.units == [Unit("m/s2", Decimal(1)), Unit("cm/s2", Decimal(100))]


def test_every_error_in_a_file_is_reported_with_the_line_of_its_question():
    data = quiz(
        question_xml("calculated", ""),  # line 3
        question_xml("multichoice", '<answer fraction="100"><text>only</text></answer>'),  # line 7
        '  <question type="essay"><questiontext><text>No name</text></questiontext></question>\n',  # line 11
        question_xml("numerical", '<answer fraction="100"><text>1,5</text></answer>'),  # line 12
        question_xml("shortanswer", '<answer fraction="150"><text>x</text></answer>', name="Too much"),  # 16
        question_xml("essay", "", name="Fine"),  # line 20
    )
    with pytest.raises(FormatError) as caught:
        parse_moodle_xml(data)
    error = caught.value
    assert [line for line, _message in error.errors] == [3, 7, 11, 12, 16]
    messages = [message for _line, message in error.errors]
    assert messages[0] == 'Question type "calculated" is not supported'
    assert "enough answers" in messages[1]
    assert messages[2] == "Missing question name in XML file"
    assert messages[3] == '"1,5" in question "Q" should be a number'
    assert "Invalid grade 150%" in messages[4] and '"Too much"' in messages[4]
    assert [question.name for question in error.parsed] == ["Fine"]


def test_broken_xml_and_other_roots_are_refused_with_a_line():
    ((line, message),) = refused(b"<quiz>\n<question type='essay'>\n</quiz>")
    assert line == 3 and message.startswith("This is not a valid XML file")
    assert refused(b"<html></html>") == [(1, "This is not a Moodle XML question file: it must start with <quiz>")]
    assert refused(b"")[0][0] == 1


# Safety ---------------------------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<quiz><question type="essay"><name><text>&lol9;</text></name></question></quiz>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&secret;</text></name></question></quiz>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_attacks_are_refused(data):
    ((line, message),) = refused(data)
    assert line == 2
    assert message == "The file declares a DTD or entities, which are refused for safety"


# Writing ---------------------------------------------------------------------------------------------------------


def test_the_export_reads_back_the_moodle_fixture():
    items = parse_moodle_xml((MOODLE / "xml" / "nested_categories_with_questions.xml").read_bytes())
    assert parse_moodle_xml(write_moodle_xml(items)) == items


def test_the_export_is_moodles_layout():
    question = Question(
        QuestionKind.NUMERICAL,
        "Numerical question",
        "What is the answer?",
        text_format=HTML,
        general_feedback="General feedback: <b>Think</b> & guess.",
        general_feedback_format=HTML,
        penalty=Decimal("0.1"),
        answers=[Answer("42", Decimal(1), PLAIN, "Well done!", HTML, Decimal("0.001"))],
    )
    xml = write_moodle_xml([question]).decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n  <question type="numerical">\n')
    assert "<text>General feedback: &lt;b&gt;Think&lt;/b&gt; &amp; guess.</text>" in xml
    assert '    <answer fraction="100" format="plain_text">\n      <text>42</text>\n' in xml
    assert "      <tolerance>0.001</tolerance>\n" in xml
    assert "<penalty>0.1</penalty>" in xml


ORDERING_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="ordering">
    <name><text>Lesson cycle</text></name>
    <questiontext format="html"><text>Put the steps in order.</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>2</defaultgrade>
    <layouttype>VERTICAL</layouttype>
    <selecttype>ALL</selecttype>
    <gradingtype>ABSOLUTE_POSITION</gradingtype>
    <answer fraction="300" format="moodle_auto_format"><text>Assess</text></answer>
    <answer fraction="100" format="html"><text><![CDATA[<p>Plan &amp; prepare</p>]]></text></answer>
    <answer fraction="200" format="moodle_auto_format"><text>Teach</text></answer>
  </question>
</quiz>
"""


def test_ordering_questions_as_moodles_qtype_ordering_writes_them():
    """qtype_ordering stores each item's place in the right order as its answer's fraction (1, 2, 3), which the
    XML carries as a percentage; we read the items in that order, as plain text."""
    (question,) = parse_moodle_xml(ORDERING_XML)
    assert question.kind == QuestionKind.ORDERING and question.default_mark == 2
    assert [answer.text for answer in question.answers] == ["Plan & prepare", "Teach", "Assess"]

    xml = write_moodle_xml([question]).decode()
    assert '<question type="ordering">' in xml and "<gradingtype>ABSOLUTE_POSITION</gradingtype>" in xml
    assert '<answer fraction="100" format="plain_text">\n      <text>Plan &amp; prepare</text>' in xml
    assert '<answer fraction="300" format="plain_text">\n      <text>Assess</text>' in xml
    assert parse_moodle_xml(xml.encode()) == [question]


def test_an_ordering_question_needs_two_items():
    one = ORDERING_XML.replace(b'<answer fraction="300"', b'<answer fraction="0"').replace(b"Assess", b"")
    one = one.replace(b"<text>Teach</text>", b"<text></text>")
    with pytest.raises(FormatError) as caught:
        parse_moodle_xml(one)
    assert "Lesson cycle" in str(caught.value)
