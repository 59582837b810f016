"""Changing events: ``events`` (events, sessions, series, changes and cancellations), ``registration``
(registering, cancelling, the waiting list, approval, trainers adding people), ``reminders`` (the notices before
each session) and ``attendance``."""
