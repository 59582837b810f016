"""Courses built the way authors build them: Wagtail pages (course → modules → lessons), published, with the
outline synced from them."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale

from cms.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from cms.outline import course_sync
from lms.courses import services
from lms.courses.models import Course

_counter = {"n": 0}


def make_course(
    *,
    title: str = "",
    modules: int = 2,
    lessons: int = 2,
    languages: tuple[str, ...] = ("en",),
    summary: str = "A course for teachers.",
    titles: dict[str, str] | None = None,
    **course_settings,
) -> Course:
    """A published course with ``modules`` × ``lessons`` lessons, translated into ``languages`` (the first is
    the source). Titles in other languages get a language prefix, e.g. "ru: Lesson 1.1", unless ``titles`` gives
    the course's title in that language."""
    _counter["n"] += 1
    number = _counter["n"]
    title = title or f"Course {number}"
    source = languages[0]
    index = CourseIndexPage.objects.get(locale__language_code=source)
    course = services.course_create(title=title, **course_settings)
    page = index.add_child(instance=CoursePage(title=title, slug=f"course-{number}", summary=summary, course=course))
    page.save_revision().publish()
    tree = []
    for module_number in range(1, modules + 1):
        module = page.add_child(instance=ModulePage(title=f"Module {module_number}", slug=f"module-{module_number}"))
        module.save_revision().publish()
        lesson_pages = []
        for lesson_number in range(1, lessons + 1):
            lesson = module.add_child(
                instance=LessonPage(
                    title=f"Lesson {module_number}.{lesson_number}",
                    slug=f"lesson-{module_number}-{lesson_number}",
                    body=[("paragraph", "<p>Read this.</p>")],
                )
            )
            lesson.save_revision().publish()
            lesson_pages.append(lesson)
        tree.append((module, lesson_pages))
    for language in languages[1:]:
        locale = Locale.objects.get(language_code=language)
        translated = page.copy_for_translation(locale)
        translated.title = (titles or {}).get(language) or f"{language}: {title}"
        translated.save_revision().publish()
        for module, lesson_pages in tree:
            translated_module = module.copy_for_translation(locale)
            translated_module.title = f"{language}: {module.title}"
            translated_module.save_revision().publish()
            for lesson in lesson_pages:
                translated_lesson = lesson.copy_for_translation(locale)
                translated_lesson.title = f"{language}: {lesson.title}"
                translated_lesson.save_revision().publish()
    if transaction.get_connection().in_atomic_block:
        course_sync(course.pk)  # in tests the on-commit sync never runs: sync now, as commit would
    course.refresh_from_db()
    return course
