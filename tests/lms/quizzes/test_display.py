"""What an attempt page shows of a question and how the learner's form becomes a stored response (pure: no
database). The page never carries a fraction, a piece of feedback or anything from which the right answer
can be read; responses are stored as indexes into the frozen snapshot, whatever language the page was in."""

from __future__ import annotations

import dataclasses
import json
import random
from decimal import Decimal

import pytest
from django.http import QueryDict

from lms.quizzes import display, grading
from lms.quizzes.models import QUESTION_CLASSES
from tests.factories.quizzes import answer

PREFIX = "q3"


def snapshot(kind: str, **fields) -> dict:
    """A question's snapshot as an attempt freezes it, built without the database."""
    defaults = {
        "multichoice": {
            "answers": [
                answer("yellow", "1", feedback="Yes, yellow."),
                answer("red", "0", feedback="Red is wrong."),
                answer("blue", "-0.5", feedback="Blue is very wrong."),
            ]
        },
        "truefalse": {"correct_answer": False, "feedback_true": "Think again.", "feedback_false": "Right."},
        "shortanswer": {"answers": [answer("Frog", "1", feedback="Well done."), answer("Toad", "0.5")]},
        "numerical": {"answers": [answer("3", "1", tolerance="0.5", feedback="Close enough.")]},
        "matching": {
            "subquestions": [
                {"text": "Forum", "text_format": "plain", "answer": "discussions"},
                {"text": "Wiki", "text_format": "plain", "answer": "shared pages"},
                {"text": "Chat", "text_format": "plain", "answer": "live talk"},
                {"text": "", "text_format": "plain", "answer": "a distractor"},
            ]
        },
        "ordering": {"items": ["plan", "teach", "assess", "reflect"]},
        "essay": {},
        "description": {},
    }
    values = {
        "name": f"A {kind}",
        "text": f"The {kind} question",
        "general_feedback": "General feedback text.",
        **defaults[kind],
        **fields,
    }
    return QUESTION_CLASSES[kind](**values).snapshot()


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        name = f"{PREFIX}-{key.replace('_', '-')}"
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        else:
            data[name] = str(value)
    return data


def shown(data: dict, language: str = "en", *, rng_seed: int = 1) -> display.Display:
    order = display.choice_order(data, shuffle=True, rng=random.Random(rng_seed))
    return display.display(data, order, language)


def value_of(page: display.Display, text: str) -> int:
    (value,) = [choice.value for choice in page.choices if choice.text == text]
    return value


def right_form(data: dict) -> QueryDict:
    """What a learner who knows every answer posts, using only what the page shows."""
    page = shown(data)
    kind = data["kind"]
    if kind == "multichoice":
        return form(answer=value_of(page, "yellow"))
    if kind == "truefalse":
        return form(answer="false")
    if kind == "shortanswer":
        return form(answer="  frog ")
    if kind == "numerical":
        return form(answer="3,2")
    if kind == "matching":
        pairs = {pair["text"]: pair["answer"] for pair in data["subquestions"]}
        return form(**{f"answer_{prompt.value}": value_of(page, pairs[prompt.text]) for prompt in page.prompts})
    if kind == "ordering":
        return form(**{f"answer_{value_of(page, item)}": position for position, item in enumerate(data["items"], 1)})
    raise AssertionError(kind)


# Reading the form --------------------------------------------------------------------------------------------


def test_single_choice_is_stored_as_the_index_of_the_answer_in_the_question():
    data = snapshot("multichoice")
    page = shown(data)
    assert display.response_from_form(data, form(answer=value_of(page, "red")), PREFIX) == 1
    assert display.response_from_form(data, form(answer=value_of(page, "yellow")), PREFIX) == 0


def test_multiple_choice_stores_the_sorted_indexes_of_every_ticked_answer():
    data = snapshot("multichoice", single=False)
    page = shown(data)
    ticked = [value_of(page, "blue"), value_of(page, "yellow"), value_of(page, "blue")]
    assert display.response_from_form(data, form(answer=ticked), PREFIX) == [0, 2]


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("false", False)])
def test_true_false(raw, expected):
    assert display.response_from_form(snapshot("truefalse"), form(answer=raw), PREFIX) is expected


