import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, RoleGrant, User
from demo.builders.courses import COURSES
from lms.courses.models import Activity, Enrollment
from lms.quizzes.models import QUESTION_CLASSES, Question, Quiz
from lms.quizzes.selectors.bank import question_translatable_texts

COUNTED = [
    "accounts.User",
    "accounts.Region",
    "accounts.Institution",
    "accounts.RoleGrant",
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailcore.Locale",
    "auth.Group",
    "courses.Activity",
    "quizzes.QuestionCategory",
    "quizzes.Question",
    "quizzes.QuestionVersion",
    "quizzes.Quiz",
    "quizzes.QuizSlot",
]


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_and_a_second_run_changes_nothing(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first

    emails = set(User.objects.values_list("email", flat=True))
    assert {"teacher@example.org", "trainer@example.org", "ministry@example.org", "admin@example.org"} <= emails
    ministry = RoleGrant.objects.get(user__email="ministry@example.org", role=Role.MINISTRY_OFFICIAL)
    assert ministry.country.code == "EG"
    assert User.objects.get(email="admin@example.org").is_superuser

    response = client.post("/en/accounts/login/", {"username": "teacher@example.org", "password": "maktaba-demo"})
    assert response.status_code == 302
    for language, text in (("en", "Free courses"), ("ru", "Бесплатные курсы"), ("ar", "دورات مجانية")):
        assert text in client.get(f"/{language}/").content.decode()
    assert "Новости" in client.get("/ru/news/").content.decode()


@pytest.mark.django_db
def test_seed_demo_builds_a_translated_question_bank_and_a_quiz_in_each_course(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    trainer = User.objects.get(email="trainer@example.org")
    questions = list(Question.objects.all())
    assert len(questions) >= 30
    assert {question.kind for question in questions} == set(QUESTION_CLASSES)
    for question in questions:
        assert question.owner == trainer
        assert question.category.path[0] == "Demo bank"
        for language in ("ru", "ar"):
            translated = question.texts[language]
            sources = question_translatable_texts(question)
            for source in sources:
                if source.index is None:
                    value = translated.get(source.key)
                else:
                    values = translated[source.key]  # index for index with the source list
                    assert len(values) == len([other for other in sources if other.key == source.key])
                    value = values[source.index]
                # Every text of the source has its translation (a matching distractor has no text to translate).
                assert bool(value) == bool(source.source), (question.idnumber, language, source.key, source.index)

    for spec in COURSES:
        quiz = Quiz.objects.select_related("activity").get(course__title=spec["texts"]["en"][0])
        assert set(quiz.titles) == {"en", "ru", "ar"}
        assert quiz.activity.kind == Activity.Kind.QUIZ and quiz.activity.is_active
        assert quiz.activity.course_id == quiz.course_id
        slots = list(quiz.slots.all())
        assert 5 <= len(slots) <= 8
        assert any(slot.random_category_id for slot in slots)
    timed = Quiz.objects.get(time_limit_minutes__isnull=False)
    assert (timed.time_limit_minutes, timed.attempts_allowed, timed.pass_grade) == (10, 2, 60)

    # The demo teacher, a learner of the course, sees the quiz in the Russian lesson and can start it.
    quiz = Quiz.objects.select_related("activity").get(course__title="ICT in the classroom")
    teacher = User.objects.get(email="teacher@example.org")
    assert Enrollment.objects.filter(user=teacher, course=quiz.course).exists()
    client.force_login(teacher)
    response = client.get(quiz.activity.urls["ru"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Проверьте себя" in page
    assert "ИКТ в классе: итоговый тест" in page
    with translation.override("ru"):
        assert reverse("quizzes:quiz-start", kwargs={"quiz_uuid": quiz.uuid}) in page
