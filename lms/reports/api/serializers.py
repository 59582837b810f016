"""What the API returns. Certificates are described by ``certificate_facts`` (what the certificate itself says, in
the caller's language, as on the verification page); teachers by what the registry's pages show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certificates.models import Certificate
from certificates.selectors import CertificateFacts, certificate_facts
from lms.courses.models import Enrollment

from .selectors import CertificateState

_NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


def _absolute(request, url: str) -> str | None:
    if not url:
        return None
    return request.build_absolute_uri(url) if request is not None else url


# Certificates -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CertificateRow:
    certificate: Certificate
    facts: CertificateFacts


class CompetencySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The UNESCO ICT CFT code, e.g. 3.1."))
    aspect = serializers.CharField()
    level = serializers.CharField()


class CertificateFactsSerializer(serializers.Serializer):
    """What a certificate says: exactly what its public verification page shows, nothing about the learner's
    account."""

    code = serializers.CharField(source="facts.code")
    code_display = serializers.CharField(source="facts.code_display", help_text=_("The code as printed."))
    state = serializers.ChoiceField(choices=CertificateState.CHOICES, source="facts.state")
    learner_name = serializers.CharField(source="facts.learner_name", help_text=_("As printed on the certificate."))
    learner_name_latin = serializers.CharField(source="facts.learner_name_latin")
    title = serializers.CharField(source="facts.title", help_text=_("In the caller's language where there is one."))
    title_language = serializers.CharField(source="facts.title_language")
    hours = serializers.CharField(source="facts.hours", allow_null=True)
    competencies = CompetencySerializer(source="facts.competencies", many=True)
    completed_on = serializers.DateField(source="facts.completed_on", allow_null=True)
    issued_on = serializers.DateField(source="facts.issued_on", allow_null=True)
    valid_until = serializers.DateField(source="facts.valid_until", allow_null=True)
    issuer = serializers.CharField(source="facts.issuer")
    revoked_at = serializers.DateTimeField(source="facts.revoked_at", allow_null=True)
    revoked_reason = serializers.CharField(source="facts.revoked_reason")
    verify_url = serializers.SerializerMethodField(help_text=_("The public verification page (the QR code's address)."))

    def to_representation(self, certificate: Certificate) -> dict[str, Any]:
        facts = certificate_facts(certificate, language=get_language())
        return super().to_representation(_CertificateRow(certificate, facts))

    @extend_schema_field(OpenApiTypes.URI)
    def get_verify_url(self, row: _CertificateRow) -> str | None:
        return _absolute(self.context.get("request"), reverse("certificates:verify", kwargs={"code": row.facts.code}))


class CertificateSerializer(CertificateFactsSerializer):
    uuid = serializers.UUIDField(source="certificate.uuid")
    issued_at = serializers.DateTimeField(source="certificate.issued_at")


class ScopedCertificateSerializer(CertificateSerializer):
    """A certificate on an official's or a trainer's list."""

    teacher = serializers.IntegerField(
        source="certificate.user_id",
        allow_null=True,
        help_text=_("The teacher's id (see /api/v1/teachers/{id}/); null once her account is erased."),
    )
    subject_key = serializers.CharField(
        source="certificate.subject_key", help_text=_("What it certifies: course:<uuid> or event:<uuid>.")
    )
    country = serializers.CharField(
        source="certificate.country.code",
        allow_null=True,
        help_text=_("Where the teacher was when she earned it (ISO 3166-1 code)."),
    )
    region = serializers.CharField(source="certificate.region.name", allow_null=True)


class MyCertificateSerializer(CertificateSerializer):
    """One of the caller's own certificates."""

    has_pdf = serializers.BooleanField(source="certificate.has_pdf", help_text=_("False while the PDF is being made."))
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(_NULLABLE_URI)
    def get_download_url(self, row: _CertificateRow) -> str | None:
        if not getattr(row.certificate, "has_pdf", False):
            return None
        url = reverse("certificates:download", kwargs={"certificate_uuid": row.certificate.uuid})
        return _absolute(self.context.get("request"), url)


# Teachers -----------------------------------------------------------------------------------------------------------


class CertificateSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    valid = serializers.IntegerField()
    expired = serializers.IntegerField()
    revoked = serializers.IntegerField()


