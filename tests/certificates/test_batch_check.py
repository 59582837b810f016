"""A ministry's batch check of certificate codes: a CSV (or pasted codes) in, a CSV of what verification says of
each code out, in one query, in her language; the input is checked as a whole first; only ministry officials and
administrators; rate-limited; CSRF-protected."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import Country
from certificates.codes import code_display, new_code
from certificates.models import Certificate
from tests.certificates.test_pages import make_certificate, signed_in, text
from tests.certificates.test_revocation import url
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def official():
    return ministry_official(country=Country.objects.get(code="EG"))


def results(response) -> list[list[str]]:
    assert response.status_code == 200, text(response)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def upload(content: str, name: str = "codes.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def test_each_code_gets_its_row_in_the_order_given(official):
    valid = make_certificate(UserFactory(), snapshot={"learner_name": "Amina Yusuf"})
    revoked = make_certificate(UserFactory(), snapshot={"learner_name": "Omar Said"})
    Certificate.objects.filter(pk=revoked.pk).update(status=Certificate.Status.REVOKED, revoked_reason="Fraud")
    expired = make_certificate(UserFactory(), valid_until=date(2020, 1, 1))
    unknown = new_code()
    listing = "\n".join(
        ["code", code_display(valid.code).lower(), revoked.code, "not-a-code", unknown, expired.code, "=HYPERLINK(1)"]
    )

    rows = results(signed_in(official).post(url("batch-check"), {"file": upload(listing)}))

    assert rows[0][:3] == ["Code as written", "Verification code", "Result"]
    by_written = {row[0]: row for row in rows[1:]}
    assert [row[0] for row in rows[1:]][:2] == [code_display(valid.code).lower(), revoked.code]
    assert by_written[code_display(valid.code).lower()][1:5] == [
        code_display(valid.code),
        "Valid",
        "Amina Yusuf",
        "Teaching with digital tools",
    ]
    assert by_written[revoked.code][2] == "Revoked" and by_written[revoked.code][-1] == "Fraud"
    assert by_written[expired.code][2] == "Expired" and by_written[expired.code][6] == "2020-01-01"
    assert by_written[unknown][2] == "No certificate has this code"
    assert by_written["not-a-code"][2] == "Not a verification code"
    assert "'=HYPERLINK(1)" in by_written  # written back formula-safe
    assert len(rows) == 1 + 6 + 1 - 1  # the header row of the input is not a code


def test_pasted_codes_and_the_results_in_arabic():
    certificate = make_certificate(UserFactory(), snapshot={"learner_name": "أمل حداد"})
    client = signed_in(superuser())
    with translation.override("ar"):
        response = client.post(url("batch-check", "ar"), {"codes": f"{certificate.code}\n\n"})
    rows = results(response)
    with translation.override("ar"):
        from django.utils.translation import gettext

        assert rows[0][2] == gettext("Result") != "Result"
        assert rows[1][2] == gettext("Valid")
    assert rows[1][3] == "أمل حداد" and rows[1][4] == "التدريس بالأدوات الرقمية"


def test_a_thousand_codes_in_one_query_for_the_certificates(official):
    codes = [make_certificate(UserFactory()).code for _ in range(3)] + [new_code() for _ in range(997)]
    client = signed_in(official)
    with CaptureQueriesContext(connection) as queries:
        rows = results(client.post(url("batch-check"), {"codes": "\n".join(codes)}))
    assert len(rows) == 1001
    assert sum("certificates_certificate" in query["sql"] for query in queries.captured_queries) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Choose a file or paste the codes."),
        ("code\n", "The list holds no codes."),
        ("\n".join(["AB12"] * 1001), "at most 1000 can be checked at once"),
    ],
)
def test_a_list_that_cannot_be_checked_is_explained_and_what_was_pasted_is_kept(official, content, message):
    response = signed_in(official).post(url("batch-check"), {"codes": content})
    assert response.status_code == 400
    page = text(response)
    assert message in page
    if content.strip():
        assert content.splitlines()[0] in page


def test_a_file_that_is_not_text_or_too_large_is_refused(official):
    client = signed_in(official)
    binary = SimpleUploadedFile("codes.csv", b"\xff\xfe\x00\x81" * 10, content_type="text/csv")
    assert "not UTF-8 text" in text(client.post(url("batch-check"), {"file": binary}))
    big = SimpleUploadedFile("codes.csv", b"A" * (1024 * 1024 + 1), content_type="text/csv")
    assert "larger than 1 MB" in text(client.post(url("batch-check"), {"file": big}))


@pytest.mark.parametrize("who", ["anonymous", "learner", "trainer"])
def test_only_officials_and_administrators_check_batches(client, who):
    if who != "anonymous":
        client.force_login(UserFactory() if who == "learner" else make_trainer())
    response = client.post(url("batch-check"), {"codes": new_code()})
    if who == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == 403


def test_batches_are_rate_limited_and_csrf_protected(official, settings):
    settings.RATES = {**settings.RATES, "batch-check-user": "2/h"}
    client = signed_in(official)
    for _ in range(2):
        assert client.post(url("batch-check"), {"codes": new_code()}).status_code == 200
    assert client.post(url("batch-check"), {"codes": new_code()}).status_code == 429

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(superuser())
    assert guarded.post(url("batch-check"), {"codes": new_code()}).status_code == 403


def test_the_form_page_in_russian(official):
    page = text(signed_in(official).get(url("batch-check", "ru")))
    with translation.override("ru"):
        from django.utils.translation import gettext

        assert gettext("Check a batch of certificates") in page
    assert 'enctype="multipart/form-data"' in page and timezone.now()
