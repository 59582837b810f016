"""Query parameters that narrow a list (django-filter). They only narrow what the selector returned for the
caller's scope. Dates are whole days in UTC, both ends included."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import django_filters
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate

from .selectors import CertificateState, certificate_state_q


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class CertificateFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=CertificateState.CHOICES,
        method="filter_status",
        help_text=_("valid, expired (past its validity) or revoked."),
    )
    issued_after = django_filters.DateFilter(
        method="filter_issued_after", help_text=_("Issued on this day (UTC) or later, e.g. 2026-01-31.")
    )
    issued_before = django_filters.DateFilter(
        method="filter_issued_before", help_text=_("Issued on this day (UTC) or earlier, e.g. 2026-12-31.")
    )
    course = django_filters.UUIDFilter(method="filter_course", help_text=_("The course's id (a UUID)."))

    class Meta:
        model = Certificate
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(certificate_state_q(value)) if value else queryset

    def filter_issued_after(self, queryset, name, value):
        return queryset.filter(issued_at__gte=_start_of(value)) if value else queryset

    def filter_issued_before(self, queryset, name, value):
        if not value:
            return queryset
        try:
            return queryset.filter(issued_at__lt=_start_of(value) + timedelta(days=1))
        except OverflowError:  # 9999-12-31: every certificate
            return queryset

    def filter_course(self, queryset, name, value):
        return queryset.filter(subject_key=f"course:{value}") if value else queryset
