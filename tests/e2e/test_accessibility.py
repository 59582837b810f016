"""The accessibility sweep (issue #9): every page the teacher's, the trainer's and the ministry official's journeys
visit, in English, Russian and Arabic, checked by axe-core against the WCAG 2.0/2.1 A and AA rules, with the
``<html lang dir>`` of the language — error pages and Wagtail's admin included.

The data is built once for the module and one live server and one Chromium serve every page (a transactional test
per page would rebuild it 147 times). The pages only read, so nothing needs a fresh database between them; the
module puts the reference data back when it is done, as a transactional test would.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.e2e.a11y import WAGTAIL_ADMIN_EXCLUDE, assert_accessible, install_axe
from tests.e2e.conftest import CHROMIUM_ARGS, _chromium_path

# The tests read only; the mark makes pytest-django set the test database up (the module's data is built outside
# the tests' transactions, see ``site``).
pytestmark = pytest.mark.django_db
LANGUAGES = ("en", "ru", "ar")
PASSWORD = "a-long-test-password-1"


@dataclass(frozen=True)
class Visit:
    """A page: who looks at it (a signed-in browser context, or None for a visitor), its address per language,
    and, for pages that show a form's errors, how to get them."""

    role: str | None
    path: str  # a key of the module's addresses
    status: int = 200
    admin: bool = False  # Wagtail's admin: its own markup, see WAGTAIL_ADMIN_EXCLUDE
    errors: str = ""  # "login" / "signup": submit the form wrongly first; "csrf": submit it without the CSRF cookie


# A page whose markup another one contains entirely is left out: the sign-up and sign-in pages are checked with their
# errors shown, a new quiz's and a new question's forms as the settings of a quiz and the editing of a question.
PAGES = {
    # The visitor: the public site, signing up and in (with errors), verifying a certificate.
    "home": Visit(None, "home"),
    "catalogue": Visit(None, "catalogue"),
    "course": Visit(None, "course"),
    "signup-errors": Visit(None, "signup", errors="signup"),
    "login-errors": Visit(None, "login", errors="login"),
    "verify-lookup": Visit(None, "verify-lookup"),
    "verify-certificate": Visit(None, "verify-certificate"),
    "verify-unknown": Visit(None, "verify-unknown", status=404),
    "not-found": Visit(None, "not-found", status=404),
    "csrf-failure": Visit(None, "login", errors="csrf"),
    "server-error": Visit(None, "server-error", status=500),
    # The teacher.
    "dashboard": Visit("teacher", "dashboard"),
    "course-enrolled": Visit("teacher", "course"),
    "lesson": Visit("teacher", "lesson"),
    "quiz-lesson": Visit("teacher", "quiz-lesson"),
    "attempt": Visit("teacher", "attempt"),
    "attempt-summary": Visit("teacher", "attempt-summary"),
    "attempt-review": Visit("teacher", "attempt-review"),
    "my-grades": Visit("teacher", "my-grades"),
    "certificates": Visit("teacher", "certificates"),
    "profile": Visit("teacher", "profile"),
    "webinars": Visit("teacher", "webinars"),
    "webinar": Visit("teacher", "webinar"),
    "forbidden": Visit("teacher", "reports", status=403),
    # The trainer: our management pages and Wagtail's page editor.
    "manage-courses": Visit("trainer", "manage-courses"),
    "participants": Visit("trainer", "participants"),
    "quiz-list": Visit("trainer", "quiz-list"),
    "quiz-settings": Visit("trainer", "quiz-settings"),
    "quiz-questions": Visit("trainer", "quiz-questions"),
    "question-bank": Visit("trainer", "question-bank"),
    "bank-category": Visit("trainer", "bank-category"),
    "question-edit": Visit("trainer", "question-edit"),
    "gradebook": Visit("trainer", "gradebook"),
    "essay-queue": Visit("trainer", "essay-queue"),
    "essay-grade": Visit("trainer", "essay-grade"),
    "manage-webinars": Visit("trainer", "manage-webinars"),
    "webinar-create": Visit("trainer", "webinar-create"),
    "webinar-sessions": Visit("trainer", "webinar-sessions"),
    "webinar-participants": Visit("trainer", "webinar-participants"),
    "attendance": Visit("trainer", "attendance"),
    "admin-dashboard": Visit("trainer", "admin-dashboard", admin=True),
    "admin-explorer": Visit("trainer", "admin-explorer", admin=True),
    "admin-add-lesson": Visit("trainer", "admin-add-lesson", admin=True),
    "admin-course-edit": Visit("trainer", "admin-course-edit", admin=True),
    "admin-lesson-edit": Visit("trainer", "admin-lesson-edit", admin=True),
    # The ministry official.
    "reports": Visit("official", "reports"),
    "registry": Visit("official", "registry"),
    "exports": Visit("official", "exports"),
    "batch-check": Visit("official", "batch-check"),
}


