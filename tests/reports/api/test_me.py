"""``/api/v1/me/...``: anyone signed in (or her system, with her token) reads her own enrollments with progress and her
own certificates, never anyone else's."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.utils import timezone

from lms.courses import services as course_services
from lms.courses.models import Activity, ActivityProgress, Enrollment
from tests.certificates.test_pages import add_rendition, fake_pdf, make_certificate
from tests.factories.accounts import UserFactory

from .helpers import as_browser, as_system, error_of, queries, url

pytestmark = pytest.mark.django_db


def course_with_steps(title: str, steps: int = 2):
    course = course_services.course_create(title=title)
    activities = [
        Activity.objects.create(course=course, translation_key=uuid.uuid4(), position=number, titles={"en": title})
        for number in range(steps)
    ]
    return course, activities


def test_my_enrollments_with_progress_and_nobody_elses():
    learner = UserFactory()
    halfway, steps = course_with_steps("Halfway course")
    enrollment = Enrollment.objects.create(user=learner, course=halfway)
    ActivityProgress.objects.create(enrollment=enrollment, activity=steps[0])
    finished, _ = course_with_steps("Finished course")
    Enrollment.objects.create(
        user=learner, course=finished, status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    left, _ = course_with_steps("Course she left")
    Enrollment.objects.create(user=learner, course=left, status=Enrollment.Status.WITHDRAWN)
    Enrollment.objects.create(user=UserFactory(), course=course_with_steps("Someone else's")[0])

    response = as_system(learner).get(url("my-enrollments"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = {row["course"]["title"]: row for row in body["results"]}
    assert set(rows) == {"Halfway course", "Finished course"}
    assert rows["Halfway course"]["progress"] == {"percent": 50, "done": 1, "required": 2}
    assert rows["Halfway course"]["completed"] is False and rows["Halfway course"]["status"] == "active"
    assert rows["Finished course"]["progress"]["percent"] == 100 and rows["Finished course"]["completed"] is True
    assert rows["Halfway course"]["course"]["uuid"] == str(halfway.uuid)


def test_my_certificates_with_their_downloads_and_nobody_elses():
    learner = UserFactory()
    ready = make_certificate(learner)
    add_rendition(ready, fake_pdf("ready"))
    pending = make_certificate(learner)
    make_certificate(UserFactory(), snapshot={"learner_name": "Someone Else"})

    response = as_browser(learner).get(url("my-certificates"))
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert set(rows) == {ready.code, pending.code}
    assert rows[ready.code]["has_pdf"] is True
    assert rows[ready.code]["download_url"] == f"http://testserver/en/certificates/{ready.uuid}/download/"
    assert rows[pending.code]["has_pdf"] is False and rows[pending.code]["download_url"] is None
    assert "Someone Else" not in response.content.decode()


@pytest.mark.parametrize("name", ["my-enrollments", "my-certificates"])
def test_anonymous_callers_get_a_401(name):
    response = Client().get(url(name))
    assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"


def test_my_lists_read_a_fixed_number_of_queries():
    learner = UserFactory()
    client = as_system(learner)
    course, steps = course_with_steps("Course 0")
    enrollment = Enrollment.objects.create(user=learner, course=course)
    ActivityProgress.objects.create(enrollment=enrollment, activity=steps[0])
    make_certificate(learner)
    one = (queries(client, url("my-enrollments")), queries(client, url("my-certificates")))
    for number in range(1, 8):
        course, steps = course_with_steps(f"Course {number}")
        enrollment = Enrollment.objects.create(user=learner, course=course)
        ActivityProgress.objects.create(enrollment=enrollment, activity=steps[0])
        add_rendition(make_certificate(learner), fake_pdf(str(number)))
    assert (queries(client, url("my-enrollments")), queries(client, url("my-certificates"))) == one
