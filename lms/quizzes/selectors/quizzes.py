"""Reading quizzes, attempts and grades. Each function runs a fixed number of queries, whatever the number of
questions, attempts or learners."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from lms.courses import selectors as course_selectors
from lms.courses.models import Course, Enrollment

from .. import display
from ..models import Attempt, QuestionAttempt, Quiz, QuizGrade, QuizSlot, ReviewWhen


def quiz_list_for_course(course: Course) -> QuerySet[Quiz]:
    return Quiz.objects.filter(course=course).select_related("activity").order_by("pk")


def quiz_slots(quiz: Quiz) -> list[QuizSlot]:
    return list(
        QuizSlot.objects.filter(quiz=quiz).select_related("question", "random_category").order_by("position", "pk")
    )


@dataclass
class QuizState:
    """What a learner's quiz box shows: whether she can start, her attempts, her grade."""

    quiz: Quiz
    can_attempt: bool
    reason: str = ""
    open_attempt: Attempt | None = None
    attempts: list[Attempt] = field(default_factory=list)
    attempts_left: int | None = None  # None: no limit
    grade: QuizGrade | None = None
    threshold: Decimal | None = None
    is_preview: bool = False  # a trainer trying her own quiz


def quiz_state_for(*, quiz: Quiz, user: Any, now: datetime | None = None) -> QuizState:
    from ..services.attempts import AttemptError, quiz_check_can_attempt
    from ..services.grades import quiz_pass_threshold

    now = now or timezone.now()
    state = QuizState(quiz=quiz, can_attempt=False, threshold=quiz_pass_threshold(quiz))
    if not user.is_authenticated:
        return state
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))
    state.open_attempt = next((attempt for attempt in attempts if attempt.is_open), None)
    state.attempts = [attempt for attempt in attempts if not attempt.is_open]
    state.grade = QuizGrade.objects.filter(quiz=quiz, user=user).first()
    enrollment = course_selectors.enrollment_for(user=user, course=quiz.course)
    state.is_preview = not (enrollment and enrollment.is_learning)
    if quiz.attempts_allowed:
        state.attempts_left = max(0, quiz.attempts_allowed - len(attempts))
    try:
        quiz_check_can_attempt(quiz=quiz, user=user, now=now)
    except (AttemptError, PermissionDenied) as error:
        state.reason = str(error)
        return state
    state.can_attempt = state.open_attempt is not None or state.attempts_left != 0
    return state


def attempt_get_for(*, attempt_uuid: Any, user: Any) -> Attempt:
    """The learner's own attempt; a course trainer may read any attempt of her course."""
    attempt = Attempt.objects.select_related("quiz", "quiz__course", "user").get(uuid=attempt_uuid)
    if attempt.user_id != user.pk and not course_selectors.user_can_manage_course(user, attempt.quiz.course):
        raise PermissionDenied
    return attempt


@dataclass
class ShownQuestion:
    question: QuestionAttempt
    number: int | None  # descriptions are not numbered
    shown: display.Display


def attempt_page_questions(*, attempt: Attempt, page: int, language: str) -> list[ShownQuestion]:
    questions = list(QuestionAttempt.objects.filter(attempt=attempt).select_related("version").order_by("position"))
    numbers: dict[int, int] = {}
    for question in questions:
        if question.version.data["kind"] != "description":
            numbers[question.pk] = len(numbers) + 1
    return [
        ShownQuestion(
            question,
            numbers.get(question.pk),
            display.display(question.data, question.choice_order, language, response=question.response),
        )
        for question in questions
        if question.page == page
    ]


def attempt_question_summary(attempt: Attempt) -> list[tuple[int, int, bool]]:
    """(number, page, answered) for each numbered question, for the attempt's navigation."""
    rows = []
    for _position, page, response, kind in (
        QuestionAttempt.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("position", "page", "response", "version__data__kind")
    ):
        if kind != "description":
            rows.append((len(rows) + 1, page, response not in (None, "", [], {})))
    return rows


@dataclass
class ReviewOptions:
    marks: bool
    answers: bool
    feedback: bool


def _allowed(when: str, quiz: Quiz, now: datetime) -> bool:
    if when == ReviewWhen.AFTER_SUBMIT:
        return True
    if when == ReviewWhen.AFTER_CLOSE:
        return quiz.is_closed(now)
    return False


