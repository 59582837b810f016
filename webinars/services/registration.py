"""Registering for events and cancelling, the waiting list, approval, and trainers adding and removing people.

Every change that gives or frees a place first takes the event's row lock (``select_for_update``), so these
changes happen one after another for each event: ``Event.confirmed_count``, which the capacity check reads, then
always equals the number of confirmed registrations and never exceeds the capacity (a check constraint stands
behind it), also when many people register at the same moment. The unique constraint on (event, user) keeps one
registration per person; registering again after cancelling reuses it, at the back of the waiting list.

A free place always goes to the waiting list first, first come first served (by ``queued_at``, then id): a
newcomer, an approved request or a person a trainer adds joins the list and takes a place only if it reaches
her. Emails are written in the recipient's language and time zone and go out after the commit (``email_send``
queues them through the outbox).

Every change of a registration's status raises its ``sequence``, which her private calendar feed adds to the
SEQUENCE of the event's sessions: her calendar then replaces what it shows (the sessions cancelled when she
leaves or is turned down, planned again when she comes back, and refreshed when she gets a place).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.mail import email_send
from webinars.models import Event, Registration, Session
from webinars.selectors.registrations import (
    ACTIVE_STATUSES,
    event_is_open_to,
    registration_window_state,
    user_can_manage_event,
)
from webinars.timezones import format_in, local

Status = Registration.Status


class RegistrationError(Exception):
    """A reason someone cannot register (or be added), worded for her in the active language."""


# Registering -------------------------------------------------------------------------------------------------


def registration_register(*, event: Event, user: User, now: datetime | None = None) -> Registration:
    """Register ``user`` for a published event she is in the audience of, while registration is open.

    She gets a place if one is free and nobody is waiting for it, else a place on the waiting list; if the
    event needs approval, her registration waits for a trainer. Returns her registration; one that is already
    active (confirmed, waiting or pending) is returned unchanged. Raises ``RegistrationError``.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock(event)
        moment = now or timezone.now()  # taken under the lock: the waiting list is in the order people got it
        registration = Registration.objects.filter(event=locked, user=user).first()
        if registration is not None and registration.status in ACTIVE_STATUSES:
            return registration
        _check_can_register(locked, user, moment)
        status = Status.PENDING if locked.requires_approval else Status.WAITLISTED
        registration = _queue(locked, user, status=status, moment=moment, existing=registration)
        promoted = _fill_places(locked, moment) if status == Status.WAITLISTED else []
        notices = _Notices(locked, moment)
        for other in promoted:
            if other.pk == registration.pk:
                registration.status, registration.sequence = Status.CONFIRMED, other.sequence
            else:
                notices.send(other, "registration_promoted")
        template = {
            Status.CONFIRMED: "registration_confirmed",
            Status.WAITLISTED: "registration_waitlisted",
            Status.PENDING: "registration_pending",
        }[registration.status]
        notices.send(registration, template)
    return registration


def _check_can_register(event: Event, user: User, moment: datetime) -> None:
    if event.status == Event.Status.CANCELLED:
        raise RegistrationError(_("This event has been cancelled."))
    if event.status != Event.Status.PUBLISHED:
        raise RegistrationError(_("This event is not open for registration."))
    if not event_is_open_to(event=event, user=user):
        raise RegistrationError(
            _(
                "This event is only for teachers in particular countries or regions. If yours is one of them, "
                "add it to your profile."
            )
        )
    state = registration_window_state(event, moment)
    if state == "not_open":
        opens_at = format_in(event.registration_opens_at, user.time_zone or "UTC")
        raise RegistrationError(_("Registration opens on %(time)s.") % {"time": opens_at})
    if state == "closed":
        raise RegistrationError(_("Registration for this event has closed."))


# Cancelling and removing -------------------------------------------------------------------------------------


def registration_cancel(*, registration: Registration, by: User, now: datetime | None = None) -> Registration:
    """Cancel a registration: the learner herself, or one of the event's trainers. A confirmed place goes to
    the first person on the waiting list, who is told by email. Cancelling again changes nothing."""
    event = registration.event
    by_herself = by.is_authenticated and by.pk == registration.user_id
    if not by_herself and not user_can_manage_event(by, event):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock(event)
        moment = now or timezone.now()
        current = Registration.objects.select_related("user").get(pk=registration.pk)
        if current.status in ACTIVE_STATUSES:
            was_confirmed = current.status == Status.CONFIRMED
            current.status, current.updated_at, current.sequence = Status.CANCELLED, moment, current.sequence + 1
            current.save(update_fields=["status", "updated_at", "sequence"])
            promoted = []
            if was_confirmed:
                _count(locked, -1)
                if not _is_over(locked, moment):
                    promoted = _fill_places(locked, moment)
            notices = _Notices(locked, moment)
            if not by_herself:
                notices.send(current, "registration_removed")
            for other in promoted:
                notices.send(other, "registration_promoted")
    registration.refresh_from_db()
    return registration