def test_typed_answers_are_trimmed_and_kept_as_typed():
    assert display.response_from_form(snapshot("shortanswer"), form(answer="  Frog  "), PREFIX) == "Frog"
    assert display.response_from_form(snapshot("numerical"), form(answer=" 3,2 cm"), PREFIX) == "3,2 cm"
    assert display.response_from_form(snapshot("shortanswer"), form(answer="x" * 1000), PREFIX) == "x" * 255
    essay = "My essay.\nSecond paragraph."
    assert display.response_from_form(snapshot("essay"), form(answer=f"  {essay}  "), PREFIX) == essay


def test_matching_stores_each_prompt_with_the_index_of_the_answer_chosen_for_it():
    data = snapshot("matching")
    page = shown(data)
    prompts = {prompt.text: prompt.value for prompt in page.prompts}
    assert set(prompts) == {"Forum", "Wiki", "Chat"}  # the distractor is no prompt
    post = form(**{f"answer_{prompts['Forum']}": value_of(page, "shared pages"), f"answer_{prompts['Chat']}": ""})
    # Answers are indexed in their order of first appearance: discussions, shared pages, live talk, a distractor.
    assert display.response_from_form(data, post, PREFIX) == {"0": 1}


def test_ordering_stores_the_item_indexes_in_the_learners_order():
    data = snapshot("ordering")
    page = shown(data)
    positions = {"reflect": 1, "plan": 2, "teach": 3, "assess": 4}
    post = form(**{f"answer_{value_of(page, item)}": position for item, position in positions.items()})
    assert display.response_from_form(data, post, PREFIX) == [3, 0, 1, 2]


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("multichoice", {"answer": "abc"}),
        ("multichoice", {"answer": "3"}),  # no fourth answer
        ("multichoice", {"answer": "-1"}),
        ("multichoice", {"answer": "1.0"}),
        ("multichoice", {"answer": ""}),
        ("multichoice", {}),
        ("truefalse", {"answer": "yes"}),
        ("truefalse", {}),
        ("shortanswer", {"answer": "   "}),
        ("numerical", {}),
        ("essay", {"answer": " \n "}),
        ("matching", {"answer_0": "x", "answer_1": "99", "answer_2": "-1"}),
        ("matching", {"answer_3": "0"}),  # the distractor is not a prompt
        ("ordering", {"answer_0": "1", "answer_1": "2", "answer_2": "3"}),  # one item missing
        ("ordering", {"answer_0": "1", "answer_1": "2", "answer_2": "3", "answer_3": "x"}),
        ("ordering", {"answer_0": "1", "answer_1": "2", "answer_2": "3", "answer_3": "999"}),
        ("description", {"answer": "1"}),
    ],
)
def test_malformed_input_is_no_answer_never_an_error(kind, fields):
    assert display.response_from_form(snapshot(kind), form(**fields), PREFIX) is None


def test_multiple_choice_ignores_malformed_ticks_but_keeps_the_good_ones():
    data = snapshot("multichoice", single=False)
    assert display.response_from_form(data, form(answer=["x", "9", "-1"]), PREFIX) is None
    good = value_of(shown(data), "red")
    assert display.response_from_form(data, form(answer=["x", str(good)]), PREFIX) == [1]


# Grading what was stored ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering"])
def test_right_answers_from_the_form_get_full_marks(kind):
    data = snapshot(kind)
    stored = display.response_from_form(data, right_form(data), PREFIX)
    json.dumps(stored)  # stored as JSON
    assert grading.grade(data, display.grader_response(data, stored)) == 1


def test_grader_response_turns_indexes_into_what_the_graders_compare():
    matching = snapshot("matching")
    assert display.grader_response(matching, {"0": 0, "1": 0, "2": 9}) == {0: "discussions", 1: "discussions"}
    assert grading.grade(matching, display.grader_response(matching, {"0": 0, "1": 0})) == Decimal(1) / 3
    ordering = snapshot("ordering")
    assert display.grader_response(ordering, [1, 0, 2, 3]) == ["teach", "plan", "assess", "reflect"]
    assert grading.grade(ordering, display.grader_response(ordering, [1, 0, 2, 3])) == Decimal("0.5")
    assert display.grader_response(snapshot("multichoice"), None) is None
    assert grading.grade(snapshot("multichoice", single=False), [0, 1]) == 1
    assert grading.grade(snapshot("multichoice"), display.grader_response(snapshot("multichoice"), 2)) == Decimal(
        "-0.5"
    )


# What the page shows -------------------------------------------------------------------------------------------


def _page_text(page: display.Display) -> str:
    return json.dumps(dataclasses.asdict(page))


