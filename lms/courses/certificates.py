"""Certificates for completed courses: what ``certificates`` is told when a completion earns one.

``enrollment_check_completion`` calls ``certificate_for_completion`` in the transaction that records the
completion, so the certificate row (and the job that renders its PDF) exists if and only if the completion does,
exactly once. ``certificates`` keeps the snapshot built here and never looks at the course again: renaming the
course or changing its hours later does not change a certificate already earned.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from certificates.models import Certificate
from certificates.services import certificate_award
from lms.competencies.framework import ASPECTS, LEVELS

from .models import Course, Enrollment


def certificate_for_completion(enrollment: Enrollment) -> Certificate | None:
    """Award the learner her certificate for the course ``enrollment`` completed, if the course gives one."""
    course = enrollment.course
    if not course.certificate_enabled:
        return None
    user = enrollment.user
    language = certificate_language(course, user.preferred_language)
    return certificate_award(
        user=user,
        subject_key=course.subject_key,
        snapshot=course_snapshot(course, enrollment),
        language=language,
        valid_for_months=course.certificate_validity_months,
    )


def certificate_language(course: Course, preferred: str) -> str:
    """The learner's language if the course is taught in it, else the course's first language."""
    languages = [code for code in course.languages.split(",") if code] or list(course.titles)
    if preferred in languages or not languages:
        return preferred or settings.LANGUAGE_CODE
    return languages[0]


def course_snapshot(course: Course, enrollment: Enrollment) -> dict:
    user = enrollment.user
    completed = enrollment.completed_at or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        issuer = str(settings.MAKTABA_NAME)
    return {
        "kind": "course",
        "learner_name": user.name_for_certificates,
        "learner_name_latin": user.certificate_name_latin,
        "titles": dict(course.titles) or {settings.LANGUAGE_CODE: course.title},
        "hours": str(course.estimated_hours),
        "competencies": [
            {
                "code": competency.code,
                "aspect": dict(ASPECTS[competency.aspect]),
                "level": dict(LEVELS[competency.level]),
            }
            for competency in course.competencies.order_by("aspect", "level")
        ],
        "completed_on": timezone.localdate(completed).isoformat(),
        "issuer": issuer,
    }
