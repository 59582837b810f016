"""The dashboard's filters: those of the exports (period, region in her scope, course, language) and the metric its
charts draw."""

from __future__ import annotations

import datetime

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .filters import ReportFiltersForm
from .models import Metric
from .statistics import COLUMNS
from .tallies import month_of

DEFAULT_MONTHS = 12


class DashboardForm(ReportFiltersForm):
    metric = forms.ChoiceField(
        label=_("Charts show"),
        required=False,
        choices=[(metric, Metric(metric).label) for metric in COLUMNS],
    )


def dashboard_defaults() -> QueryDict:
    """The last twelve months, this one included."""
    end = month_of(timezone.now())
    start = end
    for _month in range(DEFAULT_MONTHS - 1):
        start = month_of(start - datetime.timedelta(days=1))
    defaults = QueryDict(mutable=True)
    defaults.update({"period_from": f"{start:%Y-%m}", "period_to": f"{end:%Y-%m}", "metric": Metric.CERTIFICATES})
    return defaults
