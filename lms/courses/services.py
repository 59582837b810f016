"""Changes to courses, their outline, enrollments and progress."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts.models import User
from core.mail import email_send
from core.text import fold

from .certificates import certificate_for_completion
from .models import Activity, ActivityProgress, Announcement, Cohort, Course, Enrollment, Module
from .selectors import user_can_manage_course
from .signals import course_completed

logger = logging.getLogger("maktaba.courses")
M2M_SETTINGS = {"trainers", "prerequisites", "competencies"}


class EnrollmentError(Exception):
    """A reason someone cannot enroll, worded for her."""


# Courses -------------------------------------------------------------------------------------------------


def course_create(*, title: str, **course_settings: Any) -> Course:
    course = Course(title=title)
    return _course_apply(course, course_settings)


def course_update(course: Course, *, title: str | None = None, **course_settings: Any) -> Course:
    if title:
        course.title = title
    return _course_apply(course, course_settings)


def _course_apply(course: Course, course_settings: dict[str, Any]) -> Course:
    relations = {name: course_settings.pop(name) for name in list(course_settings) if name in M2M_SETTINGS}
    for name, value in course_settings.items():
        setattr(course, name, value)
    if course.enrollment_mode != Course.EnrollmentMode.KEY:
        course.enrollment_key = ""
    course.full_clean()
    with transaction.atomic():
        course.save()
        for name, values in relations.items():
            if values is not None:
                getattr(course, name).set(values)
    return course


def course_copy(course: Course, *, title: str, trainer: User) -> Course:
    """A new, unlisted course with the same settings, for a copied course page."""
    copy = course_create(
        title=title,
        enrollment_mode=course.enrollment_mode,
        enrollment_key=course.enrollment_key,
        min_quiz_grade=course.min_quiz_grade,
        certificate_enabled=course.certificate_enabled,
        certificate_validity_months=course.certificate_validity_months,
        estimated_hours=course.estimated_hours,
        format=course.format,
        subject=course.subject,
        trainers=[trainer],
        prerequisites=list(course.prerequisites.all()),
        competencies=list(course.competencies.all()),
    )
    return copy


@dataclass
class OutlineActivity:
    translation_key: Any
    kind: str
    required: bool
    titles: dict[str, str]
    urls: dict[str, str]


@dataclass
class OutlineModule:
    translation_key: Any
    titles: dict[str, str]
    activities: list[OutlineActivity] = field(default_factory=list)


@dataclass
class CourseListing:
    """What the catalogue needs to know about a course's pages, in every language."""

    titles: dict[str, str]
    urls: dict[str, str]
    texts: Sequence[str]
    is_listed: bool


@transaction.atomic
def outline_sync(course: Course, *, modules: Sequence[OutlineModule], listing: CourseListing) -> None:
    """Make the course's outline match its source-language pages. Activities that disappeared are kept
    (inactive) with their learners' progress; completions already recorded are never revoked."""
    Course.objects.select_for_update().filter(pk=course.pk).first()  # one sync of a course at a time
    existing_modules = {module.translation_key: module for module in Module.objects.filter(course=course)}
    existing_activities = {activity.translation_key: activity for activity in Activity.objects.filter(course=course)}
    seen_modules, seen_activities = set(), set()
    position = 0
    for module_position, outline_module in enumerate(modules):
        module = existing_modules.get(outline_module.translation_key) or Module(
            course=course, translation_key=outline_module.translation_key
        )
        module.position, module.titles, module.is_active = module_position, outline_module.titles, True
        module.save()
        seen_modules.add(module.translation_key)
        for outline_activity in outline_module.activities:
            activity = existing_activities.get(outline_activity.translation_key) or Activity(
                course=course, translation_key=outline_activity.translation_key
            )
            activity.module = module
            activity.kind = outline_activity.kind
            activity.required = outline_activity.required
            activity.titles = outline_activity.titles
            activity.urls = outline_activity.urls
            activity.position = position
            activity.is_active = True
            activity.save()
            seen_activities.add(activity.translation_key)
            position += 1
    Module.objects.filter(course=course).exclude(translation_key__in=seen_modules).update(is_active=False)
    Activity.objects.filter(course=course).exclude(translation_key__in=seen_activities).update(is_active=False)

    now = timezone.now()
    # Stored as ",en,ru," so that a filter on ",ru," matches whole codes only.
    course.languages = ",{},".format(",".join(code for code, _name in settings.LANGUAGES if code in listing.urls))
    course.search_text = fold(" ".join([*listing.titles.values(), *listing.texts]))[:20000]
    course.is_listed = listing.is_listed
    if listing.is_listed and course.published_at is None:
        course.published_at = now
    course.titles = listing.titles
    course.urls = listing.urls
    course.save(update_fields=["languages", "search_text", "is_listed", "published_at", "titles", "urls"])


