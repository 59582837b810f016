"""Reads of events: the ones a trainer manages (with their counts and attendance), and the public lists of
upcoming and past events. Each runs a fixed number of queries, whatever the number of events and sessions."""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime
from typing import Literal, NamedTuple

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models import When as CaseWhen
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import Exact
from django.utils import timezone

from accounts.models import Country, Role, RoleGrant
from webinars.models import Attendance, Event, Registration, Session

When = Literal["upcoming", "past"]


def events_managed_by(user) -> QuerySet[Event]:
    """Superusers: every event; trainers (with the trainer role): the events they are trainers of."""
    if not user.is_authenticated:
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    if not RoleGrant.objects.filter(user=user, role=Role.TRAINER).exists():
        return Event.objects.none()
    return Event.objects.filter(trainers=user)


class ManagedEvents(NamedTuple):
    """A trainer's events in the three parts of her list, each row annotated (see ``event_list_managed_by``)."""

    upcoming: QuerySet[Event]  # published, with a session still to come: the soonest first
    drafts: QuerySet[Event]  # the newest first
    past: QuerySet[Event]  # cancelled, or published with no session to come: the most recent first


def event_list_managed_by(user, *, now: datetime | None = None) -> ManagedEvents:
    """The events ``user`` manages (``events_managed_by``), upcoming, drafts and past, each annotated with:

    - ``next_starts_at``: the start of its first scheduled session that has not ended (None when there is none);
    - ``last_starts_at``: the start of its last session, whatever its status;
    - ``waitlisted`` and ``pending``: the registrations on the waiting list and waiting for approval;
    - ``present`` and ``sessions_marked``: the attendance marks "present" at its scheduled sessions, and how
      many of those sessions have any mark;
    - ``attendance_rate``: the people marked present out of the people with a place (``confirmed_count``) at
      each session whose attendance was taken, in whole percent up to 100; None before any was taken or
      without anyone confirmed.

    Each part is one query, whatever the number of events (the counts are subqueries: no join multiplies
    the rows)."""
    now = now or timezone.now()
    scheduled = Session.objects.filter(event=OuterRef("pk"), status=Session.Status.SCHEDULED)
    registrations = Registration.objects.filter(event=OuterRef("pk"))
    events = events_managed_by(user).annotate(
        next_starts_at=Subquery(scheduled.filter(ends_at__gt=now).order_by("starts_at", "pk").values("starts_at")[:1]),
        last_starts_at=Subquery(
            Session.objects.filter(event=OuterRef("pk")).order_by("-starts_at", "-pk").values("starts_at")[:1]
        ),
        waitlisted=_counted(registrations.filter(status=Registration.Status.WAITLISTED), by="event"),
        pending=_counted(registrations.filter(status=Registration.Status.PENDING), by="event"),
        present=_counted(
            Attendance.objects.filter(
                session__event=OuterRef("pk"), session__status=Session.Status.SCHEDULED, attended=True
            ),
            by="session__event",
        ),
        sessions_marked=_counted(scheduled.filter(attendance__isnull=False), by="event"),
    )
    events = events.annotate(
        attendance_rate=Case(
            CaseWhen(Q(sessions_marked=0) | Q(confirmed_count=0), then=Value(None)),
            default=Least(
                Value(100),
                rounded_percent(
                    F("present"), ExpressionWrapper(F("sessions_marked") * F("confirmed_count"), IntegerField())
                ),
            ),
            output_field=IntegerField(),
        )
    )
    return ManagedEvents(
        upcoming=events.filter(status=Event.Status.PUBLISHED, next_starts_at__isnull=False).order_by(
            "next_starts_at", "pk"
        ),
        drafts=events.filter(status=Event.Status.DRAFT).order_by("-created_at", "-pk"),
        past=events.filter(
            Q(status=Event.Status.CANCELLED) | Q(status=Event.Status.PUBLISHED, next_starts_at__isnull=True)
        ).order_by(F("last_starts_at").desc(nulls_last=True), "-created_at", "-pk"),
    )


