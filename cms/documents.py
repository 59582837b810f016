"""The Wagtail document form (WAGTAILDOCS_DOCUMENT_FORM_BASE): what trainers and editors upload in the admin
is checked as a teacher's library submission is, by size, by extension (WAGTAILDOCS_EXTENSIONS) and by its
content, and an image by its number of pixels."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from wagtail.documents.forms import BaseDocumentForm

from .library import IMAGE_EXTENSIONS, UPLOAD_TYPES, image_pixels_check, sniff_upload

# Lesson videos are the largest documents.
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024
# What content sniffing may find in each accepted extension; "" is a file without a known signature (text).
DOCUMENT_TYPES = {**UPLOAD_TYPES, "mp4": {"mp4", "mov", "m4v"}, "webm": {"webm", "mkv"}}
DOCUMENT_TYPES.update({extension: {""} for extension in ("txt", "csv", "vtt")})


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload or not hasattr(upload, "content_type"):  # no new file: the stored one is kept
            return upload
        if upload.size > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                gettext("The file is too large: at most %(size)s.") % {"size": filesizeformat(MAX_DOCUMENT_BYTES)},
                code="too_large",
            )
        extension = PurePath(upload.name).suffix.lower().lstrip(".")
        expected = DOCUMENT_TYPES.get(extension)
        if expected is not None and sniff_upload(upload) not in expected:
            raise ValidationError(
                gettext("The file's content does not match its name (.%(extension)s).") % {"extension": extension},
                code="content",
            )
        if extension in IMAGE_EXTENSIONS:
            image_pixels_check(upload)
        return upload
