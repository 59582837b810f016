"""A learner takes a quiz in the browser: the lesson's quiz box, the attempt pages, the summary, the submit, the
review and her grades; and what she must never see or lose on the way."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.models import LessonPage
from cms.outline import course_sync
from lms.courses.models import Activity
from lms.courses.services import enrollment_self_enroll
from lms.quizzes import display, services
from lms.quizzes.models import Attempt, QuestionAttempt, QuizGrade
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.quizzes import QuestionCategoryFactory, answer, make_question
from tests.factories.roles import trainer

pytestmark = pytest.mark.django_db

WRONG_FEEDBACK = "Red is the colour of a stop sign"
RIGHT_FEEDBACK = "Yes, the sun looks yellow"


@pytest.fixture
def teacher():
    return trainer()


@pytest.fixture
def course(teacher):
    return make_course(modules=1, lessons=1, trainers=[teacher])


@pytest.fixture
def learner(course):
    user = UserFactory()
    enrollment_self_enroll(user=user, course=course)
    return user


def colour_question(category=None, **fields):
    return make_question(
        "multichoice",
        category=category,
        text="What colour is the sun?",
        answers=[
            answer("yellow", "1", feedback=RIGHT_FEEDBACK),
            answer("red", "0", feedback=WRONG_FEEDBACK),
            answer("blue", "0"),
        ],
        general_feedback="The sun's light is white; the sky scatters blue away.",
        **fields,
    )


def make_quiz(course, teacher, questions, **settings):
    quiz = services.quiz_create(course=course, by=teacher, title="Colours", **settings)
    for question in questions:
        services.slot_add_question(quiz=quiz, by=teacher, question=question)
    return quiz


def start(client, quiz, language="en") -> Attempt:
    response = client.post(f"/{language}/learning/quizzes/{quiz.uuid}/start/")
    assert response.status_code == 302
    attempt = Attempt.objects.get(quiz=quiz, state=Attempt.State.IN_PROGRESS)
    assert response["Location"] == page_url(attempt, 0, language)
    return attempt


def page_url(attempt, page=0, language="en") -> str:
    return f"/{language}/learning/attempts/{attempt.uuid}/?page={page}"


def post_page(client, attempt, page, answers, action="next", **extra):
    data = {"page": str(page), "action": action, **extra}
    for position, (sequence, value) in answers.items():
        data[f"q{position}-seq"] = str(sequence)
        if value is not None:
            data[f"q{position}-answer"] = value
    return client.post(f"/en/learning/attempts/{attempt.uuid}/", data)


def question(attempt, position) -> QuestionAttempt:
    return QuestionAttempt.objects.get(attempt=attempt, position=position)


def code(attempt, position, index) -> str:
    """What the form sends for the answer (item, answer choice) at ``index`` of a question's snapshot."""
    return str(display.form_value(question(attempt, position).data, index))


YELLOW, RED, BLUE = 0, 1, 2  # colour_question's answers


# The whole way through ------------------------------------------------------------------------------------------


def test_start_answer_move_summary_submit_and_review(client, course, teacher, learner):
    category = QuestionCategoryFactory()
    quiz = make_quiz(
        course, teacher, [colour_question(category), make_question("truefalse", category=category)], pass_grade=50
    )
    client.force_login(learner)
    attempt = start(client, quiz)

    first = client.get(page_url(attempt, 0)).content.decode()
    assert "<legend" in first and "Question 1" in first
    assert "What colour is the sun?" in first
    assert 'name="q0-answer"' in first and 'name="q0-seq" value="0"' in first
    assert 'role="timer"' not in first  # no time limit, no timer
    # Nothing on the page tells the right answer: no fractions, no feedback of any answer.
    assert "fraction" not in first.lower()
    assert WRONG_FEEDBACK not in first and RIGHT_FEEDBACK not in first
    assert "the sky scatters" not in first

    response = post_page(client, attempt, 0, {0: (0, code(attempt, 0, YELLOW))}, action="next")
    assert response.status_code == 302 and response["Location"] == page_url(attempt, 1)
    saved = question(attempt, 0)
    assert saved.response == 0 and saved.sequence == 1
    attempt.refresh_from_db()
    assert attempt.current_page == 1

    second = client.get(page_url(attempt, 1)).content.decode()
    assert "Question 2" in second and 'value="true"' in second and "Finish attempt" in second
    # Going back shows her saved choice; the navigation says which questions are answered.
    back = client.get(page_url(attempt, 0)).content.decode()
    assert re.search(rf'name="q0-answer" id="[^"]+" value="{code(attempt, 0, YELLOW)}" checked', back)
    assert "(answered)" in back and "(not answered)" in back

    response = post_page(client, attempt, 1, {1: (0, "false")}, action="finish")
    assert response["Location"] == reverse("quizzes:attempt-summary", kwargs={"attempt_uuid": attempt.uuid})
    assert question(attempt, 1).response is False

    summary = client.get(response["Location"]).content.decode()
    assert "Submit all and finish" in summary and "you can no longer change your answers" in summary
    assert reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid}) in summary

    response = client.post(reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid}), follow=True)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.closed_by == Attempt.Closed.SUBMITTED
    assert attempt.grade == Decimal("50.00")
    review = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/attempts/{attempt.uuid}/review/")
    assert "Your attempt is submitted." in review
    assert "50%" in review and "Submitted" in review
    assert "Right" in review and "Wrong" in review
    # Feedback may be shown after submitting (the default); the right answers only once the quiz closes.
    assert RIGHT_FEEDBACK in review and "the sky scatters" in review
    assert ">The right answer<" not in review
    assert "The right answers will be shown after the quiz closes." in review
    assert QuizGrade.objects.get(quiz=quiz, user=learner).passed


