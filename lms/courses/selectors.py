"""Reads of courses, outlines, enrollments and progress. Each runs a fixed number of queries, whatever the
number of courses, modules or enrollments."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, prefetch_related_objects

from accounts.models import Role, RoleGrant, User
from accounts.scope import Scope
from core import page_cache
from core.text import search_terms
from lms.competencies.models import Competency

from .models import Activity, ActivityProgress, Announcement, Cohort, Course, Enrollment, Module

DURATIONS = {
    "short": (Decimal(0), Decimal(5)),
    "medium": (Decimal(5), Decimal(20)),
    "long": (Decimal(20), None),
}
SORTS = {"newest": ["-published_at", "-pk"], "popular": ["-enrolled_count", "-published_at", "-pk"]}


def user_can_manage_course(user, course: Course) -> bool:
    """Superusers, and trainers who are trainers of this course."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        course.trainers.filter(pk=user.pk).exists() and RoleGrant.objects.filter(user=user, role=Role.TRAINER).exists()
    )


def courses_managed_by(user) -> QuerySet[Course]:
    if not user.is_authenticated:
        return Course.objects.none()
    if user.is_superuser:
        return Course.objects.all()
    if not RoleGrant.objects.filter(user=user, role=Role.TRAINER).exists():
        return Course.objects.none()
    return Course.objects.filter(trainers=user)


def enrollment_for(*, user, course: Course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).select_related("last_activity").first()


def catalogue_courses(
    *,
    search: str = "",
    language: str = "",
    aspect: int | None = None,
    level: int | None = None,
    subject: str = "",
    format: str = "",
    duration: str = "",
    sort: str = "newest",
) -> QuerySet[Course]:
    """Listed courses matching the catalogue's filters. Search folds Arabic spelling variants and ё/е and
    looks at every language version of a course."""
    courses = Course.objects.filter(is_listed=True).select_related("subject")
    for term in search_terms(search):
        courses = courses.filter(search_text__contains=term)
    if language:
        courses = courses.filter(languages__contains=f",{language},")
    if aspect or level:
        cells = Competency.objects.all()
        if aspect:
            cells = cells.filter(aspect=aspect)
        if level:
            cells = cells.filter(level=level)
        courses = courses.filter(competencies__in=cells).distinct()
    if subject:
        courses = courses.filter(subject__slug=subject)
    if format:
        courses = courses.filter(format=format)
    if duration in DURATIONS:
        low, high = DURATIONS[duration]
        courses = courses.filter(estimated_hours__gte=low)
        if high is not None:
            courses = courses.filter(estimated_hours__lt=high)
    return courses.order_by(*SORTS.get(sort, SORTS["newest"]))


def enrollment_statuses(*, user, course_ids: list[int]) -> dict[int, str]:
    if not user.is_authenticated or not course_ids:
        return {}
    return dict(Enrollment.objects.filter(user=user, course_id__in=course_ids).values_list("course_id", "status"))


@dataclass
class OutlineEntry:
    activity: Activity
    done: bool


@dataclass
class OutlineSection:
    module: Module
    entries: list[OutlineEntry] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(entry.done for entry in self.entries)

    @property
    def percent(self) -> int:
        required = [entry for entry in self.entries if entry.activity.required]
        return round(100 * sum(entry.done for entry in required) / len(required)) if required else 0


@dataclass(frozen=True)
class CourseStructure:
    """A course's active modules in order, each with its active activities in order (``sections``), and every
    active activity of the course in order, also one outside any module (``activities``)."""

    sections: list[tuple[Module, list[Activity]]]
    activities: list[Activity]


def course_structure(course_id: int) -> CourseStructure:
    """The course's structure. Every learner's page reads it, so it is kept in each process's memory
    (``core.page_cache.memo``) until the next change to a course, module or activity (their saves invalidate it:
    ``cms/apps.py``) or ``PAGE_CACHE_SECONDS``: no query on most requests. The rows are shared by every request of
    the process; read them, never change them."""

    def compute() -> CourseStructure:
        modules = list(Module.objects.filter(course_id=course_id, is_active=True).order_by("position"))
        activities = list(Activity.objects.filter(course_id=course_id, is_active=True).order_by("position", "pk"))
        return CourseStructure(
            sections=[(module, [a for a in activities if a.module_id == module.pk]) for module in modules],
            activities=activities,
        )

    return page_cache.memo("course-structure", course_id, compute=compute)


def course_outline(*, course: Course, enrollment: Enrollment | None = None) -> list[OutlineSection]:
    """The active modules and activities in order, each marked done or not for ``enrollment``."""
    done = set()
    if enrollment is not None:
        done = set(ActivityProgress.objects.filter(enrollment=enrollment).values_list("activity_id", flat=True))
    return [
        OutlineSection(module=module, entries=[OutlineEntry(activity, activity.pk in done) for activity in activities])
        for module, activities in course_structure(course.pk).sections
    ]


