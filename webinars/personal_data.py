"""Webinars' part of a teacher's personal data (``accounts.personal_data``; registered in ``apps.py``).

Export: her registrations (event, status, dates), her attendance at each session, her private calendar feed.
Erasure (docs/decisions/0010-personal-data.md): she leaves the events still to come (``registration_cancel``, so
her place goes to the first on the waiting list); registrations and attendance of past events stay with the
anonymised account (attendance statistics need them); her calendar feed (its secret address) and the record of the
reminders sent to her go; she leaves the events she trains.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.personal_data import Erasure

from .models import Attendance, CalendarFeed, Registration, ReminderSent, Session
from .services.registration import ACTIVE_STATUSES, registration_cancel


class WebinarsPersonalData:
    name = "webinars"

    def export(self, user) -> dict[str, Any]:
        feed = CalendarFeed.objects.filter(user=user).first()
        return {
            "registrations": [
                {
                    "event": registration.event.title,
                    "event_kind": registration.event.kind,
                    "status": registration.status,
                    "registered_at": registration.created_at,
                    "updated_at": registration.updated_at,
                }
                for registration in Registration.objects.filter(user=user)
                .select_related("event")
                .order_by("created_at", "pk")
            ],
            "attendance": [
                {
                    "event": attendance.session.event.title,
                    "session": str(attendance.session.title or attendance.session.event.title),
                    "starts_at": attendance.session.starts_at,
                    "attended": attendance.attended,
                    "source": attendance.source,
                    "marked_at": attendance.marked_at,
                }
                for attendance in Attendance.objects.filter(user=user)
                .select_related("session__event")
                .order_by("session__starts_at", "pk")
            ],
            "calendar_feed": None
            if feed is None
            else {
                "url": settings.SITE_URL.rstrip("/") + reverse("webinars:calendar-feed", kwargs={"token": feed.token}),
                "created_at": feed.created_at,
            },
            "reminders_sent": [
                {"session_starts_at": reminder.session.starts_at, "kind": reminder.kind, "sent_at": reminder.created_at}
                for reminder in ReminderSent.objects.filter(user=user).select_related("session").order_by("pk")
            ],
        }

    def erase(self, user, *, erasure: Erasure) -> None:
        upcoming = Session.objects.filter(status=Session.Status.SCHEDULED, ends_at__gt=timezone.now())
        to_come = Registration.objects.filter(
            user=user, status__in=ACTIVE_STATUSES, event__sessions__in=upcoming
        ).distinct()
        for registration in to_come.select_related("event"):
            registration_cancel(registration=registration, by=user)
        CalendarFeed.objects.filter(user=user).delete()
        ReminderSent.objects.filter(user=user).delete()
        user.trained_events.clear()
