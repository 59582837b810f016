"""Private calendar feeds: each learner's unguessable address, replaced when she asks for a new one. What the
calendar files are written from is read by ``webinars.selectors.calendar``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from webinars.models import CalendarFeed


def calendar_feed_get_or_create(user) -> CalendarFeed:
    """Her feed, created with a new token the first time she asks."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(user) -> CalendarFeed:
    """Give her feed a new token: the old address stops working at once."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            return calendar_feed_get_or_create(user)
        feed.token = CalendarFeed._meta.get_field("token").get_default()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
        return feed
