"""Courses' part of a teacher's personal data (``accounts.personal_data``; registered in ``apps.py``).

Export: her enrollments, each with its status, dates and the activities she completed; her cohorts; the courses
she teaches. Erasure (docs/decisions/0010-personal-data.md): enrollments and progress stay, attached to the
anonymised account, so that ministries' counts of enrollments and completions stay right; she leaves her cohorts
and the courses she teaches.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from accounts.personal_data import Erasure

from .models import ActivityProgress, Cohort, Course, Enrollment


class CoursesPersonalData:
    name = "courses"

    def export(self, user) -> dict[str, Any]:
        progress = Prefetch(
            "progress", queryset=ActivityProgress.objects.select_related("activity").order_by("completed_at", "pk")
        )
        enrollments = (
            Enrollment.objects.filter(user=user)
            .select_related("course", "cohort", "country", "region")
            .prefetch_related(progress)
            .order_by("created_at", "pk")
        )
        return {
            "enrollments": [_enrollment(enrollment) for enrollment in enrollments],
            "cohorts": [
                {"name": cohort.name, "created_at": cohort.created_at}
                for cohort in Cohort.objects.filter(members=user).order_by("name", "pk")
            ],
            "courses_i_teach": [
                {"title": course.title, "titles": course.titles}
                for course in Course.objects.filter(trainers=user).order_by("title", "pk")
            ],
        }

    def erase(self, user, *, erasure: Erasure) -> None:
        user.cohorts.clear()
        user.trained_courses.clear()


def _enrollment(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "course": enrollment.course.title,
        "course_titles": enrollment.course.titles,
        "status": enrollment.status,
        "source": enrollment.source,
        "cohort": enrollment.cohort.name if enrollment.cohort else None,
        "enrolled_at": enrollment.created_at,
        "updated_at": enrollment.updated_at,
        "completed": enrollment.completed_at is not None,
        "completed_at": enrollment.completed_at,
        "last_accessed_at": enrollment.last_accessed_at,
        "country": enrollment.country.code if enrollment.country else None,
        "region": enrollment.region.name if enrollment.region else None,
        "activities_completed": [
            {"activity": progress.activity.title, "kind": progress.activity.kind, "completed_at": progress.completed_at}
            for progress in enrollment.progress.all()
        ],
    }
