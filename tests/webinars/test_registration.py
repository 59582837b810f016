"""Registering for events: places, the waiting list in first-come order, cancelling and promotion, approval,
the registration window, the audience, trainers adding and removing people, and the emails each learner gets in
her language and time zone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from tests.factories.accounts import RegionFactory, UserFactory, UsernameUserFactory, country
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import SessionFactory, make_event
from webinars.models import Event, Registration
from webinars.selectors.registrations import (
    event_is_open_to,
    participants_for,
    registration_for,
    registration_window_state,
    user_can_manage_event,
    waitlist,
)
from webinars.services.registration import (
    RegistrationError,
    registration_add,
    registration_cancel,
    registration_decide,
    registration_fill_places,
    registration_register,
    registration_remove,
)
from webinars.timezones import format_in

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def trainer():
    return make_trainer(full_name="Layla Trainer")


def event_with(trainer, **fields) -> Event:
    return make_event(trainers=[trainer], title=fields.pop("title", "Digital pedagogy"), **fields)


def assert_counts_right(event: Event) -> None:
    """The invariant every service keeps: the stored count is the number of confirmed rows, within capacity."""
    event.refresh_from_db()
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
    assert event.confirmed_count == confirmed
    assert event.capacity is None or confirmed <= event.capacity


def statuses(event: Event) -> dict:
    return dict(Registration.objects.filter(event=event).values_list("user_id", "status"))


def waiting(event: Event) -> list:
    return [registration.user for registration in waitlist(event)]


# Places and the waiting list ----------------------------------------------------------------------------


def test_people_get_places_until_the_event_is_full_then_wait_in_the_order_they_came(
    trainer, django_capture_on_commit_callbacks
):
    event = event_with(trainer, capacity=2)
    people = UserFactory.create_batch(5)
    with django_capture_on_commit_callbacks(execute=True):
        registrations = [registration_register(event=event, user=person) for person in people]

    assert [registration.status for registration in registrations] == [Status.CONFIRMED] * 2 + [Status.WAITLISTED] * 3
    assert waiting(event) == people[2:]
    assert_counts_right(event)
    assert event.confirmed_count == 2
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[people[0].email] == "Your place at “Digital pedagogy” is confirmed"
    assert subjects[people[4].email] == "You are on the waiting list for “Digital pedagogy”"
    last = next(message for message in mail.outbox if message.to == [people[4].email])
    assert "2 people are ahead of you." in last.body


def test_registering_again_returns_the_same_registration_without_a_second_email(
    trainer, django_capture_on_commit_callbacks
):
    event = event_with(trainer, capacity=1)
    teacher = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = registration_register(event=event, user=teacher)
        again = registration_register(event=event, user=teacher)
    assert again.pk == first.pk and again.status == Status.CONFIRMED
    assert Registration.objects.filter(event=event).count() == 1
    assert len(mail.outbox) == 1
    assert registration_for(user=teacher, event=event) == first
    assert_counts_right(event)


def test_an_event_without_a_limit_never_fills(trainer):
    event = event_with(trainer, capacity=None)
    for person in UserFactory.create_batch(4):
        assert registration_register(event=event, user=person).status == Status.CONFIRMED
    assert_counts_right(event)
    assert event.confirmed_count == 4


def test_a_cancellation_promotes_exactly_the_first_on_the_waiting_list_and_tells_her_in_her_language(
    trainer, django_capture_on_commit_callbacks
):
    event = event_with(trainer, capacity=1, title="Q&A: “Teaching with phones”", time_zone="Europe/London")
    holder = UserFactory()
    first = UserFactory(preferred_language="ar", time_zone="Asia/Riyadh", email="amina@example.org")
    second = UserFactory()
    place = registration_register(event=event, user=holder)
    registration_register(event=event, user=first)
    registration_register(event=event, user=second)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=place, by=holder)

    assert statuses(event) == {holder.pk: Status.CANCELLED, first.pk: Status.CONFIRMED, second.pk: Status.WAITLISTED}
    assert waiting(event) == [second]
    assert_counts_right(event)
    (message,) = mail.outbox  # nobody else is told, and cancelling herself sends the learner nothing
    assert message.to == ["amina@example.org"]
    assert message.extra_headers["Content-Language"] == "ar"
    assert "Q&A: “Teaching with phones”" in message.subject  # plain text: nothing HTML-escaped
    assert "Q&A: “Teaching with phones”" in message.body
    session = event.sessions.get()
    with translation.override("ar"):
        her_time = format_in(session.starts_at, "Asia/Riyadh")
        event_time = format_in(session.starts_at, "Europe/London")
    assert her_time in message.body and "(Asia/Riyadh)" in her_time  # written in Arabic, in her time zone
    assert event_time in message.body  # and in the event's own zone
    assert f"/ar/webinars/{event.uuid}/" in message.body


def test_cancelling_twice_promotes_only_one(trainer, django_capture_on_commit_callbacks):
    event = event_with(trainer, capacity=1)
    holder, *others = UserFactory.create_batch(3)
    place = registration_register(event=event, user=holder)
    for person in others:
        registration_register(event=event, user=person)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=place, by=holder)
        again = registration_cancel(registration=place, by=holder)

    assert again.status == Status.CANCELLED
    assert statuses(event)[others[0].pk] == Status.CONFIRMED
    assert statuses(event)[others[1].pk] == Status.WAITLISTED
    assert len(mail.outbox) == 1
    assert_counts_right(event)


def test_cancelling_a_place_on_the_waiting_list_or_a_request_promotes_nobody(trainer):
    event = event_with(trainer, capacity=1)
    holder, waiting_one, waiting_two = UserFactory.create_batch(3)
    registration_register(event=event, user=holder)
    queued = registration_register(event=event, user=waiting_one)
    registration_register(event=event, user=waiting_two)

    registration_cancel(registration=queued, by=waiting_one)

    assert statuses(event) == {
        holder.pk: Status.CONFIRMED,
        waiting_one.pk: Status.CANCELLED,
        waiting_two.pk: Status.WAITLISTED,
    }
    assert_counts_right(event)

    approval = event_with(trainer, capacity=1, requires_approval=True)
    request = registration_register(event=approval, user=holder)
    assert registration_cancel(registration=request, by=holder).status == Status.CANCELLED
    assert_counts_right(approval)


def test_nobody_is_promoted_once_the_event_is_over(trainer, django_capture_on_commit_callbacks):
    event = event_with(trainer, capacity=1)
    holder, late = UserFactory.create_batch(2)
    place = registration_register(event=event, user=holder)
    registration_register(event=event, user=late)
    session = event.sessions.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=place, by=holder, now=session.ends_at + timedelta(minutes=1))

    assert statuses(event)[late.pk] == Status.WAITLISTED
    assert mail.outbox == []
    assert_counts_right(event)


def test_a_place_that_opens_during_a_series_is_offered_with_the_next_session(
    trainer, django_capture_on_commit_callbacks
):
    event = event_with(trainer, capacity=1, sessions=3, time_zone="Asia/Riyadh")
    holder = UserFactory()
    next_one = UserFactory(time_zone="Asia/Riyadh")
    place = registration_register(event=event, user=holder)
    registration_register(event=event, user=next_one)
    first, second, _third = event.sessions.order_by("starts_at")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=place, by=holder, now=first.ends_at + timedelta(minutes=5))

    (message,) = mail.outbox
    assert f"Next session: {format_in(second.starts_at, 'Asia/Riyadh')}" in message.body
    assert "The event has 3 sessions." in message.body
    assert "In the event's own time zone" not in message.body  # hers is the same


def test_places_added_to_a_full_event_go_to_the_waiting_list_in_order(trainer, django_capture_on_commit_callbacks):
    event = event_with(trainer, capacity=1)
    people = UserFactory.create_batch(4)
    for person in people:
        registration_register(event=event, user=person)
    Event.objects.filter(pk=event.pk).update(capacity=3)  # as the event services save a larger capacity
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert registration_fill_places(event=event) == 2
        assert registration_fill_places(event=event) == 0

    assert [statuses(event)[person.pk] for person in people] == [Status.CONFIRMED] * 3 + [Status.WAITLISTED]
    assert sorted(message.to[0] for message in mail.outbox) == sorted([people[1].email, people[2].email])
    assert_counts_right(event)


def test_registering_again_after_cancelling_goes_to_the_back_of_the_queue(trainer):
    event = event_with(trainer, capacity=1)
    holder, early, later = UserFactory.create_batch(3)
    registration_register(event=event, user=holder)
    mine = registration_register(event=event, user=early)
    first_queued_at = mine.queued_at
    registration_register(event=event, user=later)
    registration_cancel(registration=mine, by=early)

    again = registration_register(event=event, user=early)

    assert again.pk == mine.pk  # one row per person
    assert again.status == Status.WAITLISTED
    assert again.queued_at > first_queued_at
    assert waiting(event) == [later, early]
    assert Registration.objects.filter(event=event, user=early).count() == 1


def test_a_learner_without_an_email_address_registers_and_gets_no_email(trainer, django_capture_on_commit_callbacks):
    event = event_with(trainer, capacity=1)
    learner = UsernameUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_register(event=event, user=learner)
    assert registration.status == Status.CONFIRMED
    assert mail.outbox == []


def test_registration_copies_the_learners_country_and_region(trainer):
    region = RegionFactory()
    learner = UserFactory(country=region.country, region=region)
    registration = registration_register(event=event_with(trainer), user=learner)
    assert (registration.country, registration.region) == (region.country, region)


# Who may register, and when -----------------------------------------------------------------------------


def test_only_published_events_take_registrations(trainer):
    teacher = UserFactory()
    draft = event_with(trainer, status=Event.Status.DRAFT)
    cancelled = event_with(trainer, status=Event.Status.CANCELLED)
    with pytest.raises(RegistrationError, match="not open for registration"):
        registration_register(event=draft, user=teacher)
    with pytest.raises(RegistrationError, match="cancelled"):
        registration_register(event=cancelled, user=teacher)
    assert not Registration.objects.exists()


def test_registration_opens_and_closes_on_time(trainer):
    now = timezone.now()
    event = event_with(
        trainer, registration_opens_at=now + timedelta(hours=1), registration_closes_at=now + timedelta(days=1)
    )
    teacher = UserFactory(time_zone="Asia/Tokyo")

    assert registration_window_state(event, now) == "not_open"
    with pytest.raises(RegistrationError) as refused:
        registration_register(event=event, user=teacher, now=now)
    assert "Registration opens on" in str(refused.value) and "(Asia/Tokyo)" in str(refused.value)

    assert registration_window_state(event, now + timedelta(days=1)) == "closed"
    with pytest.raises(RegistrationError, match="has closed"):
        registration_register(event=event, user=teacher, now=now + timedelta(days=1))
    assert not Registration.objects.exists()

    assert registration_window_state(event, now + timedelta(hours=2)) == "open"
    assert registration_register(event=event, user=teacher, now=now + timedelta(hours=2)).status == Status.CONFIRMED


def test_registration_closes_when_the_first_session_starts(trainer):
    event = event_with(trainer, sessions=2)
    first = event.sessions.order_by("starts_at").first()
    assert registration_window_state(event, first.starts_at - timedelta(seconds=1)) == "open"
    assert registration_window_state(event, first.starts_at) == "closed"
    with pytest.raises(RegistrationError, match="has closed"):
        registration_register(event=event, user=UserFactory(), now=first.starts_at + timedelta(minutes=5))

    started = make_event(sessions=0, trainers=[trainer])
    SessionFactory(event=started, starts_at=timezone.now() - timedelta(minutes=10))
    with pytest.raises(RegistrationError, match="has closed"):
        registration_register(event=started, user=UserFactory())
    assert not Registration.objects.exists()


def test_an_event_for_some_countries_or_regions_refuses_everyone_else(trainer):
    region = RegionFactory(country=country("EG"))
    event = event_with(trainer)
    event.countries.set([country("JO")])
    event.regions.set([region])
    outsider = UserFactory(country=country("RU"))
    jordanian = UserFactory(country=country("JO"))
    from_the_region = UserFactory(country=country("EG"), region=region)
    elsewhere_in_egypt = UserFactory(country=country("EG"), region=RegionFactory(country=country("EG")))

    assert not event_is_open_to(event=event, user=outsider)
    assert not event_is_open_to(event=event, user=UserFactory())  # no country in her profile
    with pytest.raises(RegistrationError, match="particular countries or regions"):
        registration_register(event=event, user=outsider)
    with pytest.raises(RegistrationError):
        registration_register(event=event, user=elsewhere_in_egypt)
    assert registration_register(event=event, user=jordanian).status == Status.CONFIRMED
    assert registration_register(event=event, user=from_the_region).status == Status.CONFIRMED
    assert set(statuses(event)) == {jordanian.pk, from_the_region.pk}
    assert event_is_open_to(event=event_with(trainer), user=outsider)  # no audience: open to all


# Approval -----------------------------------------------------------------------------------------------


def test_a_trainer_approves_or_turns_down_requests(trainer, django_capture_on_commit_callbacks):
    event = event_with(trainer, capacity=1, requires_approval=True)
    first, second, third = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        requests = [registration_register(event=event, user=person) for person in (first, second, third)]
    assert [request.status for request in requests] == [Status.PENDING] * 3
    assert_counts_right(event)
    assert event.confirmed_count == 0
    assert {message.subject for message in mail.outbox} == {
        "Your registration for “Digital pedagogy” is waiting for approval"
    }
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        approved = registration_decide(registration=requests[0], by=trainer, approve=True)
        full = registration_decide(registration=requests[1], by=trainer, approve=True)
        turned_down = registration_decide(registration=requests[2], by=trainer, approve=False)

    assert (approved.status, full.status, turned_down.status) == (
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.REJECTED,
    )
    assert_counts_right(event)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        first.email: "Your registration for “Digital pedagogy” has been approved",
        second.email: "You are on the waiting list for “Digital pedagogy”",
        third.email: "Your registration for “Digital pedagogy” was not approved",
    }
    waiting_mail = next(message for message in mail.outbox if message.to == [second.email])
    assert "has been approved, but all places are taken" in waiting_mail.body
    mail.outbox.clear()

    # A decision is made once.
    with django_capture_on_commit_callbacks(execute=True):
        assert registration_decide(registration=requests[2], by=trainer, approve=True).status == Status.REJECTED
    assert mail.outbox == []

    # Turned down, she may ask again: a new request at the back of the queue.
    assert registration_register(event=event, user=third).status == Status.PENDING


def test_only_the_events_trainers_decide(trainer):
    event = event_with(trainer, requires_approval=True)
    request = registration_register(event=event, user=UserFactory())
    for outsider in (make_trainer(), UserFactory(), request.user):
        with pytest.raises(PermissionDenied):
            registration_decide(registration=request, by=outsider, approve=True)
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert registration_decide(registration=request, by=superuser(), approve=True).status == Status.CONFIRMED


# Trainers adding and removing people --------------------------------------------------------------------


def test_trainers_add_people_beyond_capacity_to_the_waiting_list(trainer, django_capture_on_commit_callbacks):
    event = event_with(trainer, capacity=2, requires_approval=True)
    already = UserFactory()
    request = registration_register(event=event, user=already)  # pending: adding her approves it
    newcomers = UserFactory.create_batch(3)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        added = registration_add(event=event, by=trainer, users=[already, *newcomers, newcomers[0]])

    assert added == 4
    current = statuses(event)
    assert current[already.pk] == Status.CONFIRMED  # she asked first
    assert [current[person.pk] for person in newcomers] == [Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    assert waiting(event) == newcomers[1:]
    assert_counts_right(event)
    assert Registration.objects.get(user=newcomers[2]).added_by == trainer
    request.refresh_from_db()
    assert request.queued_at < Registration.objects.get(user=newcomers[0]).queued_at
    assert len(mail.outbox) == 4
    added_mail = next(message for message in mail.outbox if message.to == [newcomers[2].email])
    assert "Layla Trainer has registered you for “Digital pedagogy”" in added_mail.body
    assert "1 person is ahead of you." in added_mail.body

    # Adding them again changes nothing.
    assert registration_add(event=event, by=trainer, users=newcomers) == 0
    assert_counts_right(event)


def test_trainers_add_people_whatever_the_audience_and_window(trainer):
    event = event_with(trainer, registration_closes_at=timezone.now() - timedelta(hours=1))
    event.countries.set([country("JO")])
    outsider = UserFactory(country=country("RU"))
    assert registration_add(event=event, by=trainer, users=[outsider]) == 1
    assert statuses(event) == {outsider.pk: Status.CONFIRMED}

    draft = event_with(trainer, status=Event.Status.DRAFT)
    with pytest.raises(RegistrationError, match="Publish the event"):
        registration_add(event=draft, by=trainer, users=[outsider])


def test_a_trainer_removes_a_participant_and_the_next_one_gets_her_place(trainer, django_capture_on_commit_callbacks):
    event = event_with(trainer, capacity=1)
    holder, next_one = UserFactory.create_batch(2)
    place = registration_register(event=event, user=holder)
    registration_register(event=event, user=next_one)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        removed = registration_remove(registration=place, by=trainer)

    assert removed.status == Status.CANCELLED
    assert statuses(event)[next_one.pk] == Status.CONFIRMED
    assert_counts_right(event)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        holder.email: "You are no longer registered for “Digital pedagogy”",
        next_one.email: "A place opened for you at “Digital pedagogy”",
    }


def test_only_the_events_trainers_add_and_remove_people(trainer):
    event = event_with(trainer, capacity=3)
    holder, other_teacher = UserFactory.create_batch(2)
    place = registration_register(event=event, user=holder)
    another_trainer = make_trainer()
    not_a_trainer_any_more = UserFactory()
    event.trainers.add(not_a_trainer_any_more)  # listed, but without the trainer role

    for outsider in (another_trainer, other_teacher, not_a_trainer_any_more):
        assert not user_can_manage_event(outsider, event)
        with pytest.raises(PermissionDenied):
            registration_add(event=event, by=outsider, users=[other_teacher])
        with pytest.raises(PermissionDenied):
            registration_remove(registration=place, by=outsider)
        with pytest.raises(PermissionDenied):
            registration_cancel(registration=place, by=outsider)
        with pytest.raises(PermissionDenied):
            participants_for(event=event, user=outsider)
    with pytest.raises(PermissionDenied):
        registration_remove(registration=place, by=holder)  # she cancels, she does not "remove"
    assert statuses(event) == {holder.pk: Status.CONFIRMED}
    assert_counts_right(event)

    assert user_can_manage_event(trainer, event) and user_can_manage_event(superuser(), event)
    assert registration_cancel(registration=place, by=holder).status == Status.CANCELLED
    assert_counts_right(event)


def test_the_trainers_list_shows_places_then_requests_then_the_waiting_list(trainer, django_assert_num_queries):
    event = event_with(trainer, capacity=1)
    holder, waiting_one, waiting_two, gone = UserFactory.create_batch(4)
    for person in (gone, holder, waiting_one, waiting_two):
        registration_register(event=event, user=person)
    registration_cancel(registration=Registration.objects.get(user=gone), by=gone)

    with django_assert_num_queries(3):  # the trainer check (2) and the list, with the users
        rows = [
            (registration.user, registration.status) for registration in participants_for(event=event, user=trainer)
        ]
    assert rows == [
        (holder, Status.CONFIRMED),
        (waiting_one, Status.WAITLISTED),
        (waiting_two, Status.WAITLISTED),
        (gone, Status.CANCELLED),
    ]
