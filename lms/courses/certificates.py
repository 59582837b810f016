"""Certificates for completed courses and attended workshops: what ``certificates`` is told when a completion or
attendance earns one.

``enrollment_check_completion`` calls ``certificate_for_completion`` in the transaction that records the
completion, so the certificate row (and the job that renders its PDF) exists if and only if the completion does,
exactly once. ``certificates`` keeps the snapshot built here and never looks at the course again: renaming the
course or changing its hours later does not change a certificate already earned.

An event that gives a certificate (``Event.gives_certificate``) awards it to whoever is marked present at every one
of its scheduled sessions: the attendance receiver calls ``certificates_for_attendance`` once the marks are
committed; ``certificate_award`` finds an existing certificate, so marking again awards nothing new.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation

from accounts.models import User
from certificates.models import Certificate
from certificates.services import certificate_award
from lms.competencies.framework import ASPECTS, LEVELS
from webinars.models import Event, Session
from webinars.selectors.attendance import present_at_every_session
from webinars.selectors.events import events_managed_by

from .models import Course, Enrollment
from .selectors import courses_managed_by


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


def certificates_for_attendance(event: Event, user_ids) -> list[Certificate]:
    """Award the event's attendance certificate to those of ``user_ids`` present at all its sessions, if it gives
    one. In each learner's preferred language, falling back to the event's."""
    if not event.gives_certificate:
        return []
    earned = present_at_every_session(event, user_ids)
    if not earned:
        return []
    sessions = list(event.sessions.filter(status=Session.Status.SCHEDULED).order_by("starts_at"))
    seconds = sum((session.ends_at - session.starts_at).total_seconds() for session in sessions)
    with translation.override(settings.LANGUAGE_CODE):
        issuer = str(settings.MAKTABA_NAME)
    awarded = []
    for user in User.objects.filter(pk__in=earned).order_by("pk"):
        snapshot = {
            "kind": "workshop",
            "learner_name": user.name_for_certificates,
            "learner_name_latin": user.certificate_name_latin,
            "titles": {event.language: event.title},
            "hours": f"{round(seconds / 3600 * 2) / 2:g}",  # to the half hour
            "competencies": [],
            "completed_on": timezone.localdate(sessions[-1].ends_at, ZoneInfo(event.time_zone)).isoformat(),
            "issuer": issuer,
        }
        awarded.append(
            certificate_award(
                user=user,
                subject_key=f"event:{event.uuid}",
                snapshot=snapshot,
                language=user.preferred_language or event.language,
            )
        )
    return awarded


def trainer_subject_keys(user) -> list[str]:
    """The subject keys of the courses and events ``user`` teaches (``certificates.subjects``): two queries. None
    for a superuser, who sees every certificate anyway."""
    if user.is_superuser:
        return []
    courses = [f"course:{key}" for key in courses_managed_by(user).values_list("uuid", flat=True)]
    events = [f"event:{key}" for key in events_managed_by(user).values_list("uuid", flat=True)]
    return courses + events
