"""The API's endpoints. Each one parses its parameters, asks one selector with the caller's ``Scope`` and
serialises what it returns; reads of teachers' data by officials are written to the audit log, as the registry's
pages do. All of them are GET (and HEAD) only, JSON only."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.audit import audit_record
from accounts.models import ApiToken
from accounts.scope import Scope
from accounts.selectors import scope_for
from certificates.codes import code_normalise
from certificates.selectors import certificate_by_code, certificates_of
from lms.competencies.models import ASPECT_CHOICES, LEVEL_CHOICES
from lms.courses.selectors import competency_profile, dashboard_for

from ..dashboard import breakdown_labels, viewer_formatter
from ..filters import ReportFiltersForm
from ..selectors import registry_allowed, teacher_in_scope_get, teachers_in_scope
from ..statistics import statistics_table
from . import serializers as api_serializers
from .authentication import ApiTokenAuthentication
from .exceptions import api_exception_handler
from .filters import CertificateFilter
from .pagination import ApiPagination
from .permissions import HasGeographicScope, MayListCertificates
from .schema import ApiAutoSchema
from .selectors import CertificateSummary, api_certificates, certificate_summaries
from .throttling import AnonThrottle, UserThrottle, VerifyThrottle
from .urlconf import mark_api_response

# The largest id a database key holds: a longer number in the address is simply not found.
MAX_ID = 2**63 - 1


class ApiView(GenericAPIView):
    """What every endpoint shares. Set here rather than as DRF's global defaults, so that Wagtail's admin API (also
    DRF) keeps its own behaviour."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [AnonThrottle, UserThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    pagination_class = ApiPagination
    filter_backends = []
    schema = ApiAutoSchema()
    http_method_names = ["get", "head", "options"]
    # Error statuses the schema documents for the endpoint (ApiAutoSchema).
    api_errors: tuple[int, ...] = (401, 403, 429)

    def get_exception_handler(self):
        return api_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        mark_api_response(request._request)
        response = super().finalize_response(request, response, *args, **kwargs)
        # Personal data, different for each token: no cache (a page cache, a proxy) may keep it or share it.
        add_never_cache_headers(response)
        patch_vary_headers(response, ("Authorization",))
        return response

    def get_scope(self) -> Scope:
        if not hasattr(self, "_scope"):
            self._scope = scope_for(self.request.user)
        return self._scope

    def audit(self, *, action: str, subject=None, **params) -> None:
        """One audit-log entry for this read, saying which token (or the browser session) made it."""
        token = self.request.auth
        via = f"API token “{token.name}” (#{token.pk})" if isinstance(token, ApiToken) else "API session"
        details = [f"{name}={value}" for name, value in params.items() if value not in (None, "")]
        audit_record(actor=self.request.user, action=action, subject=subject, detail="; ".join([via, *details]))


# Certificates -------------------------------------------------------------------------------------------------------


# The query parameters of the certificates list, as its audit-log entries record them.
_LIST_PARAMS = ("status", "issued_after", "issued_before", "course", "page")


@extend_schema(tags=["certificates"])
class CertificateListView(ApiView, ListAPIView):
    """Certificates in the caller's scope, newest first: those of teachers in her country or region (ministry
    officials, site administrators, superusers) and those of the courses and events she teaches (trainers)."""

    serializer_class = api_serializers.ScopedCertificateSerializer
    permission_classes = [IsAuthenticated, MayListCertificates]
    filter_backends = [DjangoFilterBackend]
    filterset_class = CertificateFilter
    api_errors = (400, 401, 403, 404, 429)

    def get_queryset(self):
        return api_certificates(self.request.user, self.get_scope())

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if registry_allowed(self.get_scope()):
            self.audit(action="api.certificates", **{key: request.query_params.get(key) for key in _LIST_PARAMS})
        return response


@extend_schema(tags=["certificates"])
class CertificateVerifyView(ApiView, RetrieveAPIView):
    """What a certificate says, by its code (as typed: any case, with or without dashes), exactly as the public
    verification page shows it. Open to anyone, and rate-limited."""

    serializer_class = api_serializers.CertificateFactsSerializer
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, UserThrottle, VerifyThrottle]
    pagination_class = None
    api_errors = (401, 404, 429)

    def get_object(self):
        canonical = code_normalise(self.kwargs["code"])
        certificate = certificate_by_code(canonical) if canonical else None
        if certificate is None:
            raise exceptions.NotFound(_("No certificate has this code."))
        return certificate


# Teachers -----------------------------------------------------------------------------------------------------------


class TeacherQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Part of the name or of the school's name, or the whole email address or national teacher ID."),
    )


