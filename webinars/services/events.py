"""Changes to events and their sessions: creating, editing, publishing and cancelling them, and telling the people
registered when something they rely on changes.

Sessions are planned in the event's wall-clock time (``start_local``, naive, in ``event.time_zone``) and stored in
UTC (see ``webinars.timezones``). Every change that calendars must learn about raises the RFC 5545 ``sequence``
of the session and of its event.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, RoleGrant, User
from core.mail import email_send
from core.sanitize import sanitize_html
from webinars.models import Event, Registration, Session
from webinars.selectors.registrations import ACTIVE_STATUSES, user_can_manage_event
from webinars.services.registration import event_url_in, registration_fill_places
from webinars.signals import sessions_cancelled
from webinars.timezones import LocalTimeError, format_in, to_utc, weekly

# What a trainer sets on an event (status and sequence change only through the services below).
EVENT_FIELDS = {
    "title",
    "description",
    "language",
    "kind",
    "topic",
    "time_zone",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "requires_approval",
    "venue",
    "provider",
    "join_url",
    "materials",
    "gives_certificate",
}
EVENT_RELATIONS = {"trainers", "countries", "regions"}
RICH_TEXT_FIELDS = {"description", "materials"}
# A change to one of these is emailed to the people registered.
NOTIFIED_FIELDS = ("title", "kind", "venue", "join_url")
MAX_SERIES_WEEKS = 52


class EventError(Exception):
    """Why an event or session cannot be changed so, worded for the trainer. ``ambiguous``: the local time
    happens twice (the autumn fold); ask which of the two is meant and pass ``fold``."""

    def __init__(self, message: str, *, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.ambiguous = ambiguous


# Events --------------------------------------------------------------------------------------------------------


def event_create(*, by: User, title: str, time_zone: str, **fields: Any) -> Event:
    """A draft event. Only trainers and superusers create events; the creator becomes one of its trainers."""
    if not _is_trainer(by):
        raise PermissionDenied(_("Only trainers can create events."))
    relations = _split_fields(fields)
    event = Event(title=title, time_zone=time_zone, created_by=by)
    for name, value in fields.items():
        setattr(event, name, value)
    _clean_event(event)
    with transaction.atomic():
        event.save()
        for name, values in relations.items():
            getattr(event, name).set(values)
        event.trainers.add(by)
    return event


def event_update(event: Event, *, by: User, **fields: Any) -> Event:
    """Change an event's settings. Any change raises its ``sequence``; a change to its title, kind, venue or
    meeting link is emailed to the people registered."""
    _check_manager(by, event)
    relations = _split_fields(fields)
    with transaction.atomic():
        locked = _lock_event(event)
        if locked.status == Event.Status.CANCELLED:
            raise EventError(_("This event is cancelled and can no longer be changed."))
        previous_title, previous_capacity = locked.title, locked.capacity
        changed = []
        for name, value in fields.items():
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if changed:
            _clean_event(locked)
            locked.sequence += 1
            locked.updated_at = timezone.now()
            locked.save(update_fields=[*changed, "sequence", "updated_at"])
        for name, values in relations.items():
            getattr(locked, name).set(values)
        if "capacity" in changed and (
            locked.capacity is None or (previous_capacity is not None and locked.capacity > previous_capacity)
        ):
            registration_fill_places(event=locked)  # more places: the waiting list moves up
        notified = [name for name in NOTIFIED_FIELDS if name in changed]
        if not locked.is_onsite and "venue" in notified:
            notified.remove("venue")
        if not locked.is_online and "join_url" in notified:
            notified.remove("join_url")
        if notified:
            sessions = list(_sessions_to_come(locked))
            _notify(
                locked,
                "event_changed",
                lambda user: {
                    "changed": notified,
                    "previous_title": previous_title,
                    "kind": locked.get_kind_display(),
                    "sessions": [_session_times(session, user, locked) for session in sessions],
                },
            )
    _copy(locked, into=event)
    return event


def event_publish(event: Event, *, by: User) -> Event:
    """Show a draft event in the list, so that people can register. It needs a session still to come."""
    _check_manager(by, event)
    with transaction.atomic():
        locked = _lock_event(event)
        if locked.status == Event.Status.CANCELLED:
            raise EventError(_("This event is cancelled and cannot be published again."))
        if locked.status == Event.Status.DRAFT:
            if not _sessions_to_come(locked).exists():
                raise EventError(_("Add a session that is still to come before publishing the event."))
            locked.status, locked.updated_at = Event.Status.PUBLISHED, timezone.now()
            locked.save(update_fields=["status", "updated_at"])
    _copy(locked, into=event)
    return event


def event_cancel(event: Event, *, by: User) -> Event:
    """Cancel the event and every session of it that has not started; the people registered are told (their
    registrations stay, so that their calendars learn of the cancellation). Cancelling twice does nothing."""
    _check_manager(by, event)
    with transaction.atomic():
        locked = _lock_event(event)
        if locked.status == Event.Status.CANCELLED:
            _copy(locked, into=event)
            return event
        now = timezone.now()
        cancelled = list(_sessions_to_come(locked, now=now).filter(starts_at__gt=now))
        Session.objects.filter(pk__in=[session.pk for session in cancelled]).update(
            status=Session.Status.CANCELLED, sequence=F("sequence") + 1
        )
        was_published = locked.status == Event.Status.PUBLISHED
        locked.status, locked.sequence, locked.updated_at = Event.Status.CANCELLED, locked.sequence + 1, now
        locked.save(update_fields=["status", "sequence", "updated_at"])
        if was_published:
            _notify(
                locked,
                "event_cancelled",
                lambda user: {"sessions": [_session_times(session, user, locked) for session in cancelled]},
            )
        _announce_cancelled([session.pk for session in cancelled])
    _copy(locked, into=event)
    return event


# Sessions ------------------------------------------------------------------------------------------------------


def session_add(
    event: Event,
    *,
    by: User,
    start_local: datetime,
    minutes: int,
    fold: int | None = None,
    title: str = "",
    venue: str = "",
) -> Session:
    """A session starting at ``start_local`` (naive, in the event's time zone) and lasting ``minutes``.

    A time skipped by the clocks is refused; one that happens twice needs ``fold`` (0: the first, 1: the second),
    else ``EventError`` with ``ambiguous`` set.
    """
    _check_manager(by, event)
    with transaction.atomic():
        locked = _lock_event(event)
        _check_not_cancelled(locked)
        starts_at = _start(start_local, locked.time_zone, fold=fold)
        session = Session(
            event=locked,
            title=title.strip(),
            starts_at=starts_at,
            ends_at=starts_at + _duration(minutes),
            venue=venue.strip(),
        )
        session.full_clean()
        session.save()
    return session


def session_series_add(
    event: Event,
    *,
    by: User,
    first_local: datetime,
    minutes: int,
    weeks: int,
    fold: int | None = None,
    title: str = "",
    venue: str = "",
) -> list[Session]:
    """``weeks`` weekly sessions, each at the local time of ``first_local`` in the event's time zone (so their UTC
    time moves when daylight saving time starts or ends). If any week's time is refused, none is added."""
    _check_manager(by, event)
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise EventError(
            ngettext(
                "A series has from 1 to %(max)d week.",
                "A series has from 1 to %(max)d weeks.",
                MAX_SERIES_WEEKS,
            )
            % {"max": MAX_SERIES_WEEKS}
        )
    duration = _duration(minutes)
    _check_local(first_local)
    with transaction.atomic():
        locked = _lock_event(event)
        _check_not_cancelled(locked)
        try:
            starts = weekly(first_local, locked.time_zone, weeks=weeks, fold=fold)
        except LocalTimeError as error:
            raise EventError(str(error), ambiguous=error.ambiguous) from error
        _check_future(starts[0])
        sessions = [
            Session(event=locked, title=title.strip(), starts_at=start, ends_at=start + duration, venue=venue.strip())
            for start in starts
        ]
        for session in sessions:
            session.full_clean()
        return Session.objects.bulk_create(sessions)


