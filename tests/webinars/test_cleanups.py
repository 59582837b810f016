"""Fixes to the webinars app: the event page decides who may join each session from one read of the viewer's
registration; the trainer's list of events reads its counts and rates from one selector; the event form takes
its fields from the service's list; a learner's calendar feed raises SEQUENCE when her own registration
changes; the short date formats come from FORMAT_MODULE_PATH."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import IntegerField, Value
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.formats import get_format

from tests.factories.accounts import UserFactory
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory, SessionFactory, make_event
from tests.webinars.test_calendar import _assert_wellformed, _feed, _parse
from webinars import forms_manage, views
from webinars.forms_manage import EventForm
from webinars.models import Attendance, Event, Registration, Session
from webinars.selectors.events import event_list_managed_by, rounded_percent
from webinars.services import events as event_services
from webinars.services.registration import (
    registration_add,
    registration_cancel,
    registration_decide,
    registration_register,
    registration_remove,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# 1. The event page: one read of her registration, however many sessions ---------------------------------------


def online_event(sessions: int, *, capacity: int | None = None, trainers=()) -> Event:
    """An online event whose first session opens to join now (it starts in five minutes) and whose others come
    weekly after it."""
    event = EventFactory(capacity=capacity, kind=Event.Kind.ONLINE)
    event.trainers.set(trainers)
    soon = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    for week in range(sessions):
        start = soon + timedelta(weeks=week)
        SessionFactory(event=event, starts_at=start, ends_at=start + timedelta(hours=1))
    return event


def detail(event: Event) -> str:
    return f"/en/webinars/{event.uuid}/"


@pytest.mark.parametrize("viewer", ["anonymous", "confirmed", "waitlisted", "trainer"])
def test_the_event_page_runs_the_same_number_of_queries_for_1_and_8_sessions(viewer):
    coach = make_trainer(full_name="Layla Haddad")
    learner = UserFactory()
    client = Client() if viewer == "anonymous" else signed_in(coach if viewer == "trainer" else learner)

    def event_for_her(sessions: int) -> Event:
        event = online_event(sessions, capacity=1, trainers=[coach])
        if viewer == "waitlisted":
            registration_register(event=event, user=UserFactory())  # takes the only place
        if viewer in ("confirmed", "waitlisted"):
            registration_register(event=event, user=learner)
        return event

    one, eight = event_for_her(1), event_for_her(8)
    client.get(detail(one))  # the first request of a session records her activity

    assert count_queries(client, detail(one)) == count_queries(client, detail(eight))

    page = html.unescape(client.get(detail(eight)).content.decode())
    join_links = re.findall(r'href="/en/webinars/sessions/[0-9a-f-]+/join/">Join the session<', page)
    reasons = {
        "anonymous": ("Log in and register to join.", 8),
        "confirmed": ("The link appears 15 minutes before the session starts.", 7),
        "waitlisted": ("Your place is not confirmed yet: the link is for confirmed participants.", 8),
        "trainer": ("The link appears 15 minutes before the session starts.", 7),
    }
    reason, times = reasons[viewer]
    assert page.count(reason) == times
    assert len(join_links) == (1 if viewer in ("confirmed", "trainer") else 0)


def test_a_cancelled_event_session_or_an_onsite_event_offers_no_join_button():
    learner = UserFactory()
    event = online_event(2)
    registration_register(event=event, user=learner)
    first = event.sessions.order_by("starts_at").first()
    Session.objects.filter(pk=first.pk).update(status=Session.Status.CANCELLED)
    client = signed_in(learner)

    page = html.unescape(client.get(detail(event)).content.decode())

    assert "Join the session" not in page  # the first is cancelled, the second not open yet
    assert page.count("The link appears 15 minutes before the session starts.") == 1

    onsite = make_event(kind=Event.Kind.ONSITE)
    registration_register(event=onsite, user=learner)
    page = html.unescape(client.get(detail(onsite)).content.decode())
    assert "Join the session" not in page and "The link appears" not in page


# 2. The trainer's list of events: counts and rates from one selector ----------------------------------------------


def test_the_selector_counts_and_rates_the_events_she_manages():
    owner = make_trainer(full_name="Amina Trainer")
    now = timezone.now().replace(microsecond=0)
    # Eight places, all taken, two waiting; the first session is over and one person of eight came: 12.5 %,
    # which Python rounds to 12 (to the even number).
    event = make_event(trainers=[owner], capacity=8, sessions=0, title="Eight places")
    over = SessionFactory(event=event, starts_at=now - timedelta(days=1), ends_at=now - timedelta(hours=23))
    SessionFactory(event=event, starts_at=now + timedelta(days=6))
    people = [UserFactory() for _ in range(10)]
    for person in people:
        Registration.objects.create(event=event, user=person, status=Status.CONFIRMED)
    Registration.objects.filter(user__in=people[8:]).update(status=Status.WAITLISTED)
    Event.objects.filter(pk=event.pk).update(confirmed_count=8)
    Attendance.objects.create(session=over, user=people[0], attended=True)
    Attendance.objects.create(session=over, user=people[1], attended=False)
    approval = make_event(trainers=[owner], requires_approval=True, title="With approval")
    registration_register(event=approval, user=UserFactory())
    draft = make_event(trainers=[owner], status=Event.Status.DRAFT, title="A draft", sessions=0)
    past = make_event(trainers=[owner], sessions=0, title="Last year's")
    SessionFactory(event=past, starts_at=now - timedelta(days=300))
    cancelled = make_event(trainers=[owner], status=Event.Status.CANCELLED, title="Cancelled")
    make_event(title="Someone else's")

    events = event_list_managed_by(owner)

    assert [row.title for row in events.upcoming] == ["With approval", "Eight places"]  # the soonest first
    assert [row.pk for row in events.drafts] == [draft.pk]
    assert {row.pk for row in events.past} == {past.pk, cancelled.pk}
    rows = {row.pk: row for row in events.upcoming}
    counted = rows[event.pk]
    assert (counted.waitlisted, counted.pending, counted.present, counted.sessions_marked) == (2, 0, 1, 1)
    assert counted.attendance_rate == round(100 * 1 / 8) == 12
    assert counted.next_starts_at > now
    assert rows[approval.pk].pending == 1
    assert rows[approval.pk].attendance_rate is None  # no attendance taken yet
    assert events.past.get(pk=past.pk).last_starts_at < now


def test_the_selector_is_scoped_to_the_events_she_manages():
    owner, colleague = make_trainer(), make_trainer()
    mine = make_event(trainers=[owner])
    theirs = make_event(trainers=[colleague])
    teacher = UserFactory()
    make_event(trainers=[teacher])  # listed as a trainer, but without the role

    assert [event.pk for event in event_list_managed_by(owner).upcoming] == [mine.pk]
    assert {event.pk for event in event_list_managed_by(superuser()).upcoming} >= {mine.pk, theirs.pk}
    nothing = event_list_managed_by(teacher)
    assert not nothing.upcoming.exists() and not nothing.drafts.exists() and not nothing.past.exists()


def test_the_rate_is_rounded_in_the_database_as_python_rounds_it():
    """round() takes a half to the even number (12.5 → 12, 37.5 → 38); the database gives the same, on
    SQLite and PostgreSQL alike (integer arithmetic only)."""
    cases = [(part, whole) for whole in range(1, 13) for part in range(whole + 2)]
    cases += [(1, 40), (3, 40), (5, 40), (7, 40), (1, 200), (3, 200), (5, 16), (3, 16), (12, 10), (1, 1000)]
    row = make_event()
    for start in range(0, len(cases), 40):
        chunk = cases[start : start + 40]
        annotations = {
            f"r{index}": rounded_percent(Value(part, IntegerField()), Value(whole, IntegerField()))
            for index, (part, whole) in enumerate(chunk)
        }
        got = Event.objects.filter(pk=row.pk).annotate(**annotations).values(*annotations).get()
        assert [got[f"r{index}"] for index in range(len(chunk))] == [round(100 * part / whole) for part, whole in chunk]


def test_the_trainers_list_shows_the_counts_and_rates_with_the_same_queries_for_1_and_6_events():
    owner = make_trainer(full_name="Amina Trainer", time_zone="Africa/Cairo")
    client = signed_in(owner)
    now = timezone.now().replace(microsecond=0)

    def add(count: int) -> None:
        for _ in range(count):
            event = make_event(trainers=[owner], capacity=2)
            people = [UserFactory() for _ in range(3)]
            for person in people:
                registration_register(event=event, user=person)  # two places, one waiting
            over = SessionFactory(event=event, starts_at=now - timedelta(days=1), ends_at=now - timedelta(hours=23))
            Attendance.objects.create(session=over, user=people[0], attended=True)
            approval = make_event(trainers=[owner], requires_approval=True)
            registration_register(event=approval, user=UserFactory())
            make_event(trainers=[owner], status=Event.Status.DRAFT)
            make_event(trainers=[owner], status=Event.Status.CANCELLED)

    url = reverse("webinars:manage-list")
    add(1)
    client.get(url)  # the first request records her activity
    one = count_queries(client, url)
    add(5)
    assert count_queries(client, url) == one

    page = html.unescape(client.get(url).content.decode())
    # Each event with places: 2 of 2 confirmed, 1 waiting, attendance 1 of 2 at the one session taken: 50 %.
    assert page.count("2 of 2") == 6
    assert page.count('<td class="manage-number">50%</td>') == 6
    assert page.count('<td class="manage-number">1</td>') >= 6  # the waiting list
    assert page.count("?status=pending") >= 6


# 3. The event form's fields come from the service's list ----------------------------------------------------


def test_the_event_form_edits_exactly_the_fields_the_service_takes():
    assert forms_manage.EVENT_FIELDS is event_services.EVENT_FIELDS
    assert set(forms_manage.EVENT_FORM_RELATIONS) <= event_services.EVENT_RELATIONS
    assert set(EventForm.Meta.fields) == event_services.EVENT_FIELDS | set(forms_manage.EVENT_FORM_RELATIONS)
    # Every field is shown once, in one of the fieldsets.
    form = EventForm(time_zone=timezone.get_current_timezone())
    shown = [name for _legend, names in EventForm.FIELDSETS for name in names]
    assert len(shown) == len(set(shown))
    assert set(shown) == set(form.fields)


# 4. Her calendar learns about changes to her own registration ---------------------------------------------------


def sequences(client: Client, user) -> dict[str, tuple[int, str]]:
    """Her feed as (SEQUENCE, STATUS) by UID, read by both libraries (which must agree)."""
    body = _feed(client, user)
    _assert_wellformed(body)
    ical_events, vobject_events, _, _ = _parse(body)
    read = {uid: (int(component["SEQUENCE"]), str(component["STATUS"])) for uid, component in ical_events.items()}
    assert read == {
        uid: (int(component.sequence.value), component.status.value) for uid, component in vobject_events.items()
    }
    return read


def grew(before: dict, after: dict, status: str) -> bool:
    return set(after) == set(before) and all(
        after[uid][0] > before[uid][0] and after[uid][1] == status for uid in before
    )


def test_her_feed_raises_sequence_when_she_cancels_registers_again_and_is_promoted(client):
    coach = make_trainer()
    event = make_event(capacity=1, sessions=2, trainers=[coach])
    amina, layla = UserFactory(), UserFactory()

    registration_register(event=event, user=amina)
    confirmed = sequences(client, amina)
    assert {status for _sequence, status in confirmed.values()} == {"CONFIRMED"}

    registration_cancel(registration=Registration.objects.get(user=amina), by=amina)
    cancelled = sequences(client, amina)
    assert grew(confirmed, cancelled, "CANCELLED")

    registration_register(event=event, user=amina)
    again = sequences(client, amina)
    assert grew(cancelled, again, "CONFIRMED")

    registration_register(event=event, user=layla)  # the event is full: she waits
    waiting = sequences(client, layla)
    assert {status for _sequence, status in waiting.values()} == {"CONFIRMED"}
    registration_cancel(registration=Registration.objects.get(user=amina), by=amina)
    assert Registration.objects.get(user=layla).status == Status.CONFIRMED
    assert grew(waiting, sequences(client, layla), "CONFIRMED")

    # The trainer takes her off the event.
    promoted = sequences(client, layla)
    registration_remove(registration=Registration.objects.get(user=layla), by=coach)
    assert grew(promoted, sequences(client, layla), "CANCELLED")


def test_her_feed_raises_sequence_when_a_trainer_decides_or_adds_her(client):
    coach = make_trainer()
    event = make_event(requires_approval=True, sessions=1, trainers=[coach])
    amina, layla = UserFactory(), UserFactory()
    registration_register(event=event, user=amina)
    registration_register(event=event, user=layla)
    amina_pending, layla_pending = sequences(client, amina), sequences(client, layla)

    registration_decide(registration=Registration.objects.get(user=amina), by=coach, approve=True)
    registration_decide(registration=Registration.objects.get(user=layla), by=coach, approve=False)

    assert grew(amina_pending, sequences(client, amina), "CONFIRMED")
    layla_rejected = sequences(client, layla)
    assert grew(layla_pending, layla_rejected, "CANCELLED")

    registration_add(event=event, by=coach, users=[layla])
    assert grew(layla_rejected, sequences(client, layla), "CONFIRMED")


def test_the_registration_sequence_adds_to_the_events_and_never_goes_down(client):
    event = make_event(sessions=1)
    amina = UserFactory()
    registration = registration_register(event=event, user=amina)
    session = event.sessions.get()
    uid = f"{session.uuid}@maktaba"
    first = registration.sequence
    assert sequences(client, amina)[uid][0] == first

    registration_cancel(registration=registration, by=amina)
    registration_register(event=event, user=amina)
    registration.refresh_from_db()
    assert registration.sequence >= first + 2
    Event.objects.filter(pk=event.pk).update(sequence=3)
    Session.objects.filter(pk=session.pk).update(sequence=5)

    assert sequences(client, amina)[uid][0] == 3 + 5 + registration.sequence
    # The event's own file, the same for everyone, carries the event's and the session's only.
    response = client.get(reverse("webinars:event-ics", kwargs={"event_uuid": event.uuid}))
    ical_events, _, _, _ = _parse(response.content)
    assert int(ical_events[uid]["SEQUENCE"]) == 3 + 5


# 5. Short date formats from FORMAT_MODULE_PATH --------------------------------------------------------------


def test_every_language_has_the_webinar_formats():
    assert settings.FORMAT_MODULE_PATH == ["config.formats"]
    assert not hasattr(views, "DAY_AND_TIME"), "the formats live in config/formats/<language>/formats.py"
    expected = {"en": "D j M, H:i", "ru": "D, j E, H:i", "ar": "D j F، H:i"}
    assert {language for language, _name in settings.LANGUAGES} == set(expected)
    for language, value in expected.items():
        assert get_format("WEBINAR_DAY_AND_TIME_FORMAT", lang=language) == value


# What the page showed before the formats moved (same day, in UTC and beside it in Tashkent, UTC+5).
SHOWN = {
    "en": ("Tue 25 Nov, 12:00", "Wed 26 Nov, 04:30"),
    "ru": ("Вт, 25 ноября, 12:00", "Ср, 26 ноября, 04:30"),
    "ar": ("ثلاثاء 25 نوفمبر، 12:00", "أربعاء 26 نوفمبر، 04:30"),
}


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_times_read_as_before_in_each_language(client, language):
    start = datetime(2025, 11, 25, 12, 0, tzinfo=UTC)
    event = make_event(sessions=0, time_zone="Asia/Tashkent")
    SessionFactory(event=event, starts_at=start, ends_at=start + timedelta(hours=11, minutes=30))
    day, next_day_there = SHOWN[language]

    listed = client.get(f"/{language}/webinars/", {"when": "past"}).content.decode()
    assert f'<time datetime="2025-11-25T12:00:00+00:00">{day}</time>' in listed
    assert '<time datetime="2025-11-25T17:00:00+05:00">17:00</time>' in listed  # Tashkent, the same day

    page = client.get(f"/{language}/webinars/{event.uuid}/").content.decode()
    assert f'<time datetime="2025-11-25T12:00:00+00:00">{day}</time>–' in page
    assert '<time datetime="2025-11-25T23:30:00+00:00">23:30</time>' in page
    assert f'<time datetime="2025-11-26T04:30:00+05:00">{next_day_there}</time>' in page


def test_a_language_without_its_own_format_takes_the_english_one():
    start = datetime(2025, 11, 25, 12, 0, tzinfo=UTC)
    with translation.override("de"):
        shown = views.moment(start, zone="UTC", event_zone="UTC").html
        expected = dateformat.format(start, "D j M, H:i")  # Django's German names in the English order
    assert f">{expected}<" in shown
