"""A teacher's personal data: "Download my data" (a zip made in the background, for her only, for 24 hours, with an
email in her language) and "Delete my account" (everything that names her erased in one transaction, across every
app, while the counts of statistics and her certificates' verification stay right)."""

from __future__ import annotations

import html
import io
import json
import os
import random
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from accounts import personal_data
from accounts.api_tokens import api_token_create
from accounts.audit import audit_record
from accounts.data_export import EXPORT_TASK
from accounts.models import ApiToken, AuditEntry, Country, User
from certificates.models import Certificate, NameCorrection, Rendition
from certificates.services import name_correction_request
from core.jobs import job_enqueue
from core.mail import email_send
from core.models import Job
from lms.courses import services as course_services
from lms.courses.models import Activity, Enrollment
from lms.quizzes.models import Attempt, QuestionAttempt
from lms.quizzes.services.attempts import attempt_save, attempt_start, attempt_submit
from tests.certificates.test_pages import add_rendition, fake_pdf, make_certificate, signed_in, text
from tests.certificates.test_revocation import issued
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory, UsernameUserFactory
from tests.factories.courses import make_course
from tests.factories.roles import ministry_official
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory, SessionFactory, make_event
from tests.lms.quizzes.test_attempts import quiz_for
from webinars.models import Attendance, CalendarFeed, Registration
from webinars.services.calendar import calendar_feed_get_or_create
from webinars.services.registration import registration_register

pytestmark = pytest.mark.django_db

NAME = "Zainab Qasimova"
CORRECTED_NAME = "Zainab Qasimova-Aliyeva"
EMAIL = "zainab.qasimova@example.org"
NATIONAL_ID = "EG-77123499"
ESSAY = f"My name is {NAME}; I use tablets to teach fractions to my class."
NEEDLES = (NAME, CORRECTED_NAME, EMAIL, NATIONAL_ID)


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


# Her data, in every app ------------------------------------------------------------------------------------------


class Teacher:
    """A teacher with something in every app: enrollments with progress, a quiz attempt with an essay, events to
    come and past (with attendance), a calendar feed, certificates with PDFs on disk, a name correction."""

    def __init__(self, *, language: str = "en") -> None:
        egypt = Country.objects.get(code="EG")
        self.user = UserFactory(
            full_name=NAME, email=EMAIL, country=egypt, national_teacher_id=NATIONAL_ID, preferred_language=language
        )
        trainer = make_trainer()
        self.course = make_course(modules=1, lessons=2, trainers=[trainer])
        self.enrollment = course_services.enrollment_self_enroll(user=self.user, course=self.course)
        lesson = Activity.objects.filter(course=self.course, kind=Activity.Kind.LESSON).order_by("position").first()
        course_services.activity_complete(enrollment=self.enrollment, activity=lesson)
        self.lesson = lesson

        self.quiz = quiz_for(("essay", "truefalse"), course=self.course)
        attempt = attempt_start(quiz=self.quiz, user=self.user, language=language, rng=random.Random(1))
        sequences = dict(QuestionAttempt.objects.filter(attempt=attempt).values_list("position", "sequence"))
        attempt_save(attempt=attempt, user=self.user, answers={0: (sequences[0], ESSAY), 1: (sequences[1], True)})
        attempt_submit(attempt=attempt, user=self.user)
        QuestionAttempt.objects.filter(attempt=attempt, position=0).update(comment=f"Well argued, {NAME}!")
        self.attempt = attempt

        self.upcoming = make_event(sessions=1)
        self.upcoming_registration = registration_register(event=self.upcoming, user=self.user)
        past = EventFactory(title="Digital storytelling")
        past_session = SessionFactory(
            event=past,
            starts_at=timezone.now() - timedelta(days=10),
            ends_at=timezone.now() - timedelta(days=10, hours=-1),
        )
        self.past_registration = Registration.objects.create(
            event=past, user=self.user, status=Registration.Status.CONFIRMED, country=egypt
        )
        self.attendance = Attendance.objects.create(session=past_session, user=self.user, attended=True)
        self.feed = calendar_feed_get_or_create(self.user)

        self.certificate = issued(self.user, country=egypt, snapshot={"learner_name": NAME})  # a real PDF
        add_rendition(self.certificate, fake_pdf(f"earlier edition for {NAME}"), is_current=False)
        self.second = make_certificate(self.user, country=egypt, snapshot={"learner_name": NAME})
        add_rendition(self.second, fake_pdf(f"awarded to {NAME}"))
        self.correction = name_correction_request(
            certificate=self.second, by=self.user, name=CORRECTED_NAME, note=f"My passport says {CORRECTED_NAME}"
        )
        self.pdf_files = list(Rendition.objects.filter(certificate__user=self.user).values_list("file", flat=True))

        official = ministry_official(country=egypt)
        audit_record(actor=official, action="registry.search", detail=NAME.lower())
        audit_record(actor=official, action="registry.teacher", subject=self.user, detail=f"{EMAIL} ({NATIONAL_ID})")
        self.bulk_job = job_enqueue(
            "courses.bulk_enroll",
            kwargs={"rows": [{"email": EMAIL, "name": NAME}]},
            owner_id=trainer.pk,
            label=f"Enrollment of {NAME}",
        )
        self.pending_email = email_send(
            to=EMAIL,
            language=language,
            template="accounts/email/password_reset",
            context={"user": self.user, "reset_url": "https://example.org/reset", "valid_days": 3},
        )
        ModelLogEntry.objects.log_action(instance=self.user, action="wagtail.edit", user=official)
        LogEntry.objects.create(
            user=official,
            content_type=ContentType.objects.get_for_model(User),
            object_id=str(self.user.pk),
            object_repr=str(self.user),
            action_flag=CHANGE,
            change_message=f"Changed the email address to {EMAIL}",
        )


