"""The dashboard's tables and charts, made from ``statistics`` reads: labels in the viewer's language, numbers as her
language and country write them, small counts hidden (``statistics.suppressed``), and each chart drawn on the server
as SVG from the same rows as the table beside it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from babel import Locale
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Country, Institution, Region, User
from accounts.scope import Scope
from core.numbers import locale_for, month_format, number_format
from core.text import in_language
from lms.competencies.models import ASPECTS, LEVELS
from lms.courses.models import Course

from . import statistics
from .filters import ReportFilters
from .models import Metric

CHART_BARS = 15
# Long breakdowns show their largest rows and one row for the rest (the filters reach any one of them).
TABLE_ROWS = {"course": 25, "institution": 25}
OTHERS_LABELS = {
    "course": gettext_lazy("Other courses (%(count)s)"),
    "institution": gettext_lazy("Other schools (%(count)s)"),
}
WIDTH = 640
LABEL_WIDTH = 210
ROW_HEIGHT = 26
COLUMN_AREA = 150

TITLES = {
    "month": gettext_lazy("By month"),
    "region": gettext_lazy("By region"),
    "institution": gettext_lazy("By school or institution"),
    "gender": gettext_lazy("By gender"),
    "course": gettext_lazy("By course"),
    "cell": gettext_lazy("By ICT CFT aspect and level"),
}


@dataclass
class Figure:
    value: int
    hidden: bool
    text: str


@dataclass
class Row:
    label: str
    cells: list[Figure]
    link: str = ""


@dataclass
class Bar:
    label: str
    text: str
    hidden: bool
    year: str = ""
    # Geometry in the SVG's user units.
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    label_x: float = 0
    label_y: float = 0
    value_x: float = 0
    value_y: float = 0
    year_y: float = 0


@dataclass
class Chart:
    title: str
    description: str
    columns: bool
    bars: list[Bar]
    width: int = WIDTH
    height: int = 0
    baseline: int = 0
    label_anchor: str = "end"
    value_anchor: str = "start"
    note: str = ""


@dataclass
class Table:
    slug: str
    title: str
    metrics: list[tuple[str, str]]
    rows: list[Row]
    total: Row | None
    chart: Chart | None = None
    note: str = ""
    unavailable: str = ""
    drill: list[tuple[str, str]] = field(default_factory=list)


class Formatter:
    """Numbers and months in the viewer's language as used in her country."""

    def __init__(self, *, language: str, country_code: str = "") -> None:
        self.locale: Locale = locale_for(language, country_code)
        self.language = language
        self.below = settings.REPORTS_SUPPRESS_BELOW
        self._numbers: dict[int, str] = {}

    def number(self, value: int) -> str:
        # A page writes the same small numbers many times; CLDR formatting is the costly part.
        if value not in self._numbers:
            self._numbers[value] = number_format(value, locale=self.locale)
        return self._numbers[value]

    def hidden(self) -> str:
        # Translated, not a bare "<": in a right-to-left line the sign is mirrored.
        return _("<%(number)s") % {"number": number_format(self.below, locale=self.locale)}

    def month(self, month: datetime.date) -> str:
        return month_format(month, locale=self.locale)

    def month_name(self, month: datetime.date) -> str:
        return month_format(month, locale=self.locale, skeleton="MMM")

    def year(self, month: datetime.date) -> str:
        return month_format(month, locale=self.locale, skeleton="y")

    def figure(self, value: int, hidden: bool) -> Figure:
        return Figure(value=value, hidden=hidden, text=self.hidden() if hidden else self.number(value))


def viewer_formatter(user: User, scope: Scope, language: str) -> Formatter:
    """Her own country's conventions, else those of the one country her scope covers."""
    code = user.country.code if user.country_id else ""
    countries = scope.country_ids | {country_id for country_id, _region in scope.region_ids}
    if not code and len(countries) == 1:
        code = Country.objects.filter(pk=next(iter(countries))).values_list("code", flat=True).first() or ""
    return Formatter(language=language, country_code=code)


