"""Counting what the dashboard shows into the summary tables (``Tally``), in the background.

Whatever changes a count marks its country's month as out of date after its commit (``tally_slices_mark``, from the
receivers in ``lms.reports.signals``); ``tallies_refresh`` counts the marked months again (a periodic task, every
minute), and ``tallies_rebuild`` counts everything again (nightly, and after bulk loads). Each count is one grouped
query per metric over the rows themselves, written at the finest grains ("RCG", "RI", "RCA"); the coarser grains are
summed from those inside the database, so memory stays flat however many rows there are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Replace, Substr, TruncMonth
from django.utils import timezone

from accounts.models import User
from certificates.models import Certificate
from lms.courses.models import Course, Enrollment
from webinars.models import Attendance, Session

from .models import Metric, Tally, TallySlice

BATCH = 5000
ACTIVE_DAYS = 30
# Coarser grains and the finest grain each is summed from.
DERIVED = {"RCG": ("", "R", "C", "G", "RC", "RG", "CG"), "RCA": ("A", "RA", "CA")}


@dataclass(frozen=True)
class Source:
    """Where one metric's rows are and which of their fields give each dimension."""

    metric: str
    rows: Callable[[], QuerySet]
    date: str
    country: str = "country"
    region: str = "region"
    gender: str = "gender"
    language: str = "preferred_language"
    institution: str = "institution"
    # The course's id, as an expression over the rows (certificates name their course by its subject key).
    course: Callable[[], Expression] | None = None
    grains: tuple[str, ...] = field(default=("RCG", "RI"))


def _teachers() -> QuerySet:
    return User.objects.filter(is_active=True, is_staff=False)


def _course_of_subject() -> Expression:
    """The id of the course a certificate's subject key ("course:<uuid>") names, looked up in the database."""
    uuid = Substr(OuterRef("subject_key"), len("course:") + 1)
    # PostgreSQL keeps UUIDs as uuid; SQLite as 32 hex digits without the dashes.
    key = Cast(uuid, UUIDField()) if connection.vendor == "postgresql" else Replace(uuid, Value("-"), Value(""))
    course = Subquery(Course.objects.filter(uuid=key).values("pk")[:1])
    return Case(When(subject_key__startswith="course:", then=course), default=None, output_field=IntegerField())


SOURCES = (
    Source(Metric.REGISTERED, _teachers, "date_joined"),
    Source(
        Metric.ENROLLMENTS,
        lambda: Enrollment.objects.filter(
            status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED, Enrollment.Status.WITHDRAWN]
        ),
        "created_at",
        gender="user__gender",
        language="user__preferred_language",
        institution="user__institution",
        course=lambda: F("course"),
    ),
    Source(
        Metric.COMPLETIONS,
        lambda: Enrollment.objects.filter(status=Enrollment.Status.COMPLETED),
        "completed_at",
        gender="user__gender",
        language="user__preferred_language",
        institution="user__institution",
        course=lambda: F("course"),
    ),
    Source(
        Metric.CERTIFICATES,
        lambda: Certificate.objects.filter(status=Certificate.Status.VALID),
        "issued_at",
        gender="user__gender",
        language="language",
        institution="user__institution",
        course=_course_of_subject,
        grains=("RCG", "RI", "RCA"),
    ),
    Source(
        Metric.ATTENDANCE,
        lambda: Attendance.objects.filter(attended=True),
        "session__starts_at",
        country="user__country",
        region="user__region",
        gender="user__gender",
        language="user__preferred_language",
        institution="user__institution",
    ),
)


def month_of(moment: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment, datetime.UTC).date()
    return moment.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


# Marking and refreshing


def tally_slices_mark(marks: Iterable[tuple[int | None, datetime.datetime | datetime.date | None]]) -> None:
    """Mark the months of these (country id, moment) pairs out of date. Called after a commit."""
    rows = {(country_id or 0, month_of(moment)) for country_id, moment in marks if moment is not None}
    if not rows:
        return
    TallySlice.objects.bulk_create(
        [TallySlice(country_key=country_key, month=month) for country_key, month in sorted(rows)],
        ignore_conflicts=True,
    )
    if getattr(settings, "REPORTS_REFRESH_ON_COMMIT", False):
        tallies_refresh()


