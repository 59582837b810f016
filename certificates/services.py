"""Issuing certificates: exactly one per learner and subject, its PDF rendered in the background, a link emailed
once.

``certificate_award`` runs inside the transaction that records what earns the certificate (``lms`` calls it when a
completion is recorded), so the row exists exactly once: recorded twice, the second call finds it; two at the same
moment, the unique constraint lets one in. It queues ``certificates.issue`` through ``core.jobs`` in the same
transaction. The task (``certificate_issue_run``) may run twice, or die mid-render and run again: rendering is
deterministic and a rendition is keyed by its SHA-256, so a second run finds the first's; the email is claimed with
a conditional update in the transaction that queues it, so it goes once.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.jobs import job_enqueue
from core.mail import email_send

from .codes import code_display
from .models import Certificate, CertificateTemplate, NameCorrection, Rendition
from .rendering import Design, certificate_values, design_default, design_from_template, render_pdf
from .selectors import certificate_can_manage, certificate_title
from .signals import render_started

logger = logging.getLogger("maktaba.certificates")

ISSUE_TASK = "certificates.issue"
RENDER_TASK = "certificates.render"


class CertificateError(Exception):
    """A request the certificate services refuse; the message is for the person who asked."""


def certificate_award(
    *,
    user: User,
    subject_key: str,
    snapshot: dict[str, Any],
    language: str,
    valid_for_months: int | None = None,
) -> Certificate:
    """The learner's certificate for ``subject_key``, created (and its PDF queued) if she has none. ``snapshot``
    is what it certifies (see ``Certificate.snapshot``); ``language`` the one it is written in."""
    existing = Certificate.objects.filter(user=user, subject_key=subject_key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    snapshot = {**snapshot, "issued_on": timezone.localdate(now).isoformat()}
    valid_until = None
    if valid_for_months:
        valid_until = date.fromisoformat(snapshot.get("completed_on") or snapshot["issued_on"]) + relativedelta(
            months=valid_for_months
        )
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user,
                subject_key=subject_key,
                snapshot=snapshot,
                language=language,
                country_id=user.country_id,
                region_id=user.region_id,
                issued_at=now,
                valid_until=valid_until,
            )
            job_enqueue(
                ISSUE_TASK,
                kwargs={"certificate_id": certificate.pk},
                owner_id=user.pk,
                label=_("Certificate %(code)s") % {"code": code_display(certificate.code)},
            )
    except IntegrityError:  # recorded at the same moment by another request or worker
        return Certificate.objects.get(user=user, subject_key=subject_key)
    logger.info("Certificate %s awarded to user %s for %s", certificate.pk, user.pk, subject_key)
    return certificate


def certificate_issue_run(certificate_id: int) -> Rendition | None:
    """The background half of issuing: render the PDF unless it exists, then email the learner once. Safe to run
    any number of times. Returns the current rendition (None for a certificate whose learner was erased)."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return None
    rendition = certificate.renditions.filter(is_current=True).first()
    if rendition is None:
        rendition = certificate_render(certificate, reason=Rendition.Reason.ISSUE)
    _email_once(certificate)
    return rendition


def certificate_render(certificate: Certificate, *, reason: str) -> Rendition:
    """Render the certificate's PDF with its template as it is now and make it the current rendition. The same
    bytes as an earlier rendition make that one current again instead of adding a copy."""
    design = design_for(certificate)
    render_started.send(sender=Certificate, certificate=certificate, reason=reason)
    pdf = render_pdf(design, certificate_values(certificate, verification_url=verification_url(certificate)),
                     language=certificate.language)  # fmt: skip
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        Certificate.objects.select_for_update().filter(pk=certificate.pk).first()  # renders of one take turns
        rendition = certificate.renditions.filter(sha256=digest).first()
        if rendition is None:
            name = f"certificates/pdf/{certificate.code}/{digest}.pdf"
            if not default_storage.exists(name):  # a run that died after writing the file left it: same bytes
                name = default_storage.save(name, ContentFile(pdf))
            certificate.renditions.filter(is_current=True).update(is_current=False)
            rendition = Rendition.objects.create(
                certificate=certificate,
                file=name,
                sha256=digest,
                size=len(pdf),
                reason=reason,
                template_id=design.template_id,
                template_version=design.version,
                is_current=True,
            )
        elif not rendition.is_current:
            certificate.renditions.filter(is_current=True).update(is_current=False)
            Rendition.objects.filter(pk=rendition.pk).update(is_current=True)
            rendition.is_current = True
    return rendition


def certificate_render_run(certificate_id: int, reason: str) -> Rendition | None:
    """The background half of a reissue or a re-render: the certificate's PDF with its data and template as they
    are now (``certificate_render``: the same bytes make no copy, so running twice is harmless)."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return None
    return certificate_render(certificate, reason=reason)


# Revocation, reissue and name corrections --------------------------------------------------------------------------


def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Revoke the certificate: verification shows it revoked, with ``reason``, from now on. Its PDFs stay
    recognised (as revoked). Only its administrators may; a reason is required."""
    _check_manager(by, certificate)
    reason = reason.strip()
    if not reason:
        raise CertificateError(_("Say why the certificate is revoked: the reason is shown on its verification page."))
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if current.is_revoked:
            raise CertificateError(_("This certificate is already revoked."))
        current.status, current.revoked_at = Certificate.Status.REVOKED, timezone.now()
        current.revoked_reason, current.revoked_by = reason, by
        current.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
        NameCorrection.objects.filter(certificate=current, status=NameCorrection.Status.PENDING).update(
            status=NameCorrection.Status.DECLINED, decided_at=current.revoked_at, decided_by=by
        )
    logger.info("Certificate %s revoked by user %s", certificate.pk, by.pk)
    return current


