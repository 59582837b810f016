"""Attendance of a session, marked by a trainer on the roster, and the session's recording.

A trainer's mark is the last word: it replaces a mark taken from the meeting (``online.
session_take_attendance_from_provider``), which in turn never replaces hers. One row per session and person (a
unique constraint), written with a single upsert so that two trainers saving at once, or a trainer and the
meeting, never raise an error: the last trainer to save wins.

Both ways of marking end in ``attendance_notify``, which sends ``signals.attendance_marked`` once the marks are
committed; ``lms`` listens to it to count a session toward the courses that require it (webinars never imports
lms).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from webinars.models import Attendance, Event, Registration, Session
from webinars.selectors.registrations import user_can_manage_event
from webinars.signals import attendance_marked

logger = logging.getLogger("maktaba.webinars")

# Trainers may mark attendance from this long before the session starts (people arrive early), and any time after.
MARKING_OPENS_BEFORE = timedelta(minutes=15)


class AttendanceError(Exception):
    """Why attendance cannot be marked now, worded for the trainer in the active language."""


def attendance_marking_check(*, session: Session, now: datetime | None = None) -> None:
    """Raise ``AttendanceError`` when the session's attendance cannot be marked now: the session (or its event) is
    cancelled, or it starts more than ``MARKING_OPENS_BEFORE`` from now. Pages call it to know whether to offer
    the roster's Save button."""
    now = now or timezone.now()
    if session.status == Session.Status.CANCELLED or session.event.status == Event.Status.CANCELLED:
        raise AttendanceError(_("This session is cancelled: there is no attendance to mark."))
    if now < session.starts_at - MARKING_OPENS_BEFORE:
        minutes = int(MARKING_OPENS_BEFORE.total_seconds() // 60)
        raise AttendanceError(
            ngettext(
                "Attendance can be marked from %(minutes)s minute before the session starts.",
                "Attendance can be marked from %(minutes)s minutes before the session starts.",
                minutes,
            )
            % {"minutes": minutes}
        )


def attendance_mark(
    *,
    session: Session,
    by: User,
    present: Iterable[int],
    absent: Iterable[int],
    now: datetime | None = None,
) -> int:
    """Mark people present or absent at ``session``, as the trainer ``by``. Only people with a confirmed
    registration for the event are marked; other ids are left out (someone who cancelled while the roster was
    open). An id in both lists counts as present. A mark replaces whatever was recorded for that person, also a
    mark taken from the meeting. Returns how many people were marked.

    Raises ``PermissionDenied`` for anyone who cannot manage the event and ``AttendanceError`` when attendance
    cannot be marked now (see ``attendance_marking_check``)."""
    if not user_can_manage_event(by, session.event):
        raise PermissionDenied(_("Only the event's trainers can mark attendance."))
    now = now or timezone.now()
    attendance_marking_check(session=session, now=now)
    present_ids = {int(user_id) for user_id in present}
    absent_ids = {int(user_id) for user_id in absent} - present_ids
    if not present_ids and not absent_ids:
        return 0
    confirmed = set(
        Registration.objects.filter(
            event_id=session.event_id, user_id__in=present_ids | absent_ids, status=Registration.Status.CONFIRMED
        ).values_list("user_id", flat=True)
    )
    present_ids &= confirmed
    absent_ids &= confirmed
    if not confirmed:
        return 0
    rows = [
        Attendance(
            session=session,
            user_id=user_id,
            attended=user_id in present_ids,
            source=Attendance.Source.TRAINER,
            marked_by=by,
            marked_at=now,
        )
        for user_id in sorted(confirmed)
    ]
    with transaction.atomic():
        # One statement: INSERT ... ON CONFLICT (session, user) DO UPDATE. The unique constraint, not a read
        # before the write, keeps one row per person when two saves (or the meeting's list) race.
        Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["session", "user"],
            update_fields=["attended", "source", "marked_by", "marked_at"],
        )
        attendance_notify(session, present_ids=present_ids, absent_ids=absent_ids)
    logger.info(
        "Attendance of session %s marked by %s: %s present, %s absent",
        session.pk,
        by.pk,
        len(present_ids),
        len(absent_ids),
    )
    return len(confirmed)


def attendance_notify(session: Session, *, present_ids: Iterable[int], absent_ids: Iterable[int]) -> None:
    """Send ``attendance_marked`` for these marks once the current transaction commits (at once outside one).
    Every way of recording attendance calls it after it writes. A receiver that fails is logged (by Django's
    ``send_robust``) and does not undo the marks or break the trainer's page."""
    present_list = sorted({int(user_id) for user_id in present_ids})
    absent_list = sorted({int(user_id) for user_id in absent_ids} - set(present_list))
    if not present_list and not absent_list:
        return

    def send() -> None:
        attendance_marked.send_robust(
            sender=Session, session=session, user_ids_present=present_list, user_ids_absent=absent_list
        )

    transaction.on_commit(send)


def session_recording_set(*, session: Session, by: User, url: str) -> str:
    """Link the session's recording (an https address; empty removes the link). Learners see it on the event's
    page once the session is over. Returns the address stored. Raises ``PermissionDenied`` for anyone who cannot
    manage the event and ``ValidationError`` (its message for the trainer) for an address that is not https."""
    if not user_can_manage_event(by, session.event):
        raise PermissionDenied(_("Only the event's trainers can do this."))
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session is cancelled: it has no recording."))
    url = url.strip()
    if url:
        max_length = Session._meta.get_field("recording_url").max_length
        if len(url) > max_length:
            raise ValidationError(
                ngettext(
                    "The address is too long: at most %(max)s character.",
                    "The address is too long: at most %(max)s characters.",
                    max_length,
                )
                % {"max": max_length}
            )
        try:
            URLValidator(schemes=["https"])(url)
        except ValidationError:
            raise ValidationError(_("Enter a secure web address that starts with https://"), code="invalid") from None
    if session.recording_url != url:
        session.recording_url = url
        session.save(update_fields=["recording_url"])
    return url
