"""``/api/v1/certificates/``: an official lists the certificates of her country (or region) and nothing else; a
trainer those of her own courses; a teacher none (403). Filters narrow the list, pages have a maximum size, the
number of queries does not grow with the rows, and officials' reads are in the audit log.

``/api/v1/certificates/verify/<code>/``: what the public verification page says, to anyone, rate-limited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry, Country, Region
from certificates.codes import code_display, new_code
from certificates.models import Certificate
from lms.courses import services as course_services
from tests.certificates.test_pages import make_certificate
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer

from .helpers import as_system, error_of, queries, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def egypt():
    return Country.objects.get(code="EG")


@pytest.fixture
def tunisia():
    return Country.objects.get(code="TN")


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


def test_an_official_lists_the_certificates_of_her_country_and_never_anothers(egypt, tunisia):
    amina = UserFactory(full_name="Amina Yusuf", country=egypt)
    egyptian = make_certificate(amina, country=egypt)
    tunisian = make_certificate(UserFactory(country=tunisia), country=tunisia, snapshot={"learner_name": "Hidden"})

    response = as_system(ministry_official(country=egypt)).get(url("certificate-list"))
    assert codes(response) == [egyptian.code]
    item = response.json()["results"][0]
    assert item["teacher"] == amina.pk and item["country"] == "EG" and item["state"] == "valid"
    assert item["learner_name"] == "Amina Yusuf" and item["title"] == "Teaching with digital tools"
    assert item["verify_url"] == f"http://testserver/verify/{egyptian.code}/"
    assert "Hidden" not in response.content.decode()
    assert codes(as_system(ministry_official(country=tunisia)).get(url("certificate-list"))) == [tunisian.code]
    assert set(codes(as_system(superuser()).get(url("certificate-list")))) == {egyptian.code, tunisian.code}


def test_a_regional_official_lists_her_region_only(egypt):
    cairo = Region.objects.create(country=egypt, name="Cairo")
    giza = Region.objects.create(country=egypt, name="Giza")
    mine = make_certificate(UserFactory(), country=egypt, region=cairo)
    make_certificate(UserFactory(), country=egypt, region=giza)
    make_certificate(UserFactory(), country=egypt)
    response = as_system(ministry_official(country=egypt, region=cairo)).get(url("certificate-list"))
    assert codes(response) == [mine.code]
    assert response.json()["results"][0]["region"] == "Cairo"


def test_a_trainer_lists_the_certificates_of_her_own_courses_only(egypt):
    trainer = make_trainer()
    course = course_services.course_create(title="Digital assessment")
    course.trainers.add(trainer)
    hers = Certificate.objects.create(
        user=UserFactory(), subject_key=course.subject_key, snapshot={"learner_name": "Her learner"}, language="en"
    )
    make_certificate(UserFactory(), country=egypt)
    response = as_system(trainer).get(url("certificate-list"))
    assert codes(response) == [hers.code]
    assert not AuditEntry.objects.exists()  # a trainer's own learners, as on her certificates page


@pytest.mark.parametrize("who", ["teacher", "nobody"])
def test_a_teacher_may_not_list_certificates(who, egypt):
    make_certificate(UserFactory(country=egypt), country=egypt)
    client = as_system(UserFactory(country=egypt)) if who == "teacher" else Client()
    response = client.get(url("certificate-list"))
    assert response.status_code == (403 if who == "teacher" else 401)
    assert error_of(response)["code"] == ("permission_denied" if who == "teacher" else "not_authenticated")


def test_filters_by_state_issue_period_and_course(egypt):
    course = course_services.course_create(title="Digital assessment")
    today = timezone.localdate()
    valid = make_certificate(UserFactory(), country=egypt, issued_at=datetime(2026, 3, 10, 23, 30, tzinfo=UTC))
    Certificate.objects.filter(pk=valid.pk).update(subject_key=course.subject_key)
    expired = make_certificate(UserFactory(), country=egypt, valid_until=today - timedelta(days=1),
                               issued_at=datetime(2026, 3, 11, 0, 30, tzinfo=UTC))  # fmt: skip
    revoked = make_certificate(UserFactory(), country=egypt, status=Certificate.Status.REVOKED,
                               revoked_reason="Issued by mistake",
                               issued_at=datetime(2026, 5, 1, tzinfo=UTC))  # fmt: skip
    official = as_system(ministry_official(country=egypt))

    def listed(**params):
        return set(codes(official.get(url("certificate-list"), params)))

    assert listed(status="valid") == {valid.code}
    assert listed(status="expired") == {expired.code}
    assert listed(status="revoked") == {revoked.code}
    assert listed(issued_after="2026-03-11") == {expired.code, revoked.code}
    assert listed(issued_before="2026-03-10") == {valid.code}
    assert listed(issued_after="2026-03-11", issued_before="2026-03-11") == {expired.code}
    assert listed(course=str(course.uuid)) == {valid.code}
    assert listed(issued_before="9999-12-31") == {valid.code, expired.code, revoked.code}
    item = official.get(url("certificate-list"), {"status": "revoked"}).json()["results"][0]
    assert item["state"] == "revoked" and item["revoked_reason"] == "Issued by mistake"


@pytest.mark.parametrize(
    ("param", "value"), [("status", "maybe"), ("issued_after", "yesterday"), ("course", "not-a-uuid")]
)
def test_a_filter_that_is_not_valid_is_a_400_naming_it(egypt, param, value):
    response = as_system(ministry_official(country=egypt)).get(url("certificate-list"), {param: value})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid" and param in error["fields"]
    assert not AuditEntry.objects.exists()


def test_pages_have_a_maximum_size(egypt):
    Certificate.objects.bulk_create(
        Certificate(
            user=None,
            subject_key=f"course:{number}",
            snapshot={},
            language="en",
            country=egypt,
            code=new_code(),
            issued_at=timezone.now() - timedelta(minutes=number),
        )
        for number in range(205)
    )
    official = as_system(ministry_official(country=egypt))
    first = official.get(url("certificate-list")).json()
    assert first["count"] == 205 and len(first["results"]) == 50 and first["previous"] is None
    assert first["next"].endswith("/api/v1/certificates/?page=2")
    page = official.get(url("certificate-list"), {"page_size": 1000}).json()
    assert len(page["results"]) == 200 and page["next"]
    last = official.get(url("certificate-list"), {"page_size": 100, "page": 3}).json()
    assert len(last["results"]) == 5 and last["next"] is None
    beyond = official.get(url("certificate-list"), {"page": 99})
    assert beyond.status_code == 404 and error_of(beyond)["code"] == "not_found"


def test_the_list_reads_a_fixed_number_of_queries(egypt):
    official = as_system(ministry_official(country=egypt))
    make_certificate(UserFactory(), country=egypt)
    one = queries(official, url("certificate-list"))
    for _ in range(9):
        make_certificate(
            UserFactory(), country=egypt, region=Region.objects.get_or_create(country=egypt, name="Giza")[0]
        )
    assert queries(official, url("certificate-list")) == one


def test_an_officials_list_is_in_the_audit_log(egypt):
    actor = ministry_official(country=egypt)
    as_system(actor).get(url("certificate-list"), {"status": "valid", "page": 1})
    entry = AuditEntry.objects.get(action="api.certificates")
    assert entry.actor == actor
    assert "Ministry information system" in entry.detail and "status=valid" in entry.detail


# Verification -------------------------------------------------------------------------------------------------------


def test_anyone_verifies_a_code_and_learns_what_the_public_page_says(egypt):
    learner = UserFactory(full_name="Amina Yusuf", email="amina@example.org", country=egypt)
    certificate = make_certificate(learner, country=egypt, valid_until=date(2030, 1, 1))
    typed = code_display(certificate.code).lower()
    response = Client().get(url("certificate-verify", code=typed), headers={"Accept-Language": "ru"})
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == certificate.code and body["state"] == "valid"
    assert body["learner_name"] == "Amina Yusuf" and body["title"] == "Обучение с цифровыми инструментами"
    assert body["valid_until"] == "2030-01-01" and body["competencies"][0]["code"] == "3.1"
    assert not {"teacher", "uuid", "country", "region", "subject_key"} & set(body)
    assert "amina@example.org" not in response.content.decode() and str(learner.pk) not in body.values()


def test_a_revoked_certificate_says_so(egypt):
    certificate = make_certificate(
        UserFactory(), status=Certificate.Status.REVOKED, revoked_at=timezone.now(), revoked_reason="Fraud"
    )
    body = Client().get(url("certificate-verify", code=certificate.code)).json()
    assert body["state"] == "revoked" and body["revoked_reason"] == "Fraud"


@pytest.mark.parametrize("code", ["0000-0000-0000-0000-0000-00", "nonsense", "x" * 500])
def test_an_unknown_code_is_a_404_in_the_error_format(code):
    make_certificate(UserFactory())
    response = Client().get(url("certificate-verify", code=code))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_verification_is_rate_limited(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "user": "100/m", "anon": "100/m", "verify": "3/10m"}}  # fmt: skip
    certificate = make_certificate(UserFactory())
    client = Client()
    for _ in range(3):
        assert client.get(url("certificate-verify", code=certificate.code)).status_code == 200
    response = client.get(url("certificate-verify", code=certificate.code))
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert 500 <= int(response.headers["Retry-After"]) <= 600
    # Another client (by address) still verifies; a signed-in one is counted on her own.
    assert Client(REMOTE_ADDR="10.0.0.9").get(url("certificate-verify", code=certificate.code)).status_code == 200
    assert as_system(UserFactory()).get(url("certificate-verify", code=certificate.code)).status_code == 200
