"""Exports of teachers for ministries: who is in the requester's scope and what each one has earned, as CSV or XLSX,
made in the background (``tasks.py``) and downloaded by the requester only, for 24 hours (``core.job_files``).

Shape: one row per teacher, the same columns in both formats. One sheet sorts, filters and sums in any spreadsheet
without joining anything, and a CSV can hold exactly what the XLSX holds (several sheets, or a zip of CSVs joined
by an account number, would ask officials to join tables themselves; the detail of each certificate stays
readable in its cell). Columns: account number, name, national teacher ID, country, region, school,
language; the ICT CFT cells she has reached ("1.1, 3.2": aspect.level, as the framework and the certificates
number them); then for certificates, completed courses and sessions attended a count (a number, to sort and
sum) and the list ("code · course · issued on · status; ..."). Headers, course titles, statuses and country names
are in the requester's language (run inside ``translation.override``); dates are ISO (YYYY-MM-DD). No email
address or other contact detail leaves the platform through an export: what the registry shows, no more.
Every cell goes through ``core.exports``, so a name such as ``=HYPERLINK(...)`` is text, never a formula.

Filters (``ReportFilters``; the page validates them with a form):
- region: teachers of that region (one inside the scope; another region simply gives no row);
- language: teachers who use the platform in that language (their preferred language);
- course: teachers enrolled in that course; their certificates, completions and sessions are those of that
  course only (sessions that are steps of the course);
- period (months, both ends included): certificates issued, courses completed and sessions attended in it;
  teachers with nothing in the period are still listed (with zeros), so the sheet also shows who did nothing in
  it. The ICT CFT cells are those reached by the end of the period, whatever the course filter: a
  profile, not an activity.

Scope: teachers by their current country and region (``selectors.teachers_in_scope``); their certificates and
completions by where they were when they earned them (``certificates_in_scope``, ``scoped_enrollments``), as on
every other ministry page, so nothing outside the scope is ever read.

Memory and queries: teachers are read with ``.iterator(chunk_size=...)`` and, for each chunk, four queries fetch
everything its rows show (certificates, completions, competency cells, attendance): the number of queries depends
on the number of chunks, never on what a teacher has. Rows are written to a temporary file as they come, then the
file is stored; a million teachers never sit in memory. Past a worksheet's 1,048,575 rows the XLSX goes on in a
second sheet with the same header (``core.exports.write_xlsx``).
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import Scope
from accounts.selectors import scope_for
from certificates.selectors import State, certificate_facts, certificates_in_scope
from core.exports import SafeCSVWriter, write_xlsx
from core.job_files import job_file_expires_at, job_file_is_ready, job_file_save
from core.jobs import job_get_for_owner, job_progress
from core.models import Job
from lms.courses.models import Course, Enrollment
from lms.courses.selectors import scoped_enrollments
from webinars.models import Attendance, Session

from .filters import ReportFilters
from .selectors import registry_allowed, teachers_in_scope

logger = logging.getLogger("maktaba.reports")

EXPORT_TASK = "reports.export"
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_SIZE = 1000  # teachers per chunk: one round of four queries each
SEPARATOR = "; "


# The rows --------------------------------------------------------------------------------------------------------


def export_header() -> list[str]:
    """The column headings, in the active language."""
    return [
        _("Account number"),
        _("Name"),
        _("National teacher ID"),
        _("Country"),
        _("Region"),
        _("School or institution"),
        _("Language"),
        _("ICT CFT competencies reached"),
        _("Certificates"),
        _("Certificates: code · course · issued on · status"),
        _("Completed courses"),
        _("Completed courses: course · completed on"),
        _("Sessions attended"),
        _("Sessions attended: event · session · date"),
    ]


def export_teachers(scope: Scope, filters: ReportFilters) -> QuerySet[User]:
    """The teachers the export lists, one row each, by name."""
    teachers = teachers_in_scope(scope).only(
        "id",
        "full_name",
        "email",
        "username",
        "national_teacher_id",
        "preferred_language",
        "country__code",
        "country__name",
        "region__name",
        "institution__name",
    )
    if filters.region_id:
        teachers = teachers.filter(region_id=filters.region_id)
    if filters.language:
        teachers = teachers.filter(preferred_language=filters.language)
    if filters.course_id:
        teachers = teachers.filter(
            Exists(Enrollment.objects.filter(user_id=OuterRef("pk"), course_id=filters.course_id))
        )
    return teachers


def export_rows(
    scope: Scope,
    filters: ReportFilters,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[int], None] | None = None,
) -> Iterator[list[Any]]:
    """Yield one row per teacher in ``scope`` matching ``filters`` (columns as ``export_header``), in the active
    language. A fixed number of queries per chunk of ``chunk_size`` teachers; ``on_chunk(rows so far)`` is called
    after each chunk (for progress)."""
    if scope.is_empty:
        return
    language = get_language() or "en"
    reader = _ChunkReader(scope, filters, language=language)
    done = 0
    teachers = export_teachers(scope, filters).iterator(chunk_size=chunk_size)
    while chunk := list(islice(teachers, chunk_size)):
        details = reader.read([teacher.pk for teacher in chunk])
        for teacher in chunk:
            yield _row(teacher, details, language=language)
        done += len(chunk)
        if on_chunk is not None:
            on_chunk(done)


@dataclass
class _Details:
    certificates: dict[int, list[str]]
    completions: dict[int, list[str]]
    cells: dict[int, set[tuple[int, int]]]
    sessions: dict[int, list[str]]


class _ChunkReader:
    """What the rows of one chunk of teachers show, in four queries."""

    def __init__(self, scope: Scope, filters: ReportFilters, *, language: str) -> None:
        self.scope = scope
        self.filters = filters
        self.language = language
        self.subject_key = ""
        if filters.course_id:  # read once, not per chunk
            course = Course.objects.filter(pk=filters.course_id).only("uuid").first()
            self.subject_key = course.subject_key if course else "course:none"
        self.states = {State.VALID: _("Valid"), State.REVOKED: _("Revoked"), State.EXPIRED: _("Expired")}

    def read(self, ids: list[int]) -> _Details:
        return _Details(
            certificates=self._certificates(ids),
            completions=self._completions(ids),
            cells=self._cells(ids),
            sessions=self._sessions(ids),
        )

    def _certificates(self, ids: list[int]) -> dict[int, list[str]]:
        certificates = (
            certificates_in_scope(self.scope)
            .filter(user_id__in=ids)
            .only("id", "user_id", "code", "snapshot", "language", "issued_at", "valid_until", "status", "revoked_at")
            .order_by("user_id", "issued_at", "pk")
        )
        if self.filters.starts_at:
            certificates = certificates.filter(issued_at__gte=self.filters.starts_at)
        if self.filters.ends_before:
            certificates = certificates.filter(issued_at__lt=self.filters.ends_before)
        if self.subject_key:
            certificates = certificates.filter(subject_key=self.subject_key)
        found: dict[int, list[str]] = defaultdict(list)
        for certificate in certificates:
            facts = certificate_facts(certificate, language=self.language)
            issued_on = facts.issued_on.isoformat() if facts.issued_on else ""
            found[certificate.user_id].append(
                " · ".join(part for part in (facts.code_display, facts.title, issued_on, self.states[facts.state]))
            )
        return found

    def _completions(self, ids: list[int]) -> dict[int, list[str]]:
        enrollments = (
            self._completed(ids)
            .select_related("course")
            .only("id", "user_id", "completed_at", "course__id", "course__title", "course__titles")
        )
        if self.filters.starts_at:
            enrollments = enrollments.filter(completed_at__gte=self.filters.starts_at)
        if self.filters.course_id:
            enrollments = enrollments.filter(course_id=self.filters.course_id)
        found: dict[int, list[str]] = defaultdict(list)
        for enrollment in enrollments.order_by("user_id", "completed_at", "pk"):
            completed_on = timezone.localdate(enrollment.completed_at).isoformat()
            found[enrollment.user_id].append(f"{enrollment.course.localized_title} · {completed_on}")
        return found

    def _cells(self, ids: list[int]) -> dict[int, set[tuple[int, int]]]:
        """The ICT CFT cells each teacher's completed courses evidence (by the end of the period)."""
        rows = (
            self._completed(ids)
            .filter(course__competencies__isnull=False)
            .values_list("user_id", "course__competencies__aspect", "course__competencies__level")
            .order_by()
            .distinct()
        )
        found: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for user_id, aspect, level in rows:
            found[user_id].add((aspect, level))
        return found

    def _completed(self, ids: list[int]) -> QuerySet[Enrollment]:
        enrollments = scoped_enrollments(scope=self.scope).filter(user_id__in=ids, completed_at__isnull=False)
        if self.filters.ends_before:
            enrollments = enrollments.filter(completed_at__lt=self.filters.ends_before)
        return enrollments

    def _sessions(self, ids: list[int]) -> dict[int, list[str]]:
        attendance = (
            Attendance.objects.filter(user_id__in=ids, attended=True)
            .select_related("session__event")
            .only("id", "user_id", "session__id", "session__title", "session__starts_at", "session__event__title")
            .order_by("user_id", "session__starts_at", "pk")
        )
        if self.filters.starts_at:
            attendance = attendance.filter(session__starts_at__gte=self.filters.starts_at)
        if self.filters.ends_before:
            attendance = attendance.filter(session__starts_at__lt=self.filters.ends_before)
        if self.filters.course_id:
            steps = Session.objects.filter(course_steps__course_id=self.filters.course_id).values("pk")
            attendance = attendance.filter(session__in=steps)
        found: dict[int, list[str]] = defaultdict(list)
        for mark in attendance:
            session = mark.session
            parts = [session.event.title]
            if session.title and session.title != session.event.title:
                parts.append(session.title)
            parts.append(timezone.localdate(session.starts_at).isoformat())
            found[mark.user_id].append(" · ".join(parts))
        return found


