"""Grades: an attempt's total, a learner's quiz grade by the quiz's grading method, essays graded by trainers,
regrading after a question is corrected, and the quiz grade feeding course completion.

A regrade changes grades but never takes back what was recorded: a course completion stays, and so does any
certificate issued for it (``activity_complete`` only ever adds progress).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.mail import email_send
from lms.courses import selectors as course_selectors
from lms.courses import services as course_services
from lms.courses.models import Activity

from ..display import distinct_answers
from ..models import Attempt, QuestionAttempt, Quiz, QuizGrade

logger = logging.getLogger("maktaba.quizzes")

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
MARK_RANGE = _("Give a mark from 0 to %(max)s.")
NOT_AN_ESSAY = _("Only essay answers are graded by hand.")
NOT_FINISHED = _("This attempt is not finished yet: grade it once the learner has submitted it.")


class GradeError(ValueError):
    """Why a trainer's mark cannot be recorded, in her language."""


def _percent(marks: Decimal, max_marks: Decimal) -> Decimal:
    if max_marks <= 0:
        return HUNDRED
    value = max(marks, Decimal(0)) * HUNDRED / max_marks
    return min(value, HUNDRED).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def attempt_grade(attempt: Attempt, questions: Iterable[QuestionAttempt] | None = None) -> None:
    """Total a finished attempt from its questions' marks. While an essay waits for a trainer the attempt has
    no grade (``needs_grading``)."""
    if questions is None:
        questions = QuestionAttempt.objects.filter(attempt=attempt)
    questions = list(questions)
    pending = any(question.needs_grading for question in questions)
    marks = sum((question.mark or Decimal(0) for question in questions), Decimal(0))
    attempt.marks = max(marks, Decimal(0))
    attempt.needs_grading = pending
    attempt.grade = None if pending else _percent(marks, attempt.max_marks)
    attempt.save(update_fields=["marks", "needs_grading", "grade"])


def quiz_pass_threshold(quiz: Quiz) -> Decimal | None:
    """The grade that passes: the quiz's pass grade, or the course's minimum quiz grade if that is higher.
    None: any graded attempt passes."""
    values = [value for value in (quiz.pass_grade, quiz.course.min_quiz_grade) if value is not None]
    return max(values) if values else None


def _method_grade(quiz: Quiz, attempts: list[Attempt]) -> Decimal | None:
    if not attempts:
        return None
    method = quiz.grading_method
    if method == Quiz.GradingMethod.FIRST:
        return attempts[0].grade
    if method == Quiz.GradingMethod.LAST:
        return attempts[-1].grade
    graded = [attempt.grade for attempt in attempts if attempt.grade is not None]
    if not graded:
        return None
    if method == Quiz.GradingMethod.AVERAGE:
        return (sum(graded, Decimal(0)) / len(graded)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return max(graded)


def quiz_grade_update(*, quiz: Quiz, user: Any) -> QuizGrade:
    """Recompute the learner's grade for the quiz from her finished attempts; a pass completes the quiz's
    activity in the course (a fail never undoes an earlier completion).

    An attempt whose essays wait for a trainer has no grade yet: "highest" and "average" go by the graded
    attempts (as Moodle does), "first" and "last" wait for their own attempt."""
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user, state=Attempt.State.FINISHED).order_by("number"))
    grade = _method_grade(quiz, attempts)
    threshold = quiz_pass_threshold(quiz)
    passed = grade is not None and (threshold is None or grade >= threshold)
    record, _created = QuizGrade.objects.update_or_create(
        quiz=quiz, user=user, defaults={"grade": grade, "passed": passed, "updated_at": timezone.now()}
    )
    if passed:
        # Read the link here, not from ``quiz``: the outline sync sets it from another request.
        activity = Activity.objects.filter(quizzes=quiz, is_active=True).first()
        enrollment = course_selectors.enrollment_for(user=user, course=quiz.course) if activity else None
        if enrollment is not None and enrollment.is_learning:
            course_services.activity_complete(enrollment=enrollment, activity=activity, by_quiz=True)
    return record


# Essays ---------------------------------------------------------------------------------------------------------


