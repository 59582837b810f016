"""Reading GIFT (lms.quizzes.formats.gift.parse_gift): every fact about Moodle's GIFT importer listed in
../shared/corpus/moodle-qformat/SOURCES.md, the gift-pegjs conformance corpus, and the errors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.quizzes.formats.errors import FormatError
from lms.quizzes.formats.gift import parse_gift
from lms.quizzes.formats.model import Answer, Category, Question, QuestionKind, Subquestion, TextFormat
from tests.lms.quizzes import GIFT_PEGJS, MOODLE

MC, TF, SHORT, NUM, MATCH = (
    QuestionKind.MULTICHOICE,
    QuestionKind.TRUEFALSE,
    QuestionKind.SHORTANSWER,
    QuestionKind.NUMERICAL,
    QuestionKind.MATCHING,
)
MOODLE_FMT, HTML, PLAIN, MARKDOWN = TextFormat.MOODLE, TextFormat.HTML, TextFormat.PLAIN, TextFormat.MARKDOWN


def fixture(name: str) -> list[Category | Question]:
    return parse_gift((MOODLE / "gift" / name).read_text(encoding="utf-8"))


def by_name(items: list[Category | Question], name: str) -> list[Question]:
    return [item for item in items if isinstance(item, Question) and item.name == name]


def one(text: str) -> Question:
    (question,) = parse_gift(text)
    assert isinstance(question, Question)
    return question


def refused(text: str) -> list[tuple[int, str]]:
    with pytest.raises(FormatError) as caught:
        parse_gift(text)
    return caught.value.errors


def answers(question: Question) -> list[tuple[str, Decimal]]:
    return [(answer.text, answer.fraction) for answer in question.answers]


# Moodle's facts (SOURCES.md) -----------------------------------------------------------------------------------


def test_fact_a_fraction_is_a_grade_between_minus_one_and_one():
    assert Answer("x", Decimal(-1)).fraction == -1
    with pytest.raises(ValueError):
        Answer("x", Decimal("1.5"))


def test_fact_the_text_formats_are_moodle_html_plain_and_markdown():
    assert [fmt.value for fmt in TextFormat] == ["moodle", "html", "plain", "markdown"]


def test_fact_a_gift_question_gets_default_mark_1_and_penalty_a_third_or_1_for_true_false():
    questions = [item for item in fixture("questions.gift.txt") if isinstance(item, Question)]
    assert {question.default_mark for question in questions} == {1}
    assert {question.penalty for question in questions if question.kind != TF} == {Decimal("0.3333333")}
    assert {question.penalty for question in questions if question.kind == TF} == {1}


def test_fact_empty_braces_make_an_essay():
    (essay,) = by_name(fixture("questions.gift.txt"), "Q8")
    assert (essay.kind, essay.text, essay.text_format) == (QuestionKind.ESSAY, "How are you?", MOODLE_FMT)
    assert essay.line == 2


def test_fact_multiple_choice_with_one_answer_and_format_prefixes():
    (question,) = by_name(fixture("questions.gift.txt"), "Q2")
    assert question.kind == MC and question.single
    assert question.text == "What's between orange and green in the spectrum?"
    assert answers(question) == [("yellow", 1), ("red", 0), ("blue", 0)]
    assert [(a.text_format, a.feedback, a.feedback_format) for a in question.answers] == [
        (MOODLE_FMT, "right; good!", MOODLE_FMT),
        (MOODLE_FMT, "wrong, it's yellow", HTML),  # [html] before the feedback sets the feedback's format
        (PLAIN, "wrong, it's yellow", MOODLE_FMT),  # [plain] before the answer sets the answer's format
    ]


def test_fact_weighted_answers_make_a_multiple_answer_question_with_negative_fractions():
    (question,) = by_name(fixture("questions.gift.txt"), "colours")
    assert question.kind == MC and not question.single
    assert answers(question) == [("yellow", Decimal("0.5")), ("red", -1), ("off-beige", Decimal("0.5")), ("blue", -1)]
    assert question.answers[3].text_format == PLAIN
    assert question.answers[1].feedback_format == HTML


def test_fact_when_every_answer_starts_with_a_tilde_it_is_multiple_answer_even_with_100_percent():
    question = one(
        "::colours:: What's between orange and green in the spectrum?\n"
        "{\n    ~%100%yellow # right; good!\n    ~%-50%red # wrong\n    ~%-50%blue # wrong\n}"
    )
    assert question.kind == MC and not question.single
    assert answers(question) == [("yellow", 1), ("red", Decimal("-0.5")), ("blue", Decimal("-0.5"))]


def test_fact_one_line_numerical_with_feedback_for_any_other_number():
    (question,) = by_name(fixture("questions.gift.txt"), "Q5")
    assert question.kind == NUM
    assert [(a.text, a.fraction, a.tolerance, a.feedback) for a in question.answers] == [
        ("3", 1, 2, ""),
        ("*", 0, 0, "Completely wrong"),
    ]


def test_fact_short_answer_with_weights_and_a_wildcard():
    (question,) = by_name(fixture("questions.gift.txt"), "Shortanswer")
    assert question.kind == SHORT
    assert answers(question) == [("Frog", 1), ("Cat", Decimal("0.5")), ("*", 0)]
    assert [a.feedback for a in question.answers] == ["Good!", "What is it with Moodlers and cats?", "Completely wrong"]


def test_fact_a_trailing_four_hashes_is_the_general_feedback():
    question = one(
        "::Shortanswer::Which is the best animal?{\n    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n"
        "    =%0%*#Completely wrong\n    ####[html]Here is some general feedback!\n}"
    )
    assert answers(question) == [("Frog", 1), ("Cat", Decimal("0.5")), ("*", 0)]
    assert (question.general_feedback, question.general_feedback_format) == ("Here is some general feedback!", HTML)
    (truefalse,) = by_name(fixture("questions.gift.txt"), "Q1")
    assert truefalse.general_feedback == "This is, of course, a Hitchiker's Guide to the Galaxy reference."


def test_fact_false_with_two_feedbacks_the_first_for_answering_true():
    (question,) = by_name(fixture("questions.gift.txt"), "Q1")
    assert question.kind == TF and question.correct_answer is False
    assert question.feedback_true == "42 is the Ultimate Answer."
    assert question.feedback_false == "You gave the right answer."


def test_fact_t_and_true_mean_the_right_answer_is_true():
    both = by_name(fixture("questions.gift.txt"), "2-08 TSL")
    assert [(question.kind, question.correct_answer, question.text) for question in both] == [
        (TF, True, "TSL is blablabla."),
        (TF, True, "TSL is blablabla."),
    ]


def test_fact_matching_pairs_and_an_empty_subquestion_as_a_distractor():
    (question,) = by_name(fixture("questions.gift.txt"), "Moodle activities")
    assert question.kind == MATCH and question.text_format == HTML
    assert question.text == "Match the <b>activity</b> to the description."
    assert question.subquestions == [
        Subquestion("An activity supporting asynchronous discussions.", "Forum", HTML),
        Subquestion("A teacher asks a question and specifies a choice of multiple responses.", "Choice", MOODLE_FMT),
        Subquestion("A bank of record entries which participants can add to.", "Database", PLAIN),
        Subquestion("A collection of web pages that anyone can add to or edit.", "Wiki", MARKDOWN),
        Subquestion("", "Chat", HTML),
    ]


def test_fact_escapes_are_the_literal_characters():
    question = one(r"::a\:b:: one \\ backslash, \= \~ \# \{ \} \: and\na new line {}")
    assert question.name == "a:b"
    assert question.text == "one \\ backslash, = ~ # { } : and\na new line"
    assert question.kind == QuestionKind.ESSAY
    (greeting,) = by_name(fixture("questions_in_category.gift.txt"), "Greeting")
    assert greeting.text.startswith(
        '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:</a>'
    )


@pytest.mark.parametrize(
    ("comment", "idnumber", "tags"),
    [
        # Moodle's own cases (giftformat_test::extract_idnumber_and_tags_from_comment_testcases).
        ("// A basic comment.", "", []),
        ("// A comment with [id:frog] <-- an idnumber.", "frog", []),
        ("// Look tags: [tag:frog] [tag:toad].", "", ["frog", "toad"]),
        ("// [tag:add] [tag:basic] [id:four]", "four", ["add", "basic"]),
        ("// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.", "four", ["basic", "add"]),
        ("// Ceci n'est pas une [tag:\n// frog].", "", []),  # a tag split across lines is ignored
        (r"// [id:i\]d].", "i]d", []),
        (r"// [tag:t\]ag].", "", ["t]ag"]),
    ],
)
def test_fact_comments_before_a_question_set_its_tags_and_id_number(comment, idnumber, tags):
    question = one(comment + "\n::Question name:: How are you? {}")
    assert (question.idnumber, question.tags) == (idnumber, tags)


def test_fact_text_after_the_answer_block_continues_the_question():
    """The stray `";` left in Moodle's fixture after two blocks is not an error: it makes a missing-word text."""
    items = fixture("questions.gift.txt")
    (numerical,) = by_name(items, "Q5")
    (truefalse,) = by_name(items, "Q1")
    assert numerical.text == 'What is a number from 1 to 5? _____";'
    assert truefalse.text == '42 is the Absolute Answer to everything._____";'