@pytest.mark.parametrize("kind", list(QUESTION_CLASSES))
def test_the_page_carries_no_fraction_and_no_feedback(kind):
    data = snapshot(kind)
    page = _page_text(shown(data))
    for secret in ("fraction", "feedback", "Yes, yellow.", "Red is wrong.", "Think again.", "Right.", "Well done."):
        assert secret not in page
    assert "General feedback text." not in page
    assert "tolerance" not in page and "correct_answer" not in page


def _values(data: dict) -> dict[str, int]:
    page = display.display(data, display.choice_order(data, shuffle=False), "en")
    return {choice.text: choice.value for choice in page.choices}


def test_form_values_tell_nothing_about_which_answer_is_right():
    """A value or field name that follows the question's own order gives the answer away in the page source:
    authors list the right choice first, an ordering question's items are stored in the right order and a
    matching question's answers in the order of their prompts. The values depend on the texts alone."""
    listed_right_first = snapshot("multichoice")
    listed_right_last = snapshot("multichoice", answers=[answer("red"), answer("blue"), answer("yellow", "1")])
    assert _values(listed_right_first) == _values(listed_right_last)

    one_order = snapshot("ordering", items=["plan", "teach", "assess", "reflect"])
    other_order = snapshot("ordering", items=["reflect", "assess", "teach", "plan"])
    assert _values(one_order) == _values(other_order)

    pairs = [("Forum", "discussions"), ("Wiki", "shared pages"), ("Chat", "live talk")]
    one_pairing = snapshot("matching", subquestions=[{"text": q, "answer": a} for q, a in pairs])
    swapped = [("Forum", "live talk"), ("Wiki", "discussions"), ("Chat", "shared pages")]
    other_pairing = snapshot("matching", subquestions=[{"text": q, "answer": a} for q, a in swapped])
    assert _values(one_pairing) == _values(other_pairing)


def test_the_page_shows_the_choices_in_the_attempts_order():
    data = snapshot("multichoice")
    page = display.display(data, [2, 0, 1], "en")
    assert [choice.text for choice in page.choices] == ["blue", "yellow", "red"]
    assert display.display(snapshot("multichoice", shuffle=False), [0, 1, 2], "en").single is True


def test_ordering_is_never_shown_in_the_right_order():
    for size in range(2, 6):
        data = snapshot("ordering", items=[f"item {n}" for n in range(size)])
        for seed in range(200):
            order = display.choice_order(data, shuffle=False, rng=random.Random(seed))
            assert sorted(order) == list(range(size))
            assert order != list(range(size))
    assert display.choice_order(snapshot("ordering", items=["alone"]), shuffle=True) == [0]


def test_choices_are_shuffled_only_when_the_quiz_and_the_question_allow_it():
    data = snapshot("multichoice", answers=[answer(f"answer {n}", "1" if n == 0 else "0") for n in range(8)])
    shuffled = {tuple(display.choice_order(data, shuffle=True, rng=random.Random(seed))) for seed in range(20)}
    assert len(shuffled) > 1
    assert display.choice_order(data, shuffle=False, rng=random.Random(1)) == list(range(8))
    fixed = {**data, "shuffle": False}
    assert display.choice_order(fixed, shuffle=True, rng=random.Random(1)) == list(range(8))
    assert display.choice_order(snapshot("truefalse"), shuffle=True) == []


def test_saved_answers_are_shown_back_on_the_page():
    data = snapshot("multichoice", single=False)
    page = display.display(data, [2, 0, 1], "en", response=[0, 2])
    assert {choice.text for choice in page.choices if choice.selected} == {"yellow", "blue"}

    matching = snapshot("matching")
    page = display.display(matching, [3, 2, 1, 0], "en", response={"1": 0})
    chosen = {prompt.text: prompt.chosen for prompt in page.prompts}
    assert chosen == {"Forum": None, "Wiki": value_of(page, "discussions"), "Chat": None}

    ordering = snapshot("ordering")
    page = display.display(ordering, [1, 3, 0, 2], "en", response=[3, 2, 1, 0])
    assert [choice.text for choice in page.choices] == ["reflect", "assess", "teach", "plan"]

    assert display.display(snapshot("shortanswer"), [], "en", response="Frog").value == "Frog"
    assert display.display(snapshot("truefalse"), [], "en", response=False).value == "false"
    assert display.display(snapshot("truefalse"), [], "en").value == ""


# Languages -----------------------------------------------------------------------------------------------------


