"""``/api/v1/teachers/``: an official finds the teachers of her country (or region), each with how many certificates
she has; one teacher with her certificates and competency profile; a teacher outside her scope is a 404 and leaves
nothing in the audit log; everyone without a geographic scope gets 403. Every call is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEntry, Country, Institution, Region
from certificates.models import Certificate
from lms.competencies.models import Competency
from lms.courses import services as course_services
from lms.courses.models import Enrollment
from tests.certificates.test_pages import make_certificate
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer

from .helpers import as_browser, as_system, error_of, queries, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def egypt():
    return Country.objects.get(code="EG")


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["full_name"] for item in response.json()["results"]]


def test_an_official_finds_teachers_of_her_country_only_with_their_certificate_counts(egypt):
    tunisia = Country.objects.get(code="TN")
    school = Institution.objects.create(country=egypt, name="Giza Experimental School")
    amina = UserFactory(full_name="Amina Yusuf", email="amina@example.org", national_teacher_id="EG-7781",
                        institution=school, country=egypt)  # fmt: skip
    make_certificate(amina, country=egypt)
    make_certificate(amina, country=egypt, status=Certificate.Status.REVOKED)
    make_certificate(amina, country=egypt, valid_until=timezone.localdate() - timedelta(days=1))
    UserFactory(full_name="Amina Ben Ali", country=tunisia)
    official = ministry_official(country=egypt, full_name="Official Person")
    client = as_system(official)

    for query in ("amina", "amina@example.org", "eg-7781", "giza"):
        assert names(client.get(url("teacher-list"), {"q": query})) == ["Amina Yusuf"], query
    item = client.get(url("teacher-list"), {"q": "amina"}).json()["results"][0]
    assert item == {
        "id": amina.pk,
        "full_name": "Amina Yusuf",
        "national_teacher_id": "EG-7781",
        "country": "EG",
        "region": None,
        "institution": "Giza Experimental School",
        "certificate_counts": {"total": 3, "valid": 1, "expired": 1, "revoked": 1},
    }
    assert names(client.get(url("teacher-list"))) == ["Amina Yusuf"]  # the official has no country of her own
    assert names(client.get(url("teacher-list"), {"q": "Ben Ali"})) == []


def test_a_regional_official_sees_only_her_region(egypt):
    cairo = Region.objects.create(country=egypt, name="Cairo")
    giza = Region.objects.create(country=egypt, name="Giza")
    UserFactory(full_name="Teacher In Cairo", country=egypt, region=cairo)
    elsewhere = UserFactory(full_name="Teacher In Giza", country=egypt, region=giza)
    client = as_system(ministry_official(country=egypt, region=cairo))
    assert names(client.get(url("teacher-list"), {"q": "teacher"})) == ["Teacher In Cairo"]
    assert client.get(url("teacher-detail", pk=elsewhere.pk)).status_code == 404


def test_a_teachers_record_has_her_certificates_and_profile_and_is_audited(egypt):
    teacher = UserFactory(full_name="Amina Yusuf", country=egypt)
    certificate = make_certificate(teacher, country=egypt)
    make_certificate(UserFactory(), snapshot={"learner_name": "Someone Else"})
    course = course_services.course_create(title="Assessment with digital tools")
    course.competencies.set(Competency.objects.filter(aspect=2, level=1))
    Enrollment.objects.create(
        user=teacher, course=course, status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    actor = ministry_official(country=egypt)

    response = as_system(actor).get(url("teacher-detail", pk=teacher.pk), headers={"Accept-Language": "ru"})
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Amina Yusuf" and body["certificate_counts"]["total"] == 1
    assert [item["code"] for item in body["certificates"]] == [certificate.code]
    assert body["certificates"][0]["title"] == "Обучение с цифровыми инструментами"
    assert "Someone Else" not in response.content.decode()
    [cell] = body["competency_profile"]
    assert (cell["aspect"], cell["level"]) == (2, 1)
    assert cell["courses"][0]["title"] == "Assessment with digital tools"
    entry = AuditEntry.objects.get(action="api.teacher")
    assert (entry.actor, entry.subject) == (actor, teacher)
    assert "Ministry information system" in entry.detail


@pytest.mark.parametrize("pk", ["stranger", "missing", "huge"])
def test_a_teacher_outside_the_scope_is_a_404_and_leaves_no_data(egypt, pk):
    stranger = UserFactory(full_name="Hidden Teacher", country=Country.objects.get(code="TN"))
    make_certificate(stranger, snapshot={"learner_name": "Hidden Teacher"})
    user_id = {"stranger": stranger.pk, "missing": stranger.pk + 1000, "huge": 10**30}[pk]
    response = as_system(ministry_official(country=egypt)).get(f"/api/v1/teachers/{user_id}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found" and "Hidden" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="api.teacher").exists()


@pytest.mark.parametrize("who", ["teacher", "trainer"])
def test_nobody_without_a_geographic_scope_reads_teachers(who, egypt):
    teacher = UserFactory(country=egypt)
    client = as_system(UserFactory(country=egypt) if who == "teacher" else make_trainer(country=egypt))
    for path in (url("teacher-list"), url("teacher-detail", pk=teacher.pk)):
        response = client.get(path)
        assert response.status_code == 403, path
        assert error_of(response)["code"] == "permission_denied"
    assert not AuditEntry.objects.exists()


def test_every_call_is_in_the_audit_log_with_the_system_that_made_it(egypt):
    actor = ministry_official(country=egypt)
    teacher = UserFactory(country=egypt)
    as_system(actor).get(url("teacher-list"), {"q": "amina", "page": 1})
    as_system(actor).get(url("teacher-list"))
    as_browser(actor).get(url("teacher-detail", pk=teacher.pk))
    listed = list(AuditEntry.objects.filter(action="api.teachers").order_by("pk"))
    assert [entry.actor for entry in listed] == [actor, actor]
    assert listed[0].detail.endswith("q=amina; page=1") and "Ministry information system" in listed[0].detail
    opened = AuditEntry.objects.get(action="api.teacher")
    assert opened.subject == teacher and opened.detail == "API session"


def test_the_list_and_a_record_read_a_fixed_number_of_queries(egypt):
    client = as_system(superuser())
    teacher = UserFactory(full_name="Teacher 0", country=egypt)
    make_certificate(teacher, country=egypt)
    one_list = queries(client, url("teacher-list"), {"q": "teacher"})
    one_record = queries(client, url("teacher-detail", pk=teacher.pk))
    school = Institution.objects.create(country=egypt, name="School")
    for number in range(1, 10):
        other = UserFactory(full_name=f"Teacher {number}", country=egypt, institution=school)
        make_certificate(other, country=egypt)
        make_certificate(teacher, country=egypt)
    assert queries(client, url("teacher-list"), {"q": "teacher"}) == one_list
    assert queries(client, url("teacher-detail", pk=teacher.pk)) == one_record


def test_a_search_that_is_too_long_is_a_400(egypt):
    response = as_system(ministry_official(country=egypt)).get(url("teacher-list"), {"q": "a" * 201})
    assert response.status_code == 400 and "q" in error_of(response)["fields"]
