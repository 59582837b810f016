"""Issue #9, XSS: every payload of ``xss_payloads`` (the categories of OWASP's XSS Filter Evasion Cheat Sheet)
goes in through the real path of each input that is shown back, and the page that shows it has no executable
markup the user supplied: no script, frame, object or embed element, no event-handler attribute, no
javascript:/vbscript:/data:text/html address, no style with expression() or url(). Plain-text inputs must
read back as the same text (escaped); rich text may lose the dangerous parts (sanitised).

Inputs × payloads: the sanitiser itself, Wagtail rich text (SanitisedRichTextBlock), the profile's full name
and certificate names, a library submission's title, summary and attribution, a webinar's title, description
and materials, a quiz's title and its questions' texts, choices, feedback and translations in every text format
(on the lesson, the attempt, summary and review pages, the essay grading page, the quiz's question list and the
question editor), and cohort names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cms.blocks import SanitisedRichTextBlock
from core.sanitize import sanitize_html
from tests.factories.accounts import UserFactory
from tests.factories.library import library_index
from tests.factories.roles import superuser, trainer
from tests.factories.webinars import SessionFactory
from webinars.models import Event
from webinars.services.events import event_create

from .html_checks import as_text, dangerous_nodes, new_dangerous_nodes, page_text
from .xss_payloads import PAYLOADS, ids

payloads = pytest.mark.parametrize(("category", "payload"), PAYLOADS, ids=ids())


def assert_no_script(html: str, *, baseline: str | None = None) -> None:
    found = dangerous_nodes(html) if baseline is None else new_dangerous_nodes(html, baseline)
    assert not found, f"executable markup survived: {found}"


# Rich text -------------------------------------------------------------------------------------------------


@payloads
def test_the_sanitiser_leaves_no_executable_markup(category, payload):
    assert_no_script(sanitize_html(payload))
    assert_no_script(sanitize_html(f"<p>before {payload} after</p>"))


@payloads
def test_wagtail_rich_text_blocks_are_sanitised_when_stored(category, payload):
    block = SanitisedRichTextBlock(features=["bold", "italic", "link", "ul", "ol"])
    value = block.to_python(payload)
    stored = block.get_prep_value(value)
    assert_no_script(stored)
    assert_no_script(str(block.render(block.to_python(stored))))


# Plain text: the profile ----------------------------------------------------------------------------------


@pytest.fixture
def baseline_profile(client, db):
    user = UserFactory(full_name="Nadia Karimova")
    client.force_login(user)
    html = client.get("/en/accounts/profile/").content.decode()
    client.logout()
    return html


@pytest.mark.django_db
@payloads
def test_profile_names_are_escaped(client, baseline_profile, category, payload):
    user = UserFactory(full_name="Nadia Karimova")
    client.force_login(user)
    form = client.get("/en/accounts/profile/").context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data = {name: value for name, value in data.items() if value != "" or name in {"full_name"}}
    data.update(full_name=payload[:255], certificate_name=payload[:255], time_zone="UTC", preferred_language="en")
    response = client.post("/en/accounts/profile/", data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: the form shows again with what she typed
        assert_no_script(response.content.decode(), baseline=baseline_profile)
        return
    user.refresh_from_db()
    assert user.full_name == payload[:255].strip()
    html = client.get("/en/accounts/profile/").content.decode()
    assert_no_script(html, baseline=baseline_profile)
    dashboard = client.get("/en/dashboard/")
    assert_no_script(dashboard.content.decode(), baseline=_baseline(client, "/en/dashboard/"))


_BASELINES: dict[str, str] = {}


def _baseline(client, url: str) -> str:
    """The page for a user with a harmless name (its own scripts and stylesheets)."""
    if url not in _BASELINES:
        from django.test import Client

        other = Client()
        other.force_login(UserFactory(full_name="Nadia Karimova"))
        _BASELINES[url] = other.get(url).content.decode()
    return _BASELINES[url]


# Plain text: a library submission --------------------------------------------------------------------------


@pytest.mark.django_db
@payloads
def test_library_submissions_are_escaped(client, category, payload):
    from cms.models import ResourcePage

    library_index("en")
    client.force_login(UserFactory())
    title = f"{payload[:240]} #x"
    response = client.post(
        "/en/library/submit/",
        {
            "title": title,
            "summary": payload[:600],
            "resource_type": "lesson_plan",
            "licence": "cc-by-4.0",
            "attribution": payload[:300],
            "languages": ["en"],
            "link": "https://oer.example.org/fractions/",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ResourcePage.objects.get()
    state = page.current_workflow_state
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, superuser(), "approve")
    page.refresh_from_db()
    assert page.live
    client.logout()
    html = client.get(page.url).content.decode()
    baseline = _resource_baseline(client)
    assert_no_script(html, baseline=baseline)
    assert as_text(payload[:600]) in page_text(html)
    listing = client.get("/en/library/").content.decode()
    assert_no_script(listing, baseline=baseline)


def _resource_baseline(client) -> str:
    return client.get("/en/library/").content.decode()


# Webinars: title (plain), description and materials (rich) ------------------------------------------------


@pytest.mark.django_db
@payloads
def test_webinar_texts_are_escaped_or_sanitised(client, category, payload):
    owner = trainer()
    harmless = event_create(by=owner, title="Digital pedagogy", time_zone="UTC", description="<p>Hello</p>")
    event = event_create(
        by=owner, title=payload[:255], time_zone="UTC", description=payload, materials=f"<p>{payload}</p>"
    )
    for each in (harmless, event):
        Event.objects.filter(pk=each.pk).update(status=Event.Status.PUBLISHED)
        SessionFactory(event=each)
    url = reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid})
    baseline = client.get(reverse("webinars:event-detail", kwargs={"event_uuid": harmless.uuid})).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_script(html, baseline=baseline)
    assert as_text(payload[:255]) in page_text(html)


# Quizzes: question texts, choices, feedback and translations (html, moodle, markdown, plain), quiz titles ----------
# One quiz per category of payloads (three questions for each payload, all on one page): the pages are the same
# for every payload, so building them once per category keeps the 72 payloads to a dozen quizzes.


def _quiz_with(payloads: list[str]):
    from cms.models import LessonPage
    from cms.outline import course_sync
    from lms.courses.services import enrollment_self_enroll
    from lms.quizzes import services
    from lms.quizzes.models import ReviewWhen
    from tests.factories.courses import make_course
    from tests.factories.quizzes import QuestionCategoryFactory, answer, make_question

    author = trainer()
    category = QuestionCategoryFactory(owner=author)
    course = make_course(modules=1, lessons=1, languages=("en", "ru"), trainers=[author])
    questions = []
    for payload in payloads:
        questions += [
            make_question(
                "multichoice",
                category=category,
                text=f"<p>Which one? {payload}</p>",
                text_format="html",
                answers=[
                    answer(f"right {payload}", "1", feedback=f"<p>Yes {payload}</p>"),
                    {**answer(f"<b>wrong</b> {payload}", "0", feedback=payload), "text_format": "html"},
                ],
                general_feedback=payload,
                shuffle=False,
                texts={"ru": {"text": f"Какой? {payload}", "answers": [f"да {payload}", f"нет {payload}"]}},
            ),
            make_question("shortanswer", category=category, text=f"Name it: {payload}", text_format="markdown"),
            make_question("essay", category=category, text=f"Explain: {payload}", text_format="plain"),
        ]
    quiz = services.quiz_create(
        course=course,
        by=author,
        title=f"Quiz {payloads[0][:200]}",
        questions_per_page=0,
        shuffle_answers=False,
        review_marks=ReviewWhen.AFTER_SUBMIT,
        review_answers=ReviewWhen.AFTER_SUBMIT,
        review_feedback=ReviewWhen.AFTER_SUBMIT,
    )
    for question in questions:
        services.slot_add_question(quiz=quiz, by=author, question=question)
    for lesson in LessonPage.objects.filter(locale__language_code__in=["en", "ru"]):
        lesson.body = [("quiz", {"quiz": quiz})]
        lesson.save_revision().publish()
    course_sync(course.pk)
    quiz.refresh_from_db()
    learner = UserFactory()
    enrollment_self_enroll(user=learner, course=course)
    return author, learner, quiz, questions


def _quiz_pages(client, author, learner, quiz, questions) -> dict[str, str]:
    from lms.quizzes.models import Attempt, QuestionAttempt

    pages = {}

    def get(url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    client.force_login(learner)
    for language in ("en", "ru"):
        pages[f"lesson-{language}"] = get(quiz.activity.urls[language])
    assert client.post(f"/ru/learning/quizzes/{quiz.uuid}/start/").status_code == 302
    attempt = Attempt.objects.get(quiz=quiz, user=learner)
    pages["attempt-ru"] = get(f"/ru/learning/attempts/{attempt.uuid}/?page=0")
    pages["attempt-en"] = get(f"/en/learning/attempts/{attempt.uuid}/?page=0")
    slots = list(QuestionAttempt.objects.filter(attempt=attempt).order_by("position"))
    data = {"page": "0", "action": "finish"}
    for slot in slots:
        data[f"q{slot.position}-seq"] = str(slot.sequence)
        data[f"q{slot.position}-answer"] = {"multichoice": "0"}.get(slot.data["kind"], "an answer")
    client.post(f"/en/learning/attempts/{attempt.uuid}/", data)
    for name in ("summary", "submit", "review"):
        url = reverse(f"quizzes:attempt-{name}", kwargs={"attempt_uuid": attempt.uuid})
        if name == "submit":
            assert client.post(url).status_code == 302
        else:
            pages[name] = get(url)
    client.force_login(author)
    essays = [slot for slot in slots if slot.data["kind"] == "essay"]
    pages["essay-grade"] = get(reverse("quizzes:essay-grade", kwargs={"question_attempt_id": essays[0].pk}))
    pages["questions"] = get(reverse("quizzes:quiz-questions", kwargs={"quiz_uuid": quiz.uuid}))
    for index, each in enumerate(questions[:3]):
        pages[f"edit-{index}"] = get(reverse("quizzes:question-edit", kwargs={"question_id": each.pk}))
    client.logout()
    return pages


QUIZ_CATEGORIES = sorted({category for category, _payload in PAYLOADS})


@pytest.mark.django_db
@pytest.mark.parametrize("category", QUIZ_CATEGORIES)
def test_quiz_texts_are_escaped_or_sanitised_wherever_shown(client, category):
    from django.test import Client

    payloads = [payload for each, payload in PAYLOADS if each == category]
    baselines = _quiz_pages(Client(), *_quiz_with(["plain words"] * len(payloads)))
    pages = _quiz_pages(client, *_quiz_with(payloads))
    assert pages.keys() == baselines.keys()
    for name, html in pages.items():
        assert_no_script(html, baseline=baselines[name])
    # plain text reads back as the text she was given, escaped, not dropped
    assert as_text(f"Explain: {payloads[0]}") in page_text(pages["essay-grade"])
    assert as_text(f"Quiz {payloads[0][:200]}") in page_text(pages["questions"])


# Cohort names: shown to the trainer who enrolls a cohort ------------------------------------------------------


@pytest.mark.django_db
def test_cohort_names_are_escaped_on_the_participants_page(client):
    from lms.courses.models import Cohort
    from tests.factories.courses import make_course

    author = trainer()
    course = make_course(modules=1, lessons=1, trainers=[author])
    client.force_login(author)
    url = reverse("courses:participants", kwargs={"course_uuid": course.uuid})
    Cohort.objects.create(name="Grade 5 teachers", created_by=author)
    baseline = client.get(url).content.decode()
    names = [payload[:255] for _category, payload in PAYLOADS]
    Cohort.objects.bulk_create(Cohort(name=name, created_by=author) for name in names)
    html = client.get(url).content.decode()
    assert_no_script(html, baseline=baseline)
    text = page_text(html)
    assert all(as_text(name) in text for name in names)
