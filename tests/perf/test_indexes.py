"""Indexes for the list and report pages.

1. The indexes the list pages rely on exist (introspection; runs on SQLite too).
2. On PostgreSQL, with tens of thousands of rows in the big tables (enrollments, lesson progress, attempts and
   their questions, quiz grades, registrations, attendance, certificates and their PDFs, the audit log), spread the
   way they are in production (a teacher has a few enrollments among many, a course a few hundred learners, a
   country a tenth of the certificates), every query that the pages of a teacher, a trainer, an administrator and
   a ministry official run is EXPLAINed with sequential scans priced out (``enable_seqscan = off``). At this size
   the planner may fairly hash a whole small table instead of using an index; at a million teachers it would
   not. Pricing scans out asks the question that does not depend on size: is there an index that serves the
   query? A big table that is still read from end to end (a ``Seq Scan``, or a whole index that no LIMIT stops
   early) has none.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from accounts.audit import audit_entry_countries_fill
from accounts.models import AuditEntry, Country, PartnerSite, Role, User
from accounts.services import role_grant
from certificates.models import Certificate, NameCorrection, Rendition
from lms.courses import services as course_services
from lms.courses.models import Activity, ActivityProgress, Course, Enrollment
from lms.quizzes import services as quiz_services
from lms.quizzes.models import Attempt, QuestionAttempt, QuizGrade
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.quizzes import make_question
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import SessionFactory, make_event
from webinars.models import Attendance, Registration

from .helpers import signed_in

pytestmark = pytest.mark.django_db

# (table, index name) that the list pages need.
EXPECTED_INDEXES = [
    ("courses_enrollment", "courses_enrollment_course"),  # a course's participants, its gradebook
    ("courses_enrollment", "courses_enrollment_user"),  # her dashboard, training record
    ("courses_enrollment", "courses_enrollment_unique_user_course"),
    ("courses_activityprogress", "courses_progress_unique_activity"),  # progress of an enrollment
    ("courses_activity", "courses_activity_outline"),
    ("courses_course", "courses_course_listed_new"),  # the catalogue, newest first
    ("courses_course", "courses_course_listed_popular"),  # the catalogue, most enrolled first
    ("quizzes_attempt", "quizzes_attempt_quiz_started"),  # a quiz's attempts, newest first
    ("quizzes_attempt", "quizzes_attempt_unique_number"),  # her attempts at a quiz
    ("quizzes_questionattempt", "quizzes_qa_to_grade"),  # the essay queue (partial: only essays to grade)
    ("quizzes_quizgrade", "quizzes_grade_unique_user"),
    ("webinars_registration", "webinars_registration_queue"),  # an event's participants and waiting list
    ("webinars_registration", "webinars_registration_unique_user"),
    ("webinars_attendance", "webinars_attendance_unique_user"),
    ("certificates_certificate", "certificates_newest"),  # the administrators' list, newest first
    ("certificates_certificate", "certificates_geography"),  # a country's or region's certificates
    ("certificates_certificate", "certificates_subject"),  # a trainer's courses' certificates
    ("certificates_rendition", "certificates_rendition_sha"),  # verification of an uploaded PDF
    ("certificates_certificate", "certificates_country_newest"),  # a site administrator's list, newest first
    ("certificates_certificate", "certificates_revoked_newest"),  # the revoked ones (partial: few rows)
    ("accounts_auditentry", "accounts_audit_action_new"),  # the audit log filtered by action
    ("accounts_auditentrycountry", "accounts_auditcountry_new"),  # a country's audit log, newest first
    ("accounts_auditentrycountry", "accounts_auditcountry_action"),  # the same, filtered by action
]


def test_the_list_pages_indexes_exist():
    with connection.cursor() as cursor:
        missing = [
            (table, name)
            for table, name in EXPECTED_INDEXES
            if name not in connection.introspection.get_constraints(cursor, table)
        ]
    assert missing == []


# EXPLAIN at a realistic size ---------------------------------------------------------------------------------------

BIG_TABLES = {
    "courses_enrollment",
    "courses_activityprogress",
    "quizzes_attempt",
    "quizzes_questionattempt",
    "quizzes_quizgrade",
    "webinars_registration",
    "webinars_attendance",
    "certificates_certificate",
    "certificates_rendition",
    "accounts_auditentry",
    "accounts_auditentrycountry",
}
TEACHERS = 12_000
COURSES = 120
_hex = itertools.count(1)


def _bulk(model, rows, batch: int = 5000) -> list:
    return model.objects.bulk_create(rows, batch_size=batch)


@pytest.fixture
def population(postgres):
    """Tens of thousands of rows in each big table; the people whose pages are read get a realistic share."""
    now = timezone.now()
    egypt = Country.objects.get(code="EG")
    countries = [egypt, *Country.objects.exclude(pk=egypt.pk).order_by("pk")[:9]]  # Egypt: 1 teacher in 10
    coach = make_trainer(full_name="Layla Trainer")
    course = make_course(modules=2, lessons=3, trainers=[coach])  # a published course with its pages
    courses = [course, *_bulk(Course, [Course(title=f"Course {n}", is_listed=True) for n in range(COURSES)])]
    activities = _bulk(
        Activity,
        [
            Activity(course=each, translation_key=uuid.uuid4(), position=p, titles={"en": "x"})
            for each in courses[1:]
            for p in range(4)
        ],
    ) + list(Activity.objects.filter(course=course))
    by_course: dict[int, list[Activity]] = {}
    for activity in activities:
        by_course.setdefault(activity.course_id, []).append(activity)

    people = _bulk(
        User,
        [
            User(
                email=f"bulk{n}@example.org",
                full_name=f"Teacher {n}",
                password="!",
                country=countries[n % len(countries)],
                date_joined=now,
            )
            for n in range(TEACHERS)
        ],
    )
    teacher = UserFactory(country=egypt, full_name="Amina Teacher")
    # Each teacher in three courses; the published course gets 1 in 40 of them (300 learners).
    enrollments = _bulk(
        Enrollment,
        [
            Enrollment(
                user=person,
                course=course if k == 0 and n % 40 == 0 else courses[1 + (n * 7 + k * 13) % COURSES],
                country=person.country,
                status=Enrollment.Status.COMPLETED if k == 2 else Enrollment.Status.ACTIVE,
                completed_at=now if k == 2 else None,
                last_accessed_at=now - timedelta(minutes=n),
            )
            for n, person in enumerate(people)
            for k in range(3)
        ],
    )
    _bulk(
        ActivityProgress,
        [
            ActivityProgress(enrollment=enrollment, activity=activity)
            for enrollment in enrollments
            for activity in by_course[enrollment.course_id][:3]
        ],
    )

    # Quizzes: the course's own, and one in each other course; attempts, their questions and grades.
    quiz = quiz_services.quiz_create(course=course, by=coach, title="Week 1", questions_per_page=0)
    essay = make_question("essay")
    quiz_services.slot_add_question(quiz=quiz, by=coach, question=essay, mark=Decimal(5))
    version = essay.versions.get()
    others = [quiz_services.quiz_create(course=each, by=superuser(), title="Check") for each in courses[1:21]]
    attempts = _bulk(
        Attempt,
        [
            Attempt(
                quiz=quiz if n % 40 == 0 else others[n % len(others)],
                user=person,
                number=1,
                state=Attempt.State.FINISHED,
                started_at=now - timedelta(minutes=n),
                finished_at=now - timedelta(minutes=n - 5),
            )
            for n, person in enumerate(people)
        ],
    )
    _bulk(
        QuestionAttempt,
        [
            QuestionAttempt(
                attempt=attempt,
                position=p,
                version=version,
                max_mark=Decimal(5),
                needs_grading=p == 0 and n % 50 == 0,
                response="An essay",
            )
            for n, attempt in enumerate(attempts)
            for p in range(3)
        ],
    )
    _bulk(QuizGrade, [QuizGrade(quiz=a.quiz, user=a.user, grade=Decimal(50)) for a in attempts])

    # Webinars: 60 events; the coach's has 200 registrations.
    event = make_event(sessions=2, trainers=[coach], capacity=10_000)
    events = [event] + [make_event(sessions=1) for _ in range(59)]
    registrations = _bulk(
        Registration,
        [
            Registration(
                event=events[0] if n % 60 == 0 else events[1 + n % 59],
                user=person,
                status=Registration.Status.CONFIRMED,
                country=person.country,
            )
            for n, person in enumerate(people)
        ],
    )
    sessions = {each.pk: each.sessions.first() for each in events}
    _bulk(Attendance, [Attendance(session=sessions[r.event_id], user=r.user) for r in registrations])

    # Certificates: one for each completed enrollment, with its PDF; a few name corrections; the audit log.
    certificates = _bulk(
        Certificate,
        [
            Certificate(
                user=person,
                subject_key=(course if n % 40 == 0 else courses[1 + n % COURSES]).subject_key,
                language="en",
                country=person.country,
                snapshot={"kind": "course", "titles": {"en": "A course"}, "learner_name": person.full_name},
                issued_at=now - timedelta(minutes=n),
            )
            for n, person in enumerate(people)
        ],
    )
    _bulk(
        Rendition,
        [
            Rendition(certificate=c, file=f"certificates/pdf/{c.code}.pdf", sha256=f"{next(_hex):064x}")
            for c in certificates
        ],
    )
    _bulk(NameCorrection, [NameCorrection(certificate=c, name="Corrected") for c in certificates[::100]])
    # The audit log: each country's officials look up their own teachers (Egypt's: a tenth of the log).
    officials = [ministry_official(country=each) for each in countries]
    official = officials[0]
    audit_entry_countries_fill(
        _bulk(
            AuditEntry,
            [
                AuditEntry(
                    actor=officials[n % len(countries)],
                    action=("registry.teacher", "registry.search")[n % 2],
                    subject=person,
                    created_at=now - timedelta(minutes=n),
                )
                for n, person in enumerate(people)
            ],
        )
    )

    # Amina: in the published course and two others, a quiz attempt, a registration, a certificate.
    for each in (course, courses[5], courses[6]):
        course_services.enrollment_self_enroll(user=teacher, course=each)
    Registration.objects.create(event=event, user=teacher, status=Registration.Status.CONFIRMED)
    Certificate.objects.create(user=teacher, subject_key=courses[6].subject_key, language="en", country=egypt)

    partner = PartnerSite.objects.create(site=Site.objects.get(is_default_site=True), country=egypt)
    admin = UserFactory(country=egypt)
    role_grant(user=admin, role=Role.SITE_ADMINISTRATOR, partner_site=partner)
    SessionFactory(event=event, starts_at=now - timedelta(days=1), ends_at=now - timedelta(hours=23))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "teacher": teacher,
        "coach": coach,
        "admin": admin,
        "official": official,
        "course": course,
        "quiz": quiz,
        "event": event,
        "session": event.sessions.order_by("starts_at").first(),
        "certificate": certificates[0],
        "superuser": superuser(),
    }


def _pages(data) -> list[tuple[str, User | None, str]]:
    course, quiz, event = data["course"], data["quiz"], data["event"]
    teacher, coach, admin, official = data["teacher"], data["coach"], data["admin"], data["official"]
    return [
        ("catalogue", None, "/en/courses/"),
        ("catalogue, most enrolled", teacher, "/en/courses/?sort=popular"),
        ("course page", teacher, course.urls["en"]),
        ("lesson", teacher, Activity.objects.filter(course=course).order_by("position").first().urls["en"]),
        ("my learning", teacher, reverse("courses:dashboard")),
        ("training record", teacher, reverse("courses:training-record")),
        ("my certificates", teacher, reverse("certificates:mine")),
        ("my grades", teacher, reverse("quizzes:my-grades", kwargs={"course_uuid": course.uuid})),
        ("webinars", teacher, reverse("webinars:event-list")),
        ("webinar", teacher, reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid})),
        ("courses I teach", coach, reverse("courses:manage-list")),
        ("participants", coach, reverse("courses:participants", kwargs={"course_uuid": course.uuid})),
        ("gradebook", coach, reverse("quizzes:gradebook", kwargs={"course_uuid": course.uuid})),
        ("quizzes", coach, reverse("quizzes:quiz-list", kwargs={"course_uuid": course.uuid})),
        ("attempts", coach, reverse("quizzes:quiz-attempts", kwargs={"quiz_uuid": quiz.uuid})),
        ("essays to grade", coach, reverse("quizzes:essay-queue")),
        ("my events", coach, reverse("webinars:manage-list")),
        ("event participants", coach, reverse("webinars:manage-participants", kwargs={"event_uuid": event.uuid})),
        ("sessions", coach, reverse("webinars:manage-sessions", kwargs={"event_uuid": event.uuid})),
        (
            "attendance",
            coach,
            reverse("webinars:session-attendance", kwargs={"session_uuid": data["session"].uuid}),
        ),
        ("certificates of my courses", coach, reverse("certificates:manage")),
        ("certificates I administer", admin, reverse("certificates:manage")),
        ("certificates I administer, revoked", admin, reverse("certificates:manage") + "?status=revoked"),
        ("audit log", admin, reverse("reports:audit-log")),
        ("audit log, one action", admin, reverse("reports:audit-log") + "?action=registry.teacher"),
        ("verification", None, reverse("certificates:verify", kwargs={"code": data["certificate"].code})),
        ("certificates, all of them", data["superuser"], reverse("certificates:manage")),
        ("certificates, all revoked", data["superuser"], reverse("certificates:manage") + "?status=revoked"),
        ("teacher's record", official, reverse("reports:registry-teacher", kwargs={"user_id": teacher.pk})),
        ("registry search", official, reverse("reports:registry") + "?q=Teacher+11"),
        ("API: certificates", official, reverse("api:certificate-list")),
        ("API: teachers", official, reverse("api:teacher-list")),
        ("API: my enrollments", teacher, reverse("api:my-enrollments")),
        ("API: my certificates", teacher, reverse("api:my-certificates")),
    ]


def _plan(sql: str) -> dict:
    """The plan PostgreSQL would choose if it could not read a table from end to end: with sequential scans
    priced out, a table is still scanned only when no index serves the query."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            return cursor.fetchone()[0][0]["Plan"]
        finally:
            cursor.execute("RESET enable_seqscan")