class TeacherSerializer(serializers.Serializer):
    """A teacher as the registry lists her."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    national_teacher_id = serializers.CharField()
    country = serializers.CharField(source="country.code", allow_null=True, help_text=_("ISO 3166-1 code."))
    region = serializers.CharField(source="region.name", allow_null=True)
    institution = serializers.CharField(source="institution.name", allow_null=True)
    certificate_counts = CertificateSummarySerializer(source="certificate_summary")


class CourseRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField(source="localized_title", help_text=_("In the caller's language where there is one."))
    url = serializers.SerializerMethodField()

    @extend_schema_field(_NULLABLE_URI)
    def get_url(self, course) -> str | None:
        return _absolute(self.context.get("request"), course.url)


class CompetencyCellSerializer(serializers.Serializer):
    """One cell of the UNESCO ICT CFT matrix that the teacher's completed courses evidence."""

    aspect = serializers.IntegerField()
    aspect_name = serializers.CharField()
    level = serializers.IntegerField()
    level_name = serializers.CharField()
    courses = CourseRefSerializer(many=True)


class TeacherDetailSerializer(TeacherSerializer):
    """A teacher as the registry's teacher page shows her: her certificates and her competency profile."""

    certificates = CertificateSerializer(source="certificate_list", many=True)
    competency_profile = CompetencyCellSerializer(many=True)


# The caller's own learning ----------------------------------------------------------------------------------------


class ProgressSerializer(serializers.Serializer):
    percent = serializers.IntegerField(help_text=_("Of the required activities, 0 to 100 (100 once completed)."))
    done = serializers.IntegerField(help_text=_("Required activities done."))
    required = serializers.IntegerField(help_text=_("Required activities in the course."))


class EnrollmentSerializer(serializers.Serializer):
    """One of the caller's courses (``lms.courses.selectors.dashboard_for``: withdrawn and declined ones are left
    out)."""

    course = CourseRefSerializer(source="enrollment.course")
    status = serializers.ChoiceField(choices=Enrollment.Status.values, source="enrollment.status")
    enrolled_at = serializers.DateTimeField(source="enrollment.created_at")
    last_accessed_at = serializers.DateTimeField(source="enrollment.last_accessed_at", allow_null=True)
    completed = serializers.SerializerMethodField()
    completed_at = serializers.DateTimeField(source="enrollment.completed_at", allow_null=True)
    progress = ProgressSerializer(source="*")

    def get_completed(self, row) -> bool:
        return row.enrollment.completed_at is not None


# Statistics ---------------------------------------------------------------------------------------------------------


class StatisticsQuerySerializer(serializers.Serializer):
    """The query parameters of ``/statistics/``, for the schema; ``ReportFiltersForm`` checks them, as on the
    dashboard (a region outside the caller's scope is an error, not an empty answer)."""

    by = serializers.ChoiceField(
        choices=["total", "month", "region", "institution", "gender", "course", "cell"],
        required=False,
        help_text=_("How to group the counts; total (the default) gives the totals only."),
    )
    period_from = serializers.RegexField(
        r"^\d{4}-\d{2}$", required=False, help_text=_("The first month, YYYY-MM (included).")
    )
    period_to = serializers.RegexField(
        r"^\d{4}-\d{2}$", required=False, help_text=_("The last month, YYYY-MM (included).")
    )
    region = serializers.IntegerField(required=False, help_text=_("A region's id (see by=region)."))
    course = serializers.IntegerField(required=False, help_text=_("A course's id (see by=course)."))
    language = serializers.CharField(required=False, help_text=_("The teachers' language: en, ru or ar."))


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True,
        help_text=_("A month (YYYY-MM), an id, a gender or an ICT CFT cell (3.1); null: not stated."),
    )
    label = serializers.CharField(help_text=_("The key's name, in the caller's language."))
    counts = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text=_("Each metric's count; null where it is hidden because it is small."),
    )


class StatisticsSerializer(serializers.Serializer):
    by = serializers.CharField()
    suppressed_below = serializers.IntegerField(
        help_text=_("Counts from 1 to this number minus one are hidden (null), and so is one more where needed.")
    )
    metrics = serializers.ListField(child=serializers.CharField())
    totals = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    rows = StatisticsRowSerializer(many=True)
