"""Teachers submit resources at /<lang>/library/submit/: validation (file type and size, file or link), the
moderation workflow (nothing is published until a moderator approves), sign-in and the rate limit."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.models import Page, WorkflowPage, WorkflowState

from cms.library import MAX_UPLOAD_BYTES
from cms.models import ResourcePage
from tests.factories.accounts import UserFactory
from tests.factories.library import PDF_BYTES, library_index
from tests.factories.roles import superuser

pytestmark = pytest.mark.django_db
Document = get_document_model()
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.fixture
def teacher(client):
    user = UserFactory()
    client.force_login(user)
    return user


def form_data(**overrides) -> dict:
    return {
        "title": "Fractions with paper strips",
        "summary": "A lesson plan for grade 4.",
        "resource_type": "lesson_plan",
        "licence": "cc-by-4.0",
        "attribution": "Nadia Karimova",
        "languages": ["en", "ar"],
        "link": "https://oer.example.org/fractions/",
        **overrides,
    }


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def submitted(title: str = "Fractions with paper strips") -> ResourcePage:
    return ResourcePage.objects.get(title=title)


# Who can submit -----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/en/library/submit/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/library/submit/"
    response = client.post("/ru/library/submit/", form_data())
    assert response["Location"] == "/ru/accounts/login/?next=/ru/library/submit/"
    assert not ResourcePage.objects.exists()


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ru", "ltr"), ("ar", "rtl")])
def test_the_form_is_shown_in_every_language(client, teacher, language, direction):
    response = client.get(f"/{language}/library/submit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert 'enctype="multipart/form-data"' in html
    for name in ("title", "summary", "resource_type", "licence", "attribution", "languages", "link", "file"):
        assert f'name="{name}"' in html
    assert re.search(f'value="{language}"[^>]*checked', html)  # the page's language is ticked
    assert "no-cache" in response["Cache-Control"]


# A valid submission ----------------------------------------------------------------------------------------


def test_a_submission_creates_an_unpublished_page_in_moderation(client, teacher):
    response = client.post("/en/library/submit/", form_data())
    assert response.status_code == 302
    assert response["Location"] == "/en/library/submit/thanks/"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "sent to the moderators" in thanks.content.decode()

    page = submitted()
    assert not page.live
    assert page.get_parent().specific == library_index("en")
    assert page.locale.language_code == "en"
    assert page.owner == teacher
    assert page.languages == ",en,ar,"
    assert page.link == "https://oer.example.org/fractions/"
    assert page.document is None
    assert page.latest_revision is not None
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == teacher
    assert page.workflow_in_progress

    # Nothing is public until a moderator approves.
    client.logout()
    assert client.get("/en/library/").context["result_count"] == 0
    assert page.url == "/en/library/fractions-with-paper-strips/"
    assert client.get(page.url).status_code == 404


def test_moderator_approval_publishes_the_resource(client, teacher):
    client.post("/en/library/submit/", form_data())
    page = submitted()
    state = page.current_workflow_state
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, superuser(), "approve")

    page.refresh_from_db()
    state.refresh_from_db()
    assert page.live
    assert state.status == WorkflowState.STATUS_APPROVED
    client.logout()
    listing = client.get("/en/library/")
    assert [item["page"].pk for item in listing.context["items"]] == [page.pk]
    detail = client.get(page.url)
    assert detail.status_code == 200
    assert "Nadia Karimova" in detail.content.decode()


def test_moderator_can_ask_for_changes_and_nothing_is_published(client, teacher):
    client.post("/en/library/submit/", form_data())
    page = submitted()
    task_state = page.current_workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, superuser(), "reject")
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_a_submission_in_russian_goes_to_the_russian_library(client, teacher):
    response = client.post("/ru/library/submit/", form_data(title="Дроби на полосках", languages=["ru"]))
    assert response["Location"] == "/ru/library/submit/thanks/"
    page = submitted("Дроби на полосках")
    assert page.get_parent().specific == library_index("ru")
    assert page.locale.language_code == "ru"
    assert page.slug == "дроби-на-полосках"


def test_titles_that_clash_get_their_own_address(client, teacher):
    client.post("/en/library/submit/", form_data())
    client.post("/en/library/submit/", form_data())
    assert sorted(ResourcePage.objects.values_list("slug", flat=True)) == [
        "fractions-with-paper-strips",
        "fractions-with-paper-strips-1",
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.pdf", PDF_BYTES),
        ("Photo.PNG", PNG_BYTES),
        ("worksheet.docx", docx_bytes()),
        ("bundle.zip", docx_bytes()),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ],
)
def test_a_file_upload_becomes_the_resources_document(client, teacher, name, content):
    upload = SimpleUploadedFile(name, content)
    response = client.post("/en/library/submit/", form_data(link="", file=upload))
    assert response.status_code == 302, response.content.decode()
    page = submitted()
    assert page.link == ""
    assert page.document.title == "Fractions with paper strips"
    assert page.document.file_size == len(content)
    assert page.document.uploaded_by_user == teacher
    assert not page.live


def test_a_submitted_file_is_private_until_the_resource_is_approved(client, teacher):
    client.post("/en/library/submit/", form_data(link="", file=SimpleUploadedFile("plan.pdf", PDF_BYTES)))
    page = submitted()
    document_url = page.document.url
    client.logout()
    hidden = client.get(document_url)
    assert hidden.status_code == 302 and "login" in hidden["Location"]  # not downloadable before approval
    client.force_login(teacher)
    assert client.get(document_url).status_code == 302  # not even by the submitter

    state = page.current_workflow_state
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, superuser(), "approve")
    client.logout()
    response = client.get(document_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


# Invalid submissions keep what was typed --------------------------------------------------------------------


def _rejected(client, language: str = "en", **overrides):
    response = client.post(f"/{language}/library/submit/", form_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Fractions with paper strips"' in html  # the typed title is kept
    assert "A lesson plan for grade 4." in html
    assert 'value="Nadia Karimova"' in html
    assert not ResourcePage.objects.exists()
    assert not Document.objects.exists()
    assert not WorkflowState.objects.exists()
    return response


def _field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "This type of file is not accepted"),
        ("notes.txt", b"plain text", "This type of file is not accepted"),
        ("plan.pdf", b"MZ\x90\x00" + b"\x00" * 100, "does not match its name (.pdf)"),
        ("plan.pdf", b"just some text pretending", "does not match its name (.pdf)"),
        ("photo.png", PDF_BYTES, "does not match its name (.png)"),
        ("worksheet.docx", PDF_BYTES, "does not match its name (.docx)"),
        ("old.doc", PNG_BYTES, "does not match its name (.doc)"),
    ],
)
def test_uploads_are_checked_by_extension_and_content(client, teacher, name, content, message):
    response = _rejected(client, link="", file=SimpleUploadedFile(name, content))
    errors = _field_errors(response, "file")
    assert len(errors) == 1 and message in errors[0]
    field = response.content.decode().split('name="file"')[0].rsplit('<div class="field', 1)[1]
    assert message.split(" (")[0] in field  # shown next to the field


def test_uploads_over_20_mb_are_refused(client, teacher):
    too_big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF_BYTES)))
    response = _rejected(client, link="", file=too_big)
    assert _field_errors(response, "file") == ["The file is too large: at most 20 MB."]


def test_exactly_20_mb_is_accepted(client, teacher):
    just_right = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (MAX_UPLOAD_BYTES - len(PDF_BYTES)))
    assert client.post("/en/library/submit/", form_data(link="", file=just_right)).status_code == 302
    assert submitted().document.file_size == MAX_UPLOAD_BYTES


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"link": ""}, "link", "Give a link or upload a file."),
        ({"file": "pdf"}, "link", "Give either a file or a link, not both."),
        ({"link": "http://oer.example.org/x"}, "link", "Use a secure address that starts with https://."),
        ({"link": "not a link"}, "link", "Enter a valid URL."),
        ({"title": ""}, "title", "This field is required."),
        ({"languages": []}, "languages", "This field is required."),
        ({"languages": ["xx"]}, "languages", "Select a valid choice. xx is not one of the available choices."),
        ({"licence": "all-rights-reserved"}, "licence", "Select a valid choice."),
        ({"resource_type": ""}, "resource_type", "This field is required."),
    ],
)
def test_invalid_fields_show_errors_next_to_them(client, teacher, overrides, field, message):
    if overrides.get("file") == "pdf":
        overrides["file"] = SimpleUploadedFile("plan.pdf", PDF_BYTES)
    data = form_data(**overrides)
    response = client.post("/en/library/submit/", data)
    assert response.status_code == 200
    errors = _field_errors(response, field)
    assert errors and message in errors[0]
    html = response.content.decode()
    if field != "title":
        assert 'value="Fractions with paper strips"' in html
    assert "Please correct the errors below." in html
    assert not ResourcePage.objects.exists()
    assert not Document.objects.exists()


def test_errors_are_shown_in_the_visitors_language(client, teacher):
    response = _rejected(client, language="ru", link="")
    assert "Please correct the errors below." not in response.content.decode()
    assert 'dir="auto"' in response.content.decode()


# Limits ------------------------------------------------------------------------------------------------------


def test_submissions_are_rate_limited_per_user(client, teacher, settings):
    settings.RATES = {**settings.RATES, "resource-submit-user": "2/d"}
    for number in range(2):
        assert client.post("/en/library/submit/", form_data(title=f"Resource {number}")).status_code == 302
    # Invalid forms do not count, so correcting mistakes never locks a teacher out.
    assert client.post("/en/library/submit/", form_data(link="")).status_code == 200
    blocked = client.post("/en/library/submit/", form_data(title="One too many"))
    assert blocked.status_code == 429
    assert ResourcePage.objects.count() == 2

    other = UserFactory()
    client.force_login(other)
    assert client.post("/en/library/submit/", form_data(title="Someone else's")).status_code == 302


def test_without_a_moderation_workflow_nothing_is_created(client, teacher):
    WorkflowPage.objects.filter(page__in=Page.objects.ancestor_of(library_index(), inclusive=True)).delete()
    response = _rejected(client, link="", file=SimpleUploadedFile("plan.pdf", PDF_BYTES))
    assert "does not accept submissions at the moment" in response.content.decode()