def session_update(
    session: Session,
    *,
    by: User,
    start_local: datetime | None = None,
    minutes: int | None = None,
    fold: int | None = None,
    venue: str | None = None,
) -> Session:
    """Move a session (``start_local`` in the event's time zone; it keeps its length unless ``minutes`` is given),
    change its length or its venue. Raises the session's and the event's ``sequence`` and emails the people
    registered the new time, in each one's own time zone."""
    event = session.event
    _check_manager(by, event)
    with transaction.atomic():
        locked_event = _lock_event(event)
        locked = Session.objects.select_for_update().get(pk=session.pk)
        _check_not_cancelled(locked_event)
        if locked.status == Session.Status.CANCELLED:
            raise EventError(_("This session is cancelled and can no longer be changed."))
        if locked.ends_at <= timezone.now():
            raise EventError(_("This session is over and can no longer be changed."))
        before = (locked.starts_at, locked.ends_at, locked.venue)
        length = locked.ends_at - locked.starts_at
        if start_local is not None:
            locked.starts_at = _start(start_local, locked_event.time_zone, fold=fold)
        locked.ends_at = locked.starts_at + (_duration(minutes) if minutes is not None else length)
        if venue is not None:
            locked.venue = venue.strip()
        if (locked.starts_at, locked.ends_at, locked.venue) == before:
            _copy(locked, into=session)
            return session
        locked.full_clean()
        locked.sequence += 1
        locked.save(update_fields=["starts_at", "ends_at", "venue", "sequence"])
        _raise_sequence(locked_event)
        old_start = before[0]
        _notify(
            locked_event,
            "session_changed",
            lambda user: {
                **_session_times(locked, user, locked_event),
                "was": format_in(old_start, _zone_of(user)),
                "start_changed": locked.starts_at != before[0],
                "time_changed": (locked.starts_at, locked.ends_at) != before[:2],
                "venue_changed": locked.venue != before[2],
            },
        )
    _copy(locked, into=session)
    return session


