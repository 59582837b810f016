"""Reading the question bank."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from lms.courses.selectors import courses_managed_by

from ..models import Question, QuestionCategory, QuestionVersion, Quiz


def category_subtree(category: QuestionCategory) -> list[QuestionCategory]:
    """``category`` and every category below it, parents before children (depth first, by name); one query
    per level."""
    children: dict[int, list[QuestionCategory]] = defaultdict(list)
    level = [category]
    while level:
        level = list(QuestionCategory.objects.filter(parent__in=level).order_by("name"))
        for node in level:
            children[node.parent_id].append(node)
    ordered: list[QuestionCategory] = []
    stack = [category]
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    return ordered


def question_list_for_categories(categories: Iterable[QuestionCategory]) -> list[Question]:
    """The questions of ``categories`` as their own types, with category and owner loaded.

    django-polymorphic loads the base rows in one query and each type present in one more; ``select_related``
    on the base model's foreign keys carries over to those queries (9 queries for 100 questions of 8 types).
    No subclass has a foreign key; one added later cannot be select_related (PITFALLS.md): group the
    questions by class and call ``prefetch_related_objects`` per class.
    """
    return list(
        Question.objects.filter(category__in=list(categories))
        .select_related("category", "owner")
        .order_by("category_id", "id")
    )


def question_list_in_category(category: QuestionCategory) -> list[Question]:
    """The questions of ``category`` and of every category below it."""
    return question_list_for_categories(category_subtree(category))


def question_version_current(question: Question) -> QuestionVersion:
    return QuestionVersion.objects.get(question=question, number=question.version)


# The trainers' pages --------------------------------------------------------------------------------------------


def user_can_use_bank(user: Any) -> bool:
    """Trainers and superusers work in the question bank. ``is_trainer`` reads the roles once per user object
    (one query per request)."""
    return bool(user is not None and user.is_authenticated and getattr(user, "is_trainer", False))


def question_can_edit(user: Any, question: Question) -> bool:
    """Who may change a question (its translations, for one): its owner, a superuser, or any trainer once the
    owner's account is gone. The owner must still be a trainer."""
    if not user_can_use_bank(user):
        return False
    return bool(user.is_superuser or question.owner_id is None or question.owner_id == user.pk)


@dataclass(frozen=True)
class CategoryNode:
    category: QuestionCategory
    depth: int
    question_count: int


def category_tree() -> list[CategoryNode]:
    """Every category, parents before children (depth first, by name), with the number of questions in each;
    one query per level of the tree, whatever the number of categories."""
    children: dict[int | None, list[QuestionCategory]] = defaultdict(list)
    level = list(QuestionCategory.objects.filter(parent=None).annotate(question_count=Count("questions")))
    while level:
        for node in level:
            children[node.parent_id].append(node)
        level = list(QuestionCategory.objects.filter(parent__in=level).annotate(question_count=Count("questions")))
    tree: list[CategoryNode] = []
    stack = [(node, 0) for node in sorted(children[None], key=_name_key, reverse=True)]
    while stack:
        node, depth = stack.pop()
        tree.append(CategoryNode(node, depth, node.question_count))
        stack.extend((child, depth + 1) for child in sorted(children.get(node.pk, []), key=_name_key, reverse=True))
    return tree


def _name_key(category: QuestionCategory) -> tuple[str, int]:
    return (category.name.casefold(), category.pk)


def category_get(category_id: int) -> QuestionCategory:
    """A category with its ancestors loaded (``path`` costs no further query); raises ``DoesNotExist``."""
    category = QuestionCategory.objects.get(pk=category_id)
    node = category
    while node.parent_id is not None:
        node.parent = QuestionCategory.objects.get(pk=node.parent_id)
        node = node.parent
    return category


