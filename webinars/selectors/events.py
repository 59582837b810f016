"""Reads of events: the ones a trainer manages, and the public lists of upcoming and past events. Each runs a fixed
number of queries, whatever the number of events and sessions."""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime
from typing import Literal

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Country, Role, RoleGrant
from webinars.models import Event, Session

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
