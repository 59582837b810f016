"""Ministries' pages: the dashboard (statistics from the summary tables); the certificate registry (teachers in scope,
each one's ICT CFT profile and certificates; every search and every teacher's page is written to the audit log,
``accounts.audit``); the audit log itself, for site administrators."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, get_language_bidi, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.audit import audit_record
from accounts.selectors import scope_for
from certificates.selectors import certificate_facts, certificates_of
from lms.competencies.models import ASPECT_CHOICES, LEVEL_CHOICES
from lms.courses.selectors import competency_profile

from . import selectors
from .dashboard import breakdown_table, drill_link, headline, viewer_formatter
from .filters import FILTER_FIELDS
from .forms import DashboardForm, dashboard_defaults
from .models import Metric
from .tallies import tallies_pending_since

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


@never_cache
@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Statistics for her scope from the summary tables: totals, then each breakdown as a chart and a table. Filters
    come from the query string, so every view (and every drill-down) has its own address."""
    scope = scope_for(request.user)
    if not selectors.registry_allowed(scope):
        raise PermissionDenied
    data = request.GET.copy() if request.GET else dashboard_defaults()
    form = DashboardForm(data, scope=scope)
    language = get_language()
    fmt = viewer_formatter(request.user, scope, language)
    context = {"form": form, "pending_since": tallies_pending_since()}
    if form.is_valid():
        filters = form.filters()
        current = {name: data.get(name, "") for name in (*FILTER_FIELDS, "metric")}
        chart_metric = form.cleaned_data.get("metric") or Metric.CERTIFICATES
        rtl = get_language_bidi()
        drills = {
            "region": lambda key: drill_link(current, region=key),
            "course": lambda key: drill_link(current, course=key),
        }
        breakdowns = ["month", "region", "gender", "course", "cell"]
        if filters.region_id or scope.region_ids:
            breakdowns.insert(2, "institution")
        context.update(
            headline=headline(scope, filters, fmt),
            tables=[
                breakdown_table(scope, filters, by, fmt, chart_metric=chart_metric, rtl=rtl, drill=drills.get(by))
                for by in breakdowns
            ],
            below=fmt.hidden(),
            region_selected=form.cleaned_data.get("region"),
            clear_region=drill_link({**current, "region": ""}),
        )
    return render(request, "reports/dashboard.html", context)


AUDIT_ACTIONS = {
    "registry.search": gettext_lazy("Searched the certificate registry"),
    "registry.teacher": gettext_lazy("Opened a teacher's record"),
    "reports.export": gettext_lazy("Exported teachers"),
    "api.teacher": gettext_lazy("Read a teacher's record through the API"),
    "api.teachers": gettext_lazy("Listed teachers through the API"),
    "api.certificates": gettext_lazy("Listed certificates through the API"),
}


@never_cache
@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who saw or exported which teachers' data, for site administrators (their partner site's country)."""
    if not selectors.audit_allowed(request.user):
        raise PermissionDenied
    action = request.GET.get("action", "")
    action = action if action in AUDIT_ACTIONS else ""
    entries = selectors.audit_entries_in_scope(scope_for(request.user), action=action)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(entry, AUDIT_ACTIONS.get(entry.action, entry.action)) for entry in page.object_list]
    context = {
        "page_obj": page,
        "rows": rows,
        "actions": AUDIT_ACTIONS.items(),
        "action": action,
        "query_string": urlencode({"action": action}) if action else "",
    }
    return render(request, "reports/audit_log.html", context)
