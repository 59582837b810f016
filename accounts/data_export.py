""" "Download my data": a zip of everything a teacher's account holds, made in the background (``tasks.py``).

The zip holds ``data.json`` (``personal_data.personal_data_export``: her account and each app's part) and the files
the apps give (her certificates' current PDFs). It is kept like every file a job makes for its requester
(``core.job_files``): under a random name that never leaves the server, for ``JOB_FILE_LIFETIME`` (24 hours), then
gone (404) and deleted. Only she downloads it, through ``views_personal_data``. She is told by email, in her
language, when it is ready. The same job page as every other background job shows its progress (``core:job-detail``).
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.job_files import JOB_FILE_LIFETIME, job_file_expires_at, job_file_is_ready, job_file_open, job_file_save
from core.jobs import job_enqueue, job_get_for_owner, job_progress
from core.mail import email_send
from core.models import Job

from .models import User
from .personal_data import personal_data_export, personal_data_files

logger = logging.getLogger("maktaba.accounts")

EXPORT_TASK = "accounts.personal_data_export"
DATA_NAME = "data.json"


def data_export_request(user: User) -> Job:
    """Queue her export (owned by her, so only she follows it and downloads it). Call inside a transaction: the
    job is published when it commits."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    return job_enqueue(
        EXPORT_TASK,
        kwargs={"user_id": user.pk},
        owner_id=user.pk,
        label=_("Your data as a zip file"),
    )


def data_export_build(user_id: int, *, job_id: Any = None) -> dict[str, Any]:
    """Write her zip into the storage and tell her by email; return the job's result (where the zip is, when it
    expires). An account erased or deactivated since she asked gets nothing."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return {}
    files = list(personal_data_files(user))
    total = len(files) + 1
    _progress(job_id, 0, total)
    now = timezone.now()
    data = {
        "format": "maktaba-personal-data/1",
        "exported_at": now.isoformat(),
        "site": settings.SITE_URL,
        **personal_data_export(user),
    }
    added = 0
    with tempfile.TemporaryFile() as archive_file:
        with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_entry(DATA_NAME, now), json.dumps(data, ensure_ascii=False, indent=2))
            _progress(job_id, 1, total)
            for done, (name, stored) in enumerate(files, start=2):
                if _add_file(archive, name, stored, moment=now):
                    added += 1
                _progress(job_id, done, total)
        result: dict[str, Any] = {**job_file_save(archive_file, extension="zip"), "files": added}
    if job_id is not None:
        with translation.override(user.preferred_language):
            path = reverse("accounts:data-export-result", kwargs={"job_id": job_id})
        result["url"] = path
        if user.email:  # an account without one follows the job page instead
            email_send(
                to=user.email,
                language=user.preferred_language,
                template="accounts/email/data_export_ready",
                context={
                    "user": user,
                    "result_url": settings.SITE_URL.rstrip("/") + path,
                    "valid_hours": int(JOB_FILE_LIFETIME.total_seconds() // 3600),
                },
            )
    logger.info("Personal data export for user %s: %d file(s), %d bytes", user.pk, added, result["size"])
    return result


def _add_file(archive: zipfile.ZipFile, name: str, stored: str, *, moment: datetime) -> bool:
    """Copy one file from the storage into the zip, a chunk at a time; False when it is missing."""
    try:
        source = default_storage.open(stored, "rb")
    except OSError:
        logger.warning("Personal data export: the file %s is missing", stored)
        return False
    with source, archive.open(_entry(name, moment, compress=False), "w") as entry:
        shutil.copyfileobj(source, entry, length=256 * 1024)
    return True


def _entry(name: str, moment: datetime, *, compress: bool = True) -> zipfile.ZipInfo:
    moment = moment.astimezone(UTC)
    info = zipfile.ZipInfo(name, date_time=(max(moment.year, 1980), *moment.timetuple()[1:6]))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _progress(job_id: Any, done: int, total: int) -> None:
    if job_id is not None:
        job_progress(job_id, done=done, total=total)


# Reading it back (her only) --------------------------------------------------------------------------------------


def data_export_get(job_id: Any, *, owner: User) -> Job | None:
    """One of her exports; None for anyone else's, or for another kind of job."""
    if not owner.is_authenticated:
        return None
    job = job_get_for_owner(job_id, owner_id=owner.pk)
    if job is None or job.task_name != EXPORT_TASK:
        return None
    return job


def data_export_expires_at(job: Job) -> datetime | None:
    return job_file_expires_at(job)


def data_export_is_ready(job: Job, *, now: datetime | None = None) -> bool:
    return job_file_is_ready(job, now=now)


def data_export_open(job: Job) -> IO[bytes] | None:
    """Her finished zip, open for reading; None once it has expired (its file is then deleted) or is missing."""
    return job_file_open(job)