def outline_progress(sections: list[OutlineSection]) -> tuple[int, Activity | None]:
    """Percent of required activities done, and the first activity not done yet (where to continue)."""
    entries = [entry for section in sections for entry in section.entries]
    required = [entry for entry in entries if entry.activity.required]
    percent = round(100 * sum(entry.done for entry in required) / len(required)) if required else 0
    following = next((entry.activity for entry in entries if not entry.done), None)
    return percent, following


def course_page_state(*, course: Course, user) -> dict:
    """Everything the course page shows about the visitor's place in the course."""
    enrollment = enrollment_for(user=user, course=course)
    learning = enrollment is not None and enrollment.is_learning
    sections = course_outline(course=course, enrollment=enrollment if learning else None)
    percent, following = outline_progress(sections)
    resume = following
    last = enrollment.last_activity if learning else None
    if last is not None and last.is_active and not _is_done(sections, last):
        resume = last  # continue where she left off
    return {
        "course": course,
        "enrollment": enrollment,
        "is_learning": learning,
        "outline": sections,
        "progress_percent": percent if learning else 0,
        "resume_activity": resume if learning else None,
        "announcements": list(Announcement.objects.filter(course=course)[:5]) if learning else [],
        "can_manage": user_can_manage_course(user, course),
        "competencies": list(course.competencies.all()),
    }


def _is_done(sections: list[OutlineSection], activity: Activity) -> bool:
    return any(entry.done for section in sections for entry in section.entries if entry.activity.pk == activity.pk)


@dataclass
class DashboardRow:
    enrollment: Enrollment
    percent: int
    done: int
    required: int
    resume: Activity | None


def dashboard_for(user: User) -> list[DashboardRow]:
    """The learner's courses with progress and where to continue: two queries whatever their number (the courses'
    structures come from ``course_structure``)."""
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .exclude(status__in=[Enrollment.Status.WITHDRAWN, Enrollment.Status.REJECTED])
        .select_related("course", "last_activity")
        .defer("course__search_text")  # up to 20,000 characters a course, for the catalogue's search only
        .order_by("-last_accessed_at", "-created_at")
    )
    if not enrollments:
        return []
    done_pairs = set(
        ActivityProgress.objects.filter(enrollment__in=enrollments).values_list("enrollment_id", "activity_id")
    )
    rows = []
    for enrollment in enrollments:
        activities = course_structure(enrollment.course_id).activities
        required = [activity for activity in activities if activity.required]
        total = len(required)
        finished = sum((enrollment.pk, activity.pk) in done_pairs for activity in required)
        percent = 100 if enrollment.completed_at else (round(100 * finished / total) if total else 0)
        resume = next((activity for activity in activities if (enrollment.pk, activity.pk) not in done_pairs), None)
        last = enrollment.last_activity
        if last is not None and last.is_active and (enrollment.pk, last.pk) not in done_pairs:
            resume = last
        rows.append(DashboardRow(enrollment, percent, finished, total, resume))
    return rows


def training_record(user: User) -> list[Enrollment]:
    """Completed courses with their hours and dates, for the printable record."""
    return list(
        Enrollment.objects.filter(user=user, completed_at__isnull=False)
        .select_related("course")
        .order_by("completed_at")
    )


def competency_profile(user: User, *, completed: list[Course] | None = None) -> dict[tuple[int, int], list[Course]]:
    """Which ICT CFT cells (aspect, level) the learner's completed courses evidence, and by which courses.
    ``completed``: her completed courses, when the caller has them loaded already (the dashboard): then only their
    competencies are read, and nothing when there is none."""
    profile: dict[tuple[int, int], list[Course]] = {}
    if completed is None:
        courses = list(
            Course.objects.filter(enrollments__user=user, enrollments__completed_at__isnull=False).prefetch_related(
                "competencies"
            )
        )
    else:
        courses = list(completed)
        prefetch_related_objects(courses, "competencies")
    for course in courses:
        for competency in course.competencies.all():
            profile.setdefault((competency.aspect, competency.level), []).append(course)
    return profile


def participants_for(*, course: Course, search: str = "", status: str = "") -> QuerySet[Enrollment]:
    """A course's participants with their progress counts (for the trainer's table and export)."""
    required = Count(
        "progress", filter=Q(progress__activity__is_active=True, progress__activity__required=True), distinct=True
    )
    enrollments = (
        Enrollment.objects.filter(course=course)
        .select_related("user", "user__country", "user__region", "user__institution")
        .annotate(done=required)
        .order_by("user__full_name", "pk")
    )
    if status:
        enrollments = enrollments.filter(status=status)
    if search:
        enrollments = enrollments.filter(
            Q(user__full_name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(user__username__icontains=search)
        )
    return enrollments


def required_activity_count(course: Course) -> int:
    return Activity.objects.filter(course=course, is_active=True, required=True).count()


def scoped_enrollments(*, scope: Scope) -> QuerySet[Enrollment]:
    """Enrollments of learners within ``scope`` (by the country and region copied onto each enrollment)."""
    return scope.filter(Enrollment.objects.all())


def cohorts_for(user) -> QuerySet[Cohort]:
    """Cohorts a trainer may enroll: the ones she created (all of them for a superuser)."""
    cohorts = Cohort.objects.order_by("name")
    return cohorts if user.is_superuser else cohorts.filter(created_by=user)
