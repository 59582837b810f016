"""The ministries' dashboard: counts from the summary tables match the rows they count, are kept current after each
change, stay inside the official's scope, hide small groups (and what would give them away), and are written the
way her language and country write numbers. Pages read a fixed number of queries however much there is to count."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Country, Institution, Region, User
from accounts.scope import Scope
from core.numbers import locale_for, month_format, number_format
from lms.courses import services as course_services
from lms.courses.models import Enrollment
from lms.reports import statistics, tallies
from lms.reports.filters import ReportFilters
from lms.reports.models import Metric, Tally, TallySlice
from tests.certificates.test_pages import signed_in, text
from tests.factories.accounts import UserFactory
from tests.factories.reports import certify, enroll, teachers
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import make_event
from webinars.models import Attendance

pytestmark = pytest.mark.django_db

THIS_MONTH = tallies.month_of(timezone.now())


def url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("reports:dashboard")


def scope_of(country) -> Scope:
    return Scope(country_ids=frozenset({country.pk}))


def snapshot() -> Counter:
    return Counter(
        Tally.objects.values_list(
            "grain", "metric", "month", "country", "region", "institution", "course", "gender", "language",
            "aspect", "level", "count",
        )
    )  # fmt: skip


def test_the_counts_match_the_rows_and_stay_in_the_scope(cairo_and_giza):
    country, cairo, giza, _course = cairo_and_giza
    scope, filters = scope_of(country), ReportFilters()
    totals = statistics.statistics_totals(scope, filters)
    assert totals[Metric.REGISTERED] == 21 and totals[Metric.ENROLLMENTS] == 21
    assert totals[Metric.COMPLETIONS] == 8 and totals[Metric.CERTIFICATES] == 8
    by_region = statistics.statistics_breakdown(scope, filters, by="region")
    assert by_region[cairo.pk][Metric.ENROLLMENTS] == 18 and by_region[giza.pk][Metric.ENROLLMENTS] == 3
    by_gender = statistics.statistics_breakdown(scope, filters, by="gender")
    assert by_gender["female"][Metric.REGISTERED] == 15 and by_gender["male"][Metric.REGISTERED] == 6
    cells = statistics.statistics_breakdown(scope, filters, by="cell")
    assert cells == {(2, 1): {Metric.CELLS: 8}, (2, 2): {Metric.CELLS: 8}}
    # Tunisia's seven are counted for Tunisia only.
    assert statistics.statistics_totals(scope_of(Country.objects.get(code="TN")), filters)[Metric.COMPLETIONS] == 7
    # A regional official's counts are her region's, whatever she asks for.
    regional = Scope(region_ids=frozenset({(country.pk, giza.pk)}))
    assert statistics.statistics_totals(regional, filters)[Metric.ENROLLMENTS] == 3
    assert statistics.statistics_totals(regional, ReportFilters(region_id=cairo.pk)) == {}
    assert statistics.statistics_breakdown(Scope(), filters, by="region") == {}


def test_filters_narrow_the_counts(cairo_and_giza):
    country, cairo, _giza, course = cairo_and_giza
    scope = scope_of(country)
    in_cairo = statistics.statistics_totals(scope, ReportFilters(region_id=cairo.pk, course_id=course.pk))
    assert in_cairo == {Metric.ENROLLMENTS: 18, Metric.COMPLETIONS: 8, Metric.CERTIFICATES: 8}
    next_month = tallies.next_month(THIS_MONTH)
    assert statistics.statistics_totals(scope, ReportFilters(period_from=next_month)).get(Metric.ENROLLMENTS) is None
    assert statistics.statistics_totals(scope, ReportFilters(language="ar")).get(Metric.ENROLLMENTS) is None
    english = UserFactory().preferred_language
    assert statistics.statistics_totals(scope, ReportFilters(language=english))[Metric.ENROLLMENTS] == 21
    # Schools are counted per region, not per course.
    assert statistics.statistics_breakdown(scope, ReportFilters(course_id=course.pk), by="institution") is None


def test_each_change_is_counted_again_after_its_commit(cairo_and_giza, django_capture_on_commit_callbacks):
    country, _cairo, giza, course = cairo_and_giza
    school = Institution.objects.create(country=country, region=giza, name="Giza School")
    with django_capture_on_commit_callbacks(execute=True):
        late = teachers(2, country=country, region=giza, institution=school)
        enroll(late, course, completed=True)
        certify(late, course)
        event = make_event()
        Attendance.objects.create(session=event.sessions.get(), user=late[0])
    marked = set(TallySlice.objects.values_list("country_key", "month"))
    assert (country.pk, THIS_MONTH) in marked
    assert tallies.tallies_refresh() == len(marked) and not TallySlice.objects.exists()
    refreshed = snapshot()
    tallies.tallies_rebuild()
    assert refreshed == snapshot()
    totals = statistics.statistics_totals(scope_of(country), ReportFilters())
    assert totals[Metric.COMPLETIONS] == 10 and totals[Metric.ATTENDANCE] == 1
    schools = statistics.statistics_breakdown(scope_of(country), ReportFilters(region_id=giza.pk), by="institution")
    assert schools[school.pk][Metric.REGISTERED] == 2


def test_a_login_marks_nothing(cairo_and_giza, django_capture_on_commit_callbacks):
    teacher = User.objects.filter(country__code="EG").first()
    with django_capture_on_commit_callbacks(execute=True):
        teacher.last_login = timezone.now()
        teacher.save(update_fields=["last_login"])
    assert not TallySlice.objects.exists()


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ({"a": 10, "b": 3, "c": 7}, {"b", "c"}),  # 3 alone could be recovered from the total: 7 goes too
        ({"a": 10, "b": 3, "c": 2}, {"b", "c"}),  # two hidden already protect each other
        ({"a": 10, "b": 0, "c": 6}, set()),  # zero tells nothing about anyone
        ({"a": 4}, {"a"}),
        ({"a": 12, "b": 9}, set()),
    ],
)
def test_small_counts_and_their_complements_are_hidden(counts, hidden):
    assert statistics.suppressed(counts, below=5) == hidden


def test_the_official_reads_her_countrys_dashboard_in_russian_and_drills_down(cairo_and_giza):
    country, cairo, _giza, _course = cairo_and_giza
    official = signed_in(ministry_official(country=country))
    page = text(official.get(url("ru")))
    assert "Панель сертификации учителей" in page
    assert "Cairo" in page and "Giza" in page and "<svg" in page and 'role="img"' in page
    # Giza's 3 enrollments are hidden, and Cairo's beside them in that column, since the total is shown.
    region_table = page[page.index('id="breakdown-region"') :]
    region_table = region_table[: region_table.index("</section>")]
    assert "&lt;5" in region_table and ">18<" not in region_table
    drill = re.search(rf'href="(\?[^"]*region={cairo.pk}[^"]*)"', page)
    assert drill, "each region leads to its own figures"
    drilled = text(official.get(url("ru") + drill.group(1).replace("&amp;", "&")))
    assert "По школам и организациям" in drilled
    # Another country's region is not a choice: a form error, and no figures.
    tunis = Region.objects.create(country=Country.objects.get(code="TN"), name="Tunis")
    refused = text(official.get(url("ru"), {"region": tunis.pk}))
    assert "errorlist" in refused and 'id="totals-title"' not in refused


@pytest.mark.parametrize("who", ["learner", "trainer"])
def test_nobody_without_a_scope_has_a_dashboard(who):
    client = signed_in(UserFactory() if who == "learner" else make_trainer())
    assert client.get(url()).status_code == 403


def test_an_egyptian_official_reads_eastern_arabic_digits_and_a_tunisian_one_western(cairo_and_giza):
    country, *_ = cairo_and_giza
    egyptian = text(signed_in(ministry_official(country=country, country_id=country.pk)).get(url("ar")))
    assert "٢١" in egyptian and 'dir="rtl"' in egyptian
    tunisia = Country.objects.get(code="TN")
    tunisian = text(signed_in(ministry_official(country=tunisia, country_id=tunisia.pk)).get(url("ar")))
    assert ">7<" in tunisian and "٧" not in tunisian


def test_numbers_and_months_follow_language_and_country():
    assert number_format(1234567, locale=locale_for("ru", "RU")) == "1\xa0234\xa0567"
    assert number_format(1234567, locale=locale_for("ar", "EG")) == "١٬٢٣٤٬٥٦٧"
    assert number_format(1234567, locale=locale_for("ar", "TN")) == "1.234.567"
    assert number_format(1234567, locale=locale_for("en", "ZZ")) == "1,234,567"
    assert month_format(datetime.date(2026, 11, 1), locale=locale_for("ar", "EG")) == "نوفمبر ٢٠٢٦"


def test_an_arabic_chart_runs_right_to_left(cairo_and_giza):
    page = text(signed_in(superuser()).get(url("ar")))
    region_chart = page[page.index('id="breakdown-region"') :]
    assert 'text-anchor="start" class="report-chart__label"' in region_chart[: region_chart.index("</svg>")]
    english = text(signed_in(superuser()).get(url("en")))
    region_chart = english[english.index('id="breakdown-region"') :]
    assert 'text-anchor="end" class="report-chart__label"' in region_chart[: region_chart.index("</svg>")]


def test_the_dashboard_reads_a_fixed_number_of_queries(egypt_regions):
    country, cairo, giza = egypt_regions
    official = signed_in(ministry_official(country=country))
    course = course_services.course_create(title="One course")
    enroll(teachers(1, country=country, region=cairo), course, completed=True)
    tallies.tallies_rebuild()
    with CaptureQueriesContext(connection) as few:
        assert official.get(url(), {"region": cairo.pk}).status_code == 200
    for number in range(6):
        other = course_services.course_create(title=f"Course {number}")
        school = Institution.objects.create(country=country, region=cairo, name=f"School {number}")
        enroll(
            teachers(3, country=country, region=giza if number % 2 else cairo, institution=school),
            other,
            completed=True,
        )
    tallies.tallies_rebuild()
    with CaptureQueriesContext(connection) as many:
        assert official.get(url(), {"region": cairo.pk}).status_code == 200
    assert len(many) == len(few)
    assert not any("courses_enrollment" in query["sql"] for query in many.captured_queries)


def test_beat_keeps_the_counts_current_through_registered_tasks(cairo_and_giza, django_capture_on_commit_callbacks):
    from config.celery import app as celery_app
    from lms.reports import tasks  # noqa: F401 (the worker imports it through autodiscovery)

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reports.refresh_tallies", "reports.refresh_active", "reports.rebuild_tallies"} <= schedule
    country, _cairo, giza, course = cairo_and_giza
    with django_capture_on_commit_callbacks(execute=True):
        enroll(teachers(4, country=country, region=giza), course)
    assert celery_app.tasks["reports.refresh_tallies"].apply().get() == 1
    assert celery_app.tasks["reports.refresh_tallies"].apply().get() == 0
    assert statistics.statistics_totals(scope_of(country), ReportFilters())[Metric.ENROLLMENTS] == 25
    rows = celery_app.tasks["reports.rebuild_tallies"].apply().get()
    assert (
        rows[Metric.ENROLLMENTS] > 0
        and statistics.statistics_totals(scope_of(country), ReportFilters())[Metric.ENROLLMENTS] == 25
    )


def test_a_teacher_who_changes_her_gender_is_counted_again_in_every_month_she_enrolled(
    egypt_regions, django_capture_on_commit_callbacks
):
    country, cairo, _giza = egypt_regions
    course = course_services.course_create(title="Older course")
    (teacher,) = teachers(1, country=country, region=cairo, gender="female")
    long_ago = timezone.now() - datetime.timedelta(days=120)
    Enrollment.objects.create(user=teacher, course=course, country=country, region=cairo, created_at=long_ago)
    tallies.tallies_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        teacher.gender = "male"
        teacher.save(update_fields=["gender"])
    assert (country.pk, tallies.month_of(long_ago)) in set(TallySlice.objects.values_list("country_key", "month"))
    tallies.tallies_refresh()
    by_gender = statistics.statistics_breakdown(scope_of(country), ReportFilters(), by="gender")
    assert by_gender == {"male": {Metric.REGISTERED: 1, Metric.ENROLLMENTS: 1}}


def test_a_long_breakdown_shows_its_largest_rows_and_sums_the_rest(egypt_regions):
    country, cairo, _giza = egypt_regions
    for number in range(4):
        course = course_services.course_create(title=f"Course {number}")
        enroll(teachers(6 + number, country=country, region=cairo), course)
    tallies.tallies_rebuild()
    table = statistics.statistics_table(scope_of(country), ReportFilters(), by="course", limit=2)
    keys = [key for key, _counts in table.rows]
    assert len(keys) == 3 and keys[-1] == statistics.OTHERS and table.others == 2
    assert [counts[Metric.ENROLLMENTS].value for _key, counts in table.rows] == [9, 8, 6 + 7]
    assert table.totals[Metric.ENROLLMENTS].value == 30


def test_the_filters_keep_what_she_chose(cairo_and_giza):
    country, cairo, _giza, course = cairo_and_giza
    page = text(signed_in(ministry_official(country=country)).get(url(), {"region": cairo.pk, "course": course.pk}))
    assert f'<option value="{cairo.pk}" selected>Cairo</option>' in page
    assert f'<option value="{course.pk}" selected>' in page and '<option value="">' in page
