"""Pages are found by their URL in one query (cms/routing.py), with the same answers as Wagtail's walk down the
tree: the page, a 404, the library's own routes, unpublished pages and translations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from cms.models import HomePage, LessonPage
from cms.routing import route_by_url_path
from tests.factories.courses import make_course
from tests.factories.library import library_index, resource_page

pytestmark = pytest.mark.django_db


def home(language: str = "en") -> HomePage:
    return HomePage.objects.get(locale__language_code=language)


def route(path: str, language: str = "en"):
    """What the home page's route answers, and what Wagtail's own walk (Page.route) answers, for a path."""
    components = [part for part in path.split("/") if part]
    request = RequestFactory().get(f"/{language}/{path}")
    root = home(language)

    def walk(method):
        try:
            result = method(request, components)
        except Http404:
            return "404"
        # A routable page's result carries its view, a method bound to that page instance: compare by name.
        args = tuple(getattr(arg, "__qualname__", arg) for arg in result.args)
        return (type(result.page), result.page.pk, args, tuple(sorted(result.kwargs)))

    return walk(root.route), walk(lambda request, components: Page.route(root, request, components))


def test_a_lesson_is_found_with_two_queries_where_the_walk_takes_ten():
    make_course(modules=1, lessons=1)
    lesson = LessonPage.objects.live().last()
    path = lesson.url_path.removeprefix(home().url_path)
    request = RequestFactory().get(f"/en/{path}")
    components = [part for part in path.split("/") if part]
    root = home()
    with CaptureQueriesContext(connection) as direct:
        result = root.route(request, components)
    with CaptureQueriesContext(connection) as walked:
        Page.route(root, request, components)
    assert result.page == lesson and isinstance(result.page, LessonPage)
    assert len(direct) == 2, [query["sql"] for query in direct]
    assert len(walked) >= 8


@pytest.mark.parametrize(
    "path",
    [
        "courses/",
        "courses/{course}/",
        "courses/{course}/module-1/",
        "courses/{course}/module-1/lesson-1-1/",
        "courses/{course}/module-1/no-such-lesson/",
        "courses/{course}/module-9/lesson-1-1/",
        "no-such-page/",
        "courses/{course}/module-1/lesson-1-1/extra/",
        "library/",
        "library/submit/",
        "library/submit/thanks/",
        "library/{resource}/",
        "library/no-such-resource/",
    ],
)
def test_every_path_gets_the_same_answer_as_wagtails_walk(path):
    make_course(modules=1, lessons=1)
    course_slug = Page.objects.filter(depth=4, url_path__contains="/courses/").last().slug
    resource = resource_page(title="Fractions video")
    path = path.format(course=course_slug, resource=resource.slug)
    direct, walked = route(path)
    assert direct == walked


def test_an_unpublished_page_is_not_found_either_way():
    make_course(modules=1, lessons=2)
    lesson = LessonPage.objects.live().last()
    lesson.unpublish()
    path = lesson.url_path.removeprefix(home().url_path)
    assert route(path) == ("404", "404")


def test_translations_are_found_under_their_own_language():
    make_course(title="Shared", modules=1, lessons=1, languages=("en", "ru"))
    for language in ("en", "ru"):
        lesson = LessonPage.objects.live().filter(locale__language_code=language).last()
        path = lesson.url_path.removeprefix(home(language).url_path)
        direct, walked = route(path, language)
        assert direct == walked and direct[1] == lesson.pk


def test_a_page_that_routes_its_children_itself_is_left_to_wagtail():
    """The library index has routes of its own: below it the direct lookup steps aside."""
    library_index()
    resource = resource_page(title="A plan")
    root = home()
    assert route_by_url_path(root, RequestFactory().get("/"), ["library", resource.slug]) is None
    assert route_by_url_path(root, RequestFactory().get("/"), ["library"]) is not None
