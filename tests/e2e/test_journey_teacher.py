"""The teacher's journey, in English, Russian and Arabic at a desktop size and in Arabic on a 360 px phone: she signs
up and confirms her address from the email, finds the course in the catalogue, enrolls, reads the first lesson,
passes the quiz of the second, and so completes the course; her certificate is issued in her language, she opens its
PDF, and a visitor who is not signed in verifies it by its code."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import Country, User
from certificates.models import Certificate
from lms.courses.models import Enrollment
from lms.quizzes import services as quiz_services
from lms.quizzes.models import QuizGrade, ReviewWhen
from tests.core.test_pdf import pdf_text
from tests.e2e.conftest import PHONE
from tests.e2e.journeys import PASSWORD, Journey, browser_page, exactly, field_label, quiz_in_lessons
from tests.factories.courses import make_course
from tests.factories.quizzes import answer, make_question
from tests.factories.roles import trainer

pytestmark = pytest.mark.django_db(transaction=True)

COURSE = {
    "en": "Digital assessment in the classroom",
    "ru": "Цифровое оценивание в классе",
    "ar": "التقويم الرقمي في الصف",
}
QUIZ = {"en": "Check yourself", "ru": "Проверьте себя", "ar": "اختبر نفسك"}
SUN = {
    "en": ("What colour is the sun?", ["yellow", "red", "blue"]),
    "ru": ("Какого цвета солнце?", ["жёлтое", "красное", "синее"]),
    "ar": ("ما لون الشمس؟", ["أصفر", "أحمر", "أزرق"]),
}
PASSWORDS = {
    "en": "A strong password has at least twelve characters.",
    "ru": "Надёжный пароль содержит не меньше двенадцати символов.",
    "ar": "كلمة المرور القوية تتكون من اثني عشر حرفًا على الأقل.",
}
TEACHER = {
    "en": ("Grace Wanjiru", "KE"),
    "ru": ("Айгуль Сапарова", "KZ"),
    "ar": ("مريم بن سالم", "TN"),
}


def course_with_a_quiz():
    """A course in three languages: a lesson to read, then a lesson with a two-question quiz (pass at 60 %)."""
    author = trainer()
    course = make_course(
        title=COURSE["en"],
        titles=COURSE,
        modules=1,
        lessons=2,
        languages=("en", "ru", "ar"),
        estimated_hours=Decimal("6"),
        trainers=[author],
    )
    text, answers = SUN["en"]
    sun = make_question(
        "multichoice",
        text=text,
        answers=[answer(answers[0], "1"), answer(answers[1], "0"), answer(answers[2], "0")],
        shuffle=False,
        texts={language: {"text": SUN[language][0], "answers": SUN[language][1]} for language in ("ru", "ar")},
    )
    safe = make_question(
        "truefalse", text=PASSWORDS["en"], texts={language: {"text": PASSWORDS[language]} for language in ("ru", "ar")}
    )
    quiz = quiz_services.quiz_create(
        course=course,
        by=author,
        title=QUIZ["en"],
        titles={"ru": QUIZ["ru"], "ar": QUIZ["ar"]},
        questions_per_page=2,
        pass_grade=60,
        shuffle_answers=False,
        review_marks=ReviewWhen.AFTER_SUBMIT,
        review_answers=ReviewWhen.AFTER_SUBMIT,
    )
    for question in (sun, safe):
        quiz_services.slot_add_question(quiz=quiz, by=author, question=question)
    quiz_in_lessons(course, quiz, slug="lesson-1-2", languages=("en", "ru", "ar"))
    return course, quiz


def teacher_journey(journey: Journey, chromium, *, phone: bool) -> None:
    language, page = journey.language, journey.page
    t = journey.t
    course, quiz = course_with_a_quiz()
    name, country_code = TEACHER[language]
    email = f"teacher.{language}@example.org"
    with translation.override(language):
        country_name = Country.objects.get(code=country_code).local_name

    # She signs up from the home page, in her language.
    journey.start(f"/{language}/", "home")
    if phone:
        journey.no_sideways_scrolling()
    journey.click_link(t("Sign up"), within=page.locator("header"))
    journey.at("sign-up")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Create your account"))
    page.get_by_label(field_label(t("Full name"))).fill(name)
    page.get_by_label(field_label(t("Email address"))).fill(email)
    page.get_by_label(field_label(t("Country"))).select_option(label=country_name)
    page.get_by_label(field_label(t("Password"))).fill(PASSWORD)
    page.get_by_label(field_label(t("Password again"))).fill(PASSWORD)
    journey.click_button(t("Create account"))
    page.wait_for_url(re.compile(r"/accounts/signup/done/"))
    journey.at("check-your-email")
    user = User.objects.get(email=email)
    assert not user.is_active and user.preferred_language == language and user.country.code == country_code

    # The confirmation email, in her language, has the link; she confirms and is signed in.
    [message] = [message for message in mail.outbox if message.to == [email]]
    assert message.extra_headers.get("Content-Language") == language
    link = re.search(r"https?://\S+/accounts/activate/\S+/", message.body).group(0)
    page.goto(journey.base_url + re.sub(r"^https?://[^/]+", "", link))
    journey.at("confirm-email")
    journey.click_button(t("Confirm and sign in"))
    journey.expect_message(t("Your email address is confirmed. Welcome to Maktaba!"))
    journey.at("welcome")
    user.refresh_from_db()
    assert user.is_active

    # She finds the course in the catalogue and enrolls.
    journey.click_link(t("Courses"), within=page.locator("header nav").first)
    journey.at("catalogue")
    card = page.locator(".course-card", has=page.get_by_role("link", name=COURSE[language]))
    expect(card).to_have_count(1)
    card.get_by_role("link", name=COURSE[language]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE[language])
    journey.at("course")
    journey.click_button(t("Enroll"))
    journey.expect_message(t("You are enrolled. Welcome to the course!"))
    journey.at("enrolled")
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.status == Enrollment.Status.ACTIVE

    # The first lesson: she reads it and marks it done; the next lesson (the quiz) opens.
    journey.click_link(t("Start the course"))
    journey.at("lesson")
    journey.click_button(t("Mark as done and continue"))
    journey.expect_message(t("Marked as done."))
    quiz_box = page.locator(".quiz-box")
    expect(quiz_box.get_by_role("heading", name=QUIZ[language])).to_be_visible()
    journey.at("quiz-lesson")
    if phone:
        journey.no_sideways_scrolling()

    # The quiz: both questions right, submitted; she sees her grade.
    journey.click_button(t("Start the quiz"), within=quiz_box)
    page.wait_for_url(re.compile(r"/learning/attempts/"))
    expect(page.locator("main")).to_contain_text(SUN[language][0])
    journey.at("quiz-attempt")
    page.get_by_label(SUN[language][1][0], exact=True).check()
    question = page.locator("fieldset, .question").filter(has_text=PASSWORDS[language]).last
    question.get_by_label(t("True"), exact=True).check()
    journey.click_button(t("Finish attempt…"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Summary of your attempt"))
    journey.at("quiz-summary")
    journey.click_button(t("Submit all and finish"))
    page.wait_for_url(re.compile(r"/review/"))
    expect(page.locator(".attempt-facts")).to_contain_text("100%")
    journey.at("quiz-review")
    if phone:
        journey.no_sideways_scrolling()
    grade = QuizGrade.objects.get(quiz=quiz, user=user)
    assert grade.passed and grade.grade == 100

    # Passing the quiz completed the course: the certificate is issued in her language, its PDF rendered.
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED and enrollment.completed_at
    certificate = Certificate.objects.get(user=user)
    assert certificate.language == language and certificate.country.code == country_code
    assert certificate.renditions.filter(is_current=True).count() == 1
    [issued] = [m for m in mail.outbox if m.to == [email] and m is not message]
    assert issued.extra_headers.get("Content-Language") == language

    # Her certificates: the course, valid, its code and its PDF.
    if phone:
        expect(page.get_by_role("link", name=exactly(t("My certificates")))).to_be_visible()
    journey.click_link(t("My certificates"), within=page.locator("header nav").first)
    journey.at("my-certificates")
    card = page.locator(".certificate-list .card", has_text=COURSE[language])
    expect(card.locator(".badge--ok")).to_have_text(t("Valid"))
    code = card.locator(".secret").inner_text().strip()
    assert code.replace("-", "") == certificate.code
    pdf_link = card.get_by_role("link", name=t("Download PDF"))
    response = page.request.get(journey.base_url + pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert code in text
    if language != "ar":  # Arabic comes out of the PDF in presentation forms (tests/certificates check it)
        assert name in text and COURSE[language] in text

    # A visitor, not signed in, verifies it by its code on the verification page, in the same language.
    with browser_page(chromium, language=language, **(PHONE if phone else {})) as visitor_page:
        visitor = Journey(visitor_page, base_url=journey.base_url, language=language, screenshot=journey._screenshot)
        visitor.start(f"/{language}/verify/", "visitor-verify")
        visitor_page.get_by_label(field_label(t("Verification code"))).fill(code)
        visitor.click_button(t("Verify"))
        main = visitor_page.locator("main")
        expect(main).to_contain_text(t("This certificate was issued by this platform and is valid."))
        expect(main).to_contain_text(name)
        expect(main).to_contain_text(COURSE[language])
        assert email not in visitor_page.content()
        visitor.at("visitor-verified")
        if phone:
            visitor.no_sideways_scrolling()
        journey.problems += visitor.problems
    journey.finish()


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_a_teacher_signs_up_learns_passes_and_her_certificate_is_verified(live_server, chromium, screenshot, language):
    with browser_page(chromium, language=language) as page:
        journey = Journey(page, base_url=live_server.url, language=language, screenshot=screenshot)
        teacher_journey(journey, chromium, phone=False)


def test_a_teacher_does_it_all_on_a_phone_in_arabic(live_server, chromium, phone, screenshot):
    journey = Journey(phone, base_url=live_server.url, language="ar", screenshot=screenshot)
    teacher_journey(journey, chromium, phone=True)
