"""Demo quizzes: a question bank of every question type in English, Russian and Arabic (``quiz_bank.py``), owned by
the demo trainer, and a quiz in each demo course, shown by a "Check your understanding" lesson at the end of the
course's last module."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wagtail.models import Locale

from accounts.models import User
from cms.models import CoursePage, LessonPage, ModulePage
from cms.outline import course_sync
from lms.courses.models import Course
from lms.quizzes.models import Question, QuestionCategory, Quiz, ReviewWhen
from lms.quizzes.services import (
    category_get_or_create_path,
    question_create,
    quiz_create,
    slot_add_question,
    slot_add_random,
)

from . import quiz_bank

LANGUAGES = ("en", "ru", "ar")  # the order of the texts in quiz_bank
TRANSLATIONS = LANGUAGES[1:]

QUIZZES = [
    {
        "course": "ict-in-the-classroom",
        "titles": (
            "ICT in the classroom: final quiz",
            "ИКТ в классе: итоговый тест",
            "تكنولوجيا المعلومات في الفصل: الاختبار النهائي",
        ),
        "settings": {
            "time_limit_minutes": 10,
            "attempts_allowed": 2,
            "pass_grade": Decimal(60),
            "questions_per_page": 2,
            "review_marks": ReviewWhen.AFTER_SUBMIT,
            "review_answers": ReviewWhen.AFTER_SUBMIT,
            "review_feedback": ReviewWhen.AFTER_SUBMIT,
        },
        "minutes": 15,
        # A question's key, or a random question from a category of quiz_bank.
        "slots": [
            "rf-intro-ict",
            "dp-cft-first-level",
            "dp-cft-aspects",
            "dp-cft-levels-matching",
            "dp-samr-order",
            "ict-video-size",
            ("random", quiz_bank.ICT_BASICS),
            ("random", quiz_bank.ASSESSMENT),
        ],
    },
    {
        "course": "geogebra-for-mathematics",
        "titles": ("GeoGebra: check your understanding", "GeoGebra: проверьте себя", "جيوجبرا: اختبر فهمك"),
        "settings": {
            "attempts_allowed": 0,
            "pass_grade": Decimal(50),
            "question_order": Quiz.Order.SHUFFLED,
            "review_answers": ReviewWhen.AFTER_SUBMIT,
        },
        "minutes": 10,
        "slots": [
            "gg-name",
            "gg-slider",
            "gg-slope",
            "gg-construct-order",
            "gg-views-matching",
            ("random", quiz_bank.GEOGEBRA),
        ],
    },
    {
        "course": "inclusive-digital-classrooms",
        "titles": (
            "Inclusive digital classrooms: quiz",
            "Инклюзивный цифровой класс: тест",
            "الفصول الرقمية الدامجة: اختبار",
        ),
        "settings": {
            "attempts_allowed": 3,
            "pass_grade": Decimal(70),
            "grading_method": Quiz.GradingMethod.HIGHEST,
            # Three attempts: the right answers stay hidden, the feedback on each answer does not.
            "review_answers": ReviewWhen.NEVER,
            "review_feedback": ReviewWhen.AFTER_SUBMIT,
        },
        "minutes": 20,
        "slots": [
            "rf-intro-inclusion",
            "in-udl-principle",
            "in-accessible-doc",
            "in-tools-matching",
            "in-contrast",
            ("random", quiz_bank.INCLUSION),
            "rf-accessible-worksheet",  # the introduction calls it the last question
        ],
    },
]

LESSON_SLUG = "check-your-understanding"
LESSON_TITLES = {"en": "Check your understanding", "ru": "Проверьте себя", "ar": "اختبر فهمك"}
LESSON_TEXT = {
    "en": "<p>Take this short quiz to check what you have learned in the course. Passing it completes this step.</p>",
    "ru": "<p>Пройдите этот короткий тест, чтобы проверить, чему вы научились на курсе. Сдав его, вы завершите "
    "этот шаг.</p>",
    "ar": "<p>أجب عن هذا الاختبار القصير لتتحقق مما تعلمته في الدورة. باجتيازه تُكمل هذه الخطوة.</p>",
}


# The question bank ----------------------------------------------------------------------------------------------


def _texts(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """A text in each language of LANGUAGES: a plain string is the same in all of them, None is empty."""
    if value is None:
        return ("",) * len(LANGUAGES)
    if isinstance(value, str):
        return (value,) * len(LANGUAGES)
    return value


def _answer_row(answer: dict[str, Any]) -> dict[str, str]:
    row = {
        "text": _texts(answer["text"])[0],
        "text_format": "plain",
        "fraction": answer["fraction"],
        "feedback": _texts(answer.get("feedback"))[0],
        "feedback_format": "plain",
    }
    if "tolerance" in answer:
        row["tolerance"] = answer["tolerance"]
    return row


def question_fields(spec: dict[str, Any]) -> dict[str, Any]:
    """The ``question_create`` fields of a ``quiz_bank`` entry: the English source and, in ``texts``, its Russian
    and Arabic translations with the shape ``question_translatable_texts`` describes."""
    kind = spec["kind"]
    text = _texts(spec["text"])
    general = _texts(spec.get("general_feedback"))
    fields: dict[str, Any] = {
        "name": spec["name"],
        "idnumber": spec["key"],
        "text": text[0],
        "text_format": "plain",
        "general_feedback": general[0],
        "general_feedback_format": "plain",
        "source_language": LANGUAGES[0],
        "tags": ["demo"],
    }
    if "default_mark" in spec:
        fields["default_mark"] = Decimal(spec["default_mark"])
    translated: dict[str, dict[str, Any]] = {}
    for index, language in enumerate(LANGUAGES[1:], start=1):
        entry: dict[str, Any] = {"text": text[index]}
        if general[0]:
            entry["general_feedback"] = general[index]
        translated[language] = entry

    def lists(key: str, values: list) -> None:
        for index, language in enumerate(LANGUAGES[1:], start=1):
            translated[language][key] = [_texts(value)[index] for value in values]

    if kind in ("multichoice", "shortanswer", "numerical"):
        answers = spec["answers"]
        fields["answers"] = [_answer_row(answer) for answer in answers]
        if kind != "numerical":  # a numerical question's answers are numbers
            lists("answers", [answer["text"] for answer in answers])
        lists("feedback", [answer.get("feedback") for answer in answers])
    if kind == "multichoice":
        fields["single"] = spec["single"]
    elif kind == "shortanswer":
        fields["case_sensitive"] = spec["case_sensitive"]
    elif kind == "numerical":
        fields["units"] = [{"name": name, "multiplier": multiplier} for name, multiplier in spec.get("units", [])]
    elif kind == "truefalse":
        fields["correct_answer"] = spec["correct"]
        fields["feedback_true"], fields["feedback_false"] = spec["feedback_true"][0], spec["feedback_false"][0]
        fields["feedback_true_format"] = fields["feedback_false_format"] = "plain"
        lists("feedback", [spec["feedback_true"], spec["feedback_false"]])
    elif kind == "matching":
        pairs = spec["pairs"]
        fields["subquestions"] = [
            {"text": _texts(prompt)[0], "text_format": "plain", "answer": _texts(answer)[0]} for prompt, answer in pairs
        ]
        lists("subquestions", [prompt for prompt, _answer in pairs])
        lists("subanswers", [answer for _prompt, answer in pairs])
    elif kind == "ordering":
        fields["items"] = [_texts(item)[0] for item in spec["items"]]
        lists("items", spec["items"])
    fields["texts"] = translated
    return fields


def _bank(trainer: User) -> tuple[dict[str, Question], dict[str, QuestionCategory]]:
    categories = {
        name: category_get_or_create_path((quiz_bank.ROOT, name), trainer)[0] for name in quiz_bank.CATEGORIES
    }
    keys = [spec["key"] for spec in quiz_bank.QUESTIONS]
    existing = {
        question.idnumber: question
        for question in Question.objects.filter(category__in=categories.values(), idnumber__in=keys)
    }
    questions = {}
    for spec in quiz_bank.QUESTIONS:
        question = existing.get(spec["key"])
        if question is None:
            question = question_create(
                kind=spec["kind"], category=categories[spec["category"]], owner=trainer, **question_fields(spec)
            )
        questions[spec["key"]] = question
    return questions, categories


# Quizzes and their lessons --------------------------------------------------------------------------------------


def _quiz(spec: dict, course: Course, trainer: User, questions: dict, categories: dict) -> Quiz:
    titles = dict(zip(LANGUAGES, spec["titles"], strict=True))
    quiz = Quiz.objects.filter(course=course, title=titles["en"]).first()
    if quiz is None:
        quiz = quiz_create(course=course, by=trainer, title=titles["en"], titles=titles, **spec["settings"])
    if not quiz.slots.exists():
        for slot in spec["slots"]:
            if isinstance(slot, tuple):
                slot_add_random(quiz=quiz, by=trainer, category=categories[slot[1]])
            else:
                slot_add_question(quiz=quiz, by=trainer, question=questions[slot])
    return quiz


def _body(language: str, quiz: Quiz) -> list:
    return [("paragraph", LESSON_TEXT[language]), ("quiz", {"quiz": quiz})]


def _publish(page) -> None:
    page.save_revision().publish()


def _lesson(course_page: CoursePage, quiz: Quiz, minutes: int) -> bool:
    """The quiz's lesson at the end of the course's last module, in every language the module has; whether
    anything was published."""
    module = ModulePage.objects.child_of(course_page).order_by("path").last()
    lesson = LessonPage.objects.child_of(module).filter(slug=LESSON_SLUG).first()
    published = False
    if lesson is None:
        lesson = module.add_child(
            instance=LessonPage(
                title=LESSON_TITLES["en"], slug=LESSON_SLUG, body=_body("en", quiz), estimated_minutes=minutes
            )
        )
        _publish(lesson)
        published = True
    for language in TRANSLATIONS:
        locale = Locale.objects.get(language_code=language)
        if module.get_translation_or_none(locale) is None or lesson.get_translation_or_none(locale) is not None:
            continue
        translated = lesson.copy_for_translation(locale)
        translated.title = LESSON_TITLES[language]
        translated.body = _body(language, quiz)
        _publish(translated)
        published = True
    return published


def build() -> list[str]:
    trainer = User.objects.get(email="trainer@example.org")
    questions, categories = _bank(trainer)
    for spec in QUIZZES:
        course_page = CoursePage.objects.get(slug=spec["course"], locale__language_code="en")
        quiz = _quiz(spec, course_page.course, trainer, questions, categories)
        if _lesson(course_page, quiz, spec["minutes"]) or quiz.activity_id is None:
            # Publishing syncs the outline after the commit; the quiz is linked to its activity now, as the
            # courses builder does, so that the build can check it.
            course_sync(course_page.course_id)
            quiz.refresh_from_db(fields=["activity"])
        if quiz.activity_id is None:
            raise RuntimeError(f"The demo quiz {quiz.title!r} is not linked to its lesson's activity.")
    return []
