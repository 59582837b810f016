"""Revocation, reissue after a name correction (asked for by the learner, decided by an administrator), the
administrators' certificate pages, and the scoped selector. An administrator is a superuser or a site
administrator, for the certificates of her partner site's country; nobody else changes a certificate."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from accounts.models import Country, PartnerSite, Region, Role
from accounts.scope import Scope
from accounts.services import role_grant
from certificates import selectors
from certificates.models import Certificate, NameCorrection, Rendition
from certificates.services import (
    CertificateError,
    certificate_issue_run,
    certificate_reissue,
    certificate_revoke,
    name_correction_decide,
    name_correction_request,
)
from tests.certificates.test_pages import make_certificate, signed_in, text, verify_url
from tests.core.test_pdf import pdf_text
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def egypt():
    return Country.objects.get(code="EG")


def site_admin(country: Country):
    user = UserFactory()
    partner = PartnerSite.objects.create(site=Site.objects.get(is_default_site=True), country=country)
    role_grant(user=user, role=Role.SITE_ADMINISTRATOR, partner_site=partner)
    return user


def issued(user=None, **fields) -> Certificate:
    """A certificate with its PDF rendered, as the issuing task leaves it."""
    certificate = make_certificate(user, **fields)
    certificate_issue_run(certificate.pk)
    return certificate


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"certificates:{name}", kwargs=kwargs)


# Revocation ---------------------------------------------------------------------------------------------------------


def test_revoking_shows_the_reason_on_verification_and_the_old_pdf_is_recognised_as_revoked(client, egypt):
    admin = superuser()
    certificate = issued(UserFactory(), country=egypt)
    rendition = certificate.renditions.get()

    certificate_revoke(certificate=certificate, by=admin, reason="Issued by mistake: the course was not finished.")

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED and certificate.revoked_by == admin
    assert certificate.revoked_at is not None
    page = text(client.get(verify_url(certificate), follow=True))
    assert "This certificate was revoked" in page
    assert "Issued by mistake: the course was not finished." in page
    with default_storage.open(rendition.file.name, "rb") as pdf:
        checked = client.post(url("lookup"), {"file": pdf}, follow=True)
    assert "This certificate was revoked" in text(checked)


def test_a_revocation_needs_a_reason_and_happens_once():
    admin = superuser()
    certificate = issued(UserFactory())
    with pytest.raises(CertificateError):
        certificate_revoke(certificate=certificate, by=admin, reason="  ")
    certificate_revoke(certificate=certificate, by=admin, reason="Fraud")
    with pytest.raises(CertificateError):
        certificate_revoke(certificate=certificate, by=admin, reason="Again")
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Fraud"


@pytest.mark.parametrize("who", ["learner", "trainer", "ministry official", "admin of another country"])
def test_only_its_administrators_revoke_a_certificate(who, egypt):
    learner = UserFactory()
    certificate = issued(learner, country=egypt)
    people = {
        "learner": lambda: learner,
        "trainer": make_trainer,
        "ministry official": lambda: ministry_official(country=egypt),
        "admin of another country": lambda: site_admin(Country.objects.get(code="TN")),
    }
    with pytest.raises(PermissionDenied):
        certificate_revoke(certificate=certificate, by=people[who](), reason="No")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_a_site_administrator_revokes_the_certificates_of_her_country(egypt):
    certificate = issued(UserFactory(), country=egypt)
    certificate_revoke(certificate=certificate, by=site_admin(egypt), reason="Duplicate")
    certificate.refresh_from_db()
    assert certificate.is_revoked


# Reissue after a name correction -----------------------------------------------------------------------------------


def test_a_learner_asks_for_a_correction_and_the_approved_reissue_has_the_new_name_and_the_old_pdf_still_verifies(
    client, django_capture_on_commit_callbacks
):
    learner = UserFactory(preferred_language="ru")
    certificate = issued(learner, language="ru", snapshot={"learner_name": "Юлия Петрова"})
    first = certificate.renditions.get()

    learner_client = signed_in(learner)
    form = learner_client.get(url("name-correction", "ru", certificate_uuid=certificate.uuid))
    assert form.status_code == 200 and "Юлия Петрова" in text(form)
    response = learner_client.post(
        url("name-correction", "ru", certificate_uuid=certificate.uuid),
        {"name": "Юлия Петрова-Смирнова", "name_latin": "Yulia Petrova-Smirnova", "note": "After marriage"},
    )
    assert response.status_code == 302
    correction = NameCorrection.objects.get(certificate=certificate)
    assert correction.status == NameCorrection.Status.PENDING

    admin = superuser()
    page = signed_in(admin).get(url("manage-detail", certificate_uuid=certificate.uuid))
    assert "Name correction asked" in text(page) and "Юлия Петрова-Смирнова" in text(page)
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(admin).post(
            url("manage-detail", certificate_uuid=certificate.uuid),
            {"action": "approve", "correction": correction.pk},
        )
    assert response.status_code == 302

    certificate.refresh_from_db()
    assert certificate.snapshot["learner_name"] == "Юлия Петрова-Смирнова"
    assert certificate.snapshot["learner_name_latin"] == "Yulia Petrova-Smirnova"
    current = certificate.renditions.get(is_current=True)
    assert current.pk != first.pk and current.reason == Rendition.Reason.REISSUE
    with default_storage.open(current.file.name, "rb") as pdf:
        assert "Юлия Петрова-Смирнова" in pdf_text(pdf.read())
    # The earlier PDF still verifies, as an earlier version of the same certificate.
    with default_storage.open(first.file.name, "rb") as pdf:
        checked = text(client.post(url("lookup"), {"file": pdf}, follow=True))
    assert "It is an earlier version of this certificate" in checked
    # She is told, in Russian.
    [notice] = [message for message in mail.outbox[before:] if message.to == [learner.email]]
    assert notice.extra_headers["Content-Language"] == "ru"
    with translation.override("ru"):
        assert "Юлия Петрова-Смирнова" in notice.body and notice.subject.startswith("Ваше имя исправлено")
    correction.refresh_from_db()
    assert correction.status == NameCorrection.Status.APPROVED and correction.decided_by == admin


def test_a_declined_correction_changes_nothing_and_tells_her(django_capture_on_commit_callbacks):
    learner = UserFactory()
    certificate = issued(learner)
    correction = name_correction_request(certificate=certificate, by=learner, name="Someone Else")
    with django_capture_on_commit_callbacks(execute=True):
        name_correction_decide(correction=correction, by=superuser(), approve=False)
    certificate.refresh_from_db()
    assert certificate.snapshot["learner_name"] == "Amina Yusuf"
    assert certificate.renditions.count() == 1
    assert any("was declined" in message.body for message in mail.outbox if message.to == [learner.email])
    with pytest.raises(CertificateError):
        name_correction_decide(correction=correction, by=superuser(), approve=True)


def test_asking_again_replaces_the_waiting_request_and_nobody_asks_for_someone_elses():
    learner = UserFactory()
    certificate = issued(learner)
    name_correction_request(certificate=certificate, by=learner, name="First Try")
    name_correction_request(certificate=certificate, by=learner, name="Second Try")
    assert list(NameCorrection.objects.values_list("name", flat=True)) == ["Second Try"]
    with pytest.raises(PermissionDenied):
        name_correction_request(certificate=certificate, by=UserFactory(), name="Hijack")
    other = signed_in(UserFactory())
    assert other.get(url("name-correction", certificate_uuid=certificate.uuid)).status_code == 404


def test_the_correction_form_keeps_what_she_typed_when_the_name_is_missing():
    learner = UserFactory()
    certificate = issued(learner)
    response = signed_in(learner).post(
        url("name-correction", certificate_uuid=certificate.uuid), {"name": "", "note": "My passport says so"}
    )
    assert response.status_code == 400
    assert "My passport says so" in text(response)
    assert not NameCorrection.objects.exists()


def test_a_revoked_certificate_is_not_reissued():
    certificate = issued(UserFactory())
    admin = superuser()
    certificate_revoke(certificate=certificate, by=admin, reason="Fraud")
    certificate.refresh_from_db()
    with pytest.raises(CertificateError):
        certificate_reissue(certificate=certificate, by=admin, name="New Name")


# The administrators' pages ----------------------------------------------------------------------------------------


def test_the_list_finds_a_certificate_by_code_name_or_email_within_her_country(egypt):
    tunisia = Country.objects.get(code="TN")
    amina = issued(UserFactory(email="amina@example.org"), country=egypt, snapshot={"learner_name": "Amina Yusuf"})
    issued(UserFactory(), country=egypt, snapshot={"learner_name": "Omar Said"})
    issued(UserFactory(), country=tunisia, snapshot={"learner_name": "Amina Ben Ali"})
    admin = signed_in(site_admin(egypt))

    for query in ("amina", "amina@example.org", amina.code.lower()):
        page = text(admin.get(url("manage"), {"q": query}))
        assert "Amina Yusuf" in page and "Omar Said" not in page and "Amina Ben Ali" not in page, query
    assert "No certificate matches your search." in text(admin.get(url("manage"), {"q": "nobody"}))


def test_the_list_reads_a_fixed_number_of_queries():
    admin = signed_in(superuser())
    issued(UserFactory())
    admin.get(url("manage"))
    with CaptureQueriesContext(connection) as one:
        admin.get(url("manage"))
    for _ in range(5):
        issued(UserFactory())
    with CaptureQueriesContext(connection) as six:
        admin.get(url("manage"))
    assert len(six) == len(one)


@pytest.mark.parametrize("who", ["learner", "trainer", "ministry official"])
def test_the_pages_are_closed_to_everyone_else(who, egypt):
    learner = UserFactory()
    certificate = issued(learner, country=egypt)
    people = {
        "learner": lambda: learner,
        "trainer": make_trainer,
        "ministry official": lambda: ministry_official(country=egypt),
    }
    client = signed_in(people[who]())
    assert client.get(url("manage")).status_code == 403
    assert client.get(url("manage-detail", certificate_uuid=certificate.uuid)).status_code == 404
    response = client.post(url("manage-detail", certificate_uuid=certificate.uuid), {"action": "revoke", "reason": "x"})
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_revoking_from_the_page_in_arabic(egypt):
    certificate = issued(UserFactory(), country=egypt)
    admin = signed_in(site_admin(egypt))
    empty = admin.post(
        url("manage-detail", "ar", certificate_uuid=certificate.uuid), {"action": "revoke", "reason": ""}
    )
    assert empty.status_code == 400
    response = admin.post(
        url("manage-detail", "ar", certificate_uuid=certificate.uuid),
        {"action": "revoke", "reason": "صدرت بالخطأ"},
        follow=True,
    )
    page = text(response)
    assert 'dir="rtl"' in page and "صدرت بالخطأ" in page
    with translation.override("ar"):
        from django.utils.translation import gettext

        assert gettext("The certificate is revoked. Its verification page says so.") in page
    certificate.refresh_from_db()
    assert certificate.is_revoked


# The scoped selector (for reports) ---------------------------------------------------------------------------------


def test_the_scoped_selector_lists_the_certificates_of_the_countries_and_regions_in_scope(egypt):
    tunisia = Country.objects.get(code="TN")
    region = Region.objects.create(country=egypt, name="Cairo")
    cairo = make_certificate(UserFactory(), country=egypt, region=region)
    elsewhere_in_egypt = make_certificate(UserFactory(), country=egypt)
    tunis = make_certificate(UserFactory(), country=tunisia)

    assert set(selectors.certificates_in_scope(Scope(country_ids=frozenset({egypt.pk})))) == {cairo, elsewhere_in_egypt}
    assert list(selectors.certificates_in_scope(Scope(region_ids=frozenset({(egypt.pk, region.pk)})))) == [cairo]
    assert set(selectors.certificates_in_scope(Scope(everything=True))) == {cairo, elsewhere_in_egypt, tunis}
    assert not selectors.certificates_in_scope(Scope()).exists()
