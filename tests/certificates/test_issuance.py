"""Issuing certificates: one per learner and course, whatever runs twice; the PDF in her language with the
right text and embedded fonts; renditions identified by their bytes; administrators' templates in a sandbox."""

from __future__ import annotations

import hashlib
import subprocess
import unicodedata
import uuid
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from certificates import rendering
from certificates.codes import LENGTH, code_display, code_normalise, new_code
from certificates.models import Certificate, CertificateTemplate, Rendition
from certificates.rendering import TemplateError, design_default, render_pdf, sample_values, template_check
from certificates.services import certificate_award, certificate_issue_run, certificate_render
from core.models import Job
from lms.competencies.models import Competency
from lms.courses import services as course_services
from lms.courses.models import Activity, Course, Enrollment
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

TITLES = {
    "en": "Teaching with digital tools",
    "ru": "Обучение с цифровыми инструментами",
    "ar": "التعليم بالأدوات الرقمية",
}
NAMES = {"en": "Amina Yusuf", "ru": "Анна Сергеевна Петрова", "ar": "فاطمة الزهراء بن علي"}


def pdf_text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(unicodedata.normalize("NFKC", text).split())


def pdf_fonts(pdf: bytes) -> str:
    return subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def course_with_one_step(*, languages=("en", "ru", "ar"), **settings) -> tuple[Course, Activity]:
    course = course_services.course_create(title=TITLES["en"], estimated_hours=Decimal("12.5"), **settings)
    course.titles = {lang: TITLES[lang] for lang in languages}
    course.languages = ",{},".format(",".join(languages))
    course.save(update_fields=["titles", "languages"])
    course.competencies.set(Competency.objects.filter(aspect=3, level__in=[1, 2]))
    step = Activity.objects.create(course=course, translation_key=uuid.uuid4(), titles={"en": "Only step"})
    return course, step


def complete(course: Course, step: Activity, user) -> Enrollment:
    enrollment = Enrollment.objects.create(user=user, course=course)
    course_services.activity_complete(enrollment=enrollment, activity=step)
    return enrollment


def test_completing_a_course_awards_one_certificate_in_the_same_transaction(django_capture_on_commit_callbacks):
    course, step = course_with_one_step()
    learner = UserFactory(full_name="Amina Yusuf", preferred_language="ru")
    with django_capture_on_commit_callbacks(execute=False):
        complete(course, step, learner)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.subject_key == course.subject_key
    assert certificate.language == "ru"  # the course is taught in her language
    assert certificate.snapshot["titles"] == course.titles
    assert certificate.snapshot["hours"] == "12.5"
    assert [c["code"] for c in certificate.snapshot["competencies"]] == ["3.1", "3.2"]
    assert Job.objects.filter(task_name="certificates.issue", kwargs={"certificate_id": certificate.pk}).count() == 1

    # Recorded again (a second request, a retried task): nothing new.
    enrollment = Enrollment.objects.get(user=learner)
    assert course_services.enrollment_check_completion(enrollment) is False
    again = certificate_award(user=learner, subject_key=course.subject_key, snapshot={}, language="en")
    assert again.pk == certificate.pk and Certificate.objects.count() == 1


def test_a_course_without_certificates_awards_none():
    course, step = course_with_one_step(certificate_enabled=False)
    complete(course, step, UserFactory())
    assert not Certificate.objects.exists()


def test_the_certificate_language_falls_back_to_the_courses_first_language():
    course, step = course_with_one_step(languages=("ru", "en"))
    complete(course, step, learner := UserFactory(preferred_language="ar"))
    assert Certificate.objects.get(user=learner).language == "ru"


def test_the_snapshot_stays_true_when_the_course_changes():
    course, step = course_with_one_step()
    complete(course, step, learner := UserFactory())
    Course.objects.filter(pk=course.pk).update(titles={"en": "Renamed"}, estimated_hours=40)
    certificate = Certificate.objects.get(user=learner)
    certificate_issue_run(certificate.pk)
    text = pdf_text(certificate.renditions.get().file.read())
    assert TITLES["en"] in text and "Renamed" not in text