def test_review_hides_marks_until_the_quiz_closes(client, course, teacher, learner):
    closes = timezone.now() + timedelta(days=3)
    quiz = make_quiz(
        course,
        teacher,
        [colour_question()],
        closes_at=closes,
        review_marks="after_close",
        review_answers="after_close",
        review_feedback="after_close",
    )
    client.force_login(learner)
    attempt = start(client, quiz)
    post_page(client, attempt, 0, {0: (0, code(attempt, 0, RED))}, action="save")
    client.post(reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid}))

    review = client.get(reverse("quizzes:attempt-review", kwargs={"attempt_uuid": attempt.uuid})).content.decode()
    assert "The review will be available after the quiz closes on" in review
    assert "0%" not in review and "Wrong" not in review and WRONG_FEEDBACK not in review
    grades = client.get(reverse("quizzes:my-grades", kwargs={"course_uuid": course.uuid})).content.decode()
    assert "Your grade will be shown after the quiz closes on" in grades
    assert "Attempt 1" in grades and "0%" not in grades

    # Once it has closed, everything may be shown.
    type(quiz).objects.filter(pk=quiz.pk).update(opens_at=None, closes_at=timezone.now() - timedelta(minutes=1))
    review = client.get(reverse("quizzes:attempt-review", kwargs={"attempt_uuid": attempt.uuid})).content.decode()
    assert "Wrong" in review and "0%" in review and WRONG_FEEDBACK in review
    assert ">The right answer<" in review and "yellow" in review


