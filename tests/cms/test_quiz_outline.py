"""A lesson holding a quiz block is the quiz's step in the course outline: publishing links them, removing the
block unlinks them, and a quiz of another course is never linked. The quiz is one step in every language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cms.models import LessonPage
from lms.courses.models import Activity, ActivityProgress, Course, Enrollment
from lms.quizzes.models import Quiz, QuizGrade
from lms.quizzes.services.attempts import attempt_start, attempt_submit
from tests.factories.courses import make_course
from tests.factories.roles import trainer as make_trainer
from tests.lms.quizzes.test_attempts import answer_all, enrolled, quiz_for

pytestmark = pytest.mark.django_db


def lessons_of(course: Course, language: str = "en") -> list[LessonPage]:
    course_page = course.pages.get(locale__language_code=language)
    return list(LessonPage.objects.descendant_of(course_page).order_by("path"))


def publish(lesson: LessonPage, body, capture) -> None:
    with capture(execute=True):  # the outline sync runs when the publish commits
        lesson.body = body
        lesson.save_revision().publish()


def activity_of(lesson: LessonPage) -> Activity:
    return Activity.objects.get(translation_key=lesson.translation_key)


def test_publishing_a_lesson_with_a_quiz_block_makes_it_the_quizs_step(django_capture_on_commit_callbacks):
    course = make_course(modules=1, lessons=2, trainers=[make_trainer()])
    quiz = quiz_for(course=course)
    first, second = lessons_of(course)
    publish(second, [("paragraph", "<p>Now check.</p>"), ("quiz", {"quiz": quiz})], django_capture_on_commit_callbacks)
    quiz.refresh_from_db()
    assert quiz.activity == activity_of(second)
    assert activity_of(second).kind == Activity.Kind.QUIZ
    assert activity_of(first).kind == Activity.Kind.LESSON

    publish(second, [("paragraph", "<p>No quiz any more.</p>")], django_capture_on_commit_callbacks)
    quiz.refresh_from_db()
    assert quiz.activity is None
    assert activity_of(second).kind == Activity.Kind.LESSON


def test_a_quiz_of_another_course_is_not_linked(django_capture_on_commit_callbacks):
    course = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    elsewhere = quiz_for(course=make_course(modules=1, lessons=1, trainers=[make_trainer()]))
    own = quiz_for(course=course)
    (lesson,) = lessons_of(course)
    publish(lesson, [("quiz", {"quiz": elsewhere}), ("quiz", {"quiz": own})], django_capture_on_commit_callbacks)
    elsewhere.refresh_from_db()
    own.refresh_from_db()
    assert elsewhere.activity is None
    assert own.activity == activity_of(lesson)


def test_the_quiz_is_one_step_whatever_the_learners_language(django_capture_on_commit_callbacks):
    course = make_course(modules=1, lessons=1, languages=("en", "ru"), trainers=[make_trainer()])
    quiz = quiz_for(course=course, pass_grade=Decimal(50))
    (lesson,) = lessons_of(course)
    publish(lesson, [("quiz", {"quiz": quiz})], django_capture_on_commit_callbacks)
    assert Activity.objects.filter(course=course, is_active=True).count() == 1
    russian, english = enrolled(course, preferred_language="ru"), enrolled(course)
    for learner, language in ((russian, "ru"), (english, "en")):
        attempt = attempt_start(quiz=quiz, user=learner, language=language)
        answer_all(attempt, learner)
        attempt_submit(attempt=attempt, user=learner)
    quiz.refresh_from_db()
    assert ActivityProgress.objects.filter(activity=quiz.activity).count() == 2
    assert QuizGrade.objects.filter(quiz=quiz).count() == 2
    assert Enrollment.objects.filter(course=course, completed_at__isnull=False).count() == 2


def test_placing_or_moving_a_passed_quiz_completes_its_new_step_for_those_who_passed(
    django_capture_on_commit_callbacks,
):
    course = make_course(modules=1, lessons=2, trainers=[make_trainer()])
    quiz = quiz_for(course=course, pass_grade=Decimal(50))
    passed, failed = enrolled(course), enrolled(course)
    for learner, right in ((passed, True), (failed, False)):
        attempt = attempt_start(quiz=quiz, user=learner, language="en")
        answer_all(attempt, learner, right=right)
        attempt_submit(attempt=attempt, user=learner)
    assert not ActivityProgress.objects.exists()  # in no lesson yet: nothing to complete

    first, second = lessons_of(course)
    publish(first, [("quiz", {"quiz": quiz})], django_capture_on_commit_callbacks)
    assert list(ActivityProgress.objects.values_list("enrollment__user", "activity")) == [
        (passed.pk, activity_of(first).pk)
    ]
    # Moved to the second lesson: the step there is done for her too; she is not sent back to retake it.
    publish(first, [("paragraph", "<p>Read this.</p>")], django_capture_on_commit_callbacks)
    publish(second, [("quiz", {"quiz": quiz})], django_capture_on_commit_callbacks)
    assert Quiz.objects.get(pk=quiz.pk).activity == activity_of(second)
    assert ActivityProgress.objects.filter(enrollment__user=passed, activity=activity_of(second)).exists()
    assert not ActivityProgress.objects.filter(enrollment__user=failed).exists()


def test_a_lesson_showing_only_another_courses_quiz_stays_a_lesson_that_can_be_completed(
    django_capture_on_commit_callbacks,
):
    course = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    elsewhere = quiz_for(course=make_course(modules=1, lessons=1, trainers=[make_trainer()]))
    (lesson,) = lessons_of(course)
    publish(lesson, [("quiz", {"quiz": elsewhere})], django_capture_on_commit_callbacks)
    assert activity_of(lesson).kind == Activity.Kind.LESSON
