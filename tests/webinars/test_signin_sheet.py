"""The printable sign-in sheet of a session (a PDF through core.pdf) and fetching the recording from BigBlueButton,
both from the trainers' attendance page. The PDF is read back with pdftotext, as a person would see it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Country, Institution
from tests.core.test_pdf import embedded_fonts, pdf_text
from tests.factories.accounts import UserFactory
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory, SessionFactory
from tests.webinars.test_providers import bbb  # noqa: F401  (the fake BigBlueButton server fixture)
from webinars.models import Event, Registration, Session

pytestmark = pytest.mark.django_db

# 23 November 2026, 15:00–16:30 UTC: 18:00–19:30 in Moscow (UTC+3 all year).
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def workshop(*, kind: str = Event.Kind.ONSITE, trainers=None, **fields) -> tuple[Event, Session, object]:
    """An onsite workshop in Moscow's time zone with one session and its trainer."""
    teacher = make_trainer(full_name="Amina Trainer")
    fields.setdefault("title", "Digital classroom workshop")
    fields.setdefault("venue", "School No. 5, room 12")
    event = EventFactory(kind=kind, time_zone="Europe/Moscow", join_url="", **fields)
    event.trainers.set(trainers or [teacher])
    session = SessionFactory(event=event, starts_at=START, ends_at=START + timedelta(hours=1, minutes=30))
    return event, session, teacher


def register(event: Event, status: str = Registration.Status.CONFIRMED, **user_fields):
    user = UserFactory(**user_fields)
    Registration.objects.create(event=event, user=user, status=status)
    return user


def sheet_url(session: Session, language: str = "en") -> str:
    with translation.override(language):
        return reverse("webinars:session-sign-in-sheet", kwargs={"session_uuid": session.uuid})


def roster_url(session: Session, language: str = "en") -> str:
    with translation.override(language):
        return reverse("webinars:session-attendance", kwargs={"session_uuid": session.uuid})


def numbered_lines(text: str) -> list[str]:
    """The table's row numbers, as they come out of the PDF: lines that are only a number."""
    return [line.strip() for line in text.splitlines() if re.fullmatch(r"\d{1,3}", line.strip())]


# The sheet ------------------------------------------------------------------------------------------------------


def test_the_sheet_lists_confirmed_participants_by_name_with_their_school_and_empty_rows(client):
    event, session, teacher = workshop()
    school = Institution.objects.create(country=Country.objects.get(code="EG"), name="Cairo Teachers' College")
    amal = register(event, full_name="أمل حداد", institution=school)
    register(event, full_name="Юлия Петрова")
    register(event, full_name="boris Ivanov")
    register(event, Registration.Status.WAITLISTED, full_name="Waiting Wanda")
    register(event, Registration.Status.CANCELLED, full_name="Cancelled Carl")
    client.force_login(teacher)

    response = client.get(sheet_url(session))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="Sign-in sheet - Digital classroom workshop')
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Digital classroom workshop" in text
    assert "Sign-in sheet" in text
    assert "Monday 23 November 2026" in text
    assert "18:00–19:30 (Europe/Moscow)" in text  # the event's own zone, named
    assert "School No. 5, room 12" in text
    assert "Amina Trainer" in text
    for name in ("أمل حداد", "Юлия Петрова", "boris Ivanov", "Cairo Teachers' College"):
        assert name in text
    assert "Waiting Wanda" not in text
    assert "Cancelled Carl" not in text
    # By name, case-insensitively in every script: Latin, then Cyrillic, then Arabic.
    assert text.index("boris Ivanov") < text.index("Юлия Петрова") < text.index("أمل حداد")
    assert amal.full_name in text
    # Three people, then five numbered empty rows for walk-ins.
    assert numbered_lines(text) == [str(number) for number in range(1, 9)]
    assert "Signature" in text
    assert "Page 1 of 1" in text


