"""The public pages: the list of events (upcoming and past, filters, times in the viewer's zone and the event's),
an event's page (registering, the waiting list, cancelling, joining an online session) and their safety (CSRF,
the meeting link kept out of the page)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.e2e import conftest as e2e
from tests.factories.accounts import UserFactory, country
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory, SessionFactory, make_event
from webinars.models import Event, Registration, Session
from webinars.services.registration import registration_register

pytestmark = pytest.mark.django_db
Status = Registration.Status
LIST = "/en/webinars/"


def detail_url(event: Event, language: str = "en") -> str:
    return f"/{language}/webinars/{event.uuid}/"


def event_at(start: datetime, *, hours: float = 1.5, **fields) -> Event:
    """A published event with one session at ``start`` (UTC)."""
    event = EventFactory(**fields)
    SessionFactory(event=event, starts_at=start, ends_at=start + timedelta(hours=hours))
    return event


def past_event(**fields) -> Event:
    start = timezone.now() - timedelta(days=10)
    return event_at(start, **fields)


def titles(response) -> list[str]:
    found = re.findall(r'<h3><a href="[^"]+" dir="auto" lang="\w+">([^<]+)</a></h3>', response.content.decode())
    return [html.unescape(title) for title in found]


def next_winter_noon() -> datetime:
    """20 January next year, 12:00 UTC: Cairo is UTC+2 then, Moscow UTC+3, Tashkent UTC+5."""
    return datetime(timezone.now().year + 1, 1, 20, 12, 0, tzinfo=UTC)


# The list --------------------------------------------------------------------------------------------------------


def test_the_list_shows_upcoming_published_events_only(client):
    make_event(title="Upcoming webinar")
    make_event(title="A draft", status=Event.Status.DRAFT)
    make_event(title="A cancelled one", status=Event.Status.CANCELLED)
    past_event(title="Last month's webinar")

    response = client.get(LIST)

    assert response.status_code == 200
    assert titles(response) == ["Upcoming webinar"]
    assert "1 event" in response.content.decode()


def test_the_past_tab_shows_events_that_are_over(client):
    make_event(title="Upcoming webinar")
    past_event(title="Last month's webinar")
    make_event(title="A cancelled one", status=Event.Status.CANCELLED, sessions=0)

    response = client.get(LIST, {"when": "past"})

    assert titles(response) == ["Last month's webinar"]
    page = response.content.decode()
    assert '<a href="?when=past" aria-current="page">Past</a>' in page


def test_the_list_is_empty_with_a_way_out(client):
    response = client.get(LIST)

    assert titles(response) == []
    assert "No upcoming events for now" in response.content.decode()


def test_filter_by_language(client):
    make_event(title="In English", language="en")
    make_event(title="По-русски", language="ru")

    assert titles(client.get(LIST, {"language": "ru"})) == ["По-русски"]
    assert titles(client.get(LIST, {"language": "en"})) == ["In English"]


def test_filter_by_kind(client):
    make_event(title="Online", kind=Event.Kind.ONLINE)
    make_event(title="Onsite", kind=Event.Kind.ONSITE)

    assert titles(client.get(LIST, {"kind": "onsite"})) == ["Onsite"]
    assert titles(client.get(LIST, {"kind": "online"})) == ["Online"]


def test_filter_by_country_keeps_the_events_open_to_everyone(client):
    for_everyone = make_event(title="For everyone")
    for_egypt = make_event(title="For Egypt")
    for_egypt.countries.set([country("EG")])
    for_kenya = make_event(title="For Kenya")
    for_kenya.countries.set([country("KE")])

    shown = set(titles(client.get(LIST, {"country": "EG"})))

    assert shown == {for_everyone.title, for_egypt.title}
    assert len(titles(client.get(LIST))) == 3


def test_filter_by_topic(client):
    make_event(title="About assessment", topic="Assessment")
    make_event(title="About ICT", topic="ICT in the classroom")

    response = client.get(LIST, {"topic": "Assessment"})

    assert titles(response) == ["About assessment"]
    assert '<option value="ICT in the classroom">' in response.content.decode()  # the choices offered


def test_an_unknown_filter_value_is_ignored_and_said_so(client):
    make_event(title="Upcoming webinar")

    response = client.get(LIST, {"country": "XX", "kind": "seance"})

    assert titles(response) == ["Upcoming webinar"]
    assert "Select a valid choice" in response.content.decode()


def test_the_filters_work_without_javascript(client):
    page = client.get(LIST).content.decode()

    form = re.search(r'<form method="get"[^>]*>(.*?)</form>', page, re.S).group(1)
    for name in ("language", "kind", "country", "topic"):
        assert f'name="{name}"' in form
        assert re.search(rf'<label for="id_{name}">', form)
    assert '<button type="submit">' in form


def test_times_are_in_her_zone_and_the_event_zone(client):
    start = next_winter_noon()
    event = event_at(start, title="Moscow webinar", time_zone="Europe/Moscow", capacity=30)
    client.force_login(UserFactory(time_zone="Africa/Cairo"))

    for url in (LIST, detail_url(event)):
        page = client.get(url).content.decode()
        assert "Africa/Cairo" in page and "Europe/Moscow" in page
        assert f'<time datetime="{start.year}-01-20T14:00:00+02:00">' in page  # 12:00 UTC in Cairo
        assert re.search(r", 14:00</time>(–<time [^>]+>15:30</time>)?</bdi> your time", page)
        assert f'<time datetime="{start.year}-01-20T15:00:00+03:00">15:00</time>' in page  # and in Moscow
    assert "30 places left" in client.get(LIST).content.decode()


def test_the_event_zone_shows_the_date_when_it_is_another_day_there(client):
    start = datetime(timezone.now().year + 1, 1, 20, 22, 30, tzinfo=UTC)
    event_at(start, time_zone="Asia/Tashkent")  # 03:30 the next morning
    client.force_login(UserFactory(time_zone="UTC"))

    page = client.get(LIST).content.decode()

    assert "22:30</time></bdi> UTC" in page
    assert re.search(r'datetime="\d{4}-01-21T03:30:00\+05:00">Wed 21 Jan, 03:30</time>|>\w{3} 21 Jan, 03:30<', page)


def test_an_anonymous_visitor_sees_the_zone_her_browser_gave(client):
    event_at(next_winter_noon(), time_zone="Europe/Moscow")
    client.cookies["tz"] = "Asia/Tashkent"

    page = client.get(LIST).content.decode()

    assert "Asia/Tashkent" in page
    assert "17:00</time></bdi> your time" in page
    assert 'src="/static/webinars/timezone.js"' in page


def test_a_bogus_zone_cookie_falls_back_to_utc(client):
    event_at(next_winter_noon(), time_zone="Europe/Moscow")
    client.cookies["tz"] = "Mars/Olympus_Mons"

    page = client.get(LIST).content.decode()

    assert "Mars/" not in page
    assert "Times are in UTC." in page
    assert "12:00</time></bdi> UTC" in page
    assert "15:00</time>" in page  # Moscow, beside it


def test_without_a_cookie_the_times_are_in_utc_and_the_script_may_offer_hers(client):
    event_at(next_winter_noon(), time_zone="Europe/Moscow")

    page = client.get(LIST).content.decode()

    assert "Times are in UTC." in page
    assert '<p id="tz-offer" class="event-zone-note" data-zone="UTC" hidden>' in page


def test_a_full_event_says_so_on_its_card(client):
    event = make_event(title="Popular", capacity=1)
    registration_register(event=event, user=UserFactory())

    page = client.get(LIST).content.decode()

    assert "Full — waiting list" in page
    assert "places left" not in page


def test_the_list_shows_the_trainers_not_their_emails(client):
    coach = make_trainer(full_name="Layla Haddad")
    make_event(trainers=[coach])

    page = client.get(LIST).content.decode()

    assert "Layla Haddad" in page
    assert coach.email not in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_events(client, signed_in):
    if signed_in:
        client.force_login(UserFactory(time_zone="Africa/Cairo"))
    coach = make_trainer(full_name="Layla Haddad")

    def add(count: int) -> None:
        for _ in range(count):
            event = make_event(sessions=2, trainers=[coach, make_trainer(full_name="Omar")], topic="ICT")
            event.countries.set([country("EG")])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"country": "EG"}).status_code == 200
        return len(captured)

    add(3)
    queries()  # the first request of a session records her activity
    few = queries()
    add(9)
    many = queries()

    assert len(titles(client.get(LIST))) == 12
    assert many == few


def test_the_list_paginates_by_twenty(client):
    for _ in range(21):
        make_event()

    assert len(titles(client.get(LIST))) == 20
    assert len(titles(client.get(LIST, {"page": 2}))) == 1


def test_the_arabic_page_is_right_to_left(client):
    event = make_event(title="ورشة التعليم الرقمي", language="ar")

    for url in ("/ar/webinars/", detail_url(event, "ar")):
        page = client.get(url).content.decode()
        assert '<html lang="ar" dir="rtl">' in page
        assert 'dir="auto" lang="ar">ورشة التعليم الرقمي' in page


def test_the_site_navigation_links_to_the_webinars(client):
    assert '<a href="/ru/webinars/">' in client.get("/ru/webinars/").content.decode()


# An event's page ------------------------------------------------------------------------------------------------


def test_a_draft_or_unknown_event_is_not_found(client):
    draft = make_event(status=Event.Status.DRAFT)

    assert client.get(detail_url(draft)).status_code == 404
    assert client.get("/en/webinars/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_event_page_shows_description_materials_venue_and_cancelled_sessions(client):
    event = make_event(
        kind=Event.Kind.HYBRID,
        sessions=2,
        description="<p>About <strong>digital</strong> pedagogy.</p>",
        materials='<p><a href="https://example.org/slides.pdf">Slides</a></p>',
        venue="Teachers' college\nRoom 12",
    )
    cancelled = event.sessions.last()
    cancelled.status = Session.Status.CANCELLED
    cancelled.save(update_fields=["status"])

    page = client.get(detail_url(event)).content.decode()

    assert "<p>About <strong>digital</strong> pedagogy.</p>" in page
    assert '<a href="https://example.org/slides.pdf">Slides</a>' in page
    assert "Teachers&#x27; college<br>Room 12" in page
    assert re.search(r'<s><span class="event-when">.*?</s> <span class="badge">Cancelled</span>', page, re.S)
    assert page.count("<s>") == 1


def test_an_anonymous_visitor_is_asked_to_sign_in(client):
    event = make_event()

    page = client.get(detail_url(event)).content.decode()

    assert f'href="/en/accounts/login/?next=/en/webinars/{event.uuid}/"' in page
    assert "Add to my calendar" not in page


def test_registering_gives_a_place(client):
    event = make_event(capacity=10)
    user = UserFactory()
    client.force_login(user)
    assert '<button type="submit">Register</button>' in client.get(detail_url(event)).content.decode()

    response = client.post(reverse("webinars:event-register", kwargs={"event_uuid": event.uuid}), follow=True)

    assert response.redirect_chain == [(detail_url(event), 302)]
    page = response.content.decode()
    assert '<p class="message message--success">You are registered.</p>' in page
    assert "Cancel my registration" in page
    assert Registration.objects.get(event=event, user=user).status == Status.CONFIRMED
    assert f'href="/en/webinars/{event.uuid}/calendar.ics"' in page
    assert 'href="/en/webinars/calendar/"' in page


def test_a_full_event_puts_her_on_the_waiting_list_with_her_place(client):
    event = make_event(capacity=1)
    registration_register(event=event, user=UserFactory())
    registration_register(event=event, user=UserFactory())  # first on the waiting list
    user = UserFactory()
    client.force_login(user)
    assert "Join the waiting list</button>" in client.get(detail_url(event)).content.decode()

    response = client.post(reverse("webinars:event-register", kwargs={"event_uuid": event.uuid}), follow=True)

    page = response.content.decode()
    assert "The event is full: you are number 2 on the waiting list." in page
    assert "You are number 2 on the waiting list." in page
    assert Registration.objects.get(event=event, user=user).status == Status.WAITLISTED


def test_an_event_with_approval_takes_a_request(client):
    event = make_event(requires_approval=True)
    user = UserFactory()
    client.force_login(user)
    assert "Request a place</button>" in client.get(detail_url(event)).content.decode()

    response = client.post(reverse("webinars:event-register", kwargs={"event_uuid": event.uuid}), follow=True)

    page = response.content.decode()
    assert "Your request has been sent to the trainers." in page
    assert "waiting for a trainer's approval" in page
    assert Registration.objects.get(event=event, user=user).status == Status.PENDING


def test_a_refusal_is_shown_and_nothing_is_written(client):
    event = make_event()
    event.countries.set([country("EG")])
    user = UserFactory(country=country("KE"))
    client.force_login(user)
    page = client.get(detail_url(event)).content.decode()
    assert "only for teachers in particular countries" in page
    assert '<button type="submit">Register</button>' not in page

    response = client.post(reverse("webinars:event-register", kwargs={"event_uuid": event.uuid}), follow=True)

    assert "message--error" in response.content.decode()
    assert not Registration.objects.filter(event=event).exists()


def test_registration_not_open_yet_says_when(client):
    opens = timezone.now() + timedelta(days=1)
    event = make_event(registration_opens_at=opens)
    client.force_login(UserFactory())

    page = client.get(detail_url(event)).content.decode()

    assert "Registration opens:" in page
    assert "Register</button>" not in page


def test_cancelling_frees_the_place(client):
    event = make_event(capacity=1)
    user = UserFactory()
    registration_register(event=event, user=user)
    waiting = UserFactory()
    registration_register(event=event, user=waiting)
    client.force_login(user)
    page = client.get(detail_url(event)).content.decode()
    assert "<details>" in page and "Yes, cancel my registration" in page

    response = client.post(reverse("webinars:event-cancel", kwargs={"event_uuid": event.uuid}), follow=True)

    assert "Your registration is cancelled." in response.content.decode()
    assert Registration.objects.get(event=event, user=user).status == Status.CANCELLED
    assert Registration.objects.get(event=event, user=waiting).status == Status.CONFIRMED


def test_an_anonymous_visitor_who_registers_is_sent_to_sign_in(client):
    event = make_event()

    response = client.post(reverse("webinars:event-register", kwargs={"event_uuid": event.uuid}))

    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/login/?next=/en/webinars/{event.uuid}/"
    assert not Registration.objects.exists()


def test_registering_and_cancelling_need_the_csrf_token():
    event = make_event()
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    register = reverse("webinars:event-register", kwargs={"event_uuid": event.uuid})

    assert client.post(register).status_code == 403
    assert not Registration.objects.exists()

    page = client.get(detail_url(event)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(register, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Registration.objects.get(user=user).status == Status.CONFIRMED

    cancel = reverse("webinars:event-cancel", kwargs={"event_uuid": event.uuid})
    assert client.post(cancel).status_code == 403
    assert Registration.objects.get(user=user).status == Status.CONFIRMED


def test_register_and_cancel_refuse_get(client):
    event = make_event()
    client.force_login(UserFactory())

    assert client.get(reverse("webinars:event-register", kwargs={"event_uuid": event.uuid})).status_code == 405
    assert client.get(reverse("webinars:event-cancel", kwargs={"event_uuid": event.uuid})).status_code == 405


def test_the_join_button_appears_only_when_the_session_opens(client):
    start = timezone.now() + timedelta(hours=2)
    event = event_at(start, join_url="https://meet.example.org/secret-room-42")
    user = UserFactory()
    registration_register(event=event, user=user)
    session = event.sessions.get()
    join = reverse("webinars:session-join", kwargs={"session_uuid": session.uuid})
    client.force_login(user)

    page = client.get(detail_url(event)).content.decode()
    assert "secret-room-42" not in page
    assert join not in page
    assert "The link appears 15 minutes before the session starts." in page
    too_early = client.get(join)
    assert too_early.status_code == 302 and too_early["Location"] == detail_url(event)

    session.starts_at = timezone.now() + timedelta(minutes=5)
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save(update_fields=["starts_at", "ends_at"])

    page = client.get(detail_url(event)).content.decode()
    assert f'<a class="button" href="{join}">Join the session</a>' in page
    assert "secret-room-42" not in page  # the address is given on click only
    response = client.get(join)
    assert response.status_code == 302
    assert response["Location"] == "https://meet.example.org/secret-room-42"


def test_only_confirmed_participants_get_in(client):
    start = timezone.now() + timedelta(minutes=5)
    event = event_at(start, capacity=1)
    registration_register(event=event, user=UserFactory())
    waiting = UserFactory()
    registration_register(event=event, user=waiting)
    client.force_login(waiting)
    join = reverse("webinars:session-join", kwargs={"session_uuid": event.sessions.get().uuid})

    page = client.get(detail_url(event)).content.decode()
    assert join not in page
    assert "Your place is not confirmed yet" in page

    response = client.get(join, follow=True)
    assert response.redirect_chain == [(detail_url(event), 302)]
    assert "Your place is not confirmed yet" in response.content.decode()


def test_joining_needs_signing_in(client):
    event = make_event()
    join = reverse("webinars:session-join", kwargs={"session_uuid": event.sessions.get().uuid})

    response = client.get(join)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_a_past_session_links_its_recording(client):
    event = past_event()
    session = event.sessions.get()
    session.recording_url = "https://video.example.org/recording-1"
    session.save(update_fields=["recording_url"])

    page = client.get(detail_url(event)).content.decode()

    assert 'href="https://video.example.org/recording-1"' in page
    assert "This event is over." in page


def test_the_trainers_see_the_counts(client):
    coach = make_trainer(full_name="Layla Haddad")
    event = make_event(capacity=1, trainers=[coach])
    for _ in range(3):
        registration_register(event=event, user=UserFactory())
    client.force_login(coach)

    page = client.get(detail_url(event)).content.decode()

    assert "For the trainers" in page
    assert "<dt>Confirmed</dt><dd>1 of 1</dd>" in page
    assert "<dt>Waiting list</dt><dd>2</dd>" in page
    assert "<dt>Waiting for approval</dt><dd>0</dd>" in page
    assert f"/en/webinars/manage/{event.uuid}/participants/" in page  # the way to the trainer's pages
    assert client.get(f"/en/webinars/manage/{event.uuid}/participants/").status_code == 200


def test_learners_do_not_see_the_counts(client):
    event = make_event()
    client.force_login(UserFactory())

    assert "For the trainers" not in client.get(detail_url(event)).content.decode()


# On a phone ------------------------------------------------------------------------------------------------------

# The system Chromium of the browser tests (tests/e2e/conftest.py), as a fixture of this module.
browser = e2e.chromium


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_in_arabic_the_browser_gives_her_zone_and_nothing_scrolls_sideways(live_server, browser):
    start = next_winter_noon()
    event = event_at(
        start,
        title="ورشة التعليم الرقمي مع عنوان طويل جدا يلتف على سطرين أو أكثر على شاشة الهاتف",
        language="ar",
        kind=Event.Kind.HYBRID,
        time_zone="America/Argentina/ComodRivadavia",
        capacity=20,
        topic="التقييم",
        venue="كلية المعلمين، القاعة 12",
    )
    context = browser.new_context(**e2e.PHONE, timezone_id="Africa/Cairo", locale="ar-EG")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/ar/webinars/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
        # The first page is in UTC; the script saved her zone and offers to show the times in it.
        assert "12:00" in page.locator(".event-card .event-when").inner_text()
        offer = page.locator("#tz-offer")
        offer.wait_for(state="visible")
        assert {cookie["name"]: cookie["value"] for cookie in context.cookies()}["tz"] == "Africa/Cairo"

        with page.expect_navigation():
            offer.locator("a").click()
        assert "14:00" in page.locator(".event-card .event-when").inner_text()  # Cairo, UTC+2 in January
        assert "Africa/Cairo" in page.content()
        assert not page.locator("#tz-offer").is_visible()

        page.goto(f"{live_server.url}{detail_url(event, 'ar')}")
        assert "America/Argentina/ComodRivadavia" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    finally:
        context.close()