@pytest.fixture
def teacher() -> Teacher:
    return Teacher()


def export(client: Client, captured, *, language: str = "en") -> Job:
    with captured(execute=True):
        response = client.post(url("accounts:data-export", language=language))
    job = Job.objects.filter(task_name=EXPORT_TASK).latest("created_at")
    assert response.status_code == 302
    assert response["Location"] == url("core:job-detail", language=language, job_id=job.pk)
    job.refresh_from_db()
    return job


def archive_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# Download my data ------------------------------------------------------------------------------------------------


def test_her_zip_holds_everything_about_her_and_her_certificates_pdfs(django_capture_on_commit_callbacks):
    teacher = Teacher(language="ru")
    client = signed_in(teacher.user)
    mail.outbox.clear()

    job = export(client, django_capture_on_commit_callbacks, language="ru")

    assert job.status == Job.Status.DONE and job.owner_id == teacher.user.pk
    assert job.progress_total == 3 and job.progress_done == 3  # data.json and two PDFs
    progress_page = client.get(url("core:job-detail", language="ru", job_id=job.pk))
    assert job.result["url"] in text(progress_page)
    result_page = client.get(job.result["url"])
    assert result_page.status_code == 200
    file_url = url("accounts:data-export-file", language="ru", job_id=job.pk)
    assert file_url in text(result_page)
    archive = archive_of(client.get(file_url))

    current = teacher.certificate.renditions.get(is_current=True)
    assert sorted(archive.namelist()) == sorted(
        ["data.json", f"certificates/{teacher.certificate.code}.pdf", f"certificates/{teacher.second.code}.pdf"]
    )
    assert archive.read(f"certificates/{teacher.certificate.code}.pdf") == current.file.open("rb").read()
    data = json.loads(archive.read("data.json"))
    profile = data["account"]["profile"]
    assert (profile["full_name"], profile["email"], profile["national_teacher_id"]) == (NAME, EMAIL, NATIONAL_ID)
    assert data["account"]["views_of_my_data_by_officials"][0]["action"] == "registry.teacher"
    [enrollment] = data["courses"]["enrollments"]
    assert enrollment["course"] == teacher.course.title and enrollment["status"] == "active"
    assert [step["activity"] for step in enrollment["activities_completed"]] == [teacher.lesson.title]
    [attempt] = data["quizzes"]["attempts"]
    assert attempt["state"] == "finished"
    assert [question["answer"] for question in attempt["questions"]] == [ESSAY, True]
    assert attempt["questions"][0]["feedback"] == f"Well argued, {NAME}!"
    registrations = {row["event"]: row["status"] for row in data["webinars"]["registrations"]}
    assert registrations == {teacher.upcoming.title: "confirmed", "Digital storytelling": "confirmed"}
    assert data["webinars"]["attendance"][0]["attended"] is True
    assert teacher.feed.token in data["webinars"]["calendar_feed"]["url"]
    certificates = {row["code"]: row for row in data["certificates"]["certificates"]}
    from certificates.codes import code_display

    shown = certificates[code_display(teacher.certificate.code)]
    assert shown["verification_url"].endswith(f"/verify/{teacher.certificate.code}/")
    assert shown["name_on_certificate"] == NAME and shown["pdf_sha256"] == current.sha256
    assert data["certificates"]["name_corrections"][0]["name"] == CORRECTED_NAME

    [message] = [message for message in mail.outbox if message.to == [EMAIL]]
    assert message.extra_headers["Content-Language"] == "ru"
    assert job.result["url"].startswith("/ru/") and job.result["url"] in message.body


