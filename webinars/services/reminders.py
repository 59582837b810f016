"""Reminders 24 hours and 1 hour before each session, run every few minutes by beat
(``webinars.send_due_reminders``).

Each reminder is sent at most once per session, recipient and kind, even when beat fires twice, two workers
run at the same moment or a worker dies half-way: a :class:`~webinars.models.ReminderSent` row is claimed with
``INSERT ... ON CONFLICT DO NOTHING RETURNING`` against its unique constraint, and only the rows that this very
statement inserted get an email, queued (through the outbox) in the same transaction. A concurrent run that
inserts the same rows waits for ours on the unique index (PostgreSQL) or for the write lock (SQLite), then
inserts nothing and sends nothing; if our transaction rolls back, neither the claim nor the email exists and the
next run sends it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation

from accounts.models import User
from core.mail import email_send

from ..models import Event, Registration, ReminderSent, Session
from ..timezones import format_in

logger = logging.getLogger("maktaba.webinars")

# Recipients claimed and queued per transaction: keeps each transaction (and the locks it holds) short.
BATCH = 200


@dataclass(frozen=True)
class _Window:
    kind: str
    template: str
    after: timedelta  # the session starts strictly later than now + after...
    until: timedelta  # ...and no later than now + until


# A session already within the hour gets only the 1-hour reminder, and one that started gets nothing.
WINDOWS = (
    _Window(ReminderSent.Kind.DAY, "webinars/email/reminder_24h", timedelta(hours=1), timedelta(hours=24)),
    _Window(ReminderSent.Kind.HOUR, "webinars/email/reminder_1h", timedelta(0), timedelta(hours=1)),
)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due at ``now`` and were not sent yet. Returns how many were queued by
    this call."""
    now = now or timezone.now()
    queued = 0
    for window in WINDOWS:
        queued += _send_window(window, now=now)
    return queued


def _send_window(window: _Window, *, now: datetime) -> int:
    sessions = {
        session.pk: session
        for session in Session.objects.filter(
            status=Session.Status.SCHEDULED,
            event__status=Event.Status.PUBLISHED,
            starts_at__gt=now + window.after,
            starts_at__lte=now + window.until,
        ).select_related("event")
    }
    if not sessions:
        return 0
    # One row per (session, confirmed registration of its event) still without this reminder. The filter on
    # the sessions and the annotation share one join, so ``session_pk`` is the session matched above.
    due = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            event__sessions__in=list(sessions),
            user__is_active=True,
            user__email__isnull=False,
        )
        .exclude(user__email="")
        .annotate(session_pk=F("event__sessions__pk"))
        .filter(
            ~Exists(
                ReminderSent.objects.filter(
                    session_id=OuterRef("session_pk"), user_id=OuterRef("user_id"), kind=window.kind
                )
            )
        )
        .select_related("user")
        # One order for every run: concurrent runs take the unique index entries in the same order, so they
        # wait for each other instead of deadlocking.
        .order_by("session_pk", "user_id")
    )
    pairs = [(sessions[registration.session_pk], registration.user) for registration in due]
    queued = 0
    for start in range(0, len(pairs), BATCH):
        batch = pairs[start : start + BATCH]
        try:
            queued += _claim_and_queue(window, batch)
        except Exception:
            # One batch that cannot be queued must not hold back the others. A failure before the commit rolls
            # back its claims with its emails, so the next run tries it again.
            logger.exception("Could not queue %s reminders for %d recipient(s)", window.kind, len(batch))
    return queued


def _claim_and_queue(window: _Window, batch: list[tuple[Session, User]]) -> int:
    with transaction.atomic():
        claimed = _claim(window.kind, [(session.pk, user.pk) for session, user in batch])
        for session, user in batch:
            if (session.pk, user.pk) in claimed:
                _email(window.template, session, user)
    return len(claimed)


def _claim(kind: str, pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Insert a ``ReminderSent`` row for each (session id, user id) in one statement; return the pairs whose row
    this statement inserted (not those another run holds or already committed).

    ``bulk_create(ignore_conflicts=True)`` cannot say which rows it inserted, hence the SQL, which PostgreSQL and
    SQLite (3.35+) both accept."""
    if not pairs:
        return set()
    meta = ReminderSent._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    session, user, kind_, created = (
        quote(meta.get_field(name).column) for name in ("session", "user", "kind", "created_at")
    )
    created_at = meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    params: list = []
    for session_id, user_id in pairs:
        params += [session_id, user_id, kind, created_at]
    values = ", ".join(["(%s, %s, %s, %s)"] * len(pairs))
    # Only quoted names from the model and placeholders go into the SQL; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({session}, {user}, {kind_}, {created}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({session}, {user}, {kind_}) DO NOTHING RETURNING {session}, {user}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(session_id, user_id) for session_id, user_id in cursor.fetchall()}


def _email(template: str, session: Session, user: User) -> None:
    event = session.event
    language = user.preferred_language
    with translation.override(language):
        starts_for_user = format_in(session.starts_at, user.time_zone)
        starts_for_event = format_in(session.starts_at, event.time_zone) if event.time_zone != user.time_zone else ""
    email_send(
        to=user.email,
        language=language,
        template=template,
        context={
            "user": user,
            "title": session.title or event.title,
            "starts_at": starts_for_user,
            "starts_at_event": starts_for_event,
            "online": event.is_online,
            "join_minutes": int(settings.WEBINAR_JOIN_OPENS_BEFORE.total_seconds() // 60),
            "venue": (session.venue or event.venue) if event.is_onsite else "",
            "event_url": settings.SITE_URL.rstrip("/") + f"/{language}/webinars/{event.uuid}/",
        },
    )
