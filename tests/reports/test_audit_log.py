"""Site administrators read the audit log of their partner site's country: who searched the registry, opened a
teacher's record or exported teachers. Ministry officials, trainers and teachers cannot; another country's entries
never show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.audit import audit_record
from accounts.models import Country, PartnerSite, Role
from accounts.services import role_grant
from tests.certificates.test_pages import signed_in, text
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser

pytestmark = pytest.mark.django_db


def site_administrator(country: Country):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    partner = PartnerSite.objects.create(site=site, country=country)
    user = UserFactory()
    role_grant(user=user, role=Role.SITE_ADMINISTRATOR, partner_site=partner)
    return user


def test_a_site_administrator_reads_her_countrys_entries_only():
    egypt, tunisia = Country.objects.get(code="EG"), Country.objects.get(code="TN")
    egyptian = ministry_official(country=egypt, full_name="Official of Egypt")
    tunisian = ministry_official(country=tunisia, full_name="Official of Tunisia")
    teacher = UserFactory(country=egypt, full_name="Amina Yusuf")
    audit_record(actor=egyptian, action="registry.search", detail="amina")
    audit_record(actor=egyptian, action="registry.teacher", subject=teacher)
    audit_record(actor=tunisian, action="registry.search", detail="salma")
    client = signed_in(site_administrator(egypt))

    page = text(client.get(reverse("reports:audit-log")))
    assert "Official of Egypt" in page and "Amina Yusuf" in page and "amina" in page
    assert "Official of Tunisia" not in page and "salma" not in page
    only_searches = text(client.get(reverse("reports:audit-log"), {"action": "registry.search"}))
    assert "amina" in only_searches and "Amina Yusuf" not in only_searches
    everything = text(signed_in(superuser()).get(reverse("reports:audit-log")))
    assert "salma" in everything and "amina" in everything


@pytest.mark.parametrize("who", ["official", "teacher"])
def test_officials_and_teachers_cannot_read_it(who):
    egypt = Country.objects.get(code="EG")
    user = ministry_official(country=egypt) if who == "official" else UserFactory(country=egypt)
    assert signed_in(user).get(reverse("reports:audit-log")).status_code == 403
