"""A lesson holding a live session block is the session's step in the course outline: publishing links the
session to the step, removing the block unlinks it, and a learner marked present at the session completes the
step (and, with nothing else required, the course). The chooser offers only the editor's sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from cms.models import LessonPage
from lms.courses.models import Activity, ActivityProgress, Course, Enrollment
from tests.factories.courses import make_course
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import make_event
from tests.lms.quizzes.test_attempts import enrolled
from webinars.models import Registration, Session
from webinars.services.attendance import attendance_mark
from webinars.services.events import session_cancel
from webinars.timezones import format_in

pytestmark = pytest.mark.django_db


def lessons_of(course: Course) -> list[LessonPage]:
    course_page = course.pages.get(locale__language_code="en")
    return list(LessonPage.objects.descendant_of(course_page).order_by("path"))


def publish(lesson: LessonPage, body, capture) -> None:
    with capture(execute=True):  # the outline sync runs when the publish commits
        lesson.body = body
        lesson.save_revision().publish()


def activity_of(lesson: LessonPage) -> Activity:
    return Activity.objects.get(translation_key=lesson.translation_key)


def test_publishing_a_lesson_with_a_live_session_block_makes_it_the_sessions_step(
    django_capture_on_commit_callbacks,
):
    course = make_course(modules=1, lessons=2, trainers=[make_trainer()])
    session = make_event().sessions.get()
    first, second = lessons_of(course)
    publish(
        second,
        [("paragraph", "<p>Join us live.</p>"), ("live_session", {"session": session})],
        django_capture_on_commit_callbacks,
    )
    assert activity_of(second).kind == Activity.Kind.SESSION
    assert list(activity_of(second).sessions.all()) == [session]
    assert activity_of(first).kind == Activity.Kind.LESSON

    publish(second, [("paragraph", "<p>No session any more.</p>")], django_capture_on_commit_callbacks)
    assert not activity_of(second).sessions.exists()
    assert activity_of(second).kind == Activity.Kind.LESSON


def test_a_session_linked_to_another_course_is_left_alone(django_capture_on_commit_callbacks):
    course = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    other = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    session = make_event().sessions.get()
    (lesson,) = lessons_of(course)
    (elsewhere,) = lessons_of(other)
    publish(elsewhere, [("live_session", {"session": session})], django_capture_on_commit_callbacks)
    publish(lesson, [("paragraph", "<p>Read this.</p>")], django_capture_on_commit_callbacks)
    assert list(activity_of(elsewhere).sessions.all()) == [session]
    assert not activity_of(lesson).sessions.exists()


def test_one_session_can_be_the_step_of_two_lessons_and_attending_completes_both(
    django_capture_on_commit_callbacks,
):
    trainer = make_trainer()
    course = make_course(modules=1, lessons=1, trainers=[trainer])
    other = make_course(modules=1, lessons=1, trainers=[trainer])
    event = make_event(trainers=[trainer])
    session = event.sessions.get()
    (lesson,) = lessons_of(course)
    (elsewhere,) = lessons_of(other)
    publish(lesson, [("live_session", {"session": session})], django_capture_on_commit_callbacks)
    publish(elsewhere, [("live_session", {"session": session})], django_capture_on_commit_callbacks)
    learner = enrolled(course)
    Enrollment.objects.create(user=learner, course=other)
    Registration.objects.create(event=event, user=learner, status=Registration.Status.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(
            session=session, by=trainer, present=[learner.pk], absent=[], now=session.starts_at + timedelta(hours=1)
        )
    steps = {activity_of(lesson), activity_of(elsewhere)}
    assert {p.activity for p in ActivityProgress.objects.filter(enrollment__user=learner)} == steps


def test_learners_marked_present_before_the_block_was_published_have_the_step_completed(
    django_capture_on_commit_callbacks,
):
    trainer = make_trainer()
    course = make_course(modules=1, lessons=2, trainers=[trainer])
    event = make_event(trainers=[trainer])
    session = event.sessions.get()
    present, absent = enrolled(course), enrolled(course)
    for learner in (present, absent):
        Registration.objects.create(event=event, user=learner, status=Registration.Status.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(
            session=session,
            by=trainer,
            present=[present.pk],
            absent=[absent.pk],
            now=session.starts_at + timedelta(hours=1),
        )
    assert not ActivityProgress.objects.exists()  # no course step stands for the session yet

    _first, second = lessons_of(course)
    publish(second, [("live_session", {"session": session})], django_capture_on_commit_callbacks)
    assert [p.enrollment.user for p in ActivityProgress.objects.filter(activity=activity_of(second))] == [present]


def test_a_cancelled_session_turns_its_step_into_a_lesson_the_learner_marks_done(
    client, django_capture_on_commit_callbacks
):
    trainer = make_trainer()
    course = make_course(modules=1, lessons=1, trainers=[trainer])
    event = make_event(trainers=[trainer])
    session = event.sessions.get()
    (lesson,) = lessons_of(course)
    publish(lesson, [("live_session", {"session": session})], django_capture_on_commit_callbacks)
    assert activity_of(lesson).kind == Activity.Kind.SESSION

    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session, by=trainer)
    activity = activity_of(lesson)
    assert activity.kind == Activity.Kind.LESSON  # nobody can attend it: the learner may mark it done
    assert not activity.sessions.exists()

    learner = enrolled(course)
    client.force_login(learner)
    assert "Mark as done" in client.get(activity.url).content.decode()


def test_attending_the_session_completes_the_step_and_the_course(client, django_capture_on_commit_callbacks):
    trainer = make_trainer()
    course = make_course(modules=1, lessons=1, trainers=[trainer])
    event = make_event(trainers=[trainer], title="Digital classrooms live")
    session = event.sessions.get()
    (lesson,) = lessons_of(course)
    publish(lesson, [("live_session", {"session": session})], django_capture_on_commit_callbacks)
    activity = activity_of(lesson)
    learner = enrolled(course, time_zone="Asia/Tokyo")
    Registration.objects.create(event=event, user=learner, status=Registration.Status.CONFIRMED)

    client.force_login(learner)
    page = client.get(activity.url).content.decode()
    assert "Digital classrooms live" in page
    with translation.override("en"):
        assert format_in(session.starts_at, "Asia/Tokyo") in page  # in her time zone, not the event's
    assert reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid}) in page
    assert "Attend the live session to complete this step." in page
    assert "Mark as done" not in page

    session.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(
            session=session, by=trainer, present=[learner.pk], absent=[], now=session.starts_at + timedelta(hours=1)
        )
    assert ActivityProgress.objects.filter(enrollment__user=learner, activity=activity).exists()
    assert Enrollment.objects.get(user=learner, course=course).completed_at is not None


def test_the_chooser_offers_only_the_scheduled_sessions_of_the_editors_events(client):
    mine = make_trainer()
    make_event(trainers=[mine], title="My webinar")
    cancelled = make_event(trainers=[mine], title="My cancelled session").sessions.get()
    cancelled.status = Session.Status.CANCELLED
    cancelled.save(update_fields=["status"])
    make_event(trainers=[make_trainer()], title="Their webinar")

    client.force_login(mine)
    response = client.get("/cms-admin/session_chooser/")
    assert response.status_code == 200
    listed = response.json()["html"]
    assert "My webinar" in listed
    assert "Their webinar" not in listed and "My cancelled session" not in listed

    client.force_login(superuser())
    listed = client.get("/cms-admin/session_chooser/").json()["html"]
    assert "My webinar" in listed and "Their webinar" in listed


def test_the_chooser_is_closed_to_anonymous_visitors(client):
    response = client.get("/cms-admin/session_chooser/")
    assert response.status_code == 302 and "/login/" in response["Location"]
