"""The certificate registry for ministries: an official finds teachers of her own country (or region) only, sees
each one's certificates and competency profile, and every search and every teacher she opens is in the audit log.
Anyone without a geographic scope has no registry; a teacher outside the scope is a 404, never data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuditEntry, Country, Institution, Region
from lms.competencies.models import Competency
from lms.courses import services as course_services
from lms.courses.models import Enrollment
from tests.certificates.test_pages import make_certificate, signed_in, text
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"reports:{name}", kwargs=kwargs)


@pytest.fixture
def egypt():
    return Country.objects.get(code="EG")


def test_an_official_finds_teachers_of_her_country_by_name_email_id_or_school_and_nothing_else(egypt):
    tunisia = Country.objects.get(code="TN")
    school = Institution.objects.create(country=egypt, name="Giza Experimental School")
    amina = UserFactory(full_name="Amina Yusuf", email="amina@example.org", national_teacher_id="EG-7781",
                        institution=school, country=egypt)  # fmt: skip
    UserFactory(full_name="Amina Ben Ali", country=tunisia)
    official = signed_in(ministry_official(country=egypt))

    for query in ("amina", "amina@example.org", "eg-7781", "giza"):
        page = text(official.get(url("registry"), {"q": query}))
        assert "Amina Yusuf" in page and "Amina Ben Ali" not in page, query
    assert "No teacher in your scope matches your search." in text(official.get(url("registry"), {"q": "nobody"}))
    assert AuditEntry.objects.filter(action="registry.search").count() == 5
    assert amina.pk  # found above


def test_a_regional_official_sees_only_her_region(egypt):
    cairo = Region.objects.create(country=egypt, name="Cairo")
    giza = Region.objects.create(country=egypt, name="Giza")
    UserFactory(full_name="Teacher In Cairo", country=egypt, region=cairo)
    elsewhere = UserFactory(full_name="Teacher In Giza", country=egypt, region=giza)
    official = signed_in(ministry_official(country=egypt, region=cairo))
    page = text(official.get(url("registry"), {"q": "teacher"}))
    assert "Teacher In Cairo" in page and "Teacher In Giza" not in page
    assert official.get(url("registry-teacher", user_id=elsewhere.pk)).status_code == 404


def test_a_teachers_page_shows_her_certificates_and_is_audited(egypt):
    teacher = UserFactory(full_name="Amina Yusuf", country=egypt)
    certificate = make_certificate(teacher, country=egypt)
    make_certificate(UserFactory(), snapshot={"learner_name": "Someone Else"})
    actor = ministry_official(country=egypt)

    with translation.override("ru"):
        page = text(signed_in(actor).get(url("registry-teacher", "ru", user_id=teacher.pk)))
    assert "Amina Yusuf" in page and "Обучение с цифровыми инструментами" in page
    assert certificate.code in page and "Someone Else" not in page
    entry = AuditEntry.objects.get(action="registry.teacher")
    assert (entry.actor, entry.subject) == (actor, teacher)


def test_a_teacher_of_another_country_is_a_404_and_leaves_no_data(egypt):
    stranger = UserFactory(full_name="Hidden Teacher", country=Country.objects.get(code="TN"))
    response = signed_in(ministry_official(country=egypt)).get(url("registry-teacher", user_id=stranger.pk))
    assert response.status_code == 404 and "Hidden Teacher" not in text(response)
    assert not AuditEntry.objects.filter(subject=stranger).exists()


@pytest.mark.parametrize("who", ["learner", "trainer"])
def test_nobody_without_a_scope_has_a_registry(who, egypt):
    teacher = UserFactory(country=egypt)
    client = signed_in(UserFactory() if who == "learner" else make_trainer())
    assert client.get(url("registry"), {"q": "a"}).status_code == 403
    assert client.get(url("registry-teacher", user_id=teacher.pk)).status_code == 403


def test_the_search_reads_a_fixed_number_of_queries(egypt):
    official = signed_in(superuser())
    UserFactory(full_name="Teacher 0", country=egypt)
    official.get(url("registry"), {"q": "teacher"})
    with CaptureQueriesContext(connection) as one:
        official.get(url("registry"), {"q": "teacher"})
    for number in range(1, 8):
        UserFactory(full_name=f"Teacher {number}", country=egypt)
    with CaptureQueriesContext(connection) as eight:
        official.get(url("registry"), {"q": "teacher"})
    assert len(eight) == len(one)


def test_her_dashboard_leads_to_the_registry_and_the_batch_check(egypt):
    page = text(signed_in(ministry_official(country=egypt)).get(reverse("courses:dashboard")))
    assert url("registry") in page and reverse("certificates:batch-check") in page
    assert url("registry") not in text(signed_in(UserFactory()).get(reverse("courses:dashboard")))


def test_a_teachers_page_shows_the_cells_her_completed_courses_evidence(egypt):
    teacher = UserFactory(country=egypt)
    course = course_services.course_create(title="Assessment with digital tools")
    course.competencies.set(Competency.objects.filter(aspect=2, level=1))
    Enrollment.objects.create(
        user=teacher, course=course, status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    page = text(signed_in(superuser()).get(url("registry-teacher", user_id=teacher.pk)))
    assert page.count("cell--evidenced") == 1 and "Assessment with digital tools" in page
