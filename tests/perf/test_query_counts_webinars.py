"""Query counts of the webinar pages not counted in tests/webinars: the list as a teacher registered for every
event, an event's page with many people registered, and a trainer's sessions of an event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.accounts import UserFactory, country
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import SessionFactory, make_event
from webinars.models import Attendance
from webinars.services.registration import registration_register

from .helpers import assert_constant, signed_in

pytestmark = pytest.mark.django_db


def test_the_list_for_a_teacher_registered_for_every_event():
    teacher = UserFactory(time_zone="Africa/Cairo", country=country("EG"))
    coach = make_trainer()

    def grow(count: int) -> None:
        for _ in range(count):
            event = make_event(sessions=2, trainers=[coach, make_trainer()], capacity=1)
            event.countries.set([country("EG")])
            registration_register(event=event, user=UserFactory(country=country("EG")))  # takes the place: she waits
            registration_register(event=event, user=teacher)

    assert_constant(signed_in(teacher), reverse("webinars:event-list"), grow)


def test_an_events_page_with_more_people_registered():
    teacher = UserFactory()
    coach = make_trainer()
    event = make_event(sessions=3, trainers=[coach], capacity=50)
    registration_register(event=event, user=teacher)

    def grow(count: int) -> None:
        for _ in range(count):
            registration_register(event=event, user=UserFactory())

    address = reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid})
    assert_constant(signed_in(teacher), address, grow)
    assert_constant(signed_in(coach), address, grow)


def test_a_trainers_sessions_of_an_event_with_their_attendance():
    coach = make_trainer(time_zone="Asia/Dubai")
    event = make_event(sessions=1, trainers=[coach], capacity=100)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        registration_register(event=event, user=person)

    def grow(count: int) -> None:
        for _ in range(count):
            last = event.sessions.order_by("-starts_at").first()
            past = SessionFactory(
                event=event,
                starts_at=timezone.now() - timedelta(days=count + 1),
                ends_at=timezone.now() - timedelta(days=count + 1) + timedelta(hours=1),
            )
            SessionFactory(
                event=event, starts_at=last.starts_at + timedelta(weeks=1), ends_at=last.ends_at + timedelta(weeks=1)
            )
            for person in people[:2]:
                Attendance.objects.create(session=past, user=person, attended=True)

    address = reverse("webinars:manage-sessions", kwargs={"event_uuid": event.uuid})
    assert_constant(signed_in(coach), address, grow)


def test_the_calendar_settings_page():
    teacher = UserFactory()

    def grow(count: int) -> None:
        for _ in range(count):
            registration_register(event=make_event(sessions=2), user=teacher)

    assert_constant(signed_in(teacher), reverse("webinars:calendar-settings"), grow)


def test_an_events_settings_with_more_trainers_sessions_and_people():
    coach = make_trainer()
    event = make_event(sessions=1, trainers=[coach], capacity=100)

    def grow(count: int) -> None:
        for _ in range(count):
            event.trainers.add(make_trainer())
            last = event.sessions.order_by("-starts_at").first()
            SessionFactory(
                event=event, starts_at=last.starts_at + timedelta(weeks=1), ends_at=last.ends_at + timedelta(weeks=1)
            )
            registration_register(event=event, user=UserFactory())

    assert_constant(signed_in(coach), reverse("webinars:manage-edit", kwargs={"event_uuid": event.uuid}), grow)