def test_the_task_renders_once_and_emails_once_however_often_it_runs(django_capture_on_commit_callbacks):
    course, step = course_with_one_step()
    learner = UserFactory(full_name="Amina Yusuf", preferred_language="ar", email="amina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        complete(course, step, learner)  # eager Celery in the tests: the job runs on commit
    certificate = Certificate.objects.get(user=learner)
    first = certificate.renditions.get()
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_issue_run(certificate.pk).pk == first.pk  # delivered twice
        certificate_issue_run(certificate.pk)
    assert certificate.renditions.count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert TITLES["ar"] in message.subject  # in her language
    assert code_display(certificate.code) in message.body
    assert f"/verify/{certificate.code}/" in message.body


def test_a_run_that_died_mid_render_is_finished_by_the_next_one(monkeypatch, django_capture_on_commit_callbacks):
    course, step = course_with_one_step()
    learner = UserFactory(email="teacher@example.org")

    def die(*args, **kwargs):
        raise OSError("worker lost")

    monkeypatch.setattr("certificates.services.render_pdf", die)
    with django_capture_on_commit_callbacks(execute=True):
        complete(course, step, learner)
    certificate = Certificate.objects.get(user=learner)  # the completion and its certificate stand
    assert not certificate.renditions.exists() and not mail.outbox
    assert Job.objects.get(task_name="certificates.issue").status == Job.Status.FAILED
    monkeypatch.undo()

    # The file was written but the row was not (killed between the two): the next run uses the same name.
    pdf = render_pdf(
        design_default(certificate.language),
        rendering.certificate_values(certificate, verification_url=_verify_url(certificate)),
        language=certificate.language,
    )
    digest = hashlib.sha256(pdf).hexdigest()
    default_storage.save(f"certificates/pdf/{certificate.code}/{digest}.pdf", __import__("io").BytesIO(pdf))
    with django_capture_on_commit_callbacks(execute=True):
        rendition = certificate_issue_run(certificate.pk)
    assert rendition.sha256 == digest
    assert rendition.file.name == f"certificates/pdf/{certificate.code}/{digest}.pdf"
    assert len(mail.outbox) == 1


def _verify_url(certificate: Certificate) -> str:
    from certificates.services import verification_url

    return verification_url(certificate)


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_the_default_pdf_in_each_language_has_the_name_title_and_code_and_embeds_its_fonts(language):
    learner = UserFactory(full_name=NAMES[language], preferred_language=language)
    course, step = course_with_one_step()
    complete(course, step, learner)
    certificate = Certificate.objects.get(user=learner)
    pdf = certificate_issue_run(certificate.pk).file.read()
    text = pdf_text(pdf)
    assert NAMES[language] in text or _arabic_in(NAMES[language], text)
    assert TITLES[language] in text or _arabic_in(TITLES[language], text)
    assert code_display(certificate.code) in text  # left to right, in one piece, also inside Arabic text
    fonts = pdf_fonts(pdf).splitlines()[2:]
    embedded = {line.split()[0].split("+")[-1] for line in fonts if line.split()[-5] == "yes"}
    assert ("Amiri-Regular" if language == "ar" else "DejaVuSans") in embedded
    # Only ReportLab's initial canvas font (Helvetica, drawing nothing) may be listed without being embedded.
    assert {line.split()[0] for line in fonts if line.split()[-5] == "no"} <= {"Helvetica"}
    assert pdf_pages(pdf) == 1


def _arabic_in(phrase: str, text: str) -> bool:
    """pdftotext writes Arabic in visual order: compare word by word (each word's letters stay in order)."""
    return all(unicodedata.normalize("NFKC", word) in text for word in phrase.split())


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_long_names_and_titles_still_fit_on_one_page(language):
    values = sample_values(language)
    values["learner_name"] = " ".join([NAMES[language]] * 4)
    values["course_title"] = " ".join([TITLES[language]] * 5)
    values["competencies"] = [
        {"code": f"{a}.{lvl}", "aspect": {"en": "Aspect"}, "level": {"en": "Level"}}
        for a in range(1, 7)
        for lvl in (1, 2)
    ][:6]
    assert pdf_pages(render_pdf(design_default(language), values, language=language)) == 1


def test_rendering_is_deterministic_and_a_template_change_adds_a_rendition_that_old_ones_survive():
    course, step = course_with_one_step()
    complete(course, step, learner := UserFactory())
    certificate = Certificate.objects.get(user=learner)
    first = certificate_issue_run(certificate.pk)
    assert certificate_render(certificate, reason=Rendition.Reason.RERENDER).pk == first.pk  # same bytes

    default = design_default("en")
    CertificateTemplate.objects.create(
        name="Ministry", language="en", body=default.body, css=default.css + "h1{color:#000}"
    )
    second = certificate_render(certificate, reason=Rendition.Reason.RERENDER)
    assert second.pk != first.pk and second.sha256 != first.sha256
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert set(certificate.renditions.values_list("sha256", flat=True)) == {first.sha256, second.sha256}


@pytest.mark.parametrize(
    "body, css",
    [
        ("{% load static %}<p>{{ learner_name }}</p>", ""),
        ("<p>{{ settings.SECRET_KEY }}</p>", ""),
        ('{% include "core/base.html" %}', ""),
        ("<p>{{ learner_name|safe }}</p>", ""),
        ("{# a comment #}<p>x</p>", ""),
        ("<p>x</p>", "body { background: url(file:///etc/passwd) }"),
        ("<p>x</p>", "@import 'http://example.org/x.css';"),
        ("<p>x</p>", "@page { size: a3 }"),
        ('<p style="background-image: url(http://169.254.169.254/)">x</p>', ""),
    ],
)
def test_the_sandbox_refuses_tags_unknown_placeholders_and_loading_anything(body, css):
    with pytest.raises(TemplateError):
        template_check(body, css)


def test_values_are_escaped_and_markup_reaching_outside_is_removed():
    design = rendering.Design(
        body='<script>alert(1)</script><p>{{ learner_name }}</p><img src="http://example.org/x.png">'
        '<a href="http://example.org">link</a><img src="file:///etc/passwd">'
    )
    values = {**sample_values("en"), "learner_name": "<b>Bold</b> & Co"}
    html = rendering.render_html(design, values, language="en")
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert "<script" not in html and "alert(1)" not in html
    assert "http://example.org" not in html and "file:///" not in html
    assert "Bold" in pdf_text(render_pdf(design, values, language="en"))


def test_codes_carry_130_random_bits_and_read_back_however_they_are_typed():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(code) == LENGTH for code in codes)
    code = "7K3MQ2X9ABCD4EFGH5JKMN6PQR"
    shown = code_display(code)
    assert shown == "7K3M-Q2X9-ABCD-4EFG-H5JK-MN6P-QR"
    assert code_normalise(shown) == code
    assert code_normalise(" 7k3m q2x9 abcd 4efg h5jk mn6p qr ") == code
    assert code_normalise("7K3M-Q2X9-ABCD-4EFG-H5JK-MN6P-QO") == code[:-1] + "0"  # O typed for 0
    assert code_normalise("IL" + code[2:]) == "11" + code[2:]  # I and L typed for 1
    assert code_normalise("SHORT") is None
    assert code_normalise("0" * 25 + "U") is None  # U is not in the alphabet


def test_an_expiring_course_sets_the_validity_from_the_completion_day():
    course, step = course_with_one_step(certificate_validity_months=24)
    complete(course, step, learner := UserFactory())
    certificate = Certificate.objects.get(user=learner)
    assert certificate.valid_until == timezone.localdate() + relativedelta(months=24)
    assert not certificate.is_expired()