def tallies_refresh(*, limit: int = 50) -> int:
    """Count the marked months again; returns how many. Two refreshes at once take different months (on
    PostgreSQL); a month marked again while it is being counted stays marked for the next refresh."""
    with transaction.atomic():
        claimed = TallySlice.objects.order_by("marked_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            claimed = claimed.select_for_update(skip_locked=True)
        slices = list(claimed[:limit])
        if not slices:
            return 0
        TallySlice.objects.filter(pk__in=[each.pk for each in slices]).delete()
        for each in slices:
            _count_slice(country_id=each.country_key or None, month=each.month)
    return len(slices)


def tallies_rebuild() -> dict[str, int]:
    """Count everything again, in one transaction (dashboards read the previous counts until it commits).
    Returns the number of tally rows per metric."""
    started = timezone.now()
    with transaction.atomic():
        Tally.objects.all().delete()
        for source in SOURCES:
            _count(source, where=Q())
        for finest, grains in DERIVED.items():
            _derive(finest, grains)
        _count_active()
        TallySlice.objects.filter(marked_at__lte=started).delete()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The previous counts are dead rows in the table and its indexes until a vacuum: reads would visit them all.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Tally._meta.db_table)}")
    return {
        row["metric"]: row["n"] for row in Tally.objects.values("metric").annotate(n=Count("pk")).order_by("metric")
    }


def tallies_refresh_active() -> None:
    """Count the teachers active in the last 30 days again (a snapshot: it changes without any event)."""
    with transaction.atomic():
        Tally.objects.filter(metric=Metric.ACTIVE).delete()
        _count_active()


def _count_slice(*, country_id: int | None, month: datetime.date) -> None:
    in_country = {"country": country_id} if country_id else {"country__isnull": True}
    Tally.objects.filter(month=month, **in_country).exclude(metric=Metric.ACTIVE).delete()
    end = next_month(month)
    for source in SOURCES:
        start_at = datetime.datetime.combine(month, datetime.time(), tzinfo=datetime.UTC)
        end_at = datetime.datetime.combine(end, datetime.time(), tzinfo=datetime.UTC)
        where = Q(**{f"{source.date}__gte": start_at, f"{source.date}__lt": end_at})
        where &= Q(**{source.country: country_id}) if country_id else Q(**{f"{source.country}__isnull": True})
        _count(source, where=where)
    for finest, grains in DERIVED.items():
        _derive(finest, grains, country_id=country_id or 0, month=month)


def _count_active() -> None:
    since = timezone.now() - datetime.timedelta(days=ACTIVE_DAYS)
    source = Source(Metric.ACTIVE, _teachers, "last_activity")
    _count(source, where=Q(last_activity__gte=since), month=month_of(timezone.now()))
    _derive("RCG", DERIVED["RCG"], metric=Metric.ACTIVE)


def _count(source: Source, *, where: Q, month: datetime.date | None = None) -> None:
    """Count ``source``'s rows into its finest grains, grouped and inserted inside the database."""
    for grain in source.grains:
        _insert_grouped(source, grain, where=where, month=month)


def _insert_grouped(source: Source, grain: str, *, where: Q, month: datetime.date | None) -> None:
    dimensions = {"country_": F(source.country), "language_": Coalesce(F(source.language), Value(""))}
    if month is None:
        dimensions["month_"] = TruncMonth(source.date, output_field=DateField(), tzinfo=datetime.UTC)
    if "R" in grain:
        dimensions["region_"] = F(source.region)
    if "G" in grain:
        dimensions["gender_"] = Coalesce(F(source.gender), Value(""))
    if "I" in grain:
        dimensions["institution_"] = F(source.institution)
    if ("C" in grain or "A" in grain) and source.course:
        dimensions["course_"] = source.course()
    grouped = source.rows().filter(where).annotate(**dimensions).values(*dimensions).annotate(n=Count("pk")).order_by()
    inner, inner_params = grouped.query.sql_with_params()
    quote = connection.ops.quote_name

    def column(alias: str, empty: str = "NULL") -> str:
        return f"g.{quote(alias)}" if alias in dimensions else empty

    table = quote(Tally._meta.db_table)
    params: list = [grain, Metric.CELLS if "A" in grain else source.metric]
    month_sql = column("month_")
    if month is not None:
        month_sql = "%s"
        params.append(month)
    selected = [
        "%s", "%s", month_sql, column("country_"), column("region_"), column("institution_"), column("course_"),
        column("gender_", "''"), column("language_"),
    ]  # fmt: skip
    if "A" in grain:
        # One row per ICT CFT cell the course covers.
        through = Course.competencies.through._meta
        competency = through.get_field("competency").related_model._meta
        sql = (
            f"INSERT INTO {table} (grain, metric, month, country_id, region_id, institution_id, course_id, gender, "  # noqa: S608 (no input in the SQL)
            f"language, aspect, level, count) SELECT {', '.join(selected)}, c.aspect, c.level, g.n FROM ({inner}) g "
            f"JOIN {quote(through.db_table)} cc ON cc.course_id = g.{quote('course_')} "
            f"JOIN {quote(competency.db_table)} c ON c.id = cc.competency_id"
        )
    else:
        sql = (
            f"INSERT INTO {table} (grain, metric, month, country_id, region_id, institution_id, course_id, gender, "  # noqa: S608 (no input in the SQL)
            f"language, aspect, level, count) SELECT {', '.join(selected)}, NULL, NULL, g.n FROM ({inner}) g"
        )
    # Written in the order reads look rows up (a place, then its months), so that a region's or a course's rows sit
    # together on disk and a read visits few pages.
    order = [column(alias) for alias in ("country_", "region_", "course_", "month_") if alias in dimensions]
    sql += f" ORDER BY {', '.join(order)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])