@extend_schema(tags=["teachers"], parameters=[TeacherQuerySerializer])
class TeacherListView(ApiView, ListAPIView):
    """Teachers in the caller's scope (by their country and region), by name, each with how many certificates she
    has. Only for ministry officials, site administrators and superusers; every call is in the audit log."""

    serializer_class = api_serializers.TeacherSerializer
    permission_classes = [IsAuthenticated, HasGeographicScope]
    api_errors = (400, 401, 403, 404, 429)
    search = ""

    def get_queryset(self):
        return teachers_in_scope(self.get_scope(), search=self.search)

    def list(self, request, *args, **kwargs):
        query = TeacherQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        self.search = query.validated_data.get("q", "").strip()
        teachers = self.paginate_queryset(self.get_queryset())
        summaries = certificate_summaries(teachers)
        for teacher in teachers:
            teacher.certificate_summary = summaries.get(teacher.pk, CertificateSummary())
        self.audit(action="api.teachers", q=self.search, page=request.query_params.get("page"))
        return self.get_paginated_response(self.get_serializer(teachers, many=True).data)


@extend_schema(tags=["teachers"])
class TeacherDetailView(ApiView, RetrieveAPIView):
    """One teacher in the caller's scope, with her certificates and her ICT competency profile (the cells her
    completed courses evidence), as on the registry's teacher page. Outside the scope: 404. Every call is in the
    audit log."""

    serializer_class = api_serializers.TeacherDetailSerializer
    permission_classes = [IsAuthenticated, HasGeographicScope]
    pagination_class = None
    api_errors = (401, 403, 404, 429)

    def get_object(self):
        user_id = self.kwargs["pk"]
        teacher = teacher_in_scope_get(self.get_scope(), user_id) if user_id <= MAX_ID else None
        if teacher is None:
            raise exceptions.NotFound(_("No teacher in your scope has this id."))
        teacher.certificate_list = list(certificates_of(teacher))
        teacher.certificate_summary = certificate_summaries([teacher]).get(teacher.pk, CertificateSummary())
        teacher.competency_profile = _profile_cells(competency_profile(teacher))
        self.audit(action="api.teacher", subject=teacher)
        return teacher


def _profile_cells(profile: dict) -> list[dict]:
    aspects, levels = dict(ASPECT_CHOICES), dict(LEVEL_CHOICES)
    return [
        {
            "aspect": aspect,
            "aspect_name": str(aspects.get(aspect, "")),
            "level": level,
            "level_name": str(levels.get(level, "")),
            "courses": courses,
        }
        for (aspect, level), courses in sorted(profile.items())
    ]


# The caller's own learning ----------------------------------------------------------------------------------------


@extend_schema(tags=["me"])
class MyEnrollmentsView(ApiView, ListAPIView):
    """The caller's own courses, most recently used first, with her progress (withdrawn and declined enrollments
    are left out)."""

    serializer_class = api_serializers.EnrollmentSerializer
    api_errors = (401, 404, 429)

    def get_queryset(self):
        return dashboard_for(self.request.user)


@extend_schema(tags=["me"])
class MyCertificatesView(ApiView, ListAPIView):
    """The caller's own certificates, newest first, with their download addresses."""

    serializer_class = api_serializers.MyCertificateSerializer
    api_errors = (401, 404, 429)

    def get_queryset(self):
        return certificates_of(self.request.user)


# The schema ---------------------------------------------------------------------------------------------------------


class SchemaView(SpectacularJSONAPIView):
    """The OpenAPI 3 description of this API, in JSON; open to anyone."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle]


# Statistics ---------------------------------------------------------------------------------------------------------


@extend_schema(tags=["statistics"], parameters=[api_serializers.StatisticsQuerySerializer])
class StatisticsView(ApiView):
    """The dashboard's counts (from the summary tables), grouped one way, with its filters and the same privacy:
    small counts are null. Only for ministry officials, site administrators and superusers, within their scope."""

    serializer_class = api_serializers.StatisticsSerializer
    permission_classes = [IsAuthenticated, HasGeographicScope]
    pagination_class = None
    api_errors = (400, 401, 403, 429)

    def get(self, request, *args, **kwargs):
        scope = self.get_scope()
        query = api_serializers.StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        form = ReportFiltersForm(request.query_params, scope=scope)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise exceptions.ValidationError(
                {name: [error["message"] for error in each] for name, each in errors.items()}
            )
        by = query.validated_data.get("by", "total")
        table = statistics_table(scope, form.filters(), by=by)
        if table is None:
            raise exceptions.ValidationError({"by": [_("Schools are counted within one region, without a course.")]})
        rows = [] if by == "total" else table.rows
        formatter = viewer_formatter(request.user, scope, get_language())
        labels = breakdown_labels(by, [key for key, _counts in rows], formatter)
        body = {
            "by": by,
            "suppressed_below": settings.REPORTS_SUPPRESS_BELOW,
            "metrics": list(table.metrics),
            "totals": {metric: None if count.hidden else count.value for metric, count in table.totals.items()},
            "rows": [
                {
                    "key": _statistics_key(by, key),
                    "label": str(labels[key]),
                    "counts": {metric: None if count.hidden else count.value for metric, count in counts.items()},
                }
                for key, counts in rows
            ],
        }
        return Response(self.get_serializer(body).data)


def _statistics_key(by: str, key) -> str | None:
    if key is None or key == "":
        return None
    if by == "month":
        return f"{key:%Y-%m}"
    if by == "cell":
        return f"{key[0]}.{key[1]}"
    return str(key)
