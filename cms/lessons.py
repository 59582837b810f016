"""Serving a lesson: only to learners of its course (and its trainers), remembering where she is."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from lms.courses import selectors, services
from lms.courses.models import Activity


def serve_lesson(lesson, request, *args, **kwargs):
    from cms.models import CoursePage

    course_page = CoursePage.objects.ancestor_of(lesson).select_related("course").first()
    course = course_page.course
    if not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={request.path}")
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    can_manage = selectors.user_can_manage_course(request.user, course)
    if not (enrollment and enrollment.is_learning) and not can_manage:
        messages.info(request, _("Enroll in the course to open its lessons."))
        return HttpResponseRedirect(course_page.get_url(request))

    sections = selectors.course_outline(
        course=course, enrollment=enrollment if enrollment and enrollment.is_learning else None
    )
    entries = [entry for section in sections for entry in section.entries]
    activity = Activity.objects.filter(course=course, translation_key=lesson.translation_key).first()
    index = next((i for i, entry in enumerate(entries) if activity and entry.activity.pk == activity.pk), None)
    if enrollment and enrollment.is_learning and activity is not None:
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


def _login_url() -> str:
    from django.urls import reverse

    return reverse("accounts:login")
