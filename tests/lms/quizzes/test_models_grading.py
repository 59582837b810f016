"""Grading of every question type, and versions: an edit makes a new version and old versions grade as
they did."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lms.quizzes import grading, services
from lms.quizzes.models import (
    EssayQuestion,
    MultipleChoiceQuestion,
    QuestionVersion,
)
from lms.quizzes.selectors import question_version_current
from tests.factories.quizzes import QuestionCategoryFactory, answer, make_question

D = Decimal


def snapshot(kind: str, **fields) -> dict:
    return {"kind": kind, **fields}


class TestMultipleChoice:
    ANSWERS = [answer("yellow", "0.5"), answer("red", "-1"), answer("off-beige", "0.5"), answer("blue", "-1")]

    def test_single_answer_gives_the_chosen_fraction_including_negative(self):
        data = snapshot("multichoice", single=True, answers=[answer("a", "1"), answer("b", "-0.5"), answer("c")])
        assert grading.grade(data, 0) == D(1)
        assert grading.grade(data, 1) == D("-0.5")
        assert grading.grade(data, 2) == D(0)
        assert grading.grade(data, None) == D(0)
        assert grading.grade(data, 7) == D(0)

    def test_multiple_answers_sum_their_fractions(self):
        data = snapshot("multichoice", single=False, answers=self.ANSWERS)
        assert grading.grade(data, {0, 2}) == D(1)
        assert grading.grade(data, [0]) == D("0.5")

    def test_multiple_answers_are_clamped_to_zero_and_one(self):
        data = snapshot("multichoice", single=False, answers=self.ANSWERS)
        assert grading.grade(data, {0, 1}) == D(0)  # 0.5 - 1 → 0, never negative
        assert grading.grade(data, {0, 1, 2, 3}) == D(0)
        over = snapshot("multichoice", single=False, answers=[answer("a", "1"), answer("b", "0.5")])
        assert grading.grade(over, {0, 1}) == D(1)


def test_true_false():
    data = snapshot("truefalse", correct_answer=False)
    assert grading.grade(data, False) == D(1)
    assert grading.grade(data, True) == D(0)
    assert grading.grade(data, None) == D(0)


class TestShortAnswer:
    def test_case_insensitive_by_default_and_first_match_wins(self):
        data = snapshot("shortanswer", case_sensitive=False, answers=[answer("Frog", "1"), answer("*", "0.1")])
        assert grading.grade(data, "  frog ") == D(1)
        assert grading.grade(data, "toad") == D("0.1")
        assert grading.grade(data, "") == D(0)

    def test_case_sensitive(self):
        data = snapshot("shortanswer", case_sensitive=True, answers=[answer("Frog", "1")])
        assert grading.grade(data, "Frog") == D(1)
        assert grading.grade(data, "frog") == D(0)

    def test_wildcard_matches_any_run_and_nothing_else_is_special(self):
        data = snapshot("shortanswer", case_sensitive=False, answers=[answer("colo*r", "1"), answer("a.c", "0.5")])
        assert grading.grade(data, "color") == D(1)
        assert grading.grade(data, "colour") == D(1)
        assert grading.grade(data, "colours") == D(0)
        assert grading.grade(data, "a.c") == D("0.5")
        assert grading.grade(data, "abc") == D(0)  # "." is not a regex


class TestNumerical:
    DATA = snapshot(
        "numerical",
        answers=[answer("3", "1", tolerance="0.5"), answer("10", "0.5", tolerance="0"), answer("*", "0")],
        units=[{"name": "m", "multiplier": "1"}, {"name": "cm", "multiplier": "100"}],
    )

    def test_tolerance_bounds_are_inclusive(self):
        assert grading.grade(self.DATA, "3") == D(1)
        assert grading.grade(self.DATA, "2.5") == D(1)
        assert grading.grade(self.DATA, "3,5") == D(1)
        assert grading.grade(self.DATA, "3.51") == D(0)
        assert grading.grade(self.DATA, "10") == D("0.5")
        assert grading.grade(self.DATA, D("10.0001")) == D(0)

    def test_units_convert_with_their_multiplier(self):
        assert grading.grade(self.DATA, "3 m") == D(1)
        assert grading.grade(self.DATA, "300cm") == D(1)
        assert grading.grade(self.DATA, "1000 cm") == D("0.5")
        assert grading.grade(self.DATA, "3 km") == D(0)  # not one of the question's units

    def test_not_a_number(self):
        assert grading.grade(self.DATA, "three") == D(0)
        no_units = snapshot("numerical", answers=[answer("3", "1", tolerance="0")], units=[])
        assert grading.grade(no_units, "3 m") == D(0)
        assert grading.grade(no_units, True) == D(0)


def test_matching_gives_partial_credit_and_ignores_distractors():
    data = snapshot(
        "matching",
        subquestions=[
            {"text": "Forum", "answer": "discussions"},
            {"text": "Wiki", "answer": "shared pages"},
            {"text": "Chat", "answer": "live talk"},
            {"text": "", "answer": "a distractor"},
        ],
    )
    assert grading.grade(data, {0: "discussions", 1: "shared pages", 2: "live talk"}) == D(1)
    assert grading.grade(data, {"0": "discussions", "1": "live talk", "2": "shared pages"}) == D(1) / D(3)
    assert grading.grade(data, {}) == D(0)


def test_ordering_counts_items_in_the_right_position():
    data = snapshot("ordering", items=["a", "b", "c", "d"])
    assert grading.grade(data, ["a", "b", "c", "d"]) == D(1)
    assert grading.grade(data, ["a", "c", "b", "d"]) == D("0.5")
    assert grading.grade(data, ["d", "c", "b", "a"]) == D(0)
    assert grading.grade(data, ["a"]) == D("0.25")


def test_essay_and_description_are_not_auto_graded():
    assert grading.grade(snapshot("essay"), "My essay") is None
    assert grading.grade(snapshot("description"), None) is None


@pytest.mark.django_db
class TestModels:
    @pytest.mark.parametrize(
        ("kind", "response", "expected"),
        [
            ("multichoice", 0, D(1)),
            ("truefalse", True, D(1)),
            ("shortanswer", "cat", D("0.5")),
            ("numerical", "3.4", D(1)),
            ("matching", {0: "discussions", 1: "wrong"}, D("0.5")),
            ("ordering", ["one", "three", "two"], D(1) / D(3)),
            ("essay", "text", None),
            ("description", None, None),
        ],
    )
    def test_each_type_grades_its_own_answer_and_has_a_first_version(self, kind, response, expected):
        question = make_question(kind)
        assert question.kind == kind
        assert question.grade(response) == expected
        version = question_version_current(question)
        assert version.number == 1
        assert version.grade(response) == expected

    def test_text_in_each_language_falls_back_to_the_source(self):
        question = make_question(
            "essay", text="Describe your class.", texts={"ru": {"text": "Опишите ваш класс.", "general_feedback": ""}}
        )
        assert question.text_for("ru") == "Опишите ваш класс."
        assert question.text_for("ar") == "Describe your class."

    def test_an_unknown_type_is_refused(self):
        with pytest.raises(services.QuestionError):
            services.question_create(kind="cloze", category=QuestionCategoryFactory(), owner=None, name="x")


@pytest.mark.django_db
class TestVersions:
    def test_editing_makes_a_new_version_and_the_old_one_grades_the_old_way(self):
        question = make_question("multichoice", answers=[answer("yellow", "1"), answer("red", "0")])
        old = question_version_current(question)

        question = services.question_update(
            question, user=question.owner, answers=[answer("yellow", "0"), answer("red", "1")]
        )

        assert question.version == 2
        assert list(QuestionVersion.objects.filter(question=question).values_list("number", flat=True)) == [1, 2]
        old.refresh_from_db()
        assert old.grade(0) == D(1)
        assert question_version_current(question).grade(0) == D(0)
        assert MultipleChoiceQuestion.objects.get(pk=question.pk).grade(1) == D(1)

    def test_every_change_is_a_version_and_no_change_is_none(self):
        question = make_question("essay")
        question = services.question_update(question, user=None, text="New text")
        question = services.question_update(question, user=None, general_feedback="Well done")
        question = services.question_update(question, user=None, general_feedback="Well done")
        assert question.version == 3
        assert QuestionVersion.objects.filter(question=question).count() == 3
        assert QuestionVersion.objects.get(question=question, number=2).data["text"] == "New text"
        assert EssayQuestion.objects.get(pk=question.pk).text == "New text"

    def test_moving_to_another_category_keeps_the_version(self):
        question = make_question("essay")
        question = services.question_update(question, user=None, category=QuestionCategoryFactory())
        assert question.version == 1

    def test_an_invalid_edit_writes_nothing(self):
        question = make_question("multichoice")
        with pytest.raises(ValidationError):
            services.question_update(question, user=None, name="")
        assert QuestionVersion.objects.filter(question=question).count() == 1
        assert MultipleChoiceQuestion.objects.get(pk=question.pk).name == "A multichoice question"
