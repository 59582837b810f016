"""Certificate templates as site administrators edit them: who may edit which (selectors), the checks a template
passes before it is saved or previewed, and saving it with its images (services).

Who: a superuser edits every template, including those for every site (no partner site); a site administrator
only the templates of her own partner sites (``RoleGrant(role=SITE_ADMINISTRATOR, partner_site=...)``); nobody
else any. The checks are here, not in the views, so a script or another page gets the same ones.

What is saved has been rendered: the HTML and CSS pass the sandbox (``rendering.template_check``) and a whole PDF
is made from them on sample data in the template's language, with its images, before anything is written; any
problem xhtml2pdf reports (a font nobody embedded, an image it cannot read) refuses the save. Uploaded images are
PNG or JPEG (by their bytes, read by Pillow), at most 2 MB and 25 megapixels. They are written to storage only
after every check passed, in the transaction that saves the row; if that fails, the files written are removed, and
the files a save replaces are removed once it is committed.
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from accounts.models import PartnerSite, Role, RoleGrant, User
from core.pdf import PdfError

from .models import CertificateTemplate, Signatory
from .rendering import MAX_IMAGE_BYTES, Design, TemplateError, render_pdf, sample_values, template_check

logger = logging.getLogger("maktaba.certificates")

MAX_IMAGE_PIXELS = 25_000_000
MAX_SIGNATORIES = 3
IMAGE_FIELDS = ("background", "logo", "second_logo")
_IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg"}

# An image as a draft holds it: new bytes (an upload), the stored name of the file the template already has (kept),
# or None (no image).
ImageChoice = bytes | str | None


class TemplateRejected(TemplateError):
    """What is wrong with a template an administrator submitted (its images, its rules, its render): messages for
    her, in her language, like ``rendering.TemplateError`` for its HTML and CSS."""


@dataclass(frozen=True)
class SignatoryDraft:
    name: str
    title: str = ""
    signature: ImageChoice = None


@dataclass(frozen=True)
class TemplateDraft:
    """A template as submitted, not saved: what a preview renders and a save writes."""

    name: str
    language: str
    body: str
    css: str = ""
    orientation: str = CertificateTemplate.Orientation.LANDSCAPE
    issuer: str = ""
    partner_site: PartnerSite | None = None
    is_active: bool = True
    images: dict[str, ImageChoice] = field(default_factory=dict)
    signatories: tuple[SignatoryDraft, ...] = ()


# Selectors -----------------------------------------------------------------------------------------------------------


def template_sites_for(user: User) -> QuerySet[PartnerSite]:
    """The partner sites ``user`` may make templates for: every one for a superuser, her own for a site
    administrator, none for anyone else."""
    sites = PartnerSite.objects.select_related("site", "country").order_by("pk")
    if not user.is_authenticated:
        return sites.none()
    if user.is_superuser:
        return sites
    own = RoleGrant.objects.filter(user=user, role=Role.SITE_ADMINISTRATOR, partner_site__isnull=False)
    return sites.filter(pk__in=own.values("partner_site_id"))


def template_manager_is(user: User) -> bool:
    """Whether ``user`` edits any certificate templates at all (the pages answer 403 to anyone else)."""
    return user.is_authenticated and (user.is_superuser or template_sites_for(user).exists())


def templates_managed_by(user: User) -> QuerySet[CertificateTemplate]:
    """The templates ``user`` edits, by language and name, with their partner site."""
    templates = CertificateTemplate.objects.select_related("partner_site__site", "partner_site__country")
    if not user.is_authenticated:
        return templates.none()
    if not user.is_superuser:
        templates = templates.filter(partner_site__in=template_sites_for(user))
    return templates.order_by("language", "name", "pk")


def template_managed_get(user: User, pk: int) -> CertificateTemplate | None:
    """The template for its editor, with its signatories; None for anyone who does not edit it."""
    template = templates_managed_by(user).filter(pk=pk).first()
    if template is not None:
        template.signatory_list = list(template.signatories.all()[:MAX_SIGNATORIES])
    return template


def template_can_manage(user: User, template: CertificateTemplate) -> bool:
    return templates_managed_by(user).filter(pk=template.pk).exists()


# Checks --------------------------------------------------------------------------------------------------------------


def image_check(data: bytes) -> str:
    """The file extension (``png``, ``jpg``) of an uploaded image; raises ``TemplateRejected`` unless it is a PNG
    or JPEG of at most 2 MB and 25 megapixels that Pillow reads."""
    if len(data) > MAX_IMAGE_BYTES:
        raise TemplateRejected([_("The image is larger than 2 MB.")])
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise TemplateRejected([_("Only PNG and JPEG images can be used.")])
    try:
        # Only the header is read before the size is checked; Pillow refuses far larger images by itself.
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise TemplateRejected([_("The image has too many pixels: at most 25 megapixels.")])
            image.verify()
    except TemplateRejected:
        raise
    except Image.DecompressionBombError:
        raise TemplateRejected([_("The image has too many pixels: at most 25 megapixels.")]) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise TemplateRejected([_("The image cannot be read: it may be damaged.")]) from None
    if kind not in _IMAGE_FORMATS:
        raise TemplateRejected([_("Only PNG and JPEG images can be used.")])
    return _IMAGE_FORMATS[kind]


def template_draft_design(draft: TemplateDraft, *, template: CertificateTemplate | None = None) -> Design:
    """The draft as a ``Design``: new images from their bytes, kept ones read from the template's files."""
    kept = _stored_names(template)

    def image(choice: ImageChoice) -> bytes:
        if isinstance(choice, bytes):
            return choice
        if not choice:
            return b""
        if choice not in kept:  # only the template's own files
            raise PermissionDenied
        with default_storage.open(choice, "rb") as handle:
            return handle.read(MAX_IMAGE_BYTES + 1)[:MAX_IMAGE_BYTES]

    return Design(
        body=draft.body,
        css=draft.css,
        orientation=draft.orientation,
        issuer=draft.issuer,
        background=image(draft.images.get("background")),
        logo=image(draft.images.get("logo")),
        second_logo=image(draft.images.get("second_logo")),
        signatories=tuple(
            (item.name, item.title, image(item.signature)) for item in draft.signatories[:MAX_SIGNATORIES]
        ),
        template_id=template.pk if template else None,
        version=template.version if template else 0,
    )


