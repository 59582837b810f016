"""The question bank: nested categories, polymorphic questions and their frozen versions.

Type-specific answers live as JSON on each subclass rather than in a related ``Answer`` table: a question's
answers are always read, edited, versioned and exported together with it, never queried on their own, so a
list of answers costs no extra query and a version snapshot is a plain copy. Grading works from the snapshot
(``grading.py``), so a ``QuestionVersion`` grades the same way forever, whatever later edits do to the row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from polymorphic.models import PolymorphicModel

from . import grading

TEXT_FORMATS = [
    ("moodle", _("Moodle auto-format")),
    ("html", _("HTML")),
    ("plain", _("Plain text")),
    ("markdown", _("Markdown")),
]


class QuestionCategory(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    name = models.CharField(_("name"), max_length=255)
    info = models.TextField(_("description"), blank=True)
    info_format = models.CharField(_("description format"), max_length=10, choices=TEXT_FORMATS, default="moodle")
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="question_categories",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], condition=Q(parent__isnull=False), name="quizzes_category_unique_name"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="quizzes_category_unique_top_name"
            ),
        ]

    def __str__(self) -> str:
        return "/".join(self.path)

    @property
    def path(self) -> tuple[str, ...]:
        names = []
        node: QuestionCategory | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return tuple(reversed(names))


class Question(PolymorphicModel):
    kind = ""  # set by each subclass: one of formats.QuestionKind

    category = models.ForeignKey(
        QuestionCategory, on_delete=models.PROTECT, related_name="questions", verbose_name=_("category")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=255)
    text = models.TextField(_("text"), blank=True)
    text_format = models.CharField(_("text format"), max_length=10, choices=TEXT_FORMATS, default="moodle")
    source_language = models.CharField(_("source language"), max_length=10, default="en")
    texts = models.JSONField(_("translated texts"), default=dict, blank=True)  # {language: text}
    general_feedback = models.TextField(_("general feedback"), blank=True)
    general_feedback_format = models.CharField(
        _("general feedback format"), max_length=10, choices=TEXT_FORMATS, default="moodle"
    )
    default_mark = models.DecimalField(_("default mark"), max_digits=12, decimal_places=7, default=Decimal(1))
    penalty = models.DecimalField(_("penalty"), max_digits=12, decimal_places=7, default=Decimal("0.3333333"))
    hints = models.JSONField(_("hints"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(default_mark__gte=0), name="quizzes_question_mark_gte_0")]

    def __str__(self) -> str:
        return self.name

    def text_for(self, language: str) -> str:
        """The text in ``language``, falling back to the source language's text."""
        return self.texts.get(language) or self.text

    # Snapshot: everything needed to display and grade the question, as plain JSON.
    base_fields = (
        "name",
        "text",
        "text_format",
        "source_language",
        "texts",
        "general_feedback",
        "general_feedback_format",
        "hints",
        "tags",
        "idnumber",
    )
    type_fields: tuple[str, ...] = ()

    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        for name in (*self.base_fields, *self.type_fields):
            data[name] = getattr(self, name)
        data["default_mark"] = str(self.default_mark)
        data["penalty"] = str(self.penalty)
        return data

    def grade(self, response: Any) -> Decimal | None:
        return grading.grade(self.snapshot(), response)


class MultipleChoiceQuestion(Question):
    kind = "multichoice"
    type_fields = ("single", "shuffle", "answers")

    single = models.BooleanField(_("one answer only"), default=True)
    shuffle = models.BooleanField(_("shuffle the choices"), default=True)
    # [{"text", "text_format", "fraction" (a decimal string), "feedback", "feedback_format"}]
    answers = models.JSONField(_("answers"), default=list)

    class Meta:
        verbose_name = _("multiple choice question")
        verbose_name_plural = _("multiple choice questions")


class TrueFalseQuestion(Question):
    kind = "truefalse"
    type_fields = (
        "correct_answer",
        "feedback_true",
        "feedback_true_format",
        "feedback_false",
        "feedback_false_format",
    )

    correct_answer = models.BooleanField(_("correct answer"), default=True)
    feedback_true = models.TextField(_("feedback for the answer true"), blank=True)
    feedback_true_format = models.CharField(max_length=10, choices=TEXT_FORMATS, default="moodle")
    feedback_false = models.TextField(_("feedback for the answer false"), blank=True)
    feedback_false_format = models.CharField(max_length=10, choices=TEXT_FORMATS, default="moodle")

    class Meta:
        verbose_name = _("true/false question")
        verbose_name_plural = _("true/false questions")


class ShortAnswerQuestion(Question):
    kind = "shortanswer"
    type_fields = ("case_sensitive", "answers")

    case_sensitive = models.BooleanField(_("case sensitive"), default=False)
    answers = models.JSONField(_("answers"), default=list)  # as multiple choice; "*" matches any text

    class Meta:
        verbose_name = _("short answer question")
        verbose_name_plural = _("short answer questions")


class NumericalQuestion(Question):
    kind = "numerical"
    type_fields = ("answers", "units")

    answers = models.JSONField(_("answers"), default=list)  # as multiple choice, plus "tolerance"
    units = models.JSONField(_("units"), default=list, blank=True)  # [{"name", "multiplier"}]

    class Meta:
        verbose_name = _("numerical question")
        verbose_name_plural = _("numerical questions")


class MatchingQuestion(Question):
    kind = "matching"
    type_fields = ("shuffle", "subquestions")

    shuffle = models.BooleanField(_("shuffle the choices"), default=True)
    # [{"text", "text_format", "answer"}]; an empty text is a distractor
    subquestions = models.JSONField(_("pairs"), default=list)

    class Meta:
        verbose_name = _("matching question")
        verbose_name_plural = _("matching questions")


class OrderingQuestion(Question):
    kind = "ordering"
    type_fields = ("items",)

    items = models.JSONField(_("items in the right order"), default=list)  # [text, ...]

    class Meta:
        verbose_name = _("ordering question")
        verbose_name_plural = _("ordering questions")


class EssayQuestion(Question):
    kind = "essay"

    class Meta:
        verbose_name = _("essay question")
        verbose_name_plural = _("essay questions")


class DescriptionQuestion(Question):
    kind = "description"

    class Meta:
        verbose_name = _("description")
        verbose_name_plural = _("descriptions")


QUESTION_CLASSES: dict[str, type[Question]] = {
    cls.kind: cls
    for cls in (
        MultipleChoiceQuestion,
        TrueFalseQuestion,
        ShortAnswerQuestion,
        NumericalQuestion,
        MatchingQuestion,
        OrderingQuestion,
        EssayQuestion,
        DescriptionQuestion,
    )
}


class QuestionVersion(models.Model):
    """A frozen copy of a question as it was between two edits. Attempts point here, never at ``Question``."""

    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="versions", verbose_name=_("question")
    )
    number = models.PositiveIntegerField(_("number"))
    data = models.JSONField(_("snapshot"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question_id", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="quizzes_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.data.get('name', '')} v{self.number}"

    def grade(self, response: Any) -> Decimal | None:
        return grading.grade(self.data, response)
