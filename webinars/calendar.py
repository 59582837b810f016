"""iCalendar files (RFC 5545): one event's sessions, and a learner's private feed of her registrations.

Pure functions of model objects: the caller loads the rows (``services.calendar``) and says how to write an
event page's absolute URL. Every file has PRODID, VERSION, a VTIMEZONE for every TZID it uses, one VEVENT per
session with a stable UID (``<session uuid>@maktaba``), DTSTAMP and a SEQUENCE that every change raises (the
event's plus the session's, plus in a learner's feed her registration's). Cancelled sessions, and all sessions
of a cancelled event or of a registration that ended, stay in the file with STATUS:CANCELLED so that calendars
remove them. icalendar writes CRLF line endings and folds lines at 75 octets.

The meeting link is never written: it is shown only to registered people, shortly before a session.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar import Event as IcsEvent

from core.sanitize import strip_tags
from webinars.models import Event, Registration, Session
from webinars.selectors.registrations import ACTIVE_STATUSES

PRODID = "-//Maktaba//Webinars//EN"
UID_DOMAIN = "maktaba"

EventUrl = Callable[[Event], str]


def event_ics(event: Event, sessions: Iterable[Session], *, event_url: EventUrl) -> bytes:
    """The event's sessions (cancelled ones included, as cancelled) as an iCalendar file."""
    calendar = _calendar()
    stamp = _now()
    url = event_url(event)
    for session in sorted(sessions, key=_session_order):
        calendar.add_component(_vevent(event, session, url=url, stamp=stamp, cancelled=False, sequence=0))
    return _finish(calendar)