def headline(scope: Scope, filters: ReportFilters, fmt: Formatter) -> list[tuple[str, Figure | None]]:
    """The period's totals, one per metric; None where a metric does not apply under the filters."""
    totals = statistics.statistics_table(scope, filters, by="total", below=fmt.below).totals
    return [
        (Metric(metric).label, fmt.figure(totals[metric].value, totals[metric].hidden) if metric in totals else None)
        for metric in statistics.COLUMNS
    ]


def breakdown_table(
    scope: Scope,
    filters: ReportFilters,
    by: str,
    fmt: Formatter,
    *,
    chart_metric: str,
    rtl: bool,
    drill: Callable[[Hashable], str] | None = None,
) -> Table:
    """One breakdown as a table (every metric a column, with its total) and a chart of ``chart_metric``."""
    title = str(TITLES[by])
    breakdown = statistics.statistics_table(scope, filters, by=by, below=fmt.below, limit=TABLE_ROWS.get(by))
    if breakdown is None:
        columns = [(metric, str(Metric(metric).label)) for metric in statistics.metrics_for(by, filters)]
        return Table(
            slug=by,
            title=title,
            metrics=columns,
            rows=[],
            total=None,
            unavailable=_("Choose a region to see its schools, without a course filter."),
        )
    metrics = breakdown.metrics
    columns = [(metric, str(Metric(metric).label)) for metric in metrics]
    keys = [key for key, _counts in breakdown.rows]
    labels = breakdown_labels(by, [key for key in keys if key != statistics.OTHERS], fmt)
    if breakdown.others:
        labels[statistics.OTHERS] = OTHERS_LABELS[by] % {"count": fmt.number(breakdown.others)}
    rows = [
        Row(
            label=labels[key],
            cells=[fmt.figure(counts[metric].value, counts[metric].hidden) for metric in metrics],
            link=drill(key) if drill and key is not None and key != statistics.OTHERS else "",
        )
        for key, counts in breakdown.rows
    ]
    total = Row(
        label=_("Total"),
        cells=[fmt.figure(breakdown.totals[metric].value, breakdown.totals[metric].hidden) for metric in metrics],
    )
    table = Table(slug=by, title=title, metrics=columns, rows=rows, total=total if keys else None)
    if by == "cell":
        chart_metric = Metric.CELLS
    if keys and chart_metric in metrics:
        index = metrics.index(chart_metric)
        table.chart = _chart(title, str(Metric(chart_metric).label), rows, index, columns=by == "month", rtl=rtl)
        if by == "month":
            for index, (bar, key) in enumerate(zip(table.chart.bars, keys, strict=True)):
                bar.label = fmt.month_name(key) if bar.label else ""
                bar.year = fmt.year(key) if bar.label and (index == 0 or key.month == 1) else ""
    return table


def breakdown_labels(by: str, keys: list[Hashable], fmt: Formatter) -> dict[Hashable, str]:
    """Each key's name in the viewer's language: months, genders and cells from their own names, places and courses
    in one query."""
    language = fmt.language
    if not keys:
        return {}
    if by == "month":
        return {key: fmt.month(key) for key in keys}
    if by == "gender":
        names = dict(User.Gender.choices)
        return {key: str(names.get(key, _("Not stated"))) if key else _("Not stated") for key in keys}
    if by == "cell":
        return {
            key: _("%(aspect)s, %(level)s")
            % {"aspect": in_language(ASPECTS[key[0]], language), "level": in_language(LEVELS[key[1]], language)}
            for key in keys
        }
    model, name = {
        "region": (Region, lambda region: region.name),
        "institution": (Institution, lambda institution: institution.name),
        "course": (Course, lambda course: course.titles.get(language) or course.title),
    }[by]
    objects = {obj.pk: obj for obj in model.objects.filter(pk__in=[key for key in keys if key is not None])}
    unknown = {"region": _("Region not stated"), "institution": _("School not stated"), "course": _("No course")}[by]
    return {key: name(objects[key]) if key in objects else unknown for key in keys}


