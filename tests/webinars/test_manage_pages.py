"""The trainers' pages: who may see them, an event's settings (created in the event's zone by a trainer elsewhere,
errors next to the fields with the input kept, publishing, cancelling), its sessions (the spring gap refused, the
autumn fold asked about, weekly series, moving and cancelling one) and its participants (approving, turning
down, removing with the waiting list moving up, adding by email, the CSV export, a fixed number of queries)."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories.accounts import UserFactory, UsernameUserFactory, country
from tests.factories.roles import superuser, trainer
from tests.factories.webinars import SessionFactory, make_event
from webinars.models import Event, Registration, Session
from webinars.services.events import event_create, session_add
from webinars.services.registration import registration_register
from webinars.timezones import to_utc

pytestmark = pytest.mark.django_db
Status = Registration.Status
YEAR = timezone.now().year + 1


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


SPRING = last_sunday(YEAR, 3)  # Berlin skips 02:00-03:00
AUTUMN = last_sunday(YEAR, 10)  # Berlin has 02:00-03:00 twice


def url(name: str, event: Event | None = None, **kwargs) -> str:
    if event is not None:
        kwargs["event_uuid"] = event.uuid
    return reverse(f"webinars:{name}", kwargs=kwargs or None)


def page(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [
        html.unescape(text)
        for text in re.findall(r'<p class="message message--\w+">(.*?)</p>', response.content.decode())
    ]


def field_errors(response, field_id: str) -> str:
    """The error list rendered next to the field with this id ("" when none)."""
    found = re.search(
        rf'<ul class="errorlist" id="{re.escape(field_id)}_error">(.*?)</ul>', response.content.decode(), re.S
    )
    return html.unescape(found.group(1)) if found else ""


@pytest.fixture
def owner():
    return trainer(full_name="Amina Trainer", time_zone="Africa/Cairo")


@pytest.fixture
def client_of():
    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def owner_client(owner, client_of):
    return client_of(owner)


def berlin_event(owner) -> Event:
    return event_create(by=owner, title="Night owls", time_zone="Europe/Berlin", kind=Event.Kind.ONLINE)


# Who may --------------------------------------------------------------------------------------------------------


def event_pages(event: Event) -> list[str]:
    return [
        url("manage-edit", event),
        url("manage-sessions", event),
        url("manage-participants", event),
        url("manage-participants", event) + "?format=csv",
        url("manage-cancel", event),
    ]


def test_someone_not_signed_in_is_sent_to_sign_in(client, owner):
    event = make_event(trainers=[owner])

    for address in [url("manage-list"), url("manage-create"), *event_pages(event)]:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith("/en/accounts/login/") or "login" in response["Location"]

    assert client.post(url("manage-publish", event)).status_code == 302


def test_a_teacher_gets_403_everywhere(client_of, owner):
    event = make_event(trainers=[owner], status=Event.Status.DRAFT)
    session = event.sessions.get()
    teacher = client_of(UserFactory())

    for address in [url("manage-list"), url("manage-create"), *event_pages(event)]:
        assert teacher.get(address).status_code == 403, address
    assert teacher.post(url("manage-publish", event)).status_code == 403
    assert teacher.post(url("manage-session-cancel", event, session_uuid=session.uuid)).status_code == 403
    event.refresh_from_db()
    session.refresh_from_db()
    assert (event.status, session.status) == (Event.Status.DRAFT, Session.Status.SCHEDULED)


def test_a_trainer_of_other_events_gets_403_on_this_one(client_of, owner):
    event = make_event(trainers=[owner])
    registration = registration_register(event=event, user=UserFactory())
    other = client_of(trainer())

    assert other.get(url("manage-list")).status_code == 200  # her own (empty) list
    assert event.title not in page(other.get(url("manage-list")))
    assert other.get(url("manage-create")).status_code == 200
    for address in event_pages(event):
        assert other.get(address).status_code == 403, address
    remove = url("manage-registration-remove", event, registration_id=registration.pk)
    assert other.post(remove).status_code == 403
    assert other.post(url("manage-cancel", event)).status_code == 403
    registration.refresh_from_db()
    event.refresh_from_db()
    assert (registration.status, event.status) == (Status.CONFIRMED, Event.Status.PUBLISHED)


def test_a_superuser_manages_every_event(client_of, owner):
    event = make_event(trainers=[owner])
    admin = client_of(superuser())

    assert event.title in page(admin.get(url("manage-list")))
    for address in event_pages(event):
        assert admin.get(address).status_code == 200, address


def test_a_session_of_another_event_is_404(owner_client, owner):
    event = make_event(trainers=[owner])
    stranger = SessionFactory()  # a session of an event she does not manage
    response = owner_client.get(url("manage-session-edit", event, session_uuid=stranger.uuid))
    assert response.status_code == 404


# My events -----------------------------------------------------------------------------------------------------


def test_my_events_upcoming_first_then_drafts_then_past(owner_client, owner):
    later = make_event(title="Later webinar", trainers=[owner], capacity=30)
    sooner = make_event(title="Sooner webinar", trainers=[owner])
    sooner.sessions.update(
        starts_at=timezone.now() + timedelta(days=1), ends_at=timezone.now() + timedelta(days=1, hours=1)
    )
    event_create(by=owner, title="My draft", time_zone="Europe/Moscow")
    past = make_event(title="Last year's workshop", trainers=[owner], sessions=0)
    SessionFactory(event=past, starts_at=timezone.now() - timedelta(days=30))
    make_event(title="Someone else's")
    registration_register(event=later, user=UserFactory())

    response = owner_client.get(url("manage-list"))

    text = page(response)
    order = [text.index(title) for title in ("Sooner webinar", "Later webinar", "My draft", "Last year's workshop")]
    assert order == sorted(order)
    assert "Someone else's" not in text
    assert "1 of 30" in text
    assert "Europe/Moscow" in text and "Africa/Cairo" in text  # the next session in her zone and the event's
    assert f'href="{url("manage-create")}"' in text


def test_my_events_runs_the_same_number_of_queries_for_3_and_12_events(owner_client, owner):
    def add(count: int) -> None:
        for _ in range(count):
            event = make_event(trainers=[owner], sessions=2)
            registration_register(event=event, user=UserFactory())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(url("manage-list")).status_code == 200
        return len(captured)

    add(3)
    queries()  # the first request records her activity
    few = queries()
    add(9)
    assert queries() == few


# An event's settings -------------------------------------------------------------------------------------------


def event_data(**overrides) -> dict:
    data = {
        "title": "Формирующее оценивание",
        "description": "<p>Three sessions.</p><script>alert(1)</script>",
        "language": "ru",
        "kind": Event.Kind.HYBRID,
        "topic": "Assessment",
        "time_zone": "Europe/Moscow",
        "time_zone_other": "",
        "capacity": "25",
        "registration_opens_at": f"{YEAR}-01-10T09:00",
        "registration_closes_at": f"{YEAR}-01-20T18:00",
        "requires_approval": "on",
        "venue": "Room 4, Teachers' College",
        "provider": Event.Provider.LINK,
        "join_url": "https://meet.example.org/room-1",
        "materials": "",
        "countries": [str(country("EG").pk), str(country("UZ").pk)],
    }
    data.update(overrides)
    return data


def test_the_form_offers_her_time_zone_first(owner_client):
    text = page(owner_client.get(url("manage-create")))
    assert '<option value="Africa/Cairo" selected>Africa/Cairo</option>' in text
    assert 'type="datetime-local"' in text
    assert "In your time zone (Africa/Cairo)." in text
    assert 'aria-describedby="id_time_zone_other_helptext"' in text


def test_a_cairo_trainer_creates_an_event_in_moscow_time(owner_client, owner):
    response = owner_client.post(url("manage-create"), event_data())

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("manage-sessions", event)
    assert (event.title, event.time_zone, event.status) == (
        "Формирующее оценивание",
        "Europe/Moscow",
        Event.Status.DRAFT,
    )
    # Typed in her zone, Cairo (UTC+2 in January).
    assert event.registration_opens_at == datetime(YEAR, 1, 10, 7, 0, tzinfo=UTC)
    assert event.registration_closes_at == datetime(YEAR, 1, 20, 16, 0, tzinfo=UTC)
    assert (event.capacity, event.requires_approval, event.kind) == (25, True, Event.Kind.HYBRID)
    assert "<script>" not in event.description and "Three sessions." in event.description
    assert {c.code for c in event.countries.all()} == {"EG", "UZ"}
    assert list(event.trainers.all()) == [owner]
    follow = owner_client.get(response["Location"])
    assert messages_of(follow) == [
        "The event “Формирующее оценивание” is saved as a draft. Add its sessions, then publish it."
    ]
    assert "Planned in <bdi>Europe/Moscow</bdi> time" in follow.content.decode()

    # Her settings page shows the window back in her zone.
    text = owner_client.get(url("manage-edit", event)).content.decode()
    assert f'value="{YEAR}-01-10T09:00"' in text
    assert '<option value="Europe/Moscow" selected>' in text


def test_a_typed_time_zone_is_used_whatever_its_case(owner_client):
    owner_client.post(url("manage-create"), event_data(time_zone_other="asia/tashkent"))
    assert Event.objects.get().time_zone == "Asia/Tashkent"


def test_errors_stand_next_to_the_fields_and_keep_the_input(owner_client):
    response = owner_client.post(
        url("manage-create"),
        event_data(
            title="",
            topic="Kept topic",
            capacity="0",
            time_zone_other="Mars/Olympus",
            registration_closes_at=f"{YEAR}-01-09T09:00",
        ),
    )

    assert response.status_code == 200
    assert not Event.objects.exists()
    assert "This field is required." in field_errors(response, "id_title")
    assert "Mars/Olympus" in field_errors(response, "id_time_zone_other")
    assert "Registration must close after it opens." in field_errors(response, "id_registration_closes_at")
    assert field_errors(response, "id_capacity")
    text = response.content.decode()
    assert 'value="Kept topic"' in text and 'value="Mars/Olympus"' in text
    assert f'value="{YEAR}-01-09T09:00"' in text
    assert "Please correct the errors below." in text


def test_the_capacity_cannot_drop_below_the_places_taken(owner_client, owner):
    event = make_event(trainers=[owner], capacity=10)
    for _ in range(3):
        registration_register(event=event, user=UserFactory())

    response = owner_client.post(url("manage-edit", event), event_data(capacity="2", time_zone=event.time_zone))

    assert response.status_code == 200
    assert "3 people already have a place" in field_errors(response, "id_capacity")
    event.refresh_from_db()
    assert event.capacity == 10


def test_saving_the_settings(owner_client, owner):
    event = make_event(trainers=[owner], title="Old title")
    response = owner_client.post(
        url("manage-edit", event), event_data(title="New title", time_zone=event.time_zone), follow=True
    )
    event.refresh_from_db()
    assert event.title == "New title"
    assert messages_of(response) == ["The settings of “New title” are saved."]


def test_publishing_is_refused_without_a_session_then_accepted(owner_client, owner):
    event = event_create(by=owner, title="Digital pedagogy", time_zone="Europe/Moscow")
    sessions = url("manage-sessions", event)
    assert "Publish" in page(owner_client.get(sessions))

    response = owner_client.post(url("manage-publish", event), {"next": sessions}, follow=True)

    assert response.redirect_chain == [(sessions, 302)]
    assert messages_of(response) == ["Add a session that is still to come before publishing the event."]
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT

    added = owner_client.post(
        sessions,
        {"action": "add", "one-date": f"{YEAR}-02-03", "one-start": "18:00", "one-minutes": "90"},
        follow=True,
    )
    assert messages_of(added) == ["1 session added."]
    response = owner_client.post(url("manage-publish", event), {"next": "https://evil.example.org/"}, follow=True)

    assert response.redirect_chain == [(sessions, 302)]  # not to another site
    assert messages_of(response) == ["The event is published: teachers can now find it and register."]
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert f'href="/en/webinars/{event.uuid}/"' in response.content.decode()  # the public page


def test_cancelling_the_event_asks_first(owner_client, owner):
    event = make_event(trainers=[owner], sessions=2)
    registration_register(event=event, user=UserFactory())

    confirm = page(owner_client.get(url("manage-cancel", event)))
    assert "2 sessions still to come will be cancelled." in confirm
    assert "1 person registered will be told by email." in confirm
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    response = owner_client.post(url("manage-cancel", event), follow=True)

    assert response.redirect_chain == [(url("manage-list"), 302)]
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert set(event.sessions.values_list("status", flat=True)) == {Session.Status.CANCELLED}
    settings_page = owner_client.get(url("manage-edit", event))
    assert "This event is cancelled" in page(settings_page) and '<form method="post" class="narrow' not in page(
        settings_page
    )


# Sessions ------------------------------------------------------------------------------------------------------


def test_a_session_is_typed_in_the_events_zone(owner_client, owner):
    event = event_create(by=owner, title="Digital pedagogy", time_zone="Europe/Moscow")
    sessions = url("manage-sessions", event)
    form_page = page(owner_client.get(sessions))
    assert "In the event's time zone, Europe/Moscow." in form_page
    assert 'aria-describedby="id_one-start_helptext"' in form_page

    response = owner_client.post(
        sessions,
        {
            "action": "add",
            "one-date": f"{YEAR}-01-20",
            "one-start": "15:00",
            "one-minutes": "90",
            "one-title": "Part 1",
        },
        follow=True,
    )

    session = event.sessions.get()
    assert session.starts_at == datetime(YEAR, 1, 20, 12, 0, tzinfo=UTC)  # Moscow is UTC+3
    assert session.ends_at - session.starts_at == timedelta(minutes=90)
    assert session.title == "Part 1"
    assert messages_of(response) == ["1 session added."]
    text = response.content.decode()
    assert f'<time datetime="{YEAR}-01-20T14:00:00+02:00">' in text  # in her zone, Cairo
    assert f'<time datetime="{YEAR}-01-20T15:00:00+03:00">15:00</time>' in text  # and in the event's
    assert "90 minutes" in text


def test_a_session_in_the_spring_gap_is_refused_and_nothing_saved(owner_client, owner):
    event = berlin_event(owner)

    response = owner_client.post(
        url("manage-sessions", event),
        {"action": "add", "one-date": SPRING.isoformat(), "one-start": "02:30", "one-minutes": "60"},
    )

    assert response.status_code == 200
    assert not Session.objects.exists()
    error = field_errors(response, "id_one-start")
    assert error and f"{SPRING:%Y-%m-%d} 02:30 does not exist in Europe/Berlin" in error
    assert f'value="{SPRING.isoformat()}"' in response.content.decode()  # the input is kept


def test_a_session_in_the_autumn_fold_asks_which_one(owner_client, owner):
    event = berlin_event(owner)
    sessions = url("manage-sessions", event)
    typed = {"action": "add", "one-date": AUTUMN.isoformat(), "one-start": "02:30", "one-minutes": "30"}
    assert 'name="one-fold"' not in owner_client.get(sessions).content.decode()

    response = owner_client.post(sessions, typed)

    assert response.status_code == 200
    assert not Session.objects.exists()
    text = page(response)
    assert "happens twice in Europe/Berlin" in field_errors(response, "id_one-fold")
    assert "The first 02:30 (before the clocks go back)" in text
    assert "The second 02:30 (after the clocks go back)" in text
    radios = re.findall(r'<input type="radio" name="one-fold" value="(\d)"[^>]*>', response.content.decode())
    assert radios == ["0", "1"]
    assert all("required" in radio for radio in re.findall(r'<input type="radio" name="one-fold"[^>]*>', text))
    asked_for = re.search(r'name="one-fold_for" value="([^"]+)"', text).group(1)
    assert asked_for == f"{AUTUMN.isoformat()}T02:30"

    # Sent again without an answer: still asked, still nothing saved.
    again = owner_client.post(sessions, {**typed, "one-fold_for": asked_for})
    assert again.status_code == 200 and field_errors(again, "id_one-fold")
    assert not Session.objects.exists()

    response = owner_client.post(sessions, {**typed, "one-fold_for": asked_for, "one-fold": "1"})

    assert response.status_code == 302
    session = Session.objects.get()
    later = to_utc(datetime(AUTUMN.year, AUTUMN.month, AUTUMN.day, 2, 30), "Europe/Berlin", fold=1)
    assert session.starts_at == later == datetime(AUTUMN.year, AUTUMN.month, AUTUMN.day, 1, 30, tzinfo=UTC)


def test_an_answer_about_another_time_is_not_used(owner_client, owner):
    event = berlin_event(owner)
    response = owner_client.post(
        url("manage-sessions", event),
        {
            "action": "add",
            "one-date": AUTUMN.isoformat(),
            "one-start": "02:45",  # changed after the question about 02:30
            "one-minutes": "30",
            "one-fold_for": f"{AUTUMN.isoformat()}T02:30",
            "one-fold": "1",
        },
    )
    assert response.status_code == 200
    assert "The first 02:45" in page(response)
    assert not Session.objects.exists()


def test_a_weekly_series_keeps_its_local_time(owner_client, owner):
    event = berlin_event(owner)
    first = SPRING - timedelta(days=12)

    response = owner_client.post(
        url("manage-sessions", event),
        {
            "action": "series",
            "series-date": first.isoformat(),
            "series-start": "18:00",
            "series-minutes": "60",
            "series-weeks": "4",
        },
        follow=True,
    )

    assert messages_of(response) == ["4 sessions added."]
    starts = [session.starts_at for session in event.sessions.order_by("starts_at")]
    assert [start.hour for start in starts] == [17, 17, 16, 16]  # 18:00 in Berlin, before and after the change
    assert [start.date() for start in starts] == [first + timedelta(weeks=week) for week in range(4)]


def test_a_series_in_the_fold_asks_too(owner_client, owner):
    event = berlin_event(owner)
    typed = {
        "action": "series",
        "series-date": (AUTUMN - timedelta(weeks=1)).isoformat(),
        "series-start": "02:30",
        "series-minutes": "60",
        "series-weeks": "2",
    }
    response = owner_client.post(url("manage-sessions", event), typed)
    assert field_errors(response, "id_series-fold")
    asked_for = re.search(r'name="series-fold_for" value="([^"]+)"', response.content.decode()).group(1)

    owner_client.post(url("manage-sessions", event), {**typed, "series-fold": "0", "series-fold_for": asked_for})

    assert event.sessions.count() == 2


def test_cancelling_a_session(owner_client, owner):
    event = make_event(trainers=[owner], sessions=2)
    session = event.sessions.order_by("starts_at").first()
    cancel = url("manage-session-cancel", event, session_uuid=session.uuid)
    assert f'action="{cancel}"' in page(owner_client.get(url("manage-sessions", event)))
    assert owner_client.get(cancel).status_code == 405  # only a POST, from the confirmation

    response = owner_client.post(cancel, follow=True)

    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert messages_of(response) == ["The session is cancelled. The people registered are told by email."]
    assert f'action="{cancel}"' not in response.content.decode()


def test_moving_a_session(owner_client, owner):
    event = event_create(by=owner, title="Digital pedagogy", time_zone="Europe/Moscow")
    session = session_add(event, by=owner, start_local=datetime(YEAR, 2, 3, 18, 0), minutes=60)
    edit = url("manage-session-edit", event, session_uuid=session.uuid)
    form = page(owner_client.get(edit))
    assert f'value="{YEAR}-02-03"' in form and 'value="18:00"' in form and 'value="60"' in form

    response = owner_client.post(edit, {"date": f"{YEAR}-02-05", "start": "19:30", "minutes": "45"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == datetime(YEAR, 2, 5, 16, 30, tzinfo=UTC)
    assert session.ends_at - session.starts_at == timedelta(minutes=45)

    refused = owner_client.post(edit, {"date": "2020-01-01", "start": "19:30", "minutes": "45"})
    assert "A session cannot start in the past." in field_errors(refused, "id_start")


# Participants --------------------------------------------------------------------------------------------------


@pytest.fixture
def full_event(owner):
    """One place, taken by Alice; Bob waits; Carol and Dan asked once approval was switched on."""
    event = make_event(trainers=[owner], capacity=1, title="Small workshop")
    people = {}
    for name in ("Alice", "Bob"):
        people[name] = UserFactory(full_name=name)
        registration_register(event=event, user=people[name])
    Event.objects.filter(pk=event.pk).update(requires_approval=True)
    event.refresh_from_db()
    for name in ("Carol", "Dan"):
        people[name] = UserFactory(full_name=name)
        registration_register(event=event, user=people[name])
    event.people = people
    return event


def status_of(event: Event, name: str) -> str:
    return Registration.objects.get(event=event, user=event.people[name]).status


def test_the_participants_page_counts_and_lists_each_status(owner_client, full_event):
    participants = url("manage-participants", full_event)

    confirmed = page(owner_client.get(participants))
    assert "1 of 1" in confirmed
    assert "Alice" in confirmed and "Bob" not in confirmed
    pending = page(owner_client.get(participants, {"status": "pending"}))
    assert "Carol" in pending and "Dan" in pending and "Alice" not in pending
    assert pending.count('value="approve"') == 2
    waiting = owner_client.get(participants, {"status": "waitlisted"}).content.decode()
    assert re.search(r'<td class="manage-number">1</td>\s*<th scope="row" dir="auto">Bob</th>', waiting)


def test_approving_turning_down_and_removing(owner_client, full_event):
    event = full_event

    def decide(name: str, decision: str):
        registration = Registration.objects.get(event=event, user=event.people[name])
        return owner_client.post(
            url("manage-registration-decide", event, registration_id=registration.pk),
            {"decision": decision, "status": "pending"},
            follow=True,
        )

    response = decide("Carol", "approve")
    assert response.redirect_chain == [(url("manage-participants", event) + "?status=pending", 302)]
    assert messages_of(response) == ["Carol: approved, on the waiting list as the event is full. An email says so."]
    assert status_of(event, "Carol") == Status.WAITLISTED
    response = decide("Dan", "reject")
    assert messages_of(response) == ["Dan: the request is turned down. An email says so."]
    assert status_of(event, "Dan") == Status.REJECTED
    assert messages_of(decide("Dan", "approve")) == ["This request has already been answered."]
    assert status_of(event, "Dan") == Status.REJECTED

    waiting = owner_client.get(url("manage-participants", event), {"status": "waitlisted"}).content.decode()
    assert waiting.index("Bob") < waiting.index("Carol")
    assert re.search(r'<td class="manage-number">2</td>\s*<th scope="row" dir="auto">Carol</th>', waiting)

    alice = Registration.objects.get(event=event, user=event.people["Alice"])
    response = owner_client.post(url("manage-registration-remove", event, registration_id=alice.pk), follow=True)

    assert messages_of(response) == [
        "Alice: removed from the event, with an email. The place goes to the first person waiting."
    ]
    assert status_of(event, "Alice") == Status.CANCELLED
    assert status_of(event, "Bob") == Status.CONFIRMED  # the first on the waiting list moved up
    assert status_of(event, "Carol") == Status.WAITLISTED
    event.refresh_from_db()
    assert event.confirmed_count == 1
    cancelled = page(owner_client.get(url("manage-participants", event), {"status": "cancelled"}))
    assert "Alice" in cancelled and "Dan" in cancelled and "Not approved" in cancelled


def test_a_registration_of_another_event_is_404(owner_client, full_event, owner):
    other = make_event(trainers=[owner])
    registration = registration_register(event=other, user=UserFactory())
    response = owner_client.post(url("manage-registration-remove", full_event, registration_id=registration.pk))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_adding_people_by_email_reports_the_unknown_ones(owner_client, owner):
    event = make_event(trainers=[owner], capacity=10)
    erin = UserFactory(email="erin@example.org", full_name="Erin")
    fatima = UsernameUserFactory(username="fatima.k", full_name="Fatima")

    response = owner_client.post(
        url("manage-participants", event),
        {"logins": "Erin@Example.org\nnobody@example.org, fatima.k\n\nghost"},
    )

    assert response.status_code == 200
    assert messages_of(response) == ["2 people added."]
    assert {r.user for r in Registration.objects.filter(event=event, status=Status.CONFIRMED)} == {erin, fatima}
    error = field_errors(response, "id_logins")
    assert "nobody@example.org, ghost" in error
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", response.content.decode(), re.S).group(1)
    assert textarea.split() == ["nobody@example.org", "ghost"]  # what was not added stays, to be corrected

    again = owner_client.post(url("manage-participants", event), {"logins": "erin@example.org"}, follow=True)
    assert messages_of(again) == ["Everyone you entered was already registered."]


def test_adding_people_to_a_draft_is_refused_with_the_input_kept(owner_client, owner):
    event = make_event(trainers=[owner], status=Event.Status.DRAFT)
    UserFactory(email="erin@example.org")
    response = owner_client.post(url("manage-participants", event), {"logins": "erin@example.org"})
    assert "Publish the event before adding participants." in field_errors(response, "id_logins")
    assert "erin@example.org</textarea>" in response.content.decode()
    assert not Registration.objects.exists()


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_csv_export(owner_client, owner):
    event = make_event(trainers=[owner], capacity=1)
    first = UserFactory(
        full_name='=HYPERLINK("https://evil.example.org")', email="first@example.org", country=country("EG")
    )
    registration_register(event=event, user=first)
    second = UsernameUserFactory(full_name="Бахтиёр", username="bakhtiyor")
    registration_register(event=event, user=second)

    response = owner_client.get(url("manage-participants", event), {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="participants-{event.uuid}.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [
        "Name",
        "Email or username",
        "Country",
        "Status",
        "Registered at (UTC)",
        "Position on the waiting list",
    ]
    assert rows[1][:4] == ['\'=HYPERLINK("https://evil.example.org")', "first@example.org", "Egypt", "Confirmed"]
    assert rows[1][5] == ""
    assert rows[2][:4] == ["Бахтиёр", "bakhtiyor", "", "On the waiting list"]
    assert rows[2][5] == "1"
    registered = Registration.objects.get(user=first).created_at
    assert rows[1][4] == registered.astimezone(UTC).isoformat(timespec="seconds")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", rows[1][4])


@pytest.mark.parametrize("query", [{"format": "csv"}, {}, {"status": "waitlisted"}])
def test_participants_pages_run_the_same_number_of_queries_for_3_and_15_people(owner_client, owner, query):
    event = make_event(trainers=[owner], capacity=2)

    def add(count: int) -> None:
        for _ in range(count):
            registration_register(event=event, user=UserFactory(country=country("EG")))

    def queries() -> int:
        expected_rows = 1 + Registration.objects.filter(event=event).count()
        with CaptureQueriesContext(connection) as captured:
            response = owner_client.get(url("manage-participants", event), query)
            assert response.status_code == 200
            if query.get("format") == "csv":
                assert len(read_csv(response)) == expected_rows  # the rows are read while the file streams
        return len(captured)

    add(3)
    queries()  # the first request records her activity
    few = queries()
    add(12)
    assert queries() == few


# Languages and links -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ru", "ar"])
def test_every_page_works_in_russian_and_arabic(client_of, owner, language):
    owner.preferred_language = language
    owner.save(update_fields=["preferred_language"])
    client = client_of(owner)
    event = make_event(trainers=[owner], capacity=1, sessions=2)
    registration_register(event=event, user=UserFactory(full_name="Ахмед"))
    registration_register(event=event, user=UserFactory(full_name="ليلى"))
    session = event.sessions.first()
    draft = event_create(by=owner, title="Черновик", time_zone="Asia/Tashkent")
    addresses = [
        "/webinars/manage/",
        "/webinars/manage/new/",
        f"/webinars/manage/{event.uuid}/edit/",
        f"/webinars/manage/{event.uuid}/sessions/",
        f"/webinars/manage/{event.uuid}/sessions/{session.uuid}/edit/",
        f"/webinars/manage/{event.uuid}/participants/?status=waitlisted",
        f"/webinars/manage/{event.uuid}/cancel/",
        f"/webinars/manage/{draft.uuid}/sessions/",
    ]
    for address in addresses:
        response = client.get(f"/{language}{address}")
        assert response.status_code == 200, address
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in response.content.decode()


def test_the_sessions_link_to_their_attendance(owner_client, owner):
    event = make_event(trainers=[owner])
    session = event.sessions.get()
    attendance = reverse("webinars:session-attendance", kwargs={"session_uuid": session.uuid})
    assert f'href="{attendance}"' in owner_client.get(url("manage-sessions", event)).content.decode()
