"""The open educational resource (OER) library: its index at /<lang>/library/ (with the teachers' submission
form at /<lang>/library/submit/) and one page per resource."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.models.base import FastViewRestrictionsMixin
from core.text import fold
from lms.competencies.models import LEVEL_CHOICES, Competency
from lms.courses.models import Subject

_TAG = re.compile(r"<[^>]*>")
SEARCHED_FIELDS = {"title", "summary", "body", "attribution"}
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr", "blockquote"]


class ResourceType(models.TextChoices):
    LESSON_PLAN = "lesson_plan", _("Lesson plan")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")
    TOOL = "tool", _("Tool")
    SIMULATION = "simulation", _("Simulation")


class Licence(models.TextChoices):
    """The open licences the library accepts; each links to its official deed (``LICENCE_DEEDS``)."""

    CC_BY = "cc-by-4.0", _("CC BY 4.0")
    CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0")
    CC_BY_NC = "cc-by-nc-4.0", _("CC BY-NC 4.0")
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", _("CC BY-NC-SA 4.0")
    CC_BY_ND = "cc-by-nd-4.0", _("CC BY-ND 4.0")
    CC0 = "cc0-1.0", _("CC0 1.0")
    PUBLIC_DOMAIN = "public-domain", _("Public domain")


# (official deed, full name) for each licence.
LICENCE_DEEDS = {
    Licence.CC_BY: ("https://creativecommons.org/licenses/by/4.0/", _("Creative Commons Attribution 4.0")),
    Licence.CC_BY_SA: (
        "https://creativecommons.org/licenses/by-sa/4.0/",
        _("Creative Commons Attribution-ShareAlike 4.0"),
    ),
    Licence.CC_BY_NC: (
        "https://creativecommons.org/licenses/by-nc/4.0/",
        _("Creative Commons Attribution-NonCommercial 4.0"),
    ),
    Licence.CC_BY_NC_SA: (
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
        _("Creative Commons Attribution-NonCommercial-ShareAlike 4.0"),
    ),
    Licence.CC_BY_ND: (
        "https://creativecommons.org/licenses/by-nd/4.0/",
        _("Creative Commons Attribution-NoDerivatives 4.0"),
    ),
    Licence.CC0: (
        "https://creativecommons.org/publicdomain/zero/1.0/",
        _("CC0 1.0 Universal public domain dedication"),
    ),
    Licence.PUBLIC_DOMAIN: ("https://creativecommons.org/publicdomain/mark/1.0/", _("Public Domain Mark 1.0")),
}


def language_codes(value: str | None) -> list[str]:
    """``",en,ar,"`` → ``["en", "ar"]``."""
    return [code for code in (value or "").split(",") if code]


def join_language_codes(codes) -> str:
    """Language codes stored between commas (``",en,ar,"``) so that ``contains=",ar,"`` filters exactly, on
    SQLite and PostgreSQL alike; in the order of settings.LANGUAGES."""
    wanted = set(codes or [])
    ordered = [code for code, _name in settings.LANGUAGES if code in wanted]
    return f",{','.join(ordered)}," if ordered else ""


class LanguageCodesFormField(forms.MultipleChoiceField):
    """Checkboxes for settings.LANGUAGES, cleaned to the stored ``",en,ar,"`` form."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", settings.LANGUAGES)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return language_codes(value) if isinstance(value, str) else value

    def clean(self, value):
        return join_language_codes(super().clean(value))

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial), data)


