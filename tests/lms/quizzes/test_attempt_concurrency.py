"""The attempt invariants hold when requests arrive at the same moment (PostgreSQL, real threads): one open
attempt, the attempt limit, one submit, and nothing saved into a finished attempt."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from lms.courses.models import ActivityProgress, Enrollment
from lms.quizzes import display, grading
from lms.quizzes.models import Attempt, QuestionAttempt, Quiz, QuizGrade
from lms.quizzes.services.attempts import (
    AttemptError,
    attempt_save,
    attempt_start,
    attempt_submit,
    close_overdue_attempts,
)
from tests.concurrency import run_together
from tests.lms.quizzes.test_attempts import answer_all, enrolled, place_in_lesson, quiz_for, right_response

THREADS = 12


def _start(quiz_id: int, user_id: int):
    def start() -> int:
        # Each request loads its own rows, as a view would.
        quiz = Quiz.objects.select_related("course").get(pk=quiz_id)
        return attempt_start(quiz=quiz, user=User.objects.get(pk=user_id), language="en").pk

    return start


@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_with_one_attempt_allowed_make_exactly_one(postgres):
    quiz = quiz_for(attempts_allowed=1)
    learner = enrolled(quiz.course)
    results, errors = run_together([_start(quiz.pk, learner.pk)] * THREADS)
    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    assert Attempt.objects.filter(quiz=quiz, user=learner).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("finished_before", [0, 2])
def test_simultaneous_starts_leave_one_open_attempt_and_leak_no_error(postgres, finished_before):
    quiz = quiz_for(attempts_allowed=3)
    learner = enrolled(quiz.course)
    for _ in range(finished_before):
        attempt_submit(attempt=attempt_start(quiz=quiz, user=learner, language="en"), user=learner)
    results, errors = run_together([_start(quiz.pk, learner.pk)] * THREADS)
    assert errors == []
    assert len(set(results)) == 1
    attempts = Attempt.objects.filter(quiz=quiz, user=learner)
    assert attempts.count() == finished_before + 1
    (open_attempt,) = attempts.filter(state=Attempt.State.IN_PROGRESS)
    assert open_attempt.pk == results[0] and open_attempt.number == finished_before + 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_count_once(postgres):
    quiz = quiz_for(("truefalse", "multichoice"))
    place_in_lesson(quiz)
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en")
    answer_all(attempt, learner)

    def submit() -> bool:
        return attempt_submit(attempt=Attempt.objects.select_related("quiz").get(pk=attempt.pk), user=learner)

    results, errors = run_together([submit] * THREADS)
    assert errors == []
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    attempt.refresh_from_db()
    assert (attempt.state, attempt.grade) == ("finished", Decimal(100))
    assert QuizGrade.objects.filter(quiz=quiz, user=learner).count() == 1
    assert ActivityProgress.objects.filter(activity=quiz.activity, enrollment__user=learner).count() == 1
    assert Enrollment.objects.get(user=learner, course=quiz.course).completed_at is not None


def _graded_as_saved(attempt: Attempt) -> None:
    """Every mark is what the saved response earns: nothing changed after grading."""
    for question in QuestionAttempt.objects.filter(attempt=attempt).select_related("version"):
        fraction = grading.grade(question.data, display.grader_response(question.data, question.response))
        expected = (fraction * question.max_mark).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert question.mark == expected, (question.position, question.response, question.mark)


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_the_timeout_close_never_lands_in_a_finished_attempt(postgres, settings):
    settings.QUIZ_DEADLINE_GRACE_SECONDS = 5
    quiz = quiz_for(("truefalse", "multichoice", "shortanswer"), time_limit_minutes=10)
    started = timezone.now() - timedelta(hours=1)
    deadline = started + timedelta(minutes=10)
    outcomes = set()
    for _round in range(15):
        learner = enrolled(quiz.course)
        attempt = attempt_start(quiz=quiz, user=learner, language="en", now=started)
        questions = list(attempt.questions.select_related("version"))
        answers = {q.position: (q.sequence, right_response(q.data)) for q in questions}

        def save(attempt_id=attempt.pk, learner=learner, answers=answers):
            # Sent in time: the learner's clock says she is within the grace.
            mine = Attempt.objects.select_related("quiz").get(pk=attempt_id)
            return attempt_save(attempt=mine, user=learner, answers=answers, now=deadline + timedelta(seconds=4))

        def close():
            return close_overdue_attempts(now=deadline + timedelta(seconds=6))

        _results, errors = run_together([save, close])
        assert all(isinstance(error, AttemptError) for error in errors), errors
        attempt.refresh_from_db()
        assert (attempt.state, attempt.closed_by) == ("finished", "time_up")
        _graded_as_saved(attempt)
        saved = [q.response for q in attempt.questions.all()]
        # The save is all or nothing, and graded if it went in.
        assert saved == [None] * 3 or None not in saved
        assert attempt.grade == (Decimal(100) if None not in saved else Decimal(0))
        outcomes.add("saved first" if None not in saved else "closed first")
        assert bool(errors) == (None in saved)
    assert outcomes  # which one wins each round is up to the scheduler
