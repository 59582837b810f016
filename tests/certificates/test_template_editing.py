"""Site administrators edit certificate templates: who may edit which, the sandbox's refusals shown as form errors,
the preview on sample data (submitted and saved), uploads that are checked and only written by a successful save,
and a saved template being the one certificates are then made with."""

from __future__ import annotations

import html
import io
import unicodedata
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image
from wagtail.models import Site

from accounts.models import Country, PartnerSite, Role
from accounts.services import role_grant
from certificates.models import Certificate, CertificateTemplate, Signatory
from certificates.rendering import design_default, sample_values
from certificates.services import design_for
from tests.core.test_pdf import pdf_text
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser, trainer

pytestmark = pytest.mark.django_db

BODY = "<p>{{ learner_name }}</p><p>{{ course_title }}</p>{{ logo }}{{ signatories }}"


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"certificates:{name}", kwargs=kwargs)


def partner(code: str = "EG") -> PartnerSite:
    default = Site.objects.get(is_default_site=True)
    site = Site.objects.create(hostname=f"{uuid.uuid4().hex[:8]}.example.org", root_page=default.root_page)
    return PartnerSite.objects.create(site=site, country=Country.objects.get(code=code))


def site_admin(site: PartnerSite):
    user = UserFactory()
    role_grant(user=user, role=Role.SITE_ADMINISTRATOR, partner_site=site)
    return user


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(url("template-list"))  # sets the CSRF cookie
    return client


def post(client: Client, path: str, data: dict, **extra):
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(path, {**data, "csrfmiddlewaretoken": token}, **extra)


def png(width: int = 60, height: int = 30, *, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (29, 78, 137)).save(out, format=fmt)
    return out.getvalue()


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def form_data(*, site: PartnerSite | None, language: str = "en", **fields) -> dict:
    data = {
        "name": "Ministry template",
        "language": language,
        "partner_site": site.pk if site else "",
        "orientation": "landscape",
        "issuer": "Ministry of Education",
        "body": BODY,
        "css": "p { font-size: 14pt; }",
        "is_active": "on",
        "signatories-TOTAL_FORMS": "3",
        "signatories-INITIAL_FORMS": "3",
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "3",
    }
    for row in range(3):
        data[f"signatories-{row}-name"] = ""
        data[f"signatories-{row}-title"] = ""
    data.update(fields)
    return data


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def template_row(site: PartnerSite | None, **fields) -> CertificateTemplate:
    default = design_default(fields.get("language", "en"))
    values = {"name": "Existing", "language": "en", "body": default.body, "css": default.css, "is_active": False}
    return CertificateTemplate.objects.create(partner_site=site, **{**values, **fields})


# Who may ----------------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in():
    template = template_row(None)
    client = Client()
    for path in (
        url("template-list"),
        url("template-create"),
        url("template-edit", pk=template.pk),
        url("template-preview", pk=template.pk),
    ):
        response = client.get(path)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("make_user", ["learner", "trainer", "ministry"])
def test_learners_trainers_and_ministry_officials_may_not(make_user):
    egypt = Country.objects.get(code="EG")
    user = {
        "learner": UserFactory,
        "trainer": trainer,
        "ministry": lambda: ministry_official(country=egypt),
    }[make_user]()
    template = template_row(partner("EG"))
    client = signed_in(user)
    assert client.get(url("template-list")).status_code == 403
    assert client.get(url("template-create")).status_code == 403
    assert client.get(url("template-edit", pk=template.pk)).status_code in (403, 404)
    assert client.get(url("template-preview", pk=template.pk)).status_code in (403, 404)
    response = post(client, url("template-edit", pk=template.pk), form_data(site=template.partner_site, name="Taken"))
    assert response.status_code in (403, 404)
    template.refresh_from_db()
    assert template.name == "Existing"


def test_a_site_administrator_edits_only_her_partner_sites_templates():
    mine, theirs = partner("EG"), partner("JO")
    admin = site_admin(mine)
    own = template_row(mine, name="Ours")
    other = template_row(theirs, name="Theirs")
    everywhere = template_row(None, name="Everywhere")
    client = signed_in(admin)

    listing = client.get(url("template-list"))
    assert listing.status_code == 200
    assert "Ours" in listing.content.decode() and "Theirs" not in listing.content.decode()
    assert "Everywhere" not in listing.content.decode()
    assert client.get(url("template-edit", pk=own.pk)).status_code == 200
    for template in (other, everywhere):
        assert client.get(url("template-edit", pk=template.pk)).status_code == 404
        assert client.get(url("template-preview", pk=template.pk)).status_code == 404
        response = post(client, url("template-edit", pk=template.pk), form_data(site=mine, name="Taken"))
        assert response.status_code == 404

    # She cannot give a template to another site, nor to every site.
    before = CertificateTemplate.objects.count()
    for site in (theirs, None):
        response = post(client, url("template-create"), form_data(site=site, is_active=""))
        assert response.status_code == 400
    assert CertificateTemplate.objects.count() == before

    response = post(client, url("template-create"), form_data(site=mine, name="New one", is_active=""))
    assert response.status_code == 302
    assert CertificateTemplate.objects.get(name="New one").partner_site == mine


