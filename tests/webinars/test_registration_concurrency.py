"""Places are never given twice, also when people register and cancel at the same moment (PostgreSQL: the event's
row lock puts them one after another, and the waiting list keeps the order in which they got it)."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.core import mail
from django.db import connection

from tests.concurrency import together
from tests.factories.accounts import UserFactory
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import make_event
from webinars.models import Event, Registration
from webinars.selectors.registrations import waitlist
from webinars.services.registration import registration_cancel, registration_register

Status = Registration.Status


def _assert_counts_right(event: Event) -> None:
    event.refresh_from_db()
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
    assert event.confirmed_count == confirmed
    assert event.capacity is None or confirmed <= event.capacity


def _register(event: Event, user):
    return lambda: registration_register(event=event, user=user)


@pytest.mark.django_db(transaction=True)
def test_twenty_people_on_the_last_place_one_gets_it_the_rest_wait_in_order(postgres):
    event = make_event(capacity=5, trainers=[make_trainer()])
    for holder in UserFactory.create_batch(4):
        registration_register(event=event, user=holder)
    people = UserFactory.create_batch(20)

    results = together([_register(event, person) for person in people])

    assert len(results) == 20
    confirmed = [registration for registration in results if registration.status == Status.CONFIRMED]
    waiting = [registration for registration in results if registration.status == Status.WAITLISTED]
    assert (len(confirmed), len(waiting)) == (1, 19)
    _assert_counts_right(event)
    assert event.confirmed_count == event.capacity == 5
    assert Registration.objects.filter(event=event).count() == 24

    # First come (into the lock), first served: the place went to the first row, and the waiting list is in the
    # order the rows were queued, its times never going back.
    queue = list(waitlist(event))
    assert [registration.pk for registration in queue] == sorted(registration.pk for registration in waiting)
    assert all(earlier.queued_at <= later.queued_at for earlier, later in itertools.pairwise(queue))
    (winner,) = confirmed
    assert winner.pk < queue[0].pk and winner.queued_at <= queue[0].queued_at


@pytest.mark.django_db(transaction=True)
def test_cancellations_and_registrations_at_the_same_moment_never_exceed_capacity(postgres):
    event = make_event(capacity=5, trainers=[make_trainer()])
    holders, queued, newcomers = UserFactory.create_batch(5), UserFactory.create_batch(5), UserFactory.create_batch(10)
    places = [registration_register(event=event, user=person) for person in holders]
    queue = [registration_register(event=event, user=person) for person in queued]
    assert {registration.status for registration in places} == {Status.CONFIRMED}
    assert {registration.status for registration in queue} == {Status.WAITLISTED}

    # A watcher counts the confirmed rows while it all happens (each count is one consistent snapshot).
    seen, done = [], threading.Event()

    def watch():
        try:
            while not done.is_set():
                seen.append(Registration.objects.filter(event=event, status=Status.CONFIRMED).count())
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    cancels = [
        (lambda registration=registration: registration_cancel(registration=registration, by=registration.user))
        for registration in places + queue
    ]
    registrations = [_register(event, person) for person in newcomers]
    interleaved = [target for pair in zip(cancels, registrations, strict=True) for target in pair]
    try:
        together(interleaved)
    finally:
        done.set()
        watcher.join(timeout=30)

    assert seen and max(seen) <= 5
    _assert_counts_right(event)
    # Everyone who had a place or waited before has left; of the ten newcomers five have the places and five
    # wait, in order (no place stays empty while someone waits).
    assert event.confirmed_count == 5
    final = dict(Registration.objects.filter(event=event).values_list("user_id", "status"))
    assert {final[person.pk] for person in holders + queued} == {Status.CANCELLED}
    assert sorted(final[person.pk] for person in newcomers) == [Status.CONFIRMED] * 5 + [Status.WAITLISTED] * 5
    assert [registration.user_id for registration in waitlist(event)] == [
        registration.user_id
        for registration in Registration.objects.filter(
            event=event, user__in=newcomers, status=Status.WAITLISTED
        ).order_by("queued_at", "pk")
    ]


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_sent_ten_times_at_once_promotes_one_person(postgres):
    event = make_event(capacity=1, trainers=[make_trainer()])
    holder, first, second, third = UserFactory.create_batch(4)
    place = registration_register(event=event, user=holder)
    for person in (first, second, third):
        registration_register(event=event, user=person)
    mail.outbox.clear()

    results = together([lambda: registration_cancel(registration=place, by=holder) for _ in range(10)])

    assert {registration.status for registration in results} == {Status.CANCELLED}
    final = dict(Registration.objects.filter(event=event).values_list("user_id", "status"))
    assert final == {
        holder.pk: Status.CANCELLED,
        first.pk: Status.CONFIRMED,
        second.pk: Status.WAITLISTED,
        third.pk: Status.WAITLISTED,
    }
    _assert_counts_right(event)
    assert [message.to for message in mail.outbox] == [[first.email]]  # one "a place opened for you"
