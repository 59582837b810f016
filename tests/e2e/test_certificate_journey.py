"""The certificates issue's journey in a real browser: a teacher in Tunisia completes a course in Arabic and receives
her certificate in Arabic — a PDF that reads right to left with its code left to right, whose QR code holds the
address of the verification page — which a ministry official opens on her phone without signing in; and the
certificate is an Open Badges 2.0 assertion whose recipient is her email address, hashed."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Country
from certificates.badges import recipient_matches, unbake_png
from certificates.models import Certificate
from cms.models import LessonPage
from lms.competencies.models import Competency
from lms.courses.models import Activity
from lms.courses.services import activity_complete, enrollment_self_enroll
from tests.certificates.test_issuance import _arabic_in
from tests.core.test_pdf import embedded_fonts, pdf_text
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-test-password-1"
TITLE = "التقويم الرقمي في الصف"
NAME = "مريم بن سالم"


def ar(message: str) -> str:
    with translation.override("ar"):
        text = gettext(message)
    assert re.search(r"[\u0600-\u06FF]", text), f"not translated into Arabic: {message!r}"
    return text


def qr_image(pdf: bytes) -> Image.Image:
    """The QR code drawn on the certificate: the page's one square image."""
    images = [image.image for image in PdfReader(io.BytesIO(pdf)).pages[0].images]
    squares = [image for image in images if image.width == image.height]
    assert len(squares) == 1, f"{len(images)} images on the page"
    return squares[0].convert("1")


def test_a_teacher_in_tunisia_gets_her_arabic_certificate_and_an_official_verifies_it(live_server, chromium, tmp_path):
    course = make_course(title=TITLE, modules=1, lessons=2, languages=("ar",), estimated_hours=Decimal("8"))
    course.competencies.set(Competency.objects.filter(aspect=4, level=2))
    teacher = UserFactory(
        full_name=NAME, preferred_language="ar", country=Country.objects.get(code="TN"), time_zone="Africa/Tunis"
    )
    teacher.set_password(PASSWORD)
    teacher.save()
    enrollment = enrollment_self_enroll(user=teacher, course=course)
    first, _last = Activity.objects.filter(course=course).order_by("position")
    activity_complete(enrollment=enrollment, activity=first)
    lesson = LessonPage.objects.get(locale__language_code="ar", slug="lesson-1-2")
    base = live_server.url

    # She signs in (in Arabic), finishes the last lesson, and the course is complete.
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ar")
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(f"{base}/ar/accounts/login/")
    page.fill("input[name=username]", teacher.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(base + lesson.url)
    page.get_by_role("button", name=ar("Mark as done and continue")).click()
    page.wait_for_load_state()
    certificate = Certificate.objects.get(user=teacher)
    assert certificate.language == "ar" and certificate.country.code == "TN"
    assert certificate.renditions.filter(is_current=True).count() == 1  # rendered by the job after the commit

    # Her dashboard lists it; "My certificates" has it with its PDF and badge.
    with translation.override("ar"):
        page.goto(base + reverse("courses:dashboard"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    section = page.locator("section", has=page.get_by_role("heading", name=ar("My certificates")))
    expect(section).to_contain_text(TITLE)
    section.get_by_role("link", name=ar("All my certificates")).click()
    card = page.locator(".card", has_text=TITLE)
    expect(card.locator(".badge--ok")).to_have_text(ar("Valid"))
    download = page.request.get(base + card.get_by_role("link", name=ar("Download PDF")).get_attribute("href"))
    assert download.ok and download.headers["content-type"] == "application/pdf"
    pdf = download.body()

    # The PDF in Arabic: her name, the course, "took the course" read right to left; the code left to right.
    text = pdf_text(pdf)
    assert _arabic_in(NAME, text) and _arabic_in(TITLE, text)
    assert _arabic_in("قد أتم بنجاح الدورة التدريبية", text)  # diacritics are left out (core.pdf)
    assert _arabic_in("تطبيق المهارات الرقمية", text)  # the competency, in Arabic
    code = "-".join(re.findall(".{1,4}", certificate.code))
    assert code in text
    fonts = embedded_fonts(pdf, tmp_path)
    assert fonts.get("Amiri-Regular") or fonts.get("Amiri"), fonts

    # Its QR code is the verification address (the same modules as a QR code of that address).
    address = f"{settings.SITE_URL.rstrip('/')}/verify/{certificate.code}/"
    expected = Image.open(io.BytesIO(_png(segno.make(address, error="m")))).convert("1")
    assert qr_image(pdf).resize(expected.size).tobytes() == expected.tobytes()

    # A ministry official scans it with her phone (not signed in; her phone is in Arabic).
    phone = chromium.new_context(viewport={"width": 360, "height": 740}, locale="ar", is_mobile=True)
    official = phone.new_page()
    official.goto(base + urlsplit(address).path)
    assert official.locator("html").get_attribute("lang") == "ar"
    assert official.locator("html").get_attribute("dir") == "rtl"
    main = official.locator("main")
    expect(main).to_contain_text(ar("This certificate was issued by this platform and is valid."))
    expect(main).to_contain_text(NAME)
    expect(main).to_contain_text(TITLE)
    expect(main).to_contain_text(code)
    assert teacher.email not in official.content()

    # The badge: a hosted Open Badges 2.0 assertion for her email address, hashed; and the baked PNG carries it.
    assertion_url = f"{base}/openbadges/assertions/{certificate.uuid}.json"
    document = json.loads(official.request.get(assertion_url).body())
    assert document["@context"] == "https://w3id.org/openbadges/v2" and document["type"] == "Assertion"
    assert document["verification"]["type"] in ("hosted", "HostedBadge")
    assert recipient_matches(document["recipient"], teacher.email)
    assert teacher.email not in json.dumps(document) and NAME not in json.dumps(document)
    baked = page.request.get(base + card.get_by_role("link", name=ar("Open Badge (PNG)")).get_attribute("href"))
    assert baked.ok and unbake_png(baked.body()) == document["id"]
    context.close()
    phone.close()


def _png(qr) -> bytes:
    out = io.BytesIO()
    qr.save(out, kind="png", scale=4, border=2)
    return out.getvalue()
