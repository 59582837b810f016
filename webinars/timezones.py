"""Wall-clock times in an event's IANA time zone, and their UTC instants.

A trainer plans "every Tuesday at 18:00 Moscow time": each session keeps 18:00 local time, whatever
daylight-saving does in between, so its UTC instant may move. A local time that does not exist (skipped by the
spring change) is refused; one that happens twice (the autumn fold) must say which of the two it means.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

NONEXISTENT = _("%(time)s does not exist in %(zone)s: the clocks skip it when daylight saving time starts.")
AMBIGUOUS = _(
    "%(time)s happens twice in %(zone)s, when the clocks go back: choose whether you mean the first or the second time."
)


class LocalTimeError(ValueError):
    """A wall-clock time that cannot stand for one instant; ``str()`` says why, in the user's language."""

    def __init__(self, message: str, *, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def to_utc(local: datetime, zone_name: str, *, fold: int | None = None) -> datetime:
    """The UTC instant of the naive wall-clock time ``local`` in ``zone_name``.

    Raises ``LocalTimeError`` when the time falls in the spring gap, or in the autumn fold without ``fold``
    (0: the first of the two, 1: the second).
    """
    if local.tzinfo is not None:
        raise ValueError("to_utc takes a naive wall-clock time")
    tz = zone(zone_name)
    first, second = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    shown = local.strftime("%Y-%m-%d %H:%M")
    # A time in the gap does not survive the round trip through UTC.
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        raise LocalTimeError(gettext(NONEXISTENT) % {"time": shown, "zone": zone_name})
    if first.utcoffset() != second.utcoffset():
        if fold is None:
            raise LocalTimeError(gettext(AMBIGUOUS) % {"time": shown, "zone": zone_name}, ambiguous=True)
        return (second if fold else first).astimezone(UTC)
    return first.astimezone(UTC)


def weekly(first: datetime, zone_name: str, *, weeks: int, fold: int | None = None) -> list[datetime]:
    """``weeks`` UTC instants, one a week from the naive wall-clock time ``first``, each at the same local time
    (so across a daylight-saving change the UTC time moves, not the local one)."""
    return [to_utc(first + timedelta(weeks=week), zone_name, fold=fold) for week in range(weeks)]


def local(instant: datetime, zone_name: str) -> datetime:
    """``instant`` as a wall-clock time in ``zone_name`` (aware)."""
    return timezone.localtime(instant, zone(zone_name))


def format_in(instant: datetime, zone_name: str, *, date: bool = True) -> str:
    """``instant`` written in ``zone_name`` and the active language, with the zone named: "23 November 2026,
    18:00 (Europe/Moscow)"."""
    moment = local(instant, zone_name)
    text = date_format(moment, "DATETIME_FORMAT" if date else "TIME_FORMAT")
    return f"{text} ({zone_name})"
