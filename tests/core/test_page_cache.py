"""The anonymous page cache (core/page_cache.py): anonymous visitors get stored pages without a query, signed-in
teachers never do, publishing (and the lms rows the pages show) changes what anonymous visitors see at once, and
nothing personal or unbounded is ever stored."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import ensure_csrf_cookie
from wagtail.models import Locale, Page

from cms.models import CoursePage, HomePage, NewsIndexPage, NewsPage
from core import page_cache
from lms.courses import services
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.library import resource_page

pytestmark = pytest.mark.django_db

HIT = page_cache.HIT_HEADER


def course_url(course) -> str:
    return CoursePage.objects.get(course=course, locale__language_code="en").url


def republish(page: Page, **changes) -> None:
    page = page.specific
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


# Anonymous visitors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/en/", "/ar/", "/en/courses/", "/en/library/"])
def test_a_repeat_anonymous_visit_is_served_from_the_cache_without_a_query(client, url, django_assert_num_queries):
    make_course(title="Digital pedagogy")
    resource_page(title="Fractions video")
    first = client.get(url)
    assert first.status_code == 200
    assert first[HIT] == "miss"

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second[HIT] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_course_and_resource_pages_are_cached(client, django_assert_num_queries):
    course = make_course(title="Digital pedagogy")
    resource = resource_page(title="Fractions video")
    for url in (course_url(course), resource.url):
        assert client.get(url)[HIT] == "miss"
        with django_assert_num_queries(0):
            assert client.get(url)[HIT] == "hit"


def test_head_is_answered_from_the_cache(client, django_assert_num_queries):
    client.get("/en/")
    with django_assert_num_queries(0):
        response = client.head("/en/")
    assert response.status_code == 200
    assert response[HIT] == "hit"
    assert response.content == b""


def test_the_language_is_part_of_the_address(client):
    assert client.get("/en/")[HIT] == "miss"
    russian = client.get("/ru/")
    assert russian[HIT] == "miss"
    assert b'lang="ru"' in russian.content


def test_no_public_caching_headers_are_sent(client):
    course = make_course()
    for _ in range(2):  # the miss that stores, then the hit
        response = client.get(course_url(course))
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache_control == {"private", "no-cache"}
        assert "max-age" not in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert "Expires" not in response


# Query strings -----------------------------------------------------------------------------------------------


def test_catalogue_filters_are_cached_in_any_parameter_order(client, django_assert_num_queries):
    make_course(title="Digital pedagogy")
    first = client.get("/en/courses/?q=digital&sort=popular")
    assert first[HIT] == "miss"
    assert b"Digital pedagogy" in first.content
    with django_assert_num_queries(0):
        again = client.get("/en/courses/?sort=popular&q=digital")
    assert again[HIT] == "hit"
    # Another search is another entry.
    other = client.get("/en/courses/?q=photosynthesis")
    assert other[HIT] == "miss"
    assert b"Digital pedagogy" not in other.content


def test_unknown_or_tracking_parameters_are_never_stored(client):
    make_course(title="Digital pedagogy")
    for url in ("/en/courses/?utm_source=newsletter", "/en/?x=1", "/en/library/?sort=popular", "/en/?page=2"):
        first = client.get(url)
        assert first.status_code == 200
        assert HIT not in first
        assert HIT not in client.get(url), url
    # Nothing was stored for those addresses (the alias holds the generation token and navigation fragments).
    keys = list(page_cache.page_cache()._cache)
    assert keys
    assert not [key for key in keys if ":page:" in key]


def test_overlong_query_strings_bypass_the_cache(client, settings):
    settings.PAGE_CACHE_MAX_QUERY = 20
    url = "/en/courses/?q=" + "a" * 30
    client.get(url)
    assert HIT not in client.get(url)


# Signed-in teachers --------------------------------------------------------------------------------------------


def test_a_teacher_who_signs_in_sees_her_own_course_page_at_once(client):
    course = make_course(title="Digital pedagogy")
    url = course_url(course)
    client.get(url)
    assert client.get(url)[HIT] == "hit"
    assert b"Sign in to enroll" in client.get(url).content

    teacher = UserFactory()
    response = client.post(
        "/en/accounts/login/", {"username": teacher.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    page = client.get(url)
    assert HIT not in page
    assert b"Sign in to enroll" not in page.content
    assert b"Enroll</button>" in page.content

    services.enrollment_self_enroll(user=teacher, course=course)
    enrolled = client.get(url)
    assert HIT not in enrolled
    assert b"Your progress: 0%" in enrolled.content
    assert b"Start the course" in enrolled.content


def test_signed_in_pages_are_never_stored(client, django_assert_max_num_queries):
    course = make_course(title="Digital pedagogy")
    teacher = UserFactory()
    services.enrollment_self_enroll(user=teacher, course=course)
    client.force_login(teacher)
    url = course_url(course)
    for _ in range(2):
        response = client.get(url)
        assert HIT not in response
        assert b"Your progress" in response.content
        assert "private" in response["Cache-Control"]
    client.logout()
    anonymous = client.get(url)
    assert anonymous[HIT] == "miss"
    assert b"Your progress" not in anonymous.content
    assert b"Sign in to enroll" in anonymous.content


def test_a_visitor_with_a_session_is_not_served_from_the_cache(client):
    client.get("/en/")
    session = client.session
    session["anything"] = 1
    session.save()
    client.cookies["sessionid"] = session.session_key
    assert HIT not in client.get("/en/")


# Invalidation --------------------------------------------------------------------------------------------------


def test_publishing_a_page_changes_what_anonymous_visitors_see_at_once(client, django_capture_on_commit_callbacks):
    course = make_course(title="Digital pedagogy")
    url = course_url(course)
    assert b"Digital pedagogy" in client.get(url).content
    assert client.get(url)[HIT] == "hit"
    catalogue = client.get("/en/courses/")
    assert client.get("/en/courses/")[HIT] == "hit"
    assert b"Digital pedagogy" in catalogue.content

    with django_capture_on_commit_callbacks(execute=True):
        republish(CoursePage.objects.get(course=course), title="Pedagogy for the digital age")

    page = client.get(url)
    assert page[HIT] == "miss"
    assert b"Pedagogy for the digital age" in page.content
    assert b"Pedagogy for the digital age" in client.get("/en/courses/").content


def test_a_news_item_published_shows_on_the_home_page_at_once(client):
    assert b"No news yet." in client.get("/en/").content
    assert client.get("/en/")[HIT] == "hit"
    home = HomePage.objects.get(locale__language_code="en")
    news_index = NewsIndexPage.objects.child_of(home).first()
    if news_index is None:
        news_index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
        news_index.save_revision().publish()
    news = news_index.add_child(instance=NewsPage(title="The library opens", slug="library-opens", body="<p>Yes</p>"))
    news.save_revision().publish()
    assert b"The library opens" in client.get("/en/").content


def test_unpublishing_and_deleting_a_page_remove_it_from_the_cache(client):
    course = make_course(title="Digital pedagogy")
    url = course_url(course)
    client.get(url)
    assert client.get(url)[HIT] == "hit"
    CoursePage.objects.get(course=course).unpublish()
    assert client.get(url).status_code == 404

    resource = resource_page(title="Fractions video")
    client.get(resource.url)
    assert client.get(resource.url)[HIT] == "hit"
    url = resource.url
    resource.delete()
    assert client.get(url).status_code == 404


def test_moving_a_page_empties_the_cache(client):
    course = make_course(title="Digital pedagogy", modules=1, lessons=1)
    client.get("/en/courses/")
    assert client.get("/en/courses/")[HIT] == "hit"
    before = page_cache.generation()
    page = CoursePage.objects.get(course=course)
    page.move(page.get_parent(), pos="last-child")
    assert page_cache.generation() != before
    assert client.get("/en/courses/")[HIT] == "miss"


def test_course_settings_saved_without_a_publish_show_at_once(client):
    """The course's settings live on the lms Course (edited from the page form, saved with a draft too)."""
    course = make_course(title="Digital pedagogy", estimated_hours=3)
    url = course_url(course)
    assert b"3 h" in client.get(url).content
    assert client.get(url)[HIT] == "hit"
    services.course_update(course, estimated_hours=12)
    page = client.get(url)
    assert HIT not in page or page[HIT] == "miss"
    assert b"12 h" in page.content


