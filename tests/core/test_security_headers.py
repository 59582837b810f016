"""Security headers (issue #9): every kind of page carries the strict Content-Security-Policy (no inline script or
style, iframes only from the embed providers) and the other headers, a page from the anonymous page cache too;
Wagtail's admin gets its own, looser policy (Django's admin needs none); and no template of ours brings back what
the policy forbids (inline scripts, styles, event handlers), so that nobody finds out only in a browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Country
from cms.embeds import frame_origins
from cms.models import CoursePage
from core import page_cache
from core.security import csp_header, permissions_policy_header
from lms.courses.models import Activity
from lms.courses.services import enrollment_self_enroll
from lms.quizzes import services as quiz_services
from lms.quizzes.models import Attempt
from tests.certificates.test_pages import make_certificate
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.library import resource_page
from tests.factories.quizzes import answer, make_question
from tests.factories.roles import ministry_official, superuser, trainer
from tests.factories.webinars import make_event

pytestmark = pytest.mark.django_db

SITE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-src https://player.vimeo.com https://www.youtube-nocookie.com "
    "https://h5p.org https://*.h5p.org https://h5p.com https://*.h5p.com https://phet.colorado.edu "
    "https://*.phet.colorado.edu https://geogebra.org https://*.geogebra.org; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_site_headers(response) -> None:
    assert response["Content-Security-Policy"] == SITE_POLICY
    assert_other_headers(response)


def assert_other_headers(response) -> None:
    for name, value in OTHER_HEADERS.items():
        assert response[name] == value, name
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions
    assert 'fullscreen=(self "https://player.vimeo.com" "https://www.youtube-nocookie.com"' in permissions


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The policy itself ---------------------------------------------------------------------------------------------


def test_the_site_policy_is_strict_and_its_frames_come_from_the_embed_allow_list():
    assert csp_header(settings.SECURE_CSP) == SITE_POLICY
    directives = dict(part.split(" ", 1) for part in SITE_POLICY.split("; "))
    for directive, sources in directives.items():
        assert "unsafe" not in sources and "nonce-" not in sources and sources.strip() != "*", directive
    assert directives["frame-src"].split() == frame_origins()  # cms/embeds.py, not a second list


def test_the_permissions_policy_header_is_well_formed():
    header = permissions_policy_header({"camera": [], "fullscreen": ["self", "https://a.example"]})
    assert header == 'camera=(), fullscreen=(self "https://a.example")'


# Every kind of page --------------------------------------------------------------------------------------------


def test_anonymous_pages_carry_the_policy_also_when_they_come_from_the_page_cache(client):
    course = make_course(title="Digital pedagogy")
    resource = resource_page(title="Fractions video")
    course_url = CoursePage.objects.get(course=course, locale__language_code="en").url
    for url in ("/en/", "/ar/", "/en/courses/", course_url, "/en/library/", resource.url):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first[page_cache.HIT_HEADER] == "miss"
        assert_site_headers(first)
        second = client.get(url)
        assert second[page_cache.HIT_HEADER] == "hit", url
        assert_site_headers(second)


def test_a_signed_in_lesson_and_a_quiz_attempt_carry_the_policy():
    author = trainer()
    course = make_course(modules=1, lessons=1, trainers=[author])
    learner = UserFactory()
    enrollment_self_enroll(user=learner, course=course)
    client = signed_in(learner)
    lesson = client.get(Activity.objects.get(course=course).urls["en"])
    assert lesson.status_code == 200
    assert_site_headers(lesson)

    quiz = quiz_services.quiz_create(course=course, by=author, title="Colours", time_limit_minutes=5)
    question = make_question("multichoice", text="What colour is the sun?", answers=[answer("yellow", "1")])
    quiz_services.slot_add_question(quiz=quiz, by=author, question=question)
    started = client.post(f"/en/learning/quizzes/{quiz.uuid}/start/")
    assert started.status_code == 302
    attempt = Attempt.objects.get(quiz=quiz, user=learner)
    page = client.get(f"/en/learning/attempts/{attempt.uuid}/?page=0")
    assert page.status_code == 200 and b"data-attempt-timer" in page.content
    assert_site_headers(page)


def test_a_webinar_page_the_certificate_check_and_the_ministry_dashboard_carry_the_policy(client):
    event = make_event(title="Open lesson")
    with translation.override("en"):
        event_url = reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid})
        dashboard_url = reverse("reports:dashboard")
    assert_site_headers(client.get(event_url))

    certificate = make_certificate()
    verify = client.get(f"/verify/{certificate.code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert verify.status_code == 200
    assert_site_headers(verify)

    official = ministry_official(country=Country.objects.get(code="TN"))
    dashboard = signed_in(official).get(dashboard_url)
    assert dashboard.status_code == 200
    assert_site_headers(dashboard)


def test_error_pages_and_redirects_carry_the_policy(client):
    assert_site_headers(client.get("/en/no-such-page/"))
    redirect = client.get("/")  # to the visitor's language
    assert redirect.status_code == 302 and redirect["Content-Security-Policy"] == SITE_POLICY


@pytest.mark.parametrize("url", ["/cms-admin/", "/cms-admin/pages/", "/cms-admin/login/"])
def test_wagtails_admin_gets_its_own_policy(url):
    response = Client().get(url) if url.endswith("login/") else signed_in(superuser()).get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy == csp_header(settings.SECURE_CSP_ADMIN)
    assert "script-src 'self' 'unsafe-inline';" in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert_other_headers(response)


def test_a_wagtail_preview_leaves_the_policy_to_the_admin_view_around_it():
    """Wagtail renders a preview by sending a made-up request for the page through the middleware; the page's own
    policy (frame-ancestors 'none') would stop the admin's preview panel from showing it."""
    course_page = CoursePage.objects.get(course=make_course(), locale__language_code="en")
    assert "Content-Security-Policy" not in course_page.make_preview_request()


