"""Query counts of the ministries' pages not counted in tests/reports: a teacher's record in the registry, the
audit log and the exports page. (The dashboard, the registry search, the exports and the API lists are counted
in tests/reports.)"""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from accounts.audit import audit_record
from accounts.models import Country, PartnerSite, Role
from accounts.services import role_grant
from certificates.models import Certificate, Rendition
from core.models import Job
from lms.competencies.models import Competency
from lms.courses import services as course_services
from lms.courses.models import Enrollment
from lms.reports.exports import EXPORT_TASK
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official

from .helpers import assert_constant, signed_in

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def counts_refreshed_by_the_tests(settings):
    settings.REPORTS_REFRESH_ON_COMMIT = False


@pytest.fixture
def egypt():
    return Country.objects.get(code="EG")


def test_a_teachers_record_with_more_courses_and_certificates(egypt):
    teacher = UserFactory(country=egypt)
    cells = list(Competency.objects.order_by("pk"))

    def grow(count: int) -> None:
        for _ in range(count):
            number = next(_numbers)
            course = course_services.course_create(title=f"Course {number}")
            course.competencies.set(cells[number % len(cells) : number % len(cells) + 2])
            Enrollment.objects.create(
                user=teacher, course=course, status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
            )
            certificate = Certificate.objects.create(
                user=teacher,
                subject_key=course.subject_key,
                language="en",
                country=egypt,
                snapshot={"kind": "course", "titles": {"en": course.title}},
            )
            Rendition.objects.create(
                certificate=certificate, file=f"certificates/pdf/{number}.pdf", sha256=f"{number:064x}"
            )

    address = reverse("reports:registry-teacher", kwargs={"user_id": teacher.pk})
    assert_constant(signed_in(ministry_official(country=egypt)), address, grow)


@pytest.mark.parametrize("action", ["", "registry.teacher"])
def test_the_audit_log(egypt, action):
    partner = PartnerSite.objects.create(site=Site.objects.get(is_default_site=True), country=egypt)
    admin = UserFactory(country=egypt)
    role_grant(user=admin, role=Role.SITE_ADMINISTRATOR, partner_site=partner)

    def grow(count: int) -> None:
        for _ in range(count):
            official = ministry_official(country=egypt)
            audit_record(actor=official, action="registry.teacher", subject=UserFactory(country=egypt))
            audit_record(actor=official, action="registry.search", detail="amina")

    assert_constant(signed_in(admin), reverse("reports:audit-log"), grow, params={"action": action} if action else None)


def test_the_exports_page_with_her_latest_exports(egypt):
    official = ministry_official(country=egypt)

    def grow(count: int) -> None:
        for _ in range(count):
            Job.objects.create(owner_id=official.pk, task_name=EXPORT_TASK, kwargs={})

    assert_constant(signed_in(official), reverse("reports:exports"), grow)
