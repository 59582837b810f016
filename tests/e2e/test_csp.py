"""The Content-Security-Policy in a real browser (issue #9): what our pages do with JavaScript still works under it
(a lesson's click-to-load YouTube player, a quiz attempt's countdown) and Chromium reports no violation, on our
pages and in Wagtail's page editor, which gets the admin policy. Requests to the providers never leave the machine:
they are answered with a stand-in player."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from cms.models import CoursePage, LessonPage
from cms.outline import course_sync
from lms.courses.models import Activity
from lms.courses.services import enrollment_self_enroll
from tests.e2e.test_quiz_journey import _russian_quiz_course
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.roles import superuser

pytestmark = pytest.mark.django_db(transaction=True)

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
STAND_IN = "<!doctype html><title>player</title><p>stand-in player</p>"
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def browser_page(chromium, live_server):
    """A page whose CSP violations (the DOM events and Chromium's console reports) are collected in
    ``page.violations``; every https request (the providers) gets the stand-in player."""
    context = chromium.new_context()
    context.set_default_timeout(15000)
    context.add_init_script(WATCH)
    context.route(re.compile(r"^https://"), lambda route: route.fulfill(body=STAND_IN, content_type="text/html"))
    page = context.new_page()
    reports: list[str] = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text)
            if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
            else None
        ),
    )
    page.console_reports = reports
    yield page
    context.close()


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def violations(page) -> list[str]:
    return [*page.evaluate("window.__violations"), *page.console_reports]


def test_a_lesson_loads_its_youtube_player_when_pressed_without_a_violation(browser_page, live_server):
    course = make_course(modules=1, lessons=1)
    video = {"title": "On YouTube", "file": None, "captions": [], "url": YOUTUBE, "transcript": ""}
    for lesson in LessonPage.objects.all():
        lesson.body = [("paragraph", "<p>Watch this.</p>"), ("video", video)]
        lesson.save_revision().publish()
    course_sync(course.pk)
    learner = UserFactory()
    enrollment_self_enroll(user=learner, course=course)
    page = browser_page
    sign_in(page, live_server, learner)

    page.goto(live_server.url + Activity.objects.get(course=course).urls["en"])
    assert page.locator("iframe").count() == 0  # nothing from YouTube until she asks
    page.locator("[data-embed-load]").click()

    player = page.locator("iframe[src^='https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ']")
    player.wait_for()
    frame = player.element_handle().content_frame()
    frame.wait_for_load_state()
    assert "stand-in player" in frame.content()
    assert page.url.startswith(live_server.url)  # the player replaced the link; she did not leave
    assert violations(page) == []


def test_the_quiz_countdown_runs_without_a_violation(browser_page, live_server):
    course, quiz = _russian_quiz_course()
    teacher = UserFactory(preferred_language="ru")
    enrollment_self_enroll(user=teacher, course=course)
    page = browser_page
    sign_in(page, live_server, teacher)

    page.goto(live_server.url + quiz.activity.urls["ru"])
    page.locator(f"form[action$='/quizzes/{quiz.uuid}/start/'] button").click()
    page.wait_for_url("**/learning/attempts/**")
    clock = page.locator("[data-timer-clock]")
    first = clock.inner_text()
    page.wait_for_function(
        "first => document.querySelector('[data-timer-clock]').textContent !== first", arg=first, timeout=5000
    )
    assert clock.inner_text() != first  # attempt.js counts down
    assert violations(page) == []


def test_public_pages_load_without_a_violation(browser_page, live_server):
    make_course(title="Digital pedagogy")
    page = browser_page
    for path in ("/en/", "/ar/", "/en/courses/", "/en/library/", "/en/accounts/login/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert violations(page) == [], path


def test_the_wagtail_page_editor_and_its_preview_and_django_admin_load_without_a_violation(browser_page, live_server):
    course = make_course(title="Digital pedagogy", modules=1, lessons=1)
    course_page = CoursePage.objects.get(course=course, locale__language_code="en")
    page = browser_page
    sign_in(page, live_server, superuser())

    page.goto(f"{live_server.url}/cms-admin/")  # the dashboard (no update check to releases.wagtail.org)
    page.wait_for_load_state("networkidle")
    assert violations(page) == []

    page.goto(f"{live_server.url}/cms-admin/pages/{course_page.pk}/edit/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#page-edit-form").count() == 1
    assert page.locator("[data-streamfield-stream-container], [data-block]").count() > 0  # the body's editor drew
    # The live preview frames the page as it is being edited (frame-src and frame-ancestors 'self').
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.locator(".w-preview iframe").last
    preview.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.w-preview iframe')].some(f => f.contentDocument"
        " && f.contentDocument.body && f.contentDocument.body.innerText.includes('Digital pedagogy'))"
    )
    assert violations(page) == []

    for path in ("/django-admin/", "/django-admin/accounts/user/add/", "/django-admin/webinars/event/add/"):
        page.goto(live_server.url + path)  # Django's admin has the site's strict policy and needs no more
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