def test_the_sheet_in_arabic_embeds_the_arabic_font_and_keeps_the_times_left_to_right(client, tmp_path):
    event, session, teacher = workshop(title="ورشة الفصل الرقمي", language="ar")
    register(event, full_name="أمل حداد")
    client.force_login(teacher)

    response = client.get(sheet_url(session, "ar"))

    assert response.status_code == 200
    text = pdf_text(response.content)
    with translation.override("ar"):
        assert _("Sign-in sheet") in text and _("Signature") in text
        assert _("Sign-in sheet") != "Sign-in sheet"  # translated
    assert "ورشة الفصل الرقمي" in text and "أمل حداد" in text
    # The times and the zone read left to right (pdftotext puts the closing parenthesis of the run first).
    assert "18:00–19:30 (Europe/Moscow" in text
    fonts = embedded_fonts(response.content, tmp_path)
    assert fonts.get("Amiri-Regular") is True or fonts.get("Amiri") is True, fonts
    assert all(embedded for name, embedded in fonts.items() if name != "Helvetica"), fonts


def test_many_participants_run_over_several_pages_with_the_same_queries_as_one(client):
    event, session, teacher = workshop(capacity=100)
    register(event, full_name="Only One")
    client.force_login(teacher)
    client.get(sheet_url(session))  # the first request of a session also writes it
    with CaptureQueriesContext(connection) as one:
        assert client.get(sheet_url(session)).status_code == 200
    for number in range(2, 41):
        register(event, full_name=f"Participant {number:02d}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(sheet_url(session))

    assert len(many) == len(one)
    text = pdf_text(response.content)
    assert "Participant 40" in text
    assert numbered_lines(text) == [str(number) for number in range(1, 46)]
    assert "Page 1 of 2" in text and "Page 2 of 2" in text


@pytest.mark.parametrize("who", ["anonymous", "learner", "other trainer"])
def test_only_the_events_trainers_get_the_sheet(client, who):
    event, session, _teacher = workshop()
    participant = register(event, full_name="Private Person")
    if who == "learner":
        client.force_login(participant)
    elif who == "other trainer":
        client.force_login(make_trainer())

    response = client.get(sheet_url(session))

    if who == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert b"Private Person" not in response.content


def test_the_sheet_is_offered_on_the_roster_of_an_onsite_session_only(client):
    _onsite, onsite_session, teacher = workshop()
    online = EventFactory(kind=Event.Kind.ONLINE, join_url="https://meet.example.org/x")
    online.trainers.set([teacher])
    online_session = SessionFactory(event=online, starts_at=START, ends_at=START + timedelta(hours=1))
    client.force_login(teacher)

    page = client.get(roster_url(onsite_session)).content.decode()
    assert f'href="{sheet_url(onsite_session)}"' in page
    assert "Print sign-in sheet (PDF)" in page
    assert "sign-in-sheet" not in client.get(roster_url(online_session)).content.decode()


def test_the_roster_fetches_the_recording_from_bigbluebutton(client, bbb):  # noqa: F811
    teacher = make_trainer()
    event = EventFactory(kind=Event.Kind.ONLINE, provider=Event.Provider.BIGBLUEBUTTON, join_url="")
    event.trainers.set([teacher])
    session = SessionFactory(event=event, starts_at=START, ends_at=START + timedelta(hours=1))
    client.force_login(teacher)
    page = client.get(roster_url(session)).content.decode()
    assert 'name="action" value="fetch_recording"' in page

    response = client.post(roster_url(session), {"action": "fetch_recording"}, follow=True)
    assert "BigBlueButton has no recording of this session yet" in response.content.decode()
    session.refresh_from_db()
    assert session.recording_url == ""

    playback = f"https://bbb.example.org/playback/presentation/2.3/maktaba-{session.uuid}"
    bbb.recordings[f"maktaba-{session.uuid}"] = [{"formats": [("presentation", playback)]}]
    response = client.post(roster_url(session), {"action": "fetch_recording"}, follow=True)
    assert "The recording from BigBlueButton is linked" in response.content.decode()
    session.refresh_from_db()
    assert session.recording_url == playback
