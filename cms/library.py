"""The open educational resource library: search, facets with counts and pagination in a fixed number of
queries (like the course catalogue, cms/catalogue.py), the resource page's context, and the teachers'
submission form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

import filetype
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from core.ratelimit import ratelimit_hit
from core.text import search_terms
from lms.competencies.models import ASPECT_CHOICES, LEVEL_CHOICES
from lms.courses.models import Subject

from .models.library import Licence, ResourceIndexPage, ResourcePage, ResourceType

PAGE_SIZE = 12
SORT = ["-first_published_at", "-pk"]


class LibraryFilterForm(forms.Form):
    """The library's query string. Every facet takes several values (any of them matches); an invalid value
    drops only its own filter."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    type = forms.MultipleChoiceField(label=_("Type"), required=False, choices=ResourceType.choices)
    licence = forms.MultipleChoiceField(label=_("Licence"), required=False, choices=Licence.choices)
    language = forms.MultipleChoiceField(label=_("Language of the resource"), required=False)
    aspect = forms.TypedMultipleChoiceField(label=_("ICT CFT aspect"), required=False, coerce=int)
    level = forms.TypedMultipleChoiceField(label=_("ICT CFT level"), required=False, coerce=int)
    subject = forms.MultipleChoiceField(label=_("Subject"), required=False)

    def __init__(self, *args, subjects: list[Subject], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = list(settings.LANGUAGES)
        self.fields["aspect"].choices = ASPECT_CHOICES
        self.fields["level"].choices = LEVEL_CHOICES
        self.fields["subject"].choices = [(subject.slug, subject.name) for subject in subjects]

    def filters(self) -> dict:
        """The valid part of the query: {field name: value}."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


# The facets (form fields), in the order they are shown.
FACETS = ["type", "licence", "language", "aspect", "level", "subject"]


def resource_list(*, index: ResourceIndexPage, search: str = "") -> QuerySet[ResourcePage]:
    """Live resources of the library, each once: the page in ``index``'s language where the resource is
    translated, else its first (source-language) page. Search folds Arabic spelling variants and ё/е and
    looks at every language version of a resource."""
    libraries = Q(pk__in=[])
    for path, depth in ResourceIndexPage.objects.filter(translation_key=index.translation_key).values_list(
        "path", "depth"
    ):
        libraries |= Q(path__startswith=path, depth=depth + 1)
    resources = ResourcePage.objects.live().public().filter(libraries)
    versions = resources.filter(translation_key=OuterRef("translation_key"))
    resources = resources.filter(
        Q(locale_id=index.locale_id)
        | (~Exists(versions.filter(locale_id=index.locale_id)) & ~Exists(versions.filter(pk__lt=OuterRef("pk"))))
    )
    terms = search_terms(search)
    if terms:
        matching = versions
        for term in terms:
            matching = matching.filter(search_text__contains=term)
        resources = resources.filter(Exists(matching))
    return resources


def resource_filter(resources: QuerySet[ResourcePage], filters: dict, *, skip: str = "") -> QuerySet:
    """``resources`` narrowed by every facet in ``filters`` except ``skip``."""
    values = {name: value for name, value in filters.items() if name != skip and name in FACETS}
    if values.get("type"):
        resources = resources.filter(resource_type__in=values["type"])
    if values.get("licence"):
        resources = resources.filter(licence__in=values["licence"])
    if values.get("language"):
        spoken = Q(pk__in=[])
        for code in values["language"]:
            spoken |= Q(languages__contains=f",{code},")
        resources = resources.filter(spoken)
    if values.get("aspect"):
        tags = ResourcePage.ict_cft_tags.through.objects.filter(
            resourcepage_id=OuterRef("pk"), competency__aspect__in=values["aspect"]
        )
        resources = resources.filter(Exists(tags))
    if values.get("level"):
        resources = resources.filter(level__in=values["level"])
    if values.get("subject"):
        resources = resources.filter(subject__slug__in=values["subject"])
    return resources


def resource_facet_counts(resources: QuerySet[ResourcePage], filters: dict) -> dict[str, dict]:
    """For each facet, how many resources each of its values would give with the other facets as they are
    (so that choosing one more value of a facet shows what it adds): one query per facet."""

    def grouped(name: str, lookup: str) -> dict:
        narrowed = resource_filter(resources, filters, skip=name).order_by()
        return dict(narrowed.values_list(lookup).annotate(total=Count("pk")).values_list(lookup, "total"))

    counts = {
        "type": grouped("type", "resource_type"),
        "licence": grouped("licence", "licence"),
        "level": grouped("level", "level"),
        "subject": grouped("subject", "subject__slug"),
    }
    spoken = resource_filter(resources, filters, skip="language").order_by()
    counts["language"] = spoken.aggregate(
        **{code: Count("pk", filter=Q(languages__contains=f",{code},")) for code, _name in settings.LANGUAGES}
    )
    tagged = resource_filter(resources, filters, skip="aspect").order_by().values("pk")
    counts["aspect"] = dict(
        ResourcePage.ict_cft_tags.through.objects.filter(resourcepage_id__in=tagged)
        .order_by()
        .values_list("competency__aspect")
        .annotate(total=Count("resourcepage_id", distinct=True))
        .values_list("competency__aspect", "total")
    )
    return counts


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool
    lang: str = ""


@dataclass
class Facet:
    name: str
    legend: str
    options: list[FacetOption] = field(default_factory=list)


def library_facets(form: LibraryFilterForm, counts: dict[str, dict], filters: dict) -> list[Facet]:
    """Each facet with the values that give results (and those already chosen), with their counts."""
    facets = []
    for name in FACETS:
        bound = form[name]
        chosen = {str(value) for value in filters.get(name, [])}
        facet = Facet(name=name, legend=str(bound.label))
        for value, label in bound.field.choices:
            count = counts[name].get(value, 0)
            if count or str(value) in chosen:
                facet.options.append(
                    FacetOption(
                        value=str(value),
                        label=str(label),
                        count=count,
                        checked=str(value) in chosen,
                        lang=str(value) if name == "language" else "",
                    )
                )
        if facet.options:
            facets.append(facet)
    return facets


def library_context(request: HttpRequest, *, index: ResourceIndexPage) -> dict:
    subjects = list(Subject.objects.all())
    form = LibraryFilterForm(request.GET or None, subjects=subjects)
    filters = form.filters()
    found = resource_list(index=index, search=filters.get("q", ""))
    counts = resource_facet_counts(found, filters)
    resources = resource_filter(found, filters).select_related("locale", "subject").order_by(*SORT)
    page_obj = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(settings.LANGUAGES)
    items = [
        {"page": page, "languages": [(code, names.get(code, code)) for code in page.language_codes]}
        for page in page_obj.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "filters": filters,
        "facets": library_facets(form, counts, filters),
        "items": items,
        "page_obj": page_obj,
        "result_count": page_obj.paginator.count,
        "query_string": query.urlencode(),
        "submit_url": index.reverse_subpage("submit"),
    }


def resource_detail_context(page: ResourcePage) -> dict:
    names = dict(settings.LANGUAGES)
    document = page.document
    return {
        "languages": [(code, names.get(code, code)) for code in page.language_codes],
        "tags": list(page.ict_cft_tags.all()),
        "document": document,
        "file_size": filesizeformat(document.get_file_size() or 0) if document is not None else "",
        "file_type": document.file_extension.upper() if document is not None else "",
    }


# Uploads: extension → what content sniffing (filetype) may find in such a file. Office Open XML and
# OpenDocument files are zip archives, which sniffing does not always tell apart; old Office files are OLE2
# compound files, which it does not always name.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_OLE2 = "ole2"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LEGACY_OFFICE = {"doc", "xls", "ppt", _OLE2}
_ZIPPED_OFFICE = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
UPLOAD_TYPES = {
    "pdf": {"pdf"},
    **dict.fromkeys(("doc", "xls", "ppt"), _LEGACY_OFFICE),
    **{extension: {extension, "zip"} for extension in _ZIPPED_OFFICE},
    "png": {"png"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "gif": {"gif"},
    "webp": {"webp"},
    "zip": {"zip", *_ZIPPED_OFFICE},
}


IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}


def image_pixels_check(upload) -> None:
    """Refuse an image that declares more pixels than Wagtail's image limit (a "pixel bomb": a tiny file that
    would take gigabytes to decode). Only the header is read. An image Pillow cannot open is let through: its
    first bytes were checked already, and it is offered as a download, never decoded here."""
    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        width = height = limit  # Pillow refuses far larger images by itself
    except (UnidentifiedImageError, OSError, ValueError):
        return
    finally:
        upload.seek(0)
    if width * height > limit:
        raise ValidationError(
            gettext("The image has too many pixels: at most %(megapixels)s megapixels.")
            % {"megapixels": limit // 1_000_000},
            code="pixels",
        )


def sniff_upload(upload) -> str:
    """What the file's first bytes say it is (an extension), or "" when they say nothing we know."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.extension
    return _OLE2 if head.startswith(_OLE2_MAGIC) else ""


class ResourceSubmitForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One or two sentences: what it is and how teachers can use it."),
    )
    resource_type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *ResourceType.choices])
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=[("", "—"), *Licence.choices],
        help_text=_("The open licence the author published it under."),
    )
    attribution = forms.CharField(
        label=_("Attribution"), max_length=300, help_text=_("The author and the source, as the licence asks.")
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the resource"), widget=forms.CheckboxSelectMultiple, choices=settings.LANGUAGES
    )
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the resource lives (https://…), if you do not upload a file."),
    )
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "PDF, office document, image or zip archive, at most %(size)s MB; or give a link instead."
        ) % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{extension}" for extension in UPLOAD_TYPES)
        for name in ("title", "summary", "attribution"):
            self.fields[name].widget.attrs["dir"] = "auto"
        self.fields["link"].widget.attrs["dir"] = "ltr"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("The file is too large: at most %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
                code="too_large",
            )
        extension = PurePath(upload.name).suffix.lower().lstrip(".")
        if extension not in UPLOAD_TYPES:
            raise ValidationError(
                gettext("This type of file is not accepted: upload a PDF, an office document, an image or a zip."),
                code="extension",
            )
        if sniff_upload(upload) not in UPLOAD_TYPES[extension]:
            raise ValidationError(
                gettext("The file's content does not match its name (.%(extension)s).") % {"extension": extension},
                code="content",
            )
        if extension in IMAGE_EXTENSIONS:
            image_pixels_check(upload)
        return upload

    def clean_link(self):
        link = self.cleaned_data.get("link", "")
        if link and not link.lower().startswith("https://"):
            raise ValidationError(gettext("Use a secure address that starts with https://."), code="https")
        return link

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("file")) or bool(self.errors.get("file"))
        has_link = bool(cleaned.get("link")) or bool(self.errors.get("link"))
        if has_file and has_link:
            self.add_error("link", gettext("Give either a file or a link, not both."))
        elif not has_file and not has_link:
            self.add_error("link", gettext("Give a link or upload a file."))
        return cleaned


def resource_submit_view(request: HttpRequest, *, index: ResourceIndexPage) -> HttpResponse:
    """/<lang>/library/submit/: a signed-in teacher proposes a resource; a moderator reviews it."""
    from .services import resource_submit

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        form = ResourceSubmitForm(request.POST, request.FILES)
        if form.is_valid():
            ratelimit_hit(request, group="resource-submit-user", key="user")
            try:
                resource_submit(index, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                return redirect(index.get_url(request) + index.reverse_subpage("submit-thanks"))
    else:
        form = ResourceSubmitForm(initial={"languages": [index.locale.language_code]})
    response = TemplateResponse(request, "cms/resource_submit.html", {"page": index, "self": index, "form": form})
    add_never_cache_headers(response)
    return response


def _add_service_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
