"""Question bank: categories and questions of every type, created through the services (so each has its
first version)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from lms.quizzes import services
from lms.quizzes.models import Question, QuestionCategory

from .accounts import UserFactory


class QuestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionCategory

    name = factory.Sequence(lambda n: f"Category {n}")
    owner = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)


def answer(text: str, fraction: str | Decimal = "0", feedback: str = "", **extra: Any) -> dict[str, Any]:
    row = {
        "text": text,
        "text_format": "plain",
        "fraction": str(fraction),
        "feedback": feedback,
        "feedback_format": "moodle",
    }
    row.update({key: str(value) for key, value in extra.items()})
    return row


_DEFAULTS: dict[str, dict[str, Any]] = {
    "multichoice": {"answers": [answer("yellow", "1"), answer("red"), answer("blue")]},
    "truefalse": {"correct_answer": True},
    "shortanswer": {"answers": [answer("Frog", "1"), answer("Cat", "0.5")]},
    "numerical": {"answers": [answer("3", "1", tolerance="0.5")]},
    "matching": {
        "subquestions": [
            {"text": "Forum", "text_format": "plain", "answer": "discussions"},
            {"text": "Wiki", "text_format": "plain", "answer": "shared pages"},
        ]
    },
    "ordering": {"items": ["one", "two", "three"]},
    "essay": {},
    "description": {},
}


def make_question(kind: str, *, category: QuestionCategory | None = None, owner=None, **fields: Any) -> Question:
    category = category or QuestionCategoryFactory()
    values = {"name": f"A {kind} question", "text": f"The text of a {kind} question", **_DEFAULTS[kind], **fields}
    return services.question_create(kind=kind, category=category, owner=owner or category.owner, **values)
