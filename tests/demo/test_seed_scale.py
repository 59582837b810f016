"""seed_scale at a small size: the same seed gives the same data, the data holds together as the services would
have written it (catalogue pages, lesson progress, quiz attempts), a sample teacher can sign in and learn, and
--reset removes what seed_scale made and nothing else."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.fields.json import KT
from wagtail.models import Page

from accounts.models import User
from accounts.scope import Scope
from certificates.codes import code_normalise
from certificates.models import Certificate
from cms.models import CoursePage, LessonPage, NewsPage, ResourcePage
from demo.builders.scale import sample_accounts, scale_users
from demo.builders.scale.accounts import PASSWORD
from demo.builders.scale.pages import scale_pages
from lms.courses import selectors, services
from lms.courses.models import Activity, ActivityProgress, Course, Enrollment
from lms.quizzes.display import grader_data, grader_response
from lms.quizzes.grading import grade
from lms.quizzes.models import Attempt, QuestionAttempt, Quiz, QuizGrade
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
        scale_pages().order_by("url_path", "locale__language_code").values_list(
            "url_path", "title", "locale__language_code", "translation_key", "content_type__model", "depth",
        ),
        [
            (url, [_block(block) for block in body.raw_data])
            for url, body in LessonPage.objects.filter(
                translation_key__in=scale_pages().values("translation_key")
            ).order_by("url_path").values_list("url_path", "body")
        ],
        ActivityProgress.objects.filter(enrollment__user__in=users).order_by(
            "enrollment__user__email", "activity__translation_key"
        ).values_list("enrollment__user__email", "activity__translation_key", "completed_at"),
        Attempt.objects.filter(user__in=users).order_by("uuid").values_list(
            "uuid", "user__email", "quiz__uuid", "number", "finished_at", "grade",
        ),
        QuestionAttempt.objects.filter(attempt__user__in=users).order_by("attempt__uuid", "position").values_list(
            "attempt__uuid", "position", "version__question__idnumber", "choice_order", "response", "mark",
        ),
    ]  # fmt: skip
    return hashlib.sha256(repr([list(rows) for rows in parts]).encode()).hexdigest()


def _block(block) -> dict:
    """A lesson's block by what it says: a quiz by its UUID (ids differ between runs)."""
    if block["type"] == "quiz":
        return {"type": "quiz", "quiz": str(Quiz.objects.get(pk=block["value"]["quiz"]).uuid)}
    return dict(block)


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


def test_the_catalogue_lists_the_generated_courses_with_their_pages(client):
    _seed(teachers=600)
    courses = Course.objects.all()
    assert courses.count() == 12 and not courses.filter(is_listed=False).exists()
    html = ""
    for number in (1, 2, 3):
        response = client.get(f"/en/courses/?page={number}")
        assert response.status_code == 200
        html += response.content.decode()
    for course in courses:
        # The page in the visitor's language, else the course's own language.
        url = course.urls.get("en") or next(iter(course.urls.values()))
        assert url in html, course.title
    # Every course has pages in each of its languages, 5 to 15 lessons with text, and most a quiz lesson.
    for course in courses:
        pages = CoursePage.objects.filter(course=course)
        assert sorted(pages.values_list("locale__language_code", flat=True)) == sorted(course.titles)
        lessons = Activity.objects.filter(course=course, kind="lesson")
        assert 5 <= lessons.count() <= 15
        assert Activity.objects.filter(course=course, kind="quiz").count() == Quiz.objects.filter(course=course).count()
    assert Quiz.objects.filter(activity__isnull=False).count() >= 5
    lesson = LessonPage.objects.filter(translation_key__in=scale_pages().values("translation_key")).first()
    assert client.get(lesson.url).status_code == 302  # lessons are for learners: to the sign-in page
    assert "<p>" in lesson.body.raw_data[1]["value"]
    # The library and the news: pages in the languages they say, served to anyone.
    resources = ResourcePage.objects.filter(translation_key__in=scale_pages().values("translation_key"))
    assert resources.count() >= 60
    assert not resources.exclude(languages__contains=",").exists()
    resource = resources.filter(locale__language_code="ru").first()
    assert client.get(resource.url).status_code == 200
    response = client.get("/ru/library/")
    assert response.status_code == 200
    assert any(title.encode() in response.content for title in resources.values_list("title", flat=True))
    news = NewsPage.objects.filter(translation_key__in=scale_pages().values("translation_key"))
    assert news.filter(locale__language_code="ar").exists()
    assert client.get(news.filter(locale__language_code="ar").first().url).status_code == 200
    # The tree is consistent: every parent counts its children.
    for page in Page.objects.filter(depth__lte=5):
        assert page.numchild == page.get_children().count(), page.url_path


def test_a_sample_teacher_signs_in_and_opens_her_lesson_and_quiz(client):
    output = _seed()
    samples = sample_accounts(5)
    # Every hundredth of 300 teachers, but the last one joined on the last day: too late to enroll.
    assert [sample.email.rsplit(".", 2)[-2] for sample in samples] == ["100@scale", "200@scale"]
    assert samples[0].email in output
    sample = samples[0]
    user = User.objects.get(email=sample.email)
    assert client.login(email=sample.email, password=PASSWORD)
    lesson = client.get(sample.lesson_url)
    assert lesson.status_code == 200
    page = LessonPage.objects.get(
        url_path__endswith=sample.lesson_url.split("/courses/")[1], locale__language_code=sample.language
    )
    assert page.title.encode() in lesson.content
    quiz_lesson = client.get(sample.quiz_lesson_url)
    assert quiz_lesson.status_code == 200 and sample.quiz_start_url.encode() in quiz_lesson.content
    started = client.post(sample.quiz_start_url)
    assert started.status_code == 302
    attempt = Attempt.objects.get(user=user, state=Attempt.State.IN_PROGRESS)
    assert attempt.number == 1 and str(attempt.quiz.uuid) in sample.quiz_start_url
    assert client.get(started["Location"]).status_code == 200
    assert attempt.questions.count() == 6
    # Opening the lesson recorded where she is, as it does for anyone.
    assert Enrollment.objects.get(user=user, course=attempt.quiz.course).last_activity is not None


