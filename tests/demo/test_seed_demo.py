from datetime import timedelta
from itertools import pairwise

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import Role, RoleGrant, User
from demo.builders import webinars as webinars_builder
from demo.builders.courses import COURSES
from demo.builders.webinars import EVENTS
from lms.courses.models import Activity, Enrollment
from lms.quizzes.models import QUESTION_CLASSES, Question, Quiz
from lms.quizzes.selectors.bank import question_translatable_texts
from webinars.models import Attendance, Event, Registration, Session
from webinars.selectors.events import event_list
from webinars.selectors.registrations import waitlist
from webinars.services.reminders import reminders_send_due
from webinars.timezones import local

COUNTED = [
    "accounts.User",
    "accounts.Region",
    "accounts.Institution",
    "accounts.RoleGrant",
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailcore.Locale",
    "auth.Group",
    "courses.Activity",
    "quizzes.QuestionCategory",
    "quizzes.Question",
    "quizzes.QuestionVersion",
    "quizzes.Quiz",
    "quizzes.QuizSlot",
    "webinars.Event",
    "webinars.Session",
    "webinars.Registration",
]


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_and_a_second_run_changes_nothing(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first

    emails = set(User.objects.values_list("email", flat=True))
    assert {"teacher@example.org", "trainer@example.org", "ministry@example.org", "admin@example.org"} <= emails
    ministry = RoleGrant.objects.get(user__email="ministry@example.org", role=Role.MINISTRY_OFFICIAL)
    assert ministry.country.code == "EG"
    assert User.objects.get(email="admin@example.org").is_superuser

    response = client.post("/en/accounts/login/", {"username": "teacher@example.org", "password": "maktaba-demo"})
    assert response.status_code == 302
    for language, text in (("en", "Free courses"), ("ru", "Бесплатные курсы"), ("ar", "دورات مجانية")):
        assert text in client.get(f"/{language}/").content.decode()
    assert "Новости" in client.get("/ru/news/").content.decode()


@pytest.mark.django_db
def test_seed_demo_builds_a_translated_question_bank_and_a_quiz_in_each_course(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    trainer = User.objects.get(email="trainer@example.org")
    questions = list(Question.objects.all())
    assert len(questions) >= 30
    assert {question.kind for question in questions} == set(QUESTION_CLASSES)
    for question in questions:
        assert question.owner == trainer
        assert question.category.path[0] == "Demo bank"
        for language in ("ru", "ar"):
            translated = question.texts[language]
            sources = question_translatable_texts(question)
            for source in sources:
                if source.index is None:
                    value = translated.get(source.key)
                else:
                    values = translated[source.key]  # index for index with the source list
                    assert len(values) == len([other for other in sources if other.key == source.key])
                    value = values[source.index]
                # Every text of the source has its translation (a matching distractor has no text to translate).
                assert bool(value) == bool(source.source), (question.idnumber, language, source.key, source.index)

    for spec in COURSES:
        quiz = Quiz.objects.select_related("activity").get(course__title=spec["texts"]["en"][0])
        assert set(quiz.titles) == {"en", "ru", "ar"}
        assert quiz.activity.kind == Activity.Kind.QUIZ and quiz.activity.is_active
        assert quiz.activity.course_id == quiz.course_id
        slots = list(quiz.slots.all())
        assert 5 <= len(slots) <= 8
        assert any(slot.random_category_id for slot in slots)
    timed = Quiz.objects.get(time_limit_minutes__isnull=False)
    assert (timed.time_limit_minutes, timed.attempts_allowed, timed.pass_grade) == (10, 2, 60)

    # The demo teacher, a learner of the course, sees the quiz in the Russian lesson and can start it.
    quiz = Quiz.objects.select_related("activity").get(course__title="ICT in the classroom")
    teacher = User.objects.get(email="teacher@example.org")
    assert Enrollment.objects.filter(user=teacher, course=quiz.course).exists()
    client.force_login(teacher)
    response = client.get(quiz.activity.urls["ru"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Проверьте себя" in page
    assert "ИКТ в классе: итоговый тест" in page
    with translation.override("ru"):
        assert reverse("quizzes:quiz-start", kwargs={"quiz_uuid": quiz.uuid}) in page


@pytest.mark.django_db
def test_seed_demo_builds_webinars_and_workshops_to_come_and_past(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    trainer = User.objects.get(email="trainer@example.org")
    upcoming, past = list(event_list(when="upcoming")), list(event_list(when="past"))
    assert 6 <= len(upcoming) + len(past) <= 8
    assert Event.objects.exclude(status=Event.Status.PUBLISHED).count() == 0
    assert all(event.created_by == trainer for event in upcoming + past)
    assert {event.language for event in upcoming} == {event.language for event in past} == {"en", "ru", "ar"}
    assert {event.kind for event in upcoming + past} == set(Event.Kind.values)
    hybrid = Event.objects.get(kind=Event.Kind.HYBRID)
    assert hybrid.venue and hybrid.join_url and hybrid.time_zone == "Africa/Cairo"
    assert all(event.venue for event in upcoming + past if event.is_onsite)
    assert all(event.join_url.startswith("https://meet.jit.si/") for event in upcoming + past if event.is_online)
    # A past online webinar has its recording.
    assert Session.objects.filter(event__in=past, ends_at__lt=timezone.now()).exclude(recording_url="").exists()

    # A weekly series of four sessions at the same local time.
    series = [event for event in upcoming if event.sessions.count() == 4]
    assert len(series) == 1
    starts = [
        local(session.starts_at, series[0].time_zone).replace(tzinfo=None) for session in series[0].sessions.all()
    ]
    assert [later - earlier for earlier, later in pairwise(starts)] == [timedelta(weeks=1)] * 3

    # The full masterclass: three places taken, two people waiting, in the order they registered.
    full = Event.objects.get(capacity=3)
    assert full in upcoming and full.kind == Event.Kind.ONSITE
    assert full.confirmed_count == 3
    confirmed = Registration.objects.filter(event=full, status=Registration.Status.CONFIRMED)
    assert sorted(confirmed.values_list("user__email", flat=True)) == [f"learner{n}@example.org" for n in (1, 2, 3)]
    assert [registration.user.email for registration in waitlist(full)] == [
        "learner4@example.org",
        "learner5@example.org",
    ]

    # The teacher in Cairo is registered for a webinar run from Moscow.
    teacher = User.objects.get(email="teacher@example.org")
    registration = Registration.objects.select_related("event").get(user=teacher)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.event in upcoming
    assert (registration.event.time_zone, registration.event.language) == ("Europe/Moscow", "ru")
    assert registration.country.code == "EG"

    # She sees the events to come in her time zone, beside each event's own zone.
    client.force_login(teacher)
    response = client.get("/ar/webinars/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Europe/Moscow" in page
    for event in upcoming:
        assert escape(event.title) in page
    with translation.override("ar"):
        note = translation.gettext("Times are in your time zone, <bdi>%(zone)s</bdi>.") % {"zone": "Africa/Cairo"}
        assert note in page
        assert escape(translation.gettext("Full — waiting list")) in page
    past_page = client.get("/ar/webinars/?when=past").content.decode()
    assert all(escape(event.title) in past_page for event in past)


@pytest.mark.django_db
def test_seed_demo_on_a_later_day_adds_no_webinar_sessions(monkeypatch):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counted = [Event, Session, Registration]
    first = [model.objects.count() for model in counted]
    later = timezone.now() + timedelta(days=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [model.objects.count() for model in counted] == first


@pytest.mark.django_db
def test_seed_demo_weeks_later_brings_the_upcoming_webinars_back_and_keeps_the_past_ones(monkeypatch):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = _counts()
    upcoming = {event.title for event in event_list(when="upcoming")}
    past = {event.title for event in event_list(when="past")}
    sessions = {session.pk: session for session in Session.objects.select_related("event")}
    registrations = set(Registration.objects.values_list("event_id", "user_id", "status", "queued_at"))

    later = timezone.now() + timedelta(days=60)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert not event_list(when="upcoming").exists()  # two months on, the demo as first built has nothing to come
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _counts() == counts
    assert {event.title for event in event_list(when="upcoming")} == upcoming
    assert {event.title for event in event_list(when="past")} == past
    events = {spec["title"]: spec for spec in EVENTS}
    for session in Session.objects.select_related("event"):
        before, zone = sessions[session.pk], session.event.time_zone
        if session.event.title in past:
            assert (session.starts_at, session.ends_at) == (before.starts_at, before.ends_at)
            continue
        # Whole weeks later, at the same wall-clock time in the event's zone, as long as before, and some days
        # ahead (so no reminder falls due at once).
        moved = local(session.starts_at, zone).replace(tzinfo=None) - local(before.starts_at, zone).replace(tzinfo=None)
        assert moved.days % 7 == 0 and moved.seconds == 0 and moved.days >= 7
        assert session.ends_at - session.starts_at == before.ends_at - before.starts_at
        assert session.starts_at > later + timedelta(days=events[session.event.title]["days"] - 1)
        assert session.sequence == before.sequence + 1
    assert reminders_send_due(now=later) == 0

    # Registrations, the full masterclass and its waiting list are as they were.
    assert set(Registration.objects.values_list("event_id", "user_id", "status", "queued_at")) == registrations
    full = event_list(when="upcoming").get(capacity=3)
    assert full.confirmed_count == 3
    assert [registration.user.email for registration in waitlist(full)] == [
        "learner4@example.org",
        "learner5@example.org",
    ]
    to_come, gone = list(event_list(when="upcoming")), list(event_list(when="past"))
    assert {event.language for event in to_come} == {event.language for event in gone} == {"en", "ru", "ar"}
    assert any(event.kind == Event.Kind.HYBRID for event in to_come)
    series = [event for event in to_come if event.sessions.count() == 4]
    assert len(series) == 1

    # Run again on the same day: nothing moves.
    moved_to = dict(Session.objects.values_list("pk", "starts_at"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert dict(Session.objects.values_list("pk", "starts_at")) == moved_to
    assert _counts() == counts

    # Weeks later again, an event whose session someone attended has taken place: it stays past, with its
    # attendance; the others come back.
    attended = Session.objects.get(event__title=EVENTS[0]["title"])
    even_later = later + timedelta(days=30)
    monkeypatch.setattr(timezone, "now", lambda: even_later)
    Attendance.objects.create(session=attended, user=User.objects.get(email="teacher@example.org"))
    webinars_builder.build()
    assert Session.objects.get(pk=attended.pk).starts_at == attended.starts_at
    assert {event.title for event in event_list(when="upcoming")} == upcoming - {EVENTS[0]["title"]}