def test_every_kind_of_question_keeps_what_she_answered(client, course, teacher, learner):
    category = QuestionCategoryFactory()
    questions = [
        colour_question(category),
        make_question(
            "multichoice",
            category=category,
            single=False,
            answers=[answer("pencil", "0.5"), answer("chalk", "0.5"), answer("stone", "-1")],
        ),
        make_question("truefalse", category=category),
        make_question("shortanswer", category=category),
        make_question("numerical", category=category),
        make_question("matching", category=category),
        make_question("ordering", category=category),
        make_question("essay", category=category),
        make_question("description", category=category, text="Read the following carefully."),
    ]
    quiz = make_quiz(course, teacher, questions, questions_per_page=0)
    client.force_login(learner)
    attempt = start(client, quiz)
    page = client.get(page_url(attempt)).content.decode()
    assert page.count("<fieldset") == 8  # the description is text only
    assert 'inputmode="decimal"' in page and "<textarea" in page
    assert "Read the following carefully." in page and "Question 8" in page and "Question 9" not in page

    data = {
        "page": "0",
        "action": "save",
        "q0-answer": code(attempt, 0, YELLOW),
        "q1-answer": [code(attempt, 1, 0), code(attempt, 1, 1)],
        "q2-answer": "true",
        "q3-answer": "Frog",
        "q4-answer": "3",
        "q5-answer-0": code(attempt, 5, 0),  # Forum: discussions
        "q5-answer-1": code(attempt, 5, 1),  # Wiki: shared pages
        # Ordering: each item's position, 1 the first: "two", "three", "one".
        f"q6-answer-{code(attempt, 6, 0)}": "3",
        f"q6-answer-{code(attempt, 6, 1)}": "1",
        f"q6-answer-{code(attempt, 6, 2)}": "2",
        "q7-answer": "Forums help.\nWikis too.",
    }
    data.update({f"q{position}-seq": "0" for position in range(9)})
    response = client.post(f"/en/learning/attempts/{attempt.uuid}/", data)
    assert response["Location"] == page_url(attempt, 0)
    responses = dict(QuestionAttempt.objects.filter(attempt=attempt).values_list("position", "response"))
    assert responses == {
        0: YELLOW,
        1: [0, 1],
        2: True,
        3: "Frog",
        4: "3",
        5: {"0": 0, "1": 1},
        6: [1, 2, 0],
        7: "Forums help.\nWikis too.",
        8: None,
    }

    again = client.get(page_url(attempt)).content.decode()

    def select(name):
        html = again[again.index(f'name="{name}"') :]
        return html[: html.index("</select>")]

    assert re.search(rf'name="q1-answer" id="[^"]+" value="{code(attempt, 1, 0)}" checked', again)
    assert re.search(rf'name="q1-answer" id="[^"]+" value="{code(attempt, 1, 1)}" checked', again)
    assert re.search(r'id="q2-true" value="true" checked', again)
    assert 'value="Frog"' in again and 'value="3"' in again
    assert "Forums help.\nWikis too.</textarea>" in again
    assert f'<option value="{code(attempt, 5, 1)}" selected>' in select("q5-answer-1")
    assert '<option value="1" selected>Position 1</option>' in select(f"q6-answer-{code(attempt, 6, 1)}")
    assert '<option value="3" selected>Position 3</option>' in select(f"q6-answer-{code(attempt, 6, 0)}")
    assert again.index("q6-answer-" + code(attempt, 6, 1)) < again.index("q6-answer-" + code(attempt, 6, 0))
    assert "Your answers are saved." in again
    # Nothing changed since: saving again writes nothing.
    response = client.post(f"/en/learning/attempts/{attempt.uuid}/", {**data, "q0-seq": "1"})
    assert question(attempt, 0).sequence == 1


# What must not be lost or overwritten ---------------------------------------------------------------------------


def test_a_stale_page_does_not_overwrite_a_newer_answer(client, course, teacher, learner):
    quiz = make_quiz(course, teacher, [colour_question()])
    client.force_login(learner)
    attempt = start(client, quiz)
    post_page(client, attempt, 0, {0: (0, code(attempt, 0, YELLOW))}, action="save")  # second tab: yellow

    # The first tab, rendered before that save, sends blue.
    response = post_page(client, attempt, 0, {0: (0, code(attempt, 0, BLUE))}, action="next")
    assert response["Location"] == page_url(attempt, 0)  # the same page again, not the next one
    saved = question(attempt, 0)
    assert saved.response == 0 and saved.sequence == 1
    page = client.get(response["Location"]).content.decode()
    assert "Your answer to question 1 was changed in another window or tab; the newer answer was kept." in page
    assert 'name="q0-seq" value="1"' in page


def test_time_up_refuses_the_late_answers_and_grades_what_was_saved(client, course, teacher, learner):
    quiz = make_quiz(course, teacher, [colour_question(), make_question("truefalse")], time_limit_minutes=10)
    client.force_login(learner)
    attempt = start(client, quiz)
    page = client.get(page_url(attempt)).content.decode()
    assert 'role="timer"' in page and 'aria-live="off"' in page
    assert re.search(r"Time left:</span> <strong[^>]*>(10:00|9:5\d)</strong>", page)
    assert "quizzes/attempt.js" in page
    post_page(client, attempt, 0, {0: (0, code(attempt, 0, YELLOW))}, action="next")  # saved in time

    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = post_page(client, attempt, 0, {0: (1, code(attempt, 0, RED))}, action="next")
    review_url = reverse("quizzes:attempt-review", kwargs={"attempt_uuid": attempt.uuid})
    assert response["Location"] == review_url
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.closed_by == Attempt.Closed.TIME_UP
    assert question(attempt, 0).response == 0  # the late "red" was not saved
    assert attempt.grade == Decimal("50.00")
    review = client.get(review_url).content.decode()
    assert "The time for this attempt is over." in review
    assert "Time ran out" in review


