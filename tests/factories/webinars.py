"""Events and sessions, created directly (the services are tested on their own)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from webinars.models import Event, Session

from .accounts import UserFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Webinar {n}")
    description = "<p>About digital pedagogy.</p>"
    language = "en"
    kind = Event.Kind.ONLINE
    status = Event.Status.PUBLISHED
    time_zone = "Europe/Moscow"
    join_url = "https://meet.example.org/room-1"
    created_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(hours=1, minutes=30))


def make_event(*, sessions: int = 1, trainers=(), **fields) -> Event:
    """A published event with ``sessions`` sessions a week apart, starting in three days."""
    event = EventFactory(**fields)
    if trainers:
        event.trainers.set(trainers)
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    for week in range(sessions):
        SessionFactory(event=event, starts_at=start + timedelta(weeks=week))
    return event
