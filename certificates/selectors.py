"""Reads of certificates: the public verification (by code, by a PDF's SHA-256) and a learner's own certificates.

The public reads return only what the certificate itself says (its snapshot and status): never its learner's
account, nor anything about other certificates. ``certificate_facts`` turns a certificate into what a page shows,
in the viewer's language.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, RoleGrant, User
from accounts.scope import NOBODY, Scope

from .codes import code_display
from .models import Certificate, NameCorrection, Rendition
from .subjects import trainer_subject_keys
from .texts import text_in

# Fields the public pages read; the learner's account (``user``) is not among them.
_PUBLIC_FIELDS = (
    "id",
    "code",
    "uuid",
    "snapshot",
    "language",
    "issued_at",
    "valid_until",
    "status",
    "revoked_at",
    "revoked_reason",
)


class State:
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Competency:
    code: str
    aspect: str
    level: str


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate says, in one language (the viewer's, else the certificate's own)."""

    code: str
    code_display: str
    learner_name: str
    learner_name_latin: str
    title: str
    title_language: str
    hours: Decimal | str | None
    competencies: list[Competency]
    completed_on: date | None
    issued_on: date | None
    issuer: str
    valid_until: date | None
    state: str  # State.*
    revoked_at: Any
    revoked_reason: str
    # The learner deleted her account: the certificate stays valid, her name is no longer shown.
    name_withheld: bool = False

    @property
    def is_valid(self) -> bool:
        return self.state == State.VALID

    @property
    def is_revoked(self) -> bool:
        return self.state == State.REVOKED

    @property
    def is_expired(self) -> bool:
        return self.state == State.EXPIRED


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code (its stored form, see ``codes.code_normalise``), or None."""
    if not code:
        return None
    return Certificate.objects.only(*_PUBLIC_FIELDS).filter(code=code).first()


def certificates_by_codes(codes) -> dict[str, Certificate]:
    """The certificates with these (normalised) codes, by code: one query, with what verification shows."""
    return {
        certificate.code: certificate
        for certificate in Certificate.objects.filter(code__in=set(codes)).only(*_PUBLIC_FIELDS)
    }


def rendition_by_sha256(digest: str) -> Rendition | None:
    """The rendition whose PDF has this SHA-256 (hex), current or not, with its certificate; or None."""
    digest = (digest or "").strip().lower()
    if len(digest) != 64:
        return None
    return (
        Rendition.objects.select_related("certificate")
        .only("id", "sha256", "is_current", "created_at", "reason", "certificate_id", *_certificate(_PUBLIC_FIELDS))
        .filter(sha256=digest)
        .order_by("-is_current", "-created_at", "-pk")
        .first()
    )


def certificates_of(user: User) -> QuerySet[Certificate]:
    """The learner's own certificates, newest first, each with ``has_pdf`` (its current PDF exists). A fixed
    number of queries however many there are."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    current_pdf = Rendition.objects.filter(certificate=OuterRef("pk"), is_current=True)
    return (
        Certificate.objects.filter(user=user)
        .only(*_PUBLIC_FIELDS)
        .annotate(has_pdf=Exists(current_pdf))
        .order_by("-issued_at", "-pk")
    )


def certificate_for_download(certificate_uuid: uuid.UUID | str, user: User) -> Certificate | None:
    """The certificate for its learner (or a superuser) to download, with ``current_rendition`` (None while the
    PDF is being made); None for anyone else, or when there is no such certificate."""
    if not user.is_authenticated:
        return None
    certificates = Certificate.objects.filter(uuid=certificate_uuid)
    if not user.is_superuser:
        certificates = certificates.filter(user=user)
    certificate = certificates.only(*_PUBLIC_FIELDS).first()
    if certificate is None:
        return None
    certificate.current_rendition = certificate.renditions.filter(is_current=True).first()
    return certificate


def certificate_facts(certificate: Certificate, *, language: str, today: date | None = None) -> CertificateFacts:
    """What ``certificate`` says, in ``language`` where the snapshot has it (else in the certificate's own)."""
    snapshot = certificate.snapshot or {}
    titles = snapshot.get("titles") or {}
    title, title_language = text_in(titles, language, certificate.language)
    if certificate.is_revoked:
        state = State.REVOKED
    elif certificate.is_expired(today):
        state = State.EXPIRED
    else:
        state = State.VALID
    return CertificateFacts(
        code=certificate.code,
        code_display=code_display(certificate.code),
        learner_name=str(snapshot.get("learner_name") or ""),
        learner_name_latin=str(snapshot.get("learner_name_latin") or ""),
        title=title,
        title_language=title_language,
        hours=_hours(snapshot.get("hours")),
        competencies=[
            Competency(
                code=str(item.get("code") or ""),
                aspect=text_in(item.get("aspect"), language, certificate.language)[0],
                level=text_in(item.get("level"), language, certificate.language)[0],
            )
            for item in snapshot.get("competencies") or []
            if isinstance(item, dict)
        ],
        completed_on=_date(snapshot.get("completed_on")),
        issued_on=_date(snapshot.get("issued_on")) or timezone.localdate(certificate.issued_at),
        issuer=str(snapshot.get("issuer") or ""),
        valid_until=certificate.valid_until,
        state=state,
        revoked_at=certificate.revoked_at,
        revoked_reason=certificate.revoked_reason if state == State.REVOKED else "",
        name_withheld=bool(snapshot.get("name_withheld")),
    )


def certificate_title(certificate: Certificate, *, language: str) -> str:
    return text_in((certificate.snapshot or {}).get("titles"), language, certificate.language)[0]


def _certificate(fields: tuple[str, ...]) -> list[str]:
    return [f"certificate__{field}" for field in fields]


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _hours(value: Any) -> Decimal | str | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


