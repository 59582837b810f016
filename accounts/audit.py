"""The audit log of personal data seen by officials: every page or export that shows a teacher's data to a ministry
official or a site administrator writes one entry (``AuditEntry``), in the same request.

Each entry carries the countries it concerns (``AuditEntryCountry``), copied when it is written: the countries of the
actor's roles and the subject's country. A site administrator's audit log is her country's rows of that table,
newest first, which an index serves (``lms.reports.selectors.audit_entries_in_scope``). Whatever writes entries
without ``audit_record`` (a bulk load) calls ``audit_entry_countries_fill`` on them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from .models import AuditEntry, AuditEntryCountry, RoleGrant, User

_SUBJECT = AuditEntry._meta.get_field("subject")


def audit_record(*, actor: User, action: str, subject: User | None = None, detail: str = "") -> AuditEntry:
    with transaction.atomic():
        entry = AuditEntry.objects.create(actor=actor, action=action, subject=subject, detail=detail[:500])
        audit_entry_countries_fill([entry])
    return entry


def audit_entry_countries_fill(entries: Sequence[AuditEntry]) -> None:
    """Writes the countries ``entries`` (saved already) concern, from their actors' roles and their subjects'
    countries as they are now: a query for the roles, one for the subjects not loaded on the entries, and the
    insert. Rows that exist already are left alone, so it can run twice."""
    if not entries:
        return
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id}
    by_actor = _role_countries(actor_ids)
    subject_countries = _subject_countries(entries)
    rows: list[AuditEntryCountry] = []
    for entry in entries:
        countries = set(by_actor.get(entry.actor_id, ()))
        if entry.subject_id and subject_countries.get(entry.subject_id):
            countries.add(subject_countries[entry.subject_id])
        rows += [
            AuditEntryCountry(
                entry_id=entry.pk, country_id=country_id, action=entry.action, created_at=entry.created_at
            )
            for country_id in sorted(countries)
        ]
    AuditEntryCountry.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def _role_countries(user_ids: Iterable[int]) -> dict[int, set[int]]:
    """The countries of each user's roles: a grant's own country and its partner site's country."""
    found: dict[int, set[int]] = {}
    user_ids = sorted(user_ids)
    if not user_ids:
        return found
    grants = RoleGrant.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "country_id", "partner_site__country_id"
    )
    for user_id, country_id, site_country_id in grants:
        found.setdefault(user_id, set()).update(c for c in (country_id, site_country_id) if c)
    return found


def _subject_countries(entries: Sequence[AuditEntry]) -> dict[int, int | None]:
    """Each subject's country: from the subject loaded on the entry (``audit_record`` is handed the user), the others
    in one query."""
    found: dict[int, int | None] = {}
    for entry in entries:
        subject = _SUBJECT.get_cached_value(entry, default=None) if entry.subject_id else None
        if subject is not None:
            found[subject.pk] = subject.country_id
    missing = sorted({entry.subject_id for entry in entries if entry.subject_id} - found.keys())
    if missing:
        found.update(User.objects.filter(pk__in=missing).values_list("pk", "country_id"))
    return found
