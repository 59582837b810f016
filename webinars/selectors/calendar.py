"""What the calendar files are written from: an event with its sessions, and the registrations a private feed
lists."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from webinars.models import CalendarFeed, Event, Registration, Session
from webinars.selectors.registrations import ACTIVE_STATUSES

# Registrations that ended this recently stay in the feed, with their sessions cancelled, so that calendars
# that subscribed remove them; older ones are left out.
ENDED_KEPT_FOR = timedelta(days=30)


def event_for_calendar(event_uuid) -> Event | None:
    """A published event with all its sessions (cancelled ones too), or None."""
    sessions = Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "pk"))
    return Event.objects.filter(uuid=event_uuid, status=Event.Status.PUBLISHED).prefetch_related(sessions).first()


def calendar_feed_registrations(token: str) -> list[Registration] | None:
    """The registrations the feed with this token lists, each with its event and the event's sessions; None
    for a token that is not (or no longer) anyone's, or the feed of a deactivated account. Three queries,
    however many registrations."""
    feed = CalendarFeed.objects.filter(token=token, user__is_active=True).only("user_id").first()
    if feed is None:
        return None
    ended_since = timezone.now() - ENDED_KEPT_FOR
    sessions = Prefetch("event__sessions", queryset=Session.objects.order_by("starts_at", "pk"))
    return list(
        Registration.objects.filter(user_id=feed.user_id)
        .filter(
            Q(status__in=ACTIVE_STATUSES)
            | Q(
                status__in=(Registration.Status.CANCELLED, Registration.Status.REJECTED),
                updated_at__gte=ended_since,
            )
        )
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event")
        .prefetch_related(sessions)
        .order_by("pk")
    )