def test_fact_category_line_places_the_questions_that_follow():
    items = fixture("questions_in_category.gift.txt")
    assert items[0] == Category(("Default for New Features",))
    assert [(q.name, q.kind, q.category_path) for q in items[1:]] == [
        ("Moodle activities", MATCH, ("Default for New Features",)),
        ("Greeting", MC, ("Default for New Features",)),
        ("Moodle user", SHORT, ("Default for New Features",)),
        ("Moodle acronym", TF, ("Default for New Features",)),
    ]
    (user,) = by_name(items, "Moodle user")
    assert answers(user) == [("Moodler", 1)]


# More of Moodle's behaviour ------------------------------------------------------------------------------------


def test_a_block_inside_the_text_leaves_a_blank():
    question = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question.text == "Grant is _____ in Grant's tomb."
    assert answers(question) == [("buried", 0), ("entombed", 1), ("living", 0)]


def test_a_question_without_a_block_is_a_description_worth_nothing():
    question = one("::Intro::[html]<p>Use a pencil.</p>")
    assert (question.kind, question.name, question.text, question.default_mark) == (
        QuestionKind.DESCRIPTION,
        "Intro",
        "<p>Use a pencil.</p>",
        0,
    )


def test_a_question_without_a_name_is_named_after_its_text():
    assert one("Who's buried in Grant's tomb?{=no one =nobody}").name == "Who's buried in Grant's tomb?"
    long = one("word " * 40 + "{}")
    assert len(long.name) <= 80 and long.name.endswith("...")


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("{#1822}", [("1822", 1, 0)]),
        ("{#1822:5}", [("1822", 1, 5)]),
        ("{#3.141..3.142}", [("3.1415", 1, Decimal("0.0005"))]),
        ("{#-5..5}", [("0", 1, 5)]),
        ("{#5..1}", [("3", 1, 2)]),  # Moodle uses the absolute tolerance
        ("{#\n=1822:0 #Right\n=%50%1822:2 #Close\n}", [("1822", 1, 0), ("1822", Decimal("0.5"), 2)]),
        ("{#\n=3:2\n~#Completely wrong}", [("3", 1, 2), ("*", 0, 0)]),
        ("{#=%33.33333%1:1 =%-50%2}", [("1", Decimal("0.3333333"), 1), ("2", Decimal("-0.5"), 0)]),
    ],
)
def test_numerical_forms(block, expected):
    question = one("How much? " + block)
    assert question.kind == NUM
    assert [(a.text, a.fraction, a.tolerance) for a in question.answers] == expected
    assert all(answer.text_format == PLAIN for answer in question.answers)