def session_cancel(session: Session, *, by: User) -> Session:
    """Cancel one session (it stays, marked cancelled, so that calendars learn of it) and tell the people
    registered. Cancelling twice does nothing; a session that has ended cannot be cancelled."""
    event = session.event
    _check_manager(by, event)
    with transaction.atomic():
        locked_event = _lock_event(event)
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.status == Session.Status.CANCELLED:
            _copy(locked, into=session)
            return session
        if locked.ends_at <= timezone.now():
            raise EventError(_("This session is over and cannot be cancelled."))
        locked.status, locked.sequence = Session.Status.CANCELLED, locked.sequence + 1
        locked.save(update_fields=["status", "sequence"])
        _raise_sequence(locked_event)
        if locked_event.status == Event.Status.PUBLISHED:
            _notify(locked_event, "session_cancelled", lambda user: _session_times(locked, user, locked_event))
        _announce_cancelled([locked.pk])
    _copy(locked, into=session)
    return session


# Helpers -------------------------------------------------------------------------------------------------------


def _announce_cancelled(session_ids: list[int]) -> None:
    """Send ``sessions_cancelled`` once the cancellation commits (nothing for an empty list)."""
    if session_ids:
        transaction.on_commit(lambda: sessions_cancelled.send_robust(sender=Session, session_ids=sorted(session_ids)))


