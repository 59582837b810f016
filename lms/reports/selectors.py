"""Reads for ministries' pages: teachers within a ``Scope`` and what they have earned. Every read takes the scope
(``accounts.selectors.scope_for``) and applies it, so nothing outside it can be reached through these pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.scope import Scope


def registry_allowed(scope: Scope) -> bool:
    """Ministry officials (their country or region), site administrators (their partner site's country) and
    superusers: whoever has a geographic scope."""
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
