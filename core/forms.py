"""Form pieces shared by apps that may not import each other (quizzes and webinars both take local times)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


class PlainSelect(forms.Select):
    """A select whose options are written in Python rather than through one template each. Django renders every
    option through its own template: for a list of countries, time zones or courses (hundreds of options) that was
    most of a page's time (the ministries' dashboard, the webinar list)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        chosen = {str(each) for each in (value if isinstance(value, list | tuple) else [value]) if each is not None}

        def options(choices) -> str:
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(key), mark_safe(" selected") if str(key) in chosen else "", label) for key, label in choices),
            )

        parts = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):  # a group: (group label, [(value, label), ...])
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', key, options(label)))
            else:
                parts.append(options([(key, label)]))
        if self.allow_multiple_selected:
            attrs = {**(attrs or {}), "multiple": True}
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, mark_safe("".join(parts)))


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
