"""Reads for the ministries' dashboard and the statistics API: counts from the summary tables (``Tally``) within a
``Scope``, grouped one way and filtered by period, region, course and language. Each read picks the smallest grain
that holds what it groups and filters by, so it sums a few hundred or thousand rows, never the counted rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from accounts.scope import Scope

from .filters import ReportFilters
from .models import Metric, Tally
from .selectors import registry_allowed
from .tallies import month_of, next_month

# Smallest first: a read takes the first grain holding every dimension it needs.
GRAINS = ("", "R", "C", "G", "A", "RC", "RG", "CG", "RA", "CA", "RCG", "RCA", "RI")
# What each breakdown groups by: dimension letters and Tally fields.
BREAKDOWNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "total": ("", ()),
    "month": ("", ("month",)),
    "region": ("R", ("region_id",)),
    "institution": ("RI", ("institution_id",)),
    "gender": ("G", ("gender",)),
    "course": ("C", ("course_id",)),
    "cell": ("A", ("aspect", "level")),
}
# The columns of every breakdown, in order. Cells are only in the ICT CFT breakdown.
COLUMNS = (
    Metric.REGISTERED,
    Metric.ACTIVE,
    Metric.ENROLLMENTS,
    Metric.COMPLETIONS,
    Metric.CERTIFICATES,
    Metric.ATTENDANCE,
)
# The key of the row that sums the keys past a table's limit.
OTHERS = ("others",)
# Not counted per course: with a course filter (or grouped by course) these do not apply.
WITHOUT_COURSE = frozenset({Metric.REGISTERED, Metric.ACTIVE, Metric.ATTENDANCE})


def metrics_for(breakdown: str, filters: ReportFilters) -> tuple[str, ...]:
    """The metrics a breakdown shows under these filters (the others do not apply)."""
    if breakdown == "cell":
        return (Metric.CELLS,)
    metrics = COLUMNS
    if breakdown == "month":
        # Active teachers are a count of now, not of a month.
        metrics = tuple(m for m in metrics if m != Metric.ACTIVE)
    if breakdown == "course" or filters.course_id:
        metrics = tuple(m for m in metrics if m not in WITHOUT_COURSE)
    return metrics


def grain_for(breakdown: str, *, scope: Scope, filters: ReportFilters) -> str | None:
    """The smallest grain holding the breakdown's dimensions and the filters' (None: no grain has them all, as for
    schools with a course filter; schools are also read only within one region)."""
    if breakdown == "institution" and not (filters.region_id or scope.region_ids):
        return None  # schools are read one region at a time (the drill-down)
    needed = set(BREAKDOWNS[breakdown][0])
    if filters.region_id or scope.region_ids:
        needed.add("R")
    if filters.course_id:
        needed.add("C")
    return next((grain for grain in GRAINS if needed <= set(grain)), None)


def statistics_breakdown(scope: Scope, filters: ReportFilters, *, by: str) -> dict[Hashable, dict[str, int]] | None:
    """Counts per metric for each value of ``by`` ("total", "month", "region", "institution", "gender", "course",
    "cell"): ``{key: {metric: count}}``, the key a tuple for cells. None when this breakdown cannot be read under
    these filters. One query."""
    if not registry_allowed(scope):
        return {}
    grain = grain_for(by, scope=scope, filters=filters)
    if grain is None:
        return None
    fields = BREAKDOWNS[by][1]
    metrics = metrics_for(by, filters)
    rows = (
        _tallies(scope, filters, grain=grain, metrics=metrics)
        .values(*fields, "metric")
        .annotate(total=Sum("count"))
        .order_by()
    )
    counts: dict[Hashable, dict[str, int]] = defaultdict(dict)
    for row in rows:
        key = tuple(row[field] for field in fields) if len(fields) != 1 else row[fields[0]]
        counts[key][row["metric"]] = row["total"]
    return dict(counts)


def statistics_totals(scope: Scope, filters: ReportFilters) -> dict[str, int]:
    return (statistics_breakdown(scope, filters, by="total") or {}).get((), {})


def _tallies(scope: Scope, filters: ReportFilters, *, grain: str, metrics: tuple[str, ...]) -> QuerySet[Tally]:
    tallies = scope.filter(Tally.objects.filter(grain=grain, metric__in=metrics))
    if filters.region_id:
        tallies = tallies.filter(region_id=filters.region_id)
    if filters.course_id:
        tallies = tallies.filter(course_id=filters.course_id)
    if filters.language:
        tallies = tallies.filter(language=filters.language)
    period = Q()
    if filters.period_from:
        period &= Q(month__gte=filters.period_from)
    if filters.period_to:
        period &= Q(month__lte=filters.period_to)
    if not period:
        return tallies
    if Metric.ACTIVE not in metrics:
        return tallies.filter(period)
    # Active teachers are a count of now, stored under the month it was counted in: a month-bounded condition too,
    # so that both halves read an index range.
    recent = month_of(timezone.now() - datetime.timedelta(days=40))
    return tallies.filter(period | Q(metric=Metric.ACTIVE, month__gte=recent))


def suppressed(counts: Mapping[Hashable, int], *, below: int | None = None) -> set[Hashable]:
    """The keys whose counts a breakdown must hide: every count from 1 to ``below`` - 1, and, when that hides a
    single count whose total is shown, the smallest other count too, so the hidden one cannot be recovered by
    subtracting the shown ones from the total. Zero is shown: it tells nothing about anyone."""
    below = settings.REPORTS_SUPPRESS_BELOW if below is None else below
    hidden = {key for key, count in counts.items() if 0 < count < below}
    if len(hidden) == 1:
        others = sorted((count, str(key), key) for key, count in counts.items() if key not in hidden and count > 0)
        if others:
            hidden.add(others[0][2])
    return hidden


@dataclass(frozen=True)
class Count:
    value: int
    hidden: bool


@dataclass(frozen=True)
class Table:
    """A breakdown as it may be shown: for each key (in order) and each metric a count, hidden where it must be."""

    by: str
    metrics: tuple[str, ...]
    rows: list[tuple[Hashable, dict[str, Count]]]
    totals: dict[str, Count]
    # How many keys the row ``OTHERS`` sums (0: there is no such row).
    others: int = 0


def statistics_table(
    scope: Scope, filters: ReportFilters, *, by: str, below: int | None = None, limit: int | None = None
) -> Table | None:
    """``statistics_breakdown`` ready to show (the dashboard, the API): every month of the period present (zero where
    nothing was counted), keys in order (months and cells in theirs, the others largest first, the unknown last),
    and the small counts hidden (``suppressed``). With ``limit``, the keys past it are summed into one row (key
    ``OTHERS``) before anything is hidden. None when this breakdown cannot be read under these filters."""
    below = settings.REPORTS_SUPPRESS_BELOW if below is None else below
    counts = statistics_breakdown(scope, filters, by=by)
    if counts is None:
        return None
    metrics = metrics_for(by, filters)
    if by == "month":
        for month in _months(filters, counts):
            counts.setdefault(month, {})
    keys = _ordered(by, counts, metrics)
    others = 0
    if limit is not None and len(keys) > limit + 1:
        tail, keys = keys[limit:], keys[:limit]
        counts[OTHERS] = {metric: sum(counts[key].get(metric, 0) for key in tail) for metric in metrics}
        keys.append(OTHERS)
        others = len(tail)
    hidden = {metric: suppressed({key: counts[key].get(metric, 0) for key in keys}, below=below) for metric in metrics}
    rows = [
        (key, {metric: Count(counts[key].get(metric, 0), key in hidden[metric]) for metric in metrics}) for key in keys
    ]
    totals = {}
    for metric in metrics:
        value = sum(counts[key].get(metric, 0) for key in keys)
        totals[metric] = Count(value, 0 < value < below)
    return Table(by=by, metrics=metrics, rows=rows, totals=totals, others=others)


def _months(filters: ReportFilters, counts: dict) -> list[datetime.date]:
    """Every month of the period (of the counted months, where the period is open), so that a month with nothing
    counted is a zero in the series, not a gap. At most ten years."""
    known = sorted(counts)
    first = filters.period_from or (known[0] if known else None)
    last = filters.period_to or (known[-1] if known else None)
    months: list[datetime.date] = []
    while first and last and first <= last and len(months) < 120:
        months.append(first)
        first = next_month(first)
    return months


def _ordered(by: str, counts: dict, metrics: tuple[str, ...]) -> list[Hashable]:
    keys = list(counts)
    if by in ("month", "cell", "total"):
        return sorted(keys)
    return sorted(keys, key=lambda key: (key is None or key == "", -counts[key].get(metrics[0], 0), str(key)))
