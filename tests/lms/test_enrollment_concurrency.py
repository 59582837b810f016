"""One enrollment per user and course, also when the requests arrive at the same moment (PostgreSQL)."""

from __future__ import annotations

import pytest

from lms.courses import services
from lms.courses.models import Course, Enrollment
from tests.concurrency import together
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course

THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_simultaneous_self_enrollments_make_one_row_and_count_once(postgres):
    course = make_course(modules=1, lessons=1)
    teacher = UserFactory()
    results = together([lambda: services.enrollment_self_enroll(user=teacher, course=course).pk] * THREADS)
    assert len(set(results)) == 1
    assert Enrollment.objects.filter(user=teacher, course=course).count() == 1
    assert Course.objects.get(pk=course.pk).enrolled_count == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_completions_record_one_completion(postgres):
    course = make_course(modules=1, lessons=1)
    teacher = UserFactory()
    enrollment = services.enrollment_self_enroll(user=teacher, course=course)
    activity = course.activities.get()
    results = together([lambda: services.activity_complete(enrollment=enrollment, activity=activity)] * THREADS)
    assert results.count(True) == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.progress.count() == 1
