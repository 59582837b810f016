"""Reads for ministries' pages: teachers within a ``Scope`` and what they have earned. Every read takes the scope
(``accounts.selectors.scope_for``) and applies it, so nothing outside it can be reached through these pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import AuditEntry, Region, Role, RoleGrant, User
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


def audit_entries_in_scope(scope: Scope, *, action: str = "") -> QuerySet[AuditEntry]:
    """Audit entries about her scope: by officials and administrators of its countries, or about its teachers."""
    if scope.is_empty:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.all()
    if not scope.everything:
        countries = scope.country_ids | {country_id for country_id, _region in scope.region_ids}
        in_scope_actor = RoleGrant.objects.filter(
            Q(country_id__in=countries) | Q(partner_site__country_id__in=countries)
        ).values("user_id")
        in_scope_subject = scope.filter(User.objects.all()).values("pk")
        entries = entries.filter(Q(actor_id__in=in_scope_actor) | Q(subject_id__in=in_scope_subject))
    if action:
        entries = entries.filter(action=action)
    return entries.select_related("actor", "subject").order_by("-created_at", "-pk")


def regions_in_scope(scope: Scope) -> QuerySet[Region]:
    """The regions an official may narrow a report to: those of her countries, or her own region."""
    if scope.is_empty:
        return Region.objects.none()
    return scope.filter(Region.objects.select_related("country"), region_field="pk").order_by("country__name", "name")


def report_courses() -> QuerySet[Course]:
    return Course.objects.order_by("title", "pk")
