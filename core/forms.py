"""Form pieces shared by apps that may not import each other (quizzes and webinars both take local times)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils import timezone

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in ``time_zone`` (the user's own), stored as an aware datetime. A time that the
    clocks skip or repeat there is refused with Django's message."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)

    def __init__(self, *, time_zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        self.time_zone = time_zone
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(self.time_zone):
            return super().prepare_value(value)

    def to_python(self, value: Any) -> Any:
        with timezone.override(self.time_zone):
            return super().to_python(value)


def user_time_zone(user: Any) -> zoneinfo.ZoneInfo:
    """The user's own time zone, UTC when she has none (or an unknown one)."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
