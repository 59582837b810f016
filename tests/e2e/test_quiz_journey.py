"""The quizzes issue's journey in a real browser: a teacher on a phone-sized screen, in Russian, takes a timed
quiz; time runs out on the second page; the attempt is graded on what she saved and she sees the review the
quiz allows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lms.courses.models import ActivityProgress, Enrollment
from lms.courses.services import enrollment_self_enroll
from lms.quizzes import services
from lms.quizzes.models import Attempt, QuizGrade, ReviewWhen
from tests.e2e.conftest import PHONE
from tests.e2e.journeys import quiz_in_lessons
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.quizzes import answer, make_question
from tests.factories.roles import trainer

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-test-password-1"


def _russian_quiz_course():
    author = trainer()
    course = make_course(modules=1, lessons=1, languages=("en", "ru"), trainers=[author])
    sun = make_question(
        "multichoice",
        text="What colour is the sun?",
        answers=[answer("yellow", "1", feedback="Yes."), answer("red", "0"), answer("blue", "0")],
        shuffle=False,
        texts={"ru": {"text": "Какого цвета солнце?", "answers": ["жёлтое", "красное", "синее"]}},
    )
    safe = make_question(
        "truefalse",
        text="A strong password has at least twelve characters.",
        texts={"ru": {"text": "Надёжный пароль содержит не меньше двенадцати символов."}},
    )
    quiz = services.quiz_create(
        course=course,
        by=author,
        title="Check yourself",
        titles={"ru": "Проверьте себя"},
        time_limit_minutes=1,
        questions_per_page=1,
        pass_grade=50,
        shuffle_answers=False,
        review_marks=ReviewWhen.AFTER_SUBMIT,
        review_answers=ReviewWhen.AFTER_SUBMIT,
        review_feedback=ReviewWhen.AFTER_SUBMIT,
    )
    for question in (sun, safe):
        services.slot_add_question(quiz=quiz, by=author, question=question)
    quiz_in_lessons(course, quiz, slug="lesson-1-1", languages=("en", "ru"))
    return course, quiz


def test_a_teacher_takes_a_timed_quiz_on_a_phone_in_russian_and_time_runs_out(live_server, phone):
    course, quiz = _russian_quiz_course()
    teacher = UserFactory(preferred_language="ru")
    teacher.set_password(PASSWORD)
    teacher.save()
    enrollment_self_enroll(user=teacher, course=course)
    page = phone

    page.goto(f"{live_server.url}/ru/accounts/login/")
    page.fill("input[name=username]", teacher.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(live_server.url + quiz.activity.urls["ru"])
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "Проверьте себя" in page.content()
    page.locator(f"form[action$='/quizzes/{quiz.uuid}/start/'] button").click()
    page.wait_for_url("**/learning/attempts/**")

    # Page 1: she answers in Russian and moves on; the answer is saved on the server.
    assert "Какого цвета солнце?" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], "no sideways scrolling"
    page.get_by_label("жёлтое").check()
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url("**page=1**")
    attempt = Attempt.objects.get(quiz=quiz, user=teacher)
    assert attempt.questions.get(position=0).response is not None
    assert "Надёжный пароль" in page.content()
    assert page.locator("[role=timer]").count() == 1

    # Page 2: she has not answered when time runs out. Shorten the deadline (not to wait a minute) and
    # reload: the countdown submits what is on the page; she lands on the review.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=6))
    page.reload()
    page.wait_for_url("**/review/**", timeout=20000)
    assert page.locator("html").get_attribute("lang") == "ru"
    review = page.content()
    assert "Какого цвета солнце?" in review and "жёлтое" in review
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED
    assert attempt.grade == 50  # the saved answer counts; the unanswered one does not
    grade = QuizGrade.objects.get(quiz=quiz, user=teacher)
    assert grade.passed
    enrollment = Enrollment.objects.get(user=teacher, course=course)
    assert ActivityProgress.objects.filter(enrollment=enrollment, activity=quiz.activity).exists()
    assert "50" in review
