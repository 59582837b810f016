"""Background work of webinars."""

from __future__ import annotations

from celery import shared_task

from .services.reminders import reminders_send_due


@shared_task(name="webinars.send_due_reminders")
def send_due_reminders() -> int:
    """Queue the reminders due 24 hours and 1 hour before sessions (run every few minutes by beat). Running it
    twice, or on two workers at once, sends each reminder once (see ``services.reminders``)."""
    return reminders_send_due()