def feed_ics(registrations: Iterable[Registration], *, event_url: EventUrl) -> bytes:
    """A learner's feed: the sessions of every event she registered for (``registration.event`` and its
    ``sessions`` loaded by the caller). Sessions of a registration that was cancelled or turned down are sent
    as cancelled. Each session's SEQUENCE also counts the changes of her registration (``Registration.sequence``),
    so that her calendar replaces what it shows when only her registration changed; none of the three parts
    ever goes down."""
    calendar = _calendar()
    name = gettext("%(site)s: my events") % {"site": settings.MAKTABA_NAME}
    calendar.add("NAME", name)
    calendar.add("X-WR-CALNAME", name)
    calendar.add("REFRESH-INTERVAL", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", timedelta(hours=1))
    stamp = _now()
    rows = []
    for registration in registrations:
        event = registration.event
        url = event_url(event)
        ended = registration.status not in ACTIVE_STATUSES
        rows.extend((session, event, url, ended, registration.sequence) for session in event.sessions.all())
    for session, event, url, ended, sequence in sorted(rows, key=lambda row: _session_order(row[0])):
        calendar.add_component(_vevent(event, session, url=url, stamp=stamp, cancelled=ended, sequence=sequence))
    return _finish(calendar)


def uid(session: Session) -> str:
    return f"{session.uuid}@{UID_DOMAIN}"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    return calendar


def _now() -> datetime:
    return timezone.now().astimezone(UTC).replace(microsecond=0)


def _session_order(session: Session) -> tuple:
    return (session.starts_at, session.pk or 0)


def _vevent(event: Event, session: Session, *, url: str, stamp: datetime, cancelled: bool, sequence: int) -> IcsEvent:
    """The session as a VEVENT; ``sequence``: what the reader's own registration adds to its SEQUENCE (0 in a
    file that is the same for everyone)."""
    zone = ZoneInfo(event.time_zone)
    cancelled = cancelled or event.status != Event.Status.PUBLISHED or session.status == Session.Status.CANCELLED
    component = IcsEvent()
    component.add("UID", uid(session))
    component.add("DTSTAMP", stamp)
    component.add("DTSTART", _when(session.starts_at, zone))
    component.add("DTEND", _when(session.ends_at, zone))
    component.add("SEQUENCE", event.sequence + session.sequence + sequence)
    component.add("SUMMARY", session.title or event.title)
    component.add("DESCRIPTION", _description(event, url=url, cancelled=cancelled))
    component.add("LOCATION", _location(event, session, url=url))
    component.add("URL", url)
    component.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("TRANSP", "TRANSPARENT" if cancelled else "OPAQUE")
    return component


def _when(instant: datetime, zone: ZoneInfo) -> datetime:
    """The local time in the event's zone (written with its TZID), or the UTC time ("Z", which needs no
    VTIMEZONE) for a zone that is UTC and for the second of two equal local times when the clocks go back:
    RFC 5545 reads an ambiguous local time as the first one."""
    instant = instant.astimezone(UTC).replace(microsecond=0)
    local = instant.astimezone(zone)
    if local.fold and local.replace(fold=0).astimezone(UTC) != instant:
        return instant
    return local


def _location(event: Event, session: Session, *, url: str) -> str:
    venue = (session.venue or event.venue).strip()
    if event.is_onsite and venue:
        return venue
    return url


def _description(event: Event, *, url: str, cancelled: bool) -> str:
    parts = []
    if cancelled:
        parts.append(gettext("This session is cancelled."))
    text = plain_text(event.description)
    if text:
        parts.append(text)
    parts.append(gettext("Event page: %(url)s") % {"url": url})
    return "\n\n".join(parts)


_LINE_BREAK = re.compile(r"<br\s*/?>|</(?:li|tr)\s*>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|blockquote|pre|ul|ol|table)\s*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li(?:\s[^>]*)?>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(description: str) -> str:
    """Plain text from the event's sanitised HTML: a blank line after each paragraph, list items and line
    breaks on their own lines."""
    if not description:
        return ""
    marked = _LIST_ITEM.sub("- ", _LINE_BREAK.sub("\n", _BLOCK_END.sub("\n\n", description)))
    text = html.unescape(strip_tags(marked))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _finish(calendar: Calendar) -> bytes:
    """Add a VTIMEZONE for every TZID the events use, covering the years they span, before the events."""
    years: dict[str, set[int]] = defaultdict(set)
    for component in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            value = component[name]
            tzid = value.params.get("TZID")
            if tzid:
                years[tzid].add(value.dt.year)
    for position, tzid in enumerate(sorted(years)):
        calendar.subcomponents.insert(
            position, vtimezone(tzid, first_year=min(years[tzid]), last_year=max(years[tzid]))
        )
    return calendar.to_ical()


# --- VTIMEZONE from the zoneinfo database ---------------------------------------------------------------------
#
# icalendar's ``Timezone.from_tzinfo`` writes a DAYLIGHT observance's DTSTART in the new offset (03:00 for
# New York's spring change) where RFC 5545 wants the local time before the change (02:00: DTSTART combined
# with TZOFFSETFROM is the instant). So the observances are built here, from the zone's transitions.


class _Observance(NamedTuple):
    offset: timedelta
    dst: bool
    name: str


_STEP = timedelta(hours=6)  # no zone changes twice within six hours


def vtimezone(tzid: str, *, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` valid from 1 January of ``first_year`` to the end of ``last_year``: the
    observance in force on 1 January, then one STANDARD or DAYLIGHT per change in between."""
    zone = ZoneInfo(tzid)
    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    component = Timezone()
    component.add("TZID", tzid)
    current = _observance(zone, start)
    component.add_component(_sub(current, offset_from=current.offset, onset=start + current.offset))
    for instant, before, after in _transitions(zone, start, end):
        component.add_component(_sub(after, offset_from=before.offset, onset=instant + before.offset))
    return component


def _observance(zone: ZoneInfo, instant: datetime) -> _Observance:
    local = instant.astimezone(zone)
    return _Observance(local.utcoffset(), bool(local.dst()), local.tzname() or "")


def _transitions(zone: ZoneInfo, start: datetime, end: datetime):
    """(instant, observance before, observance after) for every change of offset, DST flag or name."""
    moment, current = start, _observance(zone, start)
    while moment < end:
        later = min(moment + _STEP, end)
        following = _observance(zone, later)
        if following != current:
            low, high = moment, later  # low has the current observance, high the next one
            while (span := int((high - low).total_seconds())) > 1:
                middle = low + timedelta(seconds=span // 2)
                if _observance(zone, middle) == current:
                    low = middle
                else:
                    high = middle
            following = _observance(zone, high)
            yield high, current, following
            moment, current = high, following
        else:
            moment = later


def _sub(observance: _Observance, *, offset_from: timedelta, onset: datetime):
    sub = TimezoneDaylight() if observance.dst else TimezoneStandard()
    # DTSTART is the local time before the change (RFC 5545, 3.6.5): the UTC instant plus TZOFFSETFROM.
    sub.add("DTSTART", onset.replace(tzinfo=None))
    sub.add("TZOFFSETFROM", offset_from)
    sub.add("TZOFFSETTO", observance.offset)
    if observance.name:
        sub.add("TZNAME", observance.name)
    return sub
