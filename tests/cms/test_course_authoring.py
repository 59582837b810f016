"""Authors create and edit courses in Wagtail; the course settings live on the shared lms Course."""

from __future__ import annotations

import pytest
from wagtail.models import Locale
from wagtail.test.utils.form_data import rich_text

from cms.models import CourseIndexPage, CoursePage
from lms.competencies.models import Competency
from lms.courses.models import Course
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db


def _form_data(**overrides) -> dict:
    data = {
        "title": "Assessment with digital tools",
        "slug": "assessment-digital",
        "summary": "Quizzes, portfolios and feedback.",
        "description": rich_text("<p>About assessment.</p>"),
        "learning_outcomes": rich_text("<ul><li>Design a quiz</li></ul>"),
        "enrollment_mode": "key",
        "enrollment_key": "secret-42",
        "format": "blended",
        "subject": "",
        "estimated_hours": "8",
        "min_quiz_grade": "70",
        "certificate_enabled": "on",
        "certificate_validity_months": "",
        "competencies": [str(Competency.objects.get(aspect=2, level=1).pk)],
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-publish": "publish",
    }
    data.update(overrides)
    return data


def test_creating_a_course_page_creates_its_course_with_the_settings(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    index = CourseIndexPage.objects.get(locale__language_code="en")
    response = client.post(f"/cms-admin/pages/add/cms/coursepage/{index.pk}/", _form_data())
    assert response.status_code == 302, response.content.decode()[:5000]
    page = CoursePage.objects.get(slug="assessment-digital")
    course = page.course
    assert (course.title, course.enrollment_mode, course.enrollment_key) == (page.title, "key", "secret-42")
    assert course.format == "blended" and course.min_quiz_grade == 70
    assert [c.code for c in course.competencies.all()] == ["2.1"]


def test_a_key_course_without_a_key_is_refused_and_nothing_is_created(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    index = CourseIndexPage.objects.get(locale__language_code="en")
    response = client.post(f"/cms-admin/pages/add/cms/coursepage/{index.pk}/", _form_data(enrollment_key=""))
    assert response.status_code == 200
    assert "Set the key that learners will type." in response.content.decode()
    assert not Course.objects.exists()


def test_editing_the_settings_from_a_translation_edits_the_same_course(client):
    course = make_course(languages=("en", "ru"))
    russian = CoursePage.objects.get(course=course, locale=Locale.objects.get(language_code="ru"))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    edit = client.get(f"/cms-admin/pages/{russian.pk}/edit/")
    assert edit.status_code == 200
    response = client.post(
        f"/cms-admin/pages/{russian.pk}/edit/",
        _form_data(
            title=russian.title,
            slug=russian.slug,
            enrollment_mode="closed",
            enrollment_key="",
            estimated_hours="3",
            **{"action-publish": "publish"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:5000]
    course.refresh_from_db()
    assert course.enrollment_mode == "closed"
    assert course.estimated_hours == 3
    assert CoursePage.objects.filter(course=course).count() == 2


def test_trainer_copies_her_course_into_a_new_draft_course(client):
    from accounts.models import Role
    from accounts.services import role_grant
    from cms.models import LessonPage

    trainer = UserFactory()
    role_grant(user=trainer, role=Role.TRAINER)
    course = make_course(title="Original", trainers=[trainer], modules=2, lessons=2, estimated_hours=7)
    client.force_login(UserFactory())
    assert client.post(f"/en/learning/manage/{course.uuid}/copy/", {"title": "Mine now"}).status_code == 403

    client.force_login(trainer)
    response = client.post(f"/en/learning/manage/{course.uuid}/copy/", {"title": "Original, 2027 edition"})
    assert response.status_code == 302
    copy = CoursePage.objects.get(title="Original, 2027 edition")
    assert response["Location"] == f"/cms-admin/pages/{copy.pk}/edit/"
    assert not copy.live  # a draft until she publishes it
    assert copy.course != course and copy.course.estimated_hours == 7
    assert list(copy.course.trainers.all()) == [trainer]
    assert LessonPage.objects.descendant_of(copy).count() == 4
    assert course.activities.count() == 4  # the original's outline is untouched


def test_trainers_may_author_under_the_course_catalogue_in_wagtail(client):
    from accounts.models import Role
    from accounts.services import role_grant

    trainer = UserFactory()
    role_grant(user=trainer, role=Role.TRAINER)
    client.force_login(trainer)
    index = CourseIndexPage.objects.get(locale__language_code="en")
    assert client.get(f"/cms-admin/pages/add/cms/coursepage/{index.pk}/").status_code == 200
    home = index.get_parent()
    assert client.get(f"/cms-admin/pages/add/cms/newsindexpage/{home.pk}/").status_code in (302, 403)
