"""``seed_scale``: large, realistic generated data, the same for the same seed, in one builder module per app.

The geography, trainers, question bank, courses with their Wagtail pages and quizzes, the library, news and events are
built first; then teachers are generated in the order they joined, in batches, each batch with its enrollments,
lesson progress, quiz attempts, certificates, registrations and attendance, loaded by COPY on
PostgreSQL, so that memory stays flat however many teachers there are. It all happens in one transaction: a run
that fails leaves nothing behind. Everything seed_scale makes is marked (accounts at ``@scale.example``, UUIDs
that start with ``common.UUID_PREFIX``, pages whose translation key does, the question bank under its own top-level
category), so ``scale_data_delete`` removes exactly that; regions, institutions and subjects are shared reference
data and stay. ``sample_accounts`` finds teachers a load benchmark can sign in as.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from accounts.models import Institution, User
from certificates.models import Certificate, NameCorrection, Rendition
from lms.courses.models import Activity, ActivityProgress, Course, Enrollment, Module
from lms.quizzes.models import (
    QUESTION_CLASSES,
    Attempt,
    Question,
    QuestionAttempt,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizGrade,
)
from webinars.models import Attendance, Event, Registration, Session

from . import accounts, certificates, courses, library, quizzes, webinars
from .bulk import ids_reserve, indexes_deferred, references_deferred, rows_delete, tables_analyze
from .common import EMAIL_DOMAIN, UUID_FIRST, UUID_LAST, Timeline, builder_rng
from .pages import pages_delete, scale_pages

BATCH = 10_000  # teachers generated at a time
SCALE_UUIDS = Q(uuid__range=(UUID_FIRST, UUID_LAST))
# The large tables: their indexes and constraints are created again after the load (PostgreSQL).
BULK_LOADED = [
    User,
    Enrollment,
    ActivityProgress,
    Attempt,
    QuestionAttempt,
    QuizGrade,
    Certificate,
    Registration,
    Attendance,
]
LOADED = [
    User,
    Institution,
    Course,
    Module,
    Activity,
    Page,
    Quiz,
    Enrollment,
    ActivityProgress,
    Attempt,
    QuestionAttempt,
    QuizGrade,
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
        or scale_pages().exists()
        or QuestionCategory.objects.filter(parent=None, name=quizzes.ROOT).exists()
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
    scale_quizzes = Quiz.objects.filter(SCALE_UUIDS).values("pk")
    # One condition per statement: ``a IN (…) OR b IN (…)`` cannot be planned as a join.
    with (
        transaction.atomic(),
        references_deferred(User, Certificate, Enrollment, Course, Activity, Event, Session, Attempt, Quiz),
    ):
        for attempts in (Attempt.objects.filter(user__in=users), Attempt.objects.filter(quiz__in=scale_quizzes)):
            rows_delete(QuestionAttempt.objects.filter(attempt__in=attempts.values("pk")))
            rows_delete(attempts)
        rows_delete(QuizGrade.objects.filter(user__in=users))
        rows_delete(QuizGrade.objects.filter(quiz__in=scale_quizzes))
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
        pages = pages_delete()
        Course.objects.filter(SCALE_UUIDS).delete()
        _bank_delete()
        Event.objects.filter(SCALE_UUIDS).delete()
        for through in (User.groups.through, User.user_permissions.through):
            rows_delete(through.objects.filter(user__in=users))
        User.objects.filter(pk__in=_users_referenced(users)).delete()
        deleted = rows_delete(scale_users())
    log(
        f"reset: earlier scale data deleted ({deleted:,} accounts, {pages:,} pages) in "
        f"{time.monotonic() - started:.1f} s"
    )


def _bank_delete() -> None:
    """seed_scale's question bank: its top-level category with everything under it (the quizzes that used it are
    gone with their courses)."""
    root = QuestionCategory.objects.filter(parent=None, name=quizzes.ROOT).first()
    if root is None:
        return
    categories, level = [root.pk], [root.pk]
    while level := list(QuestionCategory.objects.filter(parent__in=level).values_list("pk", flat=True)):
        categories.extend(level)
    rows_delete(QuestionVersion.objects.filter(question__category__in=categories))
    for model in QUESTION_CLASSES.values():  # each type's own rows, then the questions (polymorphic: 5 s otherwise)
        rows_delete(model.objects.non_polymorphic().filter(category__in=categories))
    rows_delete(Question.objects.non_polymorphic().filter(category__in=categories))
    for pk in reversed(categories):  # children before their parents
        QuestionCategory.objects.filter(pk=pk).delete()


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
    rng = {
        name: builder_rng(plan.seed, name)
        for name in ("accounts", "courses", "quizzes", "library", "webinars", "certificates")
    }
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
        catalogue = courses.catalogue_build(
            rng["courses"], rng["quizzes"], timeline, teachers=plan.teachers, trainers=staff.trainers
        )
        quiz_count = sum(1 for info in catalogue.courses if info.quiz is not None)
        since = summary.add(
            "courses", since, courses=len(catalogue.courses), quizzes=quiz_count, questions=catalogue.questions
        )
        summary.rows["pages"] = catalogue.pages
        log(
            f"courses: {len(catalogue.courses)} courses, {catalogue.pages:,} pages, {quiz_count} quizzes, "
            f"{catalogue.questions:,} questions in the bank ({summary.elapsed:.1f} s)"
        )
        resources = library.resources_build(rng["library"], timeline, teachers=plan.teachers, trainers=staff.trainers)
        news = library.news_build(rng["library"], timeline)
        summary.rows["pages"] += resources + news
        since = summary.add("library and news", since, resources=resources, news=news)
        log(f"library: {resources:,} resource pages, {news:,} news pages ({summary.elapsed:.1f} s)")
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
    attempts = quizzes.Attempts(rng["quizzes"])
    reported = time.monotonic()
    for start in range(0, plan.teachers, BATCH):
        stop = min(start + BATCH, plan.teachers)
        since = time.monotonic()
        teachers = accounts.teachers_load(
            people, timeline, first_id=first_id, start=start, stop=stop, total=plan.teachers
        )
        since = summary.add("accounts", since, teachers=len(teachers))
        counts, completions = courses.enrollments_load(
            rng["courses"], timeline, catalogue, teachers, average=plan.enrollments_per_teacher, done=attempts
        )
        since = summary.add("courses", since, **counts)
        registered, attended, awards = webinars.registrations_load(rng["webinars"], timeline, calendar, teachers)
        since = summary.add("webinars", since, registrations=registered, attendance=attended)
        summary.add("certificates", since, certificates=issuer.load(completions, awards))
        if stop == plan.teachers or time.monotonic() - reported > 10:
            reported = time.monotonic()
            rows = summary.rows
            log(
                f"teachers {stop:,}/{plan.teachers:,}: {rows['enrollments']:,} enrollments, "
                f"{rows['progress']:,} lessons done, {rows['quiz attempts']:,} quiz attempts, "
                f"{rows['certificates']:,} certificates, {rows['registrations']:,} registrations, "
                f"{rows['attendance']:,} attendance marks ({summary.elapsed:.1f} s)"
            )


@dataclass(frozen=True)
class SampleAccount:
    """A generated teacher a load benchmark can sign in as (password ``accounts.PASSWORD``), learning a course with
    lessons and a quiz that she has not started yet, with the addresses to open, in her language."""

    email: str
    language: str
    course_url: str
    lesson_url: str  # the course's first lesson
    quiz_lesson_url: str  # the lesson that shows the quiz
    quiz_start_url: str  # POST starts an attempt
    certificates: tuple[str, ...]  # verification addresses of her certificates (often none)


def sample_accounts(count: int = 100) -> list[SampleAccount]:
    """The first ``count`` sample teachers, in the order they joined (the same for the same seed and --until): every
    hundredth generated teacher (``courses.SAMPLE_EVERY``; her address ends in ``00@scale.example``) is enrolled
    by a trainer in a listed course with a quiz in her language, and has not opened it yet."""
    enrollments = (
        Enrollment.objects.filter(
            user__email__endswith=f"00@{EMAIL_DOMAIN}",
            status=Enrollment.Status.ACTIVE,
            source=Enrollment.Source.TRAINER,
            last_activity__isnull=True,
            course__is_listed=True,
            course__quizzes__activity__isnull=False,
        )
        .select_related("user", "course")
        .order_by("user__date_joined", "user__email", "course__uuid")
    )
    chosen: dict[int, Enrollment] = {}
    for enrollment in enrollments.iterator(chunk_size=500):
        chosen.setdefault(enrollment.user_id, enrollment)
        if len(chosen) >= count:
            break
    steps: dict[int, list[Activity]] = {}
    for activity in Activity.objects.filter(
        course__in={enrollment.course_id for enrollment in chosen.values()}, is_active=True
    ).order_by("position"):
        steps.setdefault(activity.course_id, []).append(activity)
    quiz_of = dict(Quiz.objects.filter(course__in=steps, activity__isnull=False).values_list("activity_id", "uuid"))
    codes: dict[int, list[str]] = {}
    for user, code in Certificate.objects.filter(user__in=chosen).order_by("issued_at").values_list("user", "code"):
        codes.setdefault(user, []).append(code)
    samples = []
    for user, enrollment in chosen.items():
        course = enrollment.course
        language = enrollment.user.preferred_language
        language = language if language in course.urls else next(iter(course.urls))
        quiz_step = next(step for step in steps[course.pk] if step.pk in quiz_of)
        with translation.override(language):
            start = reverse("quizzes:quiz-start", kwargs={"quiz_uuid": quiz_of[quiz_step.pk]})
            verify = [reverse("certificates:verify", kwargs={"code": code}) for code in codes.get(user, [])]
        samples.append(
            SampleAccount(
                email=enrollment.user.email,
                language=language,
                course_url=course.urls[language],
                lesson_url=steps[course.pk][0].urls.get(language, ""),
                quiz_lesson_url=quiz_step.urls.get(language, ""),
                quiz_start_url=start,
                certificates=tuple(verify),
            )
        )
    return samples
