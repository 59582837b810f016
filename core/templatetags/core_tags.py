from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import page_cache
from core.sanitize import sanitize_html

register = template.Library()


def language_links(request, page=None) -> list[dict]:
    """Plain links to this page in every language (no POST form, so pages stay cacheable).

    On a Wagtail page the link goes to its translation, or to that language's home page where the page is
    not translated yet; elsewhere the same URL is reversed with the other language prefix. A page's links cost a
    query (its live translations) and are the same for every visitor, so they are kept in the page cache until the
    next publish, move or deletion (core.page_cache.fragment); the others cost none."""
    current = get_language()
    if page is not None:
        translation_key = getattr(page, "translation_key", None)
        host = f"{request.scheme}://{request.get_host()}" if request is not None else ""
        urls = page_cache.fragment(
            "language-links",
            host,
            getattr(page, "pk", None),
            translation_key,
            compute=lambda: _page_language_urls(request, page),
        )
    else:
        path = request.get_full_path() if request is not None else "/"
        urls = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    return [
        {"code": code, "name": name, "url": urls[code], "current": code == current} for code, name in settings.LANGUAGES
    ]


def _page_language_urls(request, page) -> dict[str, str]:
    """{language code: the URL of the page's live translation, or that language's home page}."""
    translations = {}
    if getattr(page, "translation_key", None):
        from wagtail.models import Page

        for translation in Page.objects.filter(translation_key=page.translation_key, live=True).select_related(
            "locale"
        ):
            translations[translation.locale.language_code] = translation
    urls = {}
    for code, _name in settings.LANGUAGES:
        target = translations.get(code)
        urls[code] = target.get_url(request) if target is not None else f"/{code}/"
    return urls


@register.inclusion_tag("core/includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    return {"links": context.get("language_links") or language_links(context.get("request"), context.get("page"))}


@register.simple_tag(takes_context=True)
def get_language_links(context):
    links = language_links(context.get("request"), context.get("page"))
    context["language_links"] = links
    return links


@register.filter
def sanitized(html) -> str:
    """Rich text from users or imported files, made safe where it is shown (nh3 takes microseconds), whatever
    path stored it: services, imports and translations need not all have cleaned it."""
    return mark_safe(sanitize_html(str(html or "")))  # sanitised just now


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def cell_courses(profile, aspect, level):
    """The courses evidencing one (aspect, level) cell of a competency profile."""
    return profile.get((aspect, level), [])


@register.simple_tag
def elided_page_range(page_obj):
    """Page numbers around the current one, with the paginator's ellipsis for the gaps."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
