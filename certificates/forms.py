"""The public verification forms: look a code up, check a PDF file."""

from __future__ import annotations

import hashlib

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _

from .batch import MAX_BYTES, BatchError, batch_codes_read
from .codes import code_normalise

MAX_PDF_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class CodeLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=64,
        help_text=_("26 letters and digits, as printed on the certificate. Dashes and spaces do not matter."),
        widget=forms.TextInput(
            attrs={
                "dir": "ltr",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XX",
            }
        ),
    )

    def clean_code(self) -> str:
        code = code_normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("This is not a verification code. Check that you typed all 26 letters and digits."),
                code="invalid",
            )
        return code


class FileCheckForm(forms.Form):
    """A PDF to compare with every PDF the platform issued. Only its SHA-256 is kept, for the time of the
    request; the file itself is neither stored nor parsed."""

    file = forms.FileField(
        label=_("Certificate PDF"),
        help_text=_("The PDF file of the certificate, up to 10 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def full_clean(self) -> None:
        super().full_clean()
        if self.too_large and self.is_bound:
            # The upload handler stopped reading the file, so the field saw none: say why.
            self._errors.pop("file", None)
            self.add_error("file", _too_large())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PDF_BYTES:
            raise _too_large()
        upload.seek(0)
        if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
            raise forms.ValidationError(_("This file is not a PDF."), code="not_pdf")
        upload.seek(0)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        self.cleaned_data["sha256"] = digest.hexdigest()
        return upload


def _too_large() -> forms.ValidationError:
    return forms.ValidationError(_("This file is larger than 10 MB, so it is not a certificate."), code="too_large")


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an upload past ``limit`` bytes (the rest of the request is discarded, not stored), and
    marks the request with ``upload_too_large``. Goes first in ``request.upload_handlers``."""

    def __init__(self, request=None, *, limit: int = MAX_PDF_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request.upload_too_large = False

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# Administrators and learners: revocation, reissue, name corrections ------------------------------------------------


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to anyone who verifies the certificate."),
    )


class NameForm(forms.Form):
    """The name to print on a certificate: an administrator's reissue, or a learner's request."""

    name = forms.CharField(
        label=_("Name on the certificate"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    name_latin = forms.CharField(
        label=_("Name in Latin letters"),
        max_length=200,
        required=False,
        help_text=_("Printed under the name, if given."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )


class NameCorrectionForm(NameForm):
    note = forms.CharField(
        label=_("Note for the administrator"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, how your name is written in your passport."),
    )


class BatchCheckForm(forms.Form):
    """Codes to check at once: a file, or pasted (the file wins when both are given)."""

    file = forms.FileField(
        label=_("A list of codes (CSV)"),
        required=False,
        help_text=_("Codes in the first column, one per row, up to 1,000; a header row is allowed. Up to 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    codes = forms.CharField(
        label=_("Or paste the codes"),
        required=False,
        help_text=_("One code per line."),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "ltr", "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The list is larger than 1 MB. Split it into smaller lists."))
        data = upload.read() if upload is not None else (cleaned.get("codes") or "").encode()
        if not data.strip():
            raise forms.ValidationError(_("Choose a file or paste the codes."))
        try:
            cleaned["code_list"] = batch_codes_read(data)
        except BatchError as error:
            raise forms.ValidationError(str(error)) from None
        return cleaned
