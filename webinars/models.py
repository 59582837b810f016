"""Online webinars, onsite workshops and hybrid events: their sessions, registrations (with capacity, waitlist
and approval), attendance, reminders sent and private calendar feeds.

Times are stored in UTC; every event also stores its IANA time zone, in which its sessions were planned (a
weekly series keeps its local wall-clock time across daylight-saving changes: see ``timezones.py``).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Country, Region, validate_time_zone


class Event(models.Model):
    class Kind(models.TextChoices):
        ONLINE = "online", _("Online webinar")
        ONSITE = "onsite", _("Onsite workshop")
        HYBRID = "hybrid", _("Hybrid (online and onsite)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Provider(models.TextChoices):
        LINK = "link", _("A meeting link (Jitsi, Zoom, Teams...)")
        BIGBLUEBUTTON = "bbb", _("BigBlueButton")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True, help_text=_("Sanitised HTML."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ONLINE)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The time zone the sessions are planned in, e.g. Europe/Moscow."),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="trained_events", verbose_name=_("trainers")
    )
    # The audience: nobody listed means open to everyone.
    countries = models.ManyToManyField(Country, blank=True, related_name="+", verbose_name=_("for countries"))
    regions = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("for regions"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1)], help_text=_("Empty: no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    requires_approval = models.BooleanField(_("a trainer approves each registration"), default=False)
    venue = models.TextField(_("venue"), blank=True, help_text=_("Address and room, for onsite sessions."))
    provider = models.CharField(
        _("online meetings through"), max_length=10, choices=Provider.choices, default=Provider.LINK
    )
    join_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    materials = models.TextField(_("materials"), blank=True, help_text=_("Sanitised HTML: links to slides, readings."))
    gives_certificate = models.BooleanField(
        _("attendance certificate"),
        default=False,
        help_text=_("Participants present at every session receive a certificate of attendance."),
    )
    # Confirmed registrations, kept by the services under the event's row lock (capacity checks read it).
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    # RFC 5545 SEQUENCE: raised by every change that calendars must learn about.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(confirmed_count__lte=F("capacity")),
                name="webinars_event_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="webinars_event_registration_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.kind in (self.Kind.ONLINE, self.Kind.HYBRID)

    @property
    def is_onsite(self) -> bool:
        return self.kind in (self.Kind.ONSITE, self.Kind.HYBRID)


class Session(models.Model):
    """One meeting of an event, from ``starts_at`` to ``ends_at`` (UTC)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the stable calendar UID
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=255, blank=True, help_text=_("Empty: the event's title."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    venue = models.TextField(_("venue"), blank=True, help_text=_("Empty: the event's venue."))
    # The provider's meeting, once created (BigBlueButton's meetingID), and the recording after the session.
    meeting_id = models.CharField(max_length=255, blank=True, editable=False)
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="webinars_session_ends_after_start")
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="webinars_session_upcoming")]

    def __str__(self) -> str:
        return f"{self.title or self.event.title} {self.starts_at:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Not approved")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations")
    status = models.CharField(max_length=10, choices=Status.choices)
    # The waiting list is first come, first served: by the time someone (re)joined it, then by id.
    queued_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copied from the learner for reports.
    country = models.ForeignKey(Country, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Raised by the registration services at every change of ``status``: her private calendar feed adds it to the
    # event's and the session's SEQUENCE, so her calendar learns that she left, came back or got a place.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="webinars_registration_unique_user")]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="webinars_registration_queue")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id} ({self.status})"


class Attendance(models.Model):
    class Source(models.TextChoices):
        TRAINER = "trainer", _("Marked by a trainer")
        PROVIDER = "provider", _("From the meeting's participant list")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_attendance")
    attended = models.BooleanField(default=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TRAINER)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="webinars_attendance_unique_user")]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.session_id}: {'present' if self.attended else 'absent'}"


class ReminderSent(models.Model):
    """Taken before a reminder is sent, so that it is sent at most once per session, recipient and kind, even
    when beat fires twice or a worker restarts."""

    class Kind(models.TextChoices):
        DAY = "24h", _("24 hours before")
        HOUR = "1h", _("1 hour before")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user", "kind"], name="webinars_reminder_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder of {self.session_id} to {self.user_id}"


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A learner's private calendar address: unguessable, and replaced (so the old one stops working) when she
    asks for a new one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
