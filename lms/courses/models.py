from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Country, Institution, Region
from core.text import in_language
from lms.competencies.models import Competency


class Subject(models.Model):
    """A school subject or topic (mathematics, languages, inclusive education...), named in each language."""

    slug = models.SlugField(_("code"), unique=True)
    names = models.JSONField(_("names"), help_text=_('The name in each language, e.g. {"en": "Mathematics"}.'))

    class Meta:
        ordering = ["slug"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.names)


class Course(models.Model):
    """The language-neutral course record: everything that must not differ by language. Every translation of
    the course's Wagtail page points at the same Course, so progress survives a change of language."""

    class EnrollmentMode(models.TextChoices):
        OPEN = "open", _("Open: anyone can enroll")
        KEY = "key", _("With an enrollment key")
        APPROVAL = "approval", _("On approval by a trainer")
        CLOSED = "closed", _("Closed: trainers enroll people")

    class Format(models.TextChoices):
        SELF_PACED = "self_paced", _("Self-paced")
        WITH_WEBINARS = "webinars", _("With webinars")
        BLENDED = "blended", _("Blended (online and onsite)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(
        _("internal title"), max_length=255, help_text=_("The title in the source language, for lists and reports.")
    )
    enrollment_mode = models.CharField(
        _("enrollment"), max_length=10, choices=EnrollmentMode.choices, default=EnrollmentMode.OPEN
    )
    enrollment_key = models.CharField(
        _("enrollment key"), max_length=64, blank=True, help_text=_("Learners type this to enroll themselves.")
    )
    min_quiz_grade = models.DecimalField(
        _("minimum quiz grade (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("If set, every required quiz must be passed with at least this grade to complete the course."),
    )
    certificate_enabled = models.BooleanField(_("certificate on completion"), default=True)
    certificate_validity_months = models.PositiveIntegerField(
        _("certificate valid for (months)"), null=True, blank=True, help_text=_("Leave empty: no expiry.")
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=6, decimal_places=1, default=1, validators=[MinValueValidator(0)]
    )
    format = models.CharField(_("format"), max_length=12, choices=Format.choices, default=Format.SELF_PACED)
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="courses", verbose_name=_("subject")
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="trained_courses", verbose_name=_("trainers")
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by", verbose_name=_("prerequisites")
    )
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="courses", verbose_name=_("ICT CFT competencies")
    )
    # Kept up to date from the course's pages by the services, for the catalogue, the dashboard and emails.
    titles = models.JSONField(default=dict, editable=False)
    urls = models.JSONField(default=dict, editable=False)
    languages = models.CharField(_("languages"), max_length=100, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    enrolled_count = models.PositiveIntegerField(default=0, editable=False)
    is_listed = models.BooleanField(default=False, editable=False, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [
            models.Index(fields=["is_listed", "-published_at"], name="courses_course_listed_new"),
            models.Index(fields=["is_listed", "-enrolled_count"], name="courses_course_listed_popular"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_key(self) -> str:
        """How certificates and other lower layers refer to this course."""
        return f"course:{self.uuid}"

    @property
    def localized_title(self) -> str:
        return in_language(self.titles) or self.title

    @property
    def url(self) -> str:
        return in_language(self.urls) or next(iter(self.urls.values()), "")

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class Module(models.Model):
    """A section of a course's outline, synced from the source-language module page."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    translation_key = models.UUIDField()
    position = models.PositiveIntegerField(default=0)
    titles = models.JSONField(default=dict)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["course", "translation_key"], name="courses_module_unique_key")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.titles)


class Activity(models.Model):
    """One step of a course's outline (lesson, quiz, session), keyed by its page's translation key so that
    every language version of the page is the same activity."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson")
        QUIZ = "quiz", _("Quiz")
        SESSION = "session", _("Live session")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="activities")
    module = models.ForeignKey(Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities")
    translation_key = models.UUIDField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LESSON)
    position = models.PositiveIntegerField(default=0)
    required = models.BooleanField(default=True)
    titles = models.JSONField(default=dict)
    urls = models.JSONField(default=dict)
    # Soft removal: an activity whose page was unpublished, moved out or deleted keeps its learners' history
    # but no longer counts toward completion.
    is_active = models.BooleanField(default=True)
    # A "session" step: the live sessions its lesson shows; attending any one of them completes the step.
    sessions = models.ManyToManyField("webinars.Session", blank=True, related_name="course_steps")

    class Meta:
        ordering = ["position"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["course", "translation_key"], name="courses_activity_unique_key")
        ]
        indexes = [models.Index(fields=["course", "is_active", "position"], name="courses_activity_outline")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.titles)

    @property
    def url(self) -> str:
        return in_language(self.urls)


class Cohort(models.Model):
    """A named group of teachers (a school, a district, a training group) enrolled together."""

    name = models.CharField(_("name"), max_length=255)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("institution")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cohorts", verbose_name=_("members")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Not approved")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        TRAINER = "trainer", _("Enrolled by a trainer")
        BULK = "bulk", _("Bulk enrollment")
        COHORT = "cohort", _("Cohort enrollment")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SELF)
    cohort = models.ForeignKey(Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollments")
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_activity = models.ForeignKey(Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_accessed_at = models.DateTimeField(null=True, blank=True)
    # Copied from the learner for reports, which group by them without joining users.
    country = models.ForeignKey(Country, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_enrollment_unique_user_course"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="courses_enrollment_completed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"], name="courses_enrollment_course"),
            models.Index(fields=["user", "status"], name="courses_enrollment_user"),
            # The dashboard's summary tables count a country's month again after a change (lms.reports.tallies).
            models.Index(fields=["country", "created_at"], name="courses_enroll_country_new"),
            models.Index(fields=["country", "completed_at"], name="courses_enroll_country_done"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    @property
    def is_learning(self) -> bool:
        return self.status in {self.Status.ACTIVE, self.Status.COMPLETED}


class ActivityProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="progress")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "activity"], name="courses_progress_unique_activity")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.activity_id}"


class Announcement(models.Model):
    """A message from a course's trainers to its learners, shown on the course page and emailed."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    subject = models.CharField(pgettext_lazy("email", "subject"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return self.subject
