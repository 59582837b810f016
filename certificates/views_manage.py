"""Administrators' certificate pages (revoke, reissue with a corrected name, decide learners' name corrections)
and the learner's request for a name correction. The selectors decide who sees what: an administrator finds only
the certificates she administers (``selectors.manage_scope``), a learner only her own; anyone else gets a 404."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.selectors import user_has_role
from core.exports import iter_csv
from core.ratelimit import ratelimit_hit

from . import selectors
from .batch import MAX_CODES, batch_check
from .forms import BatchCheckForm, NameCorrectionForm, NameForm, RevokeForm
from .models import Certificate, NameCorrection
from .services import (
    CertificateError,
    certificate_reissue,
    certificate_revoke,
    name_correction_decide,
    name_correction_request,
)

PER_PAGE = 50
BATCH_RATE = "batch-check-user"


@never_cache
@login_required
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
    """The certificates she administers: search by code, name or email; filter by status; paginated."""
    if not selectors.certificates_list_allowed(request.user):
        raise PermissionDenied
    scope = selectors.manage_scope(request.user)  # the rows she administers link to their page; a trainer's do not
    search, status = request.GET.get("q", "").strip()[:200], request.GET.get("status", "")
    certificates = selectors.certificates_managed_by(request.user, search=search, status=status)
    page = Paginator(certificates, PER_PAGE).get_page(request.GET.get("page"))
    language = translation.get_language()
    rows = [
        {
            "certificate": certificate,
            "facts": selectors.certificate_facts(certificate, language=language),
            "manages": not scope.is_empty
            and scope.covers(country_id=certificate.country_id, region_id=certificate.region_id),
        }
        for certificate in page.object_list
    ]
    context = {
        "administrator": not scope.is_empty,
        "page_obj": page,
        "rows": rows,
        "search": search,
        "status": status,
        "statuses": Certificate.Status.choices,
    }
    return render(request, "certificates/manage/list.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage_detail(request: HttpRequest, certificate_uuid: uuid.UUID) -> HttpResponse:
    certificate = selectors.certificate_managed_get(request.user, certificate_uuid)
    if certificate is None:
        raise Http404
    revoke_form = RevokeForm()
    name_form = NameForm(
        initial={
            "name": certificate.snapshot.get("learner_name", ""),
            "name_latin": certificate.snapshot.get("learner_name_latin", ""),
        }
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "revoke":
                revoke_form = RevokeForm(request.POST)
                if revoke_form.is_valid():
                    certificate_revoke(
                        certificate=certificate, by=request.user, reason=revoke_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The certificate is revoked. Its verification page says so."))
                    return redirect(request.path)
            elif action == "reissue":
                name_form = NameForm(request.POST)
                if name_form.is_valid():
                    certificate_reissue(certificate=certificate, by=request.user, **name_form.cleaned_data)
                    messages.success(request, _("The certificate is reissued: its new PDF will be ready in a minute."))
                    return redirect(request.path)
            elif action in ("approve", "decline"):
                correction = next(
                    (item for item in certificate.correction_list if str(item.pk) == request.POST.get("correction")),
                    None,
                )
                if correction is None:
                    raise Http404
                name_correction_decide(correction=correction, by=request.user, approve=action == "approve")
                messages.success(
                    request,
                    _("The name is corrected and the certificate reissued.")
                    if action == "approve"
                    else _("The request is declined. The learner is told by email."),
                )
                return redirect(request.path)
        except CertificateError as error:
            messages.error(request, str(error))
            return redirect(request.path)
    context = {
        "certificate": certificate,
        "facts": selectors.certificate_facts(certificate, language=translation.get_language()),
        "revoke_form": revoke_form,
        "name_form": name_form,
        "pending": [item for item in certificate.correction_list if item.status == NameCorrection.Status.PENDING],
    }
    return render(request, "certificates/manage/detail.html", context, status=400 if request.method == "POST" else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def name_correction(request: HttpRequest, certificate_uuid: uuid.UUID) -> HttpResponse:
    """The learner asks for her name to be corrected on one of her certificates."""
    certificate = selectors.certificates_of(request.user).filter(uuid=certificate_uuid).first()
    if certificate is None:
        raise Http404
    pending = selectors.name_correction_pending(certificate)
    initial = {
        "name": certificate.snapshot.get("learner_name", ""),
        "name_latin": certificate.snapshot.get("learner_name_latin", ""),
    }
    if pending is not None:
        initial = {"name": pending.name, "name_latin": pending.name_latin, "note": pending.note}
    form = NameCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            name_correction_request(certificate=certificate, by=request.user, **form.cleaned_data)
        except CertificateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request is sent. You will get an email when it is decided."))
            return redirect("certificates:mine")
    context = {
        "certificate": certificate,
        "facts": selectors.certificate_facts(certificate, language=translation.get_language()),
        "form": form,
        "pending": pending,
    }
    return render(request, "certificates/name_correction.html", context, status=400 if form.errors else 200)


# Ministries: a batch of codes ------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def batch_check_view(request: HttpRequest) -> HttpResponse:
    """Check up to 1,000 codes at once (a CSV file or pasted), for ministry officials and administrators: a CSV
    with what verification says of each. Each batch counts toward her rate limit."""
    if not user_has_role(request.user, Role.MINISTRY_OFFICIAL, Role.SITE_ADMINISTRATOR):
        raise PermissionDenied
    form = BatchCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        ratelimit_hit(request, group=BATCH_RATE, key="user")
        if form.is_valid():
            header, rows = batch_check(form.cleaned_data["code_list"], language=translation.get_language())
            response = StreamingHttpResponse(iter_csv(header, rows), content_type="text/csv; charset=utf-8")
            name = f"certificate-check-{timezone.localdate().isoformat()}.csv"
            response["Content-Disposition"] = content_disposition_header(True, name)
            response["Cache-Control"] = "private, no-store"
            return response
    return render(
        request,
        "certificates/batch_check.html",
        {"form": form, "max_codes": MAX_CODES},
        status=400 if form.errors else 200,
    )