def certificate_reissue(*, certificate: Certificate, by: User, name: str, name_latin: str = "") -> Certificate:
    """Correct the learner's name on the certificate and queue its new PDF (a new rendition; the earlier ones stay
    recognised as earlier versions of the same certificate). Only its administrators may."""
    _check_manager(by, certificate)
    name, name_latin = name.strip(), name_latin.strip()
    if not name:
        raise CertificateError(_("Type the name as it should be printed on the certificate."))
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if current.is_revoked:
            raise CertificateError(_("A revoked certificate cannot be reissued."))
        current.snapshot = {**current.snapshot, "learner_name": name, "learner_name_latin": name_latin}
        current.save(update_fields=["snapshot"])
        job_enqueue(
            RENDER_TASK,
            kwargs={"certificate_id": current.pk, "reason": Rendition.Reason.REISSUE},
            owner_id=by.pk,
            label=_("Reissue of certificate %(code)s") % {"code": code_display(current.code)},
        )
    logger.info("Certificate %s reissued by user %s", certificate.pk, by.pk)
    return current


def name_correction_request(
    *, certificate: Certificate, by: User, name: str, name_latin: str = "", note: str = ""
) -> NameCorrection:
    """The learner asks for her name to be corrected on her certificate; its administrators decide. One request
    waits at a time: a second one replaces the first's name."""
    if certificate.user_id is None or certificate.user_id != by.pk:
        raise PermissionDenied
    if certificate.is_revoked:
        raise CertificateError(_("A revoked certificate cannot be reissued."))
    name, name_latin = name.strip(), name_latin.strip()
    if not name:
        raise CertificateError(_("Type the name as it should be printed on the certificate."))
    with transaction.atomic():
        Certificate.objects.select_for_update().filter(pk=certificate.pk).first()
        correction = NameCorrection.objects.filter(
            certificate=certificate, status=NameCorrection.Status.PENDING
        ).first() or NameCorrection(certificate=certificate)
        correction.name, correction.name_latin, correction.note = name, name_latin, note.strip()
        correction.requested_at = timezone.now()
        correction.save()
    return correction


def name_correction_decide(*, correction: NameCorrection, by: User, approve: bool) -> NameCorrection:
    """Approve (the certificate is reissued with the name she asked for) or decline a waiting request, and tell
    the learner by email in her language."""
    certificate = correction.certificate
    _check_manager(by, certificate)
    with transaction.atomic():
        current = NameCorrection.objects.select_for_update().get(pk=correction.pk)
        if current.status != NameCorrection.Status.PENDING:
            raise CertificateError(_("This request was already decided."))
        if approve:
            certificate_reissue(certificate=certificate, by=by, name=current.name, name_latin=current.name_latin)
        current.status = NameCorrection.Status.APPROVED if approve else NameCorrection.Status.DECLINED
        current.decided_at, current.decided_by = timezone.now(), by
        current.save(update_fields=["status", "decided_at", "decided_by"])
        _tell_learner(certificate, current)
    return current


def _tell_learner(certificate: Certificate, correction: NameCorrection) -> None:
    user = certificate.user
    if user is None or not user.email:
        return
    language = user.preferred_language or certificate.language
    with translation.override(language):
        mine = settings.SITE_URL.rstrip("/") + reverse("certificates:mine")
    email_send(
        to=user.email,
        language=language,
        template="certificates/email/name_correction",
        context={
            "title": certificate_title(certificate, language=language),
            "name": correction.name,
            "approved": correction.status == NameCorrection.Status.APPROVED,
            "mine_url": mine,
        },
    )


def _check_manager(user: User, certificate: Certificate) -> None:
    if not certificate_can_manage(user, certificate):
        raise PermissionDenied


def design_for(certificate: Certificate) -> Design:
    """The template for the certificate's language: the learner's partner site's own, else the one for every
    site, else the default shipped with Maktaba."""
    templates = CertificateTemplate.objects.filter(language=certificate.language, is_active=True)
    template = None
    if certificate.partner_site_id:
        template = templates.filter(partner_site_id=certificate.partner_site_id).first()
    if template is None:
        template = templates.filter(partner_site__isnull=True).first()
    if template is None:
        return design_default(certificate.language)
    return design_from_template(template)


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", kwargs={"code": certificate.code})


def _email_once(certificate: Certificate) -> None:
    user = certificate.user
    if user is None or not user.email:
        return
    with transaction.atomic():
        claimed = Certificate.objects.filter(pk=certificate.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return
        language = user.preferred_language or certificate.language
        with translation.override(language):
            download = settings.SITE_URL.rstrip("/") + reverse(
                "certificates:download", kwargs={"certificate_uuid": certificate.uuid}
            )
        email_send(
            to=user.email,
            language=language,
            template="certificates/email/issued",
            context={
                "name": certificate.snapshot.get("learner_name", ""),
                "title": certificate_title(certificate, language=language),
                "code": code_display(certificate.code),
                "download_url": download,
                "verify_url": verification_url(certificate),
            },
        )