def _partial_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indpred IS NOT NULL")
        return {row[0] for row in cursor.fetchall()}


def _full_reads(node: dict, partial: set[str], *, under_limit: bool = False) -> list[str]:
    """The big tables this plan reads whole: a sequential scan, or an index scan without an index condition that
    no LIMIT stops early (a walk of the newest-first index that a page of 50 stops is what an index is for). A
    partial index holds only the rows its condition selects (essays to grade, revoked certificates): reading all of
    it is what it is for."""
    kind = node["Node Type"]
    found = []
    table = node.get("Relation Name")
    if table in BIG_TABLES:
        if kind == "Seq Scan":
            found.append(f"{table} (sequential scan)")
        elif (
            kind in ("Index Scan", "Index Only Scan")
            and "Index Cond" not in node
            and not under_limit
            and node["Index Name"] not in partial
        ):
            found.append(f"{table} (whole index {node['Index Name']})")
    stops = under_limit or kind == "Limit"
    if kind in ("Sort", "Aggregate", "Hash", "HashAggregate", "GroupAggregate"):
        stops = False  # everything below is read before the first row comes out
    for child in node.get("Plans", []):
        found += _full_reads(child, partial, under_limit=stops)
    return found


# Pages whose queries no index can serve yet, with why: each is on the list. The test checks that they still
# scan, so that whoever fixes one removes it from here.
KNOWN_FULL_READS: set[str] = set()


def test_no_list_page_reads_a_big_table_from_end_to_end(population):
    partial = _partial_indexes()
    clients: dict[int | None, Client] = {}
    problems, known = [], set()
    for name, who, address in _pages(population):
        key = who.pk if who else None
        if key not in clients:
            clients[key] = signed_in(who) if who else Client()
        client = clients[key]
        client.get(address)  # the first request of a session writes it
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        assert response.status_code == 200, (name, response.status_code)
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if scanned := _full_reads(_plan(sql), partial):
                if name in KNOWN_FULL_READS:
                    known.add(name)
                else:
                    problems.append(f"{name}: {scanned} in {sql}")
    assert problems == [], "\n".join(problems)
    assert known == KNOWN_FULL_READS, "fixed: remove from KNOWN_FULL_READS"