def test_a_superuser_sees_and_edits_every_template():
    templates = [template_row(partner("EG"), name="Egypt"), template_row(None, name="Everywhere")]
    client = signed_in(superuser())
    listing = client.get(url("template-list")).content.decode()
    assert "Egypt" in listing and "Everywhere" in listing
    for template in templates:
        assert client.get(url("template-edit", pk=template.pk)).status_code == 200
    response = post(client, url("template-create"), form_data(site=None, name="For every site"))
    assert response.status_code == 302
    assert CertificateTemplate.objects.get(name="For every site").partner_site is None


def test_the_list_takes_the_same_number_of_queries_however_many_templates_there_are():
    sites = [partner() for _site in range(4)]
    admin = superuser()
    client = signed_in(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("template-list")).status_code == 200
        return len(captured)

    template_row(sites[0])
    few = queries()
    for site in sites[1:]:
        template_row(site, name="More")
        template_row(site, name="Still more", language="ru")
    assert queries() == few


def test_the_list_says_when_there_are_no_templates_and_offers_a_new_one():
    client = signed_in(superuser())
    text = client.get(url("template-list")).content.decode()
    assert "There are no certificate templates yet" in text
    assert url("template-create") in text


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_a_new_template_starts_from_the_shipped_default_and_lists_the_placeholders(language):
    client = signed_in(superuser())
    response = client.get(url("template-create") + f"?language={language}")
    assert response.status_code == 200
    text = page_text(response)
    first_line = design_default(language).body.strip().splitlines()[0]
    assert first_line in text
    assert "{{ learner_name }}" in text and "The learner's name as she set it for certificates." in text
    assert 'dir="ltr"' in text and 'formtarget="_blank"' in text


# The sandbox and the renderer's problems are form errors ----------------------------------------------------------


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"body": "{% load static %}<p>{{ learner_name }}</p>"}, "template tags are not allowed"),
        ({"body": "<p>{{ user.password }}</p>"}, "template tags are not allowed"),
        ({"body": "<p>{{ learner_password }}</p>"}, "Unknown placeholders: learner_password."),
        ({"css": "body { background: url(file:///etc/passwd) }"}, "The CSS may not load files or addresses"),
        ({"css": "@import 'https://example.org/x.css';"}, "The CSS may not load files or addresses"),
        ({"css": 'p { font-family: "Comic Nobody"; }'}, "comic nobody"),
        ({"body": '<p>{{ learner_name }}</p><img src="missing.png">'}, "'missing.png' is outside"),
    ],
)
def test_a_template_the_sandbox_or_the_renderer_refuses_is_not_saved_and_says_why(fields, expected):
    site = partner()
    client = signed_in(site_admin(site))
    data = form_data(site=site, **fields)
    for action in ("save", "preview"):
        response = post(client, url("template-create"), {**data, "action": action})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        text = page_text(response)
        assert 'role="alert"' in text and expected in text
        # What she typed is kept.
        assert html.escape(data["body"]) in response.content.decode() or data["body"] in text
    assert not CertificateTemplate.objects.exists()
    assert media_files() == []


def test_a_failed_save_leaves_no_row_and_no_file():
    site = partner()
    client = signed_in(site_admin(site))
    before = media_files()
    data = form_data(
        site=site,
        css='p { font-family: "Nobody Embedded"; }',
        background=upload(png(400, 300), "background.png"),
        logo=upload(png(fmt="JPEG"), "logo.jpg", "image/jpeg"),
        **{"signatories-0-name": "Dr. Signer", "signatories-0-signature": upload(png(), "sig.png")},
    )
    response = post(client, url("template-create"), data)
    assert response.status_code == 400
    assert not CertificateTemplate.objects.exists() and not Signatory.objects.exists()
    assert media_files() == before


@pytest.mark.parametrize(
    "content, name, expected",
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024), "big.png", "The image is larger than 2 MB."),
        (b"GIF89a" + b"\0" * 100, "logo.gif", "Only PNG and JPEG images can be used."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "logo.png", "Only PNG and JPEG images can be used."),
        (b"\x89PNG\r\n\x1a\n" + b"not really", "broken.png", "The image cannot be read"),
    ],
)
def test_an_oversized_or_non_image_upload_is_refused_and_the_typed_body_kept(content, name, expected):
    site = partner()
    client = signed_in(site_admin(site))
    body = "<p>Typed by hand: {{ learner_name }}</p>"
    response = post(client, url("template-create"), form_data(site=site, body=body, logo=upload(content, name)))
    assert response.status_code == 400
    text = page_text(response)
    assert expected in text and body in text
    assert not CertificateTemplate.objects.exists() and media_files() == []


