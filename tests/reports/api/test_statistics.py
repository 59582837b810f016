"""``/api/v1/statistics/``: the dashboard's counts for a ministry's system, in the same scope, with the same filters
and the same privacy (small counts are null, and one more where needed)."""

from __future__ import annotations

import pytest

from accounts.models import Country, Region
from lms.reports import tallies
from tests.factories.accounts import UserFactory
from tests.factories.reports import enroll, teachers
from tests.factories.roles import ministry_official
from tests.reports.api.helpers import as_system, error_of, queries, url
from tests.reports.test_dashboard import THIS_MONTH

pytestmark = pytest.mark.django_db


def test_an_official_reads_her_countrys_counts_by_region_with_small_ones_hidden(cairo_and_giza):
    country, cairo, giza, _course = cairo_and_giza
    api = as_system(ministry_official(country=country))
    body = api.get(url("statistics"), {"by": "region"}).json()
    assert body["by"] == "region" and body["suppressed_below"] == 5
    rows = {row["key"]: row for row in body["rows"]}
    assert rows[str(cairo.pk)]["label"] == "Cairo"
    # Giza's 3 enrollments are hidden, and Cairo's 18 with them, since the total (21) is given.
    assert rows[str(giza.pk)]["counts"]["enrollments"] is None
    assert rows[str(cairo.pk)]["counts"]["enrollments"] is None
    assert body["totals"]["enrollments"] == 21
    assert rows[str(cairo.pk)]["counts"]["completions"] == 8 and rows[str(giza.pk)]["counts"]["completions"] == 0
    totals = api.get(url("statistics")).json()
    assert totals["rows"] == [] and totals["totals"]["certificates"] == 8
    by_month = api.get(url("statistics"), {"by": "month", "period_from": f"{THIS_MONTH:%Y-%m}"}).json()
    assert [row["key"] for row in by_month["rows"]] == [f"{THIS_MONTH:%Y-%m}"]
    cells = api.get(url("statistics"), {"by": "cell"}).json()
    assert {row["key"]: row["counts"]["cells"] for row in cells["rows"]} == {"2.1": 8, "2.2": 8}


def test_another_countrys_region_is_an_error_and_gives_no_counts(cairo_and_giza):
    country, *_ = cairo_and_giza
    tunis = Region.objects.create(country=Country.objects.get(code="TN"), name="Tunis")
    response = as_system(ministry_official(country=country)).get(url("statistics"), {"region": tunis.pk})
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"region"}
    tunisia = as_system(ministry_official(country=Country.objects.get(code="TN"))).get(url("statistics")).json()
    assert tunisia["totals"]["enrollments"] == 7 and tunisia["totals"]["certificates"] == 0


def test_schools_are_read_within_one_region(cairo_and_giza):
    country, cairo, *_ = cairo_and_giza
    api = as_system(ministry_official(country=country))
    response = api.get(url("statistics"), {"by": "institution"})
    assert response.status_code == 400 and "by" in error_of(response)["fields"]
    assert api.get(url("statistics"), {"by": "institution", "region": cairo.pk}).status_code == 200


def test_teachers_and_bad_parameters_are_refused(cairo_and_giza):
    assert as_system(UserFactory()).get(url("statistics")).status_code == 403
    official = as_system(ministry_official(country=cairo_and_giza[0]))
    for params in ({"by": "nothing"}, {"period_from": "2026-13"}, {"period_from": "2026-05", "period_to": "2026-01"}):
        assert official.get(url("statistics"), params).status_code == 400, params


def test_the_number_of_queries_does_not_grow_with_the_counts(egypt_regions):
    country, cairo, _giza = egypt_regions
    api = as_system(ministry_official(country=country))
    from lms.courses import services as course_services

    course = course_services.course_create(title="One")
    enroll(teachers(1, country=country, region=cairo), course)
    tallies.tallies_rebuild()
    few = queries(api, url("statistics"), {"by": "region"})
    for number in range(5):
        region = Region.objects.create(country=country, name=f"Region {number}")
        enroll(teachers(6, country=country, region=region), course_services.course_create(title=f"C{number}"))
    tallies.tallies_rebuild()
    assert queries(api, url("statistics"), {"by": "region"}) == few
