"""The webinars issue's journey in a real browser: a teacher in Cairo, in Arabic, registers for a webinar run from
Moscow, sees its time in her own zone, gets the reminder in Arabic, adds it to her calendar, joins, is marked as
attended by the trainer, and the attendance counts toward her course."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from icalendar import Calendar
from playwright.sync_api import BrowserContext, Page, expect

from cms.models import LessonPage
from cms.outline import course_sync
from lms.courses.models import Activity, ActivityProgress, Enrollment
from lms.courses.services import enrollment_self_enroll
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory, SessionFactory
from webinars.models import Event, Registration, ReminderSent
from webinars.tasks import send_due_reminders
from webinars.timezones import to_utc

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-test-password-1"
CAIRO, MOSCOW = "Africa/Cairo", "Europe/Moscow"
MEETING = "https://meet.example.org/maktaba-digital-classroom"
TITLE = "الفصل الرقمي: أدوات التقويم"
ARABIC = re.compile(r"[\u0600-\u06FF]")


class ServerClock:
    """Django's clock, moved forward for the test and for the live server alike: the live server's threads run in
    this process and call ``timezone.now()`` on every request. Time keeps running from where it was moved to.
    (Model field defaults hold the real ``timezone.now`` and keep the real time.)"""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._real = timezone.now
        self._offset = timedelta(0)
        monkeypatch.setattr(timezone, "now", self.now)

    def now(self) -> datetime:
        return self._real() + self._offset

    def move_to(self, instant: datetime) -> None:
        assert instant >= self.now(), "the clock only moves forward"
        self._offset = instant - self._real()


@pytest.fixture
def clock(monkeypatch) -> ServerClock:
    return ServerClock(monkeypatch)


@pytest.fixture
def desktop(chromium) -> Iterator[Callable[[], BrowserContext]]:
    """New desktop browser contexts (each its own cookies), closed after the test."""
    contexts: list[BrowserContext] = []

    def new() -> BrowserContext:
        context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ar")
        context.set_default_timeout(15000)
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()


def ar(message: str, plural: str = "", n: int = 1) -> str:
    """``message`` as the Arabic pages write it; an untranslated string is a bug."""
    with translation.override("ar"):
        text = ngettext(message, plural, n) if plural else gettext(message)
    assert ARABIC.search(text), f"not translated into Arabic: {message!r}"
    return text


def ar_path(name: str, **kwargs) -> str:
    with translation.override("ar"):
        return reverse(name, kwargs=kwargs)


def log_in(page: Page, base_url: str, user) -> None:
    page.goto(f"{base_url}/ar/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def assert_arabic_page(page: Page) -> None:
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"


def _moscow_webinar_in_a_course(trainer):
    """An online webinar planned in Moscow for 15:00 the day after tomorrow, and a course (English and Arabic)
    whose second lesson shows its session: that lesson is the course's session step."""
    event = EventFactory(
        title=TITLE,
        language="ar",
        kind=Event.Kind.ONLINE,
        provider=Event.Provider.LINK,
        join_url=MEETING,
        time_zone=MOSCOW,
        created_by=trainer,
    )
    event.trainers.set([trainer])
    day = timezone.now().astimezone(ZoneInfo(MOSCOW)).date() + timedelta(days=2)
    starts_at = to_utc(datetime.combine(day, time(15, 0)), MOSCOW)
    session = SessionFactory(event=event, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1, minutes=30))

    course = make_course(modules=1, lessons=2, languages=("en", "ar"), trainers=[trainer])
    for lesson in LessonPage.objects.filter(locale__language_code__in=["en", "ar"], slug="lesson-1-2"):
        lesson.body = [("paragraph", "<p>…</p>"), ("live_session", {"session": session})]
        lesson.save_revision().publish()
    course_sync(course.pk)
    step = Activity.objects.get(course=course, kind=Activity.Kind.SESSION)
    assert list(step.sessions.all()) == [session]
    return event, session, course, step