def course_unlist(course_id: int) -> None:
    """Take a course whose pages are all gone out of the catalogue (its record and history stay)."""
    Course.objects.filter(pk=course_id).update(is_listed=False, languages="", titles={}, urls={})


# Enrollment ----------------------------------------------------------------------------------------------


def _copy_geography(user: User) -> dict[str, Any]:
    return {"country_id": user.country_id, "region_id": user.region_id}


def _enroll(
    user: User,
    course: Course,
    *,
    status: str,
    source: str,
    enrolled_by: User | None = None,
    cohort: Cohort | None = None,
) -> tuple[Enrollment, bool]:
    """Create the enrollment, or reactivate a withdrawn one. The unique constraint on (user, course) keeps
    it to one row per person, also under concurrent requests."""
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(
            user=user,
            course=course,
            defaults={
                "status": status,
                "source": source,
                "enrolled_by": enrolled_by,
                "cohort": cohort,
                **_copy_geography(user),
            },
        )
        if created:
            if status == Enrollment.Status.ACTIVE:
                Course.objects.filter(pk=course.pk).update(enrolled_count=F("enrolled_count") + 1)
            return enrollment, True
        if enrollment.status in {Enrollment.Status.WITHDRAWN, Enrollment.Status.REJECTED} or (
            enrollment.status == Enrollment.Status.PENDING and status == Enrollment.Status.ACTIVE
        ):
            changed = Enrollment.objects.filter(pk=enrollment.pk, status=enrollment.status).update(
                status=Enrollment.Status.COMPLETED if enrollment.completed_at else status,
                source=source,
                enrolled_by=enrolled_by,
                updated_at=timezone.now(),
            )
            if changed and status == Enrollment.Status.ACTIVE:
                Course.objects.filter(pk=course.pk).update(enrolled_count=F("enrolled_count") + 1)
            enrollment.refresh_from_db()
            return enrollment, bool(changed)
        return enrollment, False


def enrollment_self_enroll(*, user: User, course: Course, key: str = "") -> Enrollment:
    """A teacher enrolls herself: open courses at once, key courses with the right key, approval courses
    as a request for a trainer to approve."""
    if not user.is_authenticated:
        raise PermissionDenied
    missing = course.prerequisites.exclude(enrollments__user=user, enrollments__status=Enrollment.Status.COMPLETED)
    if missing.exists():
        raise EnrollmentError(
            _("Complete these courses first: %(courses)s") % {"courses": ", ".join(c.title for c in missing)}
        )
    mode = course.enrollment_mode
    if mode == Course.EnrollmentMode.CLOSED:
        raise EnrollmentError(_("This course is closed. A trainer can enroll you."))
    if mode == Course.EnrollmentMode.KEY and not constant_time_compare(key.strip(), course.enrollment_key):
        raise EnrollmentError(_("That enrollment key is not right. Ask your trainer for it."))
    status = Enrollment.Status.PENDING if mode == Course.EnrollmentMode.APPROVAL else Enrollment.Status.ACTIVE
    enrollment, _created = _enroll(user, course, status=status, source=Enrollment.Source.SELF)
    return enrollment


def enrollment_add(
    *,
    by: User,
    course: Course,
    users: Iterable[User],
    source: str = Enrollment.Source.TRAINER,
    cohort: Cohort | None = None,
) -> int:
    """A trainer enrolls people (also into closed courses). Returns how many were newly enrolled."""
    if not user_can_manage_course(by, course):
        raise PermissionDenied(_("Only the course's trainers can enroll people."))
    added = 0
    for user in users:
        _enrollment, created = _enroll(
            user, course, status=Enrollment.Status.ACTIVE, source=source, enrolled_by=by, cohort=cohort
        )
        added += created
    return added


def cohort_enroll(*, by: User, cohort: Cohort, course: Course) -> int:
    return enrollment_add(
        by=by, course=course, users=cohort.members.all(), source=Enrollment.Source.COHORT, cohort=cohort
    )


def enrollment_decide(*, by: User, enrollment: Enrollment, approve: bool) -> Enrollment:
    """A trainer approves or turns down a request to join."""
    if not user_can_manage_course(by, enrollment.course):
        raise PermissionDenied
    with transaction.atomic():
        changed = Enrollment.objects.filter(pk=enrollment.pk, status=Enrollment.Status.PENDING).update(
            status=Enrollment.Status.ACTIVE if approve else Enrollment.Status.REJECTED,
            enrolled_by=by,
            updated_at=timezone.now(),
        )
        if changed and approve:
            Course.objects.filter(pk=enrollment.course_id).update(enrolled_count=F("enrolled_count") + 1)
    enrollment.refresh_from_db()
    user = enrollment.user
    if changed and user.email:
        email_send(
            to=user.email,
            language=user.preferred_language,
            template="courses/email/enrollment_approved" if approve else "courses/email/enrollment_rejected",
            context={
                "user": user,
                "course_title": course_title_in(enrollment.course, user.preferred_language),
                "course_url": course_url_in(enrollment.course, user.preferred_language),
            },
        )
    return enrollment


