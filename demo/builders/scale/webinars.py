"""Scale webinars and workshops: online webinars in each language, onsite and hybrid workshops in the regions,
one session or a weekly series each, at daytime in the event's time zone, spread over the platform's history with a
few still to come; teachers' registrations (a waiting list where places run out, some cancelled) and, for the
sessions that took place, attendance of those with a place, marked by the trainer or from the meeting.

Registrations copy the learner's country and region, and ``Event.confirmed_count`` counts the confirmed ones, as
``webinars.services`` keep them.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone, translation

from webinars.models import Attendance, Event, Registration, Session
from webinars.timezones import to_utc, zone

from .accounts import Geography, RegionInfo, Teacher
from .bulk import rows_load
from .certificates import Award, snapshot_part
from .common import DAY, Timeline, at, scale_uuid
from .courses import TOPICS

TEACHERS_PER_WEBINAR = 800
TEACHERS_PER_WORKSHOP = 1_500
MARKED_WITHIN = 3 * 3600.0  # seconds after a session ends
ONLINE_ZONES = {"en": "Africa/Nairobi", "ru": "Europe/Moscow", "ar": "Africa/Cairo"}
COUNTRY_LANGUAGE = {"RU": "ru", "KZ": "ru", "EG": "ar", "TN": "ar", "KE": "en"}
WEBINAR_TITLES = {"en": "Webinar: {topic}", "ru": "Вебинар: {topic}", "ar": "ندوة عبر الإنترنت: {topic}"}
WORKSHOP_TITLES = {"en": "Workshop: {topic}", "ru": "Очный семинар: {topic}", "ar": "ورشة عمل: {topic}"}
LANGUAGES = ("en", "ru", "ar")

REGISTRATION_COLUMNS = (
    "event_id", "user_id", "status", "queued_at", "created_at", "updated_at", "added_by_id", "country_id",
    "region_id", "sequence",
)  # fmt: skip
ATTENDANCE_COLUMNS = ("session_id", "user_id", "attended", "source", "marked_by_id", "marked_at")


@dataclass
class EventInfo:
    event: Event
    created: float
    first_start: float
    trainer: int
    region: RegionInfo | None  # of a workshop
    sessions: list[tuple[Session, float]] = field(default_factory=list)  # with its end
    confirmed: int = 0
    certificate: str = ""  # the attendance certificate's snapshot part, if it gives one
    completed_on: date | None = None

    @property
    def took_place(self) -> bool:
        return self.completed_on is not None


class Listing:
    """Events in the order they start, to draw one that starts after a given moment."""

    def __init__(self, infos: list[EventInfo]) -> None:
        self.infos = sorted(infos, key=lambda info: info.first_start)
        self.starts = [info.first_start for info in self.infos]

    def draw_after(self, rng: random.Random, moment: float) -> EventInfo | None:
        first = bisect(self.starts, moment)
        return self.infos[rng.randrange(first, len(self.infos))] if first < len(self.infos) else None


@dataclass
class Calendar:
    events: list[EventInfo]
    online: dict[str, Listing]
    onsite: dict[int, Listing]  # by region id


def events_build(
    rng: random.Random, timeline: Timeline, geography: Geography, *, teachers: int, trainers: list[int]
) -> Calendar:
    webinars = max(6, teachers // TEACHERS_PER_WEBINAR)
    workshops = max(3, teachers // TEACHERS_PER_WORKSHOP)
    infos = [_event(rng, timeline, None, trainers) for _number in range(webinars)]
    infos += [_event(rng, timeline, geography.regions.draw(rng), trainers) for _number in range(workshops)]
    Event.objects.bulk_create([info.event for info in infos])
    Session.objects.bulk_create([session for info in infos for session, _end in info.sessions])
    Event.trainers.through.objects.bulk_create(
        Event.trainers.through(event_id=info.event.pk, user_id=info.trainer) for info in infos
    )
    workshops_in = [(info, info.region) for info in infos if info.region is not None]
    Event.countries.through.objects.bulk_create(
        Event.countries.through(event_id=info.event.pk, country_id=geography.countries[region.code])
        for info, region in workshops_in
    )
    Event.regions.through.objects.bulk_create(
        Event.regions.through(event_id=info.event.pk, region_id=region.id) for info, region in workshops_in
    )
    online = {
        language: Listing([info for info in infos if info.event.is_online and info.event.language == language])
        for language in LANGUAGES
    }
    onsite = {
        region.id: Listing([info for info, place in workshops_in if place.id == region.id])
        for region in geography.regions.items
    }
    return Calendar(events=infos, online=online, onsite=onsite)


def _event(rng: random.Random, timeline: Timeline, region: RegionInfo | None, trainers: list[int]) -> EventInfo:
    """A webinar (``region`` None) or a workshop in ``region``, its sessions not yet saved."""
    _subject, _cells, topics = rng.choice(TOPICS)
    if region is None:
        language = rng.choice(LANGUAGES)
        kind, time_zone = Event.Kind.ONLINE, ONLINE_ZONES[language]
        titles, capacity = WEBINAR_TITLES, rng.choice([None, None, None, 300, 500, 1000])
    else:
        language = COUNTRY_LANGUAGE[region.code]
        kind = Event.Kind.HYBRID if rng.random() < 0.2 else Event.Kind.ONSITE
        time_zone, titles, capacity = region.time_zone, WORKSHOP_TITLES, rng.randrange(20, 41)
    topic = topics[LANGUAGES.index(language)]
    if rng.random() < 0.08:  # still to come
        first = timeline.until + rng.random() * 60 * DAY
    else:
        first = max(timeline.growing(rng.random()), timeline.launch + 14 * DAY)
    start_local = datetime.combine(at(first).astimezone(zone(time_zone)).date(), time(rng.randrange(9, 18)))
    minutes = rng.choice([60, 90, 120]) if region is None else rng.choice([120, 180, 240])
    weeks = 1 if rng.random() < 0.65 else rng.randrange(2, 5)
    trainer = rng.choice(trainers)
    number = rng.randrange(10**6)
    event = Event(
        uuid=scale_uuid(rng),
        title=titles[language].format(topic=topic),
        language=language,
        kind=kind,
        topic=topic,
        status=Event.Status.PUBLISHED,
        time_zone=time_zone,
        capacity=capacity,
        venue="" if region is None else f"Teacher training centre, room {rng.randrange(1, 6)}, {region.name}",
        join_url="" if kind == Event.Kind.ONSITE else f"https://meet.jit.si/maktaba-scale-{number:06d}",
        gives_certificate=rng.random() < (0.1 if region is None else 0.6),
        created_by_id=trainer,
    )
    info = EventInfo(event=event, created=0.0, first_start=0.0, trainer=trainer, region=region)
    for week in range(weeks):
        starts = to_utc(start_local + timedelta(weeks=week), time_zone)
        ends = starts + timedelta(minutes=minutes)
        past = ends.timestamp() + MARKED_WITHIN < timeline.until
        recording = f"https://media.example.org/maktaba-scale/{number:06d}-{week + 1}.mp4"
        session = Session(
            uuid=scale_uuid(rng),
            event=event,
            starts_at=starts,
            ends_at=ends,
            recording_url=recording if past and kind != Event.Kind.ONSITE and rng.random() < 0.5 else "",
        )
        info.sessions.append((session, ends.timestamp()))
    info.first_start = info.sessions[0][0].starts_at.timestamp()
    info.created = info.first_start - (7 + rng.random() * 38) * DAY
    event.created_at = event.updated_at = at(info.created)
    last_end = info.sessions[-1][1]
    if last_end + MARKED_WITHIN < timeline.until:
        info.completed_on = timezone.localdate(at(last_end), zone(time_zone))
    if event.gives_certificate:
        with translation.override(settings.LANGUAGE_CODE):
            issuer = str(settings.MAKTABA_NAME)
        seconds = sum(end - session.starts_at.timestamp() for session, end in info.sessions)
        info.certificate = snapshot_part(
            {
                "kind": "workshop",
                "titles": {language: event.title},
                "hours": f"{round(seconds / 3600 * 2) / 2:g}",
                "competencies": [],
                "issuer": issuer,
            }
        )
    return info


def registrations_load(rng: random.Random, timeline: Timeline, calendar: Calendar, teachers: list[Teacher]):
    """The teachers' registrations and attendance; returns how many of each, and the attendance certificates
    earned."""
    registrations, attendance, awards = [], [], []
    for teacher in teachers:
        chosen = set()
        wanted = int(rng.expovariate(1 / 1.5))
        listings = [
            calendar.online[teacher.language if rng.random() < 0.9 else rng.choice(LANGUAGES)] for _ in range(wanted)
        ]
        if rng.random() < 0.04 and teacher.region_id in calendar.onsite:
            listings.append(calendar.onsite[teacher.region_id])
        for listing in listings:
            info = listing.draw_after(rng, teacher.joined + DAY)
            if info is None or info.event.pk in chosen:
                continue
            chosen.add(info.event.pk)
            _register(rng, timeline, info, teacher, registrations, attendance, awards)
    return (
        rows_load(Registration, REGISTRATION_COLUMNS, registrations),
        rows_load(Attendance, ATTENDANCE_COLUMNS, attendance),
        awards,
    )


def _register(rng, timeline, info: EventInfo, teacher: Teacher, registrations, attendance, awards) -> None:
    event = info.event
    low, high = max(teacher.joined, info.created), min(info.first_start, timeline.until)
    if low >= high:
        return
    created = high - (high - low) * rng.random() ** 2
    updated, sequence = created, 0
    if event.capacity is not None and info.confirmed >= event.capacity:
        status = Registration.Status.WAITLISTED
    elif rng.random() < 0.07:
        status, sequence = Registration.Status.CANCELLED, 1
        updated = created + (high - created) * rng.random()
    else:
        status = Registration.Status.CONFIRMED
        info.confirmed += 1
    registrations.append(
        (event.pk, teacher.id, status, at(created), at(created), at(updated), None, teacher.country_id,
         teacher.region_id, sequence)
    )  # fmt: skip
    if status != Registration.Status.CONFIRMED:
        return
    presence = rng.choice([0.97, 0.9, 0.8, 0.4])
    present, last_marked = 0, 0.0
    for session, end in info.sessions:
        if end + MARKED_WITHIN >= timeline.until:
            break
        attended = rng.random() < presence
        if not attended and rng.random() < 0.5:
            continue  # nobody marked her absent
        online = event.kind == Event.Kind.ONLINE or (event.kind == Event.Kind.HYBRID and rng.random() < 0.5)
        marked = end + 300 + rng.random() * (MARKED_WITHIN - 300)
        attendance.append(
            (session.pk, teacher.id, attended, "provider" if online else "trainer", None if online else info.trainer,
             at(marked))
        )  # fmt: skip
        present += attended
        last_marked = max(last_marked, marked)
    if info.certificate and info.took_place and present == len(info.sessions):
        awards.append(
            Award(
                teacher=teacher,
                subject_key=f"event:{event.uuid}",
                language=teacher.language or event.language,
                snapshot=info.certificate,
                completed_on=info.completed_on,
                issued_at=last_marked,
            )
        )


def confirmed_counts_save(calendar: Calendar) -> None:
    """``Event.confirmed_count`` as the registration services keep it."""
    for info in calendar.events:
        info.event.confirmed_count = info.confirmed
    Event.objects.bulk_update([info.event for info in calendar.events], ["confirmed_count"])
