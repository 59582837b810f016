"""Changing quizzes: their settings and their slots (fixed questions and random questions from a category).
Only the course's trainers (and superusers) may."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lms.courses import selectors as course_selectors
from lms.courses import services as course_services
from lms.courses.models import Activity, Course, Enrollment

from ..models import Question, QuestionCategory, Quiz, QuizSlot

QUIZ_SETTINGS = (
    "title",
    "titles",
    "intro",
    "opens_at",
    "closes_at",
    "time_limit_minutes",
    "attempts_allowed",
    "grading_method",
    "pass_grade",
    "question_order",
    "shuffle_answers",
    "questions_per_page",
    "review_marks",
    "review_answers",
    "review_feedback",
)
ALREADY_IN_QUIZ = _("This question is already in the quiz.")


def _check_manage(user: Any, course: Course) -> None:
    if not course_selectors.user_can_manage_course(user, course):
        raise PermissionDenied(gettext("Only the course's trainers can change its quizzes."))


def quiz_create(*, course: Course, by: Any, title: str, **settings: Any) -> Quiz:
    _check_manage(by, course)
    quiz = Quiz(course=course, created_by=by, title=title.strip())
    return _quiz_apply(quiz, settings)


def quiz_update(quiz: Quiz, *, by: Any, **settings: Any) -> Quiz:
    """Change settings. A change applies to attempts started afterwards; grades follow the grading method at
    once (they are recomputed for everyone who has attempts)."""
    _check_manage(by, quiz.course)
    method_before = quiz.grading_method
    pass_before = quiz.pass_grade
    quiz = _quiz_apply(quiz, settings)
    if quiz.grading_method != method_before or quiz.pass_grade != pass_before:
        from accounts.models import User

        from .grades import quiz_grade_update

        for user in User.objects.filter(quiz_attempts__quiz=quiz).distinct():
            quiz_grade_update(quiz=quiz, user=user)
    return quiz


def _quiz_apply(quiz: Quiz, settings: dict[str, Any]) -> Quiz:
    for name, value in settings.items():
        if name not in QUIZ_SETTINGS:
            raise TypeError(name)
        setattr(quiz, name, value)
    quiz.title = quiz.title.strip()
    quiz.full_clean()
    quiz.save()
    return quiz


def _next_position(quiz: Quiz) -> int:
    return (QuizSlot.objects.filter(quiz=quiz).aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def slot_add_question(*, quiz: Quiz, by: Any, question: Question, mark: Decimal | None = None) -> QuizSlot:
    _check_manage(by, quiz.course)
    Quiz.objects.select_for_update().filter(pk=quiz.pk).first()
    if QuizSlot.objects.filter(quiz=quiz, question=question).exists():
        raise ValidationError(gettext(ALREADY_IN_QUIZ))
    default = Decimal(0) if question.kind == "description" else question.default_mark
    return QuizSlot.objects.create(
        quiz=quiz, question=question, position=_next_position(quiz), mark=default if mark is None else mark
    )


@transaction.atomic
def slot_add_random(
    *,
    quiz: Quiz,
    by: Any,
    category: QuestionCategory,
    count: int = 1,
    include_subcategories: bool = False,
    mark: Decimal = Decimal(1),
) -> list[QuizSlot]:
    """Add ``count`` slots that each draw a different question from ``category`` for every attempt."""
    _check_manage(by, quiz.course)
    Quiz.objects.select_for_update().filter(pk=quiz.pk).first()
    _check_enough_to_draw(quiz, category, include_subcategories, max(1, count))
    start = _next_position(quiz)
    return [
        QuizSlot.objects.create(
            quiz=quiz,
            random_category=category,
            include_subcategories=include_subcategories,
            position=start + offset,
            mark=mark,
        )
        for offset in range(max(1, count))
    ]


def _check_enough_to_draw(quiz: Quiz, category: QuestionCategory, include_subcategories: bool, count: int) -> None:
    """Every attempt must be able to draw a different question for each random slot of this category, besides
    the quiz's fixed questions from it: refuse now rather than fail when a learner starts."""
    from ..selectors.bank import category_subtree

    pool = category_subtree(category) if include_subcategories else [category]
    available = (
        Question.objects.filter(category__in=pool)
        .exclude(polymorphic_ctype__model="descriptionquestion")
        .exclude(slots__quiz=quiz)
        .count()
    )
    drawn = QuizSlot.objects.filter(quiz=quiz, random_category__in=pool).count()
    if drawn + count > available:
        raise ValidationError(
            ngettext(
                "“%(category)s” has %(available)s question left to draw from; choose fewer random questions.",
                "“%(category)s” has %(available)s questions left to draw from; choose fewer random questions.",
                max(available - drawn, 0),
            )
            % {"category": category.name, "available": max(available - drawn, 0)}
        )