def test_weights_may_have_decimals():
    question = one("Continents?{~%33.33333%Africa ~%33.33333%Asia ~%-100%China ~%33.33333%Antarctica}")
    assert [a.fraction for a in question.answers] == [Decimal("0.3333333")] * 2 + [-1, Decimal("0.3333333")]


def test_a_weight_close_to_one_of_moodles_grades_becomes_that_grade():
    question = one("Pick{~%33.3333%a ~%66.66667%b}")
    assert [a.fraction for a in question.answers] == [Decimal("0.3333333"), Decimal("0.6666667")]


def test_short_answers_are_plain_text_whatever_the_question_format():
    question = one("[html]<p>Capital of France?</p>{=[html]Paris}")
    assert [(a.text, a.text_format) for a in question.answers] == [("Paris", PLAIN)]
    assert question.answers[0].feedback_format == HTML


def test_a_single_short_answer_needs_no_equals_sign():
    question = one("How do you write the word for the number 1? {One}")
    assert (question.kind, answers(question)) == (SHORT, [("One", 1)])


def test_windows_and_old_mac_line_endings_and_a_byte_order_mark():
    text = "// [tag:x]\n::A::Two\nlines{\n=a -> 1\n=b -> 2\n}\n\n::B::Next{T}\n"
    expected = parse_gift(text)
    assert [q.line for q in expected] == [2, 8]
    assert parse_gift("\ufeff" + text.replace("\n", "\r\n")) == expected
    assert parse_gift(text.replace("\n", "\r")) == expected
    assert expected[0].text == "Two\nlines"


