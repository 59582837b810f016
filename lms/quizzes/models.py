"""The question bank: nested categories, polymorphic questions and their frozen versions.

Type-specific answers live as JSON on each subclass rather than in a related ``Answer`` table: a question's
answers are always read, edited, versioned and exported together with it, never queried on their own, so a
list of answers costs no extra query and a version snapshot is a plain copy. Grading works from the snapshot
(``grading.py``), so a ``QuestionVersion`` grades the same way forever, whatever later edits do to the row.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
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
    # {language: {"text", "general_feedback", "answers", "feedback", "items", "subquestions", "subanswers"}}: lists
    # aligned with the source lists, "" where not translated (the source is shown).
    texts = models.JSONField(_("translated texts"), default=dict, blank=True)
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
        """The text in ``language``, falling back to the source language's text. ``texts`` holds each
        language's translations as ``{language: {"text": ..., ...}}`` (see ``question_translatable_texts``)."""
        translation = self.texts.get(language)
        return (translation.get("text") if isinstance(translation, dict) else None) or self.text

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


# Quizzes and attempts -------------------------------------------------------------------------------------------


class ReviewWhen(models.TextChoices):
    NEVER = "never", _("Never")
    AFTER_SUBMIT = "after_submit", _("As soon as the attempt is submitted")
    AFTER_CLOSE = "after_close", _("After the quiz closes")


class Quiz(models.Model):
    """A quiz of one course: its settings and its slots. It is one activity whatever language the learner uses;
    a lesson shows it through its quiz block, and the outline sync links it to that lesson's activity."""

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest grade")
        AVERAGE = "average", _("Average grade")
        FIRST = "first", _("First attempt")
        LAST = "last", _("Last attempt")

    class Order(models.TextChoices):
        FIXED = "fixed", _("As listed")
        SHUFFLED = "shuffled", _("Shuffled for each attempt")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="quizzes", verbose_name=_("course")
    )
    activity = models.ForeignKey(
        "courses.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="quizzes", editable=False
    )
    title = models.CharField(_("title"), max_length=255)
    titles = models.JSONField(_("title in each language"), default=dict, blank=True)  # {language: title}
    intro = models.TextField(_("instructions"), blank=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Leave empty: no time limit.")
    )
    attempts_allowed = models.PositiveIntegerField(_("attempts allowed"), default=0, help_text=_("0 means no limit."))
    grading_method = models.CharField(
        _("grading method"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    pass_grade = models.DecimalField(
        _("pass grade (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    question_order = models.CharField(_("question order"), max_length=10, choices=Order.choices, default=Order.FIXED)
    shuffle_answers = models.BooleanField(_("shuffle the choices within questions"), default=True)
    questions_per_page = models.PositiveIntegerField(
        _("questions per page"), default=1, help_text=_("0 puts every question on one page.")
    )
    review_marks = models.CharField(
        _("show marks"), max_length=15, choices=ReviewWhen.choices, default=ReviewWhen.AFTER_SUBMIT
    )
    review_answers = models.CharField(
        _("show the right answers"), max_length=15, choices=ReviewWhen.choices, default=ReviewWhen.AFTER_CLOSE
    )
    review_feedback = models.CharField(
        _("show feedback"), max_length=15, choices=ReviewWhen.choices, default=ReviewWhen.AFTER_SUBMIT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["course_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=F("opens_at")),
                name="quizzes_quiz_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def localized_title(self) -> str:
        """The title in the active language, else the source title (never another translation)."""
        return self.titles.get(get_language() or "") or self.title

    def is_closed(self, now=None) -> bool:
        return self.closes_at is not None and (now or timezone.now()) >= self.closes_at


class QuizSlot(models.Model):
    """A place in a quiz: a fixed question (its current version is taken when an attempt starts) or a question
    drawn at random from a category for each attempt."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField(_("position"), default=0)
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="slots", verbose_name=_("question")
    )
    random_category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("random question from"),
    )
    include_subcategories = models.BooleanField(_("include subcategories"), default=False)
    mark = models.DecimalField(
        _("mark"), max_digits=8, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["quiz_id", "position", "pk"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, random_category__isnull=True)
                | Q(question__isnull=True, random_category__isnull=False),
                name="quizzes_slot_question_or_random",
            )
        ]

    def __str__(self) -> str:
        return str(self.question or self.random_category)


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")

    class Closed(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        TIME_UP = "time_up", _("Time ran out")
        QUIZ_CLOSED = "quiz_closed", _("The quiz closed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    closed_by = models.CharField(max_length=12, choices=Closed.choices, blank=True)
    language = models.CharField(max_length=10, default="en")
    pages = models.PositiveIntegerField(default=1)
    current_page = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    max_marks = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    marks = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # Percent; None while essays wait for a trainer.
    grade = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    needs_grading = models.BooleanField(default=False)

    class Meta:
        ordering = ["quiz_id", "user_id", "number"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            # Two starts at once both compute the same next number: one of them fails here.
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="quizzes_attempt_unique_number"),
            models.UniqueConstraint(
                fields=["quiz", "user"], condition=Q(state="in_progress"), name="quizzes_attempt_one_open"
            ),
            models.CheckConstraint(
                condition=Q(state="in_progress") | Q(finished_at__isnull=False), name="quizzes_attempt_finished_time"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="quizzes_attempt_open_deadline"),
            models.Index(fields=["quiz", "state"], name="quizzes_attempt_quiz_state"),
            # A quiz's attempts for its trainers, newest first, a page at a time.
            models.Index(fields=["quiz", "-started_at"], name="quizzes_attempt_quiz_started"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} ({self.user_id})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS


class QuestionAttempt(models.Model):
    """One question of an attempt: the frozen version it uses, the learner's saved response and its mark."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    page = models.PositiveIntegerField(default=0)
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="question_attempts")
    max_mark = models.DecimalField(max_digits=8, decimal_places=2)
    # How the choices are shown in this attempt: indexes into the version's answers, items or pairs.
    choice_order = models.JSONField(default=list, blank=True)
    response = models.JSONField(null=True, blank=True)
    # Raised by every save: a form rendered before the last save (back button, second tab) carries an older
    # number and is refused for this question.
    sequence = models.PositiveIntegerField(default=0)
    fraction = models.DecimalField(max_digits=12, decimal_places=7, null=True, blank=True)
    mark = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    needs_grading = models.BooleanField(default=False)
    comment = models.TextField(_("feedback"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    regraded_from = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="quizzes_question_attempt_unique_position")
        ]
        indexes = [
            # The essay queue: only the few answers waiting for a mark, not every answer ever given.
            models.Index(fields=["attempt"], condition=Q(needs_grading=True), name="quizzes_qa_to_grade"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.position}"

    @property
    def data(self) -> dict[str, Any]:
        return self.version.data


class QuizGrade(models.Model):
    """A learner's grade for a quiz by its grading method, kept up to date by the services for the gradebook."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="grades")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_grades")
    grade = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "user"], name="quizzes_grade_unique_user")]

    def __str__(self) -> str:
        return f"{self.quiz_id}:{self.user_id} {self.grade}"
