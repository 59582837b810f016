"""Demo certificates: the demo teacher holds one in each of English, Russian and Arabic, for the first past demo
event in that language (the snapshot of a workshop certificate: the event's title and hours, like a course's),
each rendered to its PDF. The demo does not record her attendance of those events, so the builder awards them
directly. Prints their verification addresses. Idempotent: one certificate per subject, rendered once."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from certificates.services import certificate_award, certificate_issue_run, verification_url
from lms.competencies.framework import ASPECTS, LEVELS
from webinars.models import Event, Session

# (language, competencies evidenced: aspect, level)
CERTIFICATES = [("en", [(3, 1), (4, 1)]), ("ru", [(6, 1)]), ("ar", [(4, 2), (6, 2)])]


def build() -> list[str]:
    teacher = User.objects.get(email="teacher@example.org")
    now = timezone.now()
    notes = []
    for language, cells in CERTIFICATES:
        event = (
            Event.objects.filter(language=language, sessions__ends_at__lt=now)
            .exclude(sessions__ends_at__gte=now)
            .exclude(status=Event.Status.CANCELLED)
            .order_by("pk")
            .first()
        )
        if event is None:
            continue
        sessions = list(event.sessions.filter(status=Session.Status.SCHEDULED))
        hours = sum((s.ends_at - s.starts_at).total_seconds() for s in sessions) / 3600
        certificate = certificate_award(
            user=teacher,
            subject_key=f"event:{event.uuid}",
            snapshot={
                "kind": "workshop",
                "learner_name": teacher.name_for_certificates,
                "learner_name_latin": teacher.certificate_name_latin,
                "titles": {language: event.title},
                "hours": f"{hours:g}",
                "competencies": [
                    {"code": f"{a}.{lvl}", "aspect": dict(ASPECTS[a]), "level": dict(LEVELS[lvl])} for a, lvl in cells
                ],
                "completed_on": timezone.localdate(max(s.ends_at for s in sessions)).isoformat(),
                "issuer": "Maktaba",
            },
            language=language,
        )
        certificate_issue_run(certificate.pk)
        notes.append(f"certificate ({language}): {verification_url(certificate)}")
    return notes
