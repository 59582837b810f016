"""The audit log of personal data seen by officials: every page or export that shows a teacher's data to a ministry
official or a site administrator writes one entry (``AuditEntry``), in the same request."""

from __future__ import annotations

from .models import AuditEntry, User


def audit_record(*, actor: User, action: str, subject: User | None = None, detail: str = "") -> AuditEntry:
    return AuditEntry.objects.create(actor=actor, action=action, subject=subject, detail=detail[:500])