def test_lines_are_trimmed_and_comment_lines_dropped_anywhere_in_a_question():
    question = one("   ::Q::  Line one   \n// a comment in the middle\n   line two {}  ")
    assert question.text == "Line one\n \nline two"


def test_questions_are_separated_by_blank_lines_and_categories_switch():
    items = parse_gift("$CATEGORY: $course$/top/Unit 1: Topic/Week 1\n\nQ1{T}\n\n$CATEGORY: Other\n\nQ2{F}\n")
    assert [item.path if isinstance(item, Category) else (item.name, item.category_path) for item in items] == [
        ("Unit 1: Topic", "Week 1"),
        ("Q1", ("Unit 1: Topic", "Week 1")),
        ("Other",),
        ("Q2", ("Other",)),
    ]


def test_a_slash_in_a_category_name_is_written_twice():
    (category,) = parse_gift("$CATEGORY: $course$/top/Maths//Physics/Week 1")
    assert category.path == ("Maths/Physics", "Week 1")


def test_nothing_in_a_file_is_evaluated():
    errors = refused("Q{#__import__('os').system('true')}\n\nR{#1e999999999..1e999999999}")
    assert [line for line, _message in errors] == [1, 3]


# Errors -----------------------------------------------------------------------------------------------------


def test_every_error_is_reported_with_its_line_and_the_good_questions_travel_with_them():
    text = "\n".join(
        [
            "// fine",  # 1
            "Good {T}",  # 2
            "",
            "::Broken:: no closing brace {=a",  # 4
            "",
            "Match {=a -> b =c}",  # 6
            "",
            "// a comment first",  # 8
            "One choice {~a}",  # 9
            "",
            "Numbers {#}",  # 11
            "",
            "Not a number {#1:x}",  # 13
            "",
            "::Odd grades:: {~%33%a ~%67%b}",  # 15
            "",
            "Two blocks {=a} and {=b}",  # 17
            "$CATEGORY: glued",  # 18
            "",
            "$CATEGORY: glued",  # 20
            "Q {T}",
            "",
            "Also good {=yes}",  # 23
        ]
    )
    with pytest.raises(FormatError) as caught:
        parse_gift(text)
    error = caught.value
    assert [line for line, _message in error.errors] == [4, 6, 9, 11, 13, 15, 17, 20]
    messages = dict(error.errors)
    assert messages[4] == "Could not find {...} around answers"
    assert messages[6] == "Matching question answers are improperly formatted"
    assert messages[9] == "There is an error in the question. There are not enough answers for this question type"
    assert messages[11] == "No answers found for numerical question"
    assert messages[13].startswith("Error - answers must be numeric")
    assert "Invalid grade 33%, 67%" in messages[15] and '"Odd grades"' in messages[15]
    assert "more than one answer block" in messages[17]
    assert "$CATEGORY" in messages[20]
    assert [question.name for question in error.parsed] == ["Good", "Also good"]
    assert str(error).splitlines()[0] == "Line 4: Could not find {...} around answers"


