"""Reads of attendance: a session's roster, for the trainer marking it, and how many came to each session."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from accounts.models import User
from webinars.models import Attendance, Event, Registration, Session
from webinars.selectors.registrations import user_can_manage_event


@dataclass(frozen=True)
class RosterRow:
    """One confirmed participant and her mark: ``attended`` is None while she is not marked yet."""

    user: User
    registration: Registration
    attended: bool | None
    source: str  # Attendance.Source, "" when not marked

    @property
    def from_meeting(self) -> bool:
        return self.source == Attendance.Source.PROVIDER


def roster_for(*, session: Session, user) -> list[RosterRow]:
    """The people with a confirmed registration for the session's event, with their mark at this session, by
    name. A fixed number of queries whatever the number of people. Raises ``PermissionDenied`` for anyone who
    cannot manage the event."""
    if not user_can_manage_event(user, session.event):
        raise PermissionDenied
    registrations = Registration.objects.filter(
        event_id=session.event_id, status=Registration.Status.CONFIRMED
    ).select_related("user")
    marks = {
        user_id: (attended, source)
        for user_id, attended, source in Attendance.objects.filter(session=session).values_list(
            "user_id", "attended", "source"
        )
    }
    rows = []
    for registration in registrations:
        attended, source = marks.get(registration.user_id, (None, ""))
        rows.append(RosterRow(user=registration.user, registration=registration, attended=attended, source=source))
    # By name as people read it (case-insensitive in every script), then by account for namesakes.
    rows.sort(key=lambda row: (row.user.full_name.casefold(), row.user.pk))
    return rows


@dataclass(frozen=True)
class SessionRate:
    session: Session
    confirmed: int  # people with a confirmed registration for the event now
    present: int  # of them, how many are marked present at this session
    rate: int | None  # present / confirmed in whole percent; None when nobody is confirmed


def event_attendance_rates(*, event: Event, user) -> list[SessionRate]:
    """For each scheduled session of the event, in order: the confirmed participants, how many of them are
    marked present and the rate in percent. Two queries whatever the number of sessions and people. Raises
    ``PermissionDenied`` for anyone who cannot manage the event."""
    if not user_can_manage_event(user, event):
        raise PermissionDenied
    confirmed_users = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).values("user_id")
    confirmed = confirmed_users.count()
    sessions = (
        Session.objects.filter(event=event, status=Session.Status.SCHEDULED)
        .annotate(
            present=Count(
                "attendance",
                filter=Q(attendance__attended=True, attendance__user_id__in=confirmed_users),
            )
        )
        .order_by("starts_at", "pk")
    )
    return [
        SessionRate(
            session=session,
            confirmed=confirmed,
            present=session.present,
            rate=round(100 * session.present / confirmed) if confirmed else None,
        )
        for session in sessions
    ]


def present_user_ids(session_ids) -> dict[int, set[int]]:
    """Who was marked present at each of these sessions: ``{session id: {user id, ...}}`` (sessions nobody
    attended are left out). For the layers above, which count attendance toward courses."""
    present: dict[int, set[int]] = {}
    rows = Attendance.objects.filter(session_id__in=list(session_ids), attended=True).values_list(
        "session_id", "user_id"
    )
    for session_id, user_id in rows:
        present.setdefault(session_id, set()).add(user_id)
    return present


def present_at_every_session(event: Event, user_ids) -> list[int]:
    """Of ``user_ids``, those marked present at every scheduled (not cancelled) session of ``event``, in id order:
    who earns the event's attendance certificate. One query."""
    scheduled = event.sessions.filter(status=Session.Status.SCHEDULED)
    total = scheduled.count()
    if not total:
        return []
    return list(
        Attendance.objects.filter(session__in=scheduled, user_id__in=list(user_ids), attended=True)
        .values("user_id")
        .annotate(sessions=Count("session", distinct=True))
        .filter(sessions=total)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