def test_opening_the_page_after_the_deadline_closes_the_attempt(client, course, teacher, learner):
    quiz = make_quiz(course, teacher, [colour_question()], time_limit_minutes=5)
    client.force_login(learner)
    attempt = start(client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = client.get(page_url(attempt), follow=True)
    assert response.redirect_chain[-1][0].endswith("/review/")
    assert "The time for this attempt is over." in response.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.FINISHED


def test_the_timer_submits_the_attempt_when_time_runs_out(client, course, teacher, learner):
    quiz = make_quiz(course, teacher, [colour_question()], time_limit_minutes=5)
    client.force_login(learner)
    attempt = start(client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=2))
    response = post_page(client, attempt, 0, {0: (0, code(attempt, 0, YELLOW))}, action="finish", timeup="1")
    assert response["Location"].endswith("/review/")
    attempt.refresh_from_db()
    assert attempt.closed_by == Attempt.Closed.SUBMITTED and attempt.grade == Decimal("100.00")


def test_a_double_submit_counts_once_and_just_shows_the_review(client, course, teacher, learner):
    quiz = make_quiz(course, teacher, [colour_question()])
    client.force_login(learner)
    attempt = start(client, quiz)
    submit = reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid})
    client.post(submit)
    second = client.post(submit, follow=True)
    assert second.status_code == 200 and second.redirect_chain[-1][0].endswith("/review/")
    assert "message--error" not in second.content.decode()
    assert Attempt.objects.filter(quiz=quiz, user=learner).count() == 1
    assert Attempt.objects.get(quiz=quiz, user=learner).state == Attempt.State.FINISHED
    # The finished attempt's page and summary lead to its review.
    assert client.get(page_url(attempt))["Location"].endswith("/review/")
    assert client.get(f"/en/learning/attempts/{attempt.uuid}/summary/")["Location"].endswith("/review/")


def test_someone_elses_attempt_is_refused(client, course, teacher, learner):
    quiz = make_quiz(course, teacher, [colour_question()])
    client.force_login(learner)
    attempt = start(client, quiz)
    client.post(reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid}))

    other = UserFactory()
    enrollment_self_enroll(user=other, course=course)
    client.force_login(other)
    assert client.get(page_url(attempt)).status_code == 403
    assert client.get(reverse("quizzes:attempt-review", kwargs={"attempt_uuid": attempt.uuid})).status_code == 403
    assert client.post(reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid})).status_code == 403
    assert post_page(client, attempt, 0, {0: (1, code(attempt, 0, BLUE))}).status_code == 403
    assert question(attempt, 0).response is None
    missing = reverse("quizzes:attempt-review", kwargs={"attempt_uuid": "00000000-0000-0000-0000-000000000000"})
    assert client.get(missing).status_code == 404
    # The course's trainer reads every attempt, right answers included.
    client.force_login(teacher)
    review = client.get(reverse("quizzes:attempt-review", kwargs={"attempt_uuid": attempt.uuid})).content.decode()
    assert ">The right answer<" in review and "The learner's answer" in review


def test_a_learner_cannot_start_without_enrolling(client, course, teacher):
    quiz = make_quiz(course, teacher, [colour_question()])
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.post(f"/en/learning/quizzes/{quiz.uuid}/start/", follow=True)
    assert "Enroll in the course to take its quizzes." in response.content.decode()
    assert not Attempt.objects.filter(quiz=quiz).exists()
    assert client.get(f"/en/learning/quizzes/{quiz.uuid}/start/").status_code == 405


# Languages ------------------------------------------------------------------------------------------------------


def test_the_attempt_page_speaks_russian(client, teacher):
    course = make_course(modules=1, lessons=1, languages=("en", "ru"), trainers=[teacher])
    learner = UserFactory(preferred_language="ru")
    enrollment_self_enroll(user=learner, course=course)
    quiz = make_quiz(course, teacher, [colour_question(texts={"ru": {"text": "Какого цвета солнце?"}})])
    client.force_login(learner)
    attempt = start(client, quiz, language="ru")
    page = client.get(page_url(attempt, 0, "ru")).content.decode()
    assert '<html lang="ru"' in page
    assert "Какого цвета солнце?" in page and "What colour is the sun?" not in page


# The lesson's quiz box ------------------------------------------------------------------------------------------


def _lesson_with_quiz(course, quiz) -> Activity:
    activity = Activity.objects.get(course=course)
    lesson = LessonPage.objects.get(translation_key=activity.translation_key, locale__language_code="en")
    lesson.body = [("quiz", {"quiz": quiz})]
    lesson.save_revision().publish()
    course_sync(course.pk)  # what the commit after publishing does
    activity.refresh_from_db()
    return activity