def _addresses(language: str, data: dict) -> dict[str, str]:
    def url(name: str, **kwargs) -> str:
        return reverse(name, kwargs=kwargs)

    course, quiz, event = data["course"], data["quiz"], data["event"]
    with translation.override(language):
        return {
            "home": f"/{language}/",
            "catalogue": f"/{language}/courses/",
            "course": data["course_pages"][language],
            "lesson": data["lessons"][language],
            "quiz-lesson": data["quiz_lessons"][language],
            "signup": url("accounts:signup"),
            "login": url("accounts:login"),
            "verify-lookup": url("certificates:lookup"),
            "verify-certificate": url("certificates:verify-localised", code=data["certificate"].code),
            "verify-unknown": url("certificates:verify-localised", code="NOTACODE1234"),
            "not-found": f"/{language}/no-such-page/",
            "dashboard": url("courses:dashboard"),
            "attempt": url("quizzes:attempt-page", attempt_uuid=data["open_attempt"].uuid),
            "attempt-summary": url("quizzes:attempt-summary", attempt_uuid=data["open_attempt"].uuid),
            "attempt-review": url("quizzes:attempt-review", attempt_uuid=data["finished_attempt"].uuid),
            "my-grades": url("quizzes:my-grades", course_uuid=course.uuid),
            "certificates": url("certificates:mine"),
            "profile": url("accounts:profile"),
            "webinars": url("webinars:event-list"),
            "webinar": url("webinars:event-detail", event_uuid=event.uuid),
            "reports": url("reports:dashboard"),
            "manage-courses": url("courses:manage-list"),
            "participants": url("courses:participants", course_uuid=course.uuid),
            "quiz-list": url("quizzes:quiz-list", course_uuid=course.uuid),
            "quiz-settings": url("quizzes:quiz-edit", quiz_uuid=quiz.uuid),
            "quiz-questions": url("quizzes:quiz-questions", quiz_uuid=quiz.uuid),
            "question-bank": url("quizzes:bank-list"),
            "bank-category": url("quizzes:bank-category", category_id=data["category"].pk),
            "question-edit": url("quizzes:question-edit", question_id=data["question"].pk),
            "gradebook": url("quizzes:gradebook", course_uuid=course.uuid),
            "essay-queue": url("quizzes:essay-queue"),
            "essay-grade": url("quizzes:essay-grade", question_attempt_id=data["essay"].pk),
            "manage-webinars": url("webinars:manage-list"),
            "webinar-create": url("webinars:manage-create"),
            "webinar-sessions": url("webinars:manage-sessions", event_uuid=event.uuid),
            "webinar-participants": url("webinars:manage-participants", event_uuid=event.uuid),
            "attendance": url("webinars:session-attendance", session_uuid=data["session"].uuid),
            "server-error": f"/{language}/server-error-for-the-test/",
            "admin-dashboard": "/cms-admin/",
            "admin-explorer": f"/cms-admin/pages/{data['course_page_ids'][language]}/",
            "admin-add-lesson": f"/cms-admin/pages/add/cms/lessonpage/{data['module_ids'][language]}/",
            "admin-course-edit": f"/cms-admin/pages/{data['course_page_ids'][language]}/edit/",
            "admin-lesson-edit": f"/cms-admin/pages/{data['quiz_lesson_ids'][language]}/edit/",
            "registry": url("reports:registry"),
            "exports": url("reports:exports"),
            "batch-check": url("certificates:batch-check"),
        }


