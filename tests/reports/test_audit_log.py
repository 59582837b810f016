"""Site administrators read the audit log of their partner site's country: who searched the registry, opened a
teacher's record or exported teachers. Ministry officials, trainers and teachers cannot; another country's entries
never show. Each entry carries the countries it concerns (its actor's roles', its subject's), written with it, and the
log of a country is read from those (``lms.reports.selectors.audit_entries_in_scope``)."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from accounts.audit import audit_record
from accounts.models import AuditEntryCountry, Country, PartnerSite, Role
from accounts.selectors import scope_for
from accounts.services import role_grant
from lms.reports import selectors
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


# The selector: each entry carries the countries it concerns, written with it ------------------------------------------


def _seen(scope, **kw) -> list:
    return list(selectors.audit_entries_in_scope(scope, **kw))


@pytest.fixture
def two_countries():
    return Country.objects.get(code="EG"), Country.objects.get(code="TN")


def test_an_entry_by_an_official_is_seen_in_her_country_only(two_countries):
    egypt, tunisia = two_countries
    egyptian, tunisian = ministry_official(country=egypt), ministry_official(country=tunisia)
    search = audit_record(actor=egyptian, action="registry.search", detail="amina")

    assert _seen(scope_for(egyptian)) == [search]
    assert _seen(scope_for(tunisian)) == []
    assert _seen(scope_for(site_administrator(egypt))) == [search]


def test_an_entry_about_a_teacher_is_seen_in_her_country(two_countries):
    egypt, tunisia = two_countries
    egyptian, tunisian = ministry_official(country=egypt), ministry_official(country=tunisia)
    # An Egyptian official who also looks after Tunisian teachers, say at a regional hub: both countries see it.
    looked_up = audit_record(actor=egyptian, action="registry.teacher", subject=UserFactory(country=tunisia))

    assert _seen(scope_for(tunisian)) == [looked_up]
    assert _seen(scope_for(egyptian)) == [looked_up]
    assert set(AuditEntryCountry.objects.filter(entry=looked_up).values_list("country__code", flat=True)) == {
        "EG",
        "TN",
    }


def test_newest_first_counted_and_filtered_by_action(two_countries):
    egypt, tunisia = two_countries
    egyptian = ministry_official(country=egypt)
    scope = scope_for(egyptian)
    entries = [
        audit_record(actor=egyptian, action=("registry.teacher", "registry.search")[n % 2], subject=teacher)
        for n, teacher in enumerate(UserFactory.create_batch(5, country=egypt))
    ]
    audit_record(actor=ministry_official(country=tunisia), action="registry.search")

    assert _seen(scope) == entries[::-1]
    assert selectors.audit_entries_in_scope(scope).count() == 5
    teachers = selectors.audit_entries_in_scope(scope, action="registry.teacher")
    assert list(teachers) == [entries[4], entries[2], entries[0]] and teachers.count() == 3
    page = Paginator(selectors.audit_entries_in_scope(scope), 2).get_page(2)
    assert list(page.object_list) == [entries[2], entries[1]] and page.paginator.num_pages == 3


def test_a_scope_of_several_countries_lists_and_counts_each_entry_once(two_countries):
    egypt, tunisia = two_countries
    both = ministry_official(country=egypt)
    role_grant(user=both, role=Role.MINISTRY_OFFICIAL, country=tunisia)
    twice = audit_record(
        actor=ministry_official(country=egypt), action="registry.teacher", subject=UserFactory(country=tunisia)
    )
    tunisian = audit_record(actor=ministry_official(country=tunisia), action="registry.search")
    audit_record(actor=ministry_official(country=Country.objects.get(code="MA")), action="registry.search")

    assert _seen(scope_for(both)) == [tunisian, twice]
    assert selectors.audit_entries_in_scope(scope_for(both)).count() == 2
    assert _seen(scope_for(both), action="registry.teacher") == [twice]
    assert selectors.audit_entries_in_scope(scope_for(both), action="registry.teacher").count() == 1


def test_a_superuser_sees_everything_and_an_empty_scope_nothing(two_countries):
    egypt, tunisia = two_countries
    roleless = audit_record(actor=UserFactory(), action="registry.search")  # no role, no subject: no country
    egyptian = audit_record(actor=ministry_official(country=egypt), action="registry.teacher")
    tunisian = audit_record(actor=ministry_official(country=tunisia), action="registry.search")

    assert _seen(scope_for(superuser())) == [tunisian, egyptian, roleless]
    assert _seen(scope_for(superuser()), action="registry.search") == [tunisian, roleless]
    assert selectors.audit_entries_in_scope(scope_for(superuser())).count() == 3
    assert _seen(scope_for(UserFactory(country=egypt))) == []
    assert selectors.audit_entries_in_scope(scope_for(UserFactory(country=egypt))).count() == 0
