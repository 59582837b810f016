"""Exports for ministries (``exports.py``): the page where an official chooses filters and asks for a CSV or XLSX of
the teachers in her scope, and the download of the finished file.

The filters come from the query string (``period_from``, ``period_to`` as YYYY-MM, ``region``, ``course``,
``language``), as on the dashboard, so a link can carry them; the request itself is a POST (CSRF) to the same
address with the query string, rate-limited per official, written to the audit log, and queued as a background
job she owns. She follows its progress on core's job page (``core:job-detail``), which sends her on to the result
page here. Only officials, site administrators and superusers get in (anyone else: 403); only the job's owner sees
its result or downloads its file (anyone else: 404), until it expires after 24 hours (then: 404, and the file is
deleted)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import audit_record
from accounts.scope import Scope
from accounts.selectors import scope_for
from core.job_files import job_file_expires_at, job_file_is_ready, job_file_open, job_file_response
from core.jobs import job_enqueue
from core.models import Job
from core.ratelimit import ratelimit_hit

from . import exports, selectors
from .filters import FILTER_FIELDS, ReportFilters, ReportFiltersForm

EXPORT_RATE = "reports-export-user"


def _scope_or_403(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not selectors.registry_allowed(scope):
        raise PermissionDenied
    return scope


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def exports_page(request: HttpRequest) -> HttpResponse:
    """GET: the filters and her latest exports. POST (to the same address, filters in the query string, the format
    in the body): queue the export."""
    scope = _scope_or_403(request)
    filtered = any(request.GET.get(name) for name in FILTER_FIELDS)
    form = ReportFiltersForm(request.GET if filtered or request.method == "POST" else None, scope=scope)
    format_error = ""
    if request.method == "POST":
        ratelimit_hit(request, group=EXPORT_RATE, key="user")
        file_format = request.POST.get("format", "")
        if file_format not in exports.FORMATS:
            format_error = _("Choose CSV or Excel (XLSX).")
        if form.is_valid() and not format_error:
            return _start(request, filters=form.filters(), file_format=file_format)
    elif form.is_bound:
        form.is_valid()  # errors shown next to the fields, before she asks for the file
    context = {
        "form": form,
        "format_error": format_error,
        "query": urlencode({name: request.GET[name] for name in FILTER_FIELDS if request.GET.get(name)}),
        "jobs": exports.export_jobs_of(request.user),
    }
    return render(request, "reports/exports.html", context, status=400 if form.errors or format_error else 200)


def _start(request: HttpRequest, *, filters: ReportFilters, file_format: str) -> HttpResponse:
    names = {"csv": "CSV", "xlsx": "Excel (XLSX)"}
    with transaction.atomic():
        job = job_enqueue(
            exports.EXPORT_TASK,
            kwargs={
                "requester_id": request.user.pk,
                "language": translation.get_language(),
                "file_format": file_format,
                "filters": filters.to_plain(),
            },
            owner_id=request.user.pk,
            label=_("Teachers and their certificates, %(format)s") % {"format": names[file_format]},
        )
        audit_record(
            actor=request.user, action="reports.export", detail=f"{file_format} job={job.pk} {filters.describe()}"
        )
    messages.success(
        request,
        _(
            "The export is being made. This page shows how far it has got; when it is ready, you can download it "
            "for 24 hours."
        ),
    )
    return redirect("core:job-detail", job_id=job.pk)


def _owned_job(request: HttpRequest, job_id) -> Job:
    job = exports.export_job_get(job_id, owner=request.user)
    if job is None:
        raise Http404
    return job


@never_cache
@login_required
@require_GET
def export_result(request: HttpRequest, job_id) -> HttpResponse:
    """One of her exports: the link to its file until it expires, or why there is none."""
    _scope_or_403(request)
    job = _owned_job(request, job_id)
    ready = job_file_is_ready(job)
    context = {
        "job": job,
        "result": job.result or {},
        "ready": ready,
        "expired": job.status == Job.Status.DONE and not ready,
        "expires_at": job_file_expires_at(job),
    }
    return render(request, "reports/exports_result.html", context)


@never_cache
@login_required
@require_GET
def export_file(request: HttpRequest, job_id) -> HttpResponse:
    """The file of one of her finished exports, for her only, until it expires (then 404, and it is deleted)."""
    _scope_or_403(request)
    job = _owned_job(request, job_id)
    file = job_file_open(job)
    if file is None:
        raise Http404
    file_format = job.result.get("format", "csv")
    return job_file_response(
        file, job=job, stem="teachers", extension=file_format, content_type=exports.CONTENT_TYPES[file_format]
    )
