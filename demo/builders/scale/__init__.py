"""``seed_scale``: large, realistic generated data, the same for the same seed, in one builder module per app.

The geography, trainers, courses and events are built first; then teachers are generated in the order they joined,
in batches, each batch with its enrollments, certificates, registrations and attendance, loaded by COPY on
PostgreSQL, so that memory stays flat however many teachers there are. It all happens in one transaction: a run
that fails leaves nothing behind. Everything seed_scale makes is marked (accounts at ``@scale.example``, UUIDs
that start with ``common.UUID_PREFIX``), so ``scale_data_delete`` removes exactly that; regions, institutions and
subjects are shared reference data and stay.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q

from accounts.models import Institution, User
from certificates.models import Certificate, NameCorrection, Rendition
from lms.courses.models import Activity, ActivityProgress, Course, Enrollment, Module
from webinars.models import Attendance, Event, Registration, Session

from . import accounts, certificates, courses, webinars
from .bulk import ids_reserve, indexes_deferred, references_deferred, rows_delete, tables_analyze
from .common import EMAIL_DOMAIN, UUID_FIRST, UUID_LAST, Timeline, builder_rng

BATCH = 10_000  # teachers generated at a time
SCALE_UUIDS = Q(uuid__range=(UUID_FIRST, UUID_LAST))
# The large tables: their indexes and constraints are created again after the load (PostgreSQL).
BULK_LOADED = [User, Enrollment, Certificate, Registration, Attendance]
LOADED = [
    User,
    Institution,
    Course,
    Module,
    Activity,
    Enrollment,
    Certificate,
    Event,
    Session,
    Registration,
    Attendance,
]


@dataclass(frozen=True)
class Plan:
    teachers: int
    enrollments_per_teacher: float
    seed: int
    until: date
    countries: list[str]


@dataclass
class Summary:
    """Rows made and seconds spent, per builder."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def add(self, builder: str, since: float, **rows: int) -> float:
        now = time.monotonic()
        self.seconds[builder] = self.seconds.get(builder, 0.0) + now - since
        for name, count in rows.items():
            self.rows[name] = self.rows.get(name, 0) + count
        return now

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


def scale_users():
    return User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")


def scale_data_exists() -> bool:
    return (
        scale_users().exists()
        or Course.objects.filter(SCALE_UUIDS).exists()
        or Event.objects.filter(SCALE_UUIDS).exists()
    )


def scale_data_delete(log: Callable[[str], None]) -> None:
    """Delete everything seed_scale made: its accounts with all their rows, its courses, events and certificates.
    The large tables are emptied by plain statements, with the foreign keys that refer to them dropped meanwhile
    (otherwise each deleted row is checked on its own, through indexes full of the rows just deleted) and added
    again at the end, which checks them all at once. Accounts that anything else refers to (someone used them) go
    through Django's collector, which deletes or detaches what refers to them."""
    started = time.monotonic()
    users = scale_users().values("pk")
    scale_courses = Course.objects.filter(SCALE_UUIDS).values("pk")
    scale_events = Event.objects.filter(SCALE_UUIDS).values("pk")
    # One condition per statement: ``a IN (…) OR b IN (…)`` cannot be planned as a join.
    with transaction.atomic(), references_deferred(User, Certificate, Enrollment, Course, Activity, Event, Session):
        for certificates_ in (Certificate.objects.filter(user__in=users), Certificate.objects.filter(SCALE_UUIDS)):
            rows_delete(Rendition.objects.filter(certificate__in=certificates_.values("pk")))
            rows_delete(NameCorrection.objects.filter(certificate__in=certificates_.values("pk")))
            rows_delete(certificates_)
        for enrollments in (
            Enrollment.objects.filter(user__in=users),
            Enrollment.objects.filter(course__in=scale_courses),
        ):
            rows_delete(ActivityProgress.objects.filter(enrollment__in=enrollments.values("pk")))
            rows_delete(enrollments)
        rows_delete(Attendance.objects.filter(user__in=users))
        rows_delete(Attendance.objects.filter(session__event__in=scale_events))
        rows_delete(Registration.objects.filter(user__in=users))
        rows_delete(Registration.objects.filter(event__in=scale_events))
        Course.objects.filter(SCALE_UUIDS).delete()
        Event.objects.filter(SCALE_UUIDS).delete()
        for through in (User.groups.through, User.user_permissions.through):
            rows_delete(through.objects.filter(user__in=users))
        User.objects.filter(pk__in=_users_referenced(users)).delete()
        deleted = rows_delete(scale_users())
    log(f"reset: earlier scale data deleted ({deleted:,} accounts) in {time.monotonic() - started:.1f} s")


