"""Demo webinars and workshops, all run by the demo trainer: upcoming and past events in English, Russian and
Arabic, online, onsite and one hybrid, a weekly series of four sessions, a past webinar with its recording, and a
small onsite masterclass that is full, with two people on its waiting list. The demo teacher in Cairo is
registered for a webinar run from Moscow.

Upcoming sessions are planned some days after the day the demo is built, at a wall-clock time in the event's
time zone, so a freshly built demo always has events to come. An event is found again by its title and its
creator (the demo trainer), so a second run creates nothing. On a later run, an event meant to be upcoming whose
first session has started is brought forward by whole weeks, at the same wall-clock time in its time zone, to the
day a fresh build would plan it (or at most six days after): the demo keeps its events to come, however long ago it
was first built. Its registrations, and so the full masterclass and its waiting list, stay as they are. The past
events stay where they are, in the past. A second run on the same day changes nothing.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Country, Region, User
from webinars.models import Attendance, Event, Session
from webinars.services.events import event_create, event_publish, session_add, session_series_add
from webinars.services.registration import registration_register
from webinars.timezones import local, to_utc

from . import accounts

TRAINER = "trainer@example.org"
TEACHER = "teacher@example.org"

# Teachers of mathematics in Egypt's experimental language schools (who teach it in English), for the full
# masterclass: (email, full name, region, preferred language).
LEARNERS = [
    ("learner1@example.org", "Nour El-Sayed", "Giza", "en"),
    ("learner2@example.org", "Mostafa Adel", "Cairo", "ar"),
    ("learner3@example.org", "Heba Farouk", "Alexandria", "en"),
    ("learner4@example.org", "Omar Khaled", "Giza", "ar"),
    ("learner5@example.org", "Mona Saad", "Cairo", "en"),
]
FULL_CAPACITY = 3  # the first three learners get the places, the other two wait in this order

ICT_CFT_URL = "https://unesdoc.unesco.org/ark:/48223/pf0000265721"
UDL_URL = "https://udlguidelines.cast.org/"
GEOGEBRA_URL = "https://www.geogebra.org/classic"


def _jitsi(name: str) -> str:
    return f"https://meet.jit.si/maktaba-demo-{name}"


# ``days``: from the day the demo is built, in the event's time zone (negative: in the past); ``at``: the local
# start time (daytime, far from any daylight-saving change); ``weeks``: a weekly series from the first ``weekday``
# (Monday 0) at least ``days`` ahead. ``participants`` register themselves, in this order.
EVENTS: list[dict[str, Any]] = [
    {
        "title": "Digital pedagogy with one device and a weak connection",
        "language": "en",
        "kind": Event.Kind.ONLINE,
        "time_zone": "Africa/Tunis",
        "topic": "Digital pedagogy",
        "description": (
            "<p>Most classrooms do not have a tablet for every pupil. This webinar is about teaching well with "
            "what there is: one phone or laptop and a projector, files small enough to share over a messaging "
            "app, and activities that keep working when the connection drops.</p>"
            "<p>We use the SAMR model to decide when technology really changes a task, and plan one lesson "
            "together that you can teach next week.</p>"
        ),
        "join_url": _jitsi("one-device-classroom"),
        "days": 6,
        "at": time(14, 0),
        "minutes": 90,
    },
    {
        "title": "GeoGebra masterclass: dynamic geometry for lower-secondary mathematics",
        "language": "en",
        "kind": Event.Kind.ONSITE,
        "time_zone": "Africa/Cairo",
        "topic": "GeoGebra",
        "description": (
            "<p>A hands-on morning for mathematics teachers in experimental language schools, who teach "
            "mathematics in English. We build three activities you can use straight away: the angles of a "
            "triangle with sliders, the slope of a line, and transformations on a grid.</p>"
            "<p>Bring a laptop with GeoGebra Classic, or work in your browser. The masterclass is kept small on "
            "purpose, so that the trainer can sit with each participant: when it is full, join the waiting "
            "list.</p>"
        ),
        "materials": f'<p><a href="{GEOGEBRA_URL}">GeoGebra Classic, free in the browser</a></p>',
        "venue": "Giza Teacher Training Centre, computer lab 2, Giza",
        "capacity": FULL_CAPACITY,
        "countries": ["EG"],
        "days": 13,
        "at": time(9, 30),
        "minutes": 180,
        "participants": [email for email, *_rest in LEARNERS],
    },
    {
        "title": "Accessible worksheets: designing materials every learner can use",
        "language": "en",
        "kind": Event.Kind.ONLINE,
        "time_zone": "Asia/Bishkek",
        "topic": "Inclusive education",
        "description": (
            "<p>A practical checklist for worksheets and slides that work for pupils with low vision, with "
            "dyslexia or with a screen reader: real headings, enough contrast, plain language, a text "
            "alternative for each picture, and PDFs that can be read aloud.</p>"
            "<p>Based on the Universal Design for Learning guidelines.</p>"
        ),
        "materials": f'<p><a href="{UDL_URL}">The UDL guidelines (CAST)</a></p>',
        "join_url": _jitsi("accessible-worksheets"),
        "days": -20,
        "at": time(15, 0),
        "minutes": 60,
    },
    {
        "title": "Рамка ИКТ-компетентности учителей ЮНЕСКО: оцените себя и составьте план",
        "language": "ru",
        "kind": Event.Kind.ONLINE,
        "time_zone": "Europe/Moscow",
        "topic": "Рамка ИКТ-компетентности ЮНЕСКО",
        "description": (
            "<p>Рамка ИКТ-компетентности учителей ЮНЕСКО (версия 3) описывает, что учитель делает с цифровыми "
            "технологиями, в шести аспектах — от понимания роли ИКТ в образовательной политике до "
            "профессионального развития — и на трёх уровнях: приобретение, углубление и создание знаний.</p>"
            "<p>На вебинаре разберём аспекты рамки на примерах из школьной практики. Каждый участник оценит "
            "свой уровень по короткому опроснику и наметит два шага на ближайшую четверть.</p>"
        ),
        "materials": f'<p><a href="{ICT_CFT_URL}">UNESCO ICT Competency Framework for Teachers, версия 3</a></p>',
        "join_url": _jitsi("ict-cft"),
        "days": 4,
        "at": time(17, 0),
        "minutes": 90,
        # The story of the webinars: a teacher in Cairo registers for a webinar run from Moscow.
        "participants": [TEACHER],
    },
    {
        "title": "Цифровая педагогика на практике: смешанное обучение за четыре встречи",
        "language": "ru",
        "kind": Event.Kind.ONLINE,
        "time_zone": "Europe/Moscow",
        "topic": "Цифровая педагогика",
        "description": (
            "<p>Четыре еженедельные встречи для учителей, которые хотят сочетать очные уроки с работой "
            "онлайн: перевёрнутый класс, ротация станций, короткие видео и онлайн-задания, обратная связь "
            "ученикам.</p>"
            "<p>Между встречами — небольшое практическое задание в вашем классе; на следующей встрече "
            "обсуждаем, что получилось.</p>"
        ),
        "join_url": _jitsi("blended-learning"),
        "capacity": 40,
        "days": 3,
        "weekday": 2,
        "weeks": 4,
        "at": time(16, 0),
        "minutes": 60,
    },
    {
        "title": "Формирующее оценивание с онлайн-опросами",
        "language": "ru",
        "kind": Event.Kind.ONLINE,
        "time_zone": "Europe/Moscow",
        "topic": "Оценивание",
        "description": (
            "<p>Как за пять минут урока узнать, что поняли ученики: входные и выходные билеты, быстрые опросы "
            "в онлайн-формах и варианты без интернета — карточки с буквами ответов и опрос по QR-кодам с "
            "одного телефона учителя.</p>"
            "<p>Запись вебинара доступна на странице мероприятия.</p>"
        ),
        "join_url": _jitsi("formative-assessment"),
        "days": -12,
        "at": time(17, 0),
        "minutes": 75,
        "recording_url": "https://media.example.org/maktaba-demo/formative-assessment.mp4",
    },
    {
        "title": "الفصول الدامجة: دروس تصل إلى كل متعلم",
        "language": "ar",
        "kind": Event.Kind.HYBRID,
        "time_zone": "Africa/Cairo",
        "topic": "التعليم الدامج",
        "description": (
            "<p>ورشة عملية حول التصميم الشامل للتعلم: كيف نقدّم المحتوى بأكثر من طريقة، ونتيح للتلاميذ أكثر من "
            "وسيلة للتعبير عمّا تعلّموه، ونحافظ على دافعيتهم، ومنهم ذوو الإعاقة وصعوبات التعلم.</p>"
            "<p>نعمل على دروس حقيقية من الصفوف الابتدائية ونجرّب أدوات مجانية مثل تحويل النص إلى كلام. يمكنك "
            "الحضور في مركز الجيزة لتدريب المعلمين أو المشاركة عبر الإنترنت.</p>"
        ),
        "materials": f'<p><a href="{UDL_URL}">إرشادات التصميم الشامل للتعلم (CAST، بالإنجليزية)</a></p>',
        "venue": "مركز الجيزة لتدريب المعلمين، قاعة التدريب 3، الجيزة",
        "join_url": _jitsi("inclusive-classrooms"),
        "capacity": 40,
        "countries": ["EG"],
        "days": 9,
        "at": time(10, 0),
        "minutes": 150,
    },
    {
        "title": "أنشطة رقمية لتعليم القراءة في الصفوف الأولى",
        "language": "ar",
        "kind": Event.Kind.ONSITE,
        "time_zone": "Africa/Cairo",
        "topic": "القراءة المبكرة",
        "description": (
            "<p>ورشة عمل لمعلمات ومعلمي الصفوف من الأول إلى الثالث: بطاقات صوتية، وقصص رقمية قصيرة، وألعاب "
            "تهجئة تعمل على جهاز واحد في الفصل ودون اتصال دائم بالإنترنت.</p>"
            "<p>يخرج كل مشارك بخطة درس جاهزة للتطبيق في الأسبوع التالي.</p>"
        ),
        "venue": "مدرسة النصر الابتدائية، معمل الحاسب الآلي، القاهرة",
        "days": -8,
        "at": time(10, 0),
        "minutes": 180,
    },
]

SETTINGS = ("language", "kind", "topic", "description", "materials", "venue", "join_url", "capacity")


def _learners() -> list[str]:
    """The learners of the full masterclass; the accounts builder has no spare learners."""
    for email, full_name, region_name, language in LEARNERS:
        region = Region.objects.get(country__code="EG", name=region_name)
        accounts._user(
            email,
            full_name,
            preferred_language=language,
            time_zone="Africa/Cairo",
            country=region.country,
            region=region,
            school_role=User.SchoolRole.TEACHER,
        )
    first, last = LEARNERS[0][0], LEARNERS[-1][0]
    return [f"{first} to {last}: teachers in Egypt (places and waiting list of the GeoGebra masterclass)"]


def _start_local(spec: dict[str, Any], today: date) -> datetime:
    day = today + timedelta(days=spec["days"])
    if "weekday" in spec:
        day += timedelta(days=(spec["weekday"] - day.weekday()) % 7)
    return datetime.combine(day, spec["at"])


def _past_session(event: Event, spec: dict[str, Any], start_local: datetime) -> None:
    """The services refuse a session that starts in the past, so the demo's history is written with the model:
    the UTC instant of the local start time, as the services compute it."""
    starts_at = to_utc(start_local, event.time_zone)
    session = Session(
        event=event,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=spec["minutes"]),
        recording_url=spec.get("recording_url", ""),
    )
    session.full_clean()
    session.save()
    # event_publish wants a session still to come: a past event is marked published directly.
    event.status, event.updated_at = Event.Status.PUBLISHED, timezone.now()
    event.save(update_fields=["status", "updated_at"])


def _event(spec: dict[str, Any], trainer: User, now: datetime) -> None:
    existing = Event.objects.filter(title=spec["title"], created_by=trainer).order_by("pk").first()
    if existing is not None:  # built by an earlier run
        if spec["days"] >= 0:
            _bring_forward(existing, spec, now)
        return
    fields = {name: spec[name] for name in SETTINGS if name in spec}
    if spec.get("countries"):
        fields["countries"] = list(Country.objects.filter(code__in=spec["countries"]))
    event = event_create(by=trainer, title=spec["title"], time_zone=spec["time_zone"], **fields)
    start_local = _start_local(spec, local(now, event.time_zone).date())
    if spec["days"] < 0:
        _past_session(event, spec, start_local)
        return
    weeks = spec.get("weeks", 1)
    if weeks > 1:
        session_series_add(event, by=trainer, first_local=start_local, minutes=spec["minutes"], weeks=weeks)
    else:
        session_add(event, by=trainer, start_local=start_local, minutes=spec["minutes"])
    event_publish(event, by=trainer)
    for email in spec.get("participants", []):
        registration_register(event=event, user=User.objects.get(email=email))


def _bring_forward(event: Event, spec: dict[str, Any], now: datetime) -> None:
    """Move the scheduled sessions of a demo event meant to be upcoming, once its first one has started, by the
    same whole number of weeks, so that the first is on the day a fresh build would plan it or up to six days
    later: each keeps its wall-clock time in the event's time zone and its length, and a series stays weekly.

    Written with the model, like the demo's past sessions: ``session_update`` refuses a session that is over,
    which is just the one to move, and emails everyone registered, which rebuilding the demo should not do. As
    that service does, the local time is converted with ``to_utc`` and the session's and the event's
    ``sequence`` are raised, so that subscribed calendars learn of the new times. The sessions keep their rows,
    so registrations and the waiting list (per event) stay as they are. The new first session is at least
    ``days`` (three or more) days ahead, so no reminder falls due at once; reminders already recorded as sent
    for a session's old time stay recorded (``ReminderSent``), so they are not sent again for its new time.
    Cancelled events and sessions are left as they are, and so is an event with attendance marked at one of the
    sessions to move: it took place, and a course may count that attendance.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status != Event.Status.PUBLISHED:
            return
        sessions = list(event.sessions.filter(status=Session.Status.SCHEDULED).order_by("starts_at", "pk"))
        if not sessions or sessions[0].starts_at > now:
            return  # still to come (or nothing to move)
        if Attendance.objects.filter(session__in=sessions).exists():
            return
        starts_local = [local(session.starts_at, event.time_zone).replace(tzinfo=None) for session in sessions]
        planned = _start_local(spec, local(now, event.time_zone).date())
        weeks = max(1, math.ceil((planned.date() - starts_local[0].date()).days / 7))
        while to_utc(starts_local[0] + timedelta(weeks=weeks), event.time_zone) <= now:
            weeks += 1
        for session, start_local in zip(sessions, starts_local, strict=True):
            length = session.ends_at - session.starts_at
            session.starts_at = to_utc(start_local + timedelta(weeks=weeks), event.time_zone)
            session.ends_at = session.starts_at + length
            session.sequence += 1
            session.full_clean()
            session.save(update_fields=["starts_at", "ends_at", "sequence"])
        event.sequence, event.updated_at = event.sequence + 1, now
        event.save(update_fields=["sequence", "updated_at"])


def build() -> list[str]:
    trainer = User.objects.get(email=TRAINER)
    notes = _learners()
    now = timezone.now()
    for spec in EVENTS:
        _event(spec, trainer, now)
    return notes