def test_only_she_can_see_or_download_her_zip(django_capture_on_commit_callbacks, teacher):
    job = export(signed_in(teacher.user), django_capture_on_commit_callbacks)
    other = signed_in(UserFactory())

    assert other.get(url("accounts:data-export-result", job_id=job.pk)).status_code == 404
    assert other.get(url("accounts:data-export-file", job_id=job.pk)).status_code == 404
    anonymous = Client().get(url("accounts:data-export-file", job_id=job.pk))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert default_storage.exists(job.result["file"])


def test_the_link_expires_after_24_hours_and_the_zip_is_deleted(django_capture_on_commit_callbacks, teacher):
    client = signed_in(teacher.user)
    job = export(client, django_capture_on_commit_callbacks)
    assert timezone.now() + timedelta(hours=23) < timezone.datetime.fromisoformat(job.result["expires_at"])
    job.result["expires_at"] = (timezone.now() - timedelta(seconds=1)).isoformat()
    job.save(update_fields=["result"])

    assert client.get(url("accounts:data-export-file", job_id=job.pk)).status_code == 404
    assert not default_storage.exists(job.result["file"])
    assert "has expired" in text(client.get(url("accounts:data-export-result", job_id=job.pk)))


def test_asking_for_her_data_is_rate_limited(settings, teacher):
    settings.RATES = {**settings.RATES, "data-export-user": "2/d"}
    client = signed_in(teacher.user)
    assert [client.post(url("accounts:data-export")).status_code for _ in range(3)] == [302, 302, 429]
    assert Job.objects.filter(task_name=EXPORT_TASK).count() == 2


def test_the_profile_page_offers_both(client):
    client.force_login(UserFactory())
    page = text(client.get(url("accounts:profile", language="ar")))
    assert f'action="{url("accounts:data-export", language="ar")}"' in page
    assert f'href="{url("accounts:account-delete", language="ar")}"' in page


# Delete my account -----------------------------------------------------------------------------------------------


def text_columns(model: type[models.Model]) -> list[str]:
    kinds = (models.CharField, models.TextField, models.JSONField, models.FileField)
    return [field.attname for field in model._meta.concrete_fields if isinstance(field, kinds)]


def mentions_in_database(needles=NEEDLES) -> list[str]:
    """Every (table, column, row) in the whole database whose text mentions one of ``needles``."""
    found = []
    lowered = [needle.casefold() for needle in needles]
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = text_columns(model)
        if model._meta.label == "sessions.Session":
            rows = [(session.pk, json.dumps(session.get_decoded())) for session in model.objects.all()]
        elif columns:
            rows = [
                (row[0], json.dumps(row[1:], ensure_ascii=False, default=str))
                for row in model.objects.values_list("pk", *columns)
            ]
        else:
            continue
        for pk, value in rows:
            for needle in lowered:
                if needle in value.casefold():
                    found.append(f"{model._meta.db_table}#{pk}: {needle}")
    return found


def mentions_in_media(root: Path, needles=NEEDLES) -> list[str]:
    found = []
    for folder, _directories, names in os.walk(root):
        for name in names:
            content = (Path(folder) / name).read_bytes().lower()
            found += [f"{folder}/{name}" for needle in needles if needle.lower().encode() in content]
    return found


def delete(client: Client, captured, **data):
    with captured(execute=True):
        return client.post(url("accounts:account-delete"), data)


