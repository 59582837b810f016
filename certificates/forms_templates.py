"""The certificate template form, for site administrators: the template's fields, its images and up to three
signatories. The form checks what each field holds (an image is a PNG or JPEG of at most 2 MB); whether the
template renders is checked by ``templates_admin`` when it is previewed or saved."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import CertificateTemplate, Signatory
from .rendering import MAX_IMAGE_BYTES
from .templates_admin import (
    IMAGE_FIELDS,
    MAX_SIGNATORIES,
    ImageChoice,
    SignatoryDraft,
    TemplateDraft,
    TemplateRejected,
    image_check,
)

IMAGE_ACCEPT = "image/png,image/jpeg,.png,.jpg,.jpeg"
_CODE_ATTRS = {"dir": "ltr", "class": "code-editor", "spellcheck": "false", "autocapitalize": "off", "translate": "no"}


def _label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


class ImageUploadField(forms.FileField):
    """A PNG or JPEG image of at most 2 MB and 25 megapixels, checked by its bytes."""

    widget = forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PNG or JPEG, up to 2 MB."))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            if value.size is not None and value.size > MAX_IMAGE_BYTES:
                raise forms.ValidationError(_("The image is larger than 2 MB."), code="too_large")
            value.seek(0)
            content = value.read(MAX_IMAGE_BYTES + 1)
            try:
                image_check(content)
            except TemplateRejected as error:
                raise forms.ValidationError(error.messages, code="invalid_image") from None
            value.checked_bytes = content
        return value


def image_choice(value) -> ImageChoice:
    """What an image field's cleaned value means for a draft: new bytes, a kept file's name, or none."""
    if isinstance(value, UploadedFile):
        return value.checked_bytes
    if isinstance(value, FieldFile) and value:
        return value.name
    return None


class TemplateForm(forms.Form):
    name = forms.CharField(
        label=_label(CertificateTemplate, "name"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    language = forms.ChoiceField(label=_label(CertificateTemplate, "language"), choices=settings.LANGUAGES)
    partner_site = forms.ModelChoiceField(
        label=_label(CertificateTemplate, "partner_site"),
        queryset=None,
        required=False,
        empty_label=_("Every site without a template of its own"),
    )
    orientation = forms.ChoiceField(
        label=_label(CertificateTemplate, "orientation"),
        choices=CertificateTemplate.Orientation.choices,
        widget=forms.RadioSelect,
    )
    issuer = forms.CharField(
        label=_label(CertificateTemplate, "issuer"),
        max_length=255,
        required=False,
        help_text=CertificateTemplate._meta.get_field("issuer").help_text,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    body = forms.CharField(
        label=_label(CertificateTemplate, "body"),
        help_text=_(
            "HTML with placeholders such as {{ learner_name }}; no template tags. See the list of placeholders."
        ),
        strip=False,
        widget=forms.Textarea(attrs={**_CODE_ATTRS, "rows": 24}),
    )
    css = forms.CharField(
        label=_label(CertificateTemplate, "css"),
        help_text=_("No url() and no @import: images come from the uploads below, fonts are built in."),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={**_CODE_ATTRS, "rows": 14}),
    )
    background = ImageUploadField(label=_label(CertificateTemplate, "background"))
    logo = ImageUploadField(label=_label(CertificateTemplate, "logo"))
    second_logo = ImageUploadField(label=_label(CertificateTemplate, "second_logo"))
    is_active = forms.BooleanField(
        label=_label(CertificateTemplate, "is_active"),
        required=False,
        help_text=_("Certificates in this language (on this partner site) are made with it."),
    )

    def __init__(self, *args, sites, superuser: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner_site"]
        field.queryset = sites
        if not superuser:  # a site administrator's templates belong to one of her sites
            field.required = True
            field.empty_label = None

    def draft(self, signatories: tuple[SignatoryDraft, ...]) -> TemplateDraft:
        data = self.cleaned_data
        return TemplateDraft(
            name=data["name"],
            language=data["language"],
            body=data["body"],
            css=data.get("css") or "",
            orientation=data["orientation"],
            issuer=data.get("issuer") or "",
            partner_site=data.get("partner_site"),
            is_active=bool(data.get("is_active")),
            images={name: image_choice(data.get(name)) for name in IMAGE_FIELDS},
            signatories=signatories,
        )


class SignatoryForm(forms.Form):
    name = forms.CharField(
        label=_label(Signatory, "name"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    title = forms.CharField(
        label=_("Position or title"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    signature = ImageUploadField(label=_label(Signatory, "signature"))

    def clean(self):
        data = super().clean()
        if not (data.get("name") or "").strip() and isinstance(data.get("signature"), UploadedFile):
            self.add_error("name", _("Give the name of the person who signs."))
        return data

    def draft(self) -> SignatoryDraft | None:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:  # an empty row: no signatory
            return None
        return SignatoryDraft(
            name=name,
            title=(self.cleaned_data.get("title") or "").strip(),
            signature=image_choice(self.cleaned_data.get("signature")),
        )


SignatoryFormSet = forms.formset_factory(
    SignatoryForm, extra=0, max_num=MAX_SIGNATORIES, absolute_max=MAX_SIGNATORIES, validate_max=True
)


def signatory_formset(data=None, files=None, *, signatories=()) -> forms.BaseFormSet:
    """Three rows: the template's signatories, then empty ones."""
    initial = [{"name": item.name, "title": item.title, "signature": item.signature} for item in signatories]
    initial += [{} for _row in range(MAX_SIGNATORIES - len(initial))]
    return SignatoryFormSet(data, files, initial=initial[:MAX_SIGNATORIES], prefix="signatories")


def signatory_drafts(formset) -> tuple[SignatoryDraft, ...]:
    return tuple(draft for form in formset.forms if (draft := form.draft()) is not None)
