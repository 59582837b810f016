"""The certificate pages: public verification by code (in the viewer's language, with its status), the look-up
and file-check forms, the rate limit against guessing, a learner's list of certificates and her downloads."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from certificates.codes import code_display, new_code
from certificates.forms import MAX_PDF_BYTES
from certificates.models import Certificate, Rendition
from tests.factories.accounts import UserFactory
from tests.factories.roles import superuser

pytestmark = pytest.mark.django_db

TITLES = {
    "en": "Teaching with digital tools",
    "ru": "Обучение с цифровыми инструментами",
    "ar": "التدريس بالأدوات الرقمية",
}
ASPECTS = {"en": "Pedagogy", "ru": "Педагогика", "ar": "علم أصول التدريس"}
LEVELS = {"en": "Knowledge Acquisition", "ru": "Приобретение знаний", "ar": "اكتساب المعرفة"}


def make_certificate(user=None, *, titles=None, language="en", **fields) -> Certificate:
    snapshot = {
        "kind": "course",
        "learner_name": "Amina Yusuf",
        "learner_name_latin": "",
        "titles": TITLES if titles is None else titles,
        "hours": "12.5",
        "competencies": [{"code": "3.1", "aspect": ASPECTS, "level": LEVELS}],
        "completed_on": "2026-11-20",
        "issued_on": "2026-11-21",
        "issuer": "Maktaba",
    }
    snapshot.update(fields.pop("snapshot", {}))
    return Certificate.objects.create(
        user=user, subject_key=f"course:{uuid.uuid4()}", snapshot=snapshot, language=language, **fields
    )


def fake_pdf(label: str = "") -> bytes:
    return b"%PDF-1.7\n% test certificate " + label.encode() + b"\n%%EOF\n"


def add_rendition(certificate: Certificate, content: bytes, *, is_current: bool = True) -> Rendition:
    digest = hashlib.sha256(content).hexdigest()
    name = default_storage.save(f"certificates/pdf/{certificate.code}/{digest}.pdf", ContentFile(content))
    return Rendition.objects.create(
        certificate=certificate, file=name, sha256=digest, size=len(content), is_current=is_current
    )


def verify_url(certificate: Certificate) -> str:
    return reverse("certificates:verify", kwargs={"code": certificate.code})


def lookup_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("certificates:lookup")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


# The verification page ------------------------------------------------------------------------------------------


def test_the_qr_code_address_has_no_language_prefix():
    certificate = make_certificate()
    assert verify_url(certificate) == f"/verify/{certificate.code}/"


@pytest.mark.parametrize(
    ("language", "direction"),
    [("en", "ltr"), ("ru", "ltr"), ("ar", "rtl")],
)
@pytest.mark.parametrize("chosen_by", ["accept-language", "cookie"])
def test_a_valid_certificate_is_shown_in_the_viewers_language(client, language, direction, chosen_by):
    learner = UserFactory(email="amina@example.org")
    certificate = make_certificate(learner)
    if chosen_by == "cookie":
        client.cookies["django_language"] = language
        response = client.get(verify_url(certificate), HTTP_ACCEPT_LANGUAGE="en")
    else:
        response = client.get(verify_url(certificate), HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")

    assert response.status_code == 200
    page = text(response)
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert "Amina Yusuf" in page
    assert TITLES[language] in page
    assert ASPECTS[language] in page and LEVELS[language] in page
    assert code_display(certificate.code) in page
    assert re.search(r'role="status"', page)
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"]
    # Nothing about the learner's account.
    assert learner.email not in page
    assert f"/{learner.pk}/" not in page
    # The other titles are not shown (the page is in one language).
    assert all(TITLES[other] not in page for other in TITLES if other != language)


def test_the_page_says_valid_in_words(client):
    certificate = make_certificate()
    page = text(client.get(verify_url(certificate), HTTP_ACCEPT_LANGUAGE="en"))
    status = re.search(r'<div class="callout[^"]*"\s+role="status">(.*?)</div>', page, re.S).group(1)
    assert "Valid" in status
    assert "Revoked" not in page and "Expired" not in page


def test_a_title_missing_in_the_viewers_language_falls_back_to_the_certificates_language(client):
    certificate = make_certificate(titles={"ru": TITLES["ru"]}, language="ru")
    page = text(client.get(verify_url(certificate), HTTP_ACCEPT_LANGUAGE="ar"))
    assert 'dir="rtl"' in page
    assert f'lang="ru"><bdi>{TITLES["ru"]}</bdi></dd>' in page  # its own direction, aligned with the page


def test_the_latin_name_is_shown_when_there_is_one(client):
    certificate = make_certificate(snapshot={"learner_name": "Анна Петрова", "learner_name_latin": "Anna Petrova"})
    page = text(client.get(verify_url(certificate)))
    assert "Анна Петрова" in page and "Anna Petrova" in page


def test_a_revoked_certificate_says_so_with_its_reason(client):
    certificate = make_certificate(
        status=Certificate.Status.REVOKED,
        revoked_at=timezone.now(),
        revoked_reason="Issued by mistake to the wrong learner.",
    )
    response = client.get(verify_url(certificate), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = text(response)
    status = re.search(r'role="status">(.*?)</div>', page, re.S).group(1)
    assert "Revoked" in status
    assert "Issued by mistake to the wrong learner." in status
    assert "no longer valid" in status


def test_an_expired_certificate_says_so(client):
    certificate = make_certificate(valid_until=timezone.localdate() - timedelta(days=1))
    page = text(client.get(verify_url(certificate), HTTP_ACCEPT_LANGUAGE="en"))
    status = re.search(r'role="status">(.*?)</div>', page, re.S).group(1)
    assert "Expired" in status
    assert "Valid</p>" not in status


def test_a_certificate_valid_until_a_later_day_is_valid(client):
    certificate = make_certificate(valid_until=timezone.localdate() + timedelta(days=30))
    page = text(client.get(verify_url(certificate), HTTP_ACCEPT_LANGUAGE="en"))
    status = re.search(r'role="status">(.*?)</div>', page, re.S).group(1)
    assert "Valid" in status and "valid until" in status


def test_an_unknown_code_gets_a_404_page_with_the_lookup_form(client):
    make_certificate()
    code = new_code()
    response = client.get(f"/verify/{code}/", HTTP_ACCEPT_LANGUAGE="ru", follow=True)
    assert response.redirect_chain == [(f"/ru/verify/{code}/", 302)]
    assert response.status_code == 404
    page = text(response)
    assert '<html lang="ru"' in page
    assert code in page
    assert 'name="code"' in page  # the look-up form, to try again
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_unknown_code_under_a_language_prefix_is_a_404(client, language):
    response = client.get(f"/{language}/verify/{new_code()}/")
    assert response.status_code == 404
    assert f'<html lang="{language}"' in text(response)


def test_something_that_is_not_a_code_is_a_404(client):
    response = client.get("/en/verify/not-a-code/")
    assert response.status_code == 404


def test_a_code_written_another_way_redirects_to_its_canonical_address(client):
    certificate = make_certificate()
    typed = code_display(certificate.code).lower().replace("0", "o").replace("1", "l")
    response = client.get(f"/verify/{typed}/")
    assert response.status_code in (301, 302)
    assert response["Location"] == f"/verify/{certificate.code}/"
    assert client.get(response["Location"]).status_code == 200


def test_the_same_under_a_language_prefix_stays_in_that_language(client):
    certificate = make_certificate()
    response = client.get(f"/ar/verify/{code_display(certificate.code).lower()}/")
    assert response["Location"] == f"/ar/verify/{certificate.code}/"


def test_verification_is_rate_limited(client, settings):
    settings.RATES = {**settings.RATES, "lookup-ip": "3/10m"}
    certificate = make_certificate()
    statuses = [client.get(verify_url(certificate)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Guessing other codes, through the form or a file, is refused too.
    assert client.get(f"/en/verify/{new_code()}/").status_code == 429
    assert client.get(lookup_url(), {"code": "nonsense"}).status_code == 429
    assert client.post(lookup_url(), {"file": SimpleUploadedFile("c.pdf", fake_pdf())}).status_code == 429


# The look-up form --------------------------------------------------------------------------------------------------


def test_the_lookup_form_leads_to_the_page_in_the_forms_language(client):
    certificate = make_certificate()
    response = client.get(lookup_url("ar"), {"code": " " + code_display(certificate.code).lower() + " "})
    assert response.status_code == 302
    assert response["Location"] == f"/ar/verify/{certificate.code}/"
    page = text(client.get(response["Location"]))
    assert TITLES["ar"] in page and 'dir="rtl"' in page


def test_the_lookup_form_explains_a_malformed_code_next_to_the_field(client):
    response = client.get(lookup_url(), {"code": "ABC-123"})
    assert response.status_code == 200
    page = text(response)
    assert 'role="alert"' in page
    assert "This is not a verification code" in page
    assert 'aria-invalid="true"' in page
    assert 'value="ABC-123"' in page  # what she typed is kept


def test_the_empty_lookup_page_has_both_forms(client):
    response = client.get(lookup_url("ru"))
    assert response.status_code == 200
    page = text(response)
    assert 'name="code"' in page and 'type="file"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page


# Checking a PDF file -----------------------------------------------------------------------------------------------


def check_file(client: Client, content: bytes, name: str = "certificate.pdf"):
    return client.post(lookup_url(), {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})


def test_the_current_pdf_of_a_certificate_is_recognised(client):
    certificate = make_certificate()
    add_rendition(certificate, fake_pdf("current"))
    response = check_file(client, fake_pdf("current"))
    assert response.status_code == 200
    page = text(response)
    assert "This file was issued by this platform and has not been changed." in page
    assert "earlier version" not in page
    assert code_display(certificate.code) in page
    assert f"/en/verify/{certificate.code}/" in page


def test_an_earlier_pdf_of_a_reissued_certificate_is_recognised_as_such(client):
    certificate = make_certificate()
    add_rendition(certificate, fake_pdf("first"), is_current=False)
    add_rendition(certificate, fake_pdf("second"))
    page = text(check_file(client, fake_pdf("first")))
    assert "This file was issued by this platform and has not been changed." in page
    assert "earlier version of this certificate" in page
    assert code_display(certificate.code) in page


def test_a_pdf_of_a_revoked_certificate_shows_it_is_revoked(client):
    certificate = make_certificate(status=Certificate.Status.REVOKED, revoked_reason="Fraud.")
    add_rendition(certificate, fake_pdf())
    page = text(check_file(client, fake_pdf()))
    assert "Revoked" in page and "Fraud." in page


def test_a_changed_or_foreign_pdf_is_not_recognised(client):
    certificate = make_certificate()
    add_rendition(certificate, fake_pdf("genuine"))
    response = check_file(client, fake_pdf("genuine") + b" ")
    assert response.status_code == 200
    page = text(response)
    assert "This file was not issued by this platform (or it was changed)." in page
    assert code_display(certificate.code) not in page


def test_a_file_larger_than_10_mb_is_refused(client):
    certificate = make_certificate()
    big = fake_pdf() + b"0" * MAX_PDF_BYTES
    add_rendition(certificate, big)  # even a real match is not read past the limit
    response = check_file(client, big)
    assert response.status_code == 200
    page = text(response)
    assert "This file is larger than 10 MB" in page
    assert 'role="alert"' in page
    assert "issued by this platform and has not been changed" not in page


def test_a_file_that_is_not_a_pdf_is_refused(client):
    certificate = make_certificate()
    add_rendition(certificate, fake_pdf())
    response = check_file(client, b"<html>" + fake_pdf(), name="certificate.pdf")
    page = text(response)
    assert "This file is not a PDF." in page
    assert "not issued by this platform" not in page


def test_the_file_check_is_protected_against_cross_site_requests():
    client = Client(enforce_csrf_checks=True)
    response = client.post(lookup_url(), {"file": SimpleUploadedFile("c.pdf", fake_pdf())})
    assert response.status_code == 403
    page = text(client.get(lookup_url()))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        lookup_url(), {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("c.pdf", fake_pdf())}
    )
    assert response.status_code == 200


# Downloads ---------------------------------------------------------------------------------------------------------


def download_url(certificate: Certificate, language: str = "en") -> str:
    with translation.override(language):
        return reverse("certificates:download", kwargs={"certificate_uuid": certificate.uuid})


def test_the_learner_downloads_her_current_pdf():
    learner = UserFactory()
    certificate = make_certificate(learner)
    add_rendition(certificate, fake_pdf("old"), is_current=False)
    add_rendition(certificate, fake_pdf("current"))
    response = signed_in(learner).get(download_url(certificate, "ru"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"certificate-{certificate.code}.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == fake_pdf("current")


def test_a_superuser_may_download_anyones_certificate():
    certificate = make_certificate(UserFactory())
    add_rendition(certificate, fake_pdf())
    response = signed_in(superuser()).get(download_url(certificate))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == fake_pdf()


def test_nobody_else_can_download_it():
    certificate = make_certificate(UserFactory())
    add_rendition(certificate, fake_pdf())
    response = signed_in(UserFactory()).get(download_url(certificate))
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_an_unknown_certificate_is_a_404():
    response = signed_in(UserFactory()).get(reverse("certificates:download", kwargs={"certificate_uuid": uuid.uuid4()}))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    certificate = make_certificate(UserFactory())
    add_rendition(certificate, fake_pdf())
    url = download_url(certificate)
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert "next=" in response["Location"]


def test_a_certificate_without_a_pdf_yet_says_it_is_being_prepared():
    learner = UserFactory()
    certificate = make_certificate(learner)
    response = signed_in(learner).get(download_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "being prepared" in text(response)
    assert code_display(certificate.code) in text(response)


# My certificates ---------------------------------------------------------------------------------------------------


def mine_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("certificates:mine")


def test_my_certificates_lists_only_hers_in_her_language():
    learner = UserFactory()
    mine = make_certificate(learner)
    add_rendition(mine, fake_pdf())
    revoked = make_certificate(
        learner, titles={"ru": "Отозванный курс"}, status=Certificate.Status.REVOKED, revoked_reason="Ошибка."
    )
    someone_elses = make_certificate(UserFactory(), titles={"ru": "Чужой курс"})
    response = signed_in(learner).get(mine_url("ru"))
    assert response.status_code == 200
    page = text(response)
    assert TITLES["ru"] in page and "Отозванный курс" in page
    assert "Чужой курс" not in page and code_display(someone_elses.code) not in page
    assert code_display(mine.code) in page and code_display(revoked.code) in page
    assert download_url(mine, "ru") in page
    assert download_url(revoked, "ru") not in page  # no PDF yet: no download button
    assert f"/ru/verify/{mine.code}/" in page
    assert "Ошибка." in page


def test_my_certificates_has_an_empty_state():
    page = text(signed_in(UserFactory()).get(mine_url()))
    assert "You have no certificates yet." in page


def test_my_certificates_needs_signing_in(client):
    response = client.get(mine_url())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_my_certificates_is_paginated():
    learner = UserFactory()
    now = timezone.now()
    for index in range(26):
        make_certificate(learner, titles={"en": f"Course number {index:02d}"}, issued_at=now - timedelta(days=index))
    client = signed_in(learner)
    first = text(client.get(mine_url()))
    assert "Course number 00" in first and "Course number 24" in first and "Course number 25" not in first
    second = text(client.get(mine_url(), {"page": 2}))
    assert "Course number 25" in second and "Course number 00" not in second


def test_my_certificates_reads_a_fixed_number_of_queries():
    learner = UserFactory()
    client = signed_in(learner)
    client.get(mine_url())  # the first request of the session records her activity

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(mine_url()).status_code == 200
        return len(captured)

    certificate = make_certificate(learner)
    add_rendition(certificate, fake_pdf("0"))
    one = queries()
    for index in range(1, 5):
        add_rendition(make_certificate(learner), fake_pdf(str(index)))
    five = queries()
    assert one == five
    assert one <= 6
