"""Serving a lesson: only to learners of its course (and its trainers), remembering where she is.

A lesson is the page a learner opens most, so what does not depend on her is not read or drawn again on every
visit: the course's structure comes from ``lms.courses.selectors.course_structure``, the course page from
``core.page_cache.memo``, and the lesson's body is kept rendered (``lesson_body_parts``) until the next publish,
except the blocks that show her own state (a quiz's attempts, a live session in her time zone)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import page_cache
from lms.courses import selectors, services

# Blocks drawn for each visitor: what they show depends on who she is (QuizBlock.get_context, LiveSessionBlock's).
PERSONAL_BLOCKS = frozenset({"quiz", "live_session"})
# The first blocks are on the first screen: an image there loads at once, the others when scrolled to.
FIRST_SCREEN_BLOCKS = 2


def serve_lesson(lesson, request, *args, preview: bool = False, **kwargs):
    """The lesson for a learner of its course (or a trainer of it); ``preview``: for an editor in Wagtail's preview,
    who got there with the right to edit the page (she may be neither), with nothing of hers recorded."""
    if not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={request.path}")
    course_page = _course_page_of(lesson, request)
    course = course_page.course
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    learning = enrollment is not None and enrollment.is_learning and not preview
    if not learning and not preview and not selectors.user_can_manage_course(request.user, course):
        messages.info(request, _("Enroll in the course to open its lessons."))
        return HttpResponseRedirect(course_page.get_url(request))

    sections = selectors.course_outline(course=course, enrollment=enrollment if learning else None)
    entries = [entry for section in sections for entry in section.entries]
    index = next(
        (i for i, entry in enumerate(entries) if entry.activity.translation_key == lesson.translation_key), None
    )
    activity = entries[index].activity if index is not None else None
    if learning and activity is not None:
        services.activity_visit(enrollment=enrollment, activity=activity)
    percent, _following = selectors.outline_progress(sections)
    context = lesson.get_context(request, *args, **kwargs)
    context.update(
        course_page=course_page,
        course=course,
        enrollment=enrollment,
        activity=activity,
        outline=sections,
        progress_percent=percent,
        is_done=index is not None and entries[index].done,
        previous_activity=entries[index - 1].activity if index else None,
        next_activity=entries[index + 1].activity if index is not None and index + 1 < len(entries) else None,
    )
    return TemplateResponse(request, lesson.get_template(request, *args, **kwargs), context)


def _course_page_of(lesson, request):
    from cms.models import CoursePage

    def compute():
        return CoursePage.objects.ancestor_of(lesson).select_related("course").first()

    if getattr(request, "is_preview", False) or not lesson.pk:
        return compute()  # a preview may be of a page not saved yet, or moved
    return page_cache.memo("lesson-course-page", lesson.pk, compute=compute)


@dataclass(frozen=True)
class BodyPart:
    """One block of a lesson's body: drawn already (``html``), or to draw for this visitor (``block``)."""

    index: int
    html: SafeString | None = None
    block: Any = None

    @property
    def first_screen(self) -> bool:
        return self.index < FIRST_SCREEN_BLOCKS


def lesson_body_parts(lesson, context) -> list[BodyPart]:
    """The lesson's body, block by block. The blocks that are the same for everyone are rendered once per
    language and publish (``core.page_cache.fragment``: until the next publish or change of an image or
    document, or ``PAGE_CACHE_SECONDS``); the personal ones are left for the template to draw. A preview is
    drawn in full every time."""
    request = context.get("request")

    def compute() -> list[BodyPart]:
        flat = context.flatten()
        parts = []
        for index, block in enumerate(lesson.body):
            part = BodyPart(index)
            if block.block_type not in PERSONAL_BLOCKS:
                html = block.render_as_block(context={**flat, "first_screen": part.first_screen})
                part = replace(part, html=mark_safe(str(html)))
            parts.append(part)
        return parts

    if request is None or getattr(request, "is_preview", False) or not lesson.pk:
        parts = compute()
    else:
        parts = page_cache.fragment("lesson-body", lesson.pk, get_language(), request.get_host(), compute=compute)
    return [part if part.html is not None else replace(part, block=lesson.body[part.index]) for part in parts]


def _login_url() -> str:
    from django.urls import reverse

    return reverse("accounts:login")
