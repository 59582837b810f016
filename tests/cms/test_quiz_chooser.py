"""The lesson's quiz block in Wagtail's editor: the chooser offers the quizzes of the courses the editor
teaches (all of them to a superuser), and a lesson published from the editor with a quiz block becomes the
quiz's step in the course outline."""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.models import LessonPage
from lms.courses.models import Activity
from lms.quizzes import services
from tests.factories.courses import make_course
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db


def _quiz(course, title):
    return services.quiz_create(course=course, by=course.trainers.first(), title=title)


def test_the_chooser_offers_only_the_quizzes_of_the_editors_courses(client):
    mine = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    theirs = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    _quiz(mine, "Quiz of my course")
    _quiz(theirs, "Quiz of another course")

    client.force_login(mine.trainers.first())
    response = client.get("/cms-admin/quiz_chooser/")
    assert response.status_code == 200
    listed = response.json()["html"]
    assert "Quiz of my course" in listed and "Quiz of another course" not in listed

    client.force_login(superuser())
    listed = client.get("/cms-admin/quiz_chooser/").json()["html"]
    assert "Quiz of my course" in listed and "Quiz of another course" in listed


def test_the_chooser_is_closed_to_anonymous_visitors(client):
    response = client.get("/cms-admin/quiz_chooser/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_lesson_published_from_the_editor_with_a_quiz_block_is_the_quizs_step(
    client, django_capture_on_commit_callbacks
):
    course = make_course(modules=1, lessons=1, trainers=[make_trainer()])
    quiz = _quiz(course, "Check your understanding")
    lesson = LessonPage.objects.get(locale__language_code="en")
    client.force_login(superuser())

    edit = client.get(f"/cms-admin/pages/{lesson.pk}/edit/")
    assert edit.status_code == 200 and "quiz_chooser" in edit.content.decode()  # the block's chooser is wired
    data = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "estimated_minutes": "15",
            "required": "on",
            "body": streamfield([("quiz", {"quiz": quiz.pk})]),
            "action-publish": "publish",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cms-admin/pages/{lesson.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors

    lesson.refresh_from_db()
    assert [block.block_type for block in lesson.body] == ["quiz"]
    assert lesson.body[0].value["quiz"] == quiz
    quiz.refresh_from_db()
    activity = Activity.objects.get(course=course, translation_key=lesson.translation_key)
    assert activity.kind == Activity.Kind.QUIZ and quiz.activity == activity