def _is_trainer(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or RoleGrant.objects.filter(user=user, role=Role.TRAINER).exists()


def _check_manager(user: User, event: Event) -> None:
    if not user_can_manage_event(user, event):
        raise PermissionDenied(_("Only the event's trainers can change it."))


def _check_not_cancelled(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise EventError(_("This event is cancelled and can no longer be changed."))


def _split_fields(fields: dict[str, Any]) -> dict[str, Iterable[Any]]:
    """Take the many-to-many settings out of ``fields``; refuse names that are not settings."""
    unknown = set(fields) - EVENT_FIELDS - EVENT_RELATIONS
    if unknown:
        raise TypeError(f"Not event settings: {', '.join(sorted(unknown))}")
    relations = {name: fields.pop(name) for name in list(fields) if name in EVENT_RELATIONS}
    for name in RICH_TEXT_FIELDS & set(fields):
        fields[name] = sanitize_html(fields[name] or "")
    return {name: values for name, values in relations.items() if values is not None}


def _clean_event(event: Event) -> None:
    errors = {}
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens is not None and closes is not None and closes <= opens:
        errors["registration_closes_at"] = [_("Registration must close after it opens.")]
    if event.capacity is not None and event.pk is not None and event.capacity < event.confirmed_count:
        errors["capacity"] = [
            ngettext(
                "%(count)d person already has a place: the event needs at least that many places.",
                "%(count)d people already have a place: the event needs at least that many places.",
                event.confirmed_count,
            )
            % {"count": event.confirmed_count}
        ]
    if errors:
        raise ValidationError(errors)
    event.full_clean()


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _copy(source: Event | Session, *, into: Event | Session) -> None:
    """Give the caller's object the saved values (the service worked on a locked copy)."""
    if source is into:
        return
    for field in source._meta.concrete_fields:
        setattr(into, field.attname, getattr(source, field.attname))


def _raise_sequence(event: Event) -> None:
    event.sequence += 1
    event.updated_at = timezone.now()
    event.save(update_fields=["sequence", "updated_at"])


def _sessions_to_come(event: Event, *, now: datetime | None = None):
    return event.sessions.filter(status=Session.Status.SCHEDULED, ends_at__gt=now or timezone.now()).order_by(
        "starts_at", "pk"
    )


def _check_local(start_local: datetime) -> None:
    if start_local.tzinfo is not None:
        raise ValueError("start_local is a naive wall-clock time in the event's time zone")


def _start(start_local: datetime, zone_name: str, *, fold: int | None) -> datetime:
    _check_local(start_local)
    try:
        starts_at = to_utc(start_local, zone_name, fold=fold)
    except LocalTimeError as error:
        raise EventError(str(error), ambiguous=error.ambiguous) from error
    _check_future(starts_at)
    return starts_at


def _check_future(starts_at: datetime) -> None:
    if starts_at <= timezone.now():
        raise EventError(_("A session cannot start in the past."))


def _duration(minutes: int) -> timedelta:
    if minutes is None or minutes < 1:
        raise EventError(_("A session lasts at least one minute."))
    return timedelta(minutes=minutes)


# Emails --------------------------------------------------------------------------------------------------------


def _zone_of(user: User) -> str:
    try:
        zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return user.time_zone


def _session_times(session: Session, user: User, event: Event) -> dict[str, Any]:
    """When the session is, for ``user`` (in the active language): in her time zone and in the event's."""
    zone = _zone_of(user)
    return {
        "session_title": session.title or event.title,
        "when": format_in(session.starts_at, zone),
        "when_event": format_in(session.starts_at, event.time_zone) if zone != event.time_zone else "",
        "minutes": round((session.ends_at - session.starts_at).total_seconds() / 60),
        "venue": session.venue or (event.venue if event.is_onsite else ""),
    }


def _notify(event: Event, template: str, context_for: Callable[[User], dict[str, Any]]) -> int:
    """Email everyone registered (confirmed, waiting or asking for a place) who has an email address, in her
    language and time zone. Returns how many were queued (sent after the transaction commits)."""
    registrations = (
        Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES, user__is_active=True)
        .exclude(user__email__isnull=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    for registration in registrations.iterator():
        user = registration.user
        language = user.preferred_language
        with translation.override(language):
            context = {
                "user": user,
                "event": event,
                "event_title": event.title,
                "event_url": event_url_in(event, language),
                "registration": registration,
                **context_for(user),
            }
        email_send(to=user.email, language=language, template=f"webinars/email/{template}", context=context)
        sent += 1
    return sent