def test_progress_and_quiz_attempts_agree_with_completion():
    _seed()
    enrollments = Enrollment.objects.filter(user__in=scale_users()).select_related("course")
    required = {
        course: set(Activity.objects.filter(course=course, is_active=True, required=True).values_list("pk", flat=True))
        for course in Course.objects.all()
    }
    done: dict[int, list] = {}
    for enrollment_id, activity, moment in ActivityProgress.objects.filter(enrollment__in=enrollments).values_list(
        "enrollment", "activity", "completed_at"
    ):
        done.setdefault(enrollment_id, []).append((activity, moment))
    assert sum(len(rows) for rows in done.values()) > 1_000
    partial = 0
    for enrollment in enrollments:
        steps = done.get(enrollment.pk, [])
        activities = {activity for activity, _moment in steps}
        assert activities <= required[enrollment.course]
        if enrollment.status == "completed":
            assert activities == required[enrollment.course]
            assert max(moment for _a, moment in steps) == enrollment.completed_at
            percent, _following = selectors.outline_progress(
                selectors.course_outline(course=enrollment.course, enrollment=enrollment)
            )
            assert percent == 100
        else:
            assert activities != required[enrollment.course]  # the completion rule would not complete it
            partial += bool(steps)
        assert all(enrollment.created_at <= moment <= enrollment.updated_at for _a, moment in steps)
        if enrollment.last_activity_id and enrollment.status == "active":
            assert enrollment.last_activity_id in required[enrollment.course] - activities
    assert partial > 100

    # Whoever completed a course with a quiz passed it; nobody else has passed it.
    attempts = Attempt.objects.filter(user__in=scale_users())
    assert attempts.count() > 100
    for quiz_grade in QuizGrade.objects.filter(user__in=scale_users()).select_related("quiz"):
        graded = attempts.filter(quiz=quiz_grade.quiz, user=quiz_grade.user_id)
        assert quiz_grade.grade == max(graded.values_list("grade", flat=True))
        assert quiz_grade.passed == (quiz_grade.grade >= quiz_grade.quiz.pass_grade)
        status = Enrollment.objects.get(user=quiz_grade.user_id, course=quiz_grade.quiz.course).status
        assert quiz_grade.passed == (status == "completed")
    completed_with_quiz = enrollments.filter(status="completed", course__quizzes__activity__isnull=False)
    assert completed_with_quiz.count() == QuizGrade.objects.filter(user__in=scale_users(), passed=True).count() > 0
    # Every answer is marked as the quiz's own grading marks it, and every attempt totals its answers.
    for question in QuestionAttempt.objects.filter(attempt__in=attempts).select_related("version")[:2000]:
        data = question.version.data
        assert grade(grader_data(data), grader_response(data, question.response)) == question.fraction
        assert question.mark == question.fraction * question.max_mark
    for attempt in attempts.annotate(total=Sum("questions__mark"), count=Count("questions"))[:500]:
        assert attempt.marks == attempt.total and attempt.max_marks == attempt.count == 6
        assert attempt.grade == round(attempt.total * 100 / 6, 2)
        assert attempt.started_at < attempt.finished_at


def test_reset_leaves_the_demo_untouched():
    call_command("seed_demo", stdout=io.StringIO())
    demo_pages = _demo_digest()
    _seed()
    assert scale_pages().count() > 100
    _seed("--reset", "--seed", "2", teachers=40)
    _seed_delete_everything_but_the_demo()
    assert _demo_digest() == demo_pages


def _demo_digest() -> str:
    parts = [
        Page.objects.order_by("path").values_list(
            "path", "url_path", "title", "numchild", "live", "translation_key", "latest_revision_id"
        ),
        Course.objects.order_by("uuid").values_list("uuid", "title", "titles", "urls", "is_listed", "enrolled_count"),
        Activity.objects.order_by("course__uuid", "position").values_list("course__uuid", "translation_key", "kind"),
        Enrollment.objects.order_by("user__email", "course__uuid").values_list("user__email", "course__uuid", "status"),
        ActivityProgress.objects.order_by("pk").values_list("enrollment__user__email", "activity__translation_key"),
        Quiz.objects.order_by("uuid").values_list("uuid", "title", "activity__translation_key"),
        Attempt.objects.order_by("uuid").values_list("uuid", "user__email", "grade"),
        Certificate.objects.order_by("code").values_list("code", "user__email", "subject_key"),
        User.objects.order_by("email").values_list("email", "full_name"),
    ]
    return hashlib.sha256(repr([list(rows) for rows in parts]).encode()).hexdigest()


def _seed_delete_everything_but_the_demo() -> None:
    """The second run's data goes too: what is left is the demo alone."""
    from demo.builders.scale import scale_data_delete

    scale_data_delete(lambda line: None)
