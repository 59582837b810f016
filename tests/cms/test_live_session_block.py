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
    session.refresh_from_db()
    assert activity_of(second).kind == Activity.Kind.SESSION
    assert activity_of(first).kind == Activity.Kind.LESSON
    assert session.activity_key == second.translation_key

    publish(second, [("paragraph", "<p>No session any more.</p>")], django_capture_on_commit_callbacks)
    session.refresh_from_db()
    assert session.activity_key is None
    assert activity_of(second).kind == Activity.Kind.LESSON


def test_a_session_linked_to_another_course_is_left_alone(django_capture_on_commit_callbacks):
    course = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    other = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    session = make_event().sessions.get()
    (lesson,) = lessons_of(course)
    (elsewhere,) = lessons_of(other)
    publish(elsewhere, [("live_session", {"session": session})], django_capture_on_commit_callbacks)
    publish(lesson, [("paragraph", "<p>Read this.</p>")], django_capture_on_commit_callbacks)
    session.refresh_from_db()
    assert session.activity_key == elsewhere.translation_key


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
