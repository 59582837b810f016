"""Administrators' bulk work on certificates (``bulk.py``): a zip of the PDFs her list shows, and re-rendering
after a template change. Both are queued as background jobs owned by the requester; she follows them on core's
job page (``core:job-detail``), which sends her on to the result page here. Only superusers and site
administrators get in (anyone else: 403), only the job's owner sees its result or downloads its zip (anyone
else: 404), and a zip can be downloaded until it expires (then: 410)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import PartnerSite, User
from core.job_files import job_file_response
from core.jobs import job_enqueue
from core.models import Job

from . import bulk
from .models import Certificate


def _require_administrator(request: HttpRequest) -> None:
    if not bulk.bulk_allowed(request.user):
        raise PermissionDenied


class RerenderForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the certificates"),
        help_text=gettext_lazy("Every certificate written in this language is rendered again."),
    )
    partner_site = forms.ModelChoiceField(
        label=gettext_lazy("Partner site"),
        queryset=PartnerSite.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every site"),
        help_text=gettext_lazy("Choose a site to render again only the certificates of its learners."),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_translated"]) for code, _name in settings.LANGUAGES
        ]
        self.fields["partner_site"].queryset = bulk.rerender_partner_sites(user)


@login_required
@require_POST
def bulk_download(request: HttpRequest) -> HttpResponse:
    """Queue a zip of the certificates her list shows with its current search and status filter."""
    _require_administrator(request)
    search = request.POST.get("q", "").strip()[:200]
    status = request.POST.get("status", "")
    if status not in Certificate.Status.values:
        status = ""
    with transaction.atomic():
        job = job_enqueue(
            bulk.EXPORT_TASK,
            kwargs={
                "requester_id": request.user.pk,
                "language": translation.get_language(),
                "search": search,
                "status": status,
            },
            owner_id=request.user.pk,
            label=_("Certificates as a zip file"),
        )
    messages.success(
        request,
        _(
            "The zip file is being made. This page shows how far it has got; when it is ready, you can download it "
            "for 24 hours."
        ),
    )
    return redirect("core:job-detail", job_id=job.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def bulk_rerender(request: HttpRequest) -> HttpResponse:
    """Render again, with the template as it is now, every certificate in her scope written in one language."""
    if not bulk.rerender_allowed(request.user):
        raise PermissionDenied
    # ?language=…&partner_site=… fills the form in, for a link from a template that was just changed.
    initial = {"language": request.GET.get("language", ""), "partner_site": request.GET.get("partner_site", "")}
    form = RerenderForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        partner_site = form.cleaned_data["partner_site"]
        language_name = get_language_info(language)["name_translated"]
        with transaction.atomic():
            job = job_enqueue(
                bulk.RERENDER_TASK,
                kwargs={
                    "requester_id": request.user.pk,
                    "language": language,
                    "partner_site_id": partner_site.pk if partner_site else None,
                    "page_language": translation.get_language(),
                },
                owner_id=request.user.pk,
                label=_("Render the certificates in %(language)s again") % {"language": language_name},
            )
        messages.success(
            request,
            _("The certificates are being rendered again. This page shows how far it has got."),
        )
        return redirect("core:job-detail", job_id=job.pk)
    return render(request, "certificates/manage/bulk_rerender.html", {"form": form}, status=400 if form.errors else 200)


def _owned_job(request: HttpRequest, job_id) -> Job:
    job = bulk.bulk_job_get(job_id, owner=request.user)
    if job is None:
        raise Http404
    return job


@never_cache
@login_required
@require_GET
def bulk_result(request: HttpRequest, job_id) -> HttpResponse:
    """What one of her bulk jobs did: the zip to download (until it expires), or what was rendered again."""
    _require_administrator(request)
    job = _owned_job(request, job_id)
    return _result_page(request, job)


def _result_page(request: HttpRequest, job: Job, *, status: int = 200) -> HttpResponse:
    result = job.result or {}
    is_export = job.task_name == bulk.EXPORT_TASK
    context = {
        "job": job,
        "result": result,
        "is_export": is_export,
        "ready": is_export and bulk.bulk_export_is_ready(job),
        "expired": is_export and job.status == Job.Status.DONE and not bulk.bulk_export_is_ready(job),
        "expires_at": bulk.bulk_export_expires_at(job),
        "language_name": get_language_info(result["language"])["name_translated"] if result.get("language") else "",
    }
    return render(request, "certificates/manage/bulk_result.html", context, status=status)


@never_cache
@login_required
@require_GET
def bulk_file(request: HttpRequest, job_id) -> HttpResponse:
    """The zip of one of her finished exports, for her only, until it expires."""
    _require_administrator(request)
    job = _owned_job(request, job_id)
    if job.task_name != bulk.EXPORT_TASK or job.status != Job.Status.DONE:
        raise Http404
    archive = bulk.bulk_export_open(job)
    if archive is None:
        return _result_page(request, job, status=410)
    return job_file_response(archive, job=job, stem="certificates", extension="zip", content_type="application/zip")


# Added to ``urls.localised_urlpatterns`` (names ``certificates:bulk-*``), under /<lang>/certificates/manage/.
urlpatterns = [
    path("certificates/manage/download/", bulk_download, name="bulk-download"),
    path("certificates/manage/rerender/", bulk_rerender, name="bulk-rerender"),
    path("certificates/manage/jobs/<uuid:job_id>/", bulk_result, name="bulk-result"),
    path("certificates/manage/jobs/<uuid:job_id>/certificates.zip", bulk_file, name="bulk-file"),
]