def test_djangos_admin_gets_the_strict_policy():
    response = signed_in(superuser()).get("/django-admin/")
    assert response.status_code == 200
    assert_site_headers(response)


# Templates ------------------------------------------------------------------------------------------------------

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", ".services", ".git", "node_modules", "static", "media", "var"}
# Rendered to PDF by xhtml2pdf on the server, never shown to a browser: their styles are the PDF's layout.
PDF_TEMPLATES = {"webinars/templates/webinars/attendance/signin_sheet.html"}
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_DATA_SCRIPT = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)
_FORBIDDEN_IN_TAG = [
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an on… event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE), "a javascript: address"),
]


def project_templates() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.html"):
        relative = path.relative_to(ROOT)
        if SKIP_DIRS & set(relative.parts[:-1]) or "templates" not in relative.parts:
            continue
        found.append(path)
    return found


def template_problems(text: str) -> list[str]:
    problems = []
    for attributes, content in _SCRIPT.findall(text):
        if content.strip() and not _DATA_SCRIPT.search(attributes):
            problems.append("an inline <script>")
    if re.search(r"<style\b", text, re.IGNORECASE):
        problems.append("a <style> block")
    for tag in _TAG.findall(re.sub(r"\{[%#].*?[%#]\}", "", text, flags=re.DOTALL)):
        problems.extend(label for pattern, label in _FORBIDDEN_IN_TAG if pattern.search(tag))
    return problems


def test_the_scan_finds_what_the_policy_would_block():
    assert template_problems('<script>alert(1)</script><p style="color: red" onclick="x()">') == [
        "an inline <script>",
        "an on… event handler attribute",
        "a style attribute",
    ]
    assert template_problems('<style>p {}</style><a href="javascript:x()">') == [
        "a <style> block",
        "a javascript: address",
    ]
    clean = '<script src="/static/a.js" defer></script><script type="application/json">{"a": 1}</script><p class="x">'
    assert template_problems(clean) == []


def test_no_template_has_inline_script_style_or_event_handlers():
    templates = project_templates()
    assert len(templates) > 100  # the scan does see the project's templates
    for pdf in PDF_TEMPLATES:
        assert (ROOT / pdf).exists(), f"{pdf} is gone: remove it from PDF_TEMPLATES"
    problems = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if str(path.relative_to(ROOT)) not in PDF_TEMPLATES and (found := template_problems(path.read_text()))
    }
    assert problems == {}, "The Content-Security-Policy blocks these: move them to a static .js or .css file."