def test_an_enrollment_does_not_empty_the_cache(client):
    """Enrollment counts only order the "most enrolled" sort: they are left to PAGE_CACHE_SECONDS."""
    course = make_course(title="Digital pedagogy")
    client.get("/en/courses/?sort=popular")
    services.enrollment_self_enroll(user=UserFactory(), course=course)
    assert client.get("/en/courses/?sort=popular")[HIT] == "hit"


def test_invalidation_happens_again_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_course(title="Digital pedagogy")
        during = page_cache.generation()
    assert page_cache.invalidate in callbacks
    assert callbacks.count(page_cache.invalidate) == 1  # once per transaction, however many rows changed
    page_cache.invalidate()
    assert page_cache.generation() != during


def test_the_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/en/")
    response = client.get("/en/")
    assert HIT not in response
    assert response.status_code == 200


# What is never stored: a generic view, served like a page that allowed caching -------------------------------


def _allowed(view):
    def wrapper(request, *args, **kwargs):
        page_cache.allow(request, params={"page"})
        return view(request, *args, **kwargs)

    return wrapper


def _page(request):
    return HttpResponse("<p>" + "a page " * 50 + "</p>")


def _with_message(request):
    messages.info(request, "Saved.")
    return _page(request)


@ensure_csrf_cookie
def _with_csrf(request):
    return _page(request)