def _row(teacher: User, details: _Details, *, language: str) -> list[Any]:
    certificates = details.certificates.get(teacher.pk, [])
    completions = details.completions.get(teacher.pk, [])
    sessions = details.sessions.get(teacher.pk, [])
    cells = sorted(details.cells.get(teacher.pk, ()))
    return [
        teacher.pk,
        teacher.full_name or teacher.login,
        teacher.national_teacher_id,
        teacher.country.local_name if teacher.country else "",
        teacher.region.name if teacher.region else "",
        teacher.institution.name if teacher.institution else "",
        _language_name(teacher.preferred_language),
        ", ".join(f"{aspect}.{level}" for aspect, level in cells),
        len(certificates),
        SEPARATOR.join(certificates),
        len(completions),
        SEPARATOR.join(completions),
        len(sessions),
        SEPARATOR.join(sessions),
    ]


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"]) if code else ""
    except KeyError:
        return code


# Writing the file (the background job) ----------------------------------------------------------------------------


def export_build(*, by: User, file_format: str, filters: ReportFilters, job_id: Any = None) -> dict[str, Any]:
    """Write the export ``by`` asked for into the storage and return the job's result (where the file is, when it
    expires, how many rows). Her scope is read again now: a role taken away since the request leaves nothing to
    export. Run it inside ``translation.override`` of her language."""
    scope = scope_for(by)
    if not registry_allowed(scope):
        raise PermissionDenied
    if file_format not in FORMATS:
        raise ValueError(f"Unknown export format {file_format!r}")
    total = export_teachers(scope, filters).count()
    _progress(job_id, 0, total)

    def progress(done: int) -> None:
        _progress(job_id, done, max(done, total))

    rows = export_rows(scope, filters, on_chunk=progress)
    counted = _Counted(rows)
    with tempfile.TemporaryFile() as file:
        if file_format == "csv":
            text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
            writer = SafeCSVWriter(text)
            writer.writerow(export_header())
            writer.writerows(counted)
            text.flush()
            text.detach()  # the temporary file closes itself; the wrapper must not close it
        else:
            write_xlsx(file, header=export_header(), rows=counted, title=_("Teachers"))
        stored = job_file_save(file, extension=file_format)
    _progress(job_id, counted.count, max(counted.count, total))
    logger.info("Reports export (%s) of %d teacher(s) for user %s", file_format, counted.count, by.pk)
    result: dict[str, Any] = {**stored, "format": file_format, "rows": counted.count}
    if job_id is not None:
        result["url"] = reverse("reports:export-result", kwargs={"job_id": job_id})
    return result


class _Counted:
    """Rows passed through, counted."""

    def __init__(self, rows: Iterator[list[Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def _progress(job_id: Any, done: int, total: int) -> None:
    if job_id is not None:
        job_progress(job_id, done=done, total=total)


# Her exports -----------------------------------------------------------------------------------------------------


def export_jobs_of(user: User, *, limit: int = 10) -> list[Job]:
    """Her latest exports, newest first, each with ``ready`` (its file can be downloaded now)."""
    jobs = list(Job.objects.filter(owner_id=user.pk, task_name=EXPORT_TASK).order_by("-created_at")[:limit])
    for job in jobs:
        job.ready = job_file_is_ready(job)
        job.expires_at = job_file_expires_at(job)
    return jobs


def export_job_get(job_id: Any, *, owner: User) -> Job | None:
    """One of her exports; None for anyone else's job, or another kind of job."""
    job = job_get_for_owner(job_id, owner_id=owner.pk)
    return job if job is not None and job.task_name == EXPORT_TASK else None