def template_draft_render(draft: TemplateDraft, *, template: CertificateTemplate | None = None) -> bytes:
    """The PDF of the draft on sample data in its language; raises ``TemplateRejected`` naming every problem."""
    if len(draft.signatories) > MAX_SIGNATORIES:
        raise TemplateRejected([_("A template has at most three signatories.")])
    for choice in [*draft.images.values(), *(item.signature for item in draft.signatories)]:
        if isinstance(choice, bytes):
            image_check(choice)
    try:
        template_check(draft.body, draft.css)
    except TemplateError as error:
        raise TemplateRejected(list(error.messages)) from None
    design = template_draft_design(draft, template=template)
    try:
        return render_pdf(design, sample_values(draft.language), language=draft.language)
    except TemplateError as error:
        raise TemplateRejected(list(error.messages)) from None
    except PdfError as error:
        # xhtml2pdf's own words, with the server's folders left out.
        problems = [_without_paths(problem) for problem in (error.messages or [str(error)])]
        raise TemplateRejected(
            [_("The PDF could not be made from this template. The PDF renderer reported:"), *problems]
        ) from None


# Services ------------------------------------------------------------------------------------------------------------


def template_preview(*, user: User, draft: TemplateDraft, template: CertificateTemplate | None = None) -> bytes:
    """The PDF of a submitted (unsaved) template on sample data. Writes nothing."""
    _check_editor(user, draft=draft, template=template)
    return template_draft_render(draft, template=template)


def template_saved_preview(*, user: User, template: CertificateTemplate) -> bytes:
    """The PDF of a saved template on sample data in its language."""
    if not template_can_manage(user, template):
        raise PermissionDenied
    return template_draft_render(template_draft_from(template), template=template)


def template_draft_from(template: CertificateTemplate) -> TemplateDraft:
    """A saved template as a draft that keeps all its files."""
    return TemplateDraft(
        name=template.name,
        language=template.language,
        body=template.body,
        css=template.css,
        orientation=template.orientation,
        issuer=template.issuer,
        partner_site=template.partner_site,
        is_active=template.is_active,
        images={name: getattr(template, name).name or None for name in IMAGE_FIELDS},
        signatories=tuple(
            SignatoryDraft(name=item.name, title=item.title, signature=item.signature.name or None)
            for item in template.signatories.all()[:MAX_SIGNATORIES]
        ),
    )