def test_deleting_her_account_leaves_nothing_that_names_her(settings, django_capture_on_commit_callbacks):
    teacher = Teacher()
    client = Client()
    assert client.login(username=EMAIL, password=DEFAULT_PASSWORD)
    job = export(client, django_capture_on_commit_callbacks)  # her own zip, in the storage
    api_token_create(user=teacher.user, name="My school's system")
    assert mentions_in_database() and mentions_in_media(Path(settings.MEDIA_ROOT))  # the search finds what is there
    enrollments_before = Enrollment.objects.filter(course=teacher.course).count()

    response = delete(client, django_capture_on_commit_callbacks, password=DEFAULT_PASSWORD)

    assert response.status_code == 302 and response["Location"] == url("accounts:account-deleted")
    assert mentions_in_database() == []
    assert mentions_in_media(Path(settings.MEDIA_ROOT)) == []
    assert not any(default_storage.exists(name) for name in [*teacher.pdf_files, job.result["file"]])

    user = User.objects.get(pk=teacher.user.pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.email.startswith("erased-") and user.email.endswith("@invalid")
    assert (user.full_name, user.national_teacher_id, user.institution) == ("", "", None)
    # She is signed out here, and cannot sign in again.
    assert client.get(url("accounts:profile")).status_code == 302
    assert not Client().login(username=EMAIL, password=DEFAULT_PASSWORD)
    # Statistics keep their counts: her enrollment and progress stay, with nobody's name on them.
    assert Enrollment.objects.filter(course=teacher.course).count() == enrollments_before
    assert Enrollment.objects.get(pk=teacher.enrollment.pk).progress.count() == 1
    assert Attempt.objects.get(pk=teacher.attempt.pk).state == Attempt.State.FINISHED
    essay = QuestionAttempt.objects.get(attempt=teacher.attempt, position=0)
    assert essay.response is None and essay.comment == ""
    assert QuestionAttempt.objects.get(attempt=teacher.attempt, position=1).response is True
    # Events: her place to come is given back; the past one and her attendance are counted still.
    assert Registration.objects.get(pk=teacher.upcoming_registration.pk).status == Registration.Status.CANCELLED
    assert Registration.objects.get(pk=teacher.past_registration.pk).status == Registration.Status.CONFIRMED
    assert Attendance.objects.filter(pk=teacher.attendance.pk).exists()
    assert not CalendarFeed.objects.filter(pk=teacher.feed.pk).exists()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not NameCorrection.objects.filter(pk=teacher.correction.pk).exists()
    # The audit log still says who looked at what, and when.
    assert AuditEntry.objects.filter(subject=user, action="registry.teacher").count() == 1
    assert AuditEntry.objects.filter(action="registry.search", detail=personal_data.ERASED).count() == 1
    assert not Job.objects.filter(pk=teacher.pending_email.pk).exists()
    assert Job.objects.get(pk=teacher.bulk_job.pk).kwargs == {
        "rows": [{"email": personal_data.ERASED, "name": personal_data.ERASED}]
    }


def test_her_certificates_stay_verifiable_without_her_name(client, settings, django_capture_on_commit_callbacks):
    settings.MAKTABA_ERASURE_KEEPS_CERTIFICATES = True
    teacher = Teacher()
    old_pdf = teacher.certificate.renditions.get(is_current=False)

    delete(signed_in(teacher.user), django_capture_on_commit_callbacks, password=DEFAULT_PASSWORD)

    certificate = Certificate.objects.get(pk=teacher.certificate.pk)
    assert certificate.user is None and certificate.status == Certificate.Status.VALID
    page = client.get(reverse("certificates:verify", kwargs={"code": certificate.code}), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "This certificate was issued by this platform and is valid." in text(page)
    assert "Name withheld at the holder's request" in html.unescape(text(page))
    assert "Teaching with digital tools" in text(page) and NAME not in text(page)
    # Her old PDF is still recognised by its fingerprint (the file itself is gone).
    assert Rendition.objects.filter(pk=old_pdf.pk, sha256=old_pdf.sha256).exists()
    assert not Rendition.objects.filter(certificate=certificate, is_current=True).exists()
    # The Open Badges assertion no longer names a recipient.
    assertion = client.get(reverse("certificates:badge-assertion", kwargs={"certificate_uuid": certificate.uuid}))
    assert assertion.status_code == 410


def test_without_the_setting_her_certificates_are_deleted(client, settings, django_capture_on_commit_callbacks):
    settings.MAKTABA_ERASURE_KEEPS_CERTIFICATES = False
    teacher = Teacher()
    codes = [teacher.certificate.code, teacher.second.code]

    delete(signed_in(teacher.user), django_capture_on_commit_callbacks, password=DEFAULT_PASSWORD)

    assert not Certificate.objects.filter(code__in=codes).exists()
    assert not Rendition.objects.filter(file__in=teacher.pdf_files).exists()
    assert client.get(url("certificates:verify-localised", code=codes[0])).status_code == 404
    assert not any(default_storage.exists(name) for name in teacher.pdf_files)


def test_nobody_else_can_erase_her_account(teacher):
    for someone in (UserFactory(), UserFactory(is_superuser=True, is_staff=True)):
        with pytest.raises(PermissionDenied):
            personal_data.account_erase(teacher.user, by=someone)
    teacher.user.refresh_from_db()
    assert teacher.user.is_active and teacher.user.email == EMAIL


def test_a_wrong_password_is_refused_and_the_form_stays(client, django_capture_on_commit_callbacks, teacher):
    client.force_login(teacher.user)
    response = delete(client, django_capture_on_commit_callbacks, password="not-my-password")
    assert response.status_code == 400
    assert "This is not your password." in text(response)
    assert 'name="password"' in text(response)
    teacher.user.refresh_from_db()
    assert teacher.user.is_active and teacher.user.full_name == NAME
    assert Certificate.objects.filter(user=teacher.user).count() == 2


def test_an_account_without_a_password_confirms_with_its_username(client, django_capture_on_commit_callbacks):
    learner = UsernameUserFactory(full_name=NAME, username="zainab.q")
    learner.set_unusable_password()
    learner.save(update_fields=["password"])
    client.force_login(learner)

    wrong = delete(client, django_capture_on_commit_callbacks, login="someone.else")
    assert wrong.status_code == 400 and 'value="someone.else"' in text(wrong)
    assert "This is not the email address or username of your account." in text(wrong)
    right = delete(client, django_capture_on_commit_callbacks, login="Zainab.Q")
    assert right.status_code == 302
    learner.refresh_from_db()
    assert not learner.is_active and learner.username is None and learner.full_name == ""


def test_the_confirmation_needs_the_csrf_token(teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher.user)
    assert client.post(url("accounts:account-delete"), {"password": DEFAULT_PASSWORD}).status_code == 403
    teacher.user.refresh_from_db()
    assert teacher.user.is_active


def test_the_confirmation_page_explains_what_happens(client, teacher):
    client.force_login(teacher.user)
    page = client.get(url("accounts:account-delete", language="ar"))
    assert page.status_code == 200
    assert 'dir="rtl"' in text(page) and 'autocomplete="current-password"' in text(page)
    assert 'name="csrfmiddlewaretoken"' in text(page)


def test_erasure_rate_limits_password_guesses(settings, client, teacher):
    settings.RATES = {**settings.RATES, "account-delete-user": "2/h"}
    client.force_login(teacher.user)
    codes = [client.post(url("accounts:account-delete"), {"password": "guess"}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_her_marks_stay_for_the_statistics(teacher):
    QuestionAttempt.objects.filter(attempt=teacher.attempt, position=0).update(mark=Decimal(1), needs_grading=False)
    before = Attempt.objects.get(pk=teacher.attempt.pk)
    personal_data.account_erase(teacher.user, by=teacher.user)
    after = Attempt.objects.get(pk=teacher.attempt.pk)
    assert (after.marks, after.grade, after.max_marks) == (before.marks, before.grade, before.max_marks)
    assert after.max_marks > Decimal(0)


def test_a_name_in_arabic_is_found_and_scrubbed_in_json_whatever_the_database(django_capture_on_commit_callbacks):
    name = "زينب قاسم"
    user = UserFactory(full_name=name, email="zainab.qasim@example.org", preferred_language="ar")
    job = job_enqueue("courses.bulk_enroll", kwargs={"rows": [{"name": name}]}, owner_id=None, label=f"تسجيل {name}")

    with django_capture_on_commit_callbacks(execute=True):
        personal_data.account_erase(user, by=user)

    job.refresh_from_db()
    assert job.kwargs == {"rows": [{"name": personal_data.ERASED}]}
    assert job.label == f"تسجيل {personal_data.ERASED}"
    assert mentions_in_database((name, "zainab.qasim@example.org")) == []