def _users_referenced(users) -> set[int]:
    """Of ``users``, those that a row of any table refers to: one query per relation."""
    found = set()
    for relation in User._meta.related_objects:
        name = relation.field.name
        related = relation.related_model._base_manager.filter(**{f"{name}__in": users})
        found.update(related.values_list(name, flat=True).distinct())
    return found


def build(plan: Plan, log: Callable[[str], None]) -> Summary:
    """Generate and load everything in one transaction; ``log`` receives a line of progress at a time."""
    summary = Summary()
    timeline = Timeline.ending(plan.until)
    rng = {name: builder_rng(plan.seed, name) for name in ("accounts", "courses", "webinars", "certificates")}
    with transaction.atomic():
        since = time.monotonic()
        geography = accounts.geography_build(plan.countries, teachers=plan.teachers)
        people = accounts.People(rng["accounts"], geography)
        staff = accounts.staff_build(people, timeline, teachers=plan.teachers)
        staff_count = len(staff.trainers) + len(staff.officials)
        since = summary.add("accounts", since, institutions=geography.institution_count, staff=staff_count)
        log(
            f"accounts: {len(plan.countries)} countries, {len(geography.regions)} regions, "
            f"{geography.institution_count:,} institutions, {len(staff.trainers)} trainers, "
            f"{len(staff.officials)} ministry officials ({summary.elapsed:.1f} s)"
        )
        catalogue = courses.catalogue_build(rng["courses"], timeline, teachers=plan.teachers, trainers=staff.trainers)
        since = summary.add("courses", since, courses=len(catalogue.courses))
        log(f"courses: {len(catalogue.courses)} courses with their outlines ({summary.elapsed:.1f} s)")
        calendar = webinars.events_build(
            rng["webinars"], timeline, geography, teachers=plan.teachers, trainers=staff.trainers
        )
        since = summary.add("webinars", since, events=len(calendar.events))
        log(f"webinars: {len(calendar.events):,} events with their sessions ({summary.elapsed:.1f} s)")
        issuer = certificates.Certificates(rng["certificates"], catalogue)
        summary.add("certificates", since)

        with indexes_deferred(BULK_LOADED):
            _teachers_build(plan, timeline, rng, people, catalogue, calendar, issuer, summary, log)
            since = time.monotonic()
        summary.add("indexes", since)
        log(f"indexes and constraints of {len(BULK_LOADED)} tables restored ({summary.elapsed:.1f} s)")

        since = time.monotonic()
        courses.enrolled_counts_save(catalogue)
        webinars.confirmed_counts_save(calendar)
    tables_analyze(LOADED)
    summary.add("counts and ANALYZE", since)
    log(f"course and event counts updated, tables analysed ({summary.elapsed:.1f} s)")
    return summary


def _teachers_build(plan, timeline, rng, people, catalogue, calendar, issuer, summary, log) -> None:
    """Teachers in the order they joined, ``BATCH`` at a time, each batch with everything they did."""
    first_id = ids_reserve(User, plan.teachers)
    reported = time.monotonic()
    for start in range(0, plan.teachers, BATCH):
        stop = min(start + BATCH, plan.teachers)
        since = time.monotonic()
        teachers = accounts.teachers_load(
            people, timeline, first_id=first_id, start=start, stop=stop, total=plan.teachers
        )
        since = summary.add("accounts", since, teachers=len(teachers))
        enrolled, completions = courses.enrollments_load(
            rng["courses"], timeline, catalogue, teachers, average=plan.enrollments_per_teacher
        )
        since = summary.add("courses", since, enrollments=enrolled)
        registered, attended, awards = webinars.registrations_load(rng["webinars"], timeline, calendar, teachers)
        since = summary.add("webinars", since, registrations=registered, attendance=attended)
        summary.add("certificates", since, certificates=issuer.load(completions, awards))
        if stop == plan.teachers or time.monotonic() - reported > 10:
            reported = time.monotonic()
            rows = summary.rows
            log(
                f"teachers {stop:,}/{plan.teachers:,}: {rows['enrollments']:,} enrollments, "
                f"{rows['certificates']:,} certificates, {rows['registrations']:,} registrations, "
                f"{rows['attendance']:,} attendance marks ({summary.elapsed:.1f} s)"
            )