def slot_remove(*, slot: QuizSlot, by: Any) -> None:
    """Take a slot out of the quiz; attempts already made keep their questions and grades."""
    _check_manage(by, slot.quiz.course)
    slot.delete()


@transaction.atomic
def slot_move(*, slot: QuizSlot, by: Any, offset: int) -> None:
    """Move a slot up (-1) or down (+1) in the quiz."""
    _check_manage(by, slot.quiz.course)
    slots = list(QuizSlot.objects.select_for_update().filter(quiz_id=slot.quiz_id).order_by("position", "pk"))
    index = next(i for i, candidate in enumerate(slots) if candidate.pk == slot.pk)
    target = index + offset
    if not 0 <= target < len(slots):
        return
    slots[index], slots[target] = slots[target], slots[index]
    for position, candidate in enumerate(slots, start=1):
        candidate.position = position
    QuizSlot.objects.bulk_update(slots, ["position"])


def slot_set_mark(*, slot: QuizSlot, by: Any, mark: Decimal) -> QuizSlot:
    _check_manage(by, slot.quiz.course)
    slot.mark = mark
    slot.full_clean()
    slot.save(update_fields=["mark"])
    return slot


def quiz_link_activities(*, course: Course, links: dict[Any, list[int]]) -> None:
    """Point each quiz of ``course`` at the activity of the lesson that shows it (``links`` maps a lesson's
    translation key to the ids of the quizzes its quiz blocks show); quizzes no lesson shows any more lose
    their activity. A quiz of another course placed in this course's lesson is ignored. Learners who passed
    a quiz before it reached its lesson have that step completed."""
    activities = dict(
        Activity.objects.filter(course=course, translation_key__in=list(links)).values_list("translation_key", "pk")
    )
    wanted: dict[int, int] = {}
    for key, quiz_ids in links.items():
        for quiz_id in quiz_ids:
            if key in activities:
                wanted.setdefault(quiz_id, activities[key])
    with transaction.atomic():
        for quiz in Quiz.objects.filter(course=course):
            activity_id = wanted.get(quiz.pk)
            if quiz.activity_id != activity_id:
                quiz.activity_id = activity_id
                quiz.save(update_fields=["activity"])
                if activity_id is not None:
                    _complete_for_passed(quiz)


def _complete_for_passed(quiz: Quiz) -> None:
    """A quiz placed in a lesson (or moved to another one) completes that step for everyone who has already
    passed it: a pass is a pass, and she may have no attempts left to pass it again."""
    activity = Activity.objects.get(pk=quiz.activity_id)
    if not activity.is_active:
        return
    enrollments = Enrollment.objects.filter(
        course_id=quiz.course_id,
        status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED],
        user__quiz_grades__quiz=quiz,
        user__quiz_grades__passed=True,
    ).exclude(progress__activity=activity)
    for enrollment in enrollments:
        course_services.activity_complete(enrollment=enrollment, activity=activity, by_quiz=True)
