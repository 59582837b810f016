"""The filters every ministry page shares (the dashboard, exports, the statistics API): a period in months, a region
within her scope, a course and the teachers' language, read from the query string by ``ReportFiltersForm`` into a
``ReportFilters``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from accounts.scope import Scope
from core.forms import PlainSelect
from lms.courses.models import Course

from . import selectors


@dataclass(frozen=True)
class ReportFilters:
    """What an official narrows the dashboard, an export or the statistics API to. Months are the first day of the
    month; ``period_to`` includes its whole month. ``language`` is the teachers' (the one they use the platform in;
    for certificates, the certificate's)."""

    period_from: date | None = None
    period_to: date | None = None
    region_id: int | None = None
    course_id: int | None = None
    language: str = ""

    @property
    def starts_at(self) -> datetime | None:
        return _month_start(self.period_from) if self.period_from else None

    @property
    def ends_before(self) -> datetime | None:
        """The first moment after the period (the start of the month after ``period_to``)."""
        if not self.period_to:
            return None
        end = self.period_to
        return _month_start(date(end.year + 1, 1, 1) if end.month == 12 else date(end.year, end.month + 1, 1))

    def to_plain(self) -> dict[str, Any]:
        """JSON values for the job's arguments (and the audit log)."""
        return {
            "period_from": self.period_from.strftime("%Y-%m") if self.period_from else "",
            "period_to": self.period_to.strftime("%Y-%m") if self.period_to else "",
            "region": self.region_id,
            "course": self.course_id,
            "language": self.language,
        }

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> ReportFilters:
        return cls(
            period_from=_month(data.get("period_from")),
            period_to=_month(data.get("period_to")),
            region_id=int(data["region"]) if data.get("region") else None,
            course_id=int(data["course"]) if data.get("course") else None,
            language=str(data.get("language") or ""),
        )

    def describe(self) -> str:
        """A short plain description for the audit log, e.g. "period_from=2026-01 region=4"."""
        return " ".join(f"{key}={value}" for key, value in self.to_plain().items() if value)


def _month(value: Any) -> date | None:
    try:
        return datetime.strptime(str(value), "%Y-%m").date() if value else None
    except ValueError:
        return None


def _month_start(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, 1), timezone.get_default_timezone())


FILTER_FIELDS = ("period_from", "period_to", "region", "course", "language")
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month as YYYY-MM (what ``<input type="month">`` sends); cleaned to the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})
    default_error_messages = {"invalid": gettext_lazy("Enter a month as YYYY-MM, for example 2026-09.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH_PATTERN.match(value)
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(match[1]), int(match[2]), 1)


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Course) -> str:
        return obj.localized_title


class ReportFiltersForm(forms.Form):
    """The filters of the dashboard and of an export, read from the query string; the regions offered are those in
    her scope."""

    period_from = MonthField(label=gettext_lazy("From (month)"), required=False)
    period_to = MonthField(
        label=gettext_lazy("To (month)"), required=False, help_text=gettext_lazy("Included. Leave empty: until now.")
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        widget=PlainSelect,
        queryset=selectors.regions_in_scope(Scope()),
        required=False,
        empty_label=gettext_lazy("Every region in your scope"),
    )
    course = CourseChoiceField(
        label=gettext_lazy("Course"),
        widget=PlainSelect,
        queryset=Course.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every course"),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the teachers"),
        required=False,
        help_text=gettext_lazy("The language each teacher uses the platform in."),
    )

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.regions_in_scope(scope)
        self.fields["course"].queryset = selectors.report_courses()
        self.fields["language"].choices = [("", _("Every language"))] + [
            (code, get_language_info(code)["name_translated"]) for code, _name in settings.LANGUAGES
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The end of the period cannot be before its start."))
        return cleaned

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            period_from=data.get("period_from"),
            period_to=data.get("period_to"),
            region_id=data["region"].pk if data.get("region") else None,
            course_id=data["course"].pk if data.get("course") else None,
            language=data.get("language") or "",
        )
