"""Reads of registrations: who may manage an event, who may register and when, who may join a session now, the
waiting list and the trainer's list of participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, RoleGrant
from webinars.models import Event, Registration, Session

WindowState = Literal["not_open", "open", "closed"]

# Registrations that hold a place, a place on the waiting list or a request: the learner is "registered".
ACTIVE_STATUSES = (
    Registration.Status.PENDING,
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
)
# The trainer's list: those with a place first, then requests, the waiting list, and those who left.
_LIST_ORDER = Case(
    When(status=Registration.Status.CONFIRMED, then=Value(0)),
    When(status=Registration.Status.PENDING, then=Value(1)),
    When(status=Registration.Status.WAITLISTED, then=Value(2)),
    When(status=Registration.Status.CANCELLED, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def user_can_manage_event(user, event: Event) -> bool:
    """Superusers, and trainers (with the trainer role) who are trainers of this event."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        event.trainers.filter(pk=user.pk).exists() and RoleGrant.objects.filter(user=user, role=Role.TRAINER).exists()
    )


def registration_for(*, user, event: Event) -> Registration | None:
    """The user's registration for the event, whatever its status, or None."""
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(user=user, event=event).first()


@dataclass(frozen=True)
class EventViewer:
    """What one user is to one event, read once for a page: whether she is signed in, her registration (None:
    none, or not signed in) and whether she manages the event."""

    signed_in: bool
    registration: Registration | None
    manager: bool


def event_viewer_get(*, user, event: Event) -> EventViewer:
    """``user`` as ``event`` sees her: at most three queries, whatever the number of sessions."""
    return EventViewer(
        signed_in=user.is_authenticated,
        registration=registration_for(user=user, event=event),
        manager=user_can_manage_event(user, event),
    )


def session_join_refusal(session: Session, *, viewer: EventViewer, now: datetime) -> str | None:
    """Why ``viewer`` may not join the online ``session`` (of ``session.event``) at ``now``, worded for her; None
    when she may: the event's managers and confirmed participants, from ``WEBINAR_JOIN_OPENS_BEFORE`` before the
    session starts until it ends. Reads nothing from the database."""
    event = session.event
    if not event.is_online:
        return _("This session is held onsite only.")
    if event.status == Event.Status.CANCELLED or session.status != Session.Status.SCHEDULED:
        return _("This session is cancelled.")
    if event.status != Event.Status.PUBLISHED:
        return _("This event is not published yet.")
    if not viewer.manager:
        if not viewer.signed_in:
            return _("Log in and register to join.")
        status = viewer.registration.status if viewer.registration is not None else None
        if status in (Registration.Status.PENDING, Registration.Status.WAITLISTED):
            return _("Your place is not confirmed yet: the link is for confirmed participants.")
        if status != Registration.Status.CONFIRMED:
            return _("Register to join.")
    if now < session.starts_at - settings.WEBINAR_JOIN_OPENS_BEFORE:
        minutes = int(settings.WEBINAR_JOIN_OPENS_BEFORE.total_seconds() // 60)
        return ngettext(
            "The link appears %(minutes)s minute before the session starts.",
            "The link appears %(minutes)s minutes before the session starts.",
            minutes,
        ) % {"minutes": minutes}
    if now >= session.ends_at:
        return _("This session is over.")
    return None


def event_is_open_to(*, event: Event, user) -> bool:
    """Whether the event's audience includes the user: an event for no country or region is for everyone;
    otherwise her country must be one of its countries or her region one of its regions."""
    countries = {country.pk for country in event.countries.all()}  # uses a prefetch when there is one
    regions = {region.pk for region in event.regions.all()}
    if not countries and not regions:
        return True
    country_id = getattr(user, "country_id", None)
    region_id = getattr(user, "region_id", None)
    return (country_id is not None and country_id in countries) or (region_id is not None and region_id in regions)


def first_session(event: Event) -> Session | None:
    """The event's first scheduled session."""
    return event.sessions.filter(status=Session.Status.SCHEDULED).order_by("starts_at", "pk").first()


def registration_window_state(event: Event, now: datetime | None = None) -> WindowState:
    """``"not_open"`` before registration opens, ``"closed"`` once it has closed or the first scheduled session
    has started, else ``"open"``."""
    now = now or timezone.now()
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "not_open"
    if event.registration_closes_at is not None and now >= event.registration_closes_at:
        return "closed"
    first = first_session(event)
    if first is not None and first.starts_at <= now:
        return "closed"
    return "open"


def waitlist(event: Event) -> QuerySet[Registration]:
    """The waiting list, first come first served: by the time each person (re)joined it, then by id."""
    return (
        Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
        .select_related("user")
        .order_by("queued_at", "pk")
    )


def participants_for(*, event: Event, user) -> QuerySet[Registration]:
    """Every registration of the event with its learner, for the event's trainers: confirmed first, then
    requests waiting for approval, the waiting list in its order, then those who cancelled or were turned
    down. Raises ``PermissionDenied`` for anyone who cannot manage the event."""
    if not user_can_manage_event(user, event):
        raise PermissionDenied
    return (
        Registration.objects.filter(event=event)
        .select_related("user", "country", "region", "added_by")
        .annotate(list_order=_LIST_ORDER)
        .order_by("list_order", "queued_at", "pk")
    )
