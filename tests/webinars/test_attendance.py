"""Attendance: a trainer marks it on the roster (phone-sized, works without JavaScript) or takes it from the
meeting; who may, and when; the roster and the rates; the recording link; and the ``attendance_marked`` signal
that ``lms`` listens to, sent only after the marks are committed."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.concurrency import together
from tests.factories.accounts import UserFactory
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory, SessionFactory
from webinars.models import Attendance, Event, Registration, Session
from webinars.providers import Provider
from webinars.selectors.attendance import event_attendance_rates, roster_for
from webinars.services import online
from webinars.services.attendance import AttendanceError, attendance_mark, session_recording_set
from webinars.services.online import session_take_attendance_from_provider
from webinars.signals import attendance_marked

pytestmark = pytest.mark.django_db
Status = Registration.Status


def running_event(*, starts_in: timedelta = timedelta(minutes=-10), **fields) -> tuple[Event, Session, object]:
    """A published event with one trainer and one session that started ten minutes ago (by default)."""
    teacher = make_trainer(full_name="Amina Trainer")
    event = EventFactory(**fields)
    event.trainers.set([teacher])
    start = timezone.now().replace(microsecond=0) + starts_in
    session = SessionFactory(event=event, starts_at=start, ends_at=start + timedelta(hours=1))
    return event, session, teacher


def register(event: Event, status: str = Status.CONFIRMED, **user_fields):
    user = UserFactory(**user_fields)
    Registration.objects.create(event=event, user=user, status=status)
    return user


def marks(session: Session) -> dict[int, tuple[bool, str]]:
    return {
        user_id: (attended, source)
        for user_id, attended, source in Attendance.objects.filter(session=session).values_list(
            "user_id", "attended", "source"
        )
    }


@pytest.fixture
def received():
    """The ``attendance_marked`` signals sent during the test, as (session, present, absent)."""
    calls = []

    def receiver(sender, session, user_ids_present, user_ids_absent, **kwargs):
        calls.append((session.pk, user_ids_present, user_ids_absent))

    attendance_marked.connect(receiver, dispatch_uid="test-attendance-received")
    yield calls
    attendance_marked.disconnect(dispatch_uid="test-attendance-received")


# Marking ------------------------------------------------------------------------------------------------------


def test_a_trainer_marks_people_present_and_absent():
    event, session, teacher = running_event()
    here, away = register(event), register(event)

    assert attendance_mark(session=session, by=teacher, present=[here.pk], absent=[away.pk]) == 2

    assert marks(session) == {
        here.pk: (True, Attendance.Source.TRAINER),
        away.pk: (False, Attendance.Source.TRAINER),
    }
    row = Attendance.objects.get(session=session, user=here)
    assert row.marked_by == teacher
    assert timezone.now() - row.marked_at < timedelta(minutes=1)


def test_marking_again_replaces_the_mark_and_keeps_one_row_per_person():
    event, session, teacher = running_event()
    learner = register(event)
    attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[])
    other_trainer = make_trainer()
    event.trainers.add(other_trainer)

    attendance_mark(session=session, by=other_trainer, present=[], absent=[learner.pk])

    row = Attendance.objects.get(session=session, user=learner)
    assert (row.attended, row.marked_by) == (False, other_trainer)


def test_a_trainers_mark_overrides_one_from_the_meeting():
    event, session, teacher = running_event()
    looked_in = register(event)
    Attendance.objects.create(
        session=session, user=looked_in, attended=True, source=Attendance.Source.PROVIDER, marked_by=teacher
    )

    attendance_mark(session=session, by=teacher, present=[], absent=[looked_in.pk])

    assert marks(session) == {looked_in.pk: (False, Attendance.Source.TRAINER)}


def test_only_people_with_a_confirmed_place_are_marked():
    event, session, teacher = running_event()
    confirmed = register(event)
    waiting = register(event, Status.WAITLISTED)
    pending = register(event, Status.PENDING)
    cancelled = register(event, Status.CANCELLED)
    stranger = UserFactory()
    other_event = EventFactory()
    elsewhere = register(other_event)

    marked = attendance_mark(
        session=session,
        by=teacher,
        present=[confirmed.pk, waiting.pk, pending.pk, stranger.pk, elsewhere.pk],
        absent=[cancelled.pk],
    )

    assert marked == 1
    assert marks(session) == {confirmed.pk: (True, Attendance.Source.TRAINER)}


def test_someone_in_both_lists_is_present():
    event, session, teacher = running_event()
    learner = register(event)
    attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[learner.pk])
    assert marks(session) == {learner.pk: (True, Attendance.Source.TRAINER)}


@pytest.mark.parametrize("who", ["learner", "trainer of another event", "listed without the trainer role"])
def test_only_the_events_trainers_mark_attendance(who):
    event, session, _teacher = running_event()
    learner = register(event)
    if who == "learner":
        person = learner
    elif who == "trainer of another event":
        person = make_trainer()
    else:
        person = UserFactory()
        event.trainers.add(person)

    with pytest.raises(PermissionDenied):
        attendance_mark(session=session, by=person, present=[learner.pk], absent=[])
    with pytest.raises(PermissionDenied):
        roster_for(session=session, user=person)
    with pytest.raises(PermissionDenied):
        event_attendance_rates(event=event, user=person)
    assert not Attendance.objects.exists()


def test_a_superuser_may_mark_attendance():
    event, session, _teacher = running_event()
    learner = register(event)
    assert attendance_mark(session=session, by=superuser(), present=[learner.pk], absent=[]) == 1


def test_a_cancelled_session_or_event_is_refused():
    event, session, teacher = running_event()
    learner = register(event)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    session.refresh_from_db()
    with pytest.raises(AttendanceError, match="cancelled"):
        attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[])

    event2, session2, teacher2 = running_event(status=Event.Status.CANCELLED)
    learner2 = register(event2)
    with pytest.raises(AttendanceError, match="cancelled"):
        attendance_mark(session=session2, by=teacher2, present=[learner2.pk], absent=[])
    assert not Attendance.objects.exists()


def test_marking_opens_15_minutes_before_the_session_starts():
    event, session, teacher = running_event(starts_in=timedelta(days=1))
    learner = register(event)
    opens = session.starts_at - timedelta(minutes=15)

    with pytest.raises(AttendanceError, match="15 minutes before"):
        attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[], now=opens - timedelta(seconds=1))
    with pytest.raises(AttendanceError, match="15 minutes before"):
        attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[])  # now: tomorrow's session
    assert not Attendance.objects.exists()

    assert attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[], now=opens) == 1


def test_marking_long_after_the_session_is_allowed():
    event, session, teacher = running_event(starts_in=-timedelta(days=30))
    learner = register(event)
    assert attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[]) == 1


# The signal ---------------------------------------------------------------------------------------------------


def test_the_signal_is_sent_after_commit_with_the_marked_ids(django_capture_on_commit_callbacks, received):
    event, session, teacher = running_event()
    first, second, away = register(event), register(event), register(event)
    waiting = register(event, Status.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attendance_mark(session=session, by=teacher, present=[second.pk, first.pk, waiting.pk], absent=[away.pk])
    assert received == []  # nothing before the commit
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(session=session, by=teacher, present=[second.pk, first.pk, waiting.pk], absent=[away.pk])
    assert received == [(session.pk, sorted([first.pk, second.pk]), [away.pk])]


def test_no_signal_when_the_marking_fails(django_capture_on_commit_callbacks, received):
    event, session, teacher = running_event(starts_in=timedelta(days=1))
    learner = register(event)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AttendanceError):
        attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[])
    assert received == []


def test_a_failing_receiver_does_not_undo_the_marks(django_capture_on_commit_callbacks):
    event, session, teacher = running_event()
    learner = register(event)

    def broken(**kwargs):
        raise RuntimeError("a receiver that fails")

    attendance_marked.connect(broken, dispatch_uid="test-attendance-broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[])
    finally:
        attendance_marked.disconnect(dispatch_uid="test-attendance-broken")
    assert marks(session) == {learner.pk: (True, Attendance.Source.TRAINER)}


class ListingProvider(Provider):
    """A meeting service that lists the given people as in the meeting."""

    def __init__(self, listed: list[str]) -> None:
        self.listed = listed

    def attendees(self, session):
        return self.listed


def test_attendance_from_the_meeting_sends_the_signal_for_those_it_marked(
    monkeypatch, django_capture_on_commit_callbacks, received
):
    event, session, teacher = running_event(provider=Event.Provider.BIGBLUEBUTTON, join_url="")
    in_meeting, kept_absent, not_there = register(event), register(event), register(event)
    stranger = UserFactory()
    attendance_mark(session=session, by=teacher, present=[], absent=[kept_absent.pk])
    listed = [str(in_meeting.pk), str(kept_absent.pk), str(stranger.pk), "guest-1"]
    monkeypatch.setattr(online, "provider_for", lambda event: ListingProvider(listed))

    with django_capture_on_commit_callbacks(execute=True):
        assert session_take_attendance_from_provider(session=session, by=teacher) == 1

    assert received[-1] == (session.pk, [in_meeting.pk], [])
    assert marks(session) == {
        in_meeting.pk: (True, Attendance.Source.PROVIDER),
        kept_absent.pk: (False, Attendance.Source.TRAINER),
    }
    assert not_there.pk not in marks(session)


# The roster and the rates -------------------------------------------------------------------------------------


def test_the_roster_lists_confirmed_people_by_name_with_their_marks():
    event, session, teacher = running_event()
    yulia = register(event, full_name="Юлия Петрова")
    boris = register(event, full_name="boris Ivanov")
    amal = register(event, full_name="Amal Haddad")
    register(event, Status.WAITLISTED, full_name="Aaron Waiting")
    Attendance.objects.create(session=session, user=boris, attended=False, marked_by=teacher)
    Attendance.objects.create(session=session, user=amal, attended=True, source=Attendance.Source.PROVIDER)

    rows = roster_for(session=session, user=teacher)

    assert [row.user for row in rows] == [amal, boris, yulia]
    assert [(row.attended, row.from_meeting) for row in rows] == [(True, True), (False, False), (None, False)]


def _roster_queries(count: int) -> int:
    event, session, teacher = running_event()
    people = [register(event) for _ in range(count)]
    for person in people[::2]:
        Attendance.objects.create(session=session, user=person, attended=True, marked_by=teacher)
    with CaptureQueriesContext(connection) as queries:
        rows = roster_for(session=session, user=teacher)
        [row.user.full_name for row in rows]
    assert len(rows) == count
    return len(queries)


def test_the_roster_takes_the_same_number_of_queries_for_3_and_15_people():
    assert _roster_queries(3) == _roster_queries(15)


def test_attendance_rates_per_session():
    event, first, teacher = running_event(starts_in=-timedelta(days=8))
    second = SessionFactory(
        event=event, starts_at=first.starts_at + timedelta(days=7), ends_at=first.ends_at + timedelta(days=7)
    )
    cancelled = SessionFactory(
        event=event,
        starts_at=first.starts_at + timedelta(days=1),
        ends_at=first.ends_at + timedelta(days=1),
        status=Session.Status.CANCELLED,
    )
    people = [register(event) for _ in range(4)]
    left = register(event)
    attendance_mark(session=first, by=teacher, present=[p.pk for p in people[:3]] + [left.pk], absent=[people[3].pk])
    Registration.objects.filter(user=left).update(status=Status.CANCELLED)  # came once, then left: not counted

    rates = event_attendance_rates(event=event, user=teacher)

    assert [(rate.session, rate.confirmed, rate.present, rate.rate) for rate in rates] == [
        (first, 4, 3, 75),
        (second, 4, 0, 0),
    ]
    assert cancelled not in [rate.session for rate in rates]


def test_attendance_rates_without_confirmed_people():
    event, _session, teacher = running_event()
    assert [
        (rate.confirmed, rate.present, rate.rate) for rate in event_attendance_rates(event=event, user=teacher)
    ] == [(0, 0, None)]


# The recording -------------------------------------------------------------------------------------------------


def test_a_trainer_links_the_recording_over_https_only():
    _event, session, teacher = running_event()
    url = "https://video.example.org/watch/123"
    assert session_recording_set(session=session, by=teacher, url=f"  {url} ") == url
    session.refresh_from_db()
    assert session.recording_url == url

    for bad in (
        "http://video.example.org/watch/123",
        "javascript:alert(1)",
        "video.example.org",
        "https://" + "a" * 500,
    ):
        with pytest.raises(ValidationError):
            session_recording_set(session=session, by=teacher, url=bad)
    session.refresh_from_db()
    assert session.recording_url == url

    assert session_recording_set(session=session, by=teacher, url="") == ""
    session.refresh_from_db()
    assert session.recording_url == ""


def test_only_trainers_link_the_recording():
    event, session, _teacher = running_event()
    with pytest.raises(PermissionDenied):
        session_recording_set(session=session, by=register(event), url="https://video.example.org/1")
    session.refresh_from_db()
    assert session.recording_url == ""


# The page --------------------------------------------------------------------------------------------------------


def page_url(session: Session, language: str = "en") -> str:
    with translation.override(language):
        return reverse("webinars:session-attendance", kwargs={"session_uuid": session.uuid})


def test_the_roster_page_is_built_for_a_phone(client):
    event, session, teacher = running_event()
    people = [register(event, full_name=name) for name in ("Amal Haddad", "Boris Ivanov", "Юлия Петрова")]
    Attendance.objects.create(session=session, user=people[0], attended=True, marked_by=teacher)
    client.force_login(teacher)

    response = client.get(page_url(session))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "webinars/attendance.css" in page
    for person in people:
        box = re.search(rf'<input type="checkbox"[^>]*name="present" value="{person.pk}"[^>]*>', page)
        assert box is not None
        assert f'id="present-{person.pk}"' in box.group(0)
        label = re.search(
            rf'<label class="roster__person" for="present-{person.pk}">\s*<span[^>]*>([^<]+)</span>', page
        )
        assert label is not None and label.group(1) == person.full_name
        assert f'<span class="roster__name" dir="auto">{person.full_name}</span>' in page
    assert re.search(rf'value="{people[0].pk}" id="present-{people[0].pk}" checked', page)
    assert not re.search(rf'value="{people[1].pk}" id="present-{people[1].pk}" checked', page)
    assert "Mark everyone present" in page
    assert "Save attendance" in page
    assert "<table" not in page  # rows, not a table that scrolls sideways


def test_the_page_in_arabic_is_right_to_left(client):
    event, session, teacher = running_event()
    person = register(event, full_name="أمل حداد")
    client.force_login(teacher)

    page = client.get(page_url(session, "ar")).content.decode()

    assert 'dir="rtl"' in page
    assert f'<label class="roster__person" for="present-{person.pk}">' in page
    assert '<span class="roster__name" dir="auto">أمل حداد</span>' in page


def test_the_stylesheet_uses_logical_properties_only():
    css = (Path(django_settings.BASE_DIR) / "webinars/static/webinars/attendance.css").read_text()
    physical = re.compile(
        r"(margin|padding|border)-(left|right|top|bottom)\b|(^|[\s;{])(left|right|top|bottom)\s*:"
        r"|text-align:\s*(left|right)|float:\s*(left|right)|\b(width|height)\s*:\s*\d+(px|rem)"
    )
    assert not physical.search(css)


def _page_queries(client, count: int) -> int:
    event, session, teacher = running_event()
    people = [register(event) for _ in range(count)]
    for person in people[::2]:
        Attendance.objects.create(session=session, user=person, attended=True, marked_by=teacher)
    SessionFactory(
        event=event, starts_at=session.starts_at + timedelta(days=7), ends_at=session.ends_at + timedelta(days=7)
    )
    client.force_login(teacher)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(session))
    assert response.status_code == 200
    assert response.content.decode().count('name="present"') == count
    return len(queries)


def test_the_page_takes_the_same_number_of_queries_for_3_and_15_people(client):
    assert _page_queries(client, 3) == _page_queries(client, 15)


def test_mark_everyone_present_ticks_every_box_without_saving(client):
    event, session, teacher = running_event()
    people = [register(event) for _ in range(3)]
    client.force_login(teacher)

    page = client.get(page_url(session), {"all": "1"}).content.decode()

    for person in people:
        assert re.search(rf'value="{person.pk}" id="present-{person.pk}" checked', page)
    assert "nothing is saved yet" in page
    assert not Attendance.objects.exists()


def test_saving_the_roster_marks_ticked_people_present_and_the_others_absent(
    client, django_capture_on_commit_callbacks, received
):
    event, session, teacher = running_event()
    here, away = register(event), register(event)
    late = register(event)  # confirmed after the trainer opened the page: not on it, not marked
    client.force_login(teacher)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page_url(session), {"action": "save", "roster": [here.pk, away.pk], "present": [here.pk]}, follow=True
        )

    assert response.redirect_chain == [(page_url(session), 302)]
    assert "Attendance saved." in response.content.decode()
    assert marks(session) == {
        here.pk: (True, Attendance.Source.TRAINER),
        away.pk: (False, Attendance.Source.TRAINER),
    }
    assert late.pk not in marks(session)
    assert received == [(session.pk, [here.pk], [away.pk])]


def test_saving_says_when_someone_lost_her_place_meanwhile(client):
    event, session, teacher = running_event()
    here, gone = register(event), register(event)
    Registration.objects.filter(user=gone).update(status=Status.CANCELLED)
    client.force_login(teacher)

    response = client.post(
        page_url(session), {"action": "save", "roster": [here.pk, gone.pk], "present": [here.pk, gone.pk]}, follow=True
    )

    assert "1 person no longer has a confirmed place and was not marked." in response.content.decode()
    assert marks(session) == {here.pk: (True, Attendance.Source.TRAINER)}


def test_before_the_session_the_page_shows_the_marks_only(client):
    event, session, teacher = running_event(starts_in=timedelta(hours=2))
    learner = register(event)
    client.force_login(teacher)

    page = client.get(page_url(session)).content.decode()
    assert "Attendance can be marked from 15 minutes before the session starts." in page
    assert 'name="present"' not in page
    assert "Save attendance" not in page

    response = client.post(
        page_url(session), {"action": "save", "roster": [learner.pk], "present": [learner.pk]}, follow=True
    )
    assert "Attendance can be marked from 15 minutes before the session starts." in response.content.decode()
    assert not Attendance.objects.exists()


def test_only_the_events_trainers_see_and_save_the_roster(client):
    event, session, _teacher = running_event()
    learner = register(event)

    response = client.get(page_url(session))  # not signed in: to the sign-in page, and back
    assert response.status_code == 302
    assert "next=" in response["Location"]

    client.force_login(learner)
    assert client.get(page_url(session)).status_code == 403
    for action in ("save", "provider", "recording", ""):
        response = client.post(
            page_url(session),
            {"action": action, "roster": [learner.pk], "present": [learner.pk], "url": "https://evil.example.org/"},
        )
        assert response.status_code == 403
    assert not Attendance.objects.exists()
    session.refresh_from_db()
    assert session.recording_url == ""

    client.force_login(make_trainer())  # a trainer, but not of this event
    assert client.get(page_url(session)).status_code == 403


def test_taking_attendance_from_bigbluebutton_that_is_not_set_up_says_so(client, settings):
    settings.BBB_URL = ""
    event, session, teacher = running_event(provider=Event.Provider.BIGBLUEBUTTON, join_url="")
    register(event)
    client.force_login(teacher)

    page = client.get(page_url(session)).content.decode()
    assert "Take attendance from the meeting" in page

    response = client.post(page_url(session), {"action": "provider"}, follow=True)

    assert response.status_code == 200
    assert "Online meetings through BigBlueButton are not set up on this site." in response.content.decode()
    assert 'class="message message--error"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_taking_attendance_from_the_meeting_on_the_page(client, monkeypatch):
    event, session, teacher = running_event(provider=Event.Provider.BIGBLUEBUTTON, join_url="")
    learner = register(event)
    monkeypatch.setattr(online, "provider_for", lambda event: ListingProvider([str(learner.pk)]))
    client.force_login(teacher)

    response = client.post(page_url(session), {"action": "provider"}, follow=True)

    assert "1 participant in the meeting is marked present." in response.content.decode()
    assert marks(session) == {learner.pk: (True, Attendance.Source.PROVIDER)}
    assert "Marked present from the meeting" in response.content.decode()


@pytest.mark.parametrize("kind", [Event.Kind.ONSITE, "link"])
def test_no_meeting_button_where_the_meeting_cannot_list_people(client, kind):
    fields = {"kind": Event.Kind.ONSITE} if kind == Event.Kind.ONSITE else {"provider": Event.Provider.LINK}
    event, session, teacher = running_event(**fields)
    register(event)
    client.force_login(teacher)
    assert "Take attendance from the meeting" not in client.get(page_url(session)).content.decode()


def test_the_recording_form_saves_an_https_link_and_explains_a_wrong_one(client):
    _event, session, teacher = running_event()
    client.force_login(teacher)

    response = client.post(page_url(session), {"action": "recording", "url": "http://video.example.org/1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a secure web address that starts with https://" in page
    assert 'value="http://video.example.org/1"' in page  # what she typed is kept
    session.refresh_from_db()
    assert session.recording_url == ""

    response = client.post(
        page_url(session), {"action": "recording", "url": "https://video.example.org/1"}, follow=True
    )
    assert "The recording link is saved." in response.content.decode()
    session.refresh_from_db()
    assert session.recording_url == "https://video.example.org/1"


# At the same moment (PostgreSQL) -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_trainers_saving_at_once_keep_one_row_per_person(postgres, received):
    event, session, teacher = running_event()
    people = [register(event) for _ in range(12)]
    ids = [person.pk for person in people]

    def save(round_number: int):
        present = ids[: round_number + 1]
        return lambda: attendance_mark(session=session, by=teacher, present=present, absent=ids[round_number + 1 :])

    results = together([save(number) for number in range(8)])

    assert results == [12] * 8
    assert Attendance.objects.filter(session=session).count() == 12
    assert set(marks(session)) == set(ids)
    assert {source for _attended, source in marks(session).values()} == {Attendance.Source.TRAINER}
    assert len(received) == 8  # each save was committed, then announced


@pytest.mark.django_db(transaction=True)
def test_a_trainers_mark_wins_over_the_meeting_whatever_comes_first(postgres, monkeypatch):
    event, session, teacher = running_event(provider=Event.Provider.BIGBLUEBUTTON, join_url="")
    people = [register(event) for _ in range(12)]
    ids = [person.pk for person in people]
    monkeypatch.setattr(online, "provider_for", lambda event: ListingProvider([str(user_id) for user_id in ids]))

    for _round in range(5):
        Attendance.objects.filter(session=session).delete()
        together(
            [
                lambda: attendance_mark(session=session, by=teacher, present=[], absent=ids),
                lambda: session_take_attendance_from_provider(session=session, by=teacher),
            ]
        )
        assert marks(session) == dict.fromkeys(ids, (False, Attendance.Source.TRAINER))
