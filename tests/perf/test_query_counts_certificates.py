"""Query counts of the certificate pages not counted in tests/certificates: the verification page and the
lookup form, a certificate's page for its administrator, a name correction, and the list as a site
administrator, a ministry official and a trainer see it."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from accounts.models import Country, PartnerSite, Role
from accounts.services import role_grant
from certificates.models import NameCorrection
from lms.courses import services as course_services
from tests.certificates.test_pages import add_rendition, fake_pdf, make_certificate
from tests.factories.accounts import UserFactory
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer

from .helpers import assert_constant, count_queries, signed_in

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


@pytest.fixture
def egypt():
    return Country.objects.get(code="EG")


def site_admin(country: Country):
    user = UserFactory()
    partner = PartnerSite.objects.create(site=Site.objects.get(is_default_site=True), country=country)
    role_grant(user=user, role=Role.SITE_ADMINISTRATOR, partner_site=partner)
    return user


def _renditions(certificate, count: int) -> None:
    for _ in range(count):
        add_rendition(certificate, fake_pdf(str(next(_numbers))), is_current=False)


def test_the_verification_page_of_a_reissued_certificate():
    certificate = make_certificate(UserFactory())
    address = reverse("certificates:verify", kwargs={"code": certificate.code})
    assert_constant(Client(), address, lambda count: _renditions(certificate, count))


def test_a_certificates_page_for_its_administrator(egypt):
    learner = UserFactory(country=egypt)
    certificate = make_certificate(learner, country=egypt)
    NameCorrection.objects.create(certificate=certificate, name="Amina Y.")
    admin = site_admin(egypt)

    def grow(count: int) -> None:
        _renditions(certificate, count)
        for number in range(count):
            NameCorrection.objects.create(
                certificate=certificate,
                name=f"Amina {number}",
                status=NameCorrection.Status.DECLINED,  # at most one is pending (a constraint)
                decided_by=superuser(),
            )

    address = reverse("certificates:manage-detail", kwargs={"certificate_uuid": certificate.uuid})
    assert_constant(signed_in(admin), address, grow)


def test_her_name_correction_page():
    learner = UserFactory()
    certificate = make_certificate(learner)
    address = reverse("certificates:name-correction", kwargs={"certificate_uuid": certificate.uuid})
    assert_constant(signed_in(learner), address, lambda count: _renditions(certificate, count))


@pytest.mark.parametrize("who", ["site administrator", "trainer"])
def test_the_list_as_an_administrator_and_as_a_trainer(egypt, who):
    coach = make_trainer()
    course = course_services.course_create(title="Digital tools", trainers=[coach])
    viewer = site_admin(egypt) if who == "site administrator" else coach

    def grow(count: int) -> None:
        for number in range(count):
            learner = UserFactory(country=egypt)
            certificate = make_certificate(learner, country=egypt)
            certificate.subject_key = course.subject_key  # a certificate of her course
            certificate.save(update_fields=["subject_key"])
            add_rendition(certificate, fake_pdf(str(next(_numbers))))
            if number % 2:
                NameCorrection.objects.create(certificate=certificate, name="Amina")

    assert_constant(signed_in(viewer), reverse("certificates:manage"), grow)


def test_the_lookup_and_batch_forms_do_not_read_certificates(egypt):
    official = UserFactory()
    role_grant(user=official, role=Role.MINISTRY_OFFICIAL, country=egypt)
    client = signed_in(official)
    before = (
        count_queries(client, reverse("certificates:lookup")),
        count_queries(client, reverse("certificates:batch-check")),
    )
    for _ in range(5):
        make_certificate(UserFactory(country=egypt), country=egypt)
    assert (
        count_queries(client, reverse("certificates:lookup")),
        count_queries(client, reverse("certificates:batch-check")),
    ) == before
