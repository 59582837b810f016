"""Live sessions in a course's outline: attendance marked in ``webinars`` completes the step that stands for the
session.

A lesson whose live-session block shows a session is a step of kind "session" (``cms`` decides it when it syncs
the outline and calls ``session_steps_link``); ``Activity.sessions`` holds the sessions it shows, and attending any
one of them completes the step. A session may stand for steps of several lessons or courses. ``webinars`` sends
``attendance_marked`` after it commits marks (from a trainer's roster or from the meeting); the receiver records
progress for each learner marked present who is learning in such a course, and may complete her course. An absent
mark never takes progress back, and a mark sent twice changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from webinars.selectors.attendance import present_user_ids

from .certificates import certificates_for_attendance
from .models import Activity, Course, Enrollment
from .services import EnrollmentError, activity_complete

if TYPE_CHECKING:
    from webinars.models import Session

logger = logging.getLogger("maktaba.courses")


def session_steps_link(*, course: Course, links: dict[Any, list[int]]) -> None:
    """Make each of ``course``'s activities show the sessions ``links`` maps its translation key to (the ids the
    lesson's live-session blocks show), and no others. Learners already marked present at a session that a step
    gains have the step completed: attendance counts whenever it was marked."""
    activities = list(Activity.objects.filter(course=course).prefetch_related("sessions"))
    gained: list[tuple[Activity, set[int]]] = []
    with transaction.atomic():
        for activity in activities:
            wanted = set(links.get(activity.translation_key, ()))
            current = {session.pk for session in activity.sessions.all()}
            if wanted == current:
                continue
            activity.sessions.set(wanted)
            if wanted - current:
                gained.append((activity, wanted - current))
    for activity, session_ids in gained:
        if activity.is_active and activity.kind == Activity.Kind.SESSION:
            present = set().union(*present_user_ids(session_ids).values())
            _complete(activity, present, reason=f"sessions {sorted(session_ids)}")


def on_attendance_marked(
    sender: Any,
    session: Session,
    user_ids_present: Sequence[int],
    user_ids_absent: Sequence[int],
    **kwargs: Any,
) -> None:
    """Receiver of ``webinars.signals.attendance_marked``: complete the session's steps for the learners marked
    present. ``user_ids_absent`` is deliberately ignored: an absent mark never revokes progress."""
    if not user_ids_present:
        return
    activities = Activity.objects.filter(sessions=session, kind=Activity.Kind.SESSION, is_active=True).order_by(
        "course_id", "pk"
    )
    for activity in activities:
        _complete(activity, user_ids_present, reason=f"session {session.pk}")
    certificates_for_attendance(session.event, user_ids_present)


def _complete(activity: Activity, user_ids: Iterable[int], *, reason: str) -> None:
    user_ids = list(user_ids)
    if not user_ids:
        return
    enrollments = (
        Enrollment.objects.filter(
            course_id=activity.course_id,
            user_id__in=user_ids,
            status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED],
        )
        .exclude(progress__activity=activity)  # done already: nothing to record
        .order_by("pk")
    )
    for enrollment in enrollments:
        if not enrollment.is_learning:
            continue
        try:
            activity_complete(enrollment=enrollment, activity=activity, by_session=True)
        except EnrollmentError:  # left the course in the meantime
            logger.info("%s: enrollment %s is no longer learning", reason, enrollment.pk)