def question_list_for_category(category: QuestionCategory, *, search: str = "", tag: str = "") -> QuerySet[Question]:
    """The questions of ``category`` itself (not of its subcategories), as their own types, with their owner;
    ``search`` looks in names and texts, ``tag`` keeps the questions with that tag. Sliced by a paginator, a
    page costs one query for the base rows and one per question type on it (see
    ``question_list_for_categories``)."""
    questions = Question.objects.filter(category=category).select_related("owner").order_by("id")
    search = search.strip()
    if search:
        questions = questions.filter(Q(name__icontains=search) | Q(text__icontains=search))
    tag = tag.strip()
    if tag:
        questions = questions.filter(_has_tag(tag))
    return questions


def _has_tag(tag: str) -> Q:
    """Questions whose list of tags holds ``tag``. PostgreSQL tests containment in the JSON array; SQLite
    (development and the quick test run) cannot, so there the tag is looked for as the JSON string it is stored
    as — ASCII-escaped, as Django's ``json.dumps`` writes it — which also ignores ASCII case."""
    if connection.vendor == "postgresql":
        return Q(tags__contains=[tag])
    return Q(tags__icontains=json.dumps(tag))


def quiz_list_with_attempts_of(question: Question, *, user: Any) -> list[Quiz]:
    """The quizzes, of the courses ``user`` manages, with attempts that used a version of ``question``: the
    attempts a regrade would mark again with its current version. One query."""
    return list(
        Quiz.objects.filter(course__in=courses_managed_by(user), attempts__questions__version__question_id=question.pk)
        .select_related("course")
        .distinct()
        .order_by("course_id", "pk")
    )


@dataclass(frozen=True)
class TranslatableText:
    """One string of a question that can be translated, and where its translation goes in
    ``Question.texts[language]``: under ``key``, at ``index`` for the keys that hold lists."""

    key: str
    index: int | None
    source: str
    text_format: str


# The keys of ``Question.texts[language]``, in the order a translator meets them.
TEXT_KEYS = ("text", "general_feedback", "answers", "feedback", "items", "subquestions", "subanswers")


def question_translatable_texts(question: Question) -> list[TranslatableText]:
    """The strings of ``question`` that have a translation in ``Question.texts``::

        texts = {language: {"text": str, "general_feedback": str, "answers": [str, ...], "feedback": [str, ...],
                            "items": [str, ...], "subquestions": [str, ...], "subanswers": [str, ...]}}

    Lists go index for index with the source lists: a multiple-choice or short-answer question's answers
    (``answers``: their text, ``feedback``: their feedback), a numerical question's answer feedback (its
    answers are numbers and stay as they are), a true/false question's feedback (``feedback``: for the answer
    true, then for false), an ordering question's ``items``, a matching question's pairs (``subquestions``:
    their text, ``subanswers``: their answer). "" means "not translated": the source is shown instead.
    """
    texts = [
        TranslatableText("text", None, question.text, question.text_format),
        TranslatableText("general_feedback", None, question.general_feedback, question.general_feedback_format),
    ]
    kind = question.kind
    if kind in ("multichoice", "shortanswer"):
        texts += [
            TranslatableText("answers", index, row["text"], row.get("text_format", "plain"))
            for index, row in enumerate(question.answers)
        ]
    if kind in ("multichoice", "shortanswer", "numerical"):
        texts += [
            TranslatableText("feedback", index, row.get("feedback", ""), row.get("feedback_format", "moodle"))
            for index, row in enumerate(question.answers)
        ]
    elif kind == "truefalse":
        texts += [
            TranslatableText("feedback", 0, question.feedback_true, question.feedback_true_format),
            TranslatableText("feedback", 1, question.feedback_false, question.feedback_false_format),
        ]
    elif kind == "ordering":
        texts += [TranslatableText("items", index, item, "plain") for index, item in enumerate(question.items)]
    elif kind == "matching":
        texts += [
            TranslatableText("subquestions", index, pair["text"], pair.get("text_format", "plain"))
            for index, pair in enumerate(question.subquestions)
        ]
        texts += [
            TranslatableText("subanswers", index, pair["answer"], "plain")
            for index, pair in enumerate(question.subquestions)
        ]
    return texts


def question_get(question_id: int) -> Question:
    """A question as its own type, with its category and owner; raises ``Question.DoesNotExist``."""
    return Question.objects.select_related("category", "owner").get(pk=question_id)