def _private(request):
    response = _page(request)
    add_never_cache_headers(response)
    return response


def _not_found(request):
    return HttpResponse("<p>" + "missing " * 50 + "</p>", status=404)


def _json(request):
    return HttpResponse('{"a": 1}', content_type="application/json")


def _vary_agent(request):
    response = _page(request)
    response["Vary"] = "User-Agent"
    return response


def _shows_messages(request):
    stored = [str(message) for message in messages.get_messages(request)]
    return HttpResponse(f"<p>{stored}</p>" + "x" * 300)


urlpatterns = [
    path("page/", _allowed(_page)),
    path("not-allowed/", _page),
    path("message/", _allowed(_with_message)),
    path("csrf/", _allowed(_with_csrf)),
    path("private/", _allowed(_private)),
    path("missing/", _allowed(_not_found)),
    path("json/", _allowed(_json)),
    path("vary/", _allowed(_vary_agent)),
    path("shows-messages/", _allowed(_shows_messages)),
]


@pytest.mark.urls(__name__)
def test_an_allowed_page_is_stored(client):
    assert client.get("/page/")[HIT] == "miss"
    assert client.get("/page/")[HIT] == "hit"
    assert client.get("/page/?page=2")[HIT] == "miss"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/not-allowed/", "/message/", "/csrf/", "/private/", "/missing/", "/json/", "/vary/"])
def test_responses_that_must_not_be_shared_are_never_stored(client, url):
    client.get(url)
    client.cookies.clear()
    assert HIT not in client.get(url)


@pytest.mark.urls(__name__)
def test_a_pending_message_is_never_lost_to_the_cache(client):
    client.get("/shows-messages/")
    assert client.get("/shows-messages/")[HIT] == "hit"
    client.get("/message/")  # leaves a message in the messages cookie
    assert "messages" in client.cookies
    shown = client.get("/shows-messages/")
    assert HIT not in shown
    assert b"Saved." in shown.content


def test_without_a_pages_alias_nothing_is_cached_and_nothing_fails(client, settings):
    settings.CACHES = {"default": settings.CACHES["default"]}
    course = make_course(title="Digital pedagogy", languages=("en", "ru"))
    for _ in range(2):
        response = client.get(course_url(course))
        assert response.status_code == 200
        assert HIT not in response
    services.course_update(course, estimated_hours=4)  # the receivers have nothing to invalidate


def test_a_redis_outage_only_means_misses(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/2",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    for _ in range(2):
        response = client.get("/en/")
        assert response.status_code == 200
        assert HIT not in response


def test_pages_are_cached_in_redis(client, settings, redis_url, django_assert_num_queries):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": redis_url.rsplit("/", 1)[0] + "/4"},
    }
    page_cache.page_cache().clear()
    course = make_course(title="Digital pedagogy")
    url = course_url(course)
    assert client.get(url)[HIT] == "miss"
    with django_assert_num_queries(0):
        assert client.get(url)[HIT] == "hit"
    republish(CoursePage.objects.get(course=course), title="Pedagogy for the digital age")
    assert b"Pedagogy for the digital age" in client.get(url).content
    page_cache.page_cache().clear()


# Navigation fragments ------------------------------------------------------------------------------------------


def _render_header(request, page=None) -> str:
    context = Context({"request": request, "page": page, "user": request.user, "LANGUAGE_CODE": "en"})
    return Template('{% include "core/includes/header.html" %}').render(context)


def test_the_language_links_of_a_page_cost_a_query_once(rf: RequestFactory, django_assert_num_queries):
    course = make_course(title="Digital pedagogy", languages=("en", "ru"))
    page = CoursePage.objects.get(course=course, locale__language_code="en")
    request = rf.get(page.url)
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as first:
        html = _render_header(request, page)
    assert len(first) >= 1
    assert 'hreflang="ru"' in html
    with django_assert_num_queries(0):
        again = _render_header(request, page)
    assert again == html


