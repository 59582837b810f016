"""Bulk work on the certificates an administrator manages, in the background (``tasks.py``), with progress:

- ``bulk_export`` writes a zip of the current PDFs of the certificates her list shows (its search and status
  filter), named ``<code>.pdf``, with a ``certificates.csv`` index (written through ``core.exports``, so no cell
  runs as a formula). PDFs are copied one at a time from storage into a temporary file, never all held in memory.
  The zip waits in the default storage under a random name that never leaves the server (``core.job_files``,
  shared with the other apps' exports); only the job's owner downloads it, through ``views_bulk``, until it
  expires (``EXPORT_LIFETIME``); expired files are deleted the next time anyone makes an export, by the daily
  purge, or when the owner asks for one too late.
- ``bulk_rerender`` renders again, with the template as it is now, every certificate in her scope written in
  one language (optionally only those of one partner site). The same bytes make no new rendition
  (``services.certificate_render``), so a second run changes nothing; one certificate that fails is recorded
  and the others go on.

Both check the requester's scope again when they run (``selectors.manage_scope``): a role taken away after the
request was queued leaves nothing to export or re-render.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import PartnerSite, Role, RoleGrant, User
from core.exports import SafeCSVWriter
from core.job_files import (
    JOB_FILE_LIFETIME,
    JOB_FILES_DIRECTORY,
    job_file_expires_at,
    job_file_is_ready,
    job_file_open,
    job_file_save,
    job_files_purge,
)
from core.jobs import job_get_for_owner, job_progress
from core.models import Job

from .codes import code_display
from .models import Certificate, Rendition
from .selectors import (
    State,
    certificate_facts,
    certificates_in_scope,
    certificates_list_allowed,
    certificates_managed_by,
    manage_scope,
)
from .services import certificate_render

logger = logging.getLogger("maktaba.certificates")

EXPORT_TASK = "certificates.bulk_export"
RERENDER_TASK = "certificates.bulk_rerender"
TASKS = (EXPORT_TASK, RERENDER_TASK)
EXPORT_DIRECTORY = JOB_FILES_DIRECTORY
EXPORT_LIFETIME = JOB_FILE_LIFETIME
INDEX_NAME = "certificates.csv"
PROGRESS_EVERY = 20  # certificates between two progress updates
MAX_FAILURES_KEPT = 200  # failures listed on the job (all of them are counted and logged)


def bulk_allowed(user: User) -> bool:
    """Whoever has a list of certificates (administrators, and trainers for their own courses and workshops) may
    download it as a zip."""
    return certificates_list_allowed(user)


def rerender_allowed(user: User) -> bool:
    """Superusers and site administrators: re-rendering changes certificates, which trainers do not."""
    return not manage_scope(user).is_empty


def rerender_partner_sites(user: User) -> QuerySet[PartnerSite]:
    """The partner sites she may narrow a re-render to: every one for a superuser, her own for a site
    administrator."""
    sites = PartnerSite.objects.select_related("site", "country").order_by("site__site_name", "pk")
    if user.is_superuser:
        return sites
    own = RoleGrant.objects.filter(user=user, role=Role.SITE_ADMINISTRATOR, partner_site__isnull=False)
    return sites.filter(pk__in=own.values("partner_site_id"))


# Zip of PDFs ---------------------------------------------------------------------------------------------------


def bulk_export(*, by: User, search: str = "", status: str = "", job_id: Any = None) -> dict[str, Any]:
    """Write the zip of the certificates ``by`` finds with ``search`` and ``status`` (as on her list) into the
    storage and return the job's result: where it is, when it expires, how many PDFs it holds. Run it inside
    ``translation.override`` of her language: the index's headings and statuses are written in it."""
    if not bulk_allowed(by):
        raise PermissionDenied
    language = translation.get_language()
    current = Rendition.objects.filter(certificate=OuterRef("pk"), is_current=True)
    certificates = certificates_managed_by(by, search=search, status=status).annotate(
        pdf_file=Subquery(current.values("file")[:1]), pdf_created_at=Subquery(current.values("created_at")[:1])
    )
    total = certificates.count()
    _progress(job_id, 0, total)
    states = {State.VALID: _("Valid"), State.REVOKED: _("Revoked"), State.EXPIRED: _("Expired")}
    not_ready = _("PDF not ready")
    done = exported = 0
    with tempfile.TemporaryFile() as archive_file, tempfile.TemporaryFile() as index_file:
        index_text = io.TextIOWrapper(index_file, encoding="utf-8-sig", newline="")
        index = SafeCSVWriter(index_text)
        index.writerow(
            [_("Verification code"), _("Awarded to"), _("Title"), _("Language"), _("Issued on"), _("Status"), _("File")]
        )
        with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for certificate in certificates.iterator(chunk_size=500):
                facts = certificate_facts(certificate, language=language)
                file_name = f"{certificate.code}.pdf"
                if certificate.pdf_file and _add_pdf(archive, certificate, file_name):
                    exported += 1
                else:
                    file_name = not_ready
                index.writerow(
                    [
                        code_display(certificate.code),
                        facts.learner_name,
                        facts.title,
                        certificate.language,
                        facts.issued_on.isoformat() if facts.issued_on else "",
                        states[facts.state],
                        file_name,
                    ]
                )
                done += 1
                if done % PROGRESS_EVERY == 0:
                    _progress(job_id, min(done, total), max(done, total))
            index_text.flush()
            index_file.seek(0)
            with archive.open(_entry(INDEX_NAME, timezone.now()), "w") as entry:
                shutil.copyfileobj(index_file, entry)
            index_text.detach()  # the temporary file closes itself; the wrapper must not close it twice
        stored = job_file_save(archive_file, extension="zip")  # deletes expired zips first
    _progress(job_id, done, max(done, total))
    logger.info("Certificates export of %d PDF(s) (of %d) for user %s", exported, done, by.pk)
    result: dict[str, Any] = {**stored, "total": done, "exported": exported, "not_ready": done - exported}
    if job_id is not None:
        result["url"] = _result_url(job_id)
    return result


