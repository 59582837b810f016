"""The certificate builder of seed_demo: the demo teacher holds a certificate in each of the three languages, each
with its PDF, and the command prints their verification addresses."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from certificates.models import Certificate, Rendition
from tests.core.test_pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_the_demo_teacher_holds_a_certificate_in_each_language_and_the_command_prints_where_to_verify_them(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())  # a second run adds nothing

    certificates = Certificate.objects.filter(user__email="teacher@example.org").order_by("language")
    assert sorted(certificate.language for certificate in certificates) == ["ar", "en", "ru"]
    assert Rendition.objects.filter(certificate__in=certificates).count() == 3
    printed = re.findall(r"https?://\S+/verify/([0-9A-Z]+)/", out.getvalue())
    assert sorted(printed) == sorted(certificate.code for certificate in certificates)
    for certificate in certificates:
        rendition = certificate.renditions.get(is_current=True)
        with default_storage.open(rendition.file.name, "rb") as pdf:
            text = pdf_text(pdf.read())
        assert certificate.snapshot["learner_name"] in text
        assert certificate.snapshot["titles"][certificate.language] in text
        page = client.get(f"/verify/{certificate.code}/", HTTP_ACCEPT_LANGUAGE=certificate.language)
        assert page.status_code == 200
        assert certificate.snapshot["learner_name"] in page.content.decode()