def _derive(
    finest: str,
    grains: Iterable[str],
    *,
    country_id: int | None = None,
    month: datetime.date | None = None,
    metric: str | None = None,
) -> None:
    """Sum the ``finest`` grain's rows into each coarser grain, in the database."""
    table = connection.ops.quote_name(Tally._meta.db_table)
    conditions, params = ["grain = %s"], [finest]
    if country_id is not None:
        conditions.append("country_id = %s" if country_id else "country_id IS NULL")
        params += [country_id] if country_id else []
    if month is not None:
        conditions.append("month = %s")
        params.append(month)
    if metric is not None:
        conditions.append("metric = %s")
        params.append(metric)
    with connection.cursor() as cursor:
        for grain in grains:
            kept = {
                "region_id": "R" in grain,
                "course_id": "C" in grain,
                "gender": "G" in grain,
                "aspect": "A" in grain,
                "level": "A" in grain,
            }
            empty = {"region_id": "NULL", "course_id": "NULL", "gender": "''", "aspect": "NULL", "level": "NULL"}
            selected = [column if keep else empty[column] for column, keep in kept.items()]
            grouped = ["metric", "month", "country_id", "language"] + [c for c, keep in kept.items() if keep]
            sql = (
                f"INSERT INTO {table} (grain, metric, month, country_id, language, region_id, course_id, gender, "  # noqa: S608 (no input in the SQL)
                f"aspect, level, institution_id, count) "
                f"SELECT %s, metric, month, country_id, language, {', '.join(selected)}, NULL, SUM(count) "
                f"FROM {table} WHERE {' AND '.join(conditions)} GROUP BY {', '.join(grouped)} "
                f"ORDER BY {', '.join(c for c in ('country_id', 'region_id', 'course_id', 'month') if c in grouped)}"
            )
            cursor.execute(sql, [grain, *params])


def attendance_marks(*, session_id: int, user_id: int) -> list[tuple[int | None, datetime.datetime]]:
    """The (country, moment) an attendance row is counted under: the teacher's country, the session's start."""
    starts_at = Session.objects.filter(pk=session_id).values_list("starts_at", flat=True).first()
    country_id = User.objects.filter(pk=user_id).values_list("country_id", flat=True).first()
    return [(country_id, starts_at)]


def tallies_pending_since() -> datetime.datetime | None:
    """When the oldest month still waiting to be counted again was marked (None: every count is current)."""
    return TallySlice.objects.order_by("marked_at").values_list("marked_at", flat=True).first()


def teacher_marks(*, user_id: int) -> list[tuple[int | None, datetime.datetime]]:
    """The (country, moment) of everything a teacher's own fields are counted with: her enrollments, completions,
    certificates and attendance."""
    marks: list[tuple[int | None, datetime.datetime]] = []
    for country_id, created_at, completed_at in Enrollment.objects.filter(user_id=user_id).values_list(
        "country_id", "created_at", "completed_at"
    ):
        marks += [(country_id, created_at), (country_id, completed_at)]
    marks += Certificate.objects.filter(user_id=user_id).values_list("country_id", "issued_at")
    marks += Attendance.objects.filter(user_id=user_id).values_list("user__country_id", "session__starts_at")
    return marks
