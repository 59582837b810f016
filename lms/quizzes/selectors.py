"""Reading the question bank."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .models import Question, QuestionCategory, QuestionVersion


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
