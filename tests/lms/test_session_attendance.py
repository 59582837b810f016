"""A course whose outline requires a live session: attendance marked in ``webinars`` (on the roster or from the
meeting) completes the session's activity for the learners marked present, and may complete the course; an
absent mark never takes it back; a session activity cannot be completed by hand."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.courses import services
from lms.courses.models import Activity, ActivityProgress, Course, Enrollment
from lms.courses.signals import course_completed
from tests.factories.accounts import UserFactory
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory, SessionFactory
from webinars.models import Event, Registration, Session
from webinars.providers import Provider
from webinars.services import online
from webinars.services.attendance import attendance_mark
from webinars.services.online import session_take_attendance_from_provider

pytestmark = pytest.mark.django_db


def blended_course(key: uuid.UUID, *, title: str = "Blended course") -> tuple[Course, Activity, Activity]:
    """A course with a lesson and a required live session (the activity that stands for the session)."""
    course = services.course_create(title=title)
    lesson = Activity.objects.create(
        course=course, translation_key=uuid.uuid4(), kind=Activity.Kind.LESSON, position=0, titles={"en": "Lesson"}
    )
    live = Activity.objects.create(
        course=course, translation_key=key, kind=Activity.Kind.SESSION, position=1, titles={"en": "Live session"}
    )
    return course, lesson, live


def session_for(key: uuid.UUID | None, **event_fields) -> tuple[Session, object]:
    """A session that started ten minutes ago, shown by the activities with the translation key ``key`` (as the
    outline sync links it), with its trainer."""
    teacher = make_trainer()
    event = EventFactory(**event_fields)
    event.trainers.set([teacher])
    start = timezone.now() - timedelta(minutes=10)
    session = SessionFactory(event=event, starts_at=start, ends_at=start + timedelta(hours=1))
    for activity in Activity.objects.filter(translation_key=key):
        activity.sessions.add(session)
    return session, teacher


def learner_in(course: Course | None, session: Session, **fields):
    user = UserFactory(**fields)
    Registration.objects.create(event=session.event, user=user, status=Registration.Status.CONFIRMED)
    enrollment = Enrollment.objects.create(user=user, course=course) if course else None
    return user, enrollment


def mark(session: Session, teacher, *, present=(), absent=(), capture) -> None:
    with capture(execute=True):
        attendance_mark(session=session, by=teacher, present=[u.pk for u in present], absent=[u.pk for u in absent])


def done(enrollment: Enrollment, activity: Activity) -> bool:
    return ActivityProgress.objects.filter(enrollment=enrollment, activity=activity).exists()


def test_marking_a_learner_present_completes_the_session_and_the_course(django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    course, lesson, live = blended_course(key)
    session, teacher = session_for(key)
    learner, enrollment = learner_in(course, session)
    services.activity_complete(enrollment=enrollment, activity=lesson)
    completed = []

    def on_completed(sender, enrollment, **kwargs):
        completed.append(enrollment.pk)

    course_completed.connect(on_completed, dispatch_uid="t-sa")
    try:
        mark(session, teacher, present=[learner], capture=django_capture_on_commit_callbacks)
    finally:
        course_completed.disconnect(dispatch_uid="t-sa")

    assert done(enrollment, live)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_at is not None
    assert completed == [enrollment.pk]
    assert enrollment.last_activity == lesson  # being marked present is not a visit: she continues where she was


def test_a_present_mark_records_progress_before_the_rest_of_the_course_is_done(django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    course, lesson, live = blended_course(key)
    session, teacher = session_for(key)
    learner, enrollment = learner_in(course, session)

    mark(session, teacher, present=[learner], capture=django_capture_on_commit_callbacks)

    assert done(enrollment, live)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE  # the lesson is still to do
    services.activity_complete(enrollment=enrollment, activity=lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_nothing_is_recorded_before_the_marks_are_committed(django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    course, _lesson, live = blended_course(key)
    session, teacher = session_for(key)
    learner, enrollment = learner_in(course, session)

    with django_capture_on_commit_callbacks(execute=False):
        attendance_mark(session=session, by=teacher, present=[learner.pk], absent=[])

    assert not done(enrollment, live)


def test_marking_absent_later_does_not_remove_the_progress(django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    course, lesson, live = blended_course(key)
    session, teacher = session_for(key)
    learner, enrollment = learner_in(course, session)
    services.activity_complete(enrollment=enrollment, activity=lesson)
    mark(session, teacher, present=[learner], capture=django_capture_on_commit_callbacks)

    mark(session, teacher, absent=[learner], capture=django_capture_on_commit_callbacks)

    assert done(enrollment, live)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_marking_present_twice_records_progress_once(django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    course, _lesson, live = blended_course(key)
    session, teacher = session_for(key)
    learner, enrollment = learner_in(course, session)

    mark(session, teacher, present=[learner], capture=django_capture_on_commit_callbacks)
    mark(session, teacher, present=[learner], capture=django_capture_on_commit_callbacks)

    assert ActivityProgress.objects.filter(enrollment=enrollment, activity=live).count() == 1


def test_only_learners_marked_present_and_learning_in_the_course_get_progress(django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    course, _lesson, live = blended_course(key)
    session, teacher = session_for(key)
    present, present_enrollment = learner_in(course, session)
    absent, _absent_enrollment = learner_in(course, session)
    not_enrolled, _ = learner_in(None, session)
    withdrawn, withdrawn_enrollment = learner_in(course, session)
    Enrollment.objects.filter(pk=withdrawn_enrollment.pk).update(status=Enrollment.Status.WITHDRAWN)
    pending, pending_enrollment = learner_in(course, session)
    Enrollment.objects.filter(pk=pending_enrollment.pk).update(status=Enrollment.Status.PENDING)

    mark(
        session,
        teacher,
        present=[present, not_enrolled, withdrawn, pending],
        absent=[absent],
        capture=django_capture_on_commit_callbacks,
    )

    assert list(ActivityProgress.objects.filter(activity=live).values_list("enrollment", flat=True)) == [
        present_enrollment.pk
    ]
    assert not Enrollment.objects.filter(user=not_enrolled).exists()  # nobody is enrolled by attending


def test_a_session_counts_in_every_course_that_requires_it_but_not_for_an_inactive_step(
    django_capture_on_commit_callbacks,
):
    key = uuid.uuid4()
    first, _l1, first_live = blended_course(key, title="First")
    second, _l2, second_live = blended_course(key, title="Second")
    retired, _l3, retired_live = blended_course(key, title="Retired")
    Activity.objects.filter(pk=retired_live.pk).update(is_active=False)
    session, teacher = session_for(key)
    learner, first_enrollment = learner_in(first, session)
    second_enrollment = Enrollment.objects.create(user=learner, course=second)
    retired_enrollment = Enrollment.objects.create(user=learner, course=retired)

    mark(session, teacher, present=[learner], capture=django_capture_on_commit_callbacks)

    assert done(first_enrollment, first_live)
    assert done(second_enrollment, second_live)
    assert not done(retired_enrollment, retired_live)


def test_a_lesson_with_the_sessions_key_is_not_completed(django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    course = services.course_create(title="Lessons only")
    lesson = Activity.objects.create(course=course, translation_key=key, kind=Activity.Kind.LESSON)
    session, teacher = session_for(key)
    learner, enrollment = learner_in(course, session)

    mark(session, teacher, present=[learner], capture=django_capture_on_commit_callbacks)

    assert not done(enrollment, lesson)


def test_a_session_that_stands_for_no_activity_records_nothing(django_capture_on_commit_callbacks):
    course, _lesson, _live = blended_course(uuid.uuid4())
    session, teacher = session_for(None)
    learner, _enrollment = learner_in(course, session)

    mark(session, teacher, present=[learner], capture=django_capture_on_commit_callbacks)

    assert not ActivityProgress.objects.exists()


class ListingProvider(Provider):
    def __init__(self, listed: list[str]) -> None:
        self.listed = listed

    def attendees(self, session):
        return self.listed


def test_attendance_from_the_meeting_counts_too(monkeypatch, django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    course, _lesson, live = blended_course(key)
    session, teacher = session_for(key, provider=Event.Provider.BIGBLUEBUTTON, join_url="")
    learner, enrollment = learner_in(course, session)
    monkeypatch.setattr(online, "provider_for", lambda event: ListingProvider([str(learner.pk)]))

    with django_capture_on_commit_callbacks(execute=True):
        session_take_attendance_from_provider(session=session, by=teacher)

    assert done(enrollment, live)


def test_a_session_activity_cannot_be_completed_by_hand():
    key = uuid.uuid4()
    course, _lesson, live = blended_course(key)
    enrollment = Enrollment.objects.create(user=UserFactory(), course=course)

    with pytest.raises(services.EnrollmentError, match="Attend the session to complete this step"):
        services.activity_complete(enrollment=enrollment, activity=live)
    with pytest.raises(services.EnrollmentError):
        services.activity_complete(enrollment=enrollment, activity=live, by_quiz=True)
    assert not done(enrollment, live)

    assert services.activity_complete(enrollment=enrollment, activity=live, by_session=True) is False
    assert done(enrollment, live)


def test_the_learners_complete_button_is_refused_for_a_session(client):
    course, _lesson, live = blended_course(uuid.uuid4())
    learner = UserFactory()
    enrollment = Enrollment.objects.create(user=learner, course=course)
    client.force_login(learner)

    response = client.post(reverse("courses:activity-complete", kwargs={"activity_id": live.pk}), follow=True)

    assert "Attend the session to complete this step." in response.content.decode()
    assert not done(enrollment, live)
