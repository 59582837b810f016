"""Catalogue, course, lesson and dashboard pages as a teacher and a trainer use them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.services import role_grant
from lms.competencies.models import Competency
from lms.courses.models import Activity, Course, Enrollment, Subject
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    client.get(url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_arabic_teacher_finds_enrolls_learns_leaves_comes_back_and_completes(client):
    course = make_course(title="Digital pedagogy", modules=2, lessons=2, languages=("en", "ar"))
    make_course(title="Unrelated")
    teacher = UserFactory(preferred_language="ar")
    client.force_login(teacher)

    # The Arabic catalogue finds it by its (folded) title.
    catalogue = client.get("/ar/courses/", {"q": "AR: DIGITAL"}).content.decode()
    assert "ar: Digital pedagogy" in catalogue
    assert "Unrelated" not in catalogue

    course_url = course.urls["ar"]
    response = client.post(f"/ar/learning/courses/{course.uuid}/enroll/", {"next": course_url})
    assert response.status_code == 302 and response["Location"] == course_url
    assert Enrollment.objects.get(user=teacher, course=course).status == "active"

    activities = list(Activity.objects.filter(course=course, is_active=True).order_by("position"))
    first = client.get(activities[0].urls["ar"])
    assert first.status_code == 200
    assert 'dir="rtl"' in first.content.decode()
    done = client.post(f"/ar/learning/activities/{activities[0].pk}/complete/", {"next": activities[0].urls["ar"]})
    assert done["Location"] == activities[1].urls["ar"]  # on to the next lesson
    client.get(activities[1].urls["ar"])  # she reads the second lesson, then leaves

    # She comes back: the course page and the dashboard offer to continue where she left off.
    page = client.get(course_url).content.decode()
    assert f'href="{activities[1].urls["ar"]}"' in page
    assert "25%" in page
    dashboard = client.get("/ar/dashboard/").content.decode()
    assert activities[1].urls["ar"] in dashboard

    for activity in activities[1:]:
        client.post(f"/ar/learning/activities/{activity.pk}/complete/")
    enrollment = Enrollment.objects.get(user=teacher, course=course)
    assert enrollment.status == "completed" and enrollment.completed_at
    record = client.get("/ar/dashboard/record/").content.decode()
    assert "ar: Digital pedagogy" in record


def test_switching_language_keeps_progress(client):
    course = make_course(modules=1, lessons=2, languages=("en", "ar"))
    teacher = UserFactory()
    client.force_login(teacher)
    client.post(f"/en/learning/courses/{course.uuid}/enroll/")
    first = Activity.objects.filter(course=course).order_by("position").first()
    client.post(f"/en/learning/activities/{first.pk}/complete/")
    arabic_lesson = client.get(first.urls["ar"]).content.decode()
    assert "ar: Lesson 1.1" in arabic_lesson
    assert 'class="badge badge--ok"' in arabic_lesson  # done, in Arabic too
    arabic_course = client.get(course.urls["ar"]).content.decode()
    assert "50%" in arabic_course


def test_lessons_are_for_learners_of_the_course(client):
    course = make_course()
    lesson_url = Activity.objects.filter(course=course).first().urls["en"]
    anonymous = client.get(lesson_url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(UserFactory())
    not_enrolled = client.get(lesson_url)
    assert not_enrolled.status_code == 302 and not_enrolled["Location"] == course.urls["en"]


def test_untranslated_course_is_listed_in_other_catalogues_marked_with_its_languages(client):
    make_course(title="Only in English")
    html = client.get("/ru/courses/").content.decode()
    assert "Only in English" in html
    assert 'lang="en">English</span>' in html


def test_catalogue_filters_and_sorting(client):
    maths = Subject.objects.create(slug="maths", names={"en": "Mathematics"})
    cell = Competency.objects.get(aspect=3, level=2)
    short = make_course(title="Short maths", subject=maths, estimated_hours=2, format=Course.Format.SELF_PACED)
    long = make_course(title="Long blended", estimated_hours=30, format=Course.Format.BLENDED, competencies=[cell])
    Course.objects.filter(pk=long.pk).update(enrolled_count=50)

    def titles(**params) -> list[str]:
        html = client.get("/en/courses/", params).content.decode()
        return re.findall(r'<h3><a href="[^"]+" dir="auto" lang="en">([^<]+)</a>', html)

    assert titles(subject="maths") == ["Short maths"]
    assert titles(duration="long") == ["Long blended"]
    assert titles(format="blended") == ["Long blended"]
    assert titles(aspect=3, level=2) == ["Long blended"]
    assert titles(sort="popular")[0] == "Long blended"
    assert titles(sort="newest")[0] == "Long blended"
    assert titles(q="nothing matches this") == []
    assert short.title in titles()


def test_catalogue_queries_do_not_grow_with_courses(client):
    client.force_login(UserFactory())
    for _ in range(2):
        make_course(modules=1, lessons=1)
    small = _queries(client, "/en/courses/")
    for _ in range(6):
        make_course(modules=1, lessons=1)
    assert _queries(client, "/en/courses/") == small


def _learner_with_courses(client, teacher, count: int, size: int) -> list[Course]:
    courses = [make_course(modules=size, lessons=size) for _ in range(count)]
    for course in courses:
        client.post(f"/en/learning/courses/{course.uuid}/enroll/")
        first = Activity.objects.filter(course=course).order_by("position").first()
        client.post(f"/en/learning/activities/{first.pk}/complete/")
    return courses


def test_course_lesson_and_dashboard_queries_do_not_grow(client):
    teacher = UserFactory()
    client.force_login(teacher)

    def measure(course: Course) -> tuple[int, int, int]:
        lesson = Activity.objects.filter(course=course).order_by("position").last()
        return (
            _queries(client, course.urls["en"]),
            _queries(client, lesson.urls["en"]),
            _queries(client, "/en/dashboard/"),
        )

    small = measure(_learner_with_courses(client, teacher, count=1, size=1)[-1])
    large = measure(_learner_with_courses(client, teacher, count=4, size=4)[-1])
    assert large == small, f"course, lesson, dashboard queries: {small} with little data, {large} with more"


def test_trainer_sees_participants_exports_csv_and_approves_requests(client, django_capture_on_commit_callbacks):
    trainer = UserFactory()
    role_grant(user=trainer, role=Role.TRAINER)
    course = make_course(trainers=[trainer], enrollment_mode=Course.EnrollmentMode.APPROVAL)
    learners = [UserFactory(full_name=name) for name in ("=HYPERLINK(1)", "Ольга", "أمينة")]
    client.force_login(learners[0])
    client.post(f"/en/learning/courses/{course.uuid}/enroll/")
    client.force_login(UserFactory())
    assert client.get(f"/en/learning/manage/{course.uuid}/participants/").status_code == 403

    client.force_login(trainer)
    add = client.post(
        f"/en/learning/manage/{course.uuid}/participants/add/", {"logins": f"{learners[1].email}\n{learners[2].email}"}
    )
    assert add.status_code == 302
    page = client.get(f"/en/learning/manage/{course.uuid}/participants/").content.decode()
    assert "Ольга" in page and "أمينة" in page and "Waiting for approval" in page

    pending = Enrollment.objects.get(user=learners[0], course=course)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/learning/manage/enrollments/{pending.pk}/decide/", {"decision": "approve"})
    pending.refresh_from_db()
    assert pending.status == "active"

    response = client.get(f"/en/learning/manage/{course.uuid}/participants/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Name"
    names = {row[0] for row in rows[1:]}
    assert names == {"'=HYPERLINK(1)", "Ольга", "أمينة"}  # the formula is neutralised


def test_adding_unknown_people_enrolls_nobody_and_says_who(client):
    trainer = UserFactory()
    role_grant(user=trainer, role=Role.TRAINER)
    course = make_course(trainers=[trainer])
    known = UserFactory()
    client.force_login(trainer)
    response = client.post(
        f"/en/learning/manage/{course.uuid}/participants/add/",
        {"logins": f"{known.email}, nobody@example.org"},
        follow=True,
    )
    assert "nobody@example.org" in response.content.decode()
    assert not Enrollment.objects.filter(course=course).exists()