def test_an_image_with_too_many_pixels_is_refused():
    site = partner()
    client = signed_in(site_admin(site))
    big = upload(png(6000, 5000), "huge.png")  # 30 megapixels, a few KB
    response = post(client, url("template-create"), form_data(site=site, background=big))
    assert response.status_code == 400
    assert "at most 25 megapixels" in page_text(response)
    assert not CertificateTemplate.objects.exists()


# Preview ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_the_preview_is_a_pdf_of_what_was_typed_on_sample_data_and_writes_nothing(language):
    site = partner()
    client = signed_in(site_admin(site))
    default = design_default(language)
    data = form_data(
        site=site,
        language=language,
        body=default.body,
        css=default.css,
        action="preview",
        logo=upload(png()),
        **{"signatories-0-name": "Dr. Signer", "signatories-0-signature": upload(png(), "sig.png")},
    )
    response = post(client, url("template-create", language=language), data)
    assert response.status_code == 200, page_text(response)[:3000]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = " ".join(pdf_text(response.content).split())
    name = unicodedata.normalize("NFKC", sample_values(language)["learner_name"])
    assert name in text or all(word in text for word in name.split())
    assert "Dr. Signer" in text
    assert not CertificateTemplate.objects.exists() and media_files() == []


def test_the_preview_of_a_saved_template_is_a_pdf():
    site = partner()
    admin = site_admin(site)
    template = template_row(site, language="ru")
    response = signed_in(admin).get(url("template-preview", pk=template.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Анна Сергеевна Петрова" in " ".join(pdf_text(response.content).split())


# Saving -----------------------------------------------------------------------------------------------------------


def test_a_saved_template_with_a_logo_is_the_one_certificates_of_its_language_and_site_are_made_with():
    site = partner()
    client = signed_in(site_admin(site))
    logo = png(80, 40)
    response = post(
        client,
        url("template-create"),
        form_data(
            site=site,
            language="ar",
            logo=upload(logo),
            **{"signatories-0-name": "د. أحمد", "signatories-0-title": "الوزير"},
        ),
    )
    assert response.status_code == 302, page_text(response)[:3000]
    template = CertificateTemplate.objects.get()
    assert template.partner_site == site and template.language == "ar" and template.is_active
    assert template.version == 1 and len(media_files()) == 1
    assert list(template.signatories.values_list("name", "title")) == [("د. أحمد", "الوزير")]

    certificate = Certificate.objects.create(subject_key="course:x", language="ar", partner_site=site, snapshot={})
    design = design_for(certificate)
    assert design.template_id == template.pk and design.logo == logo
    # Another site, or another language, still gets the default.
    elsewhere = Certificate.objects.create(subject_key="course:y", language="ar", partner_site=partner("JO"))
    assert design_for(elsewhere).template_id is None
    english = Certificate.objects.create(subject_key="course:z", language="en", partner_site=site)
    assert design_for(english).template_id is None

    # A change raises the version and keeps the logo; replacing the logo removes the old file once committed.
    edit = form_data(site=site, language="ar", name="Renamed", **{"signatories-0-name": "د. أحمد"})
    response = post(client, url("template-edit", pk=template.pk), edit)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Renamed" and template.version == 2 and template.logo
    assert design_for(certificate).logo == logo


def test_only_one_template_is_in_use_per_language_and_site():
    site = partner()
    template_row(site, name="First", is_active=True)
    client = signed_in(site_admin(site))
    response = post(client, url("template-create"), form_data(site=site, name="Second", language="en"))
    assert response.status_code == 400
    assert "“First”" in page_text(response)
    assert not CertificateTemplate.objects.filter(name="Second").exists()


def test_the_form_needs_its_csrf_token():
    site = partner()
    client = signed_in(site_admin(site))
    response = client.post(url("template-create"), form_data(site=site))
    assert response.status_code == 403
    assert not CertificateTemplate.objects.exists()


def test_an_edit_keeps_the_images_not_replaced_and_removes_replaced_files_once_committed(
    django_capture_on_commit_callbacks,
):
    site = partner()
    client = signed_in(site_admin(site))
    signature = png(50, 20)
    data = form_data(
        site=site,
        logo=upload(png(80, 40)),
        **{"signatories-0-name": "Dr. Signer", "signatories-0-signature": upload(signature, "sig.png")},
    )
    assert post(client, url("template-create"), data).status_code == 302
    template = CertificateTemplate.objects.get()
    old_logo = template.logo.name
    assert len(media_files()) == 2

    new_logo = png(90, 45)
    edit = form_data(site=site, logo=upload(new_logo), **{"signatories-0-name": "Dr. Signer"})
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, url("template-edit", pk=template.pk), edit)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.version == 2 and template.logo.name != old_logo
    assert len(media_files()) == 2  # the new logo and the kept signature
    design = design_for(Certificate.objects.create(subject_key="course:x", language="en", partner_site=site))
    assert design.logo == new_logo and design.signatories == (("Dr. Signer", "", signature),)
