"""Demo courses: three courses (one in all three languages), two modules of lessons each using every block
type, subjects, a cohort, and the demo teacher part-way through two courses."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale

from accounts.models import Country, Role, User
from accounts.services import role_grant
from cms.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from cms.outline import course_sync
from lms.competencies.models import Competency
from lms.courses import services
from lms.courses.models import Activity, Cohort, Course, Enrollment, Subject

SUBJECTS = {
    "digital-literacy": {"en": "Digital literacy", "ru": "Цифровая грамотность", "ar": "المهارات الرقمية"},
    "mathematics": {"en": "Mathematics", "ru": "Математика", "ar": "الرياضيات"},
    "science": {"en": "Science", "ru": "Естественные науки", "ar": "العلوم"},
    "inclusive-education": {"en": "Inclusive education", "ru": "Инклюзивное образование", "ar": "التعليم الدامج"},
}

COURSES = [
    {
        "slug": "ict-in-the-classroom",
        "subject": "digital-literacy",
        "hours": 6,
        "format": Course.Format.SELF_PACED,
        "cells": [(1, 1), (3, 1), (4, 1)],
        "texts": {
            "en": ("ICT in the classroom", "First steps with digital tools in everyday teaching."),
            "ru": ("ИКТ в классе", "Первые шаги с цифровыми инструментами в повседневном преподавании."),
            "ar": ("تكنولوجيا المعلومات في الفصل", "خطوات أولى مع الأدوات الرقمية في التدريس اليومي."),
        },
        "modules": {
            "en": [
                ("Why digital tools?", ["Policy and practice", "Planning a lesson"]),
                ("Tools in action", ["Simulations in science", "Sharing resources safely"]),
            ],
            "ru": [
                ("Зачем цифровые инструменты?", ["Политика и практика", "Планирование урока"]),
                ("Инструменты в действии", ["Симуляции на уроках естествознания", "Безопасный обмен ресурсами"]),
            ],
            "ar": [
                ("لماذا الأدوات الرقمية؟", ["السياسة والممارسة", "تخطيط الدرس"]),
                ("الأدوات في العمل", ["المحاكاة في العلوم", "مشاركة الموارد بأمان"]),
            ],
        },
    },
    {
        "slug": "geogebra-for-mathematics",
        "subject": "mathematics",
        "hours": 12,
        "format": Course.Format.WITH_WEBINARS,
        "cells": [(2, 2), (4, 2)],
        "texts": {"en": ("GeoGebra for mathematics teachers", "Dynamic geometry and graphs in your lessons.")},
        "modules": {
            "en": [
                ("Getting started", ["The GeoGebra window", "Your first construction"]),
                ("In the classroom", ["Exploring functions", "Assessing with GeoGebra"]),
            ],
        },
    },
    {
        "slug": "inclusive-digital-classrooms",
        "subject": "inclusive-education",
        "hours": 24,
        "format": Course.Format.BLENDED,
        "cells": [(3, 2), (5, 2), (6, 2)],
        "texts": {
            "en": ("Inclusive digital classrooms", "Accessible materials and teaching for every learner."),
            "ru": ("Инклюзивный цифровой класс", "Доступные материалы и обучение для каждого ученика."),
        },
        "modules": {
            "en": [
                ("Accessibility basics", ["Who is left out?", "Accessible documents"]),
                ("Teaching for all", ["Universal design for learning", "Working with families"]),
            ],
            "ru": [
                ("Основы доступности", ["Кто остаётся в стороне?", "Доступные документы"]),
                ("Обучение для всех", ["Универсальный дизайн обучения", "Работа с семьями"]),
            ],
        },
    },
]

TEXT = {
    "en": "<p>In this lesson you will try an idea in your own class and share what happened.</p>",
    "ru": "<p>На этом уроке вы опробуете идею в своём классе и расскажете, что получилось.</p>",
    "ar": "<p>في هذا الدرس ستجرب فكرة في فصلك وتشارك ما حدث.</p>",
}
CALLOUT = {
    "en": "<p>Keep a short diary of what you try: you will use it in the final task.</p>",
    "ru": "<p>Ведите короткий дневник того, что пробуете: он понадобится в итоговом задании.</p>",
    "ar": "<p>احتفظ بمذكرات قصيرة لما تجربه: ستحتاجها في المهمة النهائية.</p>",
}


def _demo_image():
    Image = get_image_model()
    image = Image.objects.filter(title="Demo classroom").first()
    if image is None:
        buffer = io.BytesIO()
        PILImage.new("RGB", (960, 540), (11, 93, 82)).save(buffer, format="PNG")
        image = Image.objects.create(title="Demo classroom", file=ImageFile(buffer, name="demo-classroom.png"))
    return image


def _demo_document():
    Document = get_document_model()
    document = Document.objects.filter(title="Lesson plan template").first()
    if document is None:
        document = Document(title="Lesson plan template")
        content = "Lesson plan\n\nClass:\nObjectives:\nDigital tools:\nAssessment:\n"
        document.file.save("lesson-plan-template.txt", ContentFile(content.encode()), save=False)
        document.save()
    return document


HEADINGS = {"en": "Before you start", "ru": "Перед началом", "ar": "قبل أن تبدأ"}
VIDEO_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
SIMULATION_URL = "https://phet.colorado.edu/sims/html/balancing-act/latest/balancing-act_all.html"


def _body(language: str, image, document) -> list:
    """A lesson body with every block type."""
    return [
        ("heading", {"text": HEADINGS[language], "level": "h2"}),
        ("paragraph", TEXT[language]),
        ("image", {"image": {"image": image, "decorative": False, "alt_text": "A classroom"}, "caption": ""}),
        ("video", {"title": "UNESCO ICT CFT", "file": None, "captions": [], "url": VIDEO_URL, "transcript": ""}),
        ("interactive", {"url": SIMULATION_URL, "title": "PhET: Balancing Act", "height": 480}),
        ("document", {"document": document, "description": ""}),
        ("callout", {"kind": "tip", "text": CALLOUT[language]}),
    ]


def _publish(page) -> None:
    page.save_revision().publish()


def _course(spec: dict, index: CourseIndexPage, trainer: User, image, document) -> Course:
    existing = CoursePage.objects.filter(slug=spec["slug"], locale__language_code="en").first()
    if existing is not None:
        return existing.course
    title, summary = spec["texts"]["en"]
    course = services.course_create(
        title=title,
        format=spec["format"],
        estimated_hours=spec["hours"],
        subject=Subject.objects.get(slug=spec["subject"]),
        trainers=[trainer],
        competencies=[Competency.objects.get(aspect=a, level=b) for a, b in spec["cells"]],
    )
    page = index.add_child(instance=CoursePage(title=title, slug=spec["slug"], summary=summary, course=course))
    _publish(page)
    sources = []
    for number, (module_title, lessons) in enumerate(spec["modules"]["en"], start=1):
        module = page.add_child(instance=ModulePage(title=module_title, slug=f"module-{number}"))
        _publish(module)
        lesson_pages = []
        for lesson_number, lesson_title in enumerate(lessons, start=1):
            lesson = module.add_child(
                instance=LessonPage(
                    title=lesson_title, slug=f"lesson-{number}-{lesson_number}",
                    body=_body("en", image, document),
                )
            )  # fmt: skip
            _publish(lesson)
            lesson_pages.append(lesson)
        sources.append((module, lesson_pages))

    for language, (title, summary) in spec["texts"].items():
        if language == "en":
            continue
        locale = Locale.objects.get(language_code=language)
        translated = page.copy_for_translation(locale)
        translated.title, translated.summary = title, summary
        _publish(translated)
        for (module, lesson_pages), (module_title, lesson_titles) in zip(
            sources, spec["modules"][language], strict=True
        ):
            translated_module = module.copy_for_translation(locale)
            translated_module.title = module_title
            _publish(translated_module)
            for lesson, lesson_title in zip(lesson_pages, lesson_titles, strict=True):
                translated_lesson = lesson.copy_for_translation(locale)
                translated_lesson.title = lesson_title
                translated_lesson.body = _body(language, image, document)
                _publish(translated_lesson)
    course_sync(course.pk)
    return course


def build() -> list[str]:
    for slug, names in SUBJECTS.items():
        Subject.objects.update_or_create(slug=slug, defaults={"names": names})
    trainer = User.objects.get(email="trainer@example.org")
    role_grant(user=trainer, role=Role.TRAINER)
    index = CourseIndexPage.objects.get(locale__language_code="en")
    image, document = _demo_image(), _demo_document()
    courses = [_course(spec, index, trainer, image, document) for spec in COURSES]

    teacher = User.objects.get(email="teacher@example.org")
    for course, lessons_done in ((courses[0], 2), (courses[2], 1)):
        if Enrollment.objects.filter(user=teacher, course=course).exists():
            continue
        enrollment = services.enrollment_self_enroll(user=teacher, course=course)
        for activity in Activity.objects.filter(course=course, is_active=True).order_by("position")[:lessons_done]:
            services.activity_complete(enrollment=enrollment, activity=activity)

    cohort, created = Cohort.objects.get_or_create(
        name="Cairo primary teachers 2026", defaults={"country": Country.objects.get(code="EG"), "created_by": trainer}
    )
    if created:
        cohort.members.add(teacher)
    return []