def _build() -> dict:
    """A course in three languages (two lessons, the second with a quiz of a multiple-choice, a true/false and an
    essay question), a teacher enrolled with a finished attempt (essay waiting for grading) and an open one, a
    certificate of another course, a webinar she registered for, a trainer and an official for her country."""
    from accounts.models import Country
    from cms.models import CoursePage, LessonPage
    from cms.outline import course_sync
    from lms.courses.models import Activity
    from lms.courses.services import activity_complete, enrollment_self_enroll
    from lms.quizzes import services as quiz_services
    from lms.quizzes.models import QuestionAttempt
    from lms.quizzes.services.attempts import attempt_start, attempt_submit
    from lms.reports.tallies import tallies_rebuild
    from tests.factories.accounts import UserFactory
    from tests.factories.courses import make_course
    from tests.factories.quizzes import QuestionCategoryFactory, answer, make_question
    from tests.factories.roles import ministry_official
    from tests.factories.roles import trainer as make_trainer
    from tests.factories.webinars import make_event
    from tests.lms.quizzes.test_attempts import save
    from webinars.models import Registration

    country = Country.objects.get(code="EG")
    author = make_trainer(full_name="Irina Petrova", country=country)
    course = make_course(
        title="Digital assessment in the classroom", modules=1, lessons=2, languages=LANGUAGES, trainers=[author]
    )
    category = QuestionCategoryFactory(owner=author, name="Assessment")
    sun = make_question(
        "multichoice",
        category=category,
        owner=author,
        text="What colour is the sun?",
        answers=[answer("yellow", "1", feedback="Yes."), answer("red", "0"), answer("blue", "0")],
    )
    quiz = quiz_services.quiz_create(course=course, by=author, title="Check yourself", pass_grade=Decimal(50))
    for question in (
        sun,
        make_question("truefalse", category=category, owner=author),
        make_question("essay", category=category, owner=author),
    ):
        quiz_services.slot_add_question(quiz=quiz, by=author, question=question)
    for lesson in LessonPage.objects.filter(slug="lesson-1-2"):
        lesson.body = [("paragraph", "<p>Before the quiz.</p>"), ("quiz", {"quiz": quiz})]
        lesson.save_revision().publish()
    course_sync(course.pk)
    quiz.refresh_from_db()

    teacher = UserFactory(full_name="Amina Hassan", country=country, preferred_language="en")
    teacher.set_password(PASSWORD)
    teacher.save()
    enrollment_self_enroll(user=teacher, course=course)
    finished = attempt_start(quiz=quiz, user=teacher, language="en")
    save(finished, teacher, {0: 0, 1: True, 2: "Learners remember what they explain to others."})
    attempt_submit(attempt=finished, user=teacher)
    finished.refresh_from_db()
    essay = QuestionAttempt.objects.get(attempt=finished, position=2)
    opened = attempt_start(quiz=quiz, user=teacher, language="en")

    done = make_course(title="Safe internet for pupils", modules=1, lessons=1, languages=LANGUAGES)
    done_enrollment = enrollment_self_enroll(user=teacher, course=done)
    activity_complete(enrollment=done_enrollment, activity=Activity.objects.get(course=done))
    certificate = teacher.certificates.get()

    event = make_event(title="Formative assessment with phones", trainers=[author], created_by=author)
    session = event.sessions.first()
    Registration.objects.create(event=event, user=teacher, status=Registration.Status.CONFIRMED)

    official = ministry_official(country=country, full_name="Layla Mansour")
    for user in (author, official):
        user.set_password(PASSWORD)
        user.save()
    tallies_rebuild()

    pages = {page.locale.language_code: page for page in CoursePage.objects.filter(course=course)}
    lessons, quiz_lessons = {}, {}
    for language, page in pages.items():
        lessons[language] = LessonPage.objects.descendant_of(page).get(slug="lesson-1-1")
        quiz_lessons[language] = LessonPage.objects.descendant_of(page).get(slug="lesson-1-2")
    return {
        "course": course,
        "quiz": quiz,
        "event": event,
        "session": session,
        "category": category,
        "question": sun,
        "essay": essay,
        "open_attempt": opened,
        "finished_attempt": finished,
        "certificate": certificate,
        "users": {"teacher": teacher, "trainer": author, "official": official},
        "course_pages": {language: page.url for language, page in pages.items()},
        "course_page_ids": {language: page.pk for language, page in pages.items()},
        "lessons": {language: page.url for language, page in lessons.items()},
        "quiz_lessons": {language: page.url for language, page in quiz_lessons.items()},
        "quiz_lesson_ids": {language: page.pk for language, page in quiz_lessons.items()},
        "module_ids": {language: page.get_parent().pk for language, page in quiz_lessons.items()},
    }


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The data, a live server and one browser with a context per role (signed in through the sign-in page)."""
    from playwright.sync_api import sync_playwright
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import ensure_reference_data, missing_service

    path = _chromium_path()
    if not path:
        missing_service("Chromium")
    # The live server's threads need the database for as long as the module runs, not only while it is built.
    with django_db_blocker.unblock():
        data = _build()
        addresses = {language: _addresses(language, data) for language in LANGUAGES}
        server = LiveServer("localhost")
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
                pages = {None: _context(browser).new_page()}
                for role, user in data["users"].items():
                    pages[role] = _signed_in(browser, server.url, user)
                yield {"url": server.url, "pages": pages, "addresses": addresses}
                browser.close()
        finally:
            server.stop()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
            call_command("flush", interactive=False, verbosity=0)
            ensure_reference_data()


def _context(browser):
    """A desktop browser context with axe-core loaded into each of its pages (as the DevTools protocol does it:
    the page's CSP does not apply, and the pages keep theirs)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    install_axe(context)
    return context


def _signed_in(browser, base: str, user):
    """One page per role, signed in through the sign-in page, reused for every page of that role."""
    page = _context(browser).new_page()
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{user} could not sign in"
    return page


def _server_error_page(language: str) -> str:
    """What the site answers when a view crashes: Django's handler500 with our 500.html, for a request in ``language``
    (rendered here, served to the browser from the page's own address, so that its stylesheet loads as usual)."""
    from django.test import RequestFactory
    from django.views.defaults import server_error

    with translation.override(language):
        return server_error(RequestFactory().get(f"/{language}/")).content.decode()


def _show_errors(page, kind: str) -> None:
    if kind == "csrf":  # the form sent without the CSRF cookie (lost, expired): Django's CSRF failure page, ours
        page.context.clear_cookies()
        with page.expect_response(lambda response: response.request.method == "POST") as answer:
            page.locator("main form button[type=submit]").click()
        assert answer.value.status == 403
        page.wait_for_load_state()
        return
    if kind == "login":
        page.fill("input[name=username]", "nobody@example.org")
        page.fill("input[name=password]", "wrong-password-here")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_wcag_violations_and_the_languages_lang_and_dir(site, name, language):
    visit = PAGES[name]
    page = site["pages"][visit.role]
    if visit.admin:  # Wagtail's admin speaks the language of the django_language cookie (set at sign-in)
        page.context.add_cookies([{"name": "django_language", "value": language, "url": site["url"]}])
    address = site["url"] + site["addresses"][language][visit.path]
    if visit.path == "server-error":
        body = _server_error_page(language)
        page.route(address, lambda route: route.fulfill(status=500, body=body, content_type="text/html; charset=utf-8"))
    response = page.goto(address)
    assert response.status == visit.status, f"{name}: {response.status} {page.url}"
    if visit.errors:
        _show_errors(page, visit.errors)
        if visit.errors != "csrf":
            assert page.locator("[role=alert]").count() > 0, "the form's errors are announced"
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == [
        language,
        "rtl" if language == "ar" else "ltr",
    ]
    assert_accessible(page, exclude=WAGTAIL_ADMIN_EXCLUDE if visit.admin else ())
