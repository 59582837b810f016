"""Certificates' part of a teacher's personal data (``accounts.personal_data``; registered in ``apps.py``).

Export: each certificate (what it says, its code, status, verification and Open Badges addresses), her name
corrections, and the current PDF of each in her zip.

Erasure (docs/decisions/0010-personal-data.md): with ``MAKTABA_ERASURE_KEEPS_CERTIFICATES`` (the default) each
certificate stays as an anonymised record — its code still verifies (title, dates, issuer, status) with the name
withheld; it no longer belongs to an account, so its Open Badges assertion answers 410 and the salted hash of her
address is gone with the address; every PDF made for it (they print her name) is deleted from the storage, while the
SHA-256 of each stays recognised by the file check. Without the setting the certificates are deleted. Either way her
name corrections go.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from accounts.personal_data import Erasure, erasure_keeps_certificates

from .badges import assertion_url
from .codes import code_display
from .models import Certificate, NameCorrection, Rendition
from .services import verification_url

NAME_FIELDS = ("learner_name", "learner_name_latin")


class CertificatesPersonalData:
    name = "certificates"

    def export(self, user) -> dict[str, Any]:
        certificates = list(Certificate.objects.filter(user=user).prefetch_related("name_corrections", "renditions"))
        return {
            "certificates": [_certificate(certificate) for certificate in certificates],
            "name_corrections": [
                {
                    "certificate": code_display(certificate.code),
                    "name": correction.name,
                    "name_latin": correction.name_latin,
                    "note": correction.note,
                    "status": correction.status,
                    "requested_at": correction.requested_at,
                    "decided_at": correction.decided_at,
                }
                for certificate in certificates
                for correction in certificate.name_corrections.all()
            ],
        }

    def files(self, user) -> Iterator[tuple[str, str]]:
        renditions = Rendition.objects.filter(certificate__user=user, is_current=True).select_related("certificate")
        for rendition in renditions.order_by("certificate__issued_at", "pk"):
            yield f"certificates/{rendition.certificate.code}.pdf", rendition.file.name

    def identifying_strings(self, user) -> Iterable[str]:
        """The names printed on her certificates and asked for in corrections (they may differ from her profile)."""
        for snapshot in Certificate.objects.filter(user=user).values_list("snapshot", flat=True):
            for key in NAME_FIELDS:
                if isinstance(snapshot, dict) and snapshot.get(key):
                    yield str(snapshot[key])
        for name, latin in NameCorrection.objects.filter(certificate__user=user).values_list("name", "name_latin"):
            yield from (value for value in (name, latin) if value)

    def erase(self, user, *, erasure: Erasure) -> None:
        certificates = Certificate.objects.filter(user=user)
        for name in Rendition.objects.filter(certificate__in=certificates).values_list("file", flat=True):
            erasure.delete_file(name)
        if not erasure_keeps_certificates():
            certificates.delete()  # with their renditions and name corrections
            return
        NameCorrection.objects.filter(certificate__in=certificates).delete()
        # Every PDF goes (is_current off: nobody downloads, bulk-exports or re-renders them); their hashes stay.
        Rendition.objects.filter(certificate__in=certificates).update(is_current=False)
        for certificate in certificates:
            snapshot = {**(certificate.snapshot or {}), **dict.fromkeys(NAME_FIELDS, ""), "name_withheld": True}
            certificate.snapshot = snapshot
            certificate.revoked_reason = erasure.scrub(certificate.revoked_reason)
            certificate.user = None
            certificate.save(update_fields=["snapshot", "revoked_reason", "user"])


def _certificate(certificate: Certificate) -> dict[str, Any]:
    snapshot = certificate.snapshot or {}
    current = next((rendition for rendition in certificate.renditions.all() if rendition.is_current), None)
    return {
        "code": code_display(certificate.code),
        "status": certificate.status,
        "language": certificate.language,
        "issued_at": certificate.issued_at,
        "valid_until": certificate.valid_until,
        "revoked_at": certificate.revoked_at,
        "revoked_reason": certificate.revoked_reason,
        "name_on_certificate": snapshot.get("learner_name", ""),
        "name_on_certificate_latin": snapshot.get("learner_name_latin", ""),
        "titles": snapshot.get("titles", {}),
        "hours": snapshot.get("hours"),
        "competencies": snapshot.get("competencies", []),
        "completed_on": snapshot.get("completed_on"),
        "issuer": snapshot.get("issuer", ""),
        "verification_url": verification_url(certificate),
        "open_badges_assertion_url": assertion_url(certificate),
        "pdf": f"certificates/{certificate.code}.pdf" if current else None,
        "pdf_sha256": current.sha256 if current else None,
    }
