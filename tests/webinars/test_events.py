"""Events and sessions: who may create and change them, their times in the event's time zone, the emails the
people registered get, and the public lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories.accounts import RegionFactory, UserFactory, country
from tests.factories.roles import superuser, trainer
from tests.factories.webinars import EventFactory, SessionFactory, make_event
from webinars.models import Event, Registration, Session
from webinars.selectors.events import event_get_published, event_list, event_topics, events_managed_by
from webinars.services.events import (
    EventError,
    event_cancel,
    event_create,
    event_publish,
    event_update,
    session_add,
    session_cancel,
    session_series_add,
    session_update,
)
from webinars.timezones import to_utc

pytestmark = pytest.mark.django_db

YEAR = timezone.now().year + 1


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


SPRING = last_sunday(YEAR, 3)  # Berlin skips 02:00-03:00
AUTUMN = last_sunday(YEAR, 10)  # Berlin has 02:00-03:00 twice


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


@pytest.fixture
def owner():
    return trainer(full_name="Amina Trainer")


@pytest.fixture
def event(owner):
    return event_create(by=owner, title="Digital pedagogy", time_zone="Europe/Moscow", venue="Room 4")


def register(event: Event, status=Registration.Status.CONFIRMED, **user_fields) -> Registration:
    return Registration.objects.create(event=event, user=UserFactory(**user_fields), status=status)


# Creating and changing events ------------------------------------------------------------------------------------


def test_a_trainer_creates_a_draft_event_and_becomes_its_trainer(owner):
    co_trainer = trainer()
    egypt = country("EG")
    event = event_create(
        by=owner,
        title="Formative assessment",
        time_zone="Africa/Cairo",
        kind=Event.Kind.HYBRID,
        description='<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:x()">x</a></p>',
        materials='<a href="https://example.org/slides.pdf">Slides</a><iframe src="https://evil.example"></iframe>',
        trainers=[co_trainer],
        countries=[egypt],
        capacity=30,
    )
    event.refresh_from_db()
    assert (event.status, event.time_zone, event.kind, event.created_by) == (
        Event.Status.DRAFT,
        "Africa/Cairo",
        Event.Kind.HYBRID,
        owner,
    )
    assert set(event.trainers.all()) == {owner, co_trainer}
    assert list(event.countries.all()) == [egypt]
    assert "script" not in event.description and "onclick" not in event.description
    assert "javascript" not in event.description and "Hello" in event.description
    assert "iframe" not in event.materials
    assert 'href="https://example.org/slides.pdf"' in event.materials
    assert set(events_managed_by(owner)) == {event}
    assert set(events_managed_by(co_trainer)) == {event}


def test_only_trainers_and_superusers_create_events():
    learner = UserFactory()
    with pytest.raises(PermissionDenied):
        event_create(by=learner, title="Mine", time_zone="UTC")
    assert not Event.objects.exists()
    admin = superuser()
    event = event_create(by=admin, title="Admin's", time_zone="UTC")
    assert list(event.trainers.all()) == [admin]
    assert list(events_managed_by(admin)) == [event]
    assert list(events_managed_by(learner)) == []


def test_an_event_needs_a_known_time_zone_and_a_sensible_registration_window(owner):
    with pytest.raises(ValidationError) as raised:
        event_create(by=owner, title="Nowhere", time_zone="Mars/Olympus")
    assert "time_zone" in raised.value.message_dict
    opens = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationError) as raised:
        event_create(
            by=owner, title="Backwards", time_zone="UTC", registration_opens_at=opens, registration_closes_at=opens
        )
    assert raised.value.message_dict["registration_closes_at"] == ["Registration must close after it opens."]
    assert not Event.objects.exists()


def test_only_the_events_trainers_change_it(event):
    for intruder in (trainer(), UserFactory()):
        with pytest.raises(PermissionDenied):
            event_update(event, by=intruder, title="Taken over")
        with pytest.raises(PermissionDenied):
            event_publish(event, by=intruder)
        with pytest.raises(PermissionDenied):
            event_cancel(event, by=intruder)
        with pytest.raises(PermissionDenied):
            session_add(event, by=intruder, start_local=at(date(YEAR, 1, 12), 18), minutes=60)
    event.refresh_from_db()
    assert (event.title, event.status, event.sessions.count()) == ("Digital pedagogy", Event.Status.DRAFT, 0)
    event_update(event, by=superuser(), title="Fixed by an administrator")
    event.refresh_from_db()
    assert event.title == "Fixed by an administrator"


def test_a_change_learners_care_about_raises_the_sequence_and_is_emailed(
    event, owner, django_capture_on_commit_callbacks
):
    session_add(event, by=owner, start_local=at(date(YEAR, 1, 12), 18), minutes=90)
    event_publish(event, by=owner)
    confirmed = register(event, email="confirmed@example.org")
    waiting = register(event, Registration.Status.WAITLISTED, email="waiting@example.org")
    asking = register(event, Registration.Status.PENDING, email="asking@example.org")
    register(event, Registration.Status.CANCELLED, email="left@example.org")
    register(event, Registration.Status.REJECTED, email="rejected@example.org")
    register(event, email=None, username="no-email")

    with django_capture_on_commit_callbacks(execute=True):
        event_update(event, by=owner, description="<p>Longer <b>description</b><script>x</script></p>")
    event.refresh_from_db()
    assert event.sequence == 1 and event.description == "<p>Longer <b>description</b></p>"
    assert mail.outbox == []  # nobody needs an email for a new description

    with django_capture_on_commit_callbacks(execute=True):
        event_update(event, by=owner, title="Digital pedagogy & practice", venue="Room 12")
    event.refresh_from_db()
    assert (event.title, event.venue, event.sequence) == ("Digital pedagogy & practice", "Room 12", 2)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        user.email for user in (confirmed.user, waiting.user, asking.user)
    )
    message = mail.outbox[0]
    assert message.subject == "“Digital pedagogy” has changed"  # the title they know
    assert "Its title is now “Digital pedagogy & practice”." in message.body  # plain text: nothing escaped
    assert "Room 12" not in message.body  # an online event: its venue does not matter to them
    assert f"/en/webinars/{event.uuid}/" in message.body

    # The venue alone of an online event: calendars learn of it, people are not emailed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event, by=owner, venue="Room 14")
    event.refresh_from_db()
    assert event.sequence == 3 and mail.outbox == []

    # Becoming hybrid: now the venue matters.
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event, by=owner, kind=Event.Kind.HYBRID, venue="Room 15")
    assert len(mail.outbox) == 3
    assert "It is now: Hybrid (online and onsite)." in mail.outbox[0].body
    assert "Where:\nRoom 15" in mail.outbox[0].body

    # Saving the same values again changes nothing and tells nobody.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event, by=owner, title="Digital pedagogy & practice", kind=Event.Kind.HYBRID)
    event.refresh_from_db()
    assert event.sequence == 4 and mail.outbox == []


def test_the_change_email_is_in_the_learners_language(event, owner, django_capture_on_commit_callbacks):
    session_add(event, by=owner, start_local=at(date(YEAR, 1, 12), 18), minutes=60)
    event_publish(event, by=owner)
    russian = register(event, preferred_language="ru", time_zone="Asia/Yekaterinburg")
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event, by=owner, join_url="https://meet.example.org/new-room")
    (message,) = mail.outbox
    assert message.to == [russian.user.email]
    assert message.extra_headers["Content-Language"] == "ru"
    assert f"/ru/webinars/{event.uuid}/" in message.body
    assert "(Asia/Yekaterinburg)" in message.body and "(Europe/Moscow)" in message.body
    assert "meet.example.org" not in message.body  # the link is on the event's page, for those with a place


def test_capacity_cannot_drop_below_the_places_taken(event, owner):
    Event.objects.filter(pk=event.pk).update(confirmed_count=5)
    with pytest.raises(ValidationError) as raised:
        event_update(event, by=owner, capacity=3)
    assert raised.value.message_dict["capacity"] == [
        "5 people already have a place: the event needs at least that many places."
    ]
    event.refresh_from_db()
    assert event.capacity is None and event.sequence == 0
    event_update(event, by=owner, capacity=5)
    event.refresh_from_db()
    assert event.capacity == 5


def test_more_places_go_to_the_waiting_list(event, owner, django_capture_on_commit_callbacks):
    session_add(event, by=owner, start_local=at(date(YEAR, 1, 12), 18), minutes=60)
    event_update(event, by=owner, capacity=1)
    event_publish(event, by=owner)
    register(event)
    Event.objects.filter(pk=event.pk).update(confirmed_count=1)
    waiting = register(event, Registration.Status.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event, by=owner, capacity=2)
    waiting.refresh_from_db()
    event.refresh_from_db()
    assert (waiting.status, event.confirmed_count, event.capacity) == (Registration.Status.CONFIRMED, 2, 2)
    assert [message.to for message in mail.outbox] == [[waiting.user.email]]


def test_publishing_needs_a_session_still_to_come(event, owner):
    with pytest.raises(EventError, match="Add a session"):
        event_publish(event, by=owner)
    SessionFactory(event=event, starts_at=timezone.now() - timedelta(days=2))
    with pytest.raises(EventError):
        event_publish(event, by=owner)
    session_add(event, by=owner, start_local=at(date(YEAR, 1, 12), 18), minutes=60)
    event_publish(event, by=owner)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event_get_published(event.uuid) == event
    assert event_get_published(str(event.uuid)) == event
    assert event_get_published("not-a-uuid") is None


def test_cancelling_an_event_cancels_its_sessions_and_tells_the_people_registered(
    event, owner, django_capture_on_commit_callbacks
):
    past = SessionFactory(event=event, starts_at=timezone.now() - timedelta(days=7))
    sessions = session_series_add(event, by=owner, first_local=at(date(YEAR, 1, 12), 18), minutes=60, weeks=2)
    event_publish(event, by=owner)
    cairo = register(event, time_zone="Africa/Cairo")
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event, by=owner)
    event.refresh_from_db()
    assert (event.status, event.sequence) == (Event.Status.CANCELLED, 1)
    for session in sessions:
        session.refresh_from_db()
        assert (session.status, session.sequence) == (Session.Status.CANCELLED, 1)
    past.refresh_from_db()
    assert (past.status, past.sequence) == (Session.Status.SCHEDULED, 0)  # it took place
    (message,) = mail.outbox
    assert message.to == [cairo.user.email]
    assert message.subject == "Cancelled: “Digital pedagogy”"
    assert f"Jan. 12, {YEAR}, 5 p.m. (Africa/Cairo)" in message.body
    assert "6 p.m. (Europe/Moscow)" in message.body
    assert Registration.objects.get(pk=cairo.pk).status == Registration.Status.CONFIRMED  # calendars still see it

    # Cancelling again, or changing the cancelled event, does nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event, by=owner)
    assert len(mail.outbox) == 1
    event.refresh_from_db()
    assert event.sequence == 1
    with pytest.raises(EventError, match="cancelled"):
        event_update(event, by=owner, title="Back again")
    with pytest.raises(EventError, match="cancelled"):
        event_publish(event, by=owner)
    with pytest.raises(EventError, match="cancelled"):
        session_add(event, by=owner, start_local=at(date(YEAR, 2, 1), 18), minutes=60)
    assert event_get_published(event.uuid) is None


# Sessions ------------------------------------------------------------------------------------------------------


def test_a_session_is_stored_in_utc_from_the_events_local_time(event, owner):
    session = session_add(event, by=owner, start_local=at(date(YEAR, 1, 12), 18), minutes=90, title="Part one")
    session.refresh_from_db()
    assert session.starts_at == to_utc(at(date(YEAR, 1, 12), 18), "Europe/Moscow")
    assert session.starts_at.hour == 15  # Moscow is UTC+3
    assert session.ends_at - session.starts_at == timedelta(minutes=90)
    assert (session.title, session.status, session.sequence) == ("Part one", Session.Status.SCHEDULED, 0)


def test_a_session_in_the_spring_gap_is_refused_and_nothing_saved(owner):
    event = event_create(by=owner, title="Berlin workshop", time_zone="Europe/Berlin", kind=Event.Kind.ONSITE)
    with pytest.raises(EventError) as raised:
        session_add(event, by=owner, start_local=at(SPRING, 2, 30), minutes=60)
    assert not raised.value.ambiguous
    assert str(raised.value) == (
        f"{SPRING:%Y-%m-%d} 02:30 does not exist in Europe/Berlin: the clocks skip it when daylight saving time starts."
    )
    assert not Session.objects.exists()


def test_a_session_in_the_autumn_fold_must_say_which_one(owner):
    event = event_create(by=owner, title="Night owls", time_zone="Europe/Berlin")
    with pytest.raises(EventError) as raised:
        session_add(event, by=owner, start_local=at(AUTUMN, 2, 30), minutes=30)
    assert raised.value.ambiguous and "happens twice" in raised.value.message
    assert not Session.objects.exists()
    first = session_add(event, by=owner, start_local=at(AUTUMN, 2, 30), minutes=30, fold=0)
    second = session_add(event, by=owner, start_local=at(AUTUMN, 2, 30), minutes=30, fold=1)
    assert second.starts_at - first.starts_at == timedelta(hours=1)


def test_a_session_must_be_in_the_future_and_last(event, owner):
    with pytest.raises(EventError, match="past"):
        session_add(event, by=owner, start_local=datetime(2020, 1, 1, 18), minutes=60)
    with pytest.raises(EventError, match="at least one minute"):
        session_add(event, by=owner, start_local=at(date(YEAR, 1, 12), 18), minutes=0)
    assert not Session.objects.exists()


def test_a_weekly_series_keeps_its_local_time_across_the_change(owner):
    event = event_create(by=owner, title="Tuesday club", time_zone="Europe/Berlin")
    first = at(SPRING - timedelta(days=12), 18)  # a Tuesday
    sessions = session_series_add(event, by=owner, first_local=first, minutes=60, weeks=4)
    assert [session.starts_at.hour for session in event.sessions.order_by("starts_at")] == [17, 17, 16, 16]
    assert len(sessions) == 4 and all(session.pk for session in sessions)
    assert {session.ends_at - session.starts_at for session in sessions} == {timedelta(hours=1)}


def test_a_series_with_one_impossible_week_adds_nothing(owner):
    event = event_create(by=owner, title="Sunday night", time_zone="Europe/Berlin")
    with pytest.raises(EventError) as raised:
        session_series_add(event, by=owner, first_local=at(SPRING - timedelta(weeks=2), 2, 30), minutes=60, weeks=4)
    assert f"{SPRING:%Y-%m-%d} 02:30" in str(raised.value)
    with pytest.raises(EventError) as raised:
        session_series_add(event, by=owner, first_local=at(AUTUMN - timedelta(weeks=1), 2, 30), minutes=60, weeks=2)
    assert raised.value.ambiguous
    with pytest.raises(EventError):
        session_series_add(event, by=owner, first_local=at(date(YEAR, 1, 5), 18), minutes=60, weeks=0)
    assert not Session.objects.exists()
    sessions = session_series_add(
        event, by=owner, first_local=at(AUTUMN - timedelta(weeks=1), 2, 30), minutes=60, weeks=2, fold=1
    )
    assert len(sessions) == 2


def test_moving_a_session_raises_the_sequences_and_emails_each_learner_in_her_time_zone(
    event, owner, django_capture_on_commit_callbacks
):
    session = session_add(event, by=owner, start_local=at(date(YEAR, 1, 12), 18), minutes=90)
    event_publish(event, by=owner)
    cairo = register(event, time_zone="Africa/Cairo")
    moscow = register(event, Registration.Status.WAITLISTED, time_zone="Europe/Moscow", preferred_language="ru")

    with django_capture_on_commit_callbacks(execute=True):
        session_update(session, by=owner, start_local=at(date(YEAR, 1, 12), 19))
    session.refresh_from_db()
    event.refresh_from_db()
    assert session.starts_at == to_utc(at(date(YEAR, 1, 12), 19), "Europe/Moscow")
    assert session.ends_at - session.starts_at == timedelta(minutes=90)  # it keeps its length
    assert (session.sequence, event.sequence) == (1, 1)

    messages = {message.to[0]: message for message in mail.outbox}
    assert set(messages) == {cairo.user.email, moscow.user.email}
    to_cairo = messages[cairo.user.email]
    assert to_cairo.subject == "New time for “Digital pedagogy”"
    assert f"It now starts on Jan. 12, {YEAR}, 6 p.m. (Africa/Cairo)." in to_cairo.body
    assert f"In the event's time zone: Jan. 12, {YEAR}, 7 p.m. (Europe/Moscow)." in to_cairo.body
    assert f"It was planned for Jan. 12, {YEAR}, 5 p.m. (Africa/Cairo)." in to_cairo.body
    assert "It lasts 90 minutes." in to_cairo.body
    to_moscow = messages[moscow.user.email]
    assert to_moscow.extra_headers["Content-Language"] == "ru"
    assert "19:00 (Europe/Moscow)" in to_moscow.body and "(Africa/Cairo)" not in to_moscow.body

    # A new length and venue; then the same values again, which change nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_update(session, by=owner, minutes=60, venue="Hall B")
        session_update(session, by=owner, minutes=60, venue="Hall B")
    session.refresh_from_db()
    event.refresh_from_db()
    assert (session.ends_at - session.starts_at, session.venue) == (timedelta(minutes=60), "Hall B")
    assert (session.sequence, event.sequence) == (2, 2)
    assert len(mail.outbox) == 2 and "Where:\nHall B" in mail.outbox[0].body
    assert "It lasts 60 minutes." in mail.outbox[0].body and "It was planned" not in mail.outbox[0].body


def test_moving_a_session_into_the_gap_changes_nothing(owner, django_capture_on_commit_callbacks):
    event = event_create(by=owner, title="Berlin", time_zone="Europe/Berlin")
    session = session_add(event, by=owner, start_local=at(SPRING, 10), minutes=60)
    starts_at = session.starts_at
    with pytest.raises(EventError), django_capture_on_commit_callbacks(execute=True):
        session_update(session, by=owner, start_local=at(SPRING, 2, 15))
    session.refresh_from_db()
    event.refresh_from_db()
    assert (session.starts_at, session.sequence, event.sequence) == (starts_at, 0, 0)
    with pytest.raises(PermissionDenied):
        session_update(session, by=trainer(), minutes=30)


def test_cancelling_a_session_marks_it_and_tells_the_people_registered(
    event, owner, django_capture_on_commit_callbacks
):
    first, second = session_series_add(event, by=owner, first_local=at(date(YEAR, 1, 12), 18), minutes=60, weeks=2)
    event_publish(event, by=owner)
    cairo = register(event, time_zone="Africa/Cairo")
    with pytest.raises(PermissionDenied):
        session_cancel(first, by=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(first, by=owner)
        session_cancel(first, by=owner)  # twice: once
    first.refresh_from_db()
    second.refresh_from_db()
    event.refresh_from_db()
    assert (first.status, first.sequence) == (Session.Status.CANCELLED, 1)
    assert (second.status, second.sequence) == (Session.Status.SCHEDULED, 0)
    assert (event.status, event.sequence) == (Event.Status.PUBLISHED, 1)
    (message,) = mail.outbox
    assert message.to == [cairo.user.email]
    assert message.subject == "A session of “Digital pedagogy” is cancelled"
    assert f"It was planned for Jan. 12, {YEAR}, 5 p.m. (Africa/Cairo)." in message.body
    with pytest.raises(EventError, match="cancelled"):
        session_update(first, by=owner, minutes=30)
    over = SessionFactory(event=event, starts_at=timezone.now() - timedelta(days=1))
    with pytest.raises(EventError, match="over"):
        session_cancel(over, by=owner)


# The public list -----------------------------------------------------------------------------------------------


def test_upcoming_and_past_events_in_order():
    now = timezone.now()
    later = make_event(title="Later")
    in_12_days = now + timedelta(days=12)
    Session.objects.filter(event=later).update(starts_at=in_12_days, ends_at=in_12_days + timedelta(hours=1))
    sooner = make_event(title="Sooner", sessions=2)
    under_way = EventFactory(title="Under way")
    SessionFactory(event=under_way, starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=30))
    long_ago = EventFactory(title="Long ago")
    SessionFactory(event=long_ago, starts_at=now - timedelta(days=30))
    recently = EventFactory(title="Recently")
    SessionFactory(event=recently, starts_at=now - timedelta(days=2))
    called_off = EventFactory(title="Called off")  # its only session was cancelled: it is over
    SessionFactory(event=called_off, starts_at=now + timedelta(days=1), status=Session.Status.CANCELLED)
    make_event(title="Draft", status=Event.Status.DRAFT)
    make_event(title="Cancelled", status=Event.Status.CANCELLED)

    upcoming = list(event_list(now=now))
    assert [event.title for event in upcoming] == ["Under way", "Sooner", "Later"]
    assert upcoming[1].next_starts_at == sooner.sessions.first().starts_at
    assert [session.starts_at for session in upcoming[1].sessions.all()] == [
        session.starts_at for session in sooner.sessions.order_by("starts_at")
    ]
    assert [event.title for event in event_list(when="past", now=now)] == ["Called off", "Recently", "Long ago"]
    # A week later, what was to come is over too.
    assert [event.title for event in event_list(now=now + timedelta(days=8))] == ["Sooner", "Later"]


def test_the_list_filters_by_language_kind_topic_and_country():
    egypt, russia = country("EG"), country("RU")
    giza = RegionFactory(country=egypt, name="Giza")
    open_online = make_event(title="Open online", language="ar", topic="Assessment")
    onsite = make_event(title="Onsite in Egypt", kind=Event.Kind.ONSITE, topic="Inclusion")
    onsite.countries.set([egypt])
    hybrid = make_event(title="Hybrid in Giza", kind=Event.Kind.HYBRID, language="ar", topic="Assessment")
    hybrid.regions.set([giza])
    russian = make_event(title="For Russia", language="ru")
    russian.countries.set([russia])

    def titles(**filters):
        return {event.title for event in event_list(**filters)}

    assert titles(language="ar") == {"Open online", "Hybrid in Giza"}
    assert titles(kind="online") == {"Open online", "Hybrid in Giza", "For Russia"}
    assert titles(kind="onsite") == {"Onsite in Egypt", "Hybrid in Giza"}
    assert titles(kind="hybrid") == {"Hybrid in Giza"}
    assert titles(topic="Assessment") == {"Open online", "Hybrid in Giza"}
    assert titles(country=egypt) == {"Open online", "Onsite in Egypt", "Hybrid in Giza"}
    assert titles(country=russia.pk) == {"Open online", "For Russia"}
    assert titles(country=country("FR")) == {"Open online"}
    assert titles(country=egypt, language="ar", kind="onsite") == {"Hybrid in Giza"}
    assert event_topics() == ["Assessment", "Inclusion"]
    assert open_online in set(event_list())


def test_the_list_runs_the_same_number_of_queries_for_3_and_10_events():
    def build(count: int) -> None:
        for _ in range(count):
            event = make_event(sessions=3, trainers=[trainer()])
            event.countries.set([country("EG")])

    def run() -> int:
        with CaptureQueriesContext(connection) as queries:
            for event in event_list(country=country_id):
                [session.starts_at for session in event.sessions.all()]
                [person.full_name for person in event.trainers.all()]
        return len(queries)

    country_id = country("EG").pk
    build(3)
    assert len(event_list(country=country_id)) == 3
    few = run()
    build(7)
    assert len(event_list(country=country_id)) == 10
    assert run() == few == 3
