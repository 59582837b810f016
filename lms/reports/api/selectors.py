"""What the API reads, composed of the selectors the pages use (``lms.reports.selectors``, ``certificates.selectors``,
``lms.courses.selectors``), each with the caller's ``Scope``. Nothing here widens what those return: it combines
them, narrows them (filters) and counts within them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.scope import Scope
from certificates.models import Certificate
from certificates.selectors import certificates_in_scope, certificates_list_allowed, certificates_visible_to

from ..selectors import registry_allowed


def api_certificates_allowed(user: User, scope: Scope) -> bool:
    """Whoever has a geographic scope (ministry officials, site administrators, superusers) and trainers (the
    certificates of their own courses and events)."""
    return registry_allowed(scope) or certificates_list_allowed(user)


def api_certificates(user: User, scope: Scope) -> QuerySet[Certificate]:
    """The certificates ``user`` may list, newest first: those within her scope (``certificates_in_scope``) and, as
    a trainer or a site administrator, those on her certificates list (``certificates_visible_to``)."""
    if not api_certificates_allowed(user, scope):
        return Certificate.objects.none()
    certificates = certificates_in_scope(scope)
    if not scope.everything:
        certificates = certificates | certificates_visible_to(user)
    return certificates.select_related("country", "region").order_by("-issued_at", "-pk")


class CertificateState:
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CHOICES = [(VALID, VALID), (EXPIRED, EXPIRED), (REVOKED, REVOKED)]


def certificate_state_q(state: str, *, today: date | None = None) -> Q:
    """Certificates in ``state`` as ``certificate_facts`` tells it: revoked, else expired (``valid_until`` past),
    else valid."""
    today = today or timezone.localdate()
    if state == CertificateState.REVOKED:
        return Q(status=Certificate.Status.REVOKED)
    if state == CertificateState.EXPIRED:
        return Q(status=Certificate.Status.VALID, valid_until__lt=today)
    return Q(status=Certificate.Status.VALID) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))


@dataclass(frozen=True)
class CertificateSummary:
    total: int = 0
    valid: int = 0
    expired: int = 0
    revoked: int = 0


def certificate_summaries(teachers: list[User], *, today: date | None = None) -> dict[int, CertificateSummary]:
    """How many certificates each of ``teachers`` has, by state: one query for them all. For teachers already read
    through ``teachers_in_scope``; like the registry's teacher page, it counts all of a teacher's certificates."""
    ids = [teacher.pk for teacher in teachers]
    if not ids:
        return {}
    today = today or timezone.localdate()
    rows = (
        Certificate.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(
            total=Count("pk"),
            expired=Count("pk", filter=certificate_state_q(CertificateState.EXPIRED, today=today)),
            revoked=Count("pk", filter=certificate_state_q(CertificateState.REVOKED, today=today)),
        )
        .order_by()
    )
    return {
        row["user_id"]: CertificateSummary(
            total=row["total"],
            valid=row["total"] - row["expired"] - row["revoked"],
            expired=row["expired"],
            revoked=row["revoked"],
        )
        for row in rows
    }
