"""Issue #9, uploads: every file users can upload is refused, with a clear error and nothing stored, when it is
over its size limit, of the wrong type (an executable or an HTML page renamed to an accepted extension, a
polyglot) or, for an image, a pixel bomb (a tiny PNG that declares 50,000 × 50,000 pixels).

Paths: a teacher's library submission, Wagtail images and documents uploaded in the admin, certificate template
images, the certificate batch check, the bulk-enrollment CSV and the question-bank import."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from certificates.batch import MAX_BYTES as BATCH_MAX_BYTES
from certificates.forms import BatchCheckForm
from certificates.forms_templates import ImageUploadField
from certificates.rendering import MAX_IMAGE_BYTES
from cms import documents
from cms.library import MAX_UPLOAD_BYTES
from cms.models import ResourcePage
from lms.courses.bulk import MAX_BYTES as BULK_MAX_BYTES
from lms.courses.views_bulk import BulkUploadForm
from lms.quizzes.forms_bank import MAX_IMPORT_SIZE, ImportForm
from tests.factories.accounts import UserFactory
from tests.factories.library import PDF_BYTES, library_index
from tests.factories.roles import superuser

Document = get_document_model()
Image = get_image_model()


def png(width: int, height: int) -> bytes:
    """A PNG of ``width`` × ``height`` with valid chunks but almost no pixel data: a few dozen bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def real_png() -> bytes:
    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    PillowImage.new("RGB", (4, 3), "teal").save(buffer, "PNG")
    return buffer.getvalue()


PIXEL_BOMB = png(50_000, 50_000)
SMALL_PNG = real_png()
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
# A page that also carries a PNG: a browser that sniffed it would run the script.
POLYGLOT = b"<html><script>alert(1)</script><!--" + SMALL_PNG + b"-->"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'

WRONG_TYPES = {
    "executable": ("setup.exe", EXECUTABLE),
    "executable-as-png": ("photo.png", EXECUTABLE),
    "html-as-png": ("photo.png", HTML),
    "html-as-pdf": ("lesson.pdf", HTML),
    "polyglot-as-png": ("photo.png", POLYGLOT),
    "svg-as-png": ("drawing.png", SVG),
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def field_errors(response, field: str = "file") -> list[str]:
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    form = response.context["form"]
    return [str(message) for message in form.errors.get(field, [])]


# A teacher's library submission ---------------------------------------------------------------------------


@pytest.fixture
def teacher(client, db):
    library_index("en")
    library_index("ru")
    client.force_login(UserFactory())


def submit(client, name: str, content: bytes, language: str = "en"):
    return client.post(
        f"/{language}/library/submit/",
        {
            "title": "Fractions with paper strips",
            "summary": "A lesson plan.",
            "resource_type": "lesson_plan",
            "licence": "cc-by-4.0",
            "attribution": "Nadia Karimova",
            "languages": ["en"],
            "file": upload(name, content),
        },
    )


def assert_nothing_submitted() -> None:
    assert not ResourcePage.objects.exists()
    assert not Document.objects.exists()


LIBRARY_REFUSALS = {
    **{
        case: (name, content, "not accepted" if name.endswith(".exe") else "does not match")
        for case, (name, content) in WRONG_TYPES.items()
    },
    "pixel-bomb": ("plan.png", PIXEL_BOMB, "too many pixels"),
}


@pytest.mark.parametrize(("name", "content", "message"), LIBRARY_REFUSALS.values(), ids=LIBRARY_REFUSALS.keys())
def test_library_submission_refuses_wrong_types_and_pixel_bombs(client, teacher, name, content, message):
    errors = field_errors(submit(client, name, content))
    assert any(message in error for error in errors), errors
    assert_nothing_submitted()


def test_library_submission_refuses_a_file_over_its_limit(client, teacher):
    errors = field_errors(submit(client, "plan.pdf", PDF_BYTES + b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(PDF_BYTES))))
    assert errors == ["The file is too large: at most 20 MB."]
    assert_nothing_submitted()


def test_library_submission_errors_are_in_the_visitors_language(client, teacher):
    errors = field_errors(submit(client, "setup.exe", EXECUTABLE, language="ru"))
    assert errors and not any("not accepted" in error for error in errors)
    assert_nothing_submitted()


def test_library_submission_accepts_a_small_image(client, teacher):
    response = submit(client, "plan.png", SMALL_PNG)
    assert response.status_code == 302
    assert Document.objects.count() == 1


# Wagtail images and documents in the admin ---------------------------------------------------------------


@pytest.fixture
def editor(client, db):
    client.force_login(superuser())


def admin_upload(client, kind: str, name: str, content: bytes):
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    return client.post(
        f"/cms-admin/{kind}/add/", {"title": "Plan", "collection": root.pk, "file": upload(name, content)}
    )