def registration_remove(*, registration: Registration, by: User) -> Registration:
    """One of the event's trainers takes a participant off the event (she is told by email); her place goes to
    the first person on the waiting list."""
    if not user_can_manage_event(by, registration.event):
        raise PermissionDenied(_("Only the event's trainers can remove participants."))
    return registration_cancel(registration=registration, by=by)


# Approval ----------------------------------------------------------------------------------------------------


def registration_decide(*, registration: Registration, by: User, approve: bool) -> Registration:
    """One of the event's trainers approves a request (a place if one is free, else the waiting list, in the
    order people asked) or turns it down. The learner is told by email. A request already decided is left as
    it is."""
    if not user_can_manage_event(by, registration.event):
        raise PermissionDenied(_("Only the event's trainers can approve registrations."))
    with transaction.atomic():
        locked = _lock(registration.event)
        moment = timezone.now()
        current = Registration.objects.select_related("user").get(pk=registration.pk)
        if current.status == Status.PENDING:
            current.status = Status.WAITLISTED if approve else Status.REJECTED
            current.updated_at, current.sequence = moment, current.sequence + 1
            current.save(update_fields=["status", "updated_at", "sequence"])
            promoted = _fill_places(locked, moment) if approve else []
            notices = _Notices(locked, moment)
            for other in promoted:
                if other.pk == current.pk:
                    current.status, current.sequence = Status.CONFIRMED, other.sequence
                else:
                    notices.send(other, "registration_promoted")
            if not approve:
                notices.send(current, "registration_rejected")
            elif current.status == Status.CONFIRMED:
                notices.send(current, "registration_approved")
            else:
                notices.send(current, "registration_waitlisted", approved=True)
    registration.refresh_from_db()
    return registration


# Trainers adding people --------------------------------------------------------------------------------------


def registration_add(*, event: Event, by: User, users: Iterable[User]) -> int:
    """One of the event's trainers registers people (whatever the audience, the registration window or the
    approval setting): each gets a free place, or a place on the waiting list when the event is full, and an
    email. People already confirmed or waiting are left as they are; a pending request counts as approved.
    Returns how many were added."""
    if not user_can_manage_event(by, event):
        raise PermissionDenied(_("Only the event's trainers can add participants."))
    people = list({user.pk: user for user in users}.values())
    with transaction.atomic():
        locked = _lock(event)
        if locked.status != Event.Status.PUBLISHED:
            raise RegistrationError(_("Publish the event before adding participants."))
        moment = timezone.now()
        existing = {
            registration.user_id: registration
            for registration in Registration.objects.filter(event=locked, user__in=[user.pk for user in people])
        }
        added: dict[int, Registration] = {}
        for user in people:
            registration = existing.get(user.pk)
            if registration is not None and registration.status in (Status.CONFIRMED, Status.WAITLISTED):
                continue
            if registration is not None and registration.status == Status.PENDING:
                # She asked first: she keeps her place in the order.
                registration.status, registration.added_by, registration.updated_at = Status.WAITLISTED, by, moment
                registration.sequence += 1
                registration.save(update_fields=["status", "added_by", "updated_at", "sequence"])
            else:
                registration = _queue(
                    locked, user, status=Status.WAITLISTED, moment=moment, existing=registration, added_by=by
                )
            added[registration.pk] = registration
        notices = _Notices(locked, moment)
        for other in _fill_places(locked, moment):
            if other.pk in added:
                added[other.pk].status, added[other.pk].sequence = Status.CONFIRMED, other.sequence
            else:
                notices.send(other, "registration_promoted")
        for registration in added.values():
            template = (
                "registration_confirmed" if registration.status == Status.CONFIRMED else "registration_waitlisted"
            )
            notices.send(registration, template, added_by=by)
    return len(added)


def registration_fill_places(*, event: Event) -> int:
    """Give places that have opened without a cancellation (the event's capacity was raised or removed) to the
    waiting list, first come first served, and tell each person by email. Returns how many got a place. For the
    event services to call after such a change."""
    with transaction.atomic():
        locked = _lock(event)
        moment = timezone.now()
        if locked.status != Event.Status.PUBLISHED or _is_over(locked, moment):
            return 0
        promoted = _fill_places(locked, moment)
        notices = _Notices(locked, moment)
        for registration in promoted:
            notices.send(registration, "registration_promoted")
    event.confirmed_count = locked.confirmed_count
    return len(promoted)


# Places and the waiting list ---------------------------------------------------------------------------------


