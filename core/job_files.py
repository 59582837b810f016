"""Files that background jobs make for the person who asked (exports, zips), shared by every app that makes them.

A job writes its file to a temporary file and hands it to :func:`job_file_save`, which stores it in the default
storage under a random name that never leaves the server, and returns what the job's result keeps (``file``,
``size``, ``expires_at``). Only the job's owner downloads it (the app's view finds the job with
``core.jobs.job_get_for_owner``, then :func:`job_file_open`), until it expires ``JOB_FILE_LIFETIME`` after it was
written. An expired file is deleted when its owner asks for it too late, when the next file is saved, and by the
hourly purge (``core.purge_finished_jobs``), whichever comes first.
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils import timezone

from .models import Job

JOB_FILE_LIFETIME = timedelta(hours=24)
JOB_FILES_DIRECTORY = "job-files"


def job_file_save(file: IO[bytes], *, extension: str) -> dict[str, Any]:
    """Store ``file`` (read from its start; a temporary file, never held in memory) and return the fields the job's
    result keeps: where it is, its size, when it expires. Expired files of earlier jobs are deleted first."""
    job_files_purge()
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    name = default_storage.save(f"{JOB_FILES_DIRECTORY}/{secrets.token_urlsafe(24)}.{extension}", File(file))
    return {"file": name, "size": size, "expires_at": (timezone.now() + JOB_FILE_LIFETIME).isoformat()}


def job_file_expires_at(job: Job) -> datetime | None:
    value = (job.result or {}).get("expires_at")
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def job_file_is_ready(job: Job, *, now: datetime | None = None) -> bool:
    """The job finished, made a file, and the file has not expired."""
    expires_at = job_file_expires_at(job)
    return (
        job.status == Job.Status.DONE
        and bool((job.result or {}).get("file"))
        and expires_at is not None
        and (now or timezone.now()) < expires_at
    )


def job_file_open(job: Job) -> IO[bytes] | None:
    """The job's file, open for reading; None when there is none or it has expired (an expired file is deleted
    now). The caller has checked that the requester owns the job."""
    name = (job.result or {}).get("file")
    if not job_file_is_ready(job):
        if name and job.status == Job.Status.DONE:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        return None
    try:
        return default_storage.open(name, "rb")
    except OSError:
        return None


def job_files_purge(*, now: datetime | None = None) -> int:
    """Delete the files whose time is up (written more than ``JOB_FILE_LIFETIME`` ago; also the files of jobs that
    died after saving them). Returns how many."""
    cutoff = (now or timezone.now()) - JOB_FILE_LIFETIME
    try:
        _directories, names = default_storage.listdir(JOB_FILES_DIRECTORY)
    except OSError:  # no file yet
        return 0
    deleted = 0
    for name in names:
        path = f"{JOB_FILES_DIRECTORY}/{name}"
        with contextlib.suppress(OSError):
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    return deleted


def job_file_response(file: IO[bytes], *, job: Job, stem: str, extension: str, content_type: str) -> FileResponse:
    """A job's file as a download named after the day it was made (``teachers-2026-12-07.csv``), that no cache
    keeps."""
    day = timezone.localdate(job.finished_at or timezone.now()).isoformat()
    response = FileResponse(file, as_attachment=True, filename=f"{stem}-{day}.{extension}", content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
