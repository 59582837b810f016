"""The trainer's journey in English, Russian and Arabic: in the Wagtail admin she writes a course (course page, module,
lesson) in the language of the journey and puts a quiz she made on the course's quiz pages into the lesson, and
publishes it; she schedules a webinar on our pages, marks who attended its session, and grades the essay a teacher
wrote in a quiz of her course."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation.trans_real import DjangoTranslation
from playwright.sync_api import expect
from wagtail.models import Page

from cms.models import CoursePage
from cms.setup import SECTIONS
from lms.courses.services import enrollment_self_enroll
from lms.quizzes import services as quiz_services
from lms.quizzes.models import QuestionAttempt, Quiz, QuizGrade
from lms.quizzes.services.attempts import attempt_start, attempt_submit
from tests.e2e.journeys import PASSWORD, Journey, browser_page, exactly, field_label, quiz_in_lessons, sign_in
from tests.e2e.test_webinar_journey import ServerClock
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.quizzes import QuestionCategoryFactory, make_question
from tests.factories.roles import trainer as make_trainer
from tests.lms.quizzes.test_attempts import save
from webinars.models import Attendance, Event, Registration, Session
from webinars.services.registration import registration_register

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = {"en": "Africa/Nairobi", "ru": "Asia/Almaty", "ar": "Africa/Tunis"}
PEOPLE = {
    "en": ("Grace Wanjiru", ["Amina Otieno", "Peter Mwangi"]),
    "ru": ("Ирина Петрова", ["Айгуль Сапарова", "Бахыт Омаров"]),
    "ar": ("سلمى الهاشمي", ["مريم بن سالم", "يوسف العلوي"]),
}
WEBINAR = {
    "en": "Formative assessment with phones",
    "ru": "Формативное оценивание с телефонами",
    "ar": "التقويم التكويني بالهواتف",
}
ESSAY = {
    "en": ("Why do learners remember what they explain?", "Because explaining makes them organise what they know."),
    "ru": ("Почему ученики запоминают то, что объясняют?", "Потому что, объясняя, они упорядочивают знания."),
    "ar": ("لماذا يتذكر المتعلمون ما يشرحونه؟", "لأن الشرح يجعلهم ينظمون ما يعرفون."),
}


@pytest.fixture
def clock(monkeypatch) -> ServerClock:
    return ServerClock(monkeypatch)


def trainer_with_an_essay_to_grade(language: str):
    """The trainer, and a course of hers whose quiz has one essay question, which a teacher answered and submitted."""
    name, (writer_name, _other) = PEOPLE[language]
    author = make_trainer(full_name=name, preferred_language=language, time_zone=ZONE[language])
    author.set_password(PASSWORD)
    author.save()
    course = make_course(modules=1, lessons=1, languages=(language,), trainers=[author])
    text, _answer = ESSAY[language]
    essay = make_question("essay", owner=author, text=text)
    quiz = quiz_services.quiz_create(course=course, by=author, title="Essay", pass_grade=Decimal(50))
    quiz_services.slot_add_question(quiz=quiz, by=author, question=essay)
    quiz_in_lessons(course, quiz, slug="lesson-1-1", languages=(language,))
    writer = UserFactory(full_name=writer_name, preferred_language=language)
    enrollment_self_enroll(user=writer, course=course)
    attempt = attempt_start(quiz=quiz, user=writer, language=language)
    save(attempt, writer, {0: ESSAY[language][1]})
    attempt_submit(attempt=attempt, user=writer)
    return author, quiz, writer, QuestionAttempt.objects.get(attempt=attempt, position=0)


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_a_trainer_schedules_a_webinar_takes_attendance_and_grades_an_essay(
    live_server, chromium, screenshot, clock, language
):
    author, quiz, writer, essay = trainer_with_an_essay_to_grade(language)
    _name, (first_name, second_name) = PEOPLE[language]
    first = UserFactory(full_name=first_name, preferred_language=language)
    second = UserFactory(full_name=second_name, preferred_language=language)
    zone = ZoneInfo(ZONE[language])
    day = (timezone.now().astimezone(zone) + timedelta(days=2)).date()

    with browser_page(chromium, language=language) as page:
        journey = Journey(page, base_url=live_server.url, language=language, screenshot=screenshot)
        t = journey.t
        sign_in(journey, author)
        journey.click_link(t("My learning"), within=page.locator("header nav").first)
        journey.at("my-learning")

        # She creates a webinar: a draft first, then its session, then she publishes it.
        journey.click_link(t("My events"))
        journey.at("my-events")
        journey.click_link(t("Create an event"))
        journey.at("new-event")
        page.get_by_label(field_label(t("Title"))).first.fill(WEBINAR[language])
        page.get_by_label(field_label(t("Meeting link"))).fill("https://meet.example.org/maktaba-assessment")
        journey.click_button(t("Create the draft"))
        expect(page.get_by_role("heading", level=1)).to_have_text(WEBINAR[language])
        journey.at("sessions")
        event = Event.objects.get(title=WEBINAR[language])
        assert event.status == Event.Status.DRAFT and event.language == language and event.time_zone == ZONE[language]
        add = page.locator("section", has=page.get_by_role("heading", name=t("Add a session"), exact=True))
        add.get_by_label(field_label(t("Date"))).fill(day.isoformat())
        add.get_by_label(field_label(t("Starts at"))).fill("15:00")
        add.get_by_label(field_label(t("Length in minutes"))).fill("90")
        journey.click_button(t("Add the session"), within=add)
        expect(page.locator(".manage-table tbody tr")).to_have_count(1)
        journey.at("session-added")
        journey.click_button(t("Publish"))
        expect(page.locator(".manage-status--published")).to_be_visible()
        journey.at("published")
        session = Session.objects.get(event=event)
        assert session.starts_at == datetime.combine(day, time(15, 0), tzinfo=zone)
        assert session.ends_at - session.starts_at == timedelta(minutes=90)
        event.refresh_from_db()
        assert event.status == Event.Status.PUBLISHED

        # Two teachers register; during the session she marks one present and the other absent.
        for teacher in (first, second):
            registration_register(event=event, user=teacher)
        clock.move_to(session.starts_at + timedelta(minutes=20))
        page.reload()
        journey.click_link(t("Attendance"), within=page.locator(".manage-table"))
        journey.at("attendance")
        row = page.locator(".roster__row", has_text=first_name)
        expect(row).to_contain_text(t("Not marked yet"))
        row.get_by_role("checkbox").check()
        journey.click_button(t("Save attendance"))
        journey.expect_message(t("Attendance saved."))
        expect(page.locator(".roster__row", has_text=first_name)).to_contain_text(t("Marked present"))
        journey.at("attendance-saved")
        marks = dict(Attendance.objects.filter(session=session).values_list("user__full_name", "attended"))
        assert marks == {first_name: True, second_name: False}
        assert Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count() == 2

        # The essay a teacher submitted: from "My learning", through her courses, to the essays waiting for a mark.
        journey.click_link(t("My learning"), within=page.locator("header nav").first)
        journey.click_link(t("Courses I teach"))
        journey.at("courses-i-teach")
        journey.click_link(t("Essays to grade"))
        journey.at("essays-to-grade")
        queue_row = page.get_by_role("row", name=re.compile(re.escape(writer.full_name)))
        queue_row.get_by_role(
            "link", name=re.compile(re.escape(t("Grade", context="verb: give a mark to an essay")))
        ).click()
        expect(page.locator("main")).to_contain_text(ESSAY[language][1])
        journey.at("essay")
        page.get_by_label(field_label(t("Mark"))).fill("0.8")
        page.get_by_label(field_label(t("Feedback for the learner"))).fill(ESSAY[language][1][:20] + " …")
        journey.click_button(t("Save the mark"))
        journey.at("essay-graded")
        essay.refresh_from_db()
        assert essay.mark == Decimal("0.8")
        grade = QuizGrade.objects.get(quiz=quiz, user=writer)
        assert grade.grade == 80 and grade.passed
        journey.finish()


COURSE = {
    "en": ("Teaching with open resources", "Find, adapt and share open educational resources."),
    "ru": ("Обучение с открытыми ресурсами", "Найти, адаптировать и распространять открытые ресурсы."),
    "ar": ("التعليم بالموارد المفتوحة", "البحث عن الموارد التعليمية المفتوحة وتكييفها ومشاركتها."),
}
# The catalogue's page in each language, as the site is set up (the trainer searches the admin for it).
CATALOGUE = next(titles for _app, model, _slug, titles in SECTIONS if model == "courseindexpage")
MODULE = {"en": "Finding resources", "ru": "Поиск ресурсов", "ar": "البحث عن الموارد"}
LESSON = {"en": "Licences in practice", "ru": "Лицензии на практике", "ar": "التراخيص في الممارسة"}
QUIZ = {"en": "Licences quiz", "ru": "Тест о лицензиях", "ar": "اختبار التراخيص"}
QUESTION = {
    "en": "May you adapt a CC BY resource?",
    "ru": "Можно ли адаптировать ресурс CC BY?",
    "ar": "هل يجوز تكييف مورد بترخيص CC BY؟",
}


def admin_label(text: str) -> re.Pattern:
    """A field's label in the Wagtail admin: ``text``, and a star when the field is required."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def admin_js(language: str, message: str) -> str:
    """A string of the Wagtail admin's scripts (their own catalogue, ``djangojs``) in ``language``."""
    return DjangoTranslation(language, domain="djangojs").gettext(message)


