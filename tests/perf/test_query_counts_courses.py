"""Query counts of the learning pages: the catalogue, a course and a lesson, "My learning", the training record,
and the trainers' course list and participants (HTML and CSV). Each page runs as many queries with 2 rows of
each related thing as with 8."""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Country, Institution, Region
from certificates.models import Certificate, Rendition
from lms.competencies.models import Competency
from lms.courses import services
from lms.courses.models import Activity, Course, Enrollment, Subject
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.roles import trainer as make_trainer

from .helpers import assert_constant, count_queries, signed_in

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


def _completed(user, course: Course) -> Enrollment:
    now = timezone.now()
    return Enrollment.objects.create(
        user=user, course=course, status=Enrollment.Status.COMPLETED, completed_at=now, country=user.country
    )


def _certificate(user, course: Course, *, with_pdf: bool) -> Certificate:
    certificate = Certificate.objects.create(
        user=user,
        subject_key=course.subject_key,
        language="en",
        snapshot={"kind": "course", "titles": {"en": course.title}, "learner_name": user.full_name},
    )
    if with_pdf:
        Rendition.objects.create(
            certificate=certificate, file=f"certificates/pdf/{certificate.code}.pdf", sha256=uuid.uuid4().hex * 2
        )
    return certificate


def test_the_catalogue_with_subjects_competencies_and_her_enrollments(client):
    teacher = UserFactory()
    client.force_login(teacher)
    cells = list(Competency.objects.order_by("aspect", "level")[:6])

    def grow(count: int) -> None:
        for _ in range(count):
            number = next(_numbers)
            subject = Subject.objects.create(slug=f"subject-{number}", names={"en": f"Subject {number}"})
            course = make_course(modules=1, lessons=1, subject=subject, languages=("en", "ru"))
            course.competencies.set(cells[number % 6 : number % 6 + 2])
            course.trainers.set([make_trainer()])
            services.enrollment_self_enroll(user=teacher, course=course)

    assert_constant(client, "/en/courses/", grow)
    filtered = {"sort": "popular", "aspect": 1, "language": "ru"}
    small = count_queries(client, "/ru/courses/", filtered)
    grow(4)
    assert count_queries(client, "/ru/courses/", filtered) == small


@pytest.mark.parametrize("who", ["anonymous", "learner", "trainer"])
def test_a_course_page_with_more_modules_trainers_competencies_and_announcements(client, who):
    coach = make_trainer()
    learner = UserFactory()
    viewer = {"anonymous": None, "learner": learner, "trainer": coach}[who]
    if viewer is not None:
        client.force_login(viewer)

    def measure(size: int) -> tuple[int, int]:
        course = make_course(modules=size, lessons=2, trainers=[coach])
        course.competencies.set(Competency.objects.order_by("pk")[:size])
        course.trainers.add(*[make_trainer() for _ in range(size)])
        services.enrollment_self_enroll(user=learner, course=course)
        enrollment = Enrollment.objects.get(user=learner, course=course)
        for activity in Activity.objects.filter(course=course).order_by("position")[:size]:
            services.activity_complete(enrollment=enrollment, activity=activity)
        for number in range(size):
            services.announcement_create(by=coach, course=course, subject=f"News {number}", body="Read this.")
        for _ in range(size):
            services.enrollment_self_enroll(user=UserFactory(), course=course)
        lesson = Activity.objects.filter(course=course).order_by("position").last()
        lesson_status = 302 if viewer is None else 200  # a lesson is for learners: sign in first
        return (
            count_queries(client, course.urls["en"]),
            count_queries(client, lesson.urls["en"], expect=lesson_status),
        )

    assert measure(2) == measure(6)


def test_my_learning_with_certificates_competencies_and_pending_requests(client):
    teacher = UserFactory()
    client.force_login(teacher)
    cells = list(Competency.objects.order_by("pk"))

    def grow(count: int) -> None:
        for index in range(count):
            number = next(_numbers)
            done = services.course_create(title=f"Done {number}")
            done.competencies.set(cells[number % len(cells) : number % len(cells) + 2])
            _completed(teacher, done)
            _certificate(teacher, done, with_pdf=index % 2 == 0)
            waiting = services.course_create(title=f"Waiting {number}", enrollment_mode=Course.EnrollmentMode.APPROVAL)
            services.enrollment_self_enroll(user=teacher, course=waiting)

    assert_constant(client, reverse("courses:dashboard"), grow)


def test_the_training_record(client):
    teacher = UserFactory()
    client.force_login(teacher)

    def grow(count: int) -> None:
        for _ in range(count):
            _completed(teacher, services.course_create(title=f"Course {next(_numbers)}", estimated_hours=3))

    assert_constant(client, reverse("courses:training-record"), grow)


def test_the_courses_a_trainer_teaches(client):
    coach = make_trainer()
    client.force_login(coach)

    def grow(count: int) -> None:
        for _ in range(count):
            course = services.course_create(title=f"Course {next(_numbers)}", trainers=[coach])
            course.trainers.add(make_trainer())
            services.enrollment_self_enroll(user=UserFactory(), course=course)

    assert_constant(client, reverse("courses:manage-list"), grow)


@pytest.mark.parametrize("query", [{}, {"format": "csv"}, {"status": "active", "q": "teacher"}])
def test_a_courses_participants_with_their_places_and_progress(query):
    coach = make_trainer()
    course = make_course(modules=1, lessons=3, trainers=[coach])
    activities = list(Activity.objects.filter(course=course).order_by("position"))
    egypt = Country.objects.get(code="EG")

    def grow(count: int) -> None:
        for _ in range(count):
            number = next(_numbers)
            region = Region.objects.create(country=egypt, name=f"Region {number}")
            school = Institution.objects.create(country=egypt, region=region, name=f"School {number}")
            learner = UserFactory(full_name=f"Teacher {number}", country=egypt, region=region, institution=school)
            enrollment = services.enrollment_self_enroll(user=learner, course=course)
            for activity in activities[: number % 3]:
                services.activity_complete(enrollment=enrollment, activity=activity)

    client = signed_in(coach)
    assert_constant(client, reverse("courses:participants", kwargs={"course_uuid": course.uuid}), grow, params=query)
