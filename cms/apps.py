import functools

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self):
        from django.db.models.signals import pre_delete
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from webinars.signals import sessions_cancelled

        from . import outline
        from .models import CoursePage, LessonPage, ModulePage

        page_published.connect(outline.on_page_published, dispatch_uid="cms-outline-published")
        page_unpublished.connect(outline.on_page_unpublished, dispatch_uid="cms-outline-unpublished")
        post_page_move.connect(outline.on_page_moved, dispatch_uid="cms-outline-moved")
        sessions_cancelled.connect(outline.on_sessions_cancelled, dispatch_uid="cms-outline-sessions-cancelled")
        page_published.connect(_resource_published, dispatch_uid="cms-library-file-published")
        for model in (CoursePage, ModulePage, LessonPage):
            pre_delete.connect(
                outline.on_page_deleted, sender=model, dispatch_uid=f"cms-outline-deleted-{model.__name__}"
            )
        _connect_page_cache()


def _resource_published(sender, instance, **kwargs):
    from .models import ResourcePage
    from .services import resource_files_publish

    if isinstance(instance, ResourcePage) and instance.live:
        resource_files_publish(instance)


# The anonymous page cache (core/page_cache.py) -------------------------------------------------------------
#
# Cached for anonymous visitors: the home page, the course catalogue (with its filters), course pages, the library
# and resource pages, the news. Not cached: lessons (only for learners), modules (a redirect), the library's
# submission form (its own route, with a CSRF token).
#
# What those pages show and what empties the cache when it changes (after the commit, and at once):
# - the pages themselves, their translations (the language switcher), their children (catalogue, library, news,
#   home): Wagtail's page_published, page_unpublished, post_page_move and any page deletion;
# - a course's settings (format, hours, certificate), its catalogue listing (titles, languages, listed or not) and
#   its outline (modules, activities; also changed when sessions are cancelled): the lms Course, Module and
#   Activity rows and the course's competencies. The outline sync, which runs after a publish commits, ends by
#   saving the Course, so the page is dropped again once the outline is up to date;
# - subjects and competencies (filters, cards), images (course covers) and documents (a resource's file and size);
# - sites and page view restrictions: the generation token also scopes what each process keeps in memory
#   (core.page_cache.memo): the site for a host, each language's home page, the page found for an address
#   (cms/routing.py), whether any view restriction exists (cms/models/base.py), each course's structure
#   (lms.courses.selectors.course_structure) and each lesson's course page; and, in the page cache, lessons'
#   rendered bodies (cms/lessons.py). A restriction added to a page already cached also drops it at once.
# Not followed, bounded by PAGE_CACHE_SECONDS: the enrollment counts, which only order the catalogue's "most
# enrolled" sort and change on every enrollment (following them would empty the cache all day long). What depends
# on the visitor (enrolled, progress, "continue", announcements, trainers' links) is never cached: signed-in
# visitors are never served from the cache and their pages are never stored.


def _connect_page_cache():
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail import hooks
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from lms.competencies.models import Competency
    from lms.courses.models import Activity, Course, Module, Subject

    for signal, name in ((page_published, "published"), (page_unpublished, "unpublished"), (post_page_move, "moved")):
        signal.connect(_invalidate_pages, dispatch_uid=f"cms-page-cache-{name}")
    post_delete.connect(_invalidate_pages, sender=Page, dispatch_uid="cms-page-cache-page-deleted")
    followed = (Course, Module, Activity, Subject, Competency, Site, PageViewRestriction)
    for model in (*followed, get_image_model(), get_document_model()):
        post_save.connect(_invalidate_pages, sender=model, dispatch_uid=f"cms-page-cache-saved-{model.__name__}")
        post_delete.connect(_invalidate_pages, sender=model, dispatch_uid=f"cms-page-cache-deleted-{model.__name__}")
    m2m_changed.connect(
        _invalidate_pages, sender=Course.competencies.through, dispatch_uid="cms-page-cache-course-competencies"
    )
    hooks.register("before_serve_page", _allow_page_cache, order=1000)


def _invalidate_pages(sender, **kwargs):
    from core.page_cache import invalidate_on_commit

    invalidate_on_commit(kwargs.get("using"))


@functools.cache
def _cacheable_params() -> dict[type, frozenset[str]]:
    """The page types that may be cached for anonymous visitors, each with the query parameters it reads."""
    from .catalogue import CatalogueFilterForm
    from .library import LibraryFilterForm
    from .models import CourseIndexPage, CoursePage, HomePage, NewsIndexPage, NewsPage, ResourceIndexPage, ResourcePage

    return {
        HomePage: frozenset(),
        CourseIndexPage: frozenset({*CatalogueFilterForm.base_fields, "page"}),
        CoursePage: frozenset(),
        ResourceIndexPage: frozenset({*LibraryFilterForm.base_fields, "page"}),
        ResourcePage: frozenset(),
        NewsIndexPage: frozenset({"page"}),
        NewsPage: frozenset(),
    }


def _allow_page_cache(page, request, serve_args, serve_kwargs):
    """A Wagtail hook run just before a page is served: mark the response as one the page cache may keep."""
    from core.page_cache import allow

    params = _cacheable_params().get(type(page))
    if params is None:
        return None
    # A routable page (the library) is cached on its own address only, not on its extra routes (the submission form).
    view = serve_args[0] if serve_args else None
    if view is not None and getattr(view, "__name__", "") != "index_route":
        return None
    allow(request, params=params)
    return None
