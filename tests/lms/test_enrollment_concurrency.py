"""One enrollment per user and course, also when the requests arrive at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lms.courses import services
from lms.courses.models import Course, Enrollment
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course

THREADS = 12


def _together(target, count: int) -> list:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_simultaneous_self_enrollments_make_one_row_and_count_once(postgres):
    course = make_course(modules=1, lessons=1)
    teacher = UserFactory()
    results = _together(lambda: services.enrollment_self_enroll(user=teacher, course=course).pk, THREADS)
    assert len(set(results)) == 1
    assert Enrollment.objects.filter(user=teacher, course=course).count() == 1
    assert Course.objects.get(pk=course.pk).enrolled_count == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_completions_record_one_completion(postgres):
    course = make_course(modules=1, lessons=1)
    teacher = UserFactory()
    enrollment = services.enrollment_self_enroll(user=teacher, course=course)
    activity = course.activities.get()
    results = _together(lambda: services.activity_complete(enrollment=enrollment, activity=activity), THREADS)
    assert results.count(True) == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.progress.count() == 1