def _lock(event: Event) -> Event:
    """The event's row, locked until the end of the transaction: one change of its places at a time."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _queue(
    event: Event,
    user: User,
    *,
    status: str,
    moment: datetime,
    existing: Registration | None,
    added_by: User | None = None,
) -> Registration:
    """Create her registration, or reuse the one she cancelled (or that was turned down), at the back of the
    queue. The caller holds the event's lock."""
    geography = {"country_id": user.country_id, "region_id": user.region_id}
    if existing is None:
        return Registration.objects.create(
            event=event,
            user=user,
            status=status,
            queued_at=moment,
            created_at=moment,
            updated_at=moment,
            added_by=added_by,
            **geography,
        )
    existing.status, existing.queued_at, existing.updated_at, existing.added_by = status, moment, moment, added_by
    existing.country_id, existing.region_id = geography["country_id"], geography["region_id"]
    existing.sequence += 1  # her calendar had the sessions as cancelled
    existing.save(update_fields=["status", "queued_at", "updated_at", "added_by", "country", "region", "sequence"])
    return existing


def _fill_places(event: Event, moment: datetime) -> list[Registration]:
    """Give the free places to the waiting list, first come first served. The caller holds the event's lock,
    and ``event`` is the locked row (its ``confirmed_count`` is current)."""
    queue = (
        Registration.objects.filter(event=event, status=Status.WAITLISTED)
        .select_related("user")
        .order_by("queued_at", "pk")
    )
    if event.capacity is not None:
        free = event.capacity - event.confirmed_count
        if free <= 0:
            return []
        queue = queue[:free]
    promoted = list(queue)
    if promoted:
        Registration.objects.filter(pk__in=[registration.pk for registration in promoted]).update(
            status=Status.CONFIRMED, updated_at=moment, sequence=F("sequence") + 1
        )
        for registration in promoted:
            registration.status, registration.updated_at = Status.CONFIRMED, moment
            registration.sequence += 1
        _count(event, len(promoted))
    return promoted


def _count(event: Event, change: int) -> None:
    Event.objects.filter(pk=event.pk).update(confirmed_count=F("confirmed_count") + change)
    event.confirmed_count += change


def _is_over(event: Event, moment: datetime) -> bool:
    """Every scheduled session has ended (a place that opens then is no use to anyone)."""
    sessions = Session.objects.filter(event=event, status=Session.Status.SCHEDULED)
    return sessions.exists() and not sessions.filter(ends_at__gt=moment).exists()


# Emails ------------------------------------------------------------------------------------------------------


def event_url_in(event: Event, language: str) -> str:
    return settings.SITE_URL.rstrip("/") + f"/{language}/webinars/{event.uuid}/"


class _Notices:
    """Emails about one event's registrations, each in its recipient's language and time zone. The event's
    sessions are read once."""

    def __init__(self, event: Event, moment: datetime) -> None:
        self.event = event
        self.moment = moment
        self._sessions: list[Session] | None = None

    def _sessions_ahead(self) -> tuple[Session | None, bool, int]:
        """The session to tell about: the first scheduled one, or once the event has begun the next one that
        has not started; whether it is such a later one; and how many scheduled sessions the event has."""
        if self._sessions is None:
            self._sessions = list(
                Session.objects.filter(event=self.event, status=Session.Status.SCHEDULED)
                .only("starts_at")
                .order_by("starts_at", "pk")
            )
        if not self._sessions:
            return None, False, 0
        upcoming = [session for session in self._sessions if session.starts_at > self.moment]
        if upcoming and upcoming[0] is not self._sessions[0]:
            return upcoming[0], True, len(self._sessions)
        return self._sessions[0], False, len(self._sessions)

    def send(self, registration: Registration, template: str, **extra: Any) -> None:
        user = registration.user
        if not user.email:
            return
        event = self.event
        language = user.preferred_language or settings.LANGUAGE_CODE
        user_zone = user.time_zone or "UTC"
        session, is_next, sessions_count = self._sessions_ahead()
        starts_at = starts_at_event_zone = ""
        with translation.override(language):  # the date in her language
            if session is not None:
                starts_at = format_in(session.starts_at, user_zone)
                if (
                    local(session.starts_at, event.time_zone).utcoffset()
                    != local(session.starts_at, user_zone).utcoffset()
                ):
                    starts_at_event_zone = format_in(session.starts_at, event.time_zone)
        context = {
            "user": user,
            "event_title": event.title,
            "event_url": event_url_in(event, language),
            "event_time_zone": event.time_zone,
            "user_time_zone": user_zone,
            "starts_at": starts_at,
            "starts_at_event_zone": starts_at_event_zone,
            "is_next_session": is_next,
            "sessions_count": sessions_count,
            **extra,
        }
        if "added_by" in context:
            context["added_by_name"] = context.pop("added_by").full_name
        if registration.status == Status.WAITLISTED:
            context["ahead"] = (
                Registration.objects.filter(event=event, status=Status.WAITLISTED)
                .filter(
                    Q(queued_at__lt=registration.queued_at)
                    | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
                )
                .count()
            )
        email_send(to=user.email, language=language, template=f"webinars/email/{template}", context=context)
