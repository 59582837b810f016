"""Live sessions in a course's outline: attendance marked in ``webinars`` completes the activity that stands for
the session.

A course's outline requires a session through an activity of kind "session" whose ``translation_key`` is the
session's ``activity_key``. ``webinars`` sends ``attendance_marked`` after it commits marks (from a trainer's
roster or from the meeting); this receiver records progress for each learner marked present who is learning in a
course with such an activity, and may complete her course. An absent mark never takes progress back, and a mark
sent twice changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .models import Activity, Enrollment
from .services import EnrollmentError, activity_complete

if TYPE_CHECKING:
    from webinars.models import Session

logger = logging.getLogger("maktaba.courses")


def on_attendance_marked(
    sender: Any,
    session: Session,
    user_ids_present: Sequence[int],
    user_ids_absent: Sequence[int],
    **kwargs: Any,
) -> None:
    """Receiver of ``webinars.signals.attendance_marked``: complete the session's activities for the learners
    marked present. ``user_ids_absent`` is deliberately ignored: an absent mark never revokes progress."""
    if session.activity_key is None or not user_ids_present:
        return
    activities = Activity.objects.filter(
        translation_key=session.activity_key, kind=Activity.Kind.SESSION, is_active=True
    ).order_by("course_id", "pk")
    for activity in activities:
        enrollments = (
            Enrollment.objects.filter(
                course_id=activity.course_id,
                user_id__in=user_ids_present,
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
                logger.info("Session %s: enrollment %s is no longer learning", session.pk, enrollment.pk)
