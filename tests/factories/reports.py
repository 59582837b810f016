"""Teachers, enrollments and certificates counted by the ministries' dashboard (``lms.reports``)."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from certificates.models import Certificate
from lms.courses.models import Enrollment
from tests.factories.accounts import UserFactory


def teachers(count: int, *, country, region, gender="female", **fields) -> list[User]:
    return [UserFactory(country=country, region=region, gender=gender, **fields) for _ in range(count)]


def enroll(users, course, *, completed: bool = False) -> None:
    for user in users:
        Enrollment.objects.create(
            user=user,
            course=course,
            country=user.country,
            region=user.region,
            status=Enrollment.Status.COMPLETED if completed else Enrollment.Status.ACTIVE,
            completed_at=timezone.now() if completed else None,
        )


def certify(users, course) -> None:
    for user in users:
        Certificate.objects.create(
            user=user, subject_key=course.subject_key, language="en", country=user.country, region=user.region
        )
