"""Taking a quiz: start (frozen versions, pages, random questions, order), the quiz's dates and attempt limit,
saving page by page without stale overwrites, and the server-side deadline."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from cms.models import LessonPage
from cms.outline import course_sync
from lms.courses import services as course_services
from lms.courses.models import Course
from lms.quizzes import display, selectors, services, tasks
from lms.quizzes.models import Attempt, Question, QuestionAttempt, Quiz, QuizGrade
from lms.quizzes.services.attempts import (
    AttemptError,
    attempt_move,
    attempt_save,
    attempt_start,
    attempt_submit,
    close_overdue_attempts,
)
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.quizzes import QuestionCategoryFactory, answer, make_question
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)  # only ever passed as ``now``: nothing below reads the clock


# Helpers, shared by the other quiz test modules ------------------------------------------------------------------


def quiz_for(
    kinds: tuple[str, ...] = ("multichoice", "truefalse"), *, course: Course | None = None, **quiz_settings: Any
) -> Quiz:
    """A quiz of a one-lesson course (made by one of its trainers) with a question of each of ``kinds``."""
    if course is None:
        course = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    trainer = course.trainers.first()
    quiz = services.quiz_create(course=course, by=trainer, title="Check your understanding", **quiz_settings)
    for kind in kinds:
        services.slot_add_question(quiz=quiz, by=trainer, question=make_question(kind, owner=trainer))
    return quiz


def place_in_lesson(quiz: Quiz) -> None:
    """Put the quiz in its course's (first) lesson, published: that lesson becomes the quiz's activity."""
    course_page = quiz.course.pages.filter(locale__language_code="en").first()
    lesson = LessonPage.objects.descendant_of(course_page).order_by("path").first()
    lesson.body = [("quiz", {"quiz": quiz})]
    lesson.save_revision().publish()
    course_sync(quiz.course_id)  # what publishing runs on commit
    quiz.refresh_from_db()


def enrolled(course: Course, **fields: Any) -> User:
    user = UserFactory(**fields)
    course_services.enrollment_self_enroll(user=user, course=course)
    return user


def right_response(data: dict) -> Any:
    """The stored response (indexes, see ``display``) that earns full marks."""
    kind = data["kind"]
    if kind == "multichoice":
        right = [i for i, row in enumerate(data["answers"]) if Decimal(row["fraction"]) > 0]
        return right[0] if data.get("single", True) else right
    if kind == "truefalse":
        return data["correct_answer"]
    if kind in ("shortanswer", "numerical"):
        return data["answers"][0]["text"]
    if kind == "matching":
        choices = display.distinct_answers(data)
        return {str(i): choices.index(pair["answer"]) for i, pair in enumerate(data["subquestions"]) if pair["text"]}
    if kind == "ordering":
        return list(range(len(data["items"])))
    if kind == "essay":
        return "Learners remember what they explain to others."
    return None


def wrong_response(data: dict) -> Any:
    kind = data["kind"]
    if kind == "multichoice":
        wrong = [i for i, row in enumerate(data["answers"]) if Decimal(row["fraction"]) <= 0]
        return wrong[0] if data.get("single", True) else wrong
    if kind == "truefalse":
        return not data["correct_answer"]
    return "no idea"


def save(attempt: Attempt, user: User, responses: dict[int, Any], *, now=None):
    """Save as the attempt page does: with the sequence each question had when the page was shown."""
    sequences = dict(QuestionAttempt.objects.filter(attempt=attempt).values_list("position", "sequence"))
    answers = {position: (sequences[position], response) for position, response in responses.items()}
    return attempt_save(attempt=attempt, user=user, answers=answers, now=now)


def data_at(attempt: Attempt, position: int) -> dict:
    return QuestionAttempt.objects.select_related("version").get(attempt=attempt, position=position).data


def answer_all(attempt: Attempt, user: User, *, right: bool | list[bool] = True, now=None) -> None:
    questions = list(QuestionAttempt.objects.filter(attempt=attempt).select_related("version"))
    rights = right if isinstance(right, list) else [right] * len(questions)
    save(
        attempt,
        user,
        {
            q.position: (right_response(q.data) if ok else wrong_response(q.data))
            for q, ok in zip(questions, rights, strict=True)
        },
        now=now,
    )


# Starting ------------------------------------------------------------------------------------------------------


def test_start_freezes_the_current_versions_and_lays_out_pages():
    quiz = quiz_for(("multichoice", "truefalse", "shortanswer", "numerical", "matching"), questions_per_page=2)
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="ru", now=T0, rng=random.Random(1))
    questions = list(attempt.questions.select_related("version", "version__question").order_by("position"))
    assert [q.version.data["kind"] for q in questions] == [
        "multichoice",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
    ]
    assert all(q.version.number == q.version.question.version for q in questions)
    assert [q.page for q in questions] == [0, 0, 1, 1, 2]
    assert (attempt.number, attempt.pages, attempt.language, attempt.state) == (1, 3, "ru", "in_progress")
    assert attempt.max_marks == Decimal(5)
    assert all(q.response is None and q.sequence == 0 for q in questions)
    assert sorted(questions[0].choice_order) == [0, 1, 2]


def test_zero_questions_per_page_puts_everything_on_one_page():
    quiz = quiz_for(("multichoice", "truefalse", "essay", "description"), questions_per_page=0)
    attempt = attempt_start(quiz=quiz, user=enrolled(quiz.course), language="en", now=T0)
    assert attempt.pages == 1
    assert set(attempt.questions.values_list("page", flat=True)) == {0}
    # A description is shown but carries no mark.
    assert attempt.max_marks == Decimal(3)
    assert attempt.questions.get(position=3).max_mark == 0


def test_a_quiz_without_questions_cannot_be_started():
    quiz = quiz_for(())
    with pytest.raises(AttemptError, match="no questions"):
        attempt_start(quiz=quiz, user=enrolled(quiz.course), language="en", now=T0)
    assert not Attempt.objects.exists()


def _bank(trainer: User):
    top = QuestionCategoryFactory(owner=trainer)
    below = QuestionCategoryFactory(owner=trainer, parent=top)
    upper = {make_question(kind, category=top, owner=trainer).pk for kind in ("multichoice", "truefalse", "essay")}
    make_question("description", category=top, owner=trainer)  # never drawn: it is no question
    lower = {make_question(kind, category=below, owner=trainer).pk for kind in ("shortanswer", "numerical")}
    return top, upper, lower


def _drawn(attempt: Attempt) -> list[int]:
    return list(attempt.questions.order_by("position").values_list("version__question_id", flat=True))


def test_random_questions_are_distinct_questions_of_the_category():
    quiz = quiz_for(())
    trainer = quiz.course.trainers.first()
    top, upper, _lower = _bank(trainer)
    services.slot_add_random(quiz=quiz, by=trainer, category=top, count=3)
    for seed in range(5):
        learner = enrolled(quiz.course)
        drawn = _drawn(attempt_start(quiz=quiz, user=learner, language="en", now=T0, rng=random.Random(seed)))
        assert len(drawn) == 3 and set(drawn) == upper


def test_random_questions_from_subcategories_when_asked():
    quiz = quiz_for(())
    trainer = quiz.course.trainers.first()
    top, upper, lower = _bank(trainer)
    services.slot_add_random(quiz=quiz, by=trainer, category=top, count=5, include_subcategories=True)
    drawn = _drawn(attempt_start(quiz=quiz, user=enrolled(quiz.course), language="en", now=T0))
    assert len(drawn) == 5 and set(drawn) == upper | lower


def test_a_random_slot_never_repeats_a_question_the_quiz_already_has():
    quiz = quiz_for(())
    trainer = quiz.course.trainers.first()
    top, upper, _lower = _bank(trainer)
    fixed = sorted(upper)[0]
    services.slot_add_question(quiz=quiz, by=trainer, question=selectors.question_get(fixed))
    services.slot_add_random(quiz=quiz, by=trainer, category=top, count=2)
    for seed in range(5):
        drawn = _drawn(
            attempt_start(quiz=quiz, user=enrolled(quiz.course), language="en", now=T0, rng=random.Random(seed))
        )
        assert drawn[0] == fixed and sorted(drawn) == sorted(upper)


def test_too_few_questions_in_the_category_fails_clearly_and_starts_nothing():
    quiz = quiz_for(())
    trainer = quiz.course.trainers.first()
    top, upper, _lower = _bank(trainer)
    with pytest.raises(ValidationError, match="3 questions left"):
        services.slot_add_random(quiz=quiz, by=trainer, category=top, count=4)  # 3 without the subcategory
    assert not quiz.slots.exists()
    services.slot_add_random(quiz=quiz, by=trainer, category=top, count=3)
    # Later a question moves to another category: the quiz can no longer draw three.
    Question.objects.filter(pk=sorted(upper)[0]).update(category=QuestionCategoryFactory(owner=trainer))
    with pytest.raises(AttemptError, match="too few questions") as error:
        attempt_start(quiz=quiz, user=enrolled(quiz.course), language="en", now=T0)
    assert top.name in str(error.value)
    assert not Attempt.objects.exists() and not QuestionAttempt.objects.exists()


def test_question_order_is_fixed_or_shuffled_per_attempt():
    kinds = ("multichoice", "truefalse", "shortanswer", "numerical", "essay", "ordering")
    fixed = quiz_for(kinds)
    listed = list(fixed.slots.order_by("position").values_list("question_id", flat=True))
    for seed in range(5):
        attempt = attempt_start(quiz=fixed, user=enrolled(fixed.course), language="en", rng=random.Random(seed))
        assert _drawn(attempt) == listed

    shuffled = quiz_for(kinds, question_order=Quiz.Order.SHUFFLED)
    listed = list(shuffled.slots.order_by("position").values_list("question_id", flat=True))
    orders = []
    for seed in (1, 2, 3, 1):
        attempt = attempt_start(quiz=shuffled, user=enrolled(shuffled.course), language="en", rng=random.Random(seed))
        orders.append(_drawn(attempt))
    assert all(sorted(order) == sorted(listed) for order in orders)
    assert any(order != listed for order in orders)
    assert orders[0] == orders[3]  # the same seed, the same order: the shuffle is the rng's


def test_choices_keep_their_order_when_the_quiz_does_not_shuffle_them():
    quiz = quiz_for(("multichoice",), shuffle_answers=False)
    trainer = quiz.course.trainers.first()
    services.slot_add_question(
        quiz=quiz,
        by=trainer,
        question=make_question(
            "multichoice", answers=[answer(f"choice {n}", "1" if n == 0 else "0") for n in range(6)]
        ),
    )
    attempt = attempt_start(quiz=quiz, user=enrolled(quiz.course), language="en", rng=random.Random(3))
    assert attempt.questions.get(position=1).choice_order == list(range(6))


# Who may start, and when ---------------------------------------------------------------------------------------


def test_a_quiz_not_open_yet_or_closed_is_refused():
    quiz = quiz_for(opens_at=T0 + timedelta(days=1), closes_at=T0 + timedelta(days=2))
    learner = enrolled(quiz.course)
    with pytest.raises(AttemptError, match="opens on"):
        attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    with pytest.raises(AttemptError, match="closed"):
        attempt_start(quiz=quiz, user=learner, language="en", now=T0 + timedelta(days=2))
    assert not Attempt.objects.exists()
    assert attempt_start(quiz=quiz, user=learner, language="en", now=T0 + timedelta(days=1, hours=1)).number == 1


def test_someone_not_enrolled_is_refused_and_an_anonymous_visitor_denied():
    quiz = quiz_for()
    with pytest.raises(AttemptError, match="Enroll"):
        attempt_start(quiz=quiz, user=UserFactory(), language="en", now=T0)
    with pytest.raises(PermissionDenied):
        attempt_start(quiz=quiz, user=AnonymousUser(), language="en", now=T0)
    withdrawn = enrolled(quiz.course)
    course_services.enrollment_withdraw(user=withdrawn, enrollment=withdrawn.enrollments.get())
    with pytest.raises(AttemptError, match="Enroll"):
        attempt_start(quiz=quiz, user=withdrawn, language="en", now=T0)
    assert not Attempt.objects.exists()


def test_a_trainer_of_the_course_can_preview_without_enrolling_and_completes_nothing():
    quiz = quiz_for()
    place_in_lesson(quiz)
    trainer = quiz.course.trainers.first()
    attempt = attempt_start(quiz=quiz, user=trainer, language="en", now=T0)
    answer_all(attempt, trainer, now=T0)
    assert attempt_submit(attempt=attempt, user=trainer, now=T0) is True
    attempt.refresh_from_db()
    assert attempt.grade == 100
    assert not quiz.activity.progress.exists()
    # A trainer of another course is no trainer of this one.
    with pytest.raises(AttemptError, match="Enroll"):
        attempt_start(quiz=quiz, user=make_trainer(), language="en", now=T0)


def test_the_attempt_limit_holds():
    quiz = quiz_for(attempts_allowed=2)
    learner = enrolled(quiz.course)
    for number in (1, 2):
        attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
        assert attempt.number == number
        assert attempt_submit(attempt=attempt, user=learner, now=T0) is True
    with pytest.raises(AttemptError, match="all the attempts"):
        attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    assert Attempt.objects.filter(quiz=quiz, user=learner).count() == 2


def test_starting_while_an_attempt_is_open_returns_it():
    quiz = quiz_for(attempts_allowed=3)
    learner = enrolled(quiz.course)
    first = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    again = attempt_start(quiz=quiz, user=learner, language="ar", now=T0 + timedelta(minutes=5))
    assert again.pk == first.pk
    assert Attempt.objects.filter(quiz=quiz, user=learner).count() == 1


def test_starting_after_the_open_attempt_ran_out_closes_it_and_starts_the_next():
    quiz = quiz_for(time_limit_minutes=10)
    learner = enrolled(quiz.course)
    first = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    second = attempt_start(quiz=quiz, user=learner, language="en", now=T0 + timedelta(hours=1))
    first.refresh_from_db()
    assert (first.state, first.closed_by) == ("finished", "time_up")
    assert second.number == 2 and second.is_open


# Saving ---------------------------------------------------------------------------------------------------------


def test_answers_are_saved_page_by_page_and_a_stale_page_cannot_overwrite_them():
    quiz = quiz_for(("multichoice", "truefalse", "shortanswer"), questions_per_page=1)
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    # Two tabs show page 1 (sequence 0); the first saves, the second then saves an older answer.
    assert attempt_save(attempt=attempt, user=learner, answers={1: (0, True)}, now=T0).saved == 1
    stale = attempt_save(attempt=attempt, user=learner, answers={1: (0, False), 2: (0, "frog")}, now=T0)
    assert (stale.saved, stale.stale) == (1, [1])
    rows = dict(attempt.questions.values_list("position", "response"))
    assert rows == {0: None, 1: True, 2: "frog"}
    # The page shown after the first save carries sequence 1 and may change the answer.
    assert attempt_save(attempt=attempt, user=learner, answers={1: (1, False)}, now=T0).saved == 1
    assert attempt.questions.get(position=1).response is False
    # A position that is not in the attempt is not saved anywhere.
    assert attempt_save(attempt=attempt, user=learner, answers={7: (0, True)}, now=T0).stale == [7]


def test_only_the_learner_saves_and_never_into_a_finished_attempt():
    quiz = quiz_for()
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    with pytest.raises(PermissionDenied):
        attempt_save(attempt=attempt, user=enrolled(quiz.course), answers={1: (0, True)}, now=T0)
    with pytest.raises(PermissionDenied):
        attempt_submit(attempt=attempt, user=quiz.course.trainers.first(), now=T0)
    assert attempt_submit(attempt=attempt, user=learner, now=T0) is True
    stale_copy = Attempt.objects.get(pk=attempt.pk)
    stale_copy.state = Attempt.State.IN_PROGRESS  # a page loaded before the submit
    with pytest.raises(AttemptError, match="already finished"):
        attempt_save(attempt=stale_copy, user=learner, answers={1: (0, True)}, now=T0)
    assert attempt.questions.get(position=1).response is None


def test_moving_between_pages_is_remembered_within_the_attempts_pages():
    quiz = quiz_for(("multichoice", "truefalse", "shortanswer"), questions_per_page=1)
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    attempt_move(attempt=attempt, user=learner, page=2, now=T0)
    assert Attempt.objects.get(pk=attempt.pk).current_page == 2
    attempt_move(attempt=attempt, user=learner, page=40, now=T0)
    assert Attempt.objects.get(pk=attempt.pk).current_page == 2
    attempt_move(attempt=attempt, user=learner, page=-3, now=T0)
    assert Attempt.objects.get(pk=attempt.pk).current_page == 0


# Submitting and the deadline -----------------------------------------------------------------------------------


def test_a_submit_grades_the_saved_answers_once():
    quiz = quiz_for(("multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering"))
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    answer_all(attempt, learner, right=[True, True, True, False, True, False], now=T0)
    assert attempt_submit(attempt=attempt, user=learner, now=T0 + timedelta(minutes=3)) is True
    assert attempt_submit(attempt=attempt, user=learner, now=T0 + timedelta(minutes=4)) is False
    attempt.refresh_from_db()
    assert (attempt.state, attempt.closed_by, attempt.finished_at) == (
        "finished",
        "submitted",
        T0 + timedelta(minutes=3),
    )
    assert attempt.marks == Decimal(4) and attempt.grade == Decimal("66.67")
    marks = list(attempt.questions.order_by("position").values_list("mark", flat=True))
    assert marks == [1, 1, 1, 0, 1, 0]
    assert QuizGrade.objects.get(quiz=quiz, user=learner).grade == Decimal("66.67")


def test_the_deadline_is_the_time_limit_or_the_quizs_close_whichever_comes_first():
    limited = quiz_for(time_limit_minutes=30, closes_at=T0 + timedelta(minutes=10))
    assert attempt_start(quiz=limited, user=enrolled(limited.course), language="en", now=T0).deadline == (
        T0 + timedelta(minutes=10)
    )
    later = quiz_for(time_limit_minutes=30, closes_at=T0 + timedelta(days=1))
    assert attempt_start(quiz=later, user=enrolled(later.course), language="en", now=T0).deadline == (
        T0 + timedelta(minutes=30)
    )
    unlimited = quiz_for()
    assert attempt_start(quiz=unlimited, user=enrolled(unlimited.course), language="en", now=T0).deadline is None


def test_a_save_after_the_deadline_closes_the_attempt_on_what_was_saved_before(settings):
    settings.QUIZ_DEADLINE_GRACE_SECONDS = 5
    quiz = quiz_for(("truefalse", "multichoice", "shortanswer"), time_limit_minutes=10)
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    deadline = T0 + timedelta(minutes=10)
    save(attempt, learner, {0: right_response(data_at(attempt, 0))}, now=T0 + timedelta(minutes=5))
    # Sent just before the deadline, arrived within the grace: kept.
    save(attempt, learner, {1: right_response(data_at(attempt, 1))}, now=deadline + timedelta(seconds=5))
    with pytest.raises(AttemptError, match="not saved") as error:
        save(attempt, learner, {2: right_response(data_at(attempt, 2))}, now=deadline + timedelta(seconds=6))
    assert "time for this attempt is over" in str(error.value)
    attempt.refresh_from_db()
    assert (attempt.state, attempt.closed_by, attempt.finished_at) == ("finished", "time_up", deadline)
    assert attempt.questions.get(position=2).response is None
    assert attempt.marks == Decimal(2) and attempt.grade == Decimal("66.67")
    assert QuizGrade.objects.get(quiz=quiz, user=learner).grade == Decimal("66.67")


def test_a_late_submit_is_refused_with_a_clear_message_and_the_attempt_graded_on_what_was_saved(settings):
    settings.QUIZ_DEADLINE_GRACE_SECONDS = 5
    quiz = quiz_for(("truefalse", "multichoice"), time_limit_minutes=10)
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    save(attempt, learner, {0: right_response(data_at(attempt, 0))}, now=T0 + timedelta(minutes=1))
    with pytest.raises(AttemptError, match="time for this attempt is over"):
        attempt_submit(attempt=attempt, user=learner, now=T0 + timedelta(minutes=11))
    attempt.refresh_from_db()
    assert (attempt.state, attempt.closed_by, attempt.grade) == ("finished", "time_up", Decimal(50))
    # Once closed, a further submit is a no-op, not an error.
    assert attempt_submit(attempt=attempt, user=learner, now=T0 + timedelta(minutes=12)) is False


def test_a_submit_within_the_grace_is_accepted(settings):
    settings.QUIZ_DEADLINE_GRACE_SECONDS = 5
    quiz = quiz_for(time_limit_minutes=10)
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    assert attempt_submit(attempt=attempt, user=learner, now=T0 + timedelta(minutes=10, seconds=4)) is True
    attempt.refresh_from_db()
    assert attempt.closed_by == "submitted"


def test_an_attempt_cut_short_by_the_quizs_close_says_so():
    quiz = quiz_for(closes_at=T0 + timedelta(minutes=10))
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    assert close_overdue_attempts(now=T0 + timedelta(minutes=11)) == 1
    attempt.refresh_from_db()
    assert (attempt.closed_by, attempt.finished_at) == ("quiz_closed", T0 + timedelta(minutes=10))


def test_close_overdue_attempts_closes_only_the_overdue_ones(settings):
    settings.QUIZ_DEADLINE_GRACE_SECONDS = 5
    quiz = quiz_for(("truefalse", "multichoice"), time_limit_minutes=10)
    unlimited = quiz_for(course=quiz.course)
    overdue_learner, recent_learner = enrolled(quiz.course), enrolled(quiz.course)
    overdue = attempt_start(quiz=quiz, user=overdue_learner, language="en", now=T0)
    save(overdue, overdue_learner, {0: right_response(data_at(overdue, 0))}, now=T0 + timedelta(minutes=2))
    recent = attempt_start(quiz=quiz, user=recent_learner, language="en", now=T0 + timedelta(minutes=5))
    endless = attempt_start(quiz=unlimited, user=overdue_learner, language="en", now=T0)

    now = T0 + timedelta(minutes=10, seconds=6)  # past the first deadline and its grace only
    assert close_overdue_attempts(now=now) == 1
    assert close_overdue_attempts(now=now) == 0  # a second run finds nothing left to do
    states = {a.pk: (a.state, a.closed_by) for a in Attempt.objects.all()}
    assert states == {
        overdue.pk: ("finished", "time_up"),
        recent.pk: ("in_progress", ""),
        endless.pk: ("in_progress", ""),
    }
    assert Attempt.objects.get(pk=overdue.pk).grade == Decimal(50)
    assert QuizGrade.objects.get(quiz=quiz, user=overdue_learner).grade == Decimal(50)


def test_the_close_task_is_scheduled_every_minute_and_closes_overdue_attempts():
    schedule = {entry["task"]: entry for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks.close_overdue_attempts_task.name == "quizzes.close_overdue_attempts"
    assert schedule["quizzes.close_overdue_attempts"]["schedule"] == 60.0
    quiz = quiz_for(time_limit_minutes=1)
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=timezone.now() - timedelta(minutes=5))
    assert tasks.close_overdue_attempts_task.delay().get() == 1
    attempt.refresh_from_db()
    assert attempt.closed_by == "time_up"


def test_one_attempt_that_cannot_be_graded_does_not_stop_the_others(monkeypatch):
    from lms.quizzes.services import attempts as attempts_module

    quiz = quiz_for(time_limit_minutes=1)
    broken, fine = enrolled(quiz.course), enrolled(quiz.course)
    first = attempt_start(quiz=quiz, user=broken, language="en", now=T0)
    second = attempt_start(quiz=quiz, user=fine, language="en", now=T0)
    real = attempts_module.attempt_finish

    def finish(attempt, **kwargs):
        if attempt.pk == first.pk:
            raise RuntimeError("corrupt snapshot")
        return real(attempt, **kwargs)

    monkeypatch.setattr(attempts_module, "attempt_finish", finish)
    assert close_overdue_attempts(now=T0 + timedelta(hours=1)) == 1
    assert Attempt.objects.get(pk=second.pk).state == "finished"
    assert Attempt.objects.get(pk=first.pk).state == "in_progress"


# Versions ---------------------------------------------------------------------------------------------------------


def test_an_edit_after_the_start_does_not_change_how_the_attempt_grades():
    quiz = quiz_for(("multichoice",))
    trainer = quiz.course.trainers.first()
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    question = quiz.slots.get().question
    services.question_update(
        question.get_real_instance(),
        user=trainer,
        answers=[answer("yellow", "0"), answer("red", "1"), answer("blue", "0")],
        text="Which colour is red?",
    )
    save(attempt, learner, {0: 0}, now=T0)  # "yellow", right in the version she was shown
    attempt_submit(attempt=attempt, user=learner, now=T0)
    attempt.refresh_from_db()
    assert attempt.grade == 100
    assert attempt.questions.get().version.data["text"] == "The text of a multichoice question"

    later = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    assert later.questions.get().version.data["text"] == "Which colour is red?"
    save(later, learner, {0: 0}, now=T0)
    attempt_submit(attempt=later, user=learner, now=T0)
    later.refresh_from_db()
    assert later.grade == 0


def test_essays_wait_for_a_trainer_and_descriptions_carry_no_mark():
    quiz = quiz_for(("truefalse", "essay", "description", "essay"))
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    save(attempt, learner, {0: right_response(data_at(attempt, 0)), 1: "An essay."}, now=T0)
    attempt_submit(attempt=attempt, user=learner, now=T0)
    attempt.refresh_from_db()
    rows = {q.position: (q.mark, q.needs_grading) for q in attempt.questions.all()}
    assert rows == {0: (1, False), 1: (None, True), 2: (None, False), 3: (0, False)}  # an empty essay earns 0
    assert attempt.needs_grading and attempt.grade is None and attempt.marks == 1
    assert QuizGrade.objects.get(quiz=quiz, user=learner).grade is None


# What the pages may show --------------------------------------------------------------------------------------------


def test_the_attempt_page_shows_saved_answers_and_nothing_of_the_key():
    quiz = quiz_for(("multichoice", "truefalse"), questions_per_page=1)
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    save(attempt, learner, {0: 1}, now=T0)
    (shown,) = selectors.attempt_page_questions(attempt=attempt, page=0, language="en")
    assert shown.number == 1
    assert [choice.text for choice in shown.shown.choices if choice.selected] == ["red"]
    assert selectors.attempt_question_summary(attempt) == [(1, 0, True), (2, 1, False)]


def test_the_review_shows_right_answers_and_feedback_only_when_the_quiz_allows():
    from lms.quizzes.models import ReviewWhen
    from lms.quizzes.selectors import ReviewOptions

    quiz = quiz_for(
        ("multichoice",),
        closes_at=T0 + timedelta(days=1),
        review_marks=ReviewWhen.AFTER_SUBMIT,
        review_answers=ReviewWhen.AFTER_CLOSE,
        review_feedback=ReviewWhen.NEVER,
    )
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en", now=T0)
    assert selectors.review_options(attempt=attempt, viewer=learner, now=T0) == ReviewOptions(False, False, False)
    save(attempt, learner, {0: 1}, now=T0)
    attempt_submit(attempt=attempt, user=learner, now=T0)
    attempt.refresh_from_db()

    options = selectors.review_options(attempt=attempt, viewer=learner, now=T0 + timedelta(hours=1))
    assert options == ReviewOptions(True, False, False)
    (row,) = selectors.attempt_review(attempt=attempt, options=options, language="en")
    assert (row.response_text, row.right_answer, row.feedback, row.general_feedback) == ("red", [], [], "")

    after_close = selectors.review_options(attempt=attempt, viewer=learner, now=T0 + timedelta(days=2))
    assert after_close == ReviewOptions(True, True, False)
    (row,) = selectors.attempt_review(attempt=attempt, options=after_close, language="en")
    assert row.right_answer == ["yellow"] and row.feedback == []

    trainer = quiz.course.trainers.first()
    assert selectors.review_options(attempt=attempt, viewer=trainer, now=T0) == ReviewOptions(True, True, True)