def _counted(queryset: QuerySet, *, by: str) -> Coalesce:
    """The number of rows of ``queryset`` (filtered on an ``OuterRef``), as a subquery: no join multiplies the
    outer rows, and the number of queries does not grow with the rows."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk", distinct=True)).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def rounded_percent(part: Combinable, whole: Combinable) -> ExpressionWrapper:
    """``round(100 * part / whole)`` for integers ``part`` >= 0 and ``whole`` > 0, rounded as Python's ``round``
    rounds (a half goes to the even number: 12.5 → 12, 37.5 → 38), in integer arithmetic only, so that SQLite
    and PostgreSQL give the same number. With ``a = 100 * part`` and ``b = whole``: ``(2a + b) // 2b`` rounds a
    half up, which is one too many exactly when ``2a + 3b`` is a multiple of ``4b`` (a half above an even
    number). Each argument is written three times (``whole`` six), not more: they may be subqueries."""

    def integer(expression) -> ExpressionWrapper:
        return ExpressionWrapper(expression, output_field=IntegerField())

    twice_a = integer(part * 200)
    half_up = integer((twice_a + whole) / (whole * 2))
    above_even = integer(twice_a + whole * 3)
    four_b = integer(whole * 4)
    return integer(
        half_up
        - Case(
            CaseWhen(Exact(above_even, integer(above_even / four_b * four_b)), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def _with_sessions(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "pk")),
        "trainers",
    )


def event_list(
    *,
    when: When = "upcoming",
    language: str = "",
    kind: str = "",
    country: Country | int | None = None,
    topic: str = "",
    now: datetime | None = None,
) -> QuerySet[Event]:
    """Published events, each annotated with ``next_starts_at``: the start of its first scheduled session that
    has not ended yet (a session under way counts), or None.

    ``upcoming``: events with such a session, the soonest first. ``past``: the others, the most recent first
    (by their last session). ``kind`` "online" or "onsite" also finds hybrid events, which can be joined either
    way. ``country``: events open to everyone, and those for the country or for one of its regions. Sessions
    (in order) and trainers are prefetched.
    """
    now = now or timezone.now()
    still_to_come = Session.objects.filter(event=OuterRef("pk"), status=Session.Status.SCHEDULED, ends_at__gt=now)
    events = Event.objects.filter(status=Event.Status.PUBLISHED).annotate(
        next_starts_at=Subquery(still_to_come.order_by("starts_at", "pk").values("starts_at")[:1])
    )
    if language:
        events = events.filter(language=language)
    if kind == Event.Kind.HYBRID:
        events = events.filter(kind=Event.Kind.HYBRID)
    elif kind in (Event.Kind.ONLINE, Event.Kind.ONSITE):
        events = events.filter(kind__in=[kind, Event.Kind.HYBRID])
    if topic:
        events = events.filter(topic=topic)
    if country is not None:
        events = events.filter(_open_to_country(getattr(country, "pk", country)))
    if when == "past":
        last_start = Session.objects.filter(event=OuterRef("pk")).order_by("-starts_at", "-pk").values("starts_at")
        return _with_sessions(
            events.filter(next_starts_at__isnull=True)
            .annotate(last_starts_at=Subquery(last_start[:1]))
            .order_by(F("last_starts_at").desc(nulls_last=True), "-created_at", "-pk")
        )
    return _with_sessions(events.filter(next_starts_at__isnull=False).order_by("next_starts_at", "pk"))


def _open_to_country(country_id: int) -> Q:
    countries = Event.countries.through.objects.filter(event_id=OuterRef("pk"))
    regions = Event.regions.through.objects.filter(event_id=OuterRef("pk"))
    return (
        (~Exists(countries) & ~Exists(regions))
        | Exists(countries.filter(country_id=country_id))
        | Exists(regions.filter(region__country_id=country_id))
    )


def event_get_published(uuid: uuid_module.UUID | str) -> Event | None:
    """The published event with this ``uuid`` (its sessions, trainers and audience prefetched), or None."""
    try:
        uuid = uuid if isinstance(uuid, uuid_module.UUID) else uuid_module.UUID(str(uuid))
    except ValueError:
        return None
    return (
        _with_sessions(Event.objects.filter(uuid=uuid, status=Event.Status.PUBLISHED))
        .prefetch_related("countries", "regions")
        .first()
    )


def event_topics() -> list[str]:
    """The topics of published events, for the list's filter."""
    return list(
        Event.objects.filter(status=Event.Status.PUBLISHED)
        .exclude(topic="")
        .order_by("topic")
        .values_list("topic", flat=True)
        .distinct()
    )
