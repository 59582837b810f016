"""Query counts of the quiz pages that list things: a course's quizzes, a quiz's attempts, the essay queue, a
learner's grades. (The attempt page and review, the questions page, the bank and the gradebook have their own
tests in tests/lms/quizzes.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cms.models import LessonPage
from cms.outline import course_sync
from lms.courses import services as course_services
from lms.courses.models import Activity
from lms.quizzes import services
from tests.factories.courses import make_course
from tests.factories.quizzes import make_question
from tests.factories.roles import trainer as make_trainer
from tests.lms.quizzes.test_manage_views import learner, take

from .helpers import assert_constant, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach():
    return make_trainer(full_name="Layla Trainer")


@pytest.fixture
def course(coach):
    return course_services.course_create(title="Digital pedagogy", trainers=[coach])


def _quiz(course, coach, *, essay: bool = False):
    quiz = services.quiz_create(course=course, by=coach, title="Check", questions_per_page=0)
    services.slot_add_question(quiz=quiz, by=coach, question=make_question("truefalse"), mark=Decimal(1))
    if essay:
        services.slot_add_question(quiz=quiz, by=coach, question=make_question("essay"), mark=Decimal(5))
    return quiz


def test_a_courses_quizzes_with_their_questions_and_attempts(course, coach):
    def grow(count: int) -> None:
        for _ in range(count):
            quiz = _quiz(course, coach)
            take(quiz, learner(course), {0: True})

    assert_constant(signed_in(coach), reverse("quizzes:quiz-list", kwargs={"course_uuid": course.uuid}), grow)


def test_a_quizzes_attempts(course, coach):
    quiz = _quiz(course, coach, essay=True)

    def grow(count: int) -> None:
        for number in range(count):
            take(quiz, learner(course), {0: True, 1: "An essay"} if number % 2 else {0: False})

    assert_constant(signed_in(coach), reverse("quizzes:quiz-attempts", kwargs={"quiz_uuid": quiz.uuid}), grow)


def test_the_essay_queue_across_courses(course, coach):
    other = course_services.course_create(title="Another course", trainers=[coach])

    def grow(count: int) -> None:
        for number in range(count):
            where = (course, other)[number % 2]
            take(_quiz(where, coach, essay=True), learner(where), {0: True, 1: "My essay"})

    assert_constant(signed_in(coach), reverse("quizzes:essay-queue"), grow)


def test_the_first_essay_to_grade(course, coach):
    quiz = _quiz(course, coach, essay=True)
    first = take(quiz, learner(course), {0: True, 1: "My essay"})
    essay = first.questions.get(version__data__kind="essay")

    def grow(count: int) -> None:
        for _ in range(count):
            take(quiz, learner(course), {0: True, 1: "Another essay"})

    assert_constant(signed_in(coach), reverse("quizzes:essay-grade", kwargs={"question_attempt_id": essay.pk}), grow)


def test_her_grades_in_a_course(course, coach):
    student = learner(course)

    def grow(count: int) -> None:
        for _ in range(count):
            quiz = _quiz(course, coach)
            take(quiz, student, {0: True})
            take(quiz, student, {0: False})

    assert_constant(signed_in(student), reverse("quizzes:my-grades", kwargs={"course_uuid": course.uuid}), grow)


def test_a_lessons_quiz_box_with_more_of_her_attempts(coach):
    course = make_course(modules=1, lessons=1, trainers=[coach])
    quiz = _quiz(course, coach)
    activity = Activity.objects.get(course=course)
    lesson = LessonPage.objects.get(translation_key=activity.translation_key, locale__language_code="en")
    lesson.body = [("quiz", {"quiz": quiz})]
    lesson.save_revision().publish()
    course_sync(course.pk)  # what the commit after publishing does
    activity.refresh_from_db()
    student = learner(course)

    def grow(count: int) -> None:
        for number in range(count):
            take(quiz, student, {0: number % 2 == 0})

    assert_constant(signed_in(student), activity.url, grow)


def test_a_quizzes_settings_with_more_questions_and_attempts(course, coach):
    quiz = _quiz(course, coach)

    def grow(count: int) -> None:
        for _ in range(count):
            services.slot_add_question(quiz=quiz, by=coach, question=make_question("truefalse"), mark=Decimal(1))
            take(quiz, learner(course), {0: True})

    assert_constant(signed_in(coach), reverse("quizzes:quiz-edit", kwargs={"quiz_uuid": quiz.uuid}), grow)
