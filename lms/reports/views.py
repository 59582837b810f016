"""The certificate registry for ministries: search teachers in scope; each one's ICT CFT competency profile and
certificates. Every search and every teacher's page is written to the audit log (``accounts.audit``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.audit import audit_record
from accounts.selectors import scope_for
from certificates.selectors import certificate_facts, certificates_of
from lms.competencies.models import ASPECT_CHOICES, LEVEL_CHOICES
from lms.courses.selectors import competency_profile

from . import selectors

PER_PAGE = 50


@never_cache
@login_required
@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not selectors.registry_allowed(scope):
        raise PermissionDenied
    search = request.GET.get("q", "").strip()[:200]
    page = None
    if search:
        page = Paginator(selectors.teachers_in_scope(scope, search=search), PER_PAGE).get_page(request.GET.get("page"))
        audit_record(actor=request.user, action="registry.search", detail=search)
    return render(request, "reports/registry.html", {"search": search, "page_obj": page})


@never_cache
@login_required
@require_GET
def registry_teacher(request: HttpRequest, user_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    if not selectors.registry_allowed(scope):
        raise PermissionDenied
    teacher = selectors.teacher_in_scope_get(scope, user_id)
    if teacher is None:
        raise Http404
    audit_record(actor=request.user, action="registry.teacher", subject=teacher)
    language = get_language()
    certificates = [
        {"certificate": certificate, "facts": certificate_facts(certificate, language=language)}
        for certificate in certificates_of(teacher)
    ]
    profile = competency_profile(teacher)
    context = {
        "teacher": teacher,
        "certificates": certificates,
        "profile": profile,
        "aspects": ASPECT_CHOICES,
        "levels": LEVEL_CHOICES,
    }
    return render(request, "reports/registry_teacher.html", context)


app_name = "reports"
urlpatterns = [
    path("reports/registry/", registry, name="registry"),
    path("reports/registry/<int:user_id>/", registry_teacher, name="registry-teacher"),
]
