"""Calendars: an event's .ics file and a learner's private feed, read back by two independent iCalendar
libraries (icalendar, and vobject with validation), as calendar apps would read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories.accounts import UserFactory
from tests.factories.webinars import EventFactory, SessionFactory, make_event
from webinars import calendar
from webinars.models import CalendarFeed, Event, Registration, Session
from webinars.services.calendar import calendar_feed_get_or_create, calendar_feed_renew

pytestmark = pytest.mark.django_db

JOIN_URL = "https://meet.example.org/room-1"  # the factory's meeting link


def _url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"webinars:{name}", kwargs=kwargs)


def _event_ics(client, event: Event):
    response = client.get(_url("event-ics", event_uuid=event.uuid))
    assert response.status_code == 200
    return response


def _feed(client, user) -> bytes:
    feed = calendar_feed_get_or_create(user)
    response = client.get(_url("calendar-feed", token=feed.token))
    assert response.status_code == 200
    return response.content


def _register(user, event: Event, status=Registration.Status.CONFIRMED, **fields) -> Registration:
    return Registration.objects.create(user=user, event=event, status=status, **fields)


def _parse(body: bytes):
    """The file as both libraries read it: (icalendar's VEVENTs by UID, vobject's VEVENTs by UID, both
    calendars). vobject validates every component as it reads."""
    ical = icalendar.Calendar.from_ical(body)
    vcal = vobject.readOne(body.decode("utf-8"), validate=True)
    ical_events = {str(component["UID"]): component for component in ical.walk("VEVENT")}
    vobject_events = {component.uid.value: component for component in vcal.contents.get("vevent", [])}
    assert set(ical_events) == set(vobject_events)
    return ical_events, vobject_events, ical, vcal


def _assert_wellformed(body: bytes) -> None:
    assert body.endswith(b"\r\n")
    assert body.count(b"\n") == body.count(b"\r\n"), "every line ends with CRLF"
    assert b"\r\r" not in body
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    assert lines[0] == b"BEGIN:VCALENDAR"
    unfolded = body.replace(b"\r\n ", b"").decode("utf-8")
    assert "\r\nPRODID:-//Maktaba//Webinars//EN\r\n" in unfolded
    assert "\r\nVERSION:2.0\r\n" in unfolded
    assert "\r\nCALSCALE:GREGORIAN\r\n" in unfolded
    assert "\r\nMETHOD:PUBLISH\r\n" in unfolded
    assert JOIN_URL not in unfolded, "the meeting link is never in a calendar file"
    ical = icalendar.Calendar.from_ical(body)
    used = {
        component[name].params["TZID"]
        for component in ical.walk("VEVENT")
        for name in ("DTSTART", "DTEND")
        if "TZID" in component[name].params
    }
    defined = [str(tz["TZID"]) for tz in ical.walk("VTIMEZONE")]
    assert sorted(defined) == sorted(used), "exactly one VTIMEZONE for every TZID used"
    for component in ical.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY", "STATUS", "URL"):
            assert name in component, name
        assert component["DTSTAMP"].dt.tzinfo is not None and component["DTSTAMP"].dt.utcoffset() == timedelta(0)


# --- The event's file ---------------------------------------------------------------------------------------


def test_event_file_parses_with_both_libraries_in_the_events_time_zone(client):
    event = make_event(sessions=3, title="Digital pedagogy", time_zone="Europe/Moscow")
    response = _event_ics(client, event)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="digital-pedagogy.ics"'
    _assert_wellformed(response.content)
    ical_events, vobject_events, ical, vcal = _parse(response.content)
    assert [str(tz["TZID"]) for tz in ical.walk("VTIMEZONE")] == ["Europe/Moscow"]
    assert len(vcal.contents["vtimezone"]) == 1

    sessions = list(event.sessions.order_by("starts_at"))
    assert set(ical_events) == {f"{session.uuid}@maktaba" for session in sessions}
    for session in sessions:
        uid = f"{session.uuid}@maktaba"
        ical_event, vobject_event = ical_events[uid], vobject_events[uid]
        starts_at = session.starts_at.replace(microsecond=0)
        # Local wall-clock time in the event's zone...
        assert ical_event["DTSTART"].params["TZID"] == "Europe/Moscow"
        local = starts_at.astimezone(ZoneInfo("Europe/Moscow")).replace(tzinfo=None)
        assert ical_event["DTSTART"].dt.replace(tzinfo=None) == local
        # ...that both libraries turn into the session's UTC instant.
        assert ical_event["DTSTART"].dt == starts_at
        assert ical_event["DTEND"].dt == session.ends_at.replace(microsecond=0)
        assert vobject_event.dtstart.value.astimezone(UTC) == starts_at
        assert vobject_event.dtend.value.astimezone(UTC) == session.ends_at.replace(microsecond=0)
        assert str(ical_event["STATUS"]) == "CONFIRMED"
        assert vobject_event.summary.value == "Digital pedagogy"
        event_page = f"http://testserver/en/webinars/{event.uuid}/"
        assert str(ical_event["URL"]) == event_page
        assert str(ical_event["LOCATION"]) == event_page  # online: the event page, never the meeting link
        assert "About digital pedagogy." in str(ical_event["DESCRIPTION"])
        assert event_page in str(ical_event["DESCRIPTION"])
        assert "<p>" not in str(ical_event["DESCRIPTION"])


def test_uid_is_stable_and_sequence_rises_with_every_change(client):
    event = make_event(sessions=2)
    first, second = event.sessions.order_by("starts_at")

    def sequences() -> dict[str, int]:
        ical_events, _, _, _ = _parse(_event_ics(client, event).content)
        return {uid: int(component["SEQUENCE"]) for uid, component in ical_events.items()}

    before = sequences()
    assert sequences() == before, "two downloads: the same UIDs and sequences"
    uid_first, uid_second = f"{first.uuid}@maktaba", f"{second.uuid}@maktaba"
    assert set(before) == {uid_first, uid_second}

    Session.objects.filter(pk=first.pk).update(sequence=F("sequence") + 1)
    after_session = sequences()
    assert after_session[uid_first] > before[uid_first]
    assert after_session[uid_second] == before[uid_second]

    Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
    after_event = sequences()
    assert after_event[uid_first] > after_session[uid_first]
    assert after_event[uid_second] > after_session[uid_second]
    assert set(after_event) == set(before)


def test_cancelled_session_is_sent_as_cancelled(client):
    event = make_event(sessions=2)
    cancelled = event.sessions.order_by("starts_at").last()
    Session.objects.filter(pk=cancelled.pk).update(status=Session.Status.CANCELLED, sequence=1)

    body = _event_ics(client, event).content
    _assert_wellformed(body)
    ical_events, vobject_events, _, _ = _parse(body)
    statuses = {uid: str(component["STATUS"]) for uid, component in ical_events.items()}
    assert statuses[f"{cancelled.uuid}@maktaba"] == "CANCELLED"
    assert vobject_events[f"{cancelled.uuid}@maktaba"].status.value == "CANCELLED"
    assert sorted(statuses.values()) == ["CANCELLED", "CONFIRMED"]


def test_only_published_events_have_a_file(client):
    draft = make_event(status=Event.Status.DRAFT)
    cancelled = make_event(status=Event.Status.CANCELLED)
    assert client.get(_url("event-ics", event_uuid=draft.uuid)).status_code == 404
    assert client.get(_url("event-ics", event_uuid=cancelled.uuid)).status_code == 404
    assert client.get(_url("event-ics", event_uuid="00000000-0000-4000-8000-000000000000")).status_code == 404


def test_russian_and_arabic_titles_survive(client):
    russian = make_event(title="Цифровая педагогика: «проектное обучение» в школе и дома, часть первая")
    arabic = make_event(
        title="التعليم الرقمي في الصف: التخطيط والتقويم",
        time_zone="Africa/Cairo",
        description="<p>ورشة عملية &amp; أمثلة</p>",
    )
    for event in (russian, arabic):
        response = _event_ics(client, event)
        body = response.content
        _assert_wellformed(body)  # folding never splits a multi-byte letter: it decodes as UTF-8
        ical_events, vobject_events, _, _ = _parse(body)
        assert [str(component["SUMMARY"]) for component in ical_events.values()] == [event.title]
        assert [component.summary.value for component in vobject_events.values()] == [event.title]
        assert "filename*=utf-8''" in response["Content-Disposition"]
    (description,) = [
        str(component["DESCRIPTION"]) for component in _parse(_event_ics(client, arabic).content)[0].values()
    ]
    assert description.startswith("ورشة عملية & أمثلة")


def test_onsite_location_is_the_venue_and_the_meeting_link_never_appears(client):
    event = make_event(kind=Event.Kind.HYBRID, venue="Teachers' centre, room 4")
    session = event.sessions.get()
    Session.objects.filter(pk=session.pk).update(venue="Room 12")
    body = _event_ics(client, event).content
    _assert_wellformed(body)
    ical_events, vobject_events, _, _ = _parse(body)
    assert str(ical_events[f"{session.uuid}@maktaba"]["LOCATION"]) == "Room 12"
    assert vobject_events[f"{session.uuid}@maktaba"].location.value == "Room 12"
    assert JOIN_URL.encode() not in body


# --- Time zones ----------------------------------------------------------------------------------------------


def _at(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_one_vtimezone_per_zone_and_times_right_across_daylight_saving(client):
    """Sessions just after New York's spring change, in its summer, in its autumn fold and in Cairo's summer:
    both libraries read each one back at its UTC instant, through the VTIMEZONEs in the file."""
    new_york = EventFactory(time_zone="America/New_York")
    instants = [
        _at("America/New_York", 2030, 3, 10, 3, 30),  # 03:30 EDT, an hour after the clocks went forward
        _at("America/New_York", 2030, 7, 1, 18, 0),
        datetime(2030, 11, 3, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC),  # EST
        _at("America/New_York", 2031, 1, 15, 9, 0),
    ]
    for instant in instants:
        SessionFactory(event=new_york, starts_at=instant)
    cairo = EventFactory(time_zone="Africa/Cairo")
    SessionFactory(event=cairo, starts_at=_at("Africa/Cairo", 2030, 7, 1, 18, 0))
    body = calendar.event_ics(new_york, new_york.sessions.all(), event_url=lambda event: "https://example.org/e")
    _assert_wellformed(body)
    ical_events, vobject_events, ical, _ = _parse(body)
    assert [str(tz["TZID"]) for tz in ical.walk("VTIMEZONE")] == ["America/New_York"]
    for session in new_york.sessions.all():
        uid = f"{session.uuid}@maktaba"
        assert ical_events[uid]["DTSTART"].dt == session.starts_at
        assert vobject_events[uid].dtstart.value.astimezone(UTC) == session.starts_at
        assert ical_events[uid]["DTEND"].dt == session.ends_at
        assert vobject_events[uid].dtend.value.astimezone(UTC) == session.ends_at
    # RFC 5545 reads a local time that happens twice as the first one: the second is written in UTC.
    in_the_fold = ical_events[f"{new_york.sessions.get(starts_at=instants[2]).uuid}@maktaba"]
    assert "TZID" not in in_the_fold["DTSTART"].params
    assert in_the_fold["DTEND"].params["TZID"] == "America/New_York"  # 03:00 EST happens once


def test_an_event_planned_in_utc_needs_no_vtimezone(client):
    event = make_event(time_zone="UTC")
    body = _event_ics(client, event).content
    _assert_wellformed(body)
    ical_events, vobject_events, ical, _ = _parse(body)
    assert ical.walk("VTIMEZONE") == []
    session = event.sessions.get()
    assert ical_events[f"{session.uuid}@maktaba"]["DTSTART"].dt == session.starts_at.replace(microsecond=0)
    assert vobject_events[f"{session.uuid}@maktaba"].dtstart.value == session.starts_at.replace(microsecond=0)


def test_vtimezone_onsets_are_the_zones_real_changes():
    """RFC 5545: an observance begins at DTSTART read in TZOFFSETFROM. Each must be a change the zoneinfo
    database knows, to the second."""
    for tzid in ("America/New_York", "Africa/Cairo", "Europe/Moscow", "Australia/Lord_Howe", "Asia/Tehran"):
        zone = ZoneInfo(tzid)
        component = calendar.vtimezone(tzid, first_year=2026, last_year=2027)
        observances = component.subcomponents
        assert observances, tzid
        first = observances[0]
        assert first["DTSTART"].dt == datetime(2026, 1, 1)
        for observance in observances[1:]:
            offset_from, offset_to = observance["TZOFFSETFROM"].td, observance["TZOFFSETTO"].td
            instant = (observance["DTSTART"].dt - offset_from).replace(tzinfo=UTC)
            assert (instant - timedelta(seconds=1)).astimezone(zone).utcoffset() == offset_from, (tzid, observance)
            assert instant.astimezone(zone).utcoffset() == offset_to, (tzid, observance)
            assert observance.name == ("DAYLIGHT" if instant.astimezone(zone).dst() else "STANDARD")
        assert len(observances) == 1 + (4 if tzid in ("America/New_York", "Australia/Lord_Howe", "Africa/Cairo") else 0)


# --- The private feed ----------------------------------------------------------------------------------------


def test_feed_lists_her_registrations_in_their_zones_without_login(client):
    teacher, other = UserFactory(), UserFactory()
    moscow = make_event(title="Москва", time_zone="Europe/Moscow", sessions=2)
    cairo = make_event(title="القاهرة", time_zone="Africa/Cairo")
    waitlisted = make_event(title="Waitlisted")
    pending = make_event(title="Pending approval")
    not_hers = make_event(title="Someone else's")
    _register(teacher, moscow)
    _register(teacher, cairo)
    _register(teacher, waitlisted, status=Registration.Status.WAITLISTED)
    _register(teacher, pending, status=Registration.Status.PENDING)
    _register(other, not_hers)
    _register(other, moscow)

    response = client.get(_url("calendar-feed", token=calendar_feed_get_or_create(teacher).token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    body = response.content
    _assert_wellformed(body)
    ical_events, vobject_events, ical, vcal = _parse(body)
    assert sorted(str(tz["TZID"]) for tz in ical.walk("VTIMEZONE")) == ["Africa/Cairo", "Europe/Moscow"]
    assert len(vcal.contents["vtimezone"]) == 2
    titles = sorted(str(component["SUMMARY"]) for component in ical_events.values())
    assert titles == sorted(["Москва", "Москва", "القاهرة", "Waitlisted", "Pending approval"])
    assert "Someone else" not in body.decode()
    assert {str(component["STATUS"]) for component in ical_events.values()} == {"CONFIRMED"}
    cairo_session = cairo.sessions.get()
    cairo_event = vobject_events[f"{cairo_session.uuid}@maktaba"]
    assert "DTSTART;TZID=Africa/Cairo:" in body.decode()
    assert cairo_event.dtstart.value.astimezone(UTC) == cairo_session.starts_at.replace(microsecond=0)

    # The other learner's feed has only hers.
    other_events, _, _, _ = _parse(_feed(client, other))
    assert sorted(str(component["SUMMARY"]) for component in other_events.values()) == sorted(
        ["Someone else's", "Москва", "Москва"]
    )


def test_feed_sends_ended_registrations_and_cancellations_as_cancelled_for_30_days(client):
    teacher = UserFactory()
    left_recently = make_event(title="Left last week")
    left_long_ago = make_event(title="Left two months ago")
    turned_down = make_event(title="Turned down")
    cancelled_event = make_event(title="Cancelled event", sessions=2)
    one_cancelled = make_event(title="One session cancelled", sessions=2)
    _register(
        teacher, left_recently, status=Registration.Status.CANCELLED, updated_at=timezone.now() - timedelta(days=7)
    )
    _register(
        teacher, left_long_ago, status=Registration.Status.CANCELLED, updated_at=timezone.now() - timedelta(days=60)
    )
    _register(teacher, turned_down, status=Registration.Status.REJECTED)
    _register(teacher, cancelled_event)
    _register(teacher, one_cancelled)
    Event.objects.filter(pk=cancelled_event.pk).update(status=Event.Status.CANCELLED, sequence=1)
    dropped = one_cancelled.sessions.order_by("starts_at").first()
    Session.objects.filter(pk=dropped.pk).update(status=Session.Status.CANCELLED, sequence=1)

    body = _feed(client, teacher)
    _assert_wellformed(body)
    ical_events, vobject_events, _, _ = _parse(body)
    by_title: dict[str, list[str]] = {}
    for component in vobject_events.values():
        by_title.setdefault(component.summary.value, []).append(component.status.value)
    assert by_title == {
        "Left last week": ["CANCELLED"],
        "Turned down": ["CANCELLED"],
        "Cancelled event": ["CANCELLED", "CANCELLED"],
        "One session cancelled": ["CANCELLED", "CONFIRMED"],
    }
    assert str(ical_events[f"{dropped.uuid}@maktaba"]["STATUS"]) == "CANCELLED"


def test_feed_is_unknown_after_renewal_and_for_made_up_tokens(client):
    teacher = UserFactory()
    _register(teacher, make_event())
    old = calendar_feed_get_or_create(teacher).token
    assert len(old) >= 43  # 32 random bytes
    assert client.get(_url("calendar-feed", token=old)).status_code == 200
    assert client.get(_url("calendar-feed", token="not-a-token")).status_code == 404

    client.force_login(teacher)
    response = client.post(_url("calendar-settings"))
    assert response.status_code == 302
    client.logout()

    new = CalendarFeed.objects.get(user=teacher).token
    assert new != old
    assert client.get(_url("calendar-feed", token=old)).status_code == 404
    assert client.get(_url("calendar-feed", token=new)).status_code == 200
    assert calendar_feed_renew(teacher).token not in (old, new)


def test_feed_of_a_deactivated_account_stops(client):
    teacher = UserFactory()
    token = calendar_feed_get_or_create(teacher).token
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert client.get(_url("calendar-feed", token=token)).status_code == 404


def test_feed_query_count_does_not_grow_with_registrations(client):
    def queries_for(registrations: int) -> int:
        teacher = UserFactory()
        for _ in range(registrations):
            _register(teacher, make_event(sessions=2, time_zone="Africa/Cairo"))
        url = _url("calendar-feed", token=calendar_feed_get_or_create(teacher).token)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(_parse(response.content)[0]) == registrations * 2
        return len(queries)

    assert queries_for(1) == queries_for(5) <= 3


# --- The settings page ---------------------------------------------------------------------------------------


def test_settings_page_needs_login(client):
    response = client.get(_url("calendar-settings"))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
    response = client.post(_url("calendar-settings"))
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()


def test_settings_page_shows_her_absolute_address_and_makes_a_new_one(client):
    teacher = UserFactory()
    client.force_login(teacher)
    page = client.get(_url("calendar-settings"), secure=True)
    assert page.status_code == 200
    token = CalendarFeed.objects.get(user=teacher).token
    html = page.content.decode()
    assert f'value="https://testserver/en/webinars/calendar/{token}.ics"' in html
    assert f'href="webcal://testserver/en/webinars/calendar/{token}.ics"' in html
    assert "Make a new address" in html
    assert client.get(_url("calendar-settings")).status_code == 200
    assert CalendarFeed.objects.get(user=teacher).token == token, "showing the page keeps the address"

    response = client.post(_url("calendar-settings"), follow=True)
    new = CalendarFeed.objects.get(user=teacher).token
    assert new != token
    html = response.content.decode()
    assert f"/en/webinars/calendar/{new}.ics" in html
    assert token not in html
    assert "The old one no longer works" in html


def test_settings_page_in_arabic_is_right_to_left(client):
    client.force_login(UserFactory(preferred_language="ar"))
    with translation.override("ar"):
        url = reverse("webinars:calendar-settings")
    html = client.get(url).content.decode()
    assert 'dir="rtl"' in html
    assert 'dir="ltr"' in html  # the address itself reads left to right


# --- Plain text ----------------------------------------------------------------------------------------------


def test_description_becomes_plain_text():
    html = (
        "<h2>Plan</h2><p>Bring a laptop &amp; a charger.<br>Coffee &lt;free&gt;.</p><ul><li>One</li><li>Two</li></ul>"
    )
    assert calendar.plain_text(html) == "Plan\n\nBring a laptop & a charger.\nCoffee <free>.\n\n- One\n- Two"
    assert calendar.plain_text("") == ""