def test_moodle_turns_a_non_number_into_any_answer_but_maktaba_refuses_it():
    """Moodle's numerical import has `is_numeric($ans) || $ans = '*'` (an assignment): "{#1,5}" would become
    "every answer is right". Maktaba reports it instead."""
    ((line, message),) = refused("Half? {#1,5}")
    assert line == 1 and message == 'Error - answers must be numeric: "1,5"'


def test_a_grade_moodle_does_not_know_is_refused():
    ((_line, message),) = refused("::Q:: Pick {=a ~%10.5%b}")
    assert "10.5%" in message and '"Q"' in message


ALPHABET = st.sampled_from([*"{}=~#:%\\[]->.$/ \t\nTRUEFALSEhtml0123456789*_абвعربي", "\r", "::", "//", "####"])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.lists(ALPHABET, max_size=60).map("".join)))
def test_any_text_parses_or_fails_with_lines(text):
    try:
        items = parse_gift(text)
    except FormatError as error:
        line_count = max(len(text.split("\n")), len(text.split("\r")))
        assert error.errors
        assert all(1 <= line <= line_count and message for line, message in error.errors)
    else:
        assert all(isinstance(item, Category | Question) for item in items)


# The gift-pegjs corpus ------------------------------------------------------------------------------------------
#
# gift-pegjs (fuhrmanator/GIFT-grammar-PEG.js) is another GIFT implementation; its expected parses are compared
# fact by fact with ours. Where it and Moodle disagree, Maktaba follows Moodle, and the Moodle value is written
# below with the reason. Every disagreement falls under one of these reasons:

LINES = (
    "Moodle trims every line of a question and keeps the line breaks between them; gift-pegjs joins a "
    "continuation line to the previous one with a space"
)
BLANK = (
    "Moodle replaces the answer block by '_____' where it stands, keeping the spacing around it; gift-pegjs "
    "puts a space on each side of the blank"
)
TRUE_FEEDBACK = (
    "In Moodle the first feedback is for a wrong answer and the second for the right one, so for a TRUE "
    "question the first is shown to a learner who answers false; gift-pegjs always gives the first to 'true'"
)
TRIMMED = (
    "Moodle trims every line, so the two trailing spaces of a Markdown line break and the indentation of "
    "nested lists and <pre> blocks are lost (Moodle's own giftformat_test keeps them only because it calls "
    "readquestion() directly, skipping the trimming in readquestions())"
)