def essay_grade(*, question: QuestionAttempt, by: Any, mark: Decimal, comment: str = "") -> QuestionAttempt:
    """A trainer marks an essay of a finished attempt (``GradeError`` otherwise, or for a mark out of range).
    When it was the attempt's last one waiting, the attempt gets its grade and the learner an email in her
    language."""
    attempt = question.attempt
    quiz = attempt.quiz
    if not course_selectors.user_can_manage_course(by, quiz.course):
        raise PermissionDenied
    try:
        mark = Decimal(str(mark))
    except InvalidOperation:
        raise GradeError(gettext(MARK_RANGE) % {"max": question.max_mark}) from None
    if not mark.is_finite() or mark < 0 or mark > question.max_mark:
        raise GradeError(gettext(MARK_RANGE) % {"max": question.max_mark})
    with transaction.atomic():
        question = QuestionAttempt.objects.select_for_update().select_related("attempt", "version").get(pk=question.pk)
        if question.version.data["kind"] != "essay":
            raise GradeError(gettext(NOT_AN_ESSAY))
        if question.attempt.state != Attempt.State.FINISHED:
            # A mark given now would be kept at the submit and count before the learner has written her answer.
            raise GradeError(gettext(NOT_FINISHED))
        question.mark = Decimal(mark).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        question.fraction = question.mark / question.max_mark if question.max_mark else Decimal(0)
        question.comment = comment.strip()
        question.needs_grading = False
        question.graded_by = by
        question.graded_at = timezone.now()
        question.save(update_fields=["mark", "fraction", "comment", "needs_grading", "graded_by", "graded_at"])
        was_pending = question.attempt.needs_grading
        attempt_grade(question.attempt)
        quiz_grade_update(quiz=quiz, user=attempt.user)
        if was_pending and not question.attempt.needs_grading:
            _email_graded(question.attempt)
    return question


def _email_graded(attempt: Attempt) -> None:
    user = attempt.user
    if not user.email:
        return
    course = attempt.quiz.course
    email_send(
        to=user.email,
        language=user.preferred_language,
        template="quizzes/email/attempt_graded",
        context={
            "user": user,
            "quiz_title": attempt.quiz.titles.get(user.preferred_language) or attempt.quiz.title,
            "grade": attempt.grade,
            "course_title": course_services.course_title_in(course, user.preferred_language),
            "course_url": course_services.course_url_in(course, user.preferred_language),
        },
    )


# Regrading ------------------------------------------------------------------------------------------------------


@dataclass
class RegradeReport:
    attempts: int = 0
    changed: int = 0
    skipped: int = 0  # questions changed too much to regrade (another type, another number of answers)


def _compatible(old: dict, new: dict) -> bool:
    """Whether the responses saved against ``old`` mean the same against ``new``. They are indexes into the
    answers (multiple choice), the items (ordering), the pairs and the answer choices (matching), so those must
    keep their number; typed answers (short answer, numerical, essay) fit any version of their type, so an
    accepted answer added to the key is regraded."""
    kind = old["kind"]
    if kind != new["kind"]:
        return False
    if kind == "multichoice":
        return len(old["answers"]) == len(new["answers"]) and old.get("single", True) == new.get("single", True)
    if kind == "ordering":
        return len(old["items"]) == len(new["items"])
    if kind == "matching":
        return len(old["subquestions"]) == len(new["subquestions"]) and len(distinct_answers(old)) == len(
            distinct_answers(new)
        )
    return True


def quiz_regrade(*, quiz: Quiz, by: Any) -> RegradeReport:
    """Regrade every finished attempt of the quiz with the current version of each question it used (a
    corrected answer key, a changed fraction). Essays keep the trainer's mark."""
    from ..models import QuestionVersion
    from .attempts import question_attempt_autograde

    if not course_selectors.user_can_manage_course(by, quiz.course):
        raise PermissionDenied
    report = RegradeReport()
    with transaction.atomic():
        questions = list(
            QuestionAttempt.objects.filter(attempt__quiz=quiz, attempt__state=Attempt.State.FINISHED)
            .select_related("version", "version__question", "attempt")
            .order_by("attempt_id", "position")
        )
        current_numbers = {q.version.question_id: q.version.question.version for q in questions}
        current = {
            version.question_id: version
            for version in QuestionVersion.objects.filter(question_id__in=current_numbers).select_related(None)
            if version.number == current_numbers[version.question_id]
        }
        touched: dict[int, Attempt] = {}
        for question in questions:
            newest = current.get(question.version.question_id)
            if newest is not None and newest.pk != question.version_id:
                if not _compatible(question.version.data, newest.data):
                    report.skipped += 1
                    continue
                question.version = newest
            before = question.mark
            question_attempt_autograde(question)
            if question.mark != before:
                if question.regraded_from is None:
                    question.regraded_from = before
                report.changed += 1
            question.save(update_fields=["version", "fraction", "mark", "needs_grading", "regraded_from"])
            touched[question.attempt_id] = question.attempt
        for attempt in touched.values():
            attempt_grade(attempt)
        report.attempts = len(touched)
        for user_id in {attempt.user_id for attempt in touched.values()}:
            quiz_grade_update(quiz=quiz, user=User.objects.get(pk=user_id))
    logger.info("Quiz %s regraded by %s: %s", quiz.pk, getattr(by, "pk", None), report)
    return report
