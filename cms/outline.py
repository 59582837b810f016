"""Keep each course's outline (lms) in step with its pages, whatever changed them: an editor, a workflow, a
schedule or a script. Wired to Wagtail's signals in CmsConfig.ready()."""

from __future__ import annotations

import logging

from django.db import transaction
from wagtail.models import Page

from lms.courses.attendance import session_steps_link
from lms.courses.models import Activity
from lms.courses.services import CourseListing, OutlineActivity, OutlineModule, course_unlist, outline_sync
from lms.quizzes.models import Quiz
from lms.quizzes.services import quiz_link_activities
from webinars.models import Session

logger = logging.getLogger("maktaba.cms")


def course_page_of(page: Page):
    """The CoursePage that ``page`` is, or sits under; None for pages outside courses."""
    from cms.models import CoursePage

    if isinstance(page, CoursePage):
        return page
    return CoursePage.objects.ancestor_of(page).first() if page.depth > 3 else None


def source_course_page(course_id: int):
    """The course's page in its source language: the first one created."""
    from cms.models import CoursePage

    return CoursePage.objects.filter(course_id=course_id).order_by("pk").first()


def course_sync(course_id: int) -> None:
    """Rebuild the outline and catalogue data of one course from its source-language page tree and every
    translation of those pages."""
    from cms.models import CoursePage, LessonPage, ModulePage

    source = source_course_page(course_id)
    if source is None:
        course_unlist(course_id)  # every page of the course was deleted: the record stays, out of the catalogue
        return
    modules = list(ModulePage.objects.child_of(source).live().order_by("path"))
    lessons = list(LessonPage.objects.descendant_of(source).live().filter(depth=source.depth + 2).order_by("path"))
    keys = {source.translation_key, *(page.translation_key for page in modules + lessons)}
    translations: dict = {}
    for page in Page.objects.filter(translation_key__in=keys, live=True).select_related("locale"):
        url = page.get_url()
        if url:
            entry = translations.setdefault(page.translation_key, ({}, {}))
            entry[0][page.locale.language_code] = page.title
            entry[1][page.locale.language_code] = url

    outline = []
    quiz_links: dict = {}
    session_links: dict = {}
    # Only the course's own quizzes make a lesson a quiz step: a block showing another course's quiz (or a
    # deleted one) could never be completed, and would block the course's completion.
    own_quizzes = set(
        Quiz.objects.filter(
            course_id=course_id, pk__in={pk for lesson in lessons for pk in lesson_quiz_ids(lesson)}
        ).values_list("pk", flat=True)
    )
    # A block showing a deleted or cancelled session makes no session step: it could never be completed. (When a
    # session is cancelled, ``on_sessions_cancelled`` syncs the courses again: a lesson whose sessions are all
    # cancelled becomes a lesson the learner marks as done.)
    known_sessions = set(
        Session.objects.filter(
            pk__in={pk for lesson in lessons for pk in lesson_session_ids(lesson)}, status=Session.Status.SCHEDULED
        ).values_list("pk", flat=True)
    )
    for module in modules:
        titles, _urls = translations.get(module.translation_key, ({}, {}))
        section = OutlineModule(translation_key=module.translation_key, titles=titles or {"en": module.title})
        for lesson in lessons:
            if lesson.path.startswith(module.path):
                lesson_titles, lesson_urls = translations.get(lesson.translation_key, ({}, {}))
                quiz_ids = [pk for pk in lesson_quiz_ids(lesson) if pk in own_quizzes]
                session_ids = [pk for pk in lesson_session_ids(lesson) if pk in known_sessions]
                if quiz_ids:
                    quiz_links[lesson.translation_key] = quiz_ids
                elif session_ids:  # a quiz step is completed by the quiz, whatever sessions the lesson shows
                    session_links[lesson.translation_key] = session_ids
                section.activities.append(
                    OutlineActivity(
                        translation_key=lesson.translation_key,
                        kind="quiz" if quiz_ids else "session" if session_ids else "lesson",
                        required=lesson.required,
                        titles=lesson_titles,
                        urls=lesson_urls,
                    )
                )
        outline.append(section)

    titles, urls = translations.get(source.translation_key, ({}, {}))
    texts = CoursePage.objects.filter(translation_key=source.translation_key, live=True).values_list(
        "summary", flat=True
    )
    listing = CourseListing(titles=titles, urls=urls, texts=list(texts), is_listed=bool(urls))
    outline_sync(source.course, modules=outline, listing=listing)
    quiz_link_activities(course=source.course, links=quiz_links)
    # Every step the course has had, also removed ones: a session shown by a lesson since unpublished is unlinked.
    session_steps_link(course=source.course, links=session_links)


def lesson_quiz_ids(lesson) -> list[int]:
    """The quizzes a lesson's quiz blocks show, in order (their ids, read without loading the quizzes)."""
    ids = []
    for block in lesson.body.raw_data:
        if block["type"] == "quiz":
            value = block["value"] or {}
            if value.get("quiz"):
                ids.append(int(value["quiz"]))
    return ids


def lesson_session_ids(lesson) -> list[int]:
    """The sessions a lesson's live session blocks show, in order (their ids, read without loading them)."""
    ids = []
    for block in lesson.body.raw_data:
        if block["type"] == "live_session":
            value = block["value"] or {}
            if value.get("session"):
                ids.append(int(value["session"]))
    return ids


def sync_after_commit(page: Page) -> None:
    course_page = course_page_of(page.specific if type(page) is Page else page)
    if course_page is not None:
        course_id = course_page.course_id
        transaction.on_commit(lambda: course_sync(course_id))


def on_page_published(sender, instance, **kwargs):
    sync_after_commit(instance)


def on_page_unpublished(sender, instance, **kwargs):
    sync_after_commit(instance)


def on_page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    # A page moved out of a course changes the old course; moved in, the new one.
    for parent in (parent_page_before, parent_page_after):
        if parent is not None:
            sync_after_commit(parent.specific)
    sync_after_commit(instance)


def on_sessions_cancelled(sender, session_ids, **kwargs):
    """Receiver of ``webinars.signals.sessions_cancelled`` (sent after commit): sync the courses with a step that
    stands for one of these sessions, so that a step nobody can attend any more stops blocking completion."""
    course_ids = (
        Activity.objects.filter(sessions__in=session_ids).values_list("course_id", flat=True).distinct().order_by()
    )
    for course_id in sorted(set(course_ids)):
        course_sync(course_id)


def on_page_deleted(sender, instance, **kwargs):
    from cms.models import CoursePage

    if isinstance(instance, CoursePage):
        # The course keeps its record (enrollments, completions); the sync lists it under another language's
        # page, or takes it out of the catalogue when none is left.
        course_id = instance.course_id
        transaction.on_commit(lambda: course_sync(course_id))
        return
    parent = instance.get_parent() if instance.depth > 1 else None
    if parent is not None:
        sync_after_commit(parent.specific)
