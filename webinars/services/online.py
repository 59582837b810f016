"""Online sessions: who gets the join link and when, ending the meeting, and what the meeting service knows
afterwards (who was there, the recording).

``session_join_url`` is the only way a page gets a join link: registered participants (and the event's managers)
get it from ``WEBINAR_JOIN_OPENS_BEFORE`` before the session starts until it ends. Pages should link to a view
that calls it on click and redirects, rather than call it for every page view: for BigBlueButton it creates the
meeting (an API call) and signs a link for that one person.

The provider is called outside any transaction (a slow meeting service must not hold row locks); every provider
failure arrives as ``ProviderError`` with a message for the user.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from webinars.models import Attendance, Event, Registration, Session
from webinars.providers import ProviderError, provider_for
from webinars.selectors.registrations import event_viewer_get, session_join_refusal, user_can_manage_event

logger = logging.getLogger("maktaba.webinars")


class JoinNotAvailable(Exception):
    """Why the user cannot join the session now, worded for her: the only exception ``session_join_url``
    raises, so a page can always show it instead of the link."""


def session_join_url(*, session: Session, user: User, now: datetime | None = None) -> str:
    """The address that takes ``user`` into the online session: trainers join as moderators, registered
    participants as participants. Asks the provider (BigBlueButton creates the meeting): call it when she
    clicks Join, not to draw a page — pages use ``session_join_check``."""
    manager = session_join_check(session=session, user=user, now=now)
    try:
        provider = provider_for(session.event)
        provider.prepare(session)
        return provider.join_url(session, user, moderator=manager)
    except ProviderError as error:
        raise JoinNotAvailable(str(error)) from error


def session_join_check(*, session: Session, user: User, now: datetime | None = None) -> bool:
    """Whether ``user`` may join ``session`` now, without asking the provider: raises ``JoinNotAvailable``
    with the reason, or returns True for a moderator (a trainer) and False for a participant. The rule is
    ``session_join_refusal``, which pages call with the viewer read once for all the sessions."""
    viewer = event_viewer_get(user=user, event=session.event)
    reason = session_join_refusal(session, viewer=viewer, now=now or timezone.now())
    if reason is not None:
        raise JoinNotAvailable(reason)
    return viewer.manager


def session_end_meeting(*, session: Session, by: User) -> None:
    """End the session's meeting for everyone (nothing happens when it is not running)."""
    _check_manager(by, session.event)
    provider_for(session.event).end(session)


def session_take_attendance_from_provider(*, session: Session, by: User) -> int:
    """Mark as present the confirmed participants that the meeting lists now (BigBlueButton lists people only
    while the meeting runs: take it before ending the meeting). A trainer's own marks are kept: she may have
    marked someone absent who only looked in. Returns how many participants are now marked present from the
    meeting; ``attendance_marked`` is sent for them after the commit."""
    from webinars.services.attendance import attendance_notify  # only this function needs it

    _check_manager(by, session.event)
    listed = provider_for(session.event).attendees(session)  # the network call, before any lock
    user_ids = {int(value) for value in listed if value.isascii() and value.isdigit()}
    registered = set(
        Registration.objects.filter(
            event_id=session.event_id, user_id__in=user_ids, status=Registration.Status.CONFIRMED
        ).values_list("user_id", flat=True)
    )
    if not registered:
        return 0
    now = timezone.now()
    with transaction.atomic():
        existing = dict(
            Attendance.objects.select_for_update()
            .filter(session=session, user_id__in=registered)
            .values_list("user_id", "source")
        )
        ours = [user_id for user_id, source in existing.items() if source == Attendance.Source.PROVIDER]
        Attendance.objects.filter(session=session, user_id__in=ours).update(attended=True, marked_by=by, marked_at=now)
        new = sorted(registered - existing.keys())
        # A trainer marking someone at the same moment wins (the unique constraint keeps one row).
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session=session,
                    user_id=user_id,
                    attended=True,
                    source=Attendance.Source.PROVIDER,
                    marked_by=by,
                    marked_at=now,
                )
                for user_id in new
            ],
            ignore_conflicts=True,
        )
        # Those whose row is now ours: a trainer's mark made at the same moment kept hers (and sent its own).
        marked = Attendance.objects.filter(
            session=session, user_id__in=registered, source=Attendance.Source.PROVIDER, attended=True
        ).values_list("user_id", flat=True)
        attendance_notify(session, present_ids=list(marked), absent_ids=[])
    logger.info("Attendance of session %s from its meeting: %s new, %s again", session.pk, len(new), len(ours))
    return len(new) + len(ours)


def session_fetch_recording(*, session: Session, by: User) -> str:
    """Store the meeting's first recording in ``session.recording_url`` and return it ("" when there is none
    yet: the meeting service takes a while to process a recording). Only an http(s) address that fits the field
    is taken: it is shown to learners as a link."""
    _check_manager(by, session.event)
    field = Session._meta.get_field("recording_url")
    validate = URLValidator(schemes=["http", "https"])
    for url in provider_for(session.event).recordings(session):
        try:
            validate(url)
        except ValidationError:
            logger.warning("Session %s: the meeting service gave a recording that is not a web address", session.pk)
            continue
        if len(url) <= field.max_length:
            session.recording_url = url
            session.save(update_fields=["recording_url"])
            return url
    return ""


def _check_manager(user: User, event: Event) -> None:
    if not user_can_manage_event(user, event):
        raise PermissionDenied(_("Only the event's trainers can do this."))
