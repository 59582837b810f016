"""The audit log's writer copies onto each entry the countries it concerns: those of the actor's roles (a ministry
official's country, a site administrator's partner site's country) and the subject's country. The migration that
added them fills them for the entries written before, from the roles and users as they are now."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from wagtail.models import Site

from accounts.audit import audit_entry_countries_fill, audit_record
from accounts.models import AuditEntry, AuditEntryCountry, Country, PartnerSite, Role
from accounts.services import role_grant
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, trainer

pytestmark = pytest.mark.django_db


def _countries(entry: AuditEntry) -> set[str]:
    return set(AuditEntryCountry.objects.filter(entry=entry).values_list("country__code", flat=True))


@pytest.fixture
def site_administrator():
    partner = PartnerSite.objects.create(
        site=Site.objects.get(is_default_site=True), country=Country.objects.get(code="JO")
    )
    user = UserFactory(country=Country.objects.get(code="EG"))
    role_grant(user=user, role=Role.SITE_ADMINISTRATOR, partner_site=partner)
    return user


def test_an_entry_carries_its_actors_and_its_subjects_countries(site_administrator):
    egypt, tunisia = Country.objects.get(code="EG"), Country.objects.get(code="TN")
    official = ministry_official(country=egypt)
    role_grant(user=official, role=Role.MINISTRY_OFFICIAL, country=tunisia)

    assert _countries(audit_record(actor=official, action="registry.search", detail="amina")) == {"EG", "TN"}
    about = audit_record(
        actor=official, action="registry.teacher", subject=UserFactory(country=Country.objects.get(code="MA"))
    )
    assert _countries(about) == {"EG", "TN", "MA"}
    # A site administrator's country is her partner site's, not her own.
    assert _countries(audit_record(actor=site_administrator, action="registry.search")) == {"JO"}
    assert (
        _countries(audit_record(actor=trainer(), action="registry.search", subject=UserFactory(country=None))) == set()
    )
    row = AuditEntryCountry.objects.filter(entry=about).first()
    assert (row.action, row.created_at) == ("registry.teacher", about.created_at)


def test_bulk_written_entries_get_their_countries_once():
    egypt = Country.objects.get(code="EG")
    official = ministry_official(country=egypt)
    teacher = UserFactory(country=Country.objects.get(code="TN"))
    entries = AuditEntry.objects.bulk_create(
        [AuditEntry(actor=official, action="registry.teacher", subject_id=teacher.pk) for _ in range(3)]
    )
    audit_entry_countries_fill(entries)
    audit_entry_countries_fill(entries)  # again: nothing new
    assert [_countries(entry) for entry in entries] == [{"EG", "TN"}] * 3
    assert AuditEntryCountry.objects.count() == 6


class _Editor:
    """What the migration's fill uses of a schema editor: its connection and ``execute``."""

    connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_fills_the_entries_written_before(site_administrator):
    from django.apps import apps

    egypt = Country.objects.get(code="EG")
    official = ministry_official(country=egypt)
    role_grant(user=official, role=Role.SITE_ADMINISTRATOR, partner_site=PartnerSite.objects.get())
    about = audit_record(actor=official, action="registry.teacher", subject=UserFactory(country=egypt))
    search = audit_record(actor=site_administrator, action="registry.search")
    nobody = audit_record(actor=UserFactory(), action="registry.search")
    expected = set(AuditEntryCountry.objects.values_list("entry_id", "country_id", "action", "created_at"))
    AuditEntryCountry.objects.all().delete()

    importlib.import_module("accounts.migrations.0008_audit_entry_countries").fill(apps, _Editor())

    assert set(AuditEntryCountry.objects.values_list("entry_id", "country_id", "action", "created_at")) == expected
    assert (_countries(about), _countries(search), _countries(nobody)) == ({"EG", "JO"}, {"JO"}, set())
