"""Administrators' bulk work on certificates: a zip of the PDFs her list shows (built in the background, with
progress, for her only, until it expires) and re-rendering after a template change (once per change, whatever
runs twice; one failure does not stop the rest). Only superusers and site administrators, within their scope."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import time
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page, Site

from accounts.models import Country, PartnerSite, RoleGrant
from certificates import bulk
from certificates.codes import code_display
from certificates.models import Certificate, CertificateTemplate, Rendition
from certificates.rendering import design_default
from certificates.services import certificate_revoke
from core.models import Job
from tests.certificates.test_pages import make_certificate, signed_in, text
from tests.certificates.test_revocation import issued, site_admin, url
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def egypt():
    return Country.objects.get(code="EG")


@pytest.fixture
def tunisia():
    return Country.objects.get(code="TN")


def export(client: Client, captured, **filters) -> Job:
    """Ask for the zip from the list (its filters as the list page sends them) and let the job run."""
    before = set(Job.objects.filter(task_name=bulk.EXPORT_TASK).values_list("pk", flat=True))
    with captured(execute=True):
        response = client.post(url("bulk-download"), filters)
    job = Job.objects.filter(task_name=bulk.EXPORT_TASK).exclude(pk__in=before).get()
    with translation.override("en"):
        assert response.status_code == 302 and response["Location"] == reverse("core:job-detail", args=[job.pk])
    job.refresh_from_db()
    return job


def download(client: Client, job: Job):
    return client.get(url("bulk-file", job_id=job.pk))


def archive_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def index_of(archive: zipfile.ZipFile) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read("certificates.csv").decode("utf-8-sig"))))


def new_template(language: str = "en") -> CertificateTemplate:
    default = design_default(language)
    return CertificateTemplate.objects.create(
        name="Ministry", language=language, body=default.body, css=default.css + "h1{color:#123456}"
    )


# The zip ----------------------------------------------------------------------------------------------------------


def test_the_zip_holds_the_pdfs_and_index_of_the_certificates_her_list_shows_and_nothing_from_another_country(
    django_capture_on_commit_callbacks, egypt, tunisia
):
    admin = site_admin(egypt)
    valid = issued(UserFactory(), country=egypt, snapshot={"learner_name": "Amina Yusuf"})
    formula = issued(UserFactory(), country=egypt, snapshot={"learner_name": '=HYPERLINK("http://evil.example")'})
    revoked = issued(UserFactory(), country=egypt, snapshot={"learner_name": "Omar Haddad"})
    certificate_revoke(certificate=revoked, by=admin, reason="Duplicate")
    waiting = make_certificate(UserFactory(), country=egypt, snapshot={"learner_name": "@SUM(A1:A9)"})  # no PDF yet
    issued(UserFactory(), country=tunisia, snapshot={"learner_name": "Tunisian teacher"})
    client = signed_in(admin)

    job = export(client, django_capture_on_commit_callbacks, q="", status="valid")

    assert job.status == Job.Status.DONE and job.owner_id == admin.pk
    assert job.progress_total == 3 and job.progress_done == 3
    result_page = client.get(url("bulk-result", job_id=job.pk))
    assert result_page.status_code == 200
    assert url("bulk-file", job_id=job.pk) in text(result_page)
    archive = archive_of(download(client, job))
    assert sorted(archive.namelist()) == sorted([f"{valid.code}.pdf", f"{formula.code}.pdf", "certificates.csv"])
    for certificate in (valid, formula):
        rendition = certificate.renditions.get(is_current=True)
        assert hashlib.sha256(archive.read(f"{certificate.code}.pdf")).hexdigest() == rendition.sha256

    header, *rows = index_of(archive)
    assert header == ["Verification code", "Awarded to", "Title", "Language", "Issued on", "Status", "File"]
    by_code = {row[0]: row for row in rows}
    assert set(by_code) == {code_display(c.code) for c in (valid, formula, waiting)}
    assert by_code[code_display(valid.code)] == [
        code_display(valid.code),
        "Amina Yusuf",
        "Teaching with digital tools",
        "en",
        "2026-11-21",
        "Valid",
        f"{valid.code}.pdf",
    ]
    assert by_code[code_display(formula.code)][1] == '\'=HYPERLINK("http://evil.example")'  # shown, never run
    assert by_code[code_display(waiting.code)][1] == "'@SUM(A1:A9)"
    assert by_code[code_display(waiting.code)][6] == "PDF not ready"


def test_the_zip_follows_the_search_and_a_superuser_gets_every_country(
    django_capture_on_commit_callbacks, egypt, tunisia
):
    wanted = issued(UserFactory(email="amina@example.org"), country=tunisia)
    issued(UserFactory(), country=egypt)
    client = signed_in(superuser())

    job = export(client, django_capture_on_commit_callbacks, q="amina@example.org", status="")

    archive = archive_of(download(client, job))
    assert sorted(archive.namelist()) == sorted([f"{wanted.code}.pdf", "certificates.csv"])
    assert [row[0] for row in index_of(archive)[1:]] == [code_display(wanted.code)]


def test_the_index_is_written_in_the_language_she_asked_in(django_capture_on_commit_callbacks, egypt):
    issued(UserFactory(), country=egypt)
    client = signed_in(superuser())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("bulk-download", "ru"), {"q": "", "status": ""})
    job = Job.objects.get(task_name=bulk.EXPORT_TASK)
    header = index_of(archive_of(download(client, job)))[0]
    assert header[0] != "Verification code" and header[0]  # translated (the catalogue has it)


def test_only_the_owner_downloads_the_zip(django_capture_on_commit_callbacks, egypt):
    issued(UserFactory(), country=egypt)
    owner = superuser()
    job = export(signed_in(owner), django_capture_on_commit_callbacks)

    other = signed_in(superuser())
    assert download(other, job).status_code == 404
    assert other.get(url("bulk-result", job_id=job.pk)).status_code == 404
    anonymous = Client().get(url("bulk-file", job_id=job.pk))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert download(signed_in(owner), job).status_code == 200


def test_the_link_expires_and_the_file_is_deleted(django_capture_on_commit_callbacks, egypt):
    issued(UserFactory(), country=egypt)
    owner = superuser()
    client = signed_in(owner)
    job = export(client, django_capture_on_commit_callbacks)
    name = job.result["file"]
    assert default_storage.exists(name)
    expires_at = timezone.datetime.fromisoformat(job.result["expires_at"])
    assert timedelta(hours=23) < expires_at - timezone.now() <= bulk.EXPORT_LIFETIME

    Job.objects.filter(pk=job.pk).update(
        result={**job.result, "expires_at": (timezone.now() - timedelta(seconds=1)).isoformat()}
    )

    response = download(client, job)
    assert response.status_code == 410
    assert "expired" in text(response)
    assert not default_storage.exists(name)


def test_old_zips_are_purged_when_the_next_export_is_made(django_capture_on_commit_callbacks, egypt):
    old = default_storage.save(f"{bulk.EXPORT_DIRECTORY}/old.zip", ContentFile(b"PK"))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))

    job = export(signed_in(superuser()), django_capture_on_commit_callbacks)

    assert not default_storage.exists(old)
    assert default_storage.exists(job.result["file"])


def test_the_task_checks_her_scope_again(django_capture_on_commit_callbacks, egypt):
    issued(UserFactory(), country=egypt)
    admin = site_admin(egypt)
    with django_capture_on_commit_callbacks() as callbacks:
        signed_in(admin).post(url("bulk-download"), {"q": "", "status": ""})
    RoleGrant.objects.filter(user=admin).delete()  # her role is taken away before the job runs
    for callback in callbacks:
        callback()
    job = Job.objects.get(task_name=bulk.EXPORT_TASK)
    assert job.status == Job.Status.FAILED
    assert not job.result.get("file")


# Re-rendering -----------------------------------------------------------------------------------------------------


def rerender(client: Client, captured, **data) -> Job:
    before = set(Job.objects.filter(task_name=bulk.RERENDER_TASK).values_list("pk", flat=True))
    with captured(execute=True):
        response = client.post(url("bulk-rerender"), data)
    assert response.status_code == 302, text(response)
    job = Job.objects.filter(task_name=bulk.RERENDER_TASK).exclude(pk__in=before).get()
    job.refresh_from_db()
    return job


def rerenders(certificate: Certificate) -> int:
    return certificate.renditions.filter(reason=Rendition.Reason.RERENDER).count()


def test_a_rerender_after_a_template_change_adds_one_rendition_each_and_a_second_run_adds_none(
    django_capture_on_commit_callbacks, egypt
):
    english = [issued(UserFactory(), country=egypt) for _ in range(2)]
    russian = issued(UserFactory(), country=egypt, language="ru")
    revoked = issued(UserFactory(), country=egypt)
    admin = superuser()
    certificate_revoke(certificate=revoked, by=admin, reason="Fraud")
    template = new_template("en")
    client = signed_in(admin)
    assert client.get(url("bulk-rerender")).status_code == 200

    job = rerender(client, django_capture_on_commit_callbacks, language="en", partner_site="")

    assert job.status == Job.Status.DONE and job.owner_id == admin.pk
    assert job.progress_done == job.progress_total == 2
    assert job.result["changed"] == 2 and job.result["failed"] == 0
    for certificate in english:
        assert rerenders(certificate) == 1
        current = certificate.renditions.get(is_current=True)
        assert current.reason == Rendition.Reason.RERENDER and current.template_id == template.pk
        assert certificate.renditions.count() == 2  # the first PDF stays recognised
    assert rerenders(russian) == 0 and rerenders(revoked) == 0
    page = text(client.get(url("bulk-result", job_id=job.pk)))
    assert "2 certificates have a new PDF." in page

    again = rerender(client, django_capture_on_commit_callbacks, language="en", partner_site="")

    assert again.status == Job.Status.DONE
    assert again.result["changed"] == 0 and again.result["unchanged"] == 2
    assert [rerenders(certificate) for certificate in english] == [1, 1]


def test_a_certificate_that_fails_is_recorded_and_the_others_are_rendered(
    django_capture_on_commit_callbacks, monkeypatch, egypt
):
    good, bad = issued(UserFactory(), country=egypt), issued(UserFactory(), country=egypt)
    new_template("en")
    render = bulk.certificate_render

    def flaky(certificate, *, reason):
        if certificate.pk == bad.pk:
            raise RuntimeError("The signature image cannot be read")
        return render(certificate, reason=reason)

    monkeypatch.setattr(bulk, "certificate_render", flaky)
    client = signed_in(superuser())

    job = rerender(client, django_capture_on_commit_callbacks, language="en")

    assert job.status == Job.Status.DONE
    assert job.result["changed"] == 1 and job.result["failed"] == 1
    assert job.result["failures"] == [{"code": code_display(bad.code), "error": "The signature image cannot be read"}]
    assert rerenders(good) == 1 and rerenders(bad) == 0
    page = text(client.get(url("bulk-result", job_id=job.pk)))
    assert code_display(bad.code) in page and "The signature image cannot be read" in page


def test_a_site_administrator_rerenders_only_her_countrys_certificates(
    django_capture_on_commit_callbacks, egypt, tunisia
):
    mine = issued(UserFactory(), country=egypt)
    theirs = issued(UserFactory(), country=tunisia)
    new_template("en")
    admin = site_admin(egypt)
    partner = admin.role_grants.get().partner_site

    job = rerender(signed_in(admin), django_capture_on_commit_callbacks, language="en", partner_site="")

    assert job.result["changed"] == 1
    assert rerenders(mine) == 1 and rerenders(theirs) == 0

    # Narrowed to her partner site: her certificate is not on it, so nothing is rendered.
    job = rerender(signed_in(admin), django_capture_on_commit_callbacks, language="en", partner_site=partner.pk)
    assert job.result["total"] == 0


def test_a_site_administrator_cannot_choose_someone_elses_partner_site(egypt, tunisia):
    admin = site_admin(egypt)
    other_site = Site.objects.create(hostname="tn.example", root_page=Page.objects.get(depth=1), site_name="TN")
    other = PartnerSite.objects.create(site=other_site, country=tunisia)
    response = signed_in(admin).post(url("bulk-rerender"), {"language": "en", "partner_site": other.pk})
    assert response.status_code == 400
    assert not Job.objects.filter(task_name=bulk.RERENDER_TASK).exists()


# Who may ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["learner", "trainer", "ministry official"])
def test_only_administrators_use_bulk_actions(who, egypt):
    people = {
        "learner": UserFactory,
        "trainer": make_trainer,
        "ministry official": lambda: ministry_official(country=egypt),
    }
    client = signed_in(people[who]())
    assert client.post(url("bulk-download"), {"q": "", "status": ""}).status_code == 403
    assert client.get(url("bulk-rerender")).status_code == 403
    assert client.post(url("bulk-rerender"), {"language": "en"}).status_code == 403
    assert not Job.objects.filter(task_name__in=bulk.TASKS).exists()


def test_the_bulk_actions_need_the_csrf_token(egypt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser())
    assert client.post(url("bulk-download"), {"q": "", "status": ""}).status_code == 403
    assert client.post(url("bulk-rerender"), {"language": "en"}).status_code == 403
    assert not Job.objects.filter(task_name__in=bulk.TASKS).exists()

    token = client.get(url("bulk-rerender")).context["csrf_token"]
    response = client.post(url("bulk-download"), {"q": "", "status": "", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302


def test_downloading_is_a_post(egypt):
    assert signed_in(superuser()).get(url("bulk-download")).status_code == 405


def test_the_list_pages_bulk_actions_keep_its_filters_and_carry_the_csrf_token(rf):
    request = rf.get(url("manage"))
    request.user = superuser()
    html = render_to_string(
        "certificates/manage/bulk_actions.html",
        {"search": "Amina", "status": "valid", "administrator": True},
        request=request,
    )
    assert f'action="{url("bulk-download")}"' in html and 'method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="q" value="Amina"' in html and 'name="status" value="valid"' in html
    assert url("bulk-rerender") in html
    # A trainer's list offers the zip but not re-rendering, which changes certificates.
    as_trainer = render_to_string("certificates/manage/bulk_actions.html", {"administrator": False}, request=request)
    assert url("bulk-download") in as_trainer and url("bulk-rerender") not in as_trainer
