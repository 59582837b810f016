"""Reminders 24 hours and 1 hour before each session: who gets them, when, in which language and time zone, and
that each is sent once, also when beat fires twice or two runs meet (webinars.services.reminders)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from core.models import Job
from tests.concurrency import together
from tests.core import test_jobs
from tests.factories.accounts import UserFactory, UsernameUserFactory
from tests.factories.webinars import EventFactory, SessionFactory
from webinars.models import Event, Registration, ReminderSent, Session
from webinars.services import reminders as reminders_module
from webinars.services.reminders import reminders_send_due
from webinars.tasks import send_due_reminders

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
DAY, HOUR = ReminderSent.Kind.DAY, ReminderSent.Kind.HOUR

# The real Celery worker on the test Redis and PostgreSQL (started and stopped by scripts/celery.sh).
celery_worker = test_jobs.celery_worker


def _session(starts_in: timedelta, *, now: datetime = NOW, event: Event | None = None, **event_fields) -> Session:
    return SessionFactory(event=event or EventFactory(**event_fields), starts_at=now + starts_in)


def _register(event: Event, user=None, *, status: str = Registration.Status.CONFIRMED):
    user = user or UserFactory()
    Registration.objects.create(event=event, user=user, status=status)
    return user


def _sent() -> set[tuple[int, int, str]]:
    return set(ReminderSent.objects.values_list("session_id", "user_id", "kind"))


def _email_jobs():
    return Job.objects.filter(task_name="core.send_email")


# When ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_session_gets_the_reminder_of_the_window_it_is_in():
    in_a_day = _session(timedelta(hours=24))  # the 24-hour window includes its far end
    tomorrow = _session(timedelta(hours=23))
    too_far = _session(timedelta(hours=24, minutes=1))
    at_one_hour = _session(timedelta(hours=1))  # already within the hour: only the 1-hour reminder
    soon = _session(timedelta(minutes=10))
    started = _session(timedelta(minutes=-5))
    starting_now = _session(timedelta(0))
    users = {session: _register(session.event) for session in Session.objects.all()}

    assert reminders_send_due(now=NOW) == 4

    assert _sent() == {
        (in_a_day.pk, users[in_a_day].pk, DAY),
        (tomorrow.pk, users[tomorrow].pk, DAY),
        (at_one_hour.pk, users[at_one_hour].pk, HOUR),
        (soon.pk, users[soon].pk, HOUR),
    }
    assert sorted(job.kwargs["to"][0] for job in _email_jobs()) == sorted(
        users[session].email for session in (in_a_day, tomorrow, at_one_hour, soon)
    )
    assert too_far.pk and started.pk and starting_now.pk  # nothing for them


@pytest.mark.django_db
def test_a_learner_gets_the_day_reminder_then_the_hour_reminder_each_once():
    session = _session(timedelta(hours=30))
    user = _register(session.event)
    assert reminders_send_due(now=NOW) == 0  # more than a day ahead

    day_before = session.starts_at - timedelta(hours=23, minutes=58)
    assert reminders_send_due(now=day_before) == 1
    assert reminders_send_due(now=day_before + timedelta(minutes=5)) == 0

    hour_before = session.starts_at - timedelta(minutes=57)
    assert reminders_send_due(now=hour_before) == 1
    assert reminders_send_due(now=hour_before + timedelta(minutes=5)) == 0
    assert reminders_send_due(now=session.starts_at + timedelta(minutes=1)) == 0

    assert _sent() == {(session.pk, user.pk, DAY), (session.pk, user.pk, HOUR)}
    subjects = [job.kwargs["subject"] for job in _email_jobs().order_by("created_at")]
    assert len(subjects) == 2
    assert "less than an hour" not in subjects[0]
    assert "less than an hour" in subjects[1]


# Who -------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_confirmed_registrations_with_an_email_of_scheduled_sessions_of_published_events_are_reminded():
    session = _session(timedelta(hours=5))
    confirmed = _register(session.event)
    for status in (
        Registration.Status.WAITLISTED,
        Registration.Status.PENDING,
        Registration.Status.CANCELLED,
        Registration.Status.REJECTED,
    ):
        _register(session.event, status=status)
    _register(session.event, UsernameUserFactory())  # no email address
    _register(session.event, UserFactory(is_active=False))
    UserFactory()  # not registered

    cancelled_session = _session(timedelta(hours=5))
    Session.objects.filter(pk=cancelled_session.pk).update(status=Session.Status.CANCELLED)
    _register(cancelled_session.event)
    cancelled_event = _session(timedelta(minutes=30), status=Event.Status.CANCELLED)
    _register(cancelled_event.event)
    draft = _session(timedelta(minutes=30), status=Event.Status.DRAFT)
    _register(draft.event)

    assert reminders_send_due(now=NOW) == 1

    assert _sent() == {(session.pk, confirmed.pk, DAY)}
    assert [job.kwargs["to"] for job in _email_jobs()] == [[confirmed.email]]


@pytest.mark.django_db
def test_every_session_of_a_series_is_reminded_to_each_confirmed_learner():
    event = EventFactory()
    first, second = _session(timedelta(hours=2), event=event), _session(timedelta(hours=20), event=event)
    later = _session(timedelta(days=7), event=event)
    amina, boris = _register(event), _register(event)

    assert reminders_send_due(now=NOW) == 4

    assert _sent() == {(s.pk, u.pk, DAY) for s in (first, second) for u in (amina, boris)}
    assert not ReminderSent.objects.filter(session=later).exists()


# Once ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_again_sends_nothing_more(django_capture_on_commit_callbacks):
    day = _session(timedelta(hours=10))
    hour = _session(timedelta(minutes=40))
    for _ in range(3):
        _register(day.event)
        _register(hour.event)

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(now=NOW) == 6
    assert ReminderSent.objects.count() == 6
    assert _email_jobs().count() == 6
    assert len(mail.outbox) == 6

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(now=NOW) == 0  # beat fired twice
        assert reminders_send_due(now=NOW + timedelta(minutes=5)) == 0  # the next run
    assert ReminderSent.objects.count() == 6
    assert _email_jobs().count() == 6
    assert len(mail.outbox) == 6


@pytest.mark.django_db
def test_a_reminder_claimed_elsewhere_is_not_sent_again(monkeypatch):
    """The claim, not the reading, decides: a row another run committed after we read the candidates wins."""
    session = _session(timedelta(hours=3))
    amina, boris = _register(session.event), _register(session.event)
    real_claim = reminders_module._claim

    def another_run_got_there_first(kind, pairs):
        ReminderSent.objects.create(session=session, user=amina, kind=kind)
        return real_claim(kind, pairs)

    monkeypatch.setattr(reminders_module, "_claim", another_run_got_there_first)
    assert reminders_send_due(now=NOW) == 1
    assert [job.kwargs["to"] for job in _email_jobs()] == [[boris.email]]


@pytest.mark.django_db
def test_a_failure_while_queueing_keeps_no_claim_and_the_next_run_sends_it(monkeypatch):
    session = _session(timedelta(hours=3))
    user = _register(session.event)

    def broken_email_send(**kwargs):
        raise RuntimeError("the template is broken")

    with monkeypatch.context() as patch:
        patch.setattr(reminders_module, "email_send", broken_email_send)
        assert reminders_send_due(now=NOW) == 0  # logged, not raised: other batches still go out
    assert not ReminderSent.objects.exists()
    assert not _email_jobs().exists()

    assert reminders_send_due(now=NOW + timedelta(minutes=5)) == 1
    assert _sent() == {(session.pk, user.pk, DAY)}
    assert _email_jobs().count() == 1


@pytest.mark.django_db
def test_recipients_are_handled_in_batches_with_a_constant_number_of_queries(monkeypatch):
    monkeypatch.setattr(reminders_module, "BATCH", 1000)

    def queries_besides_the_outbox(recipients: int, now: datetime) -> tuple[int, int]:
        session = _session(timedelta(hours=3), now=now)
        for _ in range(recipients):
            _register(session.event)
        with CaptureQueriesContext(connection) as queries:
            assert reminders_send_due(now=now) == recipients
        outbox = [q for q in queries.captured_queries if 'INSERT INTO "core_job"' in q["sql"]]
        return len(queries.captured_queries) - len(outbox), len(outbox)

    few = queries_besides_the_outbox(2, NOW)
    many = queries_besides_the_outbox(12, NOW + timedelta(days=10))
    # One outbox row per email (core.mail queues each email as its own job); everything else stays the same.
    assert few == (few[0], 2)
    assert many == (few[0], 12)


@pytest.mark.django_db
def test_batches_together_send_to_everyone_once(monkeypatch):
    monkeypatch.setattr(reminders_module, "BATCH", 2)
    session = _session(timedelta(hours=3))
    users = [_register(session.event) for _ in range(5)]

    assert reminders_send_due(now=NOW) == 5
    assert reminders_send_due(now=NOW) == 0

    assert sorted(job.kwargs["to"][0] for job in _email_jobs()) == sorted(user.email for user in users)


# What ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_email_shows_the_time_in_the_recipients_zone_and_the_events_with_the_venue(
    django_capture_on_commit_callbacks,
):
    session = _session(
        timedelta(hours=23),  # 2026-11-23 11:00 UTC
        kind=Event.Kind.HYBRID,
        time_zone="Europe/Moscow",
        venue="Cairo University, Hall 3",
        title="Teaching with tablets & phones",
    )
    cairo = _register(session.event, UserFactory(time_zone="Africa/Cairo", preferred_language="en"))

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(now=NOW)

    [message] = mail.outbox
    assert message.to == [cairo.email]
    assert message.extra_headers["Content-Language"] == "en"
    assert "Teaching with tablets & phones" in message.subject  # plain text: nothing HTML-escaped
    assert "1 p.m. (Africa/Cairo)" in message.subject
    assert "Nov. 23, 2026, 1 p.m. (Africa/Cairo)" in message.body
    assert "Nov. 23, 2026, 2 p.m. (Europe/Moscow)" in message.body
    assert "Cairo University, Hall 3" in message.body
    assert f"{settings.SITE_URL.rstrip('/')}/en/webinars/{session.event.uuid}/" in message.body
    assert session.event.join_url not in message.body  # the link is given on the page, shortly before
    assert "&amp;" not in message.body


@pytest.mark.django_db
def test_email_to_a_russian_teacher_is_written_with_russian_active(django_capture_on_commit_callbacks):
    session = _session(timedelta(minutes=50), kind=Event.Kind.ONLINE, time_zone="Africa/Cairo")
    olga = _register(session.event, UserFactory(time_zone="Europe/Moscow", preferred_language="ru"))

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(now=NOW)

    [message] = mail.outbox
    assert message.to == [olga.email]
    assert message.extra_headers["Content-Language"] == "ru"
    # 2026-11-22 12:50 UTC, with Russian month names and 24-hour time (Django's own Russian formats).
    assert "22 ноября 2026 г. 15:50 (Europe/Moscow)" in message.body
    assert "22 ноября 2026 г. 14:50 (Africa/Cairo)" in message.body
    assert f"/ru/webinars/{session.event.uuid}/" in message.body


@pytest.mark.django_db
def test_the_event_zone_is_not_repeated_when_it_is_the_recipients(django_capture_on_commit_callbacks):
    session = _session(timedelta(hours=5), time_zone="Europe/Moscow", kind=Event.Kind.ONLINE, venue="Room 1")
    _register(session.event, UserFactory(time_zone="Europe/Moscow"))

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(now=NOW)

    [message] = mail.outbox
    assert message.body.count("(Europe/Moscow)") == 1
    assert "Room 1" not in message.body  # online only: no venue


# Beat ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_beat_runs_the_reminders_task_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["event-reminders"]
    assert entry["task"] == send_due_reminders.name == "webinars.send_due_reminders"
    assert entry["schedule"] <= 15 * 60  # often enough for the 1-hour reminder to come about an hour before

    session = _session(timedelta(minutes=45), now=timezone.now())
    _register(session.event)
    assert celery_app.tasks["webinars.send_due_reminders"].apply().get() == 1
    assert celery_app.tasks["webinars.send_due_reminders"].apply().get() == 0


# Concurrency (PostgreSQL) and a real worker ----------------------------------------------------------------------

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_simultaneous_runs_send_each_reminder_exactly_once(postgres):
    day, hour = _session(timedelta(hours=6)), _session(timedelta(minutes=30))
    users = [_register(day.event) for _ in range(10)] + [_register(hour.event) for _ in range(10)]
    # As a worker does when it starts: Celery registers the tasks on first use, which threads would race for.
    celery_app.loader.import_default_modules()

    results = together([lambda: reminders_send_due(now=NOW)] * THREADS)

    assert sum(results) == 20
    assert ReminderSent.objects.count() == 20
    assert _email_jobs().count() == 20
    # The jobs ran after each commit (in-process here): every learner got exactly one email.
    assert sorted(to for message in mail.outbox for to in message.to) == sorted(user.email for user in users)


@pytest.mark.services
def test_beat_firing_twice_on_a_real_worker_queues_each_reminder_once(celery_worker, tmp_path):
    now = timezone.now()
    day, hour = _session(timedelta(hours=5), now=now), _session(timedelta(minutes=30), now=now)
    users = [_register(day.event) for _ in range(3)] + [_register(hour.event) for _ in range(3)]
    log = tmp_path / "celery" / "worker.log"  # where the celery_worker fixture has the worker write

    def runs() -> list[int]:
        """What each finished run of the reminders task returned (how many reminders it queued)."""
        text = log.read_text() if log.exists() else ""
        return [int(n) for n in re.findall(r"webinars\.send_due_reminders\[[^\]]+\] succeeded in [\d.]+s: (\d+)", text)]

    test_jobs._point_celery_at(celery_worker)
    celery_app.send_task("webinars.send_due_reminders")
    celery_app.send_task("webinars.send_due_reminders")

    def all_sent() -> bool:
        jobs = _email_jobs()
        done = jobs.count() == len(users) and not jobs.exclude(status=Job.Status.DONE).exists()
        return done and len(runs()) == 2

    assert test_jobs._wait_for(all_sent), f"the worker did not run twice and send the reminders: {runs()}"
    time.sleep(1.0)  # give a duplicate delivery the chance to show itself
    assert sorted(runs()) == [0, len(users)]
    assert ReminderSent.objects.count() == len(users)
    assert _email_jobs().count() == len(users)  # one email job each (their payload is wiped once sent)
    assert set(_email_jobs().values_list("runs", flat=True)) == {1}
