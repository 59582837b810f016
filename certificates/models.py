"""Certificates: one row per learner and subject, a snapshot of what it certifies, and every PDF made for it.

``certificates`` knows a subject only by an opaque key (``"course:<uuid>"``, ``"event:<uuid>"``) and the snapshot
the layer above gave it, so verification needs nothing else (see ARCHITECTURE.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Country, PartnerSite, Region

from .codes import new_code


class CertificateTemplate(models.Model):
    """How certificates look in one language, on one partner site or (without one) on every site. ``body`` and
    ``css`` are written by site administrators and rendered in a sandbox (``rendering.py``): only the documented
    placeholders, no template tags."""

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("A4 landscape")
        PORTRAIT = "portrait", _("A4 portrait")

    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    partner_site = models.ForeignKey(
        PartnerSite,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner site"),
        help_text=_("Empty: used on every site that has no template of its own."),
    )
    orientation = models.CharField(_("page"), max_length=10, choices=Orientation.choices, default=Orientation.LANDSCAPE)
    body = models.TextField(_("HTML"), help_text=_("The page's HTML, with placeholders such as {{ learner_name }}."))
    css = models.TextField(_("CSS"), blank=True)
    background = models.FileField(
        _("background image"), upload_to="certificates/templates/", blank=True, max_length=255
    )
    logo = models.FileField(_("logo"), upload_to="certificates/templates/", blank=True, max_length=255)
    second_logo = models.FileField(_("second logo"), upload_to="certificates/templates/", blank=True, max_length=255)
    issuer = models.CharField(
        _("issuer"), max_length=255, blank=True, help_text=_("Who issues the certificates, as printed on them.")
    )
    is_active = models.BooleanField(_("in use"), default=True)
    # Raised on every change, so that renditions tell which version of the template made them.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "partner_site"],
                condition=Q(is_active=True, partner_site__isnull=False),
                name="certificates_template_one_per_site_language",
            ),
            models.UniqueConstraint(
                fields=["language"],
                condition=Q(is_active=True, partner_site__isnull=True),
                name="certificates_template_one_default_per_language",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Signatory(models.Model):
    """One of up to three people who sign a template's certificates."""

    template = models.ForeignKey(CertificateTemplate, on_delete=models.CASCADE, related_name="signatories")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    signature = models.FileField(_("signature image"), upload_to="certificates/signatures/", blank=True, max_length=255)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """One learner's certificate for one subject. The row is written in the transaction that records what earns
    it (so it exists exactly once, whatever runs twice); the PDF follows from a background job."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    code = models.CharField(max_length=32, unique=True, default=new_code, editable=False)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null once the learner's account is erased: the certificate stays verifiable as an anonymised record.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificates"
    )
    subject_key = models.CharField(max_length=100)
    # What the certificate says, as it was when earned: learner_name, learner_name_latin, titles {lang: title},
    # hours, competencies [{aspect, level, code}], completed_on (ISO date), issuer, kind.
    snapshot = models.JSONField(default=dict)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # Where the learner was when she earned it, for ministries' reports (a Scope).
    country = models.ForeignKey(Country, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    partner_site = models.ForeignKey(PartnerSite, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set (conditionally, once) when the learner is told her certificate is ready.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subject_key"],
                condition=Q(user__isnull=False),
                name="certificates_one_per_learner_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["subject_key"], name="certificates_subject"),
            models.Index(fields=["country", "region", "-issued_at"], name="certificates_geography"),
            # The administrators' list, newest first, a page at a time: every certificate (a superuser), a
            # country's (a site administrator), the revoked ones.
            models.Index(fields=["-issued_at", "-id"], name="certificates_newest"),
            models.Index(fields=["country", "-issued_at", "-id"], name="certificates_country_newest"),
            models.Index(
                fields=["-issued_at", "-id"], condition=Q(status="revoked"), name="certificates_revoked_newest"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.valid_until is not None and self.valid_until < today


class Rendition(models.Model):
    """One PDF made for a certificate. Verification recognises every rendition by its SHA-256, also the ones a
    reissue or a new template replaced; ``is_current`` marks the one learners download."""

    class Reason(models.TextChoices):
        ISSUE = "issue", _("First issue")
        REISSUE = "reissue", _("Reissued")
        RERENDER = "rerender", _("Template changed")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="renditions")
    # certificates/pdf/<code>/<sha256>.pdf: 112 characters, more than FileField's default 100.
    file = models.FileField(upload_to="certificates/pdf/", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.ISSUE)
    template = models.ForeignKey(CertificateTemplate, on_delete=models.SET_NULL, null=True, blank=True)
    template_version = models.PositiveIntegerField(default=0)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "sha256"], name="certificates_rendition_unique_bytes"),
            models.UniqueConstraint(
                fields=["certificate"], condition=Q(is_current=True), name="certificates_rendition_one_current"
            ),
        ]
        indexes = [models.Index(fields=["sha256"], name="certificates_rendition_sha")]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.sha256[:12]}"


class NameCorrection(models.Model):
    """A learner's request to correct her name on a certificate. An administrator approves it (the certificate is
    reissued with the corrected name: a new rendition; the earlier PDFs stay recognised) or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="name_corrections")
    name = models.CharField(_("name on the certificate"), max_length=200)
    name_latin = models.CharField(_("name in Latin letters"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("name correction")
        verbose_name_plural = _("name corrections")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"], condition=Q(status="pending"), name="certificates_one_pending_correction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.name}"