def enrollment_withdraw(*, user: User, enrollment: Enrollment) -> Enrollment:
    """The learner leaves the course (her progress is kept if she comes back). A completed course stays
    completed."""
    if enrollment.user_id != user.pk and not user_can_manage_course(user, enrollment.course):
        raise PermissionDenied
    with transaction.atomic():
        now = timezone.now()
        # The stored status decides (not this object's, which may be stale): only an active place counted.
        was_active = Enrollment.objects.filter(pk=enrollment.pk, status=Enrollment.Status.ACTIVE).update(
            status=Enrollment.Status.WITHDRAWN, updated_at=now
        )
        if was_active:
            Course.objects.filter(pk=enrollment.course_id, enrolled_count__gt=0).update(
                enrolled_count=F("enrolled_count") - 1
            )
        else:
            Enrollment.objects.filter(pk=enrollment.pk, status=Enrollment.Status.PENDING).update(
                status=Enrollment.Status.WITHDRAWN, updated_at=now
            )
    enrollment.refresh_from_db()
    return enrollment


# Progress ------------------------------------------------------------------------------------------------


def activity_visit(*, enrollment: Enrollment, activity: Activity) -> None:
    """Remember where the learner is, so she can continue there."""
    if enrollment.last_activity_id == activity.pk:
        return
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(last_activity=activity, last_accessed_at=now)
    enrollment.last_activity, enrollment.last_accessed_at = activity, now


def activity_complete(
    *, enrollment: Enrollment, activity: Activity, by_quiz: bool = False, by_session: bool = False
) -> bool:
    """Mark an activity done (the learner said so, or reached its end; a quiz, when she passes it; a live
    session, when a trainer or the meeting marks her present). Returns True if the course was completed by it."""
    if not enrollment.is_learning:
        raise EnrollmentError(_("You are not enrolled in this course."))
    if activity.course_id != enrollment.course_id:
        raise PermissionDenied
    if activity.kind == Activity.Kind.QUIZ and not by_quiz:
        raise EnrollmentError(_("Pass the quiz to complete this step."))
    if activity.kind == Activity.Kind.SESSION and not by_session:
        raise EnrollmentError(_("Attend the session to complete this step."))
    with transaction.atomic():
        ActivityProgress.objects.get_or_create(enrollment=enrollment, activity=activity)
        if not by_session:  # marked present by someone else: not where she is in the course
            activity_visit(enrollment=enrollment, activity=activity)
        return enrollment_check_completion(enrollment)


def enrollment_check_completion(enrollment: Enrollment) -> bool:
    """Record the completion once, with its time, when every required active activity is done. Later changes
    to the course never revoke it."""
    if enrollment.completed_at is not None:
        return False
    required = Activity.objects.filter(course_id=enrollment.course_id, is_active=True, required=True)
    if not required.exists():
        return False
    if required.exclude(progress__enrollment=enrollment).exists():
        return False
    now = timezone.now()
    with transaction.atomic():
        changed = Enrollment.objects.filter(pk=enrollment.pk, completed_at__isnull=True).update(
            status=Enrollment.Status.COMPLETED, completed_at=now, updated_at=now
        )
        if not changed:
            return False
        enrollment.status, enrollment.completed_at = Enrollment.Status.COMPLETED, now
        # In the completion's transaction: the certificate exists exactly when the completion does.
        certificate_for_completion(enrollment)
    transaction.on_commit(lambda: course_completed.send(sender=Enrollment, enrollment=enrollment))
    logger.info("Enrollment %s completed course %s", enrollment.pk, enrollment.course_id)
    return True


# Announcements -------------------------------------------------------------------------------------------


def announcement_create(*, by: User, course: Course, subject: str, body: str) -> Announcement:
    """Post a message to the course's learners: shown on the course page and emailed to each, in her
    language (the message itself is as the trainer wrote it)."""
    if not user_can_manage_course(by, course):
        raise PermissionDenied
    announcement = Announcement(course=course, author=by, subject=subject.strip(), body=body.strip())
    announcement.full_clean()
    announcement.save()
    learners = User.objects.filter(
        enrollments__course=course,
        enrollments__status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED],
        email__isnull=False,
        is_active=True,
    )
    for learner in learners.iterator():
        email_send(
            to=learner.email,
            language=learner.preferred_language,
            template="courses/email/announcement",
            context={
                "user": learner,
                "announcement": announcement,
                "course_title": course_title_in(course, learner.preferred_language),
                "course_url": course_url_in(course, learner.preferred_language),
            },
        )
    return announcement


def course_title_in(course: Course, language: str) -> str:
    return course.titles.get(language) or course.title


def course_url_in(course: Course, language: str) -> str:
    path = course.urls.get(language) or next(iter(course.urls.values()), "/")
    return settings.SITE_URL.rstrip("/") + path
