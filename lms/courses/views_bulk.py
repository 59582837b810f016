"""Bulk enrollment from a CSV file: upload → preview of every row → confirm → background job.

The parsed rows wait between the preview and the confirmation in the trainer's session, under a random
token that is part of the preview's address (one draft per course, a few at most). Nothing is written
before the confirmation, which checks the rows again; the job checks them once more before it writes.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exports import iter_csv
from core.jobs import job_enqueue, job_get_for_owner
from core.models import Job

from . import bulk
from .models import Course
from .selectors import user_can_manage_course

SESSION_KEY = "courses.bulk_enrollment"
MAX_DRAFTS = 3
DRAFT_LIFETIME = 24 * 3600  # seconds
PAGE_SIZE = 100
ERRORS_SHOWN = 50


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("Up to 5 MB and 5,000 teachers. Nothing is changed before you confirm."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.parsed = bulk.bulk_parse(upload)
        except bulk.BulkFileError as error:
            raise forms.ValidationError(error.messages, code="invalid_csv") from error
        return upload


def _managed_course(request: HttpRequest, course_uuid) -> Course:
    course = get_object_or_404(Course, uuid=course_uuid)
    if not user_can_manage_course(request.user, course):
        raise PermissionDenied
    return course


# Drafts in the session -----------------------------------------------------------------------------------


def _draft_save(request: HttpRequest, course: Course, parsed: bulk.ParsedFile, *, filename: str) -> str:
    """Keep the parsed rows for the preview and the confirmation; returns the draft's token. A new upload
    for the same course replaces the previous draft; old drafts go."""
    drafts: dict[str, Any] = request.session.get(SESSION_KEY, {})
    now = time.time()
    drafts = {
        token: draft
        for token, draft in drafts.items()
        if draft.get("course") != course.pk and now - draft.get("created", 0) < DRAFT_LIFETIME
    }
    for token in sorted(drafts, key=lambda token: drafts[token]["created"])[: max(0, len(drafts) - MAX_DRAFTS + 1)]:
        del drafts[token]
    token = secrets.token_urlsafe(16)
    drafts[token] = {
        "course": course.pk,
        "created": now,
        "filename": filename[:200],
        "language": translation.get_language(),
        "encoding": parsed.encoding,
        "ignored": parsed.ignored_columns[:20],
        "rows": [list(row) for row in parsed.rows],
    }
    request.session[SESSION_KEY] = drafts
    return token


def _draft(request: HttpRequest, course: Course, token: str) -> dict[str, Any] | None:
    draft = request.session.get(SESSION_KEY, {}).get(token)
    if draft is None or draft.get("course") != course.pk or time.time() - draft["created"] > DRAFT_LIFETIME:
        return None
    try:
        rows = [bulk.SourceRow.load(row) for row in draft["rows"]]
    except (TypeError, ValueError):
        return None
    return {**draft, "source_rows": rows}  # a copy: the session keeps the compact form


def _draft_delete(request: HttpRequest, token: str) -> None:
    drafts = request.session.get(SESSION_KEY, {})
    if drafts.pop(token, None) is not None:
        request.session[SESSION_KEY] = drafts


def _expired(course: Course) -> HttpResponse:
    return redirect("courses:enrollment-bulk-upload", course_uuid=course.uuid)


def _check(draft: dict[str, Any], course: Course) -> bulk.BulkCheck:
    return bulk.bulk_validate(draft["source_rows"], course=course, default_language=draft["language"])


# Views ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bulk_upload(request: HttpRequest, course_uuid) -> HttpResponse:
    course = _managed_course(request, course_uuid)
    if request.method == "POST":
        form = BulkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            token = _draft_save(request, course, form.parsed, filename=upload.name or "")
            return redirect("courses:enrollment-bulk-preview", course_uuid=course.uuid, token=token)
    else:
        form = BulkUploadForm()
    return render(
        request,
        "courses/bulk_upload.html",
        {
            "course": course,
            "form": form,
            "columns": bulk.COLUMNS,
            "max_rows": bulk.MAX_ROWS,
            "jobs": list(bulk.bulk_jobs_for(owner=request.user, course=course)[:5]),
        },
    )


@login_required
@require_GET
def bulk_preview(request: HttpRequest, course_uuid, token: str) -> HttpResponse:
    course = _managed_course(request, course_uuid)
    draft = _draft(request, course, token)
    if draft is None:
        messages.error(request, _("This preview has expired. Upload the file again."))
        return _expired(course)
    check = _check(draft, course)
    error_rows = check.error_rows
    return render(
        request,
        "courses/bulk_preview.html",
        {
            "course": course,
            "token": token,
            "draft": draft,
            "check": check,
            "encoding": bulk.encoding_label(draft["encoding"]),
            "encoding_guessed": draft["encoding"] in bulk.GUESSED_ENCODINGS,
            "error_rows": error_rows[:ERRORS_SHOWN],
            "more_errors": max(0, len(error_rows) - ERRORS_SHOWN),
            "page_obj": Paginator(check.rows, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_GET
def bulk_errors(request: HttpRequest, course_uuid, token: str) -> HttpResponse:
    """The rows that cannot be enrolled, with the reasons, as a CSV file to correct."""
    course = _managed_course(request, course_uuid)
    draft = _draft(request, course, token)
    if draft is None:
        raise Http404
    check = _check(draft, course)
    header = [_("Row"), "email", "username", "full_name", "country", "region", "institution", "language", _("Problem")]
    rows = ([*row.source, " ".join(row.errors)] for row in check.error_rows)
    response = StreamingHttpResponse(iter_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="enrollment-problems.csv"'
    return response


@login_required
@require_POST
def bulk_commit(request: HttpRequest, course_uuid, token: str) -> HttpResponse:
    """Check the rows again (accounts may have changed since the preview) and queue the enrollment."""
    course = _managed_course(request, course_uuid)
    draft = _draft(request, course, token)
    if draft is None:
        messages.error(request, _("This preview has expired. Upload the file again."))
        return _expired(course)
    check = _check(draft, course)
    back = redirect("courses:enrollment-bulk-preview", course_uuid=course.uuid, token=token)
    if not check.is_valid:
        messages.error(request, _("Some rows cannot be enrolled any more. Nobody was enrolled; see below."))
        return back
    if str(check.to_enroll_count) != request.POST.get("count") or not check.to_enroll_count:
        messages.error(request, _("The list has changed since you looked at it. Check it again and confirm."))
        return back
    count = check.to_enroll_count
    with transaction.atomic():
        job = job_enqueue(
            bulk.TASK_NAME,
            kwargs={
                "course_id": course.pk,
                "trainer_id": request.user.pk,
                "rows": draft["rows"],
                "default_language": draft["language"],
                "site_url": request.build_absolute_uri("/"),
            },
            owner_id=request.user.pk,
            label=ngettext(
                "Enroll %(count)s teacher in “%(course)s”", "Enroll %(count)s teachers in “%(course)s”", count
            )
            % {"count": count, "course": course.localized_title},
        )
    _draft_delete(request, token)
    messages.success(
        request,
        _(
            "The enrollment has started. When it has finished, its results (and any one-time passwords) are "
            "on the course's CSV enrollment page."
        ),
    )
    return redirect("core:job-detail", job_id=job.pk)


def _owned_job(request: HttpRequest, course: Course, job_id) -> Job:
    job = job_get_for_owner(job_id, owner_id=request.user.pk)
    if job is None or job.task_name != bulk.TASK_NAME:
        raise Http404
    if course.pk not in (job.kwargs.get("course_id"), job.result.get("course_id")):
        raise Http404
    return job


@login_required
@require_GET
def bulk_result(request: HttpRequest, course_uuid, job_id) -> HttpResponse:
    """What a bulk enrollment job did (or why it wrote nothing), for the trainer who started it."""
    course = _managed_course(request, course_uuid)
    job = _owned_job(request, course, job_id)
    result = job.result or {}
    response = render(
        request,
        "courses/bulk_result.html",
        {
            "course": course,
            "job": job,
            "result": result,
            "errors": result.get("errors", [])[:ERRORS_SHOWN],
            "more_errors": max(0, len(result.get("errors", [])) - ERRORS_SHOWN),
            "passwords_waiting": job.status == Job.Status.DONE and bool(result.get("one_time_passwords")),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def bulk_passwords(request: HttpRequest, course_uuid, job_id) -> HttpResponse:
    """The usernames and one-time passwords of the accounts a job created, as a CSV file, once: they are
    removed from the job as they are handed over."""
    course = _managed_course(request, course_uuid)
    job = _owned_job(request, course, job_id)
    passwords = bulk.bulk_passwords_take(job_id=job.pk, owner=request.user)
    if passwords is None:
        messages.error(request, _("These one-time passwords have already been downloaded."))
        return redirect("courses:enrollment-bulk-result", course_uuid=course.uuid, job_id=job.pk)
    header = [_("Row"), _("Full name"), _("Username"), _("One-time password")]
    rows = ([item["row"], item["full_name"], item["username"], item["password"]] for item in passwords)
    response = StreamingHttpResponse(iter_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="one-time-passwords-{job.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response