def _add_pdf(archive: zipfile.ZipFile, certificate: Certificate, name: str) -> bool:
    """Copy the certificate's current PDF from storage into the zip (stored as it is: a PDF is compressed
    already). False when its file is missing."""
    try:
        source = default_storage.open(certificate.pdf_file, "rb")
    except OSError:
        logger.warning("Certificate %s: the file of its current PDF is missing", certificate.pk)
        return False
    with source, archive.open(_entry(name, certificate.pdf_created_at, compress=False), "w") as entry:
        shutil.copyfileobj(source, entry, length=256 * 1024)
    return True


def _entry(name: str, moment: datetime | None, *, compress: bool = True) -> zipfile.ZipInfo:
    moment = (moment or timezone.now()).astimezone(UTC)  # a zip has no time zone: UTC, as everywhere here
    info = zipfile.ZipInfo(name, date_time=(max(moment.year, 1980), *moment.timetuple()[1:6]))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def bulk_job_get(job_id: Any, *, owner: User) -> Job | None:
    """One of her bulk jobs (an export or a re-render); None for anyone else's, or another kind of job."""
    job = job_get_for_owner(job_id, owner_id=owner.pk)
    if job is None or job.task_name not in TASKS:
        return None
    return job


def bulk_export_expires_at(job: Job) -> datetime | None:
    return job_file_expires_at(job)


def bulk_export_is_ready(job: Job, *, now: datetime | None = None) -> bool:
    """Its zip can be downloaded: the export finished and has not expired."""
    return job.task_name == EXPORT_TASK and job_file_is_ready(job, now=now)


def bulk_export_open(job: Job) -> IO[bytes] | None:
    """The zip of a finished export, open for reading; None once it has expired (its file is then deleted)."""
    if job.task_name != EXPORT_TASK:
        return None
    return job_file_open(job)


def bulk_exports_purge(*, now: datetime | None = None) -> int:
    """Delete the zips (and other jobs' files) whose time is up. Returns how many."""
    return job_files_purge(now=now)


# Re-rendering ------------------------------------------------------------------------------------------------


def rerender_candidates(user: User, *, language: str, partner_site_id: int | None = None) -> QuerySet[Certificate]:
    """The certificates a re-render in ``language`` renders again: those in her scope, valid (a revoked
    certificate keeps its PDFs), with a PDF already (a certificate still being issued gets the current template
    anyway), optionally only those of one partner site."""
    current = Rendition.objects.filter(certificate=OuterRef("pk"), is_current=True)
    certificates = certificates_in_scope(manage_scope(user)).filter(
        Exists(current), language=language, status=Certificate.Status.VALID
    )
    if partner_site_id is not None:
        certificates = certificates.filter(partner_site_id=partner_site_id)
    return certificates.order_by("pk")


def bulk_rerender(*, by: User, language: str, partner_site_id: int | None = None, job_id: Any = None) -> dict[str, Any]:
    """Render the certificates of ``rerender_candidates`` again with their template as it is now (reason
    "template changed"). Returns counts (changed, unchanged, failed) and the failures, with their codes."""
    if not rerender_allowed(by):
        raise PermissionDenied
    if partner_site_id is not None and not rerender_partner_sites(by).filter(pk=partner_site_id).exists():
        raise PermissionDenied
    ids = list(rerender_candidates(by, language=language, partner_site_id=partner_site_id).values_list("pk", flat=True))
    total = len(ids)
    _progress(job_id, 0, total)
    changed = unchanged = skipped = 0
    failures: list[dict[str, str]] = []
    failed = 0
    for done, certificate_id in enumerate(ids, start=1):
        certificate = Certificate.objects.filter(pk=certificate_id, status=Certificate.Status.VALID).first()
        if certificate is None:  # revoked or deleted since the list was read
            skipped += 1
        else:
            before = certificate.renditions.filter(is_current=True).values_list("pk", flat=True).first()
            try:
                rendition = certificate_render(certificate, reason=Rendition.Reason.RERENDER)
            except Exception as error:  # one certificate that cannot be rendered must not stop the others
                logger.exception("Re-rendering certificate %s failed", certificate.pk)
                failed += 1
                if len(failures) < MAX_FAILURES_KEPT:
                    failures.append({"code": code_display(certificate.code), "error": str(error)[:500]})
            else:
                if rendition.pk == before:
                    unchanged += 1
                else:
                    changed += 1
        if done % PROGRESS_EVERY == 0:
            _progress(job_id, done, total)
    logger.info(
        "Re-render in %s by user %s: %d changed, %d unchanged, %d failed", language, by.pk, changed, unchanged, failed
    )
    result: dict[str, Any] = {
        "language": language,
        "partner_site_id": partner_site_id,
        "total": total,
        "changed": changed,
        "unchanged": unchanged,
        "skipped": skipped,
        "failed": failed,
        "failures": failures,
    }
    if job_id is not None:
        result["url"] = _result_url(job_id)
    return result


# Helpers -----------------------------------------------------------------------------------------------------


def _progress(job_id: Any, done: int, total: int) -> None:
    if job_id is not None:
        job_progress(job_id, done=done, total=total)


def _result_url(job_id: Any) -> str:
    """Where the job page sends her for the outcome (in the active language)."""
    return reverse("certificates:bulk-result", kwargs={"job_id": job_id})
