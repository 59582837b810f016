"""Taking a quiz: start an attempt, save it page by page, submit it, and close it when its time is up.

The server is the clock. Every attempt has a ``deadline`` (the time limit, or the quiz's closing time,
whichever comes first); after it the attempt is closed and graded on what was saved, by whichever comes
first: the learner's next request or the periodic ``close_overdue_attempts`` task. Invariants that
concurrency could break rest on the database: one open attempt per learner and quiz (a partial unique
constraint), the attempt limit (attempt numbers are unique, so two simultaneous starts cannot both take the
last one), one submit (a conditional update from "in progress" to "finished"), and no stale overwrite (each
question's ``sequence`` must match the one the page was rendered with).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lms.courses import selectors as course_selectors

from .. import display
from ..models import Attempt, QuestionAttempt, QuestionVersion, Quiz, QuizSlot
from ..selectors.bank import category_subtree
from .grades import attempt_grade, quiz_grade_update

logger = logging.getLogger("maktaba.quizzes")

NOT_OPEN = _("This quiz opens on %(time)s.")
CLOSED = _("This quiz is closed.")
NO_ATTEMPTS_LEFT = _("You have used all the attempts this quiz allows.")
NOT_ENROLLED = _("Enroll in the course to take its quizzes.")
TIME_UP = _(
    "The time for this attempt is over. It was closed and graded on the answers saved before the deadline; "
    "the answers you just sent were not saved."
)
FINISHED = _("This attempt is already finished.")
NO_QUESTIONS = _("This quiz has no questions yet.")
EMPTY_CATEGORY = _("The category %(category)s has too few questions for this quiz's random questions.")

TWO_PLACES = Decimal("0.01")


class AttemptError(Exception):
    """Why the learner cannot do what she asked, in her language."""


def _grace() -> timedelta:
    """Requests sent just before the deadline arrive a little after it on slow connections."""
    return timedelta(seconds=getattr(settings, "QUIZ_DEADLINE_GRACE_SECONDS", 5))


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def quiz_check_can_attempt(*, quiz: Quiz, user: Any, now: datetime | None = None) -> None:
    """Raise ``AttemptError`` unless ``user`` may start or continue an attempt of ``quiz`` now."""
    now = _now(now)
    if not user.is_authenticated:
        raise PermissionDenied
    enrollment = course_selectors.enrollment_for(user=user, course=quiz.course)
    if not (enrollment and enrollment.is_learning) and not course_selectors.user_can_manage_course(user, quiz.course):
        raise AttemptError(gettext(NOT_ENROLLED))
    if quiz.opens_at and now < quiz.opens_at:
        raise AttemptError(
            gettext(NOT_OPEN) % {"time": date_format(timezone.localtime(quiz.opens_at), "DATETIME_FORMAT")}
        )
    if quiz.is_closed(now):
        raise AttemptError(gettext(CLOSED))


def _deadline(quiz: Quiz, started: datetime) -> datetime | None:
    ends = [started + timedelta(minutes=quiz.time_limit_minutes)] if quiz.time_limit_minutes else []
    if quiz.closes_at:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def _draw_versions(quiz: Quiz, rng: random.Random) -> list[tuple[QuizSlot, QuestionVersion]]:
    """The version each slot uses in a new attempt: a fixed question's current version, or a random question
    of a category (never the same question twice in one attempt)."""
    slots = list(QuizSlot.objects.filter(quiz=quiz).select_related("question", "random_category"))
    if not slots:
        raise AttemptError(gettext(NO_QUESTIONS))
    fixed_ids = {slot.question_id for slot in slots if slot.question_id}
    used: set[int] = set(fixed_ids)
    pools: dict[tuple[int, bool], list[int]] = {}
    chosen: list[tuple[QuizSlot, int, int | None]] = []  # slot, question id, version number (None: current)
    for slot in slots:
        if slot.question_id:
            chosen.append((slot, slot.question_id, slot.question.version))
            continue
        key = (slot.random_category_id, slot.include_subcategories)
        if key not in pools:
            categories = (
                category_subtree(slot.random_category) if slot.include_subcategories else [slot.random_category]
            )
            from ..models import Question

            pools[key] = list(
                Question.objects.filter(category__in=categories)
                .exclude(polymorphic_ctype__model="descriptionquestion")
                .values_list("pk", flat=True)
            )
        candidates = [pk for pk in pools[key] if pk not in used]
        if not candidates:
            raise AttemptError(gettext(EMPTY_CATEGORY) % {"category": str(slot.random_category)})
        pick = rng.choice(candidates)
        used.add(pick)
        chosen.append((slot, pick, None))
    from ..models import Question

    current = dict(Question.objects.filter(pk__in=[pk for _slot, pk, _n in chosen]).values_list("pk", "version"))
    wanted = {(pk, number or current[pk]) for _slot, pk, number in chosen}
    versions = {
        (version.question_id, version.number): version
        for version in QuestionVersion.objects.filter(question_id__in=[pk for pk, _n in wanted])
        if (version.question_id, version.number) in wanted
    }
    return [(slot, versions[(pk, number or current[pk])]) for slot, pk, number in chosen]


def attempt_open_get(*, quiz: Quiz, user: Any) -> Attempt | None:
    return Attempt.objects.filter(quiz=quiz, user=user, state=Attempt.State.IN_PROGRESS).first()


def attempt_start(
    *, quiz: Quiz, user: Any, language: str, now: datetime | None = None, rng: random.Random | None = None
) -> Attempt:
    """Start an attempt, or return the one already open (one open attempt at a time)."""
    now = _now(now)
    quiz_check_can_attempt(quiz=quiz, user=user, now=now)
    existing = attempt_open_get(quiz=quiz, user=user)
    if existing is not None:
        if attempt_close_if_overdue(existing, now=now):
            existing = None
        else:
            return existing
    rng = rng or random.SystemRandom()
    drawn = _draw_versions(quiz, rng)
    if quiz.question_order == Quiz.Order.SHUFFLED:
        rng.shuffle(drawn)
    per_page = quiz.questions_per_page or len(drawn)
    try:
        with transaction.atomic():
            last = Attempt.objects.filter(quiz=quiz, user=user).aggregate(last=Max("number"))["last"] or 0
            if quiz.attempts_allowed and last >= quiz.attempts_allowed:
                # The last attempt allowed may be the one a simultaneous request (a double click, a second tab)
                # has just started: that one is hers to continue.
                existing = attempt_open_get(quiz=quiz, user=user)
                if existing is not None:
                    return existing
                raise AttemptError(gettext(NO_ATTEMPTS_LEFT))
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=last + 1,
                language=language,
                pages=(len(drawn) + per_page - 1) // per_page,
                started_at=now,
                deadline=_deadline(quiz, now),
                max_marks=sum(
                    (slot.mark for slot, version in drawn if version.data["kind"] != "description"), Decimal(0)
                ),
            )
            QuestionAttempt.objects.bulk_create(
                QuestionAttempt(
                    attempt=attempt,
                    position=position,
                    page=position // per_page,
                    version=version,
                    max_mark=Decimal(0) if version.data["kind"] == "description" else slot.mark,
                    choice_order=display.choice_order(version.data, shuffle=quiz.shuffle_answers, rng=rng),
                )
                for position, (slot, version) in enumerate(drawn)
            )
    except IntegrityError:
        # Another request started an attempt at the same moment: hers stands, whichever it was.
        existing = attempt_open_get(quiz=quiz, user=user)
        if existing is not None:
            return existing
        raise AttemptError(gettext(NO_ATTEMPTS_LEFT)) from None
    logger.info("Attempt %s started: quiz %s, user %s", attempt.pk, quiz.pk, user.pk)
    return attempt


def _owned_open(attempt: Attempt, user: Any, now: datetime) -> None:
    if attempt.user_id != user.pk:
        raise PermissionDenied
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AttemptError(gettext(FINISHED))
    if attempt.deadline is not None and now > attempt.deadline + _grace():
        attempt_close_if_overdue(attempt, now=now)
        raise AttemptError(gettext(TIME_UP))


@dataclass
class SaveResult:
    saved: int = 0
    stale: list[int] = field(default_factory=list)  # positions not saved: changed since the page was shown


def attempt_save(
    *, attempt: Attempt, user: Any, answers: Mapping[int, tuple[int, Any]], now: datetime | None = None
) -> SaveResult:
    """Save responses: ``answers`` maps a question attempt's position to (the sequence the page was rendered
    with, the response). A position whose sequence moved on since (another tab, the back button) is not
    overwritten."""
    now = _now(now)
    _owned_open(attempt, user, now)
    result = SaveResult()
    with transaction.atomic():
        # Saves and the close of one attempt take turns: nothing is saved into a finished attempt.
        locked = Attempt.objects.select_for_update().filter(pk=attempt.pk, state=Attempt.State.IN_PROGRESS)
        if locked.values_list("pk", flat=True).first() is None:
            raise AttemptError(gettext(FINISHED))
        for position, (sequence, response) in sorted(answers.items()):
            changed = QuestionAttempt.objects.filter(attempt=attempt, position=position, sequence=sequence).update(
                response=response, sequence=F("sequence") + 1
            )
            if changed:
                result.saved += 1
            else:
                result.stale.append(position)
    return result


def attempt_move(*, attempt: Attempt, user: Any, page: int, now: datetime | None = None) -> None:
    """Remember the page she is on, so she comes back to it."""
    now = _now(now)
    _owned_open(attempt, user, now)
    page = max(0, min(page, attempt.pages - 1))
    Attempt.objects.filter(pk=attempt.pk, state=Attempt.State.IN_PROGRESS).update(current_page=page)
    attempt.current_page = page


def attempt_submit(*, attempt: Attempt, user: Any, now: datetime | None = None) -> bool:
    """Finish the attempt and grade it. Returns False when it was already finished (a double submit counts
    once). A submit after the deadline is refused with ``AttemptError`` and the attempt is closed on what
    was saved."""
    now = _now(now)
    if attempt.user_id != user.pk:
        raise PermissionDenied
    if attempt.state != Attempt.State.IN_PROGRESS:
        return False
    _owned_open(attempt, user, now)
    return attempt_finish(attempt, closed_by=Attempt.Closed.SUBMITTED, now=now)


def attempt_close_if_overdue(attempt: Attempt, *, now: datetime | None = None) -> bool:
    """Close an open attempt past its deadline, graded on what was saved. True if this call closed it."""
    now = _now(now)
    if attempt.state != Attempt.State.IN_PROGRESS or attempt.deadline is None or now <= attempt.deadline + _grace():
        return False
    quiz_closed = attempt.quiz.closes_at is not None and attempt.deadline >= attempt.quiz.closes_at
    return attempt_finish(
        attempt, closed_by=Attempt.Closed.QUIZ_CLOSED if quiz_closed else Attempt.Closed.TIME_UP, now=attempt.deadline
    )


def attempt_finish(attempt: Attempt, *, closed_by: str, now: datetime) -> bool:
    """Grade every question from its frozen version and close the attempt, exactly once."""
    with transaction.atomic():
        Attempt.objects.select_for_update().filter(pk=attempt.pk).first()
        changed = Attempt.objects.filter(pk=attempt.pk, state=Attempt.State.IN_PROGRESS).update(
            state=Attempt.State.FINISHED, closed_by=closed_by, finished_at=now
        )
        if not changed:
            attempt.refresh_from_db()
            return False
        questions = list(QuestionAttempt.objects.filter(attempt=attempt).select_related("version"))
        for question in questions:
            question_attempt_autograde(question)
        QuestionAttempt.objects.bulk_update(questions, ["fraction", "mark", "needs_grading"])
        attempt.state, attempt.closed_by, attempt.finished_at = Attempt.State.FINISHED, closed_by, now
        attempt_grade(attempt, questions)
        quiz_grade_update(quiz=attempt.quiz, user=attempt.user)
    logger.info("Attempt %s finished (%s): grade %s", attempt.pk, closed_by, attempt.grade)
    return True


def question_attempt_autograde(question: QuestionAttempt) -> None:
    """Set the fraction and mark of one question from its version; essays with an answer wait for a trainer."""
    data = question.version.data
    kind = data["kind"]
    if kind == "description":
        question.fraction, question.mark, question.needs_grading = None, None, False
        return
    if kind == "essay":
        answered = display.is_answered(data, question.response)
        if question.graded_at is None:
            question.fraction, question.mark = (None, None) if answered else (Decimal(0), Decimal(0))
            question.needs_grading = answered
        return
    from .. import grading

    fraction = grading.grade(display.grader_data(data), display.grader_response(data, question.response)) or Decimal(0)
    question.fraction = fraction
    question.mark = (fraction * question.max_mark).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    question.needs_grading = False


def close_overdue_attempts(*, now: datetime | None = None, limit: int = 500) -> int:
    """Close attempts whose deadline has passed (the learner closed the page, or her connection died)."""
    now = _now(now)
    overdue = Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lt=now - _grace()).select_related(
        "quiz", "quiz__course", "user"
    )[:limit]
    closed = 0
    for attempt in overdue:
        try:
            closed += attempt_close_if_overdue(attempt, now=now)
        except Exception:
            # One attempt that cannot be graded must not keep every later one open: it is logged and retried
            # on the next run.
            logger.exception("Attempt %s could not be closed", attempt.pk)
    return closed
