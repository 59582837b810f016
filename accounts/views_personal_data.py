""" "Download my data" and "Delete my account", from her profile page.

- Download: a POST queues the zip (``data_export``), counted against ``data-export-user``; she follows it on core's
  job page (``core:job-detail``), which sends her on to the result page here; the email says when it is ready. Only
  she sees the result or downloads the zip (anyone else: 404), until it expires (then: 404 too, and the file goes).
- Delete: a page that says what happens, and a form where she types her password (or, without one, her email
  address or username) again. ``personal_data.account_erase`` erases everything in one transaction; she is signed
  out and sees a last page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.job_files import job_file_response
from core.models import Job
from core.ratelimit import ratelimit_hit

from . import data_export, personal_data
from .forms import AccountDeleteForm

EXPORT_RATE = "data-export-user"
DELETE_RATE = "account-delete-user"


@login_required
@require_POST
def data_export_request(request: HttpRequest) -> HttpResponse:
    """Queue the zip of her data and show its progress."""
    ratelimit_hit(request, group=EXPORT_RATE, key="user")
    with transaction.atomic():
        job = data_export.data_export_request(request.user)
    messages.success(
        request,
        _(
            "Your data is being collected. This page shows how far it has got; when it is ready, we will also send "
            "you an email. You can download it for 24 hours."
        ),
    )
    return redirect("core:job-detail", job_id=job.pk)


def _owned_export(request: HttpRequest, job_id) -> Job:
    job = data_export.data_export_get(job_id, owner=request.user)
    if job is None:
        raise Http404
    return job


@never_cache
@login_required
@require_GET
def data_export_result(request: HttpRequest, job_id) -> HttpResponse:
    """Her export: the zip to download until it expires, or where it has got."""
    job = _owned_export(request, job_id)
    context = {
        "job": job,
        "result": job.result or {},
        "ready": data_export.data_export_is_ready(job),
        "expires_at": data_export.data_export_expires_at(job),
    }
    return render(request, "accounts/data_export_result.html", context)


@never_cache
@login_required
@require_GET
def data_export_file(request: HttpRequest, job_id) -> HttpResponse:
    """The zip of her data, for her only, until it expires."""
    job = _owned_export(request, job_id)
    archive = data_export.data_export_open(job)
    if archive is None:
        raise Http404
    return job_file_response(archive, job=job, stem="maktaba-my-data", extension="zip", content_type="application/zip")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Say what deleting her account does; erase it once she has typed her password (or login) again."""
    user = request.user
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST":
        ratelimit_hit(request, group=DELETE_RATE, key="user")
        if form.is_valid():
            personal_data.account_erase(user, by=user)
            logout(request)  # this session ends now; every other one of hers at its next request
            return redirect("accounts:account-deleted")
    context = {"form": form, "keeps_certificates": personal_data.erasure_keeps_certificates()}
    return render(request, "accounts/account_delete.html", context, status=400 if form.errors else 200)


@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_deleted.html")