def test_translations_fall_back_to_the_source_item_by_item():
    data = snapshot(
        "multichoice",
        texts={
            "ru": {
                "text": "",
                "answers": ["жёлтый", "", "синий"],
                "feedback": ["", "Красный — нет.", ""],
                "general_feedback": "Общий отзыв.",
            }
        },
    )
    page = display.display(data, [0, 1, 2], "ru")
    assert page.text == "The multichoice question"
    assert [choice.text for choice in page.choices] == ["жёлтый", "red", "синий"]
    assert display.right_answer(data, "ru") == ["жёлтый"]
    assert display.response_feedback(data, 1, "ru") == ["Красный — нет."]
    assert display.response_feedback(data, 0, "ru") == ["Yes, yellow."]
    assert display.general_feedback(data, "ru") == "Общий отзыв."
    assert display.general_feedback(data, "ar") == "General feedback text."
    assert display.response_text(data, 2, "ru") == "синий"
    # A language with no translation, and the source language itself, show the source.
    assert [choice.text for choice in display.display(data, [0, 1, 2], "ar").choices] == ["yellow", "red", "blue"]


def test_the_same_stored_answer_grades_the_same_in_every_language():
    data = snapshot("multichoice", texts={"ru": {"answers": ["жёлтый", "красный", "синий"]}})
    english, russian = shown(data, "en"), shown(data, "ru")
    stored_en = display.response_from_form(data, form(answer=value_of(english, "yellow")), PREFIX)
    stored_ru = display.response_from_form(data, form(answer=value_of(russian, "жёлтый")), PREFIX)
    assert stored_en == stored_ru == 0


def test_matching_answers_translate_per_pair_even_when_pairs_share_an_answer():
    data = snapshot(
        "matching",
        subquestions=[
            {"text": "Forum", "text_format": "plain", "answer": "talk"},
            {"text": "Chat", "text_format": "plain", "answer": "talk"},
            {"text": "Wiki", "text_format": "plain", "answer": "pages"},
        ],
        texts={"ru": {"subquestions": ["Форум", "", "Вики"], "subanswers": ["общение", "", ""]}},
    )
    page = display.display(data, [0, 1], "ru")
    assert [choice.text for choice in page.choices] == ["общение", "pages"]
    assert [prompt.text for prompt in page.prompts] == ["Форум", "Chat", "Вики"]
    assert display.response_text(data, {"1": 0}, "ru") == "Chat → общение"


def test_ordering_items_and_true_false_feedback_translate_per_item():
    ordering = snapshot("ordering", texts={"ar": {"items": ["خطط", "", "قيّم", ""]}})
    page = display.display(ordering, [3, 2, 1, 0], "ar")
    assert [choice.text for choice in page.choices] == ["reflect", "قيّم", "teach", "خطط"]
    assert display.right_answer(ordering, "ar") == ["خطط", "teach", "قيّم", "reflect"]

    truefalse = snapshot("truefalse", texts={"ru": {"feedback": ["Подумайте ещё.", ""]}})
    assert display.response_feedback(truefalse, True, "ru") == ["Подумайте ещё."]
    assert display.response_feedback(truefalse, False, "ru") == ["Right."]


def test_short_answer_right_answer_and_feedback_in_the_learners_language():
    data = snapshot("shortanswer", texts={"ru": {"answers": ["Лягушка", ""], "feedback": ["Молодец.", ""]}})
    assert display.right_answer(data, "ru") == ["Лягушка"]
    assert display.response_feedback(data, "frog", "ru") == ["Молодец."]
    assert display.right_answer(snapshot("numerical"), "en") == ["3 ± 0.5"]


def test_a_short_answer_typed_in_another_language_is_graded_like_the_source_answer():
    data = snapshot(
        "shortanswer",
        answers=[answer("Wiki", "1", feedback="Yes"), answer("Forum", "0.5"), answer("*", "0")],
        texts={"ru": {"answers": ["Вики", "", ""], "feedback": ["Да", "", ""]}, "ar": {"answers": ["ويكي", "", ""]}},
    )
    graded = display.grader_data(data)
    assert grading.grade(graded, "вики") == 1
    assert grading.grade(graded, "ويكي") == 1
    assert grading.grade(graded, "Форум") == 0  # not translated: only the source text counts
    assert grading.grade(graded, "forum") == Decimal("0.5")
    assert display.response_feedback(data, "Вики", "ru") == ["Да"]
    assert data["answers"][0]["text"] == "Wiki"  # the snapshot itself is untouched
