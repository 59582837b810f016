"""What every visit to a lesson would read again is kept instead (cms/lessons.py, cms/routing.py,
lms.courses.selectors.course_structure, core.page_cache.memo): a learner's second visit reads only her own rows, and
whatever an editor or trainer changes is seen on the very next visit, by her and by everyone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import LessonPage
from lms.courses.models import Activity
from lms.quizzes.services.attempts import attempt_start
from tests.cms.test_quiz_outline import lessons_of, publish
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.roles import trainer as make_trainer
from tests.lms.quizzes.test_attempts import enrolled, quiz_for

pytestmark = pytest.mark.django_db

# The rows a second visit may read: her session, herself, her enrollment and her progress.
HER_OWN = {"django_session", "accounts_user", "courses_enrollment", "courses_activityprogress"}


def tables_read(queries) -> set[str]:
    tables = set()
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.startswith("SELECT"):
            tables.add(sql.split(' FROM "', 1)[1].split('"', 1)[0])
    return tables


def test_a_second_visit_to_a_lesson_reads_only_her_own_rows(client):
    course = make_course(modules=2, lessons=3)
    learner = enrolled(course)
    client.force_login(learner)
    lesson = lessons_of(course)[1]
    client.get(lesson.url)  # the first visit remembers where she is (a write), and fills the memory
    with CaptureQueriesContext(connection) as first_again:
        client.get(lesson.url)
    with CaptureQueriesContext(connection) as second:
        response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Read this." in html and "Lesson 2.3" in html  # the body, and the outline
    assert tables_read(second) <= HER_OWN, tables_read(second)
    assert len(second) == len(first_again) <= len(HER_OWN)


def test_the_body_is_drawn_once_but_the_quiz_for_each_learner(client, django_capture_on_commit_callbacks):
    course = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    quiz = quiz_for(course=course)
    (lesson,) = lessons_of(course)
    publish(
        lesson, [("paragraph", "<p>Before the quiz.</p>"), ("quiz", {"quiz": quiz})], django_capture_on_commit_callbacks
    )
    started, fresh = enrolled(course), enrolled(course)
    attempt_start(quiz=quiz, user=started, language="en")

    client.force_login(started)
    html = client.get(lesson.url).content.decode()
    assert "Before the quiz." in html and "Continue your attempt" in html
    client.force_login(fresh)
    html = client.get(lesson.url).content.decode()
    assert "Before the quiz." in html and "Start the quiz" in html and "Continue your attempt" not in html

    # A publish is seen by the next visitor at once, whoever drew the old body.
    publish(lesson, [("paragraph", "<p>Rewritten.</p>"), ("quiz", {"quiz": quiz})], django_capture_on_commit_callbacks)
    html = client.get(lesson.url).content.decode()
    assert "Rewritten." in html and "Before the quiz." not in html and "Start the quiz" in html


def test_a_preview_shows_the_draft_and_the_live_page_stays_published(client, rf):
    course = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    (lesson,) = lessons_of(course)
    learner = enrolled(course)
    client.force_login(learner)
    assert "Read this." in client.get(lesson.url).content.decode()  # the body is now kept

    draft = LessonPage.objects.get(pk=lesson.pk)
    draft.body = [("paragraph", "<p>A draft nobody sees yet.</p>")]
    editor = Client()
    editor.force_login(UserFactory(is_superuser=True, is_staff=True))
    request = rf.get("/", HTTP_COOKIE=f"sessionid={editor.cookies['sessionid'].value}")
    preview = draft.make_preview_request(request)  # as Wagtail's preview panel does
    assert preview.status_code == 200
    assert "A draft nobody sees yet." in preview.content.decode()
    assert "Lesson 1.1" in preview.content.decode()  # with the course's outline

    html = client.get(lesson.url).content.decode()
    assert "Read this." in html and "A draft nobody sees yet." not in html


def test_a_new_lesson_appears_in_the_outline_on_the_next_visit(client, django_capture_on_commit_callbacks):
    course = make_course(modules=1, lessons=1)
    (lesson,) = lessons_of(course)
    client.force_login(enrolled(course))
    assert "Lesson 1.2" not in client.get(lesson.url).content.decode()
    module = lesson.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        added = module.add_child(instance=LessonPage(title="Lesson 1.2", slug="lesson-1-2", body=[]))
        added.save_revision().publish()
    assert Activity.objects.filter(course=course, is_active=True).count() == 2
    html = client.get(lesson.url).content.decode()
    assert "Lesson 1.2" in html and 'rel="next"' in html


def test_an_unpublished_lesson_is_gone_on_the_next_visit(client):
    course = make_course(modules=1, lessons=2)
    _first, second = lessons_of(course)
    client.force_login(enrolled(course))
    assert client.get(second.url).status_code == 200
    second.unpublish()
    assert client.get(second.url).status_code == 404


def test_a_moved_page_is_found_at_its_new_address_at_once(client):
    course = make_course(modules=2, lessons=1)
    (first, _other) = lessons_of(course)
    client.force_login(enrolled(course))
    old_url = first.url
    assert client.get(old_url).status_code == 200
    first.slug = "renamed"
    first.save_revision().publish()
    first.refresh_from_db()
    assert client.get(old_url).status_code == 404
    assert client.get(first.url).status_code == 200


def test_a_view_restriction_set_after_visits_applies_at_once(client):
    course = make_course(modules=1, lessons=1)
    course_page = course.pages.get(locale__language_code="en")
    assert client.get(course_page.url).status_code == 200  # kept in the page cache and in memory
    assert client.get(course_page.url).status_code == 200
    PageViewRestriction.objects.create(page=course_page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(course_page.url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(course_page.url).status_code == 200
    PageViewRestriction.objects.all().delete()
    client.logout()
    assert client.get(course_page.url).status_code == 200


def test_without_the_cache_everything_is_read_each_time(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    course = make_course(modules=1, lessons=1)
    (lesson,) = lessons_of(course)
    client.force_login(enrolled(course))
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as again:
        response = client.get(lesson.url)
    assert "Read this." in response.content.decode()
    assert {"wagtailcore_site", "courses_module", "wagtailcore_page"} <= tables_read(again)


def test_anonymous_visitors_are_sent_to_sign_in_without_reading_the_course(client):
    course = make_course(modules=1, lessons=1)
    (lesson,) = lessons_of(course)
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(lesson.url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert len(queries) == 0


def test_with_the_page_cache_in_redis(client, settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": redis_url.rsplit("/", 1)[0] + "/4"},
    }
    from core import page_cache

    page_cache.page_cache().clear()
    course = make_course(modules=1, lessons=2)
    first, _second = lessons_of(course)
    client.force_login(enrolled(course))
    client.get(first.url)
    with CaptureQueriesContext(connection) as again:
        response = client.get(first.url)
    assert "Read this." in response.content.decode() and "Lesson 1.2" in response.content.decode()
    assert tables_read(again) <= HER_OWN
    first.body = [("paragraph", "<p>Changed.</p>")]
    first.save_revision().publish()
    assert "Changed." in client.get(first.url).content.decode()
    page_cache.page_cache().clear()
