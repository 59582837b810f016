"""The ministries issue's journey in a real browser, in Russian: an official for Kazakhstan signs in, reads her
country's certification by region and gender, drills down to one region and its schools, exports that region's
teachers as CSV, checks a batch of certificate codes, and reaches nothing of another country's — not by the pages,
not by typing an address, not through the API with her token."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.api_tokens import api_token_create
from accounts.models import Country, Institution, Region
from certificates.models import Certificate
from lms.courses import services as course_services
from lms.courses.models import Enrollment
from lms.reports.tallies import tallies_rebuild
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-test-password-1"


def ru(message: str) -> str:
    with translation.override("ru"):
        text = gettext(message)
    assert re.search(r"[А-Яа-я]", text), f"not translated into Russian: {message!r}"
    return text


def cohort(country, region, school, count, *, gender, course, certified: int) -> list:
    people = []
    for number in range(count):
        teacher = UserFactory(
            country=country,
            region=region,
            institution=school,
            gender=gender,
            full_name=f"{region.name} {gender} {number}",
        )
        done = number < certified
        Enrollment.objects.create(
            user=teacher,
            course=course,
            country=country,
            region=region,
            status=Enrollment.Status.COMPLETED if done else Enrollment.Status.ACTIVE,
            completed_at=teacher.date_joined if done else None,
        )
        if done:
            Certificate.objects.create(
                user=teacher, subject_key=course.subject_key, language="ru", country=country, region=region
            )
        people.append(teacher)
    return people


def test_an_official_reads_her_countrys_certification_in_russian_and_nothing_else(live_server, chromium):
    kazakhstan, kyrgyzstan = Country.objects.get(code="KZ"), Country.objects.get(code="KG")
    almaty = Region.objects.create(country=kazakhstan, name="Алматы")
    astana = Region.objects.create(country=kazakhstan, name="Астана")
    bishkek = Region.objects.create(country=kyrgyzstan, name="Бишкек")
    school = Institution.objects.create(country=kazakhstan, region=almaty, name="Школа-гимназия № 12")
    course = course_services.course_create(title="Цифровые инструменты учителя")
    cohort(kazakhstan, almaty, school, 14, gender="female", course=course, certified=9)
    cohort(kazakhstan, almaty, school, 7, gender="male", course=course, certified=6)
    cohort(kazakhstan, astana, None, 3, gender="female", course=course, certified=2)
    foreign = cohort(kyrgyzstan, bishkek, None, 6, gender="female", course=course, certified=6)
    tallies_rebuild()
    official = ministry_official(country=kazakhstan, preferred_language="ru", full_name="Айгуль Сапарова")
    official.set_password(PASSWORD)
    official.save()
    base = live_server.url

    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ru", accept_downloads=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(f"{base}/ru/accounts/login/")
    page.fill("input[name=username]", official.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # From her dashboard to the certification dashboard: her country's regions, by gender, in Russian.
    with translation.override("ru"):
        page.goto(base + reverse("courses:dashboard"))
    page.get_by_role("link", name=ru("Teacher certification dashboard")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ru("Teacher certification dashboard"))
    regions = page.locator("section", has=page.get_by_role("heading", name=ru("By region")))
    expect(regions.get_by_role("table")).to_contain_text("Алматы")
    expect(regions.get_by_role("table")).to_contain_text("Астана")
    assert "Бишкек" not in page.content()
    genders = page.locator("section", has=page.get_by_role("heading", name=ru("By gender")))
    female = genders.get_by_role("row", name=re.compile(ru("Female")))
    expect(female).to_contain_text("11")  # 9 in Almaty and 2 in Astana hold certificates
    totals = page.locator("section", has=page.get_by_role("heading", name=ru("Totals for the period")))
    expect(totals).to_contain_text("17")
    # Astana's three teachers are fewer than five: hidden, and the chart says so too.
    expect(regions.get_by_role("row", name=re.compile("Астана"))).to_contain_text("<5")
    assert regions.locator("svg[role=img] title").count() == 1

    # She drills down to Almaty: its schools appear.
    regions.get_by_role("link", name="Алматы").click()
    expect(page.get_by_role("heading", name=ru("By school or institution"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Школа-гимназия № 12")

    # She exports Almaty's teachers as CSV, made in the background, and downloads it.
    page.get_by_role("link", name=ru("Export teachers")).click()
    page.get_by_role("button", name=ru("Make a CSV file")).click()
    page.get_by_role("link", name=ru("See the results")).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=ru("Download the file")).click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    names = {row[1] for row in rows[1:]}
    assert len(names) == 21 and all(name.startswith("Алматы") for name in names)

    # She checks a batch of codes: hers and a Kyrgyz one say what public verification says, nothing more.
    ours = Certificate.objects.filter(country=kazakhstan).first()
    with translation.override("ru"):
        page.goto(base + reverse("certificates:batch-check"))
    page.get_by_label(ru("Or paste the codes")).fill(f"{ours.code}\nNOT-A-CODE")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=ru("Check and download the results (CSV)")).click()
    checked = download_info.value.path().read_text(encoding="utf-8-sig")
    assert ours.code in checked and "NOT-A-CODE" in checked

    # Another country's teacher: not by the registry, not by typing the address, not by the API.
    stranger = foreign[0]
    response = page.request.get(base + reverse("reports:registry-teacher", kwargs={"user_id": stranger.pk}))
    assert response.status == 404 and stranger.full_name not in response.text()
    response = page.request.get(base + reverse("reports:dashboard") + f"?region={bishkek.pk}")
    assert "Бишкек" not in response.text() and ru("Totals for the period") not in response.text()
    _token, key = api_token_create(user=official, name="Ministry system")
    headers = {"Authorization": f"Bearer {key}"}
    api = context.request
    assert api.get(f"{base}/api/v1/teachers/{stranger.pk}/", headers=headers).status == 404
    listed = api.get(f"{base}/api/v1/teachers/?page_size=100", headers=headers).json()
    assert stranger.full_name not in str(listed) and listed["count"] == 24
    codes = str(api.get(f"{base}/api/v1/certificates/?page_size=100", headers=headers).json())
    assert ours.code in codes and not any(
        certificate.code in codes for certificate in Certificate.objects.filter(country=kyrgyzstan)
    )
    context.close()