# Scoped lists, and the certificates an administrator manages --------------------------------------------------------


def certificates_in_scope(scope: Scope) -> QuerySet[Certificate]:
    """Every certificate within ``scope`` (by where its learner was when she earned it: country and region), newest
    first: the one selector that reports, exports and the API list certificates through."""
    if scope.is_empty:
        return Certificate.objects.none()
    return scope.filter(Certificate.objects.all()).order_by("-issued_at", "-pk")


def manage_scope(user: User) -> Scope:
    """The certificates ``user`` administers (revokes, reissues, corrects names on): every one for a superuser,
    those of her partner site's country for a site administrator, none for anyone else (ministry officials see
    certificates in their reports but do not change them)."""
    if not user.is_authenticated:
        return NOBODY
    if user.is_superuser:
        return Scope(user_id=user.pk, everything=True)
    countries = RoleGrant.objects.filter(
        user=user, role=Role.SITE_ADMINISTRATOR, partner_site__isnull=False
    ).values_list("partner_site__country_id", flat=True)
    return Scope(user_id=user.pk, country_ids=frozenset(countries))


def certificate_can_manage(user: User, certificate: Certificate) -> bool:
    scope = manage_scope(user)
    return not scope.is_empty and scope.covers(country_id=certificate.country_id, region_id=certificate.region_id)


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    """The certificates on ``user``'s list: those she administers (``manage_scope``) and, as a trainer, those of
    the courses and workshops she teaches (``subjects.trainer_subject_keys``), which she sees but does not change."""
    scope = manage_scope(user)
    if scope.everything:
        return Certificate.objects.order_by("-issued_at", "-pk")
    keys = trainer_subject_keys(user)
    if scope.is_empty and not keys:
        return Certificate.objects.none()
    condition = Q(pk__in=[])
    if not scope.is_empty:
        condition |= scope.geography_q()
    if keys:
        condition |= Q(subject_key__in=sorted(keys))
    return Certificate.objects.filter(condition).order_by("-issued_at", "-pk")


def certificates_list_allowed(user: User) -> bool:
    """Whether ``user`` has a certificates list at all: administrators and trainers."""
    return user.is_authenticated and (not manage_scope(user).is_empty or bool(trainer_subject_keys(user)))


def certificates_managed_by(user: User, *, search: str = "", status: str = "") -> QuerySet[Certificate]:
    """The certificates on ``user``'s list (``certificates_visible_to``), newest first, found by code, the
    learner's name (as printed) or email; each with ``pending_corrections`` (True when a name correction waits)."""
    # Not select_related("user"): the list and the zip show what the certificate says (its snapshot), never the
    # account, and joining it would read every user row (password hash included) for each certificate listed.
    certificates = certificates_visible_to(user)
    search = search.strip()
    if search:
        from .codes import code_normalise

        code = code_normalise(search)
        condition = Q(snapshot__learner_name__icontains=search) | Q(user__email__iexact=search)
        if code:
            condition |= Q(code=code)
        certificates = certificates.filter(condition)
    if status in Certificate.Status.values:
        certificates = certificates.filter(status=status)
    # At most one correction is pending (a constraint): whether there is one is the count. A subquery, not a join
    # counted by GROUP BY, so that a page of the list reads 50 rows through the newest-first index and the
    # paginator's count reads no name corrections at all.
    pending = NameCorrection.objects.filter(certificate=OuterRef("pk"), status=NameCorrection.Status.PENDING)
    return certificates.annotate(pending_corrections=Exists(pending))


def certificate_managed_get(user: User, certificate_uuid: uuid.UUID | str) -> Certificate | None:
    """The certificate for its administrator's page, with its renditions and name corrections; None for anyone
    who does not administer it (the page then answers 404, saying nothing about it)."""
    certificate = certificates_in_scope(manage_scope(user)).select_related("user").filter(uuid=certificate_uuid).first()
    if certificate is None:
        return None
    certificate.rendition_list = list(certificate.renditions.all())
    certificate.correction_list = list(certificate.name_corrections.select_related("decided_by"))
    return certificate


def name_correction_pending(certificate: Certificate) -> NameCorrection | None:
    return certificate.name_corrections.filter(status=NameCorrection.Status.PENDING).first()


# Open Badges (badges.py) --------------------------------------------------------------------------------------------

_BADGE_FIELDS = (
    "id",
    "code",
    "uuid",
    "user_id",
    "subject_key",
    "language",
    "issued_at",
    "valid_until",
    "status",
    "revoked_reason",
)


def badge_certificate_get(certificate_uuid: Any) -> Certificate | None:
    """The certificate behind an assertion, with its learner's email address (``user`` is None once erased)."""
    return (
        Certificate.objects.select_related("user")
        .only(*_BADGE_FIELDS, "user__email")
        .filter(uuid=certificate_uuid)
        .first()
    )


def badge_certificate_for_learner(certificate_uuid: Any, user: Any) -> Certificate | None:
    """The certificate, for its learner (or a superuser) to download as a baked badge; None for anyone else."""
    if not user.is_authenticated:
        return None
    certificate = badge_certificate_get(certificate_uuid)
    if certificate is None or not (user.is_superuser or certificate.user_id == user.pk):
        return None
    return certificate


def badge_subject_source(subject_key: str) -> Certificate | None:
    """The first certificate issued for ``subject_key``: its snapshot names the BadgeClass, so the BadgeClass stays
    the same however many certificates follow."""
    return (
        Certificate.objects.only("id", "subject_key", "snapshot", "language")
        .filter(subject_key=subject_key)
        .order_by("issued_at", "pk")
        .first()
    )


def badge_revoked_list() -> list[Certificate]:
    return list(Certificate.objects.filter(status=Certificate.Status.REVOKED).only("id", "uuid").order_by("pk"))