def _chart(title: str, metric_label: str, rows: list[Row], index: int, *, columns: bool, rtl: bool) -> Chart:
    bars = [Bar(label=row.label, text=row.cells[index].text, hidden=row.cells[index].hidden) for row in rows]
    values = [0 if bar.hidden else row.cells[index].value for bar, row in zip(bars, rows, strict=True)]
    note = ""
    if not columns and len(bars) > CHART_BARS:
        ranked = sorted(range(len(bars)), key=lambda i: -values[i])[:CHART_BARS]
        keep = sorted(ranked)
        bars, values = [bars[i] for i in keep], [values[i] for i in keep]
        note = _("The chart shows the %(count)s largest; the table has them all.") % {"count": CHART_BARS}
    top = max(values, default=0) or 1
    chart = Chart(
        title=_("%(metric)s, %(breakdown)s") % {"metric": metric_label, "breakdown": title.lower()},
        description=_("Bar chart; the same figures are in the table that follows."),
        columns=columns,
        bars=bars,
        note=note,
    )
    if columns:
        _lay_columns(chart, values, top, rtl=rtl)
    else:
        _lay_bars(chart, values, top, rtl=rtl)
    return chart


def _lay_bars(chart: Chart, values: list[int], top: int, *, rtl: bool) -> None:
    area = WIDTH - LABEL_WIDTH - 70
    chart.height = ROW_HEIGHT * len(chart.bars) + 8
    chart.label_anchor, chart.value_anchor = ("start", "end") if rtl else ("end", "start")
    for i, (bar, value) in enumerate(zip(chart.bars, values, strict=True)):
        length = round(area * value / top, 1)
        bar.y, bar.height = 4 + i * ROW_HEIGHT, ROW_HEIGHT - 8
        bar.label_y = bar.value_y = bar.y + bar.height - 5
        bar.label = _shorten(bar.label)
        bar.width = length
        if rtl:
            bar.x = WIDTH - LABEL_WIDTH - length
            bar.label_x = WIDTH - LABEL_WIDTH + 8
            bar.value_x = bar.x - 4
        else:
            bar.x = LABEL_WIDTH
            bar.label_x = LABEL_WIDTH - 8
            bar.value_x = LABEL_WIDTH + length + 4


def _lay_columns(chart: Chart, values: list[int], top: int, *, rtl: bool) -> None:
    slot = (WIDTH - 20) / max(len(chart.bars), 1)
    chart.height = COLUMN_AREA + 60
    chart.baseline = 20 + COLUMN_AREA
    chart.label_anchor = chart.value_anchor = "middle"
    every = max(1, round(len(chart.bars) / 12))
    for i, (bar, value) in enumerate(zip(chart.bars, values, strict=True)):
        position = len(chart.bars) - 1 - i if rtl else i
        bar.width = round(slot * 0.7, 1)
        bar.height = round(COLUMN_AREA * value / top, 1)
        bar.x = round(10 + position * slot + slot * 0.15, 1)
        bar.y = 20 + COLUMN_AREA - bar.height
        bar.value_x = bar.label_x = round(bar.x + bar.width / 2, 1)
        bar.value_y = bar.y - 4
        bar.label_y = 20 + COLUMN_AREA + 16
        bar.year_y = bar.label_y + 15
        if i % every:
            bar.label = ""


def _shorten(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def drill_link(base: dict[str, str], **changes: object) -> str:
    """The dashboard's address with the current filters and ``changes`` (a drill-down)."""
    params = {key: value for key, value in base.items() if value}
    params.update({key: str(value) for key, value in changes.items()})
    return "?" + urlencode(params)
