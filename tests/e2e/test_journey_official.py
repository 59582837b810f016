"""The ministry official's journey in English, Russian and Arabic: she signs in, goes from her learning page to the
certification dashboard, reads her country's figures (its regions only, the totals of her country only, not the
neighbour's whose teachers took the same course), and exports her country's teachers as a file (CSV or XLSX, made
in the background) whose rows are exactly her country's teachers, with their names as written."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Country, Region
from lms.courses import services as course_services
from lms.reports.dashboard import Formatter
from lms.reports.models import Metric
from lms.reports.tallies import tallies_rebuild
from tests.e2e.journeys import PASSWORD, Journey, browser_page, exactly, sign_in
from tests.e2e.test_ministry_journey import cohort
from tests.factories.roles import ministry_official

pytestmark = pytest.mark.django_db(transaction=True)

# Her country with two regions, the neighbouring country with one; the course; her name; the file she makes.
SETTING = {
    "en": {
        "country": ("KE", ["Nairobi", "Mombasa"]),
        "neighbour": ("UG", "Kampala"),
        "course": "Digital tools for teachers",
        "official": "Wanjiru Kamau",
        "format": "csv",
    },
    "ru": {
        "country": ("KZ", ["Алматы", "Астана"]),
        "neighbour": ("KG", "Бишкек"),
        "course": "Цифровые инструменты учителя",
        "official": "Айгуль Сапарова",
        "format": "xlsx",
    },
    "ar": {
        "country": ("TN", ["تونس", "صفاقس"]),
        "neighbour": ("DZ", "وهران"),
        "course": "الأدوات الرقمية للمعلمين",
        "official": "ليلى الطرابلسي",
        "format": "csv",
    },
}


def figures(language: str):
    """Her country: 14 teachers in the first region (11 certified), 7 in the second (5 certified); the neighbour:
    9 teachers, all certified — counted there, never here."""
    setting = SETTING[language]
    code, (first_name, second_name) = setting["country"]
    neighbour_code, neighbour_region = setting["neighbour"]
    country, neighbour = Country.objects.get(code=code), Country.objects.get(code=neighbour_code)
    first = Region.objects.create(country=country, name=first_name)
    second = Region.objects.create(country=country, name=second_name)
    abroad = Region.objects.create(country=neighbour, name=neighbour_region)
    course = course_services.course_create(title=setting["course"])
    ours = [
        *cohort(country, first, None, 8, gender="female", course=course, certified=6),
        *cohort(country, first, None, 6, gender="male", course=course, certified=5),
        *cohort(country, second, None, 7, gender="female", course=course, certified=5),
    ]
    theirs = cohort(neighbour, abroad, None, 9, gender="female", course=course, certified=9)
    tallies_rebuild()
    official = ministry_official(country=country, preferred_language=language, full_name=setting["official"])
    official.set_password(PASSWORD)
    official.save()
    return official, ours, theirs


def exported_names(path, kind: str, language: str) -> list[str]:
    with translation.override(language):
        name_column = translation.gettext("Name")
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    else:
        rows = [
            list(row)
            for row in load_workbook(io.BytesIO(path.read_bytes()), read_only=True).active.iter_rows(values_only=True)
        ]
    header, *rows = rows
    assert name_column in header, header
    column = header.index(name_column)
    return [row[column] for row in rows]


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_a_ministry_official_reads_her_countrys_dashboard_and_exports_its_teachers(
    live_server, chromium, screenshot, language
):
    setting = SETTING[language]
    official, ours, theirs = figures(language)
    number = Formatter(language=language, country_code=setting["country"][0]).number
    first_region, second_region = setting["country"][1]

    with browser_page(chromium, language=language, accept_downloads=True) as page:
        journey = Journey(page, base_url=live_server.url, language=language, screenshot=screenshot)
        t = journey.t
        sign_in(journey, official)
        journey.at("signed-in")

        # From "My learning" to the certification dashboard.
        journey.click_link(t("My learning"), within=page.locator("header nav").first)
        journey.at("my-learning")
        journey.click_link(t("Teacher certification dashboard"))
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Teacher certification dashboard"))
        journey.at("dashboard")

        # Her country's totals: 21 registered teachers, 16 certificates (with the neighbour's it would be 30, 25).
        totals = page.locator(".report-totals")
        with translation.override(language):
            registered, certificates = str(Metric.REGISTERED.label), str(Metric.CERTIFICATES.label)
        expect(totals.locator("div", has=page.locator("dt", has_text=exactly(registered))).locator("dd")).to_have_text(
            number(21)
        )
        expect(
            totals.locator("div", has=page.locator("dt", has_text=exactly(certificates))).locator("dd")
        ).to_have_text(number(16))
        # Her regions, with their own figures; the neighbour's region is nowhere.
        regions = page.locator("section", has=page.get_by_role("heading", name=t("By region"), exact=True))
        expect(regions.get_by_role("row", name=re.compile(re.escape(first_region)))).to_contain_text(number(14))
        expect(regions.get_by_role("row", name=re.compile(re.escape(second_region)))).to_contain_text(number(7))
        assert setting["neighbour"][1] not in page.content()
        for teacher in theirs[:1] + ours[:1]:
            assert teacher.full_name not in page.content()  # figures, not people

        # She exports her country's teachers; the file is made in the background and she downloads it.
        journey.click_link(t("Export teachers"))
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Export teachers and their certificates"))
        journey.at("exports")
        kind = setting["format"]
        journey.click_button(t("Make a CSV file") if kind == "csv" else t("Make an Excel file (XLSX)"))
        journey.at("export-job")
        journey.click_link(t("See the results"))
        expect(page.locator("main")).to_contain_text(
            t("The file lists %(count)s teacher.", "The file lists %(count)s teachers.", 21) % {"count": 21}
        )
        journey.at("export-ready")
        with page.expect_download() as download_info:
            journey.click_link(t("Download the file"))
        download = download_info.value
        assert download.suggested_filename.endswith(f".{kind}"), download.suggested_filename
        names = exported_names(download.path(), kind, language)
        assert sorted(names) == sorted(teacher.full_name for teacher in ours)
        journey.finish()