def test_a_signed_in_page_view_makes_fewer_queries_the_second_time(client):
    course = make_course(title="Digital pedagogy", languages=("en", "ru"))
    teacher = UserFactory()
    services.enrollment_self_enroll(user=teacher, course=course)
    client.force_login(teacher)
    url = course_url(course)
    client.get(url)  # records her activity (once an hour)
    page_cache.invalidate()
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        response = client.get(url)
    assert b"Your progress" in response.content
    links = '"wagtailcore_page"."translation_key" = '
    assert sum(links in query["sql"] and '"live"' in query["sql"] for query in first.captured_queries) == 1
    assert not any(links in query["sql"] and '"live"' in query["sql"] for query in second.captured_queries)
    # What is the same for everyone comes from memory the second time (core.page_cache.memo): the site, the home
    # page, the page for the address, whether view restrictions exist, the course's modules and activities.
    shared = ("wagtailcore_site", "wagtailcore_locale", "wagtailcore_pageviewrestriction", "courses_module")
    for table in shared:
        assert any(f'FROM "{table}"' in query["sql"] for query in first.captured_queries), table
        assert not any(f'FROM "{table}"' in query["sql"] for query in second.captured_queries), table
    assert not any('FROM "wagtailcore_page"' in query["sql"] for query in second.captured_queries)
    assert len(second) <= len(first) - 8


def test_language_links_follow_a_new_translation(client):
    course = make_course(title="Digital pedagogy")
    url = course_url(course)
    page = client.get(url).content.decode()
    assert 'hreflang="ru" href="/ru/"' in page
    source = CoursePage.objects.get(course=course)
    translated = source.copy_for_translation(Locale.objects.get(language_code="ru"))
    translated.save_revision().publish()
    page = client.get(url).content.decode()
    assert f'hreflang="ru" href="{translated.url}"' in page


# What each process keeps in memory (page_cache.memo) -------------------------------------------------------------


def test_memo_keeps_a_value_until_the_next_invalidation():
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    first = page_cache.memo("test", 1, compute=compute)
    assert page_cache.memo("test", 1, compute=compute) is first
    assert page_cache.memo("test", 2, compute=compute) == {"value": 2}  # other parts, another value
    page_cache.invalidate()
    assert page_cache.memo("test", 1, compute=compute) == {"value": 3}
    assert len(calls) == 3


def test_memo_keeps_no_none_and_nothing_when_the_cache_is_off(settings):
    calls = []

    def nothing():
        calls.append(1)

    page_cache.memo("test-none", compute=nothing)
    page_cache.memo("test-none", compute=nothing)
    assert len(calls) == 2
    settings.PAGE_CACHE_SECONDS = 0
    values = [page_cache.memo("test-off", compute=lambda: object()) for _ in range(2)]
    assert values[0] is not values[1]


def test_memo_values_last_page_cache_seconds_at_most(monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 60
    now = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now[0])
    first = page_cache.memo("test-ttl", compute=lambda: object())
    now[0] += 59
    assert page_cache.memo("test-ttl", compute=lambda: object()) is first
    now[0] += 2
    assert page_cache.memo("test-ttl", compute=lambda: object()) is not first


def test_a_request_reads_the_generation_once(client, monkeypatch):
    course = make_course(title="Digital pedagogy", languages=("en", "ru"))
    teacher = UserFactory()
    services.enrollment_self_enroll(user=teacher, course=course)
    client.force_login(teacher)
    url = course_url(course)
    client.get(url)
    cache = page_cache.page_cache()
    reads = []
    original = type(cache).get

    def counting_get(self, key, *args, **kwargs):
        reads.append(key)
        return original(self, key, *args, **kwargs)

    monkeypatch.setattr(type(cache), "get", counting_get)
    assert client.get(url).status_code == 200
    assert sum(page_cache.GENERATION_KEY in key for key in reads) == 1
    # Outside a request, each use reads it (a worker's task must see an invalidation at once).
    reads.clear()
    page_cache.memo("test", compute=lambda: 1)
    page_cache.memo("test", compute=lambda: 1)
    assert sum(page_cache.GENERATION_KEY in key for key in reads) == 2


def test_one_redis_client_serves_every_call(settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": redis_url.rsplit("/", 1)[0] + "/4"},
    }
    cache = page_cache.page_cache()
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    cache.set("test-key", "value")
    assert cache.get("test-key") == "value"
    cache.delete("test-key")


def test_the_release_command_drops_every_kept_page(client):
    from django.core.management import call_command

    course = make_course(title="Digital pedagogy")
    url = course_url(course)
    assert client.get(url)[HIT] == "miss"
    assert client.get(url)[HIT] == "hit"
    kept = page_cache.memo("test-release", compute=lambda: object())
    call_command("page_cache_invalidate")
    assert client.get(url)[HIT] == "miss"
    assert page_cache.memo("test-release", compute=lambda: object()) is not kept
