"""seed_scale at a small size: the same seed gives the same data, the data holds together as the services would
have written it, and --reset removes what seed_scale made and nothing else."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.fields.json import KT

from accounts.models import User
from accounts.scope import Scope
from certificates.codes import code_normalise
from certificates.models import Certificate
from demo.builders.scale import scale_users
from lms.courses import services
from lms.courses.models import Course, Enrollment
from lms.reports.filters import ReportFilters
from lms.reports.models import Metric
from lms.reports.statistics import statistics_totals
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from webinars.models import Attendance, Event, Registration

pytestmark = pytest.mark.django_db
UNTIL = "2026-06-01"


def _seed(*arguments: str, teachers: int = 300) -> str:
    out = io.StringIO()
    call_command("seed_scale", "--teachers", str(teachers), "--until", UNTIL, *arguments, stdout=out)
    return out.getvalue()


def _digest() -> str:
    """A hash of the generated rows by their natural keys (ids differ between runs)."""
    users = scale_users()
    parts = [
        users.order_by("email").values_list(
            "email", "full_name", "certificate_name_latin", "gender", "preferred_language", "country__code",
            "region__name", "institution__name", "national_teacher_id", "date_joined", "last_activity",
        ),
        Enrollment.objects.filter(user__in=users).order_by("user__email", "course__uuid").values_list(
            "user__email", "course__uuid", "course__title", "status", "source", "created_at", "completed_at",
        ),
        Certificate.objects.filter(user__in=users).order_by("code").values_list(
            "code", "user__email", "subject_key", "language", "snapshot", "issued_at", "valid_until",
        ),
        Registration.objects.filter(user__in=users).order_by("user__email", "event__uuid").values_list(
            "user__email", "event__title", "status", "created_at",
        ),
        Attendance.objects.filter(user__in=users).order_by("user__email", "session__uuid").values_list(
            "user__email", "session__starts_at", "attended", "source", "marked_at",
        ),
    ]  # fmt: skip
    return hashlib.sha256(repr([list(rows) for rows in parts]).encode()).hexdigest()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    _seed("--seed", "7")
    first = _digest()
    _seed("--seed", "7", "--reset")
    assert _digest() == first
    _seed("--seed", "8", "--reset")
    assert _digest() != first


def test_the_data_holds_together_as_the_services_would_have_written_it():
    output = _seed()
    teachers = scale_users().exclude(email__startswith="trainer").exclude(email__startswith="ministry.")
    assert teachers.count() == 300
    assert "seed_scale done" in output
    enrollments = Enrollment.objects.filter(user__in=scale_users())
    assert enrollments.count() > 300 * 3
    assert {"active", "completed", "withdrawn"} <= set(enrollments.values_list("status", flat=True))
    assert scale_users().filter(gender="").exists() and scale_users().exclude(national_teacher_id="").exists()
    assert len(set(scale_users().values_list("country__code", flat=True))) == 5

    # Geography: every region is in its user's country, every institution in her region.
    assert not scale_users().exclude(region__country=F("country")).exists()
    assert not scale_users().filter(institution__isnull=False).exclude(institution__region=F("region")).exists()
    # Denormalised country and region as the services copy them.
    for rows in (enrollments, Registration.objects.filter(user__in=scale_users()), Certificate.objects.all()):
        assert rows.exists()
        assert not rows.exclude(country=F("user__country"), region=F("user__region")).exists()

    # Completion after enrollment; completed exactly when it has a completion time.
    assert not enrollments.filter(completed_at__lt=F("created_at")).exists()
    assert not enrollments.filter(status="completed", completed_at__isnull=True).exists()
    assert not enrollments.exclude(status="completed").filter(completed_at__isnull=False).exists()
    assert not enrollments.filter(created_at__lt=F("course__published_at")).exists()
    assert not enrollments.filter(created_at__lt=F("user__date_joined")).exists()

    # A certificate for each completion of a course that gives one, and for nothing else.
    completed = {
        (user, f"course:{uuid}")
        for user, uuid in enrollments.filter(status="completed", course__certificate_enabled=True).values_list(
            "user", "course__uuid"
        )
    }
    course_certificates = set(
        Certificate.objects.filter(subject_key__startswith="course:").values_list("user", "subject_key")
    )
    assert course_certificates == completed
    certificates = Certificate.objects.all()
    assert all(code_normalise(code) == code for code in certificates.values_list("code", flat=True))
    assert set(certificates.values_list("status", flat=True)) == {"valid"}
    names = certificates.annotate(name=KT("snapshot__learner_name"), latin=KT("snapshot__learner_name_latin"))
    assert not names.exclude(name=F("user__full_name"), latin=F("user__certificate_name_latin")).exists()
    assert not certificates.filter(renditions__isnull=False).exists()

    # Attendance only for those with a confirmed place; a workshop certificate only for presence at every session.
    confirmed = set(Registration.objects.filter(status="confirmed").values_list("user", "event"))
    marked = set(Attendance.objects.values_list("user", "session__event"))
    assert marked and marked <= confirmed
    for certificate in certificates.filter(subject_key__startswith="event:"):
        event = Event.objects.get(uuid=certificate.subject_key.removeprefix("event:"))
        present = Attendance.objects.filter(user=certificate.user, session__event=event, attended=True).count()
        assert present == event.sessions.count()

    # The counts that the services keep.
    for event in Event.objects.annotate(confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))):
        assert event.confirmed_count == event.confirmed
        assert event.capacity is None or event.confirmed_count <= event.capacity
    for course in Course.objects.annotate(
        learning=Count("enrollments", filter=Q(enrollments__status__in=["active", "completed"]))
    ):
        assert course.enrolled_count == course.learning


def test_it_refuses_to_run_again_and_reset_removes_only_what_it_made():
    teacher = UserFactory()
    course = make_course(title="A course of the demo")
    services.enrollment_self_enroll(user=teacher, course=course)
    _seed()
    scale_courses = set(Course.objects.exclude(pk=course.pk).values_list("uuid", flat=True))

    with pytest.raises(CommandError, match="--reset"):
        _seed()
    assert scale_users().count() == 300 + 3 + 5  # teachers, trainers, ministry officials

    _seed("--reset", "--seed", "2", teachers=40)
    assert scale_users().count() == 40 + 3 + 5
    assert not Course.objects.filter(uuid__in=scale_courses).exists()
    assert Enrollment.objects.filter(user=teacher, course=course).exists()
    assert User.objects.filter(pk=teacher.pk).exists()
    assert not Certificate.objects.filter(user__isnull=True).exists()
    if connection.vendor == "postgresql":  # the constraints dropped for the load and the reset are back
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'accounts_user'::regclass"
            )
            assert cursor.fetchone()[0] > 20


def test_the_dashboard_counts_what_seed_scale_made():
    output = _seed()
    assert "dashboard tallies rebuilt" in output
    totals = statistics_totals(Scope(everything=True), ReportFilters())
    counted = Enrollment.objects.exclude(status__in=[Enrollment.Status.PENDING, Enrollment.Status.REJECTED])
    assert totals[Metric.ENROLLMENTS] == counted.count() > 0
    assert totals[Metric.COMPLETIONS] == Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).count()
    assert totals[Metric.CERTIFICATES] == Certificate.objects.filter(status=Certificate.Status.VALID).count()
    assert totals[Metric.ATTENDANCE] == Attendance.objects.filter(attended=True).count()
