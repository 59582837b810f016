"""Fixtures of the ministries' pages: Egypt with two regions, and a population counted in the summary tables."""

from __future__ import annotations

import pytest

from accounts.models import Country, Region
from lms.competencies.models import Competency
from lms.courses import services as course_services
from lms.reports import tallies
from tests.factories.reports import certify, enroll, teachers


@pytest.fixture(autouse=True)
def counts_refreshed_by_the_tests(settings):
    """These tests count the tallies themselves, whichever settings run them (`make test` exports the dev settings,
    where counts are refreshed right after each commit)."""
    settings.REPORTS_REFRESH_ON_COMMIT = False


@pytest.fixture
def egypt_regions():
    country = Country.objects.get(code="EG")
    cairo = Region.objects.create(country=country, name="Cairo")
    giza = Region.objects.create(country=country, name="Giza")
    return country, cairo, giza


@pytest.fixture
def cairo_and_giza(egypt_regions):
    """Cairo: 12 women and 6 men, all enrolled, 8 completed and certified; Giza: 3 women, enrolled. Tunisia: 7."""
    country, cairo, giza = egypt_regions
    course = course_services.course_create(title="Teaching with digital tools")
    course.competencies.set(Competency.objects.filter(aspect=2, level__in=[1, 2]))
    women, men = teachers(12, country=country, region=cairo), teachers(6, country=country, region=cairo, gender="male")
    enroll(women[:8], course, completed=True)
    enroll(women[8:] + men, course)
    certify(women[:8], course)
    enroll(teachers(3, country=country, region=giza), course)
    tunisia = Country.objects.get(code="TN")
    enroll(teachers(7, country=tunisia, region=None), course, completed=True)
    tallies.tallies_rebuild()
    return country, cairo, giza, course