def test_the_lesson_shows_the_quiz_box_instead_of_mark_as_done(client, course, teacher, learner):
    quiz = make_quiz(course, teacher, [colour_question()], time_limit_minutes=20, pass_grade=80)
    activity = _lesson_with_quiz(course, quiz)
    quiz.refresh_from_db()
    assert activity.kind == "quiz" and quiz.activity_id == activity.pk

    client.force_login(learner)
    lesson = client.get(activity.url).content.decode()
    assert "Colours" in lesson and "Start the quiz" in lesson
    assert reverse("quizzes:quiz-start", kwargs={"quiz_uuid": quiz.uuid}) in lesson
    assert "You will have 20 minutes once you start." in lesson
    assert "Mark as done" not in lesson
    assert "Pass the quiz to complete this step." in lesson
    assert "80%" in lesson

    attempt = start(client, quiz)
    lesson = client.get(activity.url).content.decode()
    assert "Continue your attempt" in lesson and str(attempt.uuid) in lesson

    post_page(client, attempt, 0, {0: (0, code(attempt, 0, YELLOW))}, action="save")
    review = client.post(reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid}), follow=True)
    assert f'href="{activity.url}"' in review.content.decode()  # back to the lesson
    lesson = client.get(activity.url).content.decode()
    assert "Start a new attempt" in lesson and "100%" in lesson and "Passed" in lesson
    assert "You have completed this lesson." in lesson  # passing the quiz completed the step
    assert reverse("quizzes:attempt-review", kwargs={"attempt_uuid": attempt.uuid}) in lesson

    # The course's trainer sees a preview.
    client.force_login(teacher)
    assert "Preview the quiz" in client.get(activity.url).content.decode()


def test_a_quiz_with_no_attempts_left_says_so(client, course, teacher, learner):
    quiz = make_quiz(course, teacher, [colour_question()], attempts_allowed=1)
    activity = _lesson_with_quiz(course, quiz)
    client.force_login(learner)
    attempt = start(client, quiz)
    client.post(reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid}))
    lesson = client.get(activity.url).content.decode()
    assert "You have used all the attempts this quiz allows." in lesson
    assert "Start a new attempt" not in lesson
    response = client.post(f"/en/learning/quizzes/{quiz.uuid}/start/")
    assert response["Location"] == activity.url


# Her grades -----------------------------------------------------------------------------------------------------


def test_my_grades_lists_her_quizzes_and_only_for_her(client, course, teacher, learner):
    quiz = make_quiz(course, teacher, [colour_question()])
    client.force_login(learner)
    attempt = start(client, quiz)
    post_page(client, attempt, 0, {0: (0, code(attempt, 0, YELLOW))}, action="save")
    client.post(reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid}))

    url = reverse("quizzes:my-grades", kwargs={"course_uuid": course.uuid})
    grades = client.get(url).content.decode()
    assert "Colours" in grades and "100%" in grades and "Passed" in grades
    assert reverse("quizzes:attempt-review", kwargs={"attempt_uuid": attempt.uuid}) in grades

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


# Query counts ---------------------------------------------------------------------------------------------------


def _quiz_with(course, teacher, count):
    category = QuestionCategoryFactory()
    kinds = ["multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering", "essay"]
    questions = [make_question(kinds[i % len(kinds)], category=category, name=f"Q{i}") for i in range(count)]
    return make_quiz(course, teacher, questions, questions_per_page=2, time_limit_minutes=30)


def _count(client, url) -> int:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_attempt_page_and_review_run_a_fixed_number_of_queries(
    client, course, teacher, learner, django_assert_max_num_queries
):
    small = _quiz_with(course, teacher, 3)
    large = _quiz_with(course, teacher, 20)
    client.force_login(learner)
    small_attempt, large_attempt = start(client, small), start(client, large)

    small_page = _count(client, page_url(small_attempt, 1))
    with django_assert_max_num_queries(small_page):
        page = client.get(page_url(large_attempt, 9)).content.decode()
    assert "Question 20" in page and page.count("<fieldset") == 2

    for attempt in (small_attempt, large_attempt):
        client.post(reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid}))
    review = "quizzes:attempt-review"
    small_review = _count(client, reverse(review, kwargs={"attempt_uuid": small_attempt.uuid}))
    with django_assert_max_num_queries(small_review):
        response = client.get(reverse(review, kwargs={"attempt_uuid": large_attempt.uuid}))
    assert response.status_code == 200 and "Question 20" in response.content.decode()