def admin_title(journey: Journey, title: str) -> None:
    """Type the new page's title and leave the field, as a person does: the admin then makes its slug."""
    with translation.override(journey.language):
        label = str(capfirst(Page._meta.get_field("title").verbose_name))
    field = journey.page.get_by_role("textbox", name=admin_label(label))
    field.fill(title)
    field.press("Tab")
    expect(journey.page.locator("#id_slug")).not_to_have_value("")


def admin_row_action(journey: Journey, title: str, action: str) -> None:
    """In a Wagtail page listing: the row of the page ``title``, its "More options" menu, then ``action``."""
    page = journey.page
    row = page.get_by_role("row", name=re.compile(re.escape(title)))
    more = journey.t("More options for '%(title)s'", strict=False) % {"title": title}
    row.get_by_role("button", name=more, exact=True).click()
    row.get_by_role("link", name=journey.t(action, strict=False), exact=True).click()


def admin_publish(journey: Journey) -> None:
    """The page editor's footer: open the actions menu and publish."""
    page = journey.page
    footer = page.locator("footer, .footer").last
    footer.get_by_role("button", name=re.compile(re.escape(journey.t("More actions", strict=False)))).click()
    footer.get_by_role("button", name=re.compile(re.escape(journey.t("Publish", strict=False)))).click()


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_a_trainer_writes_a_course_with_a_quiz_in_the_admin(live_server, chromium, screenshot, settings, language):
    # Wagtail's autosave creates a new page half a second after a change; a person's "Publish" comes later, the
    # test's at once, racing it (and a page created twice is refused for its slug). Not what this journey tests.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    author = make_trainer(full_name=PEOPLE[language][0], preferred_language=language)
    author.set_password(PASSWORD)
    author.save()
    category = QuestionCategoryFactory(owner=author, name="Licences")
    make_question("truefalse", category=category, owner=author, name=QUESTION[language], text=QUESTION[language])
    title, summary = COURSE[language]

    with browser_page(chromium, language=language) as page:
        journey = Journey(page, base_url=live_server.url, language=language, screenshot=screenshot)
        t = journey.t
        sign_in(journey, author)

        # In the admin: the course page under the catalogue of her language, with herself as its trainer.
        journey.start("/cms-admin/", "admin")
        search = page.get_by_placeholder(t("Search all pages…", strict=False))
        search.fill(CATALOGUE[language])
        search.press("Enter")
        journey.at("admin-pages")
        admin_row_action(journey, CATALOGUE[language], "Add child page")
        journey.at("admin-new-course")
        admin_title(journey, title)
        with translation.override(language):
            summary_label = str(capfirst(CoursePage._meta.get_field("summary").verbose_name))
        page.get_by_role("textbox", name=admin_label(summary_label)).fill(summary)
        page.get_by_role("listbox", name=admin_label(t("Trainers"))).select_option(label=author.full_name)
        admin_publish(journey)
        expect(page.get_by_role("row", name=re.compile(re.escape(title)))).to_be_visible()
        journey.at("admin-course-published")

        # Its first module, and in it a lesson, which will hold the quiz.
        admin_row_action(journey, title, "Add child page")
        admin_title(journey, MODULE[language])
        journey.at("admin-new-module")
        admin_publish(journey)
        expect(page.get_by_role("row", name=re.compile(re.escape(MODULE[language])))).to_be_visible()
        admin_row_action(journey, MODULE[language], "Add child page")
        admin_title(journey, LESSON[language])
        journey.at("admin-new-lesson")

        # In another tab, on the site: the course's quiz, with a question from her bank.
        site = Journey(page.context.new_page(), base_url=journey.base_url, language=language, screenshot=screenshot)
        site.start(f"/{language}/", "site-home")
        site.click_link(t("My learning"), within=site.page.locator("header nav").first)
        site.click_link(t("Courses I teach"))
        site.at("courses-i-teach")
        row = site.page.get_by_role("row", name=re.compile(re.escape(title)))
        site.click_link(t("Quizzes"), within=row)
        site.at("quizzes")
        site.click_link(t("Create a quiz"))
        site.at("new-quiz")
        site.page.get_by_label(field_label(t("Title")), exact=True).fill(QUIZ[language])
        site.click_button(t("Create the quiz"))
        site.at("quiz-questions")
        bank = site.page.locator("section", has=site.page.get_by_role("heading", name=t("Add questions from the bank")))
        bank.get_by_label(field_label(t("Category"))).select_option(label=category.name)
        site.click_button(t("Show its questions"), within=bank)
        site.page.get_by_label(QUESTION[language], exact=True).check()
        site.click_button(t("Add the ticked questions"))
        expect(site.page.locator("main")).to_contain_text(QUESTION[language])
        site.at("quiz-with-a-question")
        quiz = Quiz.objects.get(course__pages__title=title)
        assert quiz.title == QUIZ[language] and quiz.slots.count() == 1

        # Back in the admin tab: the lesson gets a quiz block holding it, and is published.
        page.bring_to_front()
        page.get_by_role("button", name=re.compile(re.escape(admin_js(language, "Insert a block")))).first.click()
        page.get_by_role("option", name=exactly(t("Quiz"))).click()
        journey.click_button(t("Choose a quiz"))
        chooser = page.get_by_role("dialog")
        journey.click_link(re.compile(re.escape(QUIZ[language])), within=chooser, exact=False)
        expect(page.locator(".modal-backdrop, .modal.fade")).to_have_count(0)
        expect(page.locator("main")).to_contain_text(QUIZ[language])
        journey.at("admin-lesson-with-quiz")
        admin_publish(journey)
        expect(page.get_by_role("row", name=re.compile(re.escape(LESSON[language])))).to_be_visible()
        journey.at("admin-lesson-published")

        # Published, the course is in the catalogue of her language, its outline has the quiz step, and the quiz
        # knows the lesson it is in.
        quiz.refresh_from_db()
        assert quiz.activity is not None and quiz.activity.kind == "quiz"
        assert quiz.activity.course.trainers.filter(pk=author.pk).exists()
        course_page = CoursePage.objects.get(title=title)
        assert course_page.live and course_page.locale.language_code == language
        site.page.bring_to_front()
        site.click_link(t("Quizzes"), within=site.page.locator("main"))
        row = site.page.get_by_role("row", name=re.compile(re.escape(QUIZ[language])))
        expect(row).to_contain_text(LESSON[language])
        site.at("quiz-placed")
        site.click_link(LESSON[language], within=row)
        expect(site.page.get_by_role("heading", level=1)).to_have_text(LESSON[language])
        expect(site.page.locator(".quiz-box")).to_contain_text(QUIZ[language])
        site.at("lesson-with-quiz")
        site.click_link(t("Courses"), within=site.page.locator("header nav").first)
        expect(site.page.get_by_role("link", name=title)).to_be_visible()
        site.at("catalogue")
        journey.problems += site.problems
        journey.finish()