# (file, item index) -> (reason, {fact: Moodle's value})
OVERRIDES: dict[tuple[str, int], tuple[str, dict]] = {
    ("TFTwoFeedback", 1): (TRUE_FEEDBACK, {"truefalse": (True, "", "feedback for true")}),
    ("TFTwoFeedback", 2): (TRUE_FEEDBACK, {"truefalse": (True, "feedback for false", "")}),
    ("escapeAll", 0): (LINES, {"answer 6 feedback": "Correct! \\ (backslash) is not a control character. BUT,\n"
                                                     "it is used to escape the control characters."}),
    ("giftFormatPhpExamples", 5): (LINES, {"text": "Match the following countries with their corresponding\n"
                                                   "capitals."}),
    ("giftFormatPhpExamples", 8): (BLANK, {"text": "Jesus Christ was from _____."}),
    ("giftFormatPhpExamples", 9): (LINES, {"answer 1 feedback": "He was born in 1822.\n"
                                                                "You get 50% credit for being close."}),
    ("markdown", 1): (TRIMMED, {"text": "multiline2\nmarkdown"}),
    ("markdown", 2): (TRIMMED, {"text": "nested lists\n- item 1\n- nested item 1\n- item 2"}),
    ("multiLineFeedback1", 0): (LINES, {
        "general feedback": "Global feedback split\non multiple lines",
        "answer 1 feedback": "feedback comment on this wrong answer\non multiple lines",
    }),
    ("numerical1", 2): (BLANK, {"text": "What is the value of pi (to 3 decimal places)? _____."}),
    ("numerical1", 3): (BLANK, {"text": "What is the value of pi times -1 (to 3 decimal places)? _____."}),
    ("numerical1", 4): (BLANK, {"text": "What is the value of pi (to 3 decimal places)? _____."}),
    ("numerical1", 5): (BLANK, {"text": "What is the value of pi times -1 (to 3 decimal places)? _____."}),
    ("numerical1", 6): (BLANK, {"text": "Give me a number from 1 to 5. _____."}),
    ("numerical1", 7): (BLANK, {"text": "Pick a number from -5 to 5. _____."}),
    ("options1", 1): (LINES, {"text": "Japanese characters originally\ncame from what country?"}),
    ("options1", 2): (LINES, {"text": "The American holiday of Thanksgiving is\n"
                                      "celebrated on the _____ Thursday of November."}),
    ("options1", 8): (BLANK, {"text": "Jesus Christ was from _____."}),
    ("options1", 13): (LINES, {"answer 5 feedback": "Correct! \\ (backslash) is not a control character. BUT,\n"
                                                    "it is used to escape the control characters. So, to specify\n"
                                                    "a literal backslash, you must escape it with a backslash\n"
                                                    "(as shown in this example)."}),
    ("shortAnswer1", 1): (BLANK, {"text": "Two plus two equals _____."}),
    ("symbolsAll", 0): (LINES, {"text": "Here's a question that has symbols inside,\n"
                                        "such as `-=[];',./~!@#$%^&*()_+{}|:\"<>?"}),
    ("totara_moodle_pre_content", 0): (TRIMMED, {"text": "<p>What would running the test method print?</p>\n"
                                                         "<pre>\npublic void test() {\nmethod1();\nmethod2();\n"
                                                         "method3();\n}\n</pre>"}),
    ("type_inferred_multiline_markdown", 0): (TRIMMED, {
        "text": "stem line1\nstem line2",
        "answer 0": "answer1 line1\nanswer1 line2",
        "answer 1": "answer2 line1\nanswer2 line2",
    }),
}  # fmt: skip

PEGJS_KINDS = {
    "MC": MC,
    "TF": TF,
    "Short": SHORT,
    "Numerical": NUM,
    "Matching": MATCH,
    "Essay": QuestionKind.ESSAY,
    "Description": QuestionKind.DESCRIPTION,
}


def _number(value) -> Decimal:
    return Decimal(repr(value))


def _fraction(choice: dict) -> Decimal:
    """gift-pegjs gives a weight in percent, or null and whether the answer is right."""
    if choice.get("weight") is not None:
        return _number(choice["weight"]) / 100
    return Decimal(1 if choice["isCorrect"] else 0)


def _numeric(value: dict) -> tuple[Decimal | str, Decimal]:
    """gift-pegjs numbers: simple, range (value and tolerance) or high-low; '*' for any other answer."""
    kind = value.get("type")
    if kind == "simple":
        return _number(value["number"]), Decimal(0)
    if kind == "range":
        return _number(value["number"]), _number(value["range"])
    if kind == "high-low":
        middle = (_number(value["numberHigh"]) + _number(value["numberLow"])) / 2
        return middle, _number(value["numberHigh"]) - middle
    return value["text"], Decimal(0)


