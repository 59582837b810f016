from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.models.base import FastViewRestrictionsMixin
from cms.routing import route_by_url_path
from cms.selectors import news_latest

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr", "blockquote"]


class FeaturedItemBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("Page"))
    blurb = blocks.TextBlock(label=_("Short description"), required=False, max_length=300)

    class Meta:
        icon = "pick"
        label = _("Featured item")
        template = "cms/includes/featured_item.html"


class HomePage(FastViewRestrictionsMixin, Page):
    """One per language: welcome, featured courses and resources, and the latest news."""

    intro = RichTextField(_("welcome text"), features=RICH_TEXT_FEATURES, blank=True)
    featured_title = models.CharField(_("featured section title"), max_length=120, blank=True)
    featured = StreamField(
        [("item", FeaturedItemBlock())], verbose_name=_("featured courses and resources"), blank=True
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("featured_title"), FieldPanel("featured")]
    max_count_per_parent = 1
    subpage_types = ["cms.NewsIndexPage", "cms.CourseIndexPage", "cms.ResourceIndexPage"]
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = news_latest(locale=self.locale, limit=3)
        return context

    def route(self, request, path_components):
        # Every URL of the site starts here: one query for the pages along it (cms/routing.py).
        if path_components and (found := route_by_url_path(self, request, path_components)) is not None:
            return found
        return super().route(request, path_components)


class NewsIndexPage(FastViewRestrictionsMixin, Page):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.NewsPage"]
    parent_page_types = ["cms.HomePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(news_latest(locale=self.locale, parent=self), 10)
        context["page_obj"] = paginator.get_page(request.GET.get("page"))
        return context


class NewsPage(FastViewRestrictionsMixin, Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(_("summary"), max_length=400, blank=True)
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