def review_options(*, attempt: Attempt, viewer: Any, now: datetime | None = None) -> ReviewOptions:
    """What the review of a finished attempt may show to ``viewer``: trainers see everything; a learner what
    the quiz's review options allow at this moment. An open attempt shows nothing."""
    if attempt.is_open:
        return ReviewOptions(False, False, False)
    if attempt.user_id != viewer.pk and course_selectors.user_can_manage_course(viewer, attempt.quiz.course):
        return ReviewOptions(True, True, True)
    now = now or timezone.now()
    quiz = attempt.quiz
    return ReviewOptions(
        _allowed(quiz.review_marks, quiz, now),
        _allowed(quiz.review_answers, quiz, now),
        _allowed(quiz.review_feedback, quiz, now),
    )


@dataclass
class ReviewedQuestion:
    question: QuestionAttempt
    number: int | None
    shown: display.Display
    response_text: str
    right_answer: list[str]
    feedback: list[str]
    general_feedback: str


def attempt_review(*, attempt: Attempt, options: ReviewOptions, language: str) -> list[ReviewedQuestion]:
    questions = list(QuestionAttempt.objects.filter(attempt=attempt).select_related("version").order_by("position"))
    rows = []
    number = 0
    for question in questions:
        data = question.data
        if data["kind"] != "description":
            number += 1
        rows.append(
            ReviewedQuestion(
                question=question,
                number=number if data["kind"] != "description" else None,
                shown=display.display(data, question.choice_order, language, response=question.response),
                response_text=display.response_text(data, question.response, language),
                right_answer=display.right_answer(data, language) if options.answers else [],
                feedback=display.response_feedback(data, question.response, language) if options.feedback else [],
                general_feedback=display.general_feedback(data, language) if options.feedback else "",
            )
        )
    return rows


# Trainers ----------------------------------------------------------------------------------------------------


def essay_queue_for(user: Any) -> QuerySet[QuestionAttempt]:
    """Essays waiting for a mark in the courses ``user`` teaches, oldest first."""
    courses = course_selectors.courses_managed_by(user)
    return (
        QuestionAttempt.objects.filter(
            needs_grading=True, attempt__state=Attempt.State.FINISHED, attempt__quiz__course__in=courses
        )
        .select_related("attempt", "attempt__user", "attempt__quiz", "attempt__quiz__course", "version")
        .order_by("attempt__finished_at", "pk")
    )


@dataclass
class GradebookRow:
    enrollment: Enrollment
    grades: list[QuizGrade | None]


def gradebook(*, course: Course, user: Any, search: str = "") -> tuple[list[Quiz], QuerySet[Enrollment]]:
    """The quizzes (one column each) and the learners of a course, for ``gradebook_rows`` to fill one page."""
    if not course_selectors.user_can_manage_course(user, course):
        raise PermissionDenied
    quizzes = list(Quiz.objects.filter(course=course).order_by("pk"))
    enrollments = (
        Enrollment.objects.filter(course=course, status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED])
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    if search:
        enrollments = enrollments.filter(
            Q(user__full_name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(user__username__icontains=search)
        )
    return quizzes, enrollments


def gradebook_rows(*, quizzes: list[Quiz], enrollments: list[Enrollment]) -> list[GradebookRow]:
    grades = {
        (grade.quiz_id, grade.user_id): grade
        for grade in QuizGrade.objects.filter(quiz__in=quizzes, user__in=[e.user_id for e in enrollments])
    }
    return [
        GradebookRow(enrollment, [grades.get((quiz.pk, enrollment.user_id)) for quiz in quizzes])
        for enrollment in enrollments
    ]


def grades_for_learner(*, user: Any, course: Course) -> list[tuple[Quiz, QuizGrade | None, list[Attempt]]]:
    """A learner's own grades in a course: each quiz with her grade and finished attempts."""
    quizzes = list(Quiz.objects.filter(course=course).select_related("activity", "course").order_by("pk"))
    by_id = {quiz.pk: quiz for quiz in quizzes}
    grades = {grade.quiz_id: grade for grade in QuizGrade.objects.filter(user=user, quiz__in=quizzes)}
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(user=user, quiz__in=quizzes, state=Attempt.State.FINISHED).order_by("number"):
        attempt.quiz = by_id[attempt.quiz_id]  # the review options read the quiz: no query per attempt
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
    return [(quiz, grades.get(quiz.pk), attempts.get(quiz.pk, [])) for quiz in quizzes]


def quiz_attempts_for_trainer(*, quiz: Quiz, user: Any) -> QuerySet[Attempt]:
    if not course_selectors.user_can_manage_course(user, quiz.course):
        raise PermissionDenied
    return Attempt.objects.filter(quiz=quiz).select_related("user").order_by("-started_at")