def test_a_teacher_in_cairo_attends_a_webinar_from_moscow_in_arabic_and_it_counts_toward_her_course(
    live_server, desktop, clock
):
    trainer = make_trainer(full_name="Ирина Петрова")
    trainer.set_password(PASSWORD)
    trainer.save()
    event, session, course, step = _moscow_webinar_in_a_course(trainer)
    teacher = UserFactory(full_name="أمينة حسن", preferred_language="ar", time_zone=CAIRO)
    teacher.set_password(PASSWORD)
    teacher.save()
    enrollment = enrollment_self_enroll(user=teacher, course=course)
    in_cairo = session.starts_at.astimezone(ZoneInfo(CAIRO))
    in_moscow = session.starts_at.astimezone(ZoneInfo(MOSCOW))
    assert in_moscow.hour == 15
    detail = ar_path("webinars:event-detail", event_uuid=event.uuid)
    join = ar_path("webinars:session-join", session_uuid=session.uuid)
    base = live_server.url

    # She signs in and finds the webinar in the Arabic list, at its time in Cairo with Moscow's beside it.
    page = desktop().new_page()
    log_in(page, base, teacher)
    page.goto(f"{base}/ar/webinars/")
    assert_arabic_page(page)
    card = page.locator(".event-card", has_text=TITLE)
    expect(card.locator(f'time[datetime="{in_cairo.isoformat()}"]')).to_contain_text(in_cairo.strftime("%H:%M"))
    expect(card.locator(".event-when__other")).to_contain_text(MOSCOW)
    card.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**{detail}")

    assert_arabic_page(page)
    when = page.locator(".event-session .event-when")
    mine = when.locator(f'time[datetime="{in_cairo.isoformat()}"]')
    expect(mine).to_contain_text(in_cairo.strftime("%H:%M"))  # 14:00 in winter: Cairo is an hour behind Moscow
    theirs = when.locator(".event-when__other")
    expect(theirs.locator(f'time[datetime="{in_moscow.isoformat()}"]')).to_have_text("15:00")
    expect(theirs).to_contain_text(MOSCOW)
    expect(page.locator(".event-zone-note").first).to_contain_text(CAIRO)

    # She registers (not registered, she cannot join).
    expect(page.locator(".event-session")).to_contain_text(ar("Register to join."))
    page.locator("form[action$='/register/'] button[type=submit]").click()
    page.wait_for_url(f"**{detail}")
    expect(page.locator(".message--success")).to_have_text(ar("You are registered."))
    expect(page.locator(".event-registration .badge--ok")).to_have_text(ar("You are registered."))
    registration = Registration.objects.get(event=event, user=teacher)
    assert registration.status == Registration.Status.CONFIRMED

    # Registered, but too early to join: no button, the reason in Arabic, and the door sends her back.
    opens_minutes = int(settings.WEBINAR_JOIN_OPENS_BEFORE.total_seconds() // 60)
    expect(page.locator(f'a[href="{join}"]')).to_have_count(0)
    too_early = ar(
        "The link appears %(minutes)s minute before the session starts.",
        "The link appears %(minutes)s minutes before the session starts.",
        opens_minutes,
    ) % {"minutes": opens_minutes}
    expect(page.locator(".event-session")).to_contain_text(too_early)
    page.goto(base + join)
    expect(page).to_have_url(base + detail)
    expect(page.locator(".message--error")).to_have_text(too_early)

    # Her calendar: the event's .ics file, fetched with her session...
    add = page.get_by_role("link", name=ar("Add to my calendar"))
    response = page.request.get(base + add.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    [vevent] = Calendar.from_ical(response.body()).walk("VEVENT")
    assert vevent["UID"] == f"{session.uuid}@maktaba"
    assert vevent.decoded("DTSTART").astimezone(UTC) == session.starts_at
    assert vevent.decoded("DTEND").astimezone(UTC) == session.ends_at
    assert vevent["DTSTART"].params["TZID"] == MOSCOW
    assert str(vevent["SUMMARY"]) == TITLE and str(vevent["STATUS"]) == "CONFIRMED"
    assert MEETING.encode() not in response.body()  # the meeting link is given on the page only, at the time

    # ...and her private feed, from her calendar page, which her calendar app reads without signing in.
    page.get_by_role("link", name=ar("All my events in my calendar")).click()
    page.wait_for_url(f"**{ar_path('webinars:calendar-settings')}")
    assert_arabic_page(page)
    feed_url = page.locator("#feed-url").input_value()
    assert feed_url.startswith(base) and feed_url.endswith(".ics")
    calendar_app = desktop()
    feed = calendar_app.request.get(feed_url)
    assert feed.ok
    [listed] = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert listed["UID"] == vevent["UID"] and str(listed["STATUS"]) == "CONFIRMED"
    assert listed.decoded("DTSTART").astimezone(UTC) == session.starts_at

    # The day before, beat runs the reminders: one email, in Arabic, with the time in Cairo (and Moscow's).
    clock.move_to(session.starts_at - timedelta(hours=23, minutes=55))
    before = len(mail.outbox)
    assert send_due_reminders.apply().get() == 1
    [reminder] = mail.outbox[before:]
    assert reminder.to == [teacher.email]
    assert reminder.extra_headers["Content-Language"] == "ar"
    with translation.override("ar"):
        cairo_text = f"{date_format(in_cairo, 'DATETIME_FORMAT')} ({CAIRO})"
        moscow_text = f"{date_format(in_moscow, 'DATETIME_FORMAT')} ({MOSCOW})"
    assert reminder.subject == ar("Reminder: “%(title)s” on %(starts_at)s") % {"title": TITLE, "starts_at": cairo_text}
    assert cairo_text in reminder.body and moscow_text in reminder.body
    assert ar("Hello %(name)s,") % {"name": teacher.full_name} in reminder.body
    assert f"/ar/webinars/{event.uuid}/" in reminder.body
    assert MEETING not in reminder.body
    assert send_due_reminders.apply().get() == 0  # beat fired twice
    clock.move_to(clock.now() + timedelta(minutes=5))
    assert send_due_reminders.apply().get() == 0  # the next run
    assert len(mail.outbox) == before + 1
    assert ReminderSent.objects.filter(session=session, user=teacher).count() == 1

    # Shortly before 15:00 Moscow time the Join button is there; it takes her to the meeting.
    clock.move_to(session.starts_at - settings.WEBINAR_JOIN_OPENS_BEFORE + timedelta(minutes=2))
    page.route(
        "https://meet.example.org/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>meeting</title>"),
    )
    page.goto(base + detail)
    opened = page.request.get(base + join, max_redirects=0)
    assert opened.status == 302 and opened.headers["location"] == MEETING
    page.get_by_role("link", name=ar("Join the session")).click()
    page.wait_for_url(MEETING)

    # Twenty minutes into the session the trainer, signed in elsewhere, ticks her present on the roster.
    clock.move_to(session.starts_at + timedelta(minutes=20))
    roster = desktop().new_page()
    log_in(roster, base, trainer)
    roster.goto(base + detail)
    roster.locator(f'a[href="{ar_path("webinars:manage-sessions", event_uuid=event.uuid)}"]').click()
    roster.locator(f'a[href="{ar_path("webinars:session-attendance", session_uuid=session.uuid)}"]').click()
    roster.wait_for_url(f"**{ar_path('webinars:session-attendance', session_uuid=session.uuid)}")
    assert_arabic_page(roster)
    row = roster.locator(".roster__row", has_text=teacher.full_name)
    expect(row).to_contain_text(ar("Not marked yet"))
    row.locator(f"#present-{teacher.pk}").check()
    roster.get_by_role("button", name=ar("Save attendance")).click()
    expect(roster.locator(".message--success")).to_have_text(ar("Attendance saved."))
    expect(roster.locator(".roster__row", has_text=teacher.full_name)).to_contain_text(ar("Marked present"))

    # The session step of her course is done; the course's other lesson is not.
    assert session.attendance.get(user=teacher).attended
    assert ActivityProgress.objects.filter(enrollment=enrollment, activity=step).exists()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.completed_at is None

    # She sees it: the step is marked done on her course's page, and her dashboard shows half the course done.
    page.goto(base + course.urls["ar"])
    assert_arabic_page(page)
    outline = page.locator(".outline li")
    expect(outline).to_have_count(2)
    expect(outline.nth(1)).to_have_class(re.compile(r"\boutline__done\b"))
    expect(outline.nth(1).locator(".badge--ok")).to_have_text(ar("Done"))
    expect(outline.nth(0).locator(".badge--ok")).to_have_count(0)
    page.goto(f"{base}{ar_path('courses:dashboard')}")
    assert_arabic_page(page)
    card = page.locator(".card", has_text=course.titles["ar"])
    expect(card.locator("progress")).to_have_attribute("value", "50")
    expect(card).to_contain_text(
        ar("%(done)s of %(total)s done (%(percent)s%%)") % {"done": 1, "total": 2, "percent": 50}
    )