IMAGE_REFUSALS = {
    **{case: (name, content) for case, (name, content) in WRONG_TYPES.items()},
    "pixel-bomb": ("photo.png", PIXEL_BOMB),
    "too-large": ("photo.png", SMALL_PNG + b"\x00" * (10 * 1024 * 1024)),
}


@pytest.mark.parametrize(("name", "content"), IMAGE_REFUSALS.values(), ids=IMAGE_REFUSALS.keys())
def test_wagtail_images_refuse_wrong_types_large_files_and_pixel_bombs(client, editor, name, content):
    response = admin_upload(client, "images", name, content)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert not Image.objects.exists()


DOCUMENT_REFUSALS = {
    **{case: (name, content) for case, (name, content) in WRONG_TYPES.items()},
    "html-as-docx": ("plan.docx", HTML),
    "executable-as-mp4": ("lesson.mp4", EXECUTABLE),
    "executable-as-txt": ("notes.txt", EXECUTABLE),
    "pixel-bomb": ("photo.png", PIXEL_BOMB),
}


@pytest.mark.parametrize(("name", "content"), DOCUMENT_REFUSALS.values(), ids=DOCUMENT_REFUSALS.keys())
def test_wagtail_documents_refuse_wrong_types_and_pixel_bombs(client, editor, name, content):
    response = admin_upload(client, "documents", name, content)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert not Document.objects.exists()


def test_wagtail_documents_refuse_a_file_over_the_limit(client, editor, monkeypatch):
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", len(PDF_BYTES) - 1)
    response = admin_upload(client, "documents", "plan.pdf", PDF_BYTES)
    assert response.status_code == 200
    assert "too large" in str(response.context["form"].errors["file"])
    assert not Document.objects.exists()


def test_wagtail_images_accept_a_small_png(client, editor):
    assert admin_upload(client, "images", "photo.png", SMALL_PNG).status_code == 302
    assert Image.objects.count() == 1


def test_wagtail_documents_accept_a_real_pdf(client, editor):
    response = admin_upload(client, "documents", "plan.pdf", PDF_BYTES)
    assert response.status_code == 302
    assert Document.objects.count() == 1


# Certificate template images (logos, backgrounds, signatures) --------------------------------------------


TEMPLATE_IMAGE_REFUSALS = {
    **{case: (name, content) for case, (name, content) in WRONG_TYPES.items()},
    "pixel-bomb": ("logo.png", PIXEL_BOMB),
    "too-large": ("logo.png", SMALL_PNG + b"\x00" * MAX_IMAGE_BYTES),
}


@pytest.mark.parametrize(("name", "content"), TEMPLATE_IMAGE_REFUSALS.values(), ids=TEMPLATE_IMAGE_REFUSALS.keys())
def test_certificate_template_images_are_checked(name, content):
    from django import forms

    with pytest.raises(forms.ValidationError) as error:
        ImageUploadField().clean(upload(name, content))
    assert error.value.messages


def test_certificate_template_pixel_bomb_message():
    from django import forms

    with pytest.raises(forms.ValidationError) as error:
        ImageUploadField().clean(upload("logo.png", PIXEL_BOMB))
    assert error.value.messages == ["The image has too many pixels: at most 25 megapixels."]


# Lists: certificate batch check, bulk enrollment, question-bank import ------------------------------------


def test_certificate_batch_check_refuses_a_list_over_1_mb():
    form = BatchCheckForm(data={}, files={"file": upload("codes.csv", b"A" * (BATCH_MAX_BYTES + 1))})
    assert not form.is_valid()
    assert "larger than 1 MB" in str(form.errors)


@pytest.mark.parametrize(
    ("name", "content"),
    [("teachers.csv", b"email\n" + b"a" * BULK_MAX_BYTES), ("teachers.csv", EXECUTABLE), ("teachers.csv", b"")],
    ids=["too-large", "executable", "empty"],
)
def test_bulk_enrollment_refuses_files_it_cannot_use(name, content):
    form = BulkUploadForm(data={}, files={"file": upload(name, content)})
    assert not form.is_valid()
    assert form.errors["file"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bank.gift", b"::Q:: x {T}\n" * (MAX_IMPORT_SIZE // 12 + 1), "at most"),
        ("setup.exe", EXECUTABLE, ".txt, .gift or .xml"),
        ("page.html", HTML, ".txt, .gift or .xml"),
    ],
    ids=["too-large", "executable", "html"],
)
def test_question_bank_import_refuses_large_files_and_other_types(name, content, message):
    form = ImportForm(
        data={"format": "gift", "category_path": "Week 1"}, files={"file": upload(name, content)}, tree=[]
    )
    assert not form.is_valid()
    assert message in str(form.errors["file"])
