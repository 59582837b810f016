"""Reads for ministries' pages: teachers within a ``Scope`` and what they have earned. Every read takes the scope
(``accounts.selectors.scope_for``) and applies it, so nothing outside it can be reached through these pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import AuditEntry, AuditEntryCountry, Region, Role, User
from accounts.scope import Scope
from accounts.selectors import user_has_role
from lms.courses.models import Course


def registry_allowed(scope: Scope) -> bool:
    """Who may read the ministries' pages (dashboard, registry, exports, the API's teachers and statistics): ministry
    officials (their country or region), site administrators (their partner site's country) and superusers,
    whoever has a geographic scope."""
    return not scope.is_empty


def teachers_in_scope(scope: Scope, *, search: str = "") -> QuerySet[User]:
    """Teachers in ``scope`` (by their country and region), by name; found by name, email, national teacher ID or
    institution."""
    if scope.is_empty:
        return User.objects.none()
    teachers = scope.filter(User.objects.filter(is_active=True)).select_related("country", "region", "institution")
    search = search.strip()
    if search:
        teachers = teachers.filter(
            Q(full_name__icontains=search)
            | Q(email__iexact=search)
            | Q(national_teacher_id__iexact=search)
            | Q(institution__name__icontains=search)
        )
    return teachers.order_by("full_name", "pk")


def teacher_in_scope_get(scope: Scope, user_id: int) -> User | None:
    """One teacher, only if she is in ``scope`` (None otherwise: the page answers 404)."""
    return teachers_in_scope(scope).filter(pk=user_id).first()


def audit_allowed(user: User) -> bool:
    """Site administrators (for their partner site's country) and superusers read the audit log."""
    return user.is_superuser or user_has_role(user, Role.SITE_ADMINISTRATOR)


@dataclass(frozen=True)
class AuditLog:
    """Audit entries in their order, for a ``Paginator`` (which slices and counts them): ``entries`` gives the rows
    and ``counted`` how many there are, counted from her countries' rows of ``AuditEntryCountry`` (an index alone)
    rather than from the entries joined to them."""

    entries: QuerySet[AuditEntry]
    counted: QuerySet

    def count(self) -> int:
        return self.counted.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self.entries[index]

    def __iter__(self) -> Iterator[AuditEntry]:
        return iter(self.entries)


def audit_entries_in_scope(scope: Scope, *, action: str = "") -> AuditLog:
    """Audit entries about her scope, newest first: by officials and administrators of its countries, or about its
    teachers. Each entry carries the countries it concerns (``AuditEntryCountry``, written with it by
    ``accounts.audit.audit_record``), so the scope is read from there rather than checked entry by entry. A region
    counts as its country: only site administrators, whose scope is a country, and superusers read the log.

    Her scope is nearly always one country: then the entries are that country's rows of ``AuditEntryCountry`` in the
    order of its index (``accounts_auditcountry_new``, or ``accounts_auditcountry_action`` for one action; both hold
    a copy of the entry's action and time), so a page of 50 reads 50 rows of the index and the entries by primary
    key, and the count reads the index alone. With several countries an entry may concern two of them: the entries
    are those among her countries' rows (the same indexes find them), sorted, and counted once each."""
    if scope.is_empty:
        nothing = AuditEntry.objects.none()
        return AuditLog(entries=nothing, counted=nothing)
    entries = AuditEntry.objects.select_related("actor", "subject")
    if scope.everything:
        entries = (entries.filter(action=action) if action else entries).order_by("-created_at", "-pk")
        return AuditLog(entries=entries, counted=entries)
    countries = sorted(scope.country_ids | {country_id for country_id, _region in scope.region_ids})
    wanted = {"action": action} if action else {}
    if len(countries) == 1:
        # One filter(), so that the conditions and the order are on the same row of the table (one join).
        in_order = entries.filter(
            countries__country_id=countries[0], **({"countries__action": action} if action else {})
        )
        return AuditLog(
            entries=in_order.order_by("-countries__created_at", "-countries__entry_id"),
            counted=AuditEntryCountry.objects.filter(country_id=countries[0], **wanted),
        )
    rows = AuditEntryCountry.objects.filter(country_id__in=countries, **wanted).values("entry_id")
    return AuditLog(
        entries=entries.filter(pk__in=rows).order_by("-created_at", "-pk"), counted=rows.distinct().order_by()
    )


def regions_in_scope(scope: Scope) -> QuerySet[Region]:
    """The regions an official may narrow a report to: those of her countries, or her own region."""
    if scope.is_empty:
        return Region.objects.none()
    return scope.filter(Region.objects.select_related("country"), region_field="pk").order_by("country__name", "name")


def report_courses() -> QuerySet[Course]:
    return Course.objects.order_by("title", "pk")