def template_save(
    *, user: User, draft: TemplateDraft, template: CertificateTemplate | None = None
) -> CertificateTemplate:
    """Create (``template`` None) or change a template, after checking who asks and rendering the draft on sample
    data. Raises ``TemplateRejected`` (nothing written) or ``PermissionDenied``. A change raises its version."""
    _check_editor(user, draft=draft, template=template)
    if not draft.name.strip():
        raise TemplateRejected([_("Give the template a name.")])
    _check_in_use(draft, template=template)
    template_draft_render(draft, template=template)

    written: list[str] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            if template is None:
                row = CertificateTemplate(version=1)
            else:
                row = CertificateTemplate.objects.select_for_update().get(pk=template.pk)
                row.version += 1
            old_names = _stored_names(row)
            row.name, row.language, row.body, row.css = draft.name.strip(), draft.language, draft.body, draft.css
            row.orientation, row.issuer, row.partner_site = draft.orientation, draft.issuer.strip(), draft.partner_site
            row.is_active = draft.is_active
            for name in IMAGE_FIELDS:
                setattr(row, name, _store(draft.images.get(name), "certificates/templates/", old_names, written))
            row.save()
            row.signatories.all().delete()
            for position, item in enumerate(draft.signatories[:MAX_SIGNATORIES]):
                Signatory.objects.create(
                    template=row,
                    position=position,
                    name=item.name.strip(),
                    title=item.title.strip(),
                    signature=_store(item.signature, "certificates/signatures/", old_names, written),
                )
            replaced = sorted(old_names - _stored_names(row))
            transaction.on_commit(lambda: _delete_files(replaced))
    except IntegrityError:
        _delete_files(written)
        raise TemplateRejected([_in_use_message()]) from None
    except BaseException:
        _delete_files(written)
        raise
    logger.info("Certificate template %s (version %s) saved by user %s", row.pk, row.version, user.pk)
    return row


# Helpers -------------------------------------------------------------------------------------------------------------


def _check_editor(user: User, *, draft: TemplateDraft, template: CertificateTemplate | None) -> None:
    """She edits ``template`` (if any) and may give the draft its partner site (none: only a superuser)."""
    if not template_manager_is(user):
        raise PermissionDenied
    if template is not None and not template_can_manage(user, template):
        raise PermissionDenied
    if draft.partner_site is None:
        if not user.is_superuser:
            raise PermissionDenied
    elif not template_sites_for(user).filter(pk=draft.partner_site.pk).exists():
        raise PermissionDenied


def _check_in_use(draft: TemplateDraft, *, template: CertificateTemplate | None) -> None:
    if not draft.is_active:
        return
    others = CertificateTemplate.objects.filter(
        language=draft.language, partner_site=draft.partner_site, is_active=True
    )
    if template is not None:
        others = others.exclude(pk=template.pk)
    other = others.first()
    if other is not None:
        raise TemplateRejected([_in_use_message(other.name)])


def _in_use_message(name: str = "") -> str:
    if name:
        return _(
            "Another template, “%(name)s”, is in use for this language and partner site. Take it out of use first, "
            "or save this one as not in use."
        ) % {"name": name}
    return _(
        "Another template is in use for this language and partner site. Take it out of use first, or save this one "
        "as not in use."
    )


def _stored_names(template: CertificateTemplate | None) -> set[str]:
    if template is None or template.pk is None:
        return set()
    names = {getattr(template, name).name for name in IMAGE_FIELDS}
    names |= set(Signatory.objects.filter(template=template).values_list("signature", flat=True))
    return {name for name in names if name}


def _store(choice: ImageChoice, folder: str, kept: set[str], written: list[str]) -> str:
    """The stored name for an image: a new file for new bytes (named by us, not by the upload), the same name
    for a file the template keeps, empty for none."""
    if isinstance(choice, bytes):
        extension = image_check(choice)
        name = default_storage.save(f"{folder}{uuid.uuid4().hex}.{extension}", ContentFile(choice))
        written.append(name)
        return name
    if not choice:
        return ""
    if choice not in kept:
        raise PermissionDenied
    return choice


def _without_paths(message: str) -> str:
    for folder in sorted({str(settings.MEDIA_ROOT), str(settings.BASE_DIR)}, key=len, reverse=True):
        folder = folder.rstrip("/")
        message = message.replace(folder + "/", "").replace(folder, ".")
    return message


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - logged, the row is what matters
            logger.exception("Could not delete %s", name)
