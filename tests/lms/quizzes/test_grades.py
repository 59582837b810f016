"""Grades: the grading methods, the pass threshold feeding course completion, essays graded by trainers, and
regrading after a question is corrected (which changes grades but never takes back a completion)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from lms.courses import services as course_services
from lms.courses.models import Activity, ActivityProgress, Enrollment
from lms.quizzes import selectors, services
from lms.quizzes.models import Attempt, QuestionAttempt, Quiz, QuizGrade
from lms.quizzes.services.attempts import attempt_start, attempt_submit
from lms.quizzes.services.grades import essay_grade, quiz_grade_update, quiz_pass_threshold, quiz_regrade
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.quizzes import answer
from tests.factories.roles import trainer as make_trainer
from tests.lms.quizzes.test_attempts import answer_all, enrolled, place_in_lesson, quiz_for, save

pytestmark = pytest.mark.django_db


def take(quiz: Quiz, learner, right: bool | list[bool] = True, *, responses: dict | None = None) -> Attempt:
    """One finished attempt: ``right`` per question, or the given stored ``responses``."""
    attempt = attempt_start(quiz=quiz, user=learner, language="en")
    if responses is not None:
        save(attempt, learner, responses)
    else:
        answer_all(attempt, learner, right=right)
    assert attempt_submit(attempt=attempt, user=learner) is True
    attempt.refresh_from_db()
    return attempt


def grade_of(quiz: Quiz, learner) -> QuizGrade:
    return QuizGrade.objects.get(quiz=quiz, user=learner)


def enrollment_of(quiz: Quiz, learner) -> Enrollment:
    return Enrollment.objects.get(course=quiz.course, user=learner)


# Grading methods ----------------------------------------------------------------------------------------------


def test_each_grading_method_over_three_attempts():
    quiz = quiz_for(("truefalse",) * 4)
    trainer = quiz.course.trainers.first()
    learner = enrolled(quiz.course)
    grades = [take(quiz, learner, rights).grade for rights in ([1, 0, 0, 0], [1, 1, 1, 1], [1, 1, 0, 0])]
    assert grades == [25, 100, 50]
    assert grade_of(quiz, learner).grade == 100  # highest, the default
    expected = {"average": Decimal("58.33"), "first": Decimal(25), "last": Decimal(50), "highest": Decimal(100)}
    for method, grade in expected.items():
        services.quiz_update(quiz, by=trainer, grading_method=method)  # recomputes every learner's grade
        assert grade_of(quiz, learner).grade == grade, method
    assert QuizGrade.objects.filter(quiz=quiz).count() == 1  # one grade, whatever the attempts' languages


def test_average_leaves_out_an_attempt_whose_essay_waits_until_it_is_graded():
    quiz = quiz_for(("truefalse", "essay"), grading_method=Quiz.GradingMethod.AVERAGE)
    trainer = quiz.course.trainers.first()
    learner = enrolled(quiz.course)
    pending = take(quiz, learner, responses={0: True, 1: "My essay."})  # the factory's true/false is "true"
    assert pending.grade is None and pending.needs_grading
    assert take(quiz, learner, responses={0: True}).grade == 50  # an empty essay is worth 0
    assert take(quiz, learner, responses={0: False}).grade == 0
    assert grade_of(quiz, learner).grade == 25  # (50 + 0) / 2: the pending attempt has no grade yet
    essay = pending.questions.get(position=1)
    essay_grade(question=essay, by=trainer, mark=Decimal(1))
    assert grade_of(quiz, learner).grade == 50  # (100 + 50 + 0) / 3


def test_first_and_last_wait_for_their_own_attempt_to_be_graded():
    quiz = quiz_for(("truefalse", "essay"), grading_method=Quiz.GradingMethod.LAST)
    learner = enrolled(quiz.course)
    take(quiz, learner, responses={0: True})
    take(quiz, learner, responses={0: True, 1: "An essay."})
    record = grade_of(quiz, learner)
    assert (record.grade, record.passed) == (None, False)


# Passing and course completion -----------------------------------------------------------------------------------


def test_the_pass_threshold_is_the_higher_of_the_quizs_and_the_courses():
    strict_course = make_course(modules=1, lessons=1, trainers=[make_trainer()], min_quiz_grade=Decimal(80))
    quiz = quiz_for(("truefalse",) * 4, course=strict_course, pass_grade=Decimal(50))
    assert quiz_pass_threshold(quiz) == 80
    place_in_lesson(quiz)
    learner = enrolled(quiz.course)
    take(quiz, learner, [1, 1, 1, 0])
    assert (grade_of(quiz, learner).grade, grade_of(quiz, learner).passed) == (75, False)
    assert not ActivityProgress.objects.filter(activity=quiz.activity).exists()

    easy_course = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    easy = quiz_for(("truefalse",) * 4, course=easy_course, pass_grade=Decimal(50))
    assert quiz_pass_threshold(easy) == 50
    assert quiz_pass_threshold(quiz_for(course=easy_course)) is None
    other = enrolled(easy.course)
    take(easy, other, [1, 1, 0, 0])
    assert grade_of(easy, other).passed


def test_passing_completes_the_quiz_lesson_and_so_the_course():
    quiz = quiz_for(("truefalse", "multichoice"), pass_grade=Decimal(60))
    place_in_lesson(quiz)
    assert quiz.activity.kind == Activity.Kind.QUIZ
    learner = enrolled(quiz.course)
    take(quiz, learner, [True, False])  # 50: not yet
    assert not ActivityProgress.objects.filter(activity=quiz.activity).exists()
    assert enrollment_of(quiz, learner).completed_at is None
    take(quiz, learner, [True, True])
    assert ActivityProgress.objects.filter(activity=quiz.activity, enrollment__user=learner).count() == 1
    enrollment = enrollment_of(quiz, learner)
    assert enrollment.status == Enrollment.Status.COMPLETED and enrollment.completed_at is not None


def test_a_pass_counts_toward_completion_with_the_other_required_steps():
    course = make_course(modules=1, lessons=2, trainers=[make_trainer()])
    quiz = quiz_for(course=course)
    place_in_lesson(quiz)
    learner = enrolled(course)
    take(quiz, learner)
    enrollment = enrollment_of(quiz, learner)
    assert enrollment.completed_at is None
    other = Activity.objects.get(course=course, kind=Activity.Kind.LESSON, is_active=True)
    assert course_services.activity_complete(enrollment=enrollment, activity=other) is True


def test_failing_records_no_progress():
    quiz = quiz_for(("truefalse", "multichoice"), pass_grade=Decimal(60))
    place_in_lesson(quiz)
    learner = enrolled(quiz.course)
    take(quiz, learner, False)
    assert (grade_of(quiz, learner).grade, grade_of(quiz, learner).passed) == (0, False)
    assert not ActivityProgress.objects.exists()
    assert enrollment_of(quiz, learner).completed_at is None


def test_a_quiz_step_cannot_be_ticked_off_by_hand():
    quiz = quiz_for()
    place_in_lesson(quiz)
    learner = enrolled(quiz.course)
    with pytest.raises(course_services.EnrollmentError, match="Pass the quiz"):
        course_services.activity_complete(enrollment=enrollment_of(quiz, learner), activity=quiz.activity)
    assert not ActivityProgress.objects.exists()


# Essays ----------------------------------------------------------------------------------------------------------


def test_a_trainer_grades_an_essay_and_the_learner_is_told_in_her_language(django_capture_on_commit_callbacks):
    quiz = quiz_for(("truefalse", "essay"), pass_grade=Decimal(70))
    place_in_lesson(quiz)
    trainer = quiz.course.trainers.first()
    learner = enrolled(quiz.course, preferred_language="ru")
    attempt = take(quiz, learner, responses={0: True, 1: "Group work helps."})
    essay = attempt.questions.get(position=1)
    assert list(selectors.essay_queue_for(trainer)) == [essay]
    assert list(selectors.essay_queue_for(UserFactory())) == []

    with pytest.raises(PermissionDenied):
        essay_grade(question=essay, by=enrolled(quiz.course), mark=Decimal(1))
    with pytest.raises(ValueError, match="from 0 to 1"):
        essay_grade(question=essay, by=trainer, mark=Decimal("1.5"))
    essay.refresh_from_db()
    assert essay.needs_grading and essay.mark is None

    with django_capture_on_commit_callbacks(execute=True):
        essay_grade(question=essay, by=trainer, mark=Decimal("0.5"), comment="  Give an example.  ")
    essay.refresh_from_db()
    assert (essay.mark, essay.comment, essay.graded_by, essay.needs_grading) == (
        Decimal("0.50"),
        "Give an example.",
        trainer,
        False,
    )
    attempt.refresh_from_db()
    assert (attempt.grade, attempt.needs_grading) == (Decimal(75), False)
    assert (grade_of(quiz, learner).grade, grade_of(quiz, learner).passed) == (75, True)
    assert enrollment_of(quiz, learner).completed_at is not None
    # The completion also brings her certificate (its own email); the grade's email is the other one.
    (message,) = [sent for sent in mail.outbox if quiz.title in sent.body]
    assert message.to == [learner.email]
    assert message.extra_headers["Content-Language"] == "ru"
    assert "75" in message.body and quiz.title in message.body
    assert list(selectors.essay_queue_for(trainer)) == []

    # Changing the mark later updates the grade without a second email.
    with django_capture_on_commit_callbacks(execute=True):
        essay_grade(question=essay, by=trainer, mark=Decimal(1))
    attempt.refresh_from_db()
    assert attempt.grade == 100 and len([sent for sent in mail.outbox if quiz.title in sent.body]) == 1


def test_only_finished_essays_can_be_graded():
    quiz = quiz_for(("truefalse", "essay"))
    trainer = quiz.course.trainers.first()
    learner = enrolled(quiz.course)
    attempt = attempt_start(quiz=quiz, user=learner, language="en")
    save(attempt, learner, {1: "Draft."})
    with pytest.raises(ValueError, match="finished"):
        essay_grade(question=attempt.questions.get(position=1), by=trainer, mark=Decimal(1))
    attempt_submit(attempt=attempt, user=learner)
    with pytest.raises(ValueError, match="essay"):
        essay_grade(question=attempt.questions.get(position=0), by=trainer, mark=Decimal(1))
    assert not QuestionAttempt.objects.filter(graded_by__isnull=False).exists()


# Regrading -------------------------------------------------------------------------------------------------------


WRONG_KEY = [answer("yellow", "0"), answer("red", "1"), answer("blue", "0")]
RIGHT_KEY = [answer("yellow", "1"), answer("red", "0"), answer("blue", "0")]


def _fixable_quiz(**quiz_settings) -> Quiz:
    quiz = quiz_for(("truefalse",), **quiz_settings)
    trainer = quiz.course.trainers.first()
    services.slot_add_question(
        quiz=quiz,
        by=trainer,
        question=services.question_create(
            kind="multichoice",
            category=quiz.slots.get().question.category,
            owner=trainer,
            name="Colour",
            text="The colour of the sun?",
            answers=WRONG_KEY,
        ),
    )
    return quiz


def _multichoice_of(quiz: Quiz):
    return quiz.slots.get(position=2).question.get_real_instance()


def test_a_regrade_after_fixing_the_answer_key_raises_and_lowers_grades_but_never_revokes_a_completion():
    quiz = _fixable_quiz(pass_grade=Decimal(75))
    place_in_lesson(quiz)
    trainer = quiz.course.trainers.first()
    right_learner, lucky_learner = enrolled(quiz.course), enrolled(quiz.course)
    take(quiz, right_learner, responses={0: True, 1: 0})  # yellow: right, but the key said red
    take(quiz, lucky_learner, responses={0: True, 1: 1})  # red: wrong, but the key said so
    assert (grade_of(quiz, right_learner).grade, grade_of(quiz, lucky_learner).grade) == (50, 100)
    lucky_completed_at = enrollment_of(quiz, lucky_learner).completed_at
    assert lucky_completed_at is not None

    services.question_update(_multichoice_of(quiz), user=trainer, answers=RIGHT_KEY)
    report = quiz_regrade(quiz=quiz, by=trainer)
    assert (report.attempts, report.changed, report.skipped) == (2, 2, 0)

    assert (grade_of(quiz, right_learner).grade, grade_of(quiz, right_learner).passed) == (100, True)
    assert enrollment_of(quiz, right_learner).completed_at is not None  # the new pass completes
    assert (grade_of(quiz, lucky_learner).grade, grade_of(quiz, lucky_learner).passed) == (50, False)
    lucky = enrollment_of(quiz, lucky_learner)
    assert (lucky.status, lucky.completed_at) == (Enrollment.Status.COMPLETED, lucky_completed_at)
    assert ActivityProgress.objects.filter(activity=quiz.activity, enrollment=lucky).exists()

    moved = QuestionAttempt.objects.filter(attempt__quiz=quiz, position=1).select_related("version")
    assert {(q.version.number, q.regraded_from, q.mark) for q in moved} == {(2, Decimal(0), 1), (2, Decimal(1), 0)}
    # Nothing left to change: a second regrade changes nothing.
    assert quiz_regrade(quiz=quiz, by=trainer).changed == 0


def test_a_change_that_would_misread_saved_answers_is_skipped_and_reported():
    quiz = _fixable_quiz()
    trainer = quiz.course.trainers.first()
    learner = enrolled(quiz.course)
    take(quiz, learner, responses={0: True, 1: 1})
    services.question_update(_multichoice_of(quiz), user=trainer, answers=[*RIGHT_KEY, answer("green", "0")])
    report = quiz_regrade(quiz=quiz, by=trainer)
    assert (report.changed, report.skipped) == (0, 1)
    kept = QuestionAttempt.objects.select_related("version").get(attempt__user=learner, position=1)
    assert (kept.version.number, kept.mark) == (1, 1)
    assert grade_of(quiz, learner).grade == 100


def test_a_matching_question_whose_answer_choices_changed_is_skipped():
    quiz = quiz_for(("matching",))
    trainer = quiz.course.trainers.first()
    learner = enrolled(quiz.course)
    take(quiz, learner, responses={0: {"0": 0, "1": 1}})
    question = quiz.slots.get().question.get_real_instance()
    same_count_fewer_choices = [
        {"text": "Forum", "text_format": "plain", "answer": "discussions"},
        {"text": "Wiki", "text_format": "plain", "answer": "discussions"},
    ]
    services.question_update(question, user=trainer, subquestions=same_count_fewer_choices)
    assert quiz_regrade(quiz=quiz, by=trainer).skipped == 1
    assert grade_of(quiz, learner).grade == 100


def test_an_answer_added_to_a_short_answer_question_is_regraded():
    quiz = quiz_for(("shortanswer",))
    trainer = quiz.course.trainers.first()
    learner = enrolled(quiz.course)
    take(quiz, learner, responses={0: "toad"})
    assert grade_of(quiz, learner).grade == 0
    question = quiz.slots.get().question.get_real_instance()
    services.question_update(question, user=trainer, answers=[*question.answers, answer("Toad", "1")])
    report = quiz_regrade(quiz=quiz, by=trainer)
    assert (report.changed, report.skipped) == (1, 0)
    assert grade_of(quiz, learner).grade == 100


def test_a_regrade_keeps_the_trainers_essay_marks_and_leaves_open_attempts_alone():
    quiz = _fixable_quiz()
    quiz_essay = services.slot_add_question(
        quiz=quiz,
        by=quiz.course.trainers.first(),
        question=services.question_create(
            kind="essay", category=quiz.slots.first().question.category, owner=None, name="Essay", text="Why?"
        ),
    )
    assert quiz_essay.position == 3
    trainer = quiz.course.trainers.first()
    learner, still_working = enrolled(quiz.course), enrolled(quiz.course)
    attempt = take(quiz, learner, responses={0: True, 1: 0, 2: "Because."})
    essay_grade(question=attempt.questions.get(position=2), by=trainer, mark=Decimal("0.5"))
    open_attempt = attempt_start(quiz=quiz, user=still_working, language="en")

    services.question_update(_multichoice_of(quiz), user=trainer, answers=RIGHT_KEY)
    quiz_regrade(quiz=quiz, by=trainer)
    attempt.refresh_from_db()
    assert attempt.grade == Decimal("83.33")  # 1 + 1 + 0.5 of 3
    assert attempt.questions.get(position=2).mark == Decimal("0.5")
    assert open_attempt.questions.get(position=1).version.number == 1


def test_only_a_trainer_of_the_course_regrades():
    quiz = quiz_for()
    with pytest.raises(PermissionDenied):
        quiz_regrade(quiz=quiz, by=make_trainer())


def test_a_grade_recomputed_without_attempts_is_empty():
    quiz = quiz_for()
    learner = enrolled(quiz.course)
    record = quiz_grade_update(quiz=quiz, user=learner)
    assert (record.grade, record.passed) == (None, False)
