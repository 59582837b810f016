"""The outline follows the pages; enrollment, progress and completion follow the rules."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from wagtail.models import Page

from accounts.models import Role
from accounts.services import role_grant
from cms.models import LessonPage, ModulePage
from lms.courses import services
from lms.courses.models import Activity, Course, Enrollment
from lms.courses.signals import course_completed
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db


def _active(course: Course) -> list[Activity]:
    return list(Activity.objects.filter(course=course, is_active=True).order_by("position"))


def test_outline_is_taken_from_the_pages_with_titles_and_urls_per_language():
    course = make_course(modules=2, lessons=3, languages=("en", "ar"))
    activities = _active(course)
    assert len(activities) == 6
    assert [activity.titles["en"] for activity in activities[:3]] == ["Lesson 1.1", "Lesson 1.2", "Lesson 1.3"]
    assert activities[0].titles["ar"] == "ar: Lesson 1.1"
    assert activities[0].urls["ar"].startswith("/ar/courses/")
    assert course.language_codes == ["en", "ar"]
    assert course.is_listed
    assert course.modules.filter(is_active=True).count() == 2


def test_unpublishing_moving_and_deleting_lessons_update_the_outline(django_capture_on_commit_callbacks):
    course = make_course(modules=2, lessons=2)
    lessons = list(
        LessonPage.objects.filter(locale__language_code="en").descendant_of(course.pages.first()).order_by("path")
    )
    with django_capture_on_commit_callbacks(execute=True):
        lessons[0].unpublish()
    assert [a.titles["en"] for a in _active(course)] == ["Lesson 1.2", "Lesson 2.1", "Lesson 2.2"]

    second_module = ModulePage.objects.child_of(course.pages.first()).order_by("path").last()
    with django_capture_on_commit_callbacks(execute=True):
        lessons[1].move(second_module, pos="last-child")
    assert [a.titles["en"] for a in _active(course)] == ["Lesson 2.1", "Lesson 2.2", "Lesson 1.2"]

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=lessons[2].pk).delete()
    assert [a.titles["en"] for a in _active(course)] == ["Lesson 2.2", "Lesson 1.2"]
    # Nothing is lost: removed activities stay, inactive, for the learners' history.
    assert Activity.objects.filter(course=course).count() == 4

    with django_capture_on_commit_callbacks(execute=True):
        added = second_module.add_child(instance=LessonPage(title="Lesson new", slug="lesson-new"))
        added.save_revision().publish()
    assert [a.titles["en"] for a in _active(course)][-1] == "Lesson new"


def test_open_course_enrolls_at_once_and_counts_once():
    course = make_course()
    teacher = UserFactory()
    first = services.enrollment_self_enroll(user=teacher, course=course)
    again = services.enrollment_self_enroll(user=teacher, course=course)
    assert first.pk == again.pk
    assert first.status == Enrollment.Status.ACTIVE
    course.refresh_from_db()
    assert course.enrolled_count == 1


def test_key_course_needs_the_right_key():
    course = make_course(enrollment_mode=Course.EnrollmentMode.KEY, enrollment_key="cairo-2026")
    teacher = UserFactory()
    with pytest.raises(services.EnrollmentError, match="key"):
        services.enrollment_self_enroll(user=teacher, course=course, key="wrong")
    assert not Enrollment.objects.exists()
    assert services.enrollment_self_enroll(user=teacher, course=course, key=" cairo-2026 ").status == "active"


def test_closed_course_refuses_self_enrollment_but_a_trainer_can_enroll():
    trainer = UserFactory()
    role_grant(user=trainer, role=Role.TRAINER)
    course = make_course(enrollment_mode=Course.EnrollmentMode.CLOSED, trainers=[trainer])
    teacher = UserFactory()
    with pytest.raises(services.EnrollmentError):
        services.enrollment_self_enroll(user=teacher, course=course)
    assert services.enrollment_add(by=trainer, course=course, users=[teacher]) == 1
    enrollment = Enrollment.objects.get(user=teacher, course=course)
    assert (enrollment.status, enrollment.source, enrollment.enrolled_by) == ("active", "trainer", trainer)


def test_someone_who_is_not_a_trainer_of_the_course_cannot_enroll_others():
    other_trainer = UserFactory()
    role_grant(user=other_trainer, role=Role.TRAINER)
    course = make_course()
    with pytest.raises(PermissionDenied):
        services.enrollment_add(by=other_trainer, course=course, users=[UserFactory()])
    assert not Enrollment.objects.exists()


def test_approval_course_waits_for_a_trainer_who_is_told_and_tells_the_learner(django_capture_on_commit_callbacks):
    trainer = UserFactory()
    role_grant(user=trainer, role=Role.TRAINER)
    course = make_course(enrollment_mode=Course.EnrollmentMode.APPROVAL, trainers=[trainer])
    teacher = UserFactory(preferred_language="ru")
    enrollment = services.enrollment_self_enroll(user=teacher, course=course)
    assert enrollment.status == Enrollment.Status.PENDING
    course.refresh_from_db()
    assert course.enrolled_count == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_decide(by=trainer, enrollment=enrollment, approve=True)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [teacher.email]
    assert mail.outbox[0].extra_headers["Content-Language"] == "ru"
    course.refresh_from_db()
    assert course.enrolled_count == 1


def test_prerequisites_must_be_completed_first():
    basics = make_course(title="Basics", modules=1, lessons=1)
    advanced = make_course(title="Advanced")
    advanced.prerequisites.add(basics)
    teacher = UserFactory()
    with pytest.raises(services.EnrollmentError, match="Basics"):
        services.enrollment_self_enroll(user=teacher, course=advanced)
    enrollment = services.enrollment_self_enroll(user=teacher, course=basics)
    services.activity_complete(enrollment=enrollment, activity=_active(basics)[0])
    assert services.enrollment_self_enroll(user=teacher, course=advanced).status == "active"


def test_completion_is_recorded_once_and_never_revoked(django_capture_on_commit_callbacks):
    course = make_course(modules=1, lessons=3)
    optional = LessonPage.objects.get(
        slug="lesson-1-3", locale__language_code="en", path__startswith=course.pages.first().path
    )
    optional.required = False
    with django_capture_on_commit_callbacks(execute=True):
        optional.save_revision().publish()
    teacher = UserFactory()
    enrollment = services.enrollment_self_enroll(user=teacher, course=course)
    received = []
    course_completed.connect(
        lambda sender, enrollment, **kwargs: received.append(enrollment.pk), weak=False, dispatch_uid="t"
    )
    try:
        first, second, _optional = _active(course)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.activity_complete(enrollment=enrollment, activity=first) is False
            assert services.activity_complete(enrollment=enrollment, activity=second) is True  # optional one not needed
        completed_at = Enrollment.objects.get(pk=enrollment.pk).completed_at
        assert completed_at is not None
        with django_capture_on_commit_callbacks(execute=True):
            assert services.activity_complete(enrollment=enrollment, activity=second) is False
            # The course grows a new required lesson: the recorded completion stands.
            module = ModulePage.objects.child_of(course.pages.first()).first()
            new = module.add_child(instance=LessonPage(title="Late addition", slug="late"))
            new.save_revision().publish()
        enrollment.refresh_from_db()
        assert enrollment.status == Enrollment.Status.COMPLETED
        assert enrollment.completed_at == completed_at
        assert received == [enrollment.pk]
    finally:
        course_completed.disconnect(dispatch_uid="t")


def test_withdrawing_keeps_progress_for_when_she_comes_back():
    course = make_course()
    teacher = UserFactory()
    enrollment = services.enrollment_self_enroll(user=teacher, course=course)
    services.activity_complete(enrollment=enrollment, activity=_active(course)[0])
    services.enrollment_withdraw(user=teacher, enrollment=enrollment)
    course.refresh_from_db()
    assert (enrollment.status, course.enrolled_count) == ("withdrawn", 0)
    with pytest.raises(services.EnrollmentError):
        services.activity_complete(enrollment=enrollment, activity=_active(course)[1])
    back = services.enrollment_self_enroll(user=teacher, course=course)
    assert back.pk == enrollment.pk
    assert back.status == "active"
    assert back.progress.count() == 1


def test_announcement_is_emailed_to_learners_in_their_language(django_capture_on_commit_callbacks, client):
    trainer = UserFactory()
    role_grant(user=trainer, role=Role.TRAINER)
    course = make_course(trainers=[trainer], languages=("en", "ar"))
    arabic, english = UserFactory(preferred_language="ar"), UserFactory()
    UserFactory()  # not enrolled: gets nothing
    for learner in (arabic, english):
        services.enrollment_self_enroll(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_create(by=trainer, course=course, subject="Webinar on Monday", body="Join us.")
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {arabic.email, english.email}
    assert sent[arabic.email].extra_headers["Content-Language"] == "ar"
    assert "/ar/courses/" in sent[arabic.email].body
    assert "Webinar on Monday" in sent[english.email].subject
    client.force_login(english)
    assert "Webinar on Monday" in client.get(course.urls["en"]).content.decode()  # and on the course page


def test_deleting_every_page_of_a_course_takes_it_out_of_the_catalogue_but_keeps_its_record(
    django_capture_on_commit_callbacks, client
):
    from cms.models import CoursePage

    course = make_course(title="Retired course", languages=("en", "ru"))
    teacher = UserFactory()
    services.enrollment_self_enroll(user=teacher, course=course)
    english, russian = (CoursePage.objects.get(course=course, locale__language_code=code) for code in ("en", "ru"))
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=english.pk).delete()
    course.refresh_from_db()
    assert course.is_listed and course.language_codes == ["ru"]  # still there in Russian
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=russian.pk).delete()
    course.refresh_from_db()
    assert not course.is_listed
    assert "Retired course" not in client.get("/ru/courses/").content.decode()
    assert Enrollment.objects.filter(course=course, user=teacher).exists()
