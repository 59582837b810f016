"""A trainer's certificates: she sees (and downloads as a zip) the certificates of the courses and workshops she
teaches, and nobody else's; she does not revoke, reissue or re-render them. ``certificates`` learns which subjects
are hers from ``lms`` (``certificates.subjects``)."""

from __future__ import annotations

import pytest

from certificates.models import Certificate
from certificates.selectors import certificates_visible_to
from lms.courses import services as course_services
from tests.certificates.test_bulk import archive_of, download, export
from tests.certificates.test_pages import make_certificate, signed_in, text
from tests.certificates.test_revocation import issued, url
from tests.factories.accounts import UserFactory
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory

pytestmark = pytest.mark.django_db


def test_a_trainer_lists_and_downloads_the_certificates_of_what_she_teaches_and_changes_none(
    django_capture_on_commit_callbacks,
):
    layla = make_trainer()
    course = course_services.course_create(title="Digital assessment")
    course.trainers.add(layla)
    workshop = EventFactory()
    workshop.trainers.set([layla])
    mine = issued(UserFactory(), snapshot={"learner_name": "Course Learner"})
    Certificate.objects.filter(pk=mine.pk).update(subject_key=course.subject_key)
    at_workshop = make_certificate(UserFactory(), snapshot={"learner_name": "Workshop Learner"})
    Certificate.objects.filter(pk=at_workshop.pk).update(subject_key=f"event:{workshop.uuid}")
    make_certificate(UserFactory(), snapshot={"learner_name": "Someone Elses Learner"})

    assert set(certificates_visible_to(layla)) == {mine, at_workshop}
    client = signed_in(layla)
    page = text(client.get(url("manage")))
    assert "Course Learner" in page and "Workshop Learner" in page and "Someone Elses Learner" not in page
    assert url("manage-detail", certificate_uuid=mine.uuid) not in page  # she does not administer them
    assert url("bulk-rerender") not in page and url("template-list") not in page
    assert client.get(url("manage-detail", certificate_uuid=mine.uuid)).status_code == 404
    assert client.get(url("bulk-rerender")).status_code == 403

    job = export(client, django_capture_on_commit_callbacks, q="", status="")
    names = archive_of(download(client, job)).namelist()
    assert sorted(names) == sorted([f"{mine.code}.pdf", "certificates.csv"])  # the workshop one has no PDF yet


def test_a_trainer_who_teaches_nothing_has_no_list():
    assert signed_in(make_trainer()).get(url("manage")).status_code == 403
