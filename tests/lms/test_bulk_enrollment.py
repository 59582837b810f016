"""Bulk enrollment from a CSV file through the trainer's pages: upload, preview, confirm, the background job,
the invitations, the one-time passwords, and all-or-nothing."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from accounts.models import Institution, User
from core.models import Job
from lms.courses import bulk, services
from lms.courses.models import Course, Enrollment
from tests.factories.accounts import RegionFactory, UserFactory, UsernameUserFactory, country
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db

HEADER = "email,username,full_name,country,region,institution,language"


@pytest.fixture
def trainer():
    return make_trainer(full_name="Layla Trainer")


@pytest.fixture
def course(trainer):
    course = services.course_create(title="Digital pedagogy", trainers=[trainer])
    Course.objects.filter(pk=course.pk).update(
        titles={"en": "Digital pedagogy", "ru": "Цифровая педагогика", "ar": "التربية الرقمية"},
        urls={"en": "/en/courses/digital/", "ru": "/ru/courses/digital/", "ar": "/ar/courses/digital/"},
    )
    course.refresh_from_db()
    return course


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"courses:{name}", kwargs=kwargs)


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def upload(client, course, data: bytes, *, language: str = "en"):
    return client.post(
        url("enrollment-bulk-upload", language, course_uuid=course.uuid),
        {"file": SimpleUploadedFile("teachers.csv", data, content_type="text/csv")},
    )


def preview(client, course, data: bytes, *, language: str = "en"):
    """Upload ``data`` and open the preview; returns the preview response and its token."""
    response = upload(client, course, data, language=language)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    token = response["Location"].rstrip("/").split("/")[-1]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page, token


def confirm(client, course, token: str, count: int, *, language: str = "en"):
    return client.post(url("enrollment-bulk-commit", language, course_uuid=course.uuid, token=token), {"count": count})


def bulk_jobs() -> list[Job]:
    return list(Job.objects.filter(task_name=bulk.TASK_NAME))


def email_jobs() -> int:
    return Job.objects.filter(task_name="core.send_email").count()


def enrolled_count(course: Course) -> int:
    return Course.objects.get(pk=course.pk).enrolled_count


def learning(course: Course) -> int:
    return Enrollment.objects.filter(
        course=course, status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED]
    ).count()


# Who may ------------------------------------------------------------------------------------------------


def test_teacher_without_the_trainer_role_gets_403_everywhere(client, course):
    client.force_login(UserFactory())
    data = csv_file("amina@example.org,,Amina Hassan,,,,")

    assert client.get(url("enrollment-bulk-upload", course_uuid=course.uuid)).status_code == 403
    assert upload(client, course, data).status_code == 403
    assert client.get(url("enrollment-bulk-preview", course_uuid=course.uuid, token="abc")).status_code == 403
    assert confirm(client, course, "abc", 1).status_code == 403
    assert not User.objects.filter(email="amina@example.org").exists()


def test_trainer_of_another_course_gets_403(client, course):
    other_trainer = make_trainer()
    services.course_create(title="Another course", trainers=[other_trainer])
    client.force_login(other_trainer)

    assert client.get(url("enrollment-bulk-upload", course_uuid=course.uuid)).status_code == 403
    assert upload(client, course, csv_file("amina@example.org,,Amina Hassan,,,,")).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, course):
    response = client.get(url("enrollment-bulk-upload", course_uuid=course.uuid))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_trainer_and_superuser_see_the_upload_page_with_the_column_names(client, signed_in, course):
    response = signed_in.get(url("enrollment-bulk-upload", course_uuid=course.uuid))
    client.force_login(superuser())

    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    for name in ("full_name", "ФИО", "الاسم الكامل", "Эл. почта", "البريد الإلكتروني", "اسم المستخدم"):
        assert name in page
    assert client.get(url("enrollment-bulk-upload", course_uuid=course.uuid)).status_code == 200


# The whole flow with 1,000 teachers ----------------------------------------------------------------------


def test_a_thousand_teachers_are_previewed_and_enrolled_with_the_right_counts(
    signed_in, course, trainer, django_capture_on_commit_callbacks
):
    egypt = country("EG")
    cairo = RegionFactory(country=egypt, name="Cairo")
    school = Institution.objects.create(country=egypt, region=cairo, name="Nile Primary School")
    existing = UserFactory.create_batch(150, full_name="Name On The Account")
    services.enrollment_add(by=trainer, course=course, users=existing[:50])
    before = enrolled_count(course)
    languages = ["en", "ru", "ar", ""]
    rows = [f"{user.email.upper()},,A Different Name,,,," for user in existing]  # 50 already, 100 to enroll
    rows += [f"new{n}@example.org,,Teacher {n},EG,Cairo,Nile Primary School,{languages[n % 4]}" for n in range(750)]
    rows += [f",learner.{n},Learner {n},Egypt,,,{languages[n % 3]}" for n in range(100)]

    page, token = preview(signed_in, course, csv_file(*rows), language="ru")

    check = page.context["check"]
    assert len(check.rows) == 1000
    assert check.is_valid
    assert (check.new_count, check.invitation_count, check.password_count) == (850, 750, 100)
    assert (check.enroll_count, check.already_count) == (100, 50)
    assert check.to_enroll_count == 950
    assert 'name="count" value="950"' in page.content.decode()
    assert not User.objects.filter(email="new0@example.org").exists()  # nothing written by the preview

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(signed_in, course, token, 950, language="ru")

    (job,) = bulk_jobs()
    assert response.status_code == 302
    with translation.override("ru"):
        assert response["Location"] == reverse("core:job-detail", kwargs={"job_id": job.pk})
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.owner_id == trainer.pk
    assert job.kwargs == {}  # the names and addresses are not kept once enrolled
    assert job.progress_done == job.progress_total == 1000
    assert job.result["created"] == 850 and job.result["enrolled"] == 950 and job.result["already"] == 50

    assert enrolled_count(course) == before + 950 == learning(course) == 1000
    assert Enrollment.objects.filter(course=course, source=Enrollment.Source.BULK).count() == 950
    assert set(
        Enrollment.objects.filter(course=course, user__email="new1@example.org").values_list(
            "enrolled_by", "country", "region", "status"
        )
    ) == {(trainer.pk, egypt.pk, cairo.pk, Enrollment.Status.ACTIVE)}
    new = User.objects.get(email="new1@example.org")
    assert (new.full_name, new.country, new.region, new.institution) == ("Teacher 1", egypt, cairo, school)
    assert new.is_active and not new.has_usable_password() and not new.must_change_password
    assert User.objects.get(email="new3@example.org").preferred_language == "ru"  # empty: the trainer's language
    assert User.objects.get(pk=existing[0].pk).full_name == "Name On The Account"  # profile left alone
    learner = User.objects.get(username="learner.1")
    assert learner.email is None and learner.must_change_password and learner.has_usable_password()

    # One invitation per new account with an email address, in her language, with a link to set a password.
    assert len(mail.outbox) == 750
    languages_of = dict(User.objects.filter(email__startswith="new").values_list("email", "preferred_language"))
    for message in mail.outbox:
        (to,) = message.to
        language = languages_of[to]
        assert message.extra_headers["Content-Language"] == language
        assert f"/{language}/accounts/password/reset/" in message.body
        assert f"/{language}/courses/digital/" in message.body
    assert {message.extra_headers["Content-Language"] for message in mail.outbox} == {"en", "ru", "ar"}


def test_the_invitation_link_lets_the_new_teacher_choose_a_password(
    client, signed_in, course, django_capture_on_commit_callbacks
):
    _page, token = preview(signed_in, course, csv_file("fatima@example.org,,فاطمة الزهراء,EG,,,ar"))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(signed_in, course, token, 1)

    (message,) = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    path = link.removeprefix("http://testserver")
    uid, token = path.rstrip("/").split("/")[-2:]
    fatima = User.objects.get(email="fatima@example.org")
    assert force_str(urlsafe_base64_decode(uid)) == str(fatima.pk)
    assert default_token_generator.check_token(fatima, token)
    assert "التربية الرقمية" in message.subject  # the course title in her language

    client.logout()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "lantern-quietly-orchard-47"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    fatima.refresh_from_db()
    assert fatima.check_password(new_password)


def test_reopened_enrollments_count_once_and_pending_requests_are_approved(
    signed_in, course, trainer, django_capture_on_commit_callbacks
):
    withdrawn, pending = UserFactory(), UserFactory()
    services.enrollment_add(by=trainer, course=course, users=[withdrawn])
    services.enrollment_withdraw(user=withdrawn, enrollment=Enrollment.objects.get(user=withdrawn))
    Enrollment.objects.create(user=pending, course=course, status=Enrollment.Status.PENDING)
    assert enrolled_count(course) == 0

    page, token = preview(signed_in, course, csv_file(f"{withdrawn.email},,W,,,,", f"{pending.email},,P,,,,"))
    assert page.context["check"].enroll_count == 2
    with django_capture_on_commit_callbacks(execute=True):
        confirm(signed_in, course, token, 2)

    assert enrolled_count(course) == learning(course) == 2
    assert set(Enrollment.objects.filter(course=course).values_list("status", "source")) == {
        (Enrollment.Status.ACTIVE, Enrollment.Source.BULK)
    }
    assert mail.outbox == []  # existing accounts get no invitation


# Preview -------------------------------------------------------------------------------------------------


def _file_of(count: int) -> bytes:
    """``count`` rows using every lookup: existing accounts, countries, regions, institutions, usernames."""
    egypt = country("EG")
    region = RegionFactory(country=egypt, name=f"Region {count}")
    Institution.objects.create(country=egypt, region=region, name=f"School {count}")
    existing = UserFactory.create_batch(count // 2)
    rows = [f"{user.email},,{user.full_name},EG,Region {count},,ru" for user in existing]
    rows += [f",n{count}.{n},Teacher {n},EG,,School {count},ar" for n in range(count - len(existing))]
    return csv_file(*rows)


def test_preview_runs_the_same_number_of_queries_for_10_or_200_rows(signed_in, course):
    small, large = _file_of(10), _file_of(200)
    signed_in.get(url("enrollment-bulk-upload", course_uuid=course.uuid))  # records her activity (once an hour)
    counts = []
    for data in (small, large):
        with CaptureQueriesContext(connection) as uploading:
            response = upload(signed_in, course, data)
        with CaptureQueriesContext(connection) as previewing:
            page = signed_in.get(response["Location"])
        assert page.context["check"].is_valid
        counts.append((len(uploading), len(previewing)))

    assert counts[0] == counts[1]
    assert len(page.context["page_obj"].object_list) == 100  # the table shows 100 rows a page


def test_preview_lists_every_problem_and_offers_no_confirmation(signed_in, course):
    UserFactory(email="taken@example.org", username="taken")
    data = csv_file(
        "not-an-email,,Amina Hassan,,,,",
        "olga@example.org,,,,,,",
        "fatima@example.org,,Fatima,Atlantis,,,",
        "olga2@example.org,,Olga,,,,xx",
        ",olga petrova,Olga Petrova,,,,",
        "dup@example.org,,One,,,,",
        "DUP@example.org,,Two,,,,",
        "fine@example.org,,Fine Teacher,,,,",
        "=1+2,,=SUM(A1),,,,",
    )

    page, token = preview(signed_in, course, data)

    check = page.context["check"]
    assert [row.number for row in check.error_rows] == [2, 3, 4, 5, 6, 8, 10]
    content = page.content.decode()
    assert url("enrollment-bulk-commit", course_uuid=course.uuid, token=token) not in content
    assert "Atlantis" in content and "row 7" in content

    problems = signed_in.get(url("enrollment-bulk-errors", course_uuid=course.uuid, token=token))
    assert problems.status_code == 200
    table = list(csv.reader(io.StringIO(b"".join(problems.streaming_content).decode("utf-8-sig"))))
    assert [line[0] for line in table[1:]] == ["2", "3", "4", "5", "6", "8", "10"]
    assert table[0][1:8] == HEADER.split(",")  # the corrected file can be uploaded again as it is
    assert table[-1][1] == "'=1+2" and table[-1][3] == "'=SUM(A1)"  # formulas neutralised


def test_a_bad_csv_writes_nothing_even_if_confirmed_anyway(signed_in, course, django_capture_on_commit_callbacks):
    _page, token = preview(signed_in, course, csv_file("amina@example.org,,Amina,,,,", "broken,,Broken,,,,"))

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(signed_in, course, token, 1)

    assert response.status_code == 302
    assert response["Location"] == url("enrollment-bulk-preview", course_uuid=course.uuid, token=token)
    assert bulk_jobs() == []
    assert not User.objects.filter(email="amina@example.org").exists()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"email,country\namina@example.org,EG\n", "full_name"),
        (b"email,full_name\n", "no teachers"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_on_the_form(signed_in, course, data, problem):
    response = upload(signed_in, course, data)

    assert response.status_code == 200
    assert problem in " ".join(response.context["form"].errors["file"])
    assert signed_in.session.get("courses.bulk_enrollment") in (None, {})


def test_a_file_over_five_megabytes_is_refused_on_the_form(signed_in, course):
    data = b"email,full_name\n" + b"a@example.org,A\n" * (bulk.MAX_BYTES // 16 + 1)

    response = upload(signed_in, course, data)

    assert response.status_code == 200
    assert "too large" in " ".join(response.context["form"].errors["file"])


def test_a_confirmation_with_a_different_count_is_sent_back_to_the_preview(signed_in, course):
    _page, token = preview(signed_in, course, csv_file("amina@example.org,,Amina,,,,"))

    response = confirm(signed_in, course, token, 2)

    assert response["Location"] == url("enrollment-bulk-preview", course_uuid=course.uuid, token=token)
    assert bulk_jobs() == []


def test_confirming_twice_queues_one_job(signed_in, course, django_capture_on_commit_callbacks):
    _page, token = preview(signed_in, course, csv_file("amina@example.org,,Amina,,,,"))

    with django_capture_on_commit_callbacks(execute=True):
        confirm(signed_in, course, token, 1)
        again = confirm(signed_in, course, token, 1)

    assert again["Location"] == url("enrollment-bulk-upload", course_uuid=course.uuid)
    assert len(bulk_jobs()) == 1
    assert User.objects.filter(email="amina@example.org").count() == 1


# All or nothing ------------------------------------------------------------------------------------------


def test_a_row_that_became_invalid_before_confirming_is_shown_and_nothing_is_queued(signed_in, course):
    page, token = preview(signed_in, course, csv_file("amina@example.org,amina,Amina,,,,", ",olga,Olga,,,,"))
    UsernameUserFactory(username="amina")  # someone else took the username meanwhile

    response = confirm(signed_in, course, token, 2)

    assert response["Location"] == url("enrollment-bulk-preview", course_uuid=course.uuid, token=token)
    assert bulk_jobs() == []
    assert not User.objects.filter(username="olga").exists()
    page = signed_in.get(response["Location"])
    assert [row.number for row in page.context["check"].error_rows] == [2]


def test_a_row_that_became_invalid_before_the_job_ran_fails_the_job_and_writes_nothing(
    signed_in, course, trainer, django_capture_on_commit_callbacks
):
    services.enrollment_add(by=trainer, course=course, users=[UserFactory()])
    rows = [f"csv{n}@example.org,,Teacher {n},,,,ar" for n in range(20)]
    _page, token = preview(signed_in, course, csv_file(*rows, "amina@example.org,amina,Amina,,,,", ",olga,Olga,,,,"))
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as published:
        confirm(signed_in, course, token, 22)
    UsernameUserFactory(username="amina")  # between the confirmation and the job

    with django_capture_on_commit_callbacks(execute=True):
        for callback in published:
            callback()

    (job,) = bulk_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.result["committed"] is False
    assert [row["row"] for row in job.result["errors"]] == [22]
    assert User.objects.count() == users_before + 1  # only the account created meanwhile
    assert not User.objects.filter(email__startswith="csv").exists()
    assert not User.objects.filter(username="olga").exists()
    assert Enrollment.objects.filter(course=course).count() == 1
    assert enrolled_count(course) == 1
    assert mail.outbox == [] and email_jobs() == 0

    result = signed_in.get(url("enrollment-bulk-result", course_uuid=course.uuid, job_id=job.pk))
    assert result.status_code == 200
    assert "amina@example.org" in result.content.decode()


def test_a_failure_in_the_middle_of_writing_rolls_everything_back(
    signed_in, course, monkeypatch, django_capture_on_commit_callbacks
):
    _page, token = preview(signed_in, course, csv_file(*(f"csv{n}@example.org,,T {n},,,," for n in range(5))))
    sent = []

    def invite_then_fail(user, **kwargs):
        if len(sent) == 3:
            raise RuntimeError("the mail templates are broken")
        sent.append(user)
        real_invite(user, **kwargs)

    real_invite = bulk.invitation_send
    monkeypatch.setattr(bulk, "invitation_send", invite_then_fail)

    with django_capture_on_commit_callbacks(execute=True):
        confirm(signed_in, course, token, 5)

    (job,) = bulk_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not User.objects.filter(email__startswith="csv").exists()
    assert not Enrollment.objects.exists()
    assert enrolled_count(course) == 0
    assert email_jobs() == 0 and mail.outbox == []


def test_a_trainer_removed_from_the_course_before_the_job_ran_enrolls_nobody(
    signed_in, course, trainer, django_capture_on_commit_callbacks
):
    _page, token = preview(signed_in, course, csv_file("amina@example.org,,Amina,,,,"))
    with django_capture_on_commit_callbacks(execute=False) as published:
        confirm(signed_in, course, token, 1)
    course.trainers.remove(trainer)

    with django_capture_on_commit_callbacks(execute=True):
        for callback in published:
            callback()

    (job,) = bulk_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not User.objects.filter(email="amina@example.org").exists()


def test_a_job_delivered_again_after_it_committed_writes_nothing_more(
    signed_in, course, trainer, django_capture_on_commit_callbacks
):
    rows = [
        bulk.SourceRow(2, email="amina@example.org", full_name="Amina"),
        bulk.SourceRow(3, username="olga", full_name="Olga"),
    ]
    _page, token = preview(signed_in, course, csv_file("amina@example.org,,Amina,,,,", ",olga,Olga,,,,"))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(signed_in, course, token, 2)
    (job,) = bulk_jobs()
    first = Job.objects.get(pk=job.pk).result

    again = bulk.bulk_enroll(
        by=trainer, course=course, rows=rows, default_language="en", site_url="http://testserver/", job_id=job.pk
    )

    assert again == first
    assert User.objects.filter(email="amina@example.org").count() == 1
    assert enrolled_count(course) == 2


# One-time passwords --------------------------------------------------------------------------------------


def test_one_time_passwords_are_downloaded_once_by_the_trainer_who_enrolled(
    signed_in, course, trainer, django_capture_on_commit_callbacks
):
    data = csv_file(",olga.petrova,Olga Petrova,RU,,,ru", ",zainab,Zainab Ali,EG,,,ar", "amina@example.org,,Amina,,,,")
    _page, token = preview(signed_in, course, data)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(signed_in, course, token, 3)
    (job,) = bulk_jobs()
    result_url = url("enrollment-bulk-result", course_uuid=course.uuid, job_id=job.pk)
    passwords_url = url("enrollment-bulk-passwords", course_uuid=course.uuid, job_id=job.pk)

    # Listed on the course's upload page, and its results page offers the download.
    assert result_url in signed_in.get(url("enrollment-bulk-upload", course_uuid=course.uuid)).content.decode()
    result_page = signed_in.get(result_url)
    assert result_page.status_code == 200
    assert passwords_url in result_page.content.decode()

    # Another trainer of the course cannot take them.
    colleague = make_trainer()
    course.trainers.add(colleague)
    other = Client()
    other.force_login(colleague)
    assert other.post(passwords_url).status_code == 404

    download = signed_in.post(passwords_url)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert download["Cache-Control"] == "no-store"
    table = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [line[1:3] for line in table[1:]] == [["Olga Petrova", "olga.petrova"], ["Zainab Ali", "zainab"]]
    for _row, _name, username, password in table[1:]:
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert user.must_change_password

    job.refresh_from_db()
    assert "one_time_passwords" not in job.result
    assert not any(password in str(job.result) for *_rest, password in table[1:])
    again = signed_in.post(passwords_url)
    assert again.status_code == 302
    assert again["Location"] == result_url
    assert passwords_url not in signed_in.get(result_url).content.decode()


def test_the_passwords_cannot_be_downloaded_with_a_get(signed_in, course, django_capture_on_commit_callbacks):
    _page, token = preview(signed_in, course, csv_file(",olga,Olga,,,,"))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(signed_in, course, token, 1)
    (job,) = bulk_jobs()

    response = signed_in.get(url("enrollment-bulk-passwords", course_uuid=course.uuid, job_id=job.pk))

    assert response.status_code == 405
    assert Job.objects.get(pk=job.pk).result["one_time_passwords"]


def test_commit_service_needs_no_query_per_row(trainer):
    counts = []
    for size in (10, 200):
        course = services.course_create(title=f"Course {size}", trainers=[trainer])
        existing = UserFactory.create_batch(size // 2)
        rows = [bulk.SourceRow(n + 2, email=user.email, full_name=user.full_name) for n, user in enumerate(existing)]
        rows += [bulk.SourceRow(n + 2 + len(rows), username=f"u{size}.{n}", full_name="U") for n in range(size // 2)]
        with CaptureQueriesContext(connection) as queries:
            result = bulk.bulk_enroll(
                by=trainer, course=course, rows=rows, default_language="en", site_url="http://testserver/"
            )
        assert result["enrolled"] == size
        assert enrolled_count(course) == size
        counts.append(len(queries))

    # Inserts go in batches (SQLite takes at most 999 parameters a query), never one query per row.
    assert counts[1] < 25