class LanguageCodesField(models.CharField):
    """One or more of settings.LANGUAGES in one column (see ``join_language_codes``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        known = {code for code, _name in settings.LANGUAGES}
        codes = language_codes(value)
        if value and (value != join_language_codes(codes) or not set(codes) <= known):
            raise ValidationError(_("Choose languages from the list."), code="invalid")

    def formfield(self, **kwargs):
        defaults = {"required": not self.blank, "label": capfirst(self.verbose_name), "help_text": self.help_text}
        defaults.update(kwargs)
        for name in ("max_length", "empty_value", "choices_form_class"):
            defaults.pop(name, None)
        form_class = defaults.pop("form_class", LanguageCodesFormField)
        return form_class(**defaults)


class ResourceIndexPage(FastViewRestrictionsMixin, RoutablePageMixin, Page):
    """The library at /<lang>/library/: search, facets and pages of resources; /submit/ for teachers."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ResourcePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("resource library")

    def get_context(self, request, *args, **kwargs):
        from cms.library import library_context

        context = super().get_context(request, *args, **kwargs)
        context.update(library_context(request, index=self))
        return context

    @path("submit/", name="submit")
    def submit(self, request):
        from cms.library import resource_submit_view

        return resource_submit_view(request, index=self)

    @path("submit/thanks/", name="submit-thanks")
    def submit_thanks(self, request):
        context = {"page": self, "self": self, "submit_url": self.reverse_subpage("submit")}
        return TemplateResponse(request, "cms/resource_submit_done.html", context)


class ResourcePage(FastViewRestrictionsMixin, Page):
    """One open educational resource: what it is, under which licence and from whom, in which languages, and
    either a file (a Wagtail document) or a link to where it lives."""

    summary = models.TextField(_("summary"), max_length=600, help_text=_("One or two sentences for the library."))
    body = RichTextField(_("description"), features=RICH_TEXT_FEATURES, blank=True)
    resource_type = models.CharField(_("type"), max_length=20, choices=ResourceType.choices)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    attribution = models.CharField(
        _("attribution"), max_length=300, help_text=_("The author and the source, as the licence asks to credit them.")
    )
    languages = LanguageCodesField(_("languages of the resource"))
    level = models.PositiveSmallIntegerField(_("ICT CFT level"), choices=LEVEL_CHOICES, null=True, blank=True)
    subject = models.ForeignKey(
        Subject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource_pages",
        verbose_name=_("subject"),
    )
    ict_cft_tags = ParentalManyToManyField(
        Competency, blank=True, related_name="resource_pages", verbose_name=_("ICT CFT competencies")
    )
    document = models.ForeignKey(
        get_document_model_string(),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("file"),
    )
    link = models.URLField(
        _("external link"), max_length=500, blank=True, help_text=_("An https address, if there is no file.")
    )
    # Folded (core.text.fold) title, summary, description and attribution, for the library's search.
    search_text = models.TextField(blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("resource_type"),
                FieldPanel("licence"),
                FieldPanel("attribution"),
                FieldPanel("languages"),
                FieldPanel("document"),
                FieldPanel("link"),
            ],
            heading=_("Resource"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("level"),
                FieldPanel("subject"),
                FieldPanel("ict_cft_tags", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Classification"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("attribution"),
        index.FilterField("resource_type"),
        index.FilterField("licence"),
    ]
    # wagtail-localize: what describes the resource is translated, what classifies it stays in sync.
    override_translatable_fields = [SynchronizedField("languages")]
    parent_page_types = ["cms.ResourceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def clean(self):
        super().clean()
        if bool(self.document_id) == bool(self.link):
            message = _("Give either a file or a link, not both.") if self.link else _("Give a file or a link.")
            raise ValidationError({"link": message})
        if self.link and urlsplit(self.link).scheme != "https":
            raise ValidationError({"link": _("Use a secure address that starts with https://.")})

    def save(self, *args, **kwargs):
        # Partial saves (a draft revision saves only its bookkeeping fields) must not write a draft's words
        # into the live row's search text.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCHED_FIELDS & set(update_fields):
            body = html.unescape(_TAG.sub(" ", self.body or ""))
            self.search_text = fold(" ".join([self.title, self.summary, body, self.attribution]))
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        return super().save(*args, **kwargs)

    @property
    def language_codes(self) -> list[str]:
        return language_codes(self.languages)

    @property
    def licence_url(self) -> str:
        return LICENCE_DEEDS[self.licence][0] if self.licence in LICENCE_DEEDS else ""

    @property
    def licence_name(self) -> str:
        return LICENCE_DEEDS[self.licence][1] if self.licence in LICENCE_DEEDS else ""

    def get_context(self, request, *args, **kwargs):
        from cms.library import resource_detail_context

        context = super().get_context(request, *args, **kwargs)
        context.update(resource_detail_context(self))
        return context
