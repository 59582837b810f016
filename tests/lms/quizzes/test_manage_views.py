"""The trainers' quiz pages: who may open them, quiz settings, a quiz's questions, attempts and regrading, the
essay queue and grading, and the gradebook (HTML and CSV)."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Job
from lms.courses import services as course_services
from lms.courses.models import Course
from lms.quizzes import services
from lms.quizzes.models import Attempt, QuestionAttempt, Quiz, QuizGrade, QuizSlot
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.quizzes import QuestionCategoryFactory, answer, make_question
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db

D = Decimal


def url(name: str, **kwargs) -> str:
    return reverse(f"quizzes:{name}", kwargs=kwargs)


@pytest.fixture
def trainer():
    return make_trainer(full_name="Layla Trainer", time_zone="Asia/Dubai")


@pytest.fixture
def course(trainer) -> Course:
    return course_services.course_create(title="Digital pedagogy", trainers=[trainer])


@pytest.fixture
def quiz(course, trainer) -> Quiz:
    return services.quiz_create(course=course, by=trainer, title="Week 1 check", questions_per_page=0)


def learner(course: Course, **fields):
    user = UserFactory(**fields)
    course_services.enrollment_self_enroll(user=user, course=course)
    return user


def take(quiz: Quiz, user, responses: dict[int, object]) -> Attempt:
    """Start, answer (``responses`` maps a position to a stored response) and submit an attempt."""
    attempt = services.attempt_start(quiz=quiz, user=user, language="en", rng=random.Random(7))
    services.attempt_save(
        attempt=attempt, user=user, answers={position: (0, response) for position, response in responses.items()}
    )
    services.attempt_submit(attempt=attempt, user=user)
    attempt.refresh_from_db()
    return attempt


def page(response) -> str:
    return response.content.decode()


# Who may ------------------------------------------------------------------------------------------------------


def _get_urls(course: Course, quiz: Quiz) -> list[str]:
    return [
        url("quiz-list", course_uuid=course.uuid),
        url("quiz-create", course_uuid=course.uuid),
        url("quiz-edit", quiz_uuid=quiz.uuid),
        url("quiz-questions", quiz_uuid=quiz.uuid),
        url("quiz-attempts", quiz_uuid=quiz.uuid),
        url("gradebook", course_uuid=course.uuid),
        url("gradebook", course_uuid=course.uuid) + "?format=csv",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, course, quiz):
    for address in [*_get_urls(course, quiz), url("essay-queue")]:
        response = client.get(address)
        assert response.status_code == 302, address
        assert "/accounts/login/" in response["Location"]


def test_a_teacher_without_the_trainer_role_gets_403_everywhere(client, course, quiz):
    client.force_login(UserFactory())
    for address in [*_get_urls(course, quiz), url("essay-queue")]:
        assert client.get(address).status_code == 403, address
    assert client.post(url("quiz-regrade", quiz_uuid=quiz.uuid)).status_code == 403


def test_a_trainer_of_another_course_gets_403_and_changes_nothing(client, course, quiz):
    other = make_trainer()
    course_services.course_create(title="Another course", trainers=[other])
    question = make_question("truefalse")
    slot = services.slot_add_question(quiz=quiz, by=superuser(), question=question)
    client.force_login(other)

    for address in _get_urls(course, quiz):
        assert client.get(address).status_code == 403, address
    posts = [
        (url("quiz-edit", quiz_uuid=quiz.uuid), {"title": "Taken over"}),
        (url("quiz-slot-add", quiz_uuid=quiz.uuid), {"question": [make_question("essay").pk]}),
        (url("quiz-slot-marks", quiz_uuid=quiz.uuid), {f"mark-{slot.pk}": "9"}),
        (url("quiz-slot-move", quiz_uuid=quiz.uuid, slot_id=slot.pk), {"direction": "down"}),
        (url("quiz-slot-remove", quiz_uuid=quiz.uuid, slot_id=slot.pk), {}),
        (url("quiz-regrade", quiz_uuid=quiz.uuid), {}),
        (url("quiz-create", course_uuid=course.uuid), {"title": "Intruder"}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 403, address
    assert list(QuizSlot.objects.filter(quiz=quiz).values_list("question_id", "mark")) == [(question.pk, D(1))]
    assert Quiz.objects.get(pk=quiz.pk).title == "Week 1 check"
    assert Quiz.objects.filter(course=course).count() == 1
    # Her own essay queue works, and shows nothing of this course.
    assert client.get(url("essay-queue")).status_code == 200


def test_the_course_trainer_and_a_superuser_see_every_page(client, signed_in, course, quiz):
    for address in [*_get_urls(course, quiz), url("essay-queue")]:
        assert signed_in.get(address).status_code == 200, address
    client.force_login(superuser())
    for address in [*_get_urls(course, quiz), url("essay-queue")]:
        assert client.get(address).status_code == 200, address


def test_a_slot_of_another_quiz_is_not_found(signed_in, course, trainer, quiz):
    other_quiz = services.quiz_create(course=course, by=trainer, title="Another quiz")
    slot = services.slot_add_question(quiz=other_quiz, by=trainer, question=make_question("truefalse"))

    assert signed_in.post(url("quiz-slot-remove", quiz_uuid=quiz.uuid, slot_id=slot.pk)).status_code == 404
    response = signed_in.post(url("quiz-slot-move", quiz_uuid=quiz.uuid, slot_id=slot.pk), {"direction": "up"})
    assert response.status_code == 404
    assert QuizSlot.objects.filter(pk=slot.pk).exists()


def test_post_only_pages_refuse_get(signed_in, quiz):
    assert signed_in.get(url("quiz-regrade", quiz_uuid=quiz.uuid)).status_code == 405
    assert signed_in.get(url("quiz-slot-add", quiz_uuid=quiz.uuid)).status_code == 405


# The list of a course's quizzes -------------------------------------------------------------------------------


def test_the_quiz_list_says_where_each_quiz_is_placed_and_counts_questions_and_attempts(client, trainer):
    course = make_course(modules=1, lessons=1, trainers=[trainer])
    placed = services.quiz_create(course=course, by=trainer, title="Placed quiz")
    services.quiz_create(course=course, by=trainer, title="Loose quiz")
    activity = course.activities.get()
    services.quiz_link_activities(course=course, links={activity.translation_key: [placed.pk]})
    for kind in ("truefalse", "essay"):
        services.slot_add_question(quiz=placed, by=trainer, question=make_question(kind))
    take(placed, learner(course), {0: True, 1: "An essay"})
    client.force_login(trainer)

    response = client.get(url("quiz-list", course_uuid=course.uuid))

    text = page(response)
    assert "Placed quiz" in text and "Loose quiz" in text
    assert "Lesson 1.1" in text
    assert "Not placed in a lesson yet — add a quiz block to a lesson in the page editor" in text
    assert "<td>2</td>" in text  # questions of the placed quiz
    assert ">1</a></td>" in text  # one finished attempt
    assert url("quiz-create", course_uuid=course.uuid) in text


def test_an_empty_course_says_how_to_start(signed_in, course):
    response = signed_in.get(url("quiz-list", course_uuid=course.uuid))

    assert "This course has no quizzes yet." in page(response)


# Settings -----------------------------------------------------------------------------------------------------


def settings_data(**overrides) -> dict:
    data = {
        "title": "Digital tools quiz",
        "title_en": "",
        "title_ru": "Тест по цифровым инструментам",
        "title_ar": "اختبار الأدوات الرقمية",
        "intro": "Read the lesson first.",
        "opens_at": "2030-01-10T09:00",
        "closes_at": "2030-01-20T18:30",
        "time_limit_minutes": "30",
        "attempts_allowed": "2",
        "grading_method": "average",
        "pass_grade": "60",
        "question_order": "shuffled",
        "questions_per_page": "5",
        "review_marks": "after_submit",
        "review_answers": "never",
        "review_feedback": "after_close",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_creating_a_quiz_saves_every_setting_in_the_trainers_time_zone(signed_in, course):
    response = signed_in.post(url("quiz-create", course_uuid=course.uuid), settings_data(), follow=True)

    quiz = Quiz.objects.get(course=course)
    assert response.redirect_chain[-1][0] == url("quiz-questions", quiz_uuid=quiz.uuid)
    assert "The quiz “Digital tools quiz” has been created." in page(response)
    assert quiz.title == "Digital tools quiz"
    assert quiz.titles == {"ru": "Тест по цифровым инструментам", "ar": "اختبار الأدوات الرقمية"}
    assert quiz.intro == "Read the lesson first."
    # Asia/Dubai is four hours ahead of UTC.
    assert quiz.opens_at == datetime(2030, 1, 10, 5, 0, tzinfo=UTC)
    assert quiz.closes_at == datetime(2030, 1, 20, 14, 30, tzinfo=UTC)
    assert (quiz.time_limit_minutes, quiz.attempts_allowed, quiz.pass_grade) == (30, 2, D(60))
    assert (quiz.grading_method, quiz.question_order, quiz.questions_per_page) == ("average", "shuffled", 5)
    assert quiz.shuffle_answers is False  # the box was not ticked
    assert (quiz.review_marks, quiz.review_answers, quiz.review_feedback) == ("after_submit", "never", "after_close")
    assert quiz.created_by is not None


def test_a_quiz_that_closes_before_it_opens_is_refused_and_the_input_kept(signed_in, course):
    response = signed_in.post(
        url("quiz-create", course_uuid=course.uuid),
        settings_data(opens_at="2030-01-10T09:00", closes_at="2030-01-09T09:00", title="Kept title"),
    )

    assert response.status_code == 200
    assert not Quiz.objects.exists()
    text = page(response)
    assert "The quiz must close after it opens." in text
    assert 'value="Kept title"' in text
    assert 'value="2030-01-09T09:00"' in text
    assert 'value="Тест по цифровым инструментам"' in text
    # The error stands with the closing time, inside its field group (the summary at the top links to the field).
    assert 'href="#id_closes_at"' in text
    closes = text.index('name="closes_at"')
    error = text.rindex("The quiz must close after it opens.")
    assert text.rfind('class="field field--error', 0, closes) == text.rfind('class="field', 0, closes)
    assert abs(closes - error) < 1500


def test_required_and_out_of_range_settings_show_errors(signed_in, course):
    response = signed_in.post(url("quiz-create", course_uuid=course.uuid), settings_data(title="", pass_grade="150"))

    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors and "pass_grade" in form.errors
    assert not Quiz.objects.exists()


def test_the_settings_form_shows_the_quiz_and_saves_changes(signed_in, course, trainer):
    quiz = services.quiz_create(
        course=course,
        by=trainer,
        title="Old title",
        titles={"ru": "Старое название"},
        opens_at=datetime(2030, 3, 1, 6, 0, tzinfo=UTC),
    )

    form_page = page(signed_in.get(url("quiz-edit", quiz_uuid=quiz.uuid)))
    assert 'value="2030-03-01T10:00"' in form_page  # shown in Dubai time
    assert 'value="Старое название"' in form_page
    assert "<legend>Timing</legend>" in form_page and "<legend>Attempts</legend>" in form_page
    assert 'type="datetime-local"' in form_page

    response = signed_in.post(
        url("quiz-edit", quiz_uuid=quiz.uuid), settings_data(title="New title", grading_method="last"), follow=True
    )

    quiz.refresh_from_db()
    assert "The settings of “New title” have been saved." in page(response)
    assert quiz.title == "New title" and quiz.grading_method == "last"


def test_changing_the_grading_method_updates_the_learners_grades(signed_in, course, trainer, quiz):
    services.slot_add_question(quiz=quiz, by=trainer, question=make_question("truefalse"))
    teacher = learner(course)
    take(quiz, teacher, {0: True})  # 100
    take(quiz, teacher, {0: False})  # 0
    assert QuizGrade.objects.get(quiz=quiz, user=teacher).grade == D(100)  # highest

    signed_in.post(
        url("quiz-edit", quiz_uuid=quiz.uuid),
        settings_data(title="Week 1 check", grading_method="last", opens_at="", closes_at="", attempts_allowed="0"),
    )

    assert QuizGrade.objects.get(quiz=quiz, user=teacher).grade == D(0)


# Questions ----------------------------------------------------------------------------------------------------


def test_adding_questions_from_the_bank(signed_in, quiz):
    category = QuestionCategoryFactory(name="Week 1")
    first, second, third = (
        make_question("multichoice", category=category, name="Colours"),
        make_question("essay", category=category, name="Reflect", default_mark=D(5)),
        make_question("description", category=category, name="Read this"),
    )
    services.slot_add_question(quiz=quiz, by=quiz.created_by, question=first)

    listing = page(signed_in.get(url("quiz-questions", quiz_uuid=quiz.uuid) + f"?category={category.pk}"))
    assert "3 questions in “Week 1”" in listing
    assert "already in the quiz" in listing
    assert f'name="question" value="{second.pk}"' in listing
    assert f'name="question" value="{first.pk}"' not in listing

    response = signed_in.post(
        url("quiz-slot-add", quiz_uuid=quiz.uuid),
        {"question": [second.pk, third.pk, first.pk], "category": category.pk, "page": "1"},
        follow=True,
    )

    text = page(response)
    assert "2 questions have been added to the quiz." in text
    assert "1 question was already in the quiz." in text
    assert response.redirect_chain[0][0].startswith(
        url("quiz-questions", quiz_uuid=quiz.uuid) + f"?category={category.pk}"
    )
    slots = list(QuizSlot.objects.filter(quiz=quiz).order_by("position").values_list("question_id", "mark"))
    assert slots == [(first.pk, D(1)), (second.pk, D(5)), (third.pk, D(0))]
    # The totals leave the description out.
    assert "2 questions" in text and "Total marks: 6" in text


def test_adding_nothing_says_so(signed_in, quiz):
    response = signed_in.post(url("quiz-slot-add", quiz_uuid=quiz.uuid), {"category": "1"}, follow=True)

    assert "Tick the questions to add first." in page(response)
    assert not QuizSlot.objects.exists()


def test_the_bank_listing_is_paginated_by_fifty(signed_in, quiz):
    category = QuestionCategoryFactory(name="Big")
    for number in range(51):
        make_question("truefalse", category=category, name=f"Statement {number:02d}")

    first = page(signed_in.get(url("quiz-questions", quiz_uuid=quiz.uuid) + f"?category={category.pk}"))
    second = page(signed_in.get(url("quiz-questions", quiz_uuid=quiz.uuid) + f"?category={category.pk}&page=2"))

    assert "Statement 49" in first and "Statement 50" not in first
    assert "Statement 50" in second and "Statement 00" not in second
    assert f"category={category.pk}&amp;page=2" in first


def test_adding_random_questions(signed_in, quiz):
    parent = QuestionCategoryFactory(name="Unit 2")
    inside = QuestionCategoryFactory(name="Inside", parent=parent)
    make_question("truefalse", category=parent)
    make_question("essay", category=inside)
    make_question("shortanswer", category=inside)

    response = signed_in.post(
        url("quiz-slot-add-random", quiz_uuid=quiz.uuid),
        {"category": parent.pk, "count": "3", "include_subcategories": "on", "mark": "2.5"},
        follow=True,
    )

    assert "3 random questions from “Unit 2” have been added." in page(response)
    slots = list(QuizSlot.objects.filter(quiz=quiz))
    assert len(slots) == 3
    assert all(
        (slot.random_category_id, slot.include_subcategories, slot.mark, slot.question_id)
        == (parent.pk, True, D("2.5"), None)
        for slot in slots
    )
    text = page(signed_in.get(url("quiz-questions", quiz_uuid=quiz.uuid)))
    assert "Random question from “Unit 2”" in text and "Total marks: 7.5" in text


def test_more_random_questions_than_the_category_holds_are_refused_next_to_the_count(signed_in, quiz):
    category = QuestionCategoryFactory(name="Unit 4")
    make_question("truefalse", category=category)
    make_question("description", category=category)  # never drawn

    response = signed_in.post(
        url("quiz-slot-add-random", quiz_uuid=quiz.uuid), {"category": category.pk, "count": "2", "mark": "1"}
    )

    assert response.status_code == 200
    assert "has 1 question left to draw from" in str(response.context["random_form"].errors["count"])
    assert 'value="2"' in page(response)
    assert not QuizSlot.objects.filter(random_category=category).exists()


def test_random_questions_with_a_bad_count_show_the_error_next_to_it(signed_in, quiz):
    category = QuestionCategoryFactory(name="Unit 3")

    response = signed_in.post(
        url("quiz-slot-add-random", quiz_uuid=quiz.uuid), {"category": category.pk, "count": "0", "mark": "1"}
    )

    assert response.status_code == 200
    assert "count" in response.context["random_form"].errors
    assert 'value="0"' in page(response)
    assert not QuizSlot.objects.exists()


def _slot_order(quiz: Quiz) -> list[str]:
    return list(QuizSlot.objects.filter(quiz=quiz).order_by("position", "pk").values_list("question__name", flat=True))


def test_moving_removing_and_marking_questions(signed_in, quiz, trainer):
    slots = [
        services.slot_add_question(quiz=quiz, by=trainer, question=make_question("truefalse", name=name))
        for name in ("One", "Two", "Three")
    ]

    response = signed_in.post(
        url("quiz-slot-move", quiz_uuid=quiz.uuid, slot_id=slots[2].pk), {"direction": "up"}, follow=True
    )
    assert "The question has been moved up." in page(response)
    assert _slot_order(quiz) == ["One", "Three", "Two"]
    signed_in.post(url("quiz-slot-move", quiz_uuid=quiz.uuid, slot_id=slots[0].pk), {"direction": "down"})
    assert _slot_order(quiz) == ["Three", "One", "Two"]
    assert (
        signed_in.post(url("quiz-slot-move", quiz_uuid=quiz.uuid, slot_id=slots[0].pk), {"direction": "x"}).status_code
        == 400
    )

    text = page(signed_in.get(url("quiz-questions", quiz_uuid=quiz.uuid)))
    assert "Remove question 1 from this quiz?" in text
    assert 'form="slot-marks"' in text and 'id="slot-marks"' in text

    response = signed_in.post(url("quiz-slot-remove", quiz_uuid=quiz.uuid, slot_id=slots[1].pk), follow=True)
    assert "The question has been removed from the quiz." in page(response)
    assert _slot_order(quiz) == ["Three", "One"]

    response = signed_in.post(
        url("quiz-slot-marks", quiz_uuid=quiz.uuid),
        {f"mark-{slots[0].pk}": "2.5", f"mark-{slots[2].pk}": "1"},
        follow=True,
    )
    assert "1 mark has been changed." in page(response)
    assert QuizSlot.objects.get(pk=slots[0].pk).mark == D("2.5")
    assert "Total marks: 3.5" in page(response)


def test_a_negative_mark_is_shown_next_to_its_input_and_nothing_changes(signed_in, quiz, trainer):
    first = services.slot_add_question(quiz=quiz, by=trainer, question=make_question("truefalse"))
    second = services.slot_add_question(quiz=quiz, by=trainer, question=make_question("essay"))

    response = signed_in.post(
        url("quiz-slot-marks", quiz_uuid=quiz.uuid), {f"mark-{first.pk}": "-1", f"mark-{second.pk}": "4"}
    )

    assert response.status_code == 200
    text = page(response)
    assert 'value="-1"' in text and 'value="4"' in text
    assert f"mark-{first.pk}" in response.context["marks_form"].errors
    assert list(QuizSlot.objects.filter(quiz=quiz).values_list("mark", flat=True)) == [D(1), D(1)]


def test_the_questions_page_runs_a_fixed_number_of_queries(signed_in, quiz, trainer):
    category = QuestionCategoryFactory(name="Counted")

    def queries() -> int:
        signed_in.get(url("quiz-questions", quiz_uuid=quiz.uuid) + f"?category={category.pk}")
        with CaptureQueriesContext(connection) as captured:
            response = signed_in.get(url("quiz-questions", quiz_uuid=quiz.uuid) + f"?category={category.pk}")
        assert response.status_code == 200
        return len(captured)

    for kind in ("truefalse", "essay"):
        services.slot_add_question(quiz=quiz, by=trainer, question=make_question(kind, category=category))
    few = queries()
    for kind in ("truefalse", "essay", "truefalse", "essay", "truefalse", "essay"):
        services.slot_add_question(quiz=quiz, by=trainer, question=make_question(kind, category=category))
    for _ in range(3):  # left in the bank for the random slots to draw
        make_question("truefalse", category=category)
    services.slot_add_random(quiz=quiz, by=trainer, category=category, count=3)

    assert queries() == few


# Attempts and regrading ---------------------------------------------------------------------------------------


def test_the_attempts_page_lists_attempts_with_their_grades(signed_in, course, trainer, quiz):
    services.slot_add_question(quiz=quiz, by=trainer, question=make_question("truefalse"))
    services.slot_add_question(quiz=quiz, by=trainer, question=make_question("essay"))
    amina = learner(course, full_name="Amina Hassan")
    olga = learner(course, full_name="Olga Petrova")
    take(quiz, amina, {0: True})  # no essay written: graded at once
    take(quiz, olga, {0: True, 1: "My essay"})
    open_attempt = services.attempt_start(quiz=quiz, user=amina, language="en")

    text = page(signed_in.get(url("quiz-attempts", quiz_uuid=quiz.uuid)))

    assert "3 attempts" in text
    assert "Amina Hassan" in text and "Olga Petrova" in text
    assert "50%" in text
    assert "needs grading" in text
    assert "In progress" in text
    assert "never takes back a course completion or a certificate" in text
    assert reverse("quizzes:attempt-review", kwargs={"attempt_uuid": open_attempt.uuid}) in text


def test_regrading_after_a_corrected_answer_changes_the_grade(
    signed_in, course, trainer, quiz, django_capture_on_commit_callbacks
):
    question = make_question("multichoice", answers=[answer("yellow", "1"), answer("red"), answer("blue")])
    services.slot_add_question(quiz=quiz, by=trainer, question=question)
    teacher = learner(course)
    attempt = take(quiz, teacher, {0: 1})  # "red": wrong by the first answer key
    assert attempt.grade == D(0)

    services.question_update(question, user=trainer, answers=[answer("yellow"), answer("red", "1"), answer("blue")])
    with django_capture_on_commit_callbacks(execute=True):  # the job runs after the request's commit
        response = signed_in.post(url("quiz-regrade", quiz_uuid=quiz.uuid))
    assert response["Location"].startswith("/en/jobs/")  # the job's progress page
    job = Job.objects.get(task_name="quizzes.regrade")
    assert job.status == Job.Status.DONE and job.owner_id == trainer.pk
    progress = page(signed_in.get(response["Location"]))
    assert job.result["url"] in progress  # "See the results"

    text = page(signed_in.get(job.result["url"]))
    assert "1 attempt was regraded." in text and "1 mark changed." in text
    assert "regraded" not in page(signed_in.get(url("quiz-attempts", quiz_uuid=quiz.uuid)))
    attempt.refresh_from_db()
    assert attempt.grade == D(100)
    assert QuizGrade.objects.get(quiz=quiz, user=teacher).grade == D(100)


# Essays -------------------------------------------------------------------------------------------------------


@pytest.fixture
def essay_quiz(quiz, trainer):
    services.slot_add_question(quiz=quiz, by=trainer, question=make_question("multichoice"), mark=D(1))
    services.slot_add_question(
        quiz=quiz,
        by=trainer,
        question=make_question("essay", name="Reflection", text="Describe <b>one</b> tool you use."),
        mark=D(5),
    )
    return quiz


def _essay_of(attempt: Attempt) -> QuestionAttempt:
    return QuestionAttempt.objects.get(attempt=attempt, version__data__kind="essay")


def test_grading_an_essay_grades_the_attempt_and_emails_the_learner(
    signed_in, course, essay_quiz, django_capture_on_commit_callbacks
):
    teacher = learner(course, full_name="Amina Hassan", email="amina@example.org")
    attempt = take(essay_quiz, teacher, {0: 0, 1: "<script>alert(1)</script>\nMy second line"})
    essay = _essay_of(attempt)
    assert attempt.needs_grading and attempt.grade is None

    queue = page(signed_in.get(url("essay-queue")))
    assert "1 essay waits for a mark" in queue and "Amina Hassan" in queue
    assert url("essay-grade", question_attempt_id=essay.pk) in queue

    form_page = page(signed_in.get(url("essay-grade", question_attempt_id=essay.pk)))
    assert "Describe <b>one</b> tool you use." in form_page  # sanitised rich text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>My second line" in form_page
    assert "<script>alert" not in form_page
    assert 'dir="auto"' in form_page
    assert reverse("quizzes:attempt-review", kwargs={"attempt_uuid": attempt.uuid}) in form_page

    too_high = signed_in.post(url("essay-grade", question_attempt_id=essay.pk), {"mark": "6", "comment": "Great"})
    assert too_high.status_code == 200
    assert "Give a mark from 0 to 5.00." in page(too_high)
    assert 'value="6"' in page(too_high) and "Great</textarea>" in page(too_high)
    assert _essay_of(attempt).needs_grading and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            url("essay-grade", question_attempt_id=essay.pk), {"mark": "4", "comment": "Well argued."}, follow=True
        )

    assert response.redirect_chain[-1][0] == url("essay-queue")
    assert "All essays are graded." in page(response)
    attempt.refresh_from_db()
    assert not attempt.needs_grading
    assert attempt.grade == D("83.33")  # (1 + 4) / 6
    graded = _essay_of(attempt)
    assert (graded.mark, graded.comment, graded.needs_grading) == (D(4), "Well argued.", False)
    assert QuizGrade.objects.get(quiz=essay_quiz, user=teacher).grade == D("83.33")
    (message,) = mail.outbox
    assert message.to == ["amina@example.org"]
    assert "83.33%" in message.body


def test_after_a_mark_the_next_essay_opens(signed_in, course, essay_quiz):
    first = _essay_of(take(essay_quiz, learner(course), {1: "First essay"}))
    second = _essay_of(take(essay_quiz, learner(course), {1: "Second essay"}))

    response = signed_in.post(url("essay-grade", question_attempt_id=first.pk), {"mark": "5"})

    assert response.status_code == 302
    assert response["Location"] == url("essay-grade", question_attempt_id=second.pk)


def test_the_essay_queue_can_show_one_course(signed_in, client, course, trainer, essay_quiz):
    other_course = course_services.course_create(title="Second course", trainers=[trainer])
    other_quiz = services.quiz_create(course=other_course, by=trainer, title="Other quiz")
    services.slot_add_question(quiz=other_quiz, by=trainer, question=make_question("essay"))
    take(essay_quiz, learner(course, full_name="Amina Hassan"), {1: "Mine"})
    take(other_quiz, learner(other_course, full_name="Olga Petrova"), {0: "Hers"})

    everything = page(signed_in.get(url("essay-queue")))
    one = page(signed_in.get(url("essay-queue") + f"?course={other_course.uuid}"))
    nonsense = signed_in.get(url("essay-queue") + "?course=not-a-uuid")

    assert "Amina Hassan" in everything and "Olga Petrova" in everything
    assert "Olga Petrova" in one and "Amina Hassan" not in one
    assert nonsense.status_code == 200


def test_a_trainer_of_another_course_cannot_grade_the_essay(client, course, essay_quiz):
    essay = _essay_of(take(essay_quiz, learner(course), {1: "An essay"}))
    other = make_trainer()
    course_services.course_create(title="Another course", trainers=[other])
    client.force_login(other)

    assert client.get(url("essay-grade", question_attempt_id=essay.pk)).status_code == 403
    assert client.post(url("essay-grade", question_attempt_id=essay.pk), {"mark": "5"}).status_code == 403
    assert "An essay" not in page(client.get(url("essay-queue")))
    assert _essay_of(essay.attempt).needs_grading


def test_only_essays_of_finished_attempts_can_be_graded(signed_in, course, essay_quiz):
    attempt = services.attempt_start(quiz=essay_quiz, user=learner(course), language="en")
    essay = _essay_of(attempt)
    multichoice = QuestionAttempt.objects.get(attempt=attempt, position=0)

    assert signed_in.get(url("essay-grade", question_attempt_id=essay.pk)).status_code == 404
    services.attempt_submit(attempt=attempt, user=attempt.user)
    assert signed_in.get(url("essay-grade", question_attempt_id=multichoice.pk)).status_code == 404


# The gradebook ------------------------------------------------------------------------------------------------


def _grade(quiz: Quiz, user, grade: str | None, passed: bool = False) -> None:
    QuizGrade.objects.create(quiz=quiz, user=user, grade=None if grade is None else D(grade), passed=passed)


def test_the_gradebook_shows_each_learners_grade_in_each_quiz(signed_in, course, trainer, quiz):
    second = services.quiz_create(course=course, by=trainer, title="Week 2 check", titles={"en": "Week two"})
    amina = learner(course, full_name="Amina Hassan")
    olga = learner(course, full_name="Olga Petrova")
    _grade(quiz, amina, "87.5", passed=True)
    _grade(second, amina, None)
    _grade(quiz, olga, "40")

    text = page(signed_in.get(url("gradebook", course_uuid=course.uuid)))

    assert "Week 1 check" in text and "Week two" in text
    assert "2 learners" in text
    assert "87.50%" in text and "40%" in text
    assert '<span class="visually-hidden">passed</span>' in text
    assert text.count('<span class="visually-hidden">passed</span>') == 1
    assert "needs grading" in text
    assert "—" in text  # Olga has no grade in week 2

    found = page(signed_in.get(url("gradebook", course_uuid=course.uuid) + "?q=olga"))
    assert "Olga Petrova" in found and "Amina Hassan" not in found


def test_the_gradebook_csv_has_every_learner_and_neutralises_formulas(signed_in, course, trainer, quiz):
    second = services.quiz_create(course=course, by=trainer, title="=SUM(A1:A9)")
    attacker = learner(course, full_name='=HYPERLINK("http://evil.example","x")', email="x@example.org")
    amina = learner(course, full_name="Amina Hassan", email="amina@example.org")
    _grade(quiz, amina, "87.5", passed=True)
    _grade(second, attacker, "10")
    for number in range(55):  # more than a page
        learner(course, full_name=f"Teacher {number:02d}")

    response = signed_in.get(url("gradebook", course_uuid=course.uuid) + "?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["Name", "Email or username", "Week 1 check", "'=SUM(A1:A9)"]
    assert len(rows) == 1 + 57
    by_login = {row[1]: row for row in rows[1:]}
    assert by_login["amina@example.org"] == ["Amina Hassan", "amina@example.org", "87.50", ""]
    assert by_login["x@example.org"][0] == '\'=HYPERLINK("http://evil.example","x")'
    assert by_login["x@example.org"][3] == "10.00"


def test_the_gradebook_runs_the_same_queries_for_3_or_15_learners_and_more_quizzes(signed_in, course, trainer, quiz):
    def queries() -> int:
        signed_in.get(url("gradebook", course_uuid=course.uuid))
        with CaptureQueriesContext(connection) as captured:
            response = signed_in.get(url("gradebook", course_uuid=course.uuid))
        assert response.status_code == 200
        return len(captured)

    for _ in range(3):
        _grade(quiz, learner(course), "50", passed=True)
    few = queries()
    more_quizzes = [services.quiz_create(course=course, by=trainer, title=f"Quiz {n}") for n in range(3)]
    for _ in range(12):
        user = learner(course)
        for each in (quiz, *more_quizzes):
            _grade(each, user, "75")

    assert queries() == few


# Links --------------------------------------------------------------------------------------------------------


def test_the_participants_page_links_to_quizzes_gradebook_and_essays(signed_in, course):
    text = page(signed_in.get(reverse("courses:participants", kwargs={"course_uuid": course.uuid})))

    assert url("quiz-list", course_uuid=course.uuid) in text
    assert url("gradebook", course_uuid=course.uuid) in text
    assert url("essay-queue") + f"?course={course.uuid}" in text