def pegjs_facts(item: dict) -> dict:
    """The facts of one gift-pegjs item that our model shares, keyed by a readable name."""
    if item["type"] == "Category":
        return {"category": tuple(name for name in item["title"].split("/") if name not in ("$course$", "top"))}
    facts = {
        "type": PEGJS_KINDS[item["type"]],
        "text": item["stem"]["text"],
        "text format": item["stem"]["format"],
        "id number": item.get("id") or "",
        "tags": item.get("tags") or [],
    }
    if item.get("title") is not None:
        facts["name"] = item["title"]
    if item.get("globalFeedback"):
        facts["general feedback"] = item["globalFeedback"]["text"]
        facts["general feedback format"] = item["globalFeedback"]["format"]
    elif item["type"] != "Description":
        facts["general feedback"] = ""
    if item["type"] == "TF":
        facts["truefalse"] = (
            item["isTrue"],
            (item.get("trueFeedback") or {}).get("text", ""),
            (item.get("falseFeedback") or {}).get("text", ""),
        )
    if item["type"] == "Matching":
        facts["pairs"] = [
            (pair["subquestion"]["text"], pair["subquestion"]["format"], pair["subanswer"])
            for pair in item["matchPairs"]
        ]
    choices = item.get("choices")
    if isinstance(choices, dict):  # a numerical question with a single answer
        choices = [{"isCorrect": True, "weight": None, "text": choices, "feedback": None}]
    if choices is not None:
        facts["answer count"] = len(choices)
        for index, choice in enumerate(choices):
            if item["type"] == "Numerical":
                facts[f"answer {index}"], facts[f"answer {index} tolerance"] = _numeric(choice["text"])
            else:
                facts[f"answer {index}"] = choice["text"]["text"]
                if item["type"] == "MC":  # a short answer's format means nothing: it is matched as plain text
                    facts[f"answer {index} format"] = choice["text"]["format"]
            facts[f"answer {index} fraction"] = _fraction(choice)
            facts[f"answer {index} feedback"] = (choice.get("feedback") or {}).get("text", "")
            if choice.get("feedback"):
                facts[f"answer {index} feedback format"] = choice["feedback"]["format"]
    return facts


def our_facts(item: Category | Question) -> dict:
    if isinstance(item, Category):
        return {"category": item.path}
    facts = {
        "type": item.kind,
        "name": item.name,
        "text": item.text,
        "text format": item.text_format.value,
        "id number": item.idnumber,
        "tags": item.tags,
        "general feedback": item.general_feedback,
        "general feedback format": item.general_feedback_format.value,
        "truefalse": (item.correct_answer, item.feedback_true, item.feedback_false),
        "pairs": [(pair.text, pair.text_format.value, pair.answer) for pair in item.subquestions],
        "answer count": len(item.answers),
    }
    for index, answer in enumerate(item.answers):
        numeric = item.kind == NUM and answer.text != "*"
        facts[f"answer {index}"] = Decimal(answer.text) if numeric else answer.text
        facts[f"answer {index} format"] = answer.text_format.value
        facts[f"answer {index} tolerance"] = answer.tolerance
        facts[f"answer {index} fraction"] = answer.fraction
        facts[f"answer {index} feedback"] = answer.feedback
        facts[f"answer {index} feedback format"] = answer.feedback_format.value
    return facts


PEGJS_FILES = sorted(path.stem for path in GIFT_PEGJS.glob("*.gift"))


def test_the_gift_pegjs_corpus_has_51_files_and_every_override_is_used():
    assert len(PEGJS_FILES) == 51
    assert {name for name, _index in OVERRIDES} <= set(PEGJS_FILES)


@pytest.mark.parametrize("name", PEGJS_FILES)
def test_gift_pegjs_corpus(name):
    expected_items = json.loads((GIFT_PEGJS / f"{name}.json").read_text(encoding="utf-8"))
    items = parse_gift((GIFT_PEGJS / f"{name}.gift").read_text(encoding="utf-8"))
    assert len(items) == len(expected_items)
    for index, (item, expected_item) in enumerate(zip(items, expected_items, strict=True)):
        expected = pegjs_facts(expected_item)
        reason, moodle = OVERRIDES.get((name, index), ("", {}))
        for fact, value in moodle.items():
            assert expected[fact] != value, f"{name}[{index}] {fact}: the override is not needed any more"
            expected[fact] = value  # see `reason`
        ours = our_facts(item)
        differences = {fact: (value, ours.get(fact)) for fact, value in expected.items() if ours.get(fact) != value}
        assert not differences, f"{name}[{index}] differs from gift-pegjs {reason}: {differences}"
