"""The trainers' question bank pages: who may use them, the category tree, a category's questions, import with
a preview that writes nothing before the confirmation, export, and the translations of a question."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lms.quizzes import services
from lms.quizzes.models import Question, QuestionCategory, QuestionVersion
from lms.quizzes.services import bank_parse
from lms.quizzes.views_bank import DRAFT_DIRECTORY
from tests.factories.accounts import UserFactory
from tests.factories.quizzes import QuestionCategoryFactory, answer, make_question
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer
from tests.lms.quizzes import MOODLE

pytestmark = pytest.mark.django_db

GIFT = MOODLE / "gift" / "questions.gift.txt"
GIFT_NAMES = {"Q8", "Moodle activities", "Q2", "colours", "Q5", "Shortanswer", "Q1", "2-08 TSL"}  # 9 questions
TWO_ERRORS = b"""::Good::What is 2+2? {#4}

::Bad1::Pick a number {#abc}

::Fine::Capital of France? {=Paris ~London}

::Bad2::Match {=a -> x}
"""


def url(name: str, *, ui: str = "en", **kwargs) -> str:
    """The address of a page in the interface language ``ui``."""
    with translation.override(ui):
        return reverse(f"quizzes:{name}", kwargs=kwargs)


def counts() -> tuple[int, int, int]:
    return Question.objects.count(), QuestionCategory.objects.count(), QuestionVersion.objects.count()


def draft_files() -> list[str]:
    try:
        return default_storage.listdir(DRAFT_DIRECTORY)[1]
    except FileNotFoundError:
        return []


def upload(client, data: bytes, *, name: str = "bank.gift.txt", format: str = "gift", **fields):
    values = {"file": SimpleUploadedFile(name, data, content_type="text/plain"), "format": format, **fields}
    return client.post(url("bank-import"), values)


def token_of(response) -> str:
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return response["Location"].rstrip("/").split("/")[-1]


# Who may use the bank -------------------------------------------------------------------------------------------


class TestAccess:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        category = QuestionCategoryFactory()
        question = make_question("essay", category=category)
        for address in (
            url("bank-list"),
            url("bank-category", category_id=category.pk),
            url("bank-export", category_id=category.pk),
            url("bank-import"),
            url("question-texts", question_id=question.pk, language="ru"),
        ):
            response = client.get(address)
            assert response.status_code == 302
            assert "/accounts/" in response["Location"], address

    def test_a_teacher_without_the_trainer_role_is_refused(self, client):
        category = QuestionCategoryFactory()
        question = make_question("essay", category=category)
        client.force_login(UserFactory())
        for address in (
            url("bank-list"),
            url("bank-category", category_id=category.pk),
            url("bank-export", category_id=category.pk),
            url("bank-import"),
            url("question-texts", question_id=question.pk, language="ru"),
        ):
            assert client.get(address).status_code == 403, address
        before = counts()
        assert client.post(url("bank-list"), {"name": "Sneaky"}).status_code == 403
        assert upload(client, GIFT.read_bytes(), parent="").status_code == 403
        assert counts() == before

    def test_the_services_check_too(self):
        teacher = UserFactory()
        with pytest.raises(PermissionDenied):
            services.category_create(user=teacher, name="Sneaky")
        with pytest.raises(PermissionDenied):
            services.bank_import_upload(GIFT.read_bytes(), user=teacher, format="gift", category_path="X")
        with pytest.raises(PermissionDenied):
            services.bank_export_file(QuestionCategoryFactory(), user=teacher, format="gift")
        assert not QuestionCategory.objects.filter(name__in=["Sneaky", "X"]).exists()

    def test_the_trainers_page_links_to_the_bank(self, client):
        client.force_login(superuser())
        response = client.get(reverse("courses:manage-list"))
        assert url("bank-list").encode() in response.content


# The tree and a category ----------------------------------------------------------------------------------------


class TestTree:
    def test_a_trainer_sees_the_tree_indented_with_the_question_counts(self, signed_in):
        physics = QuestionCategoryFactory(name="Physics")
        week = QuestionCategoryFactory(name="Week 1", parent=physics)
        QuestionCategoryFactory(name="Optics", parent=week)
        QuestionCategoryFactory(name="Arabic")
        make_question("essay", category=week)
        make_question("truefalse", category=week)

        response = signed_in.get(url("bank-list"))

        assert response.status_code == 200
        html = response.content.decode()
        names = re.findall(r'<a href="/en/learning/bank/categories/\d+/" dir="auto">([^<]+)</a>', html)
        assert names == ["Arabic", "Physics", "Week 1", "Optics"]
        # Optics sits in a list inside Week 1's item, which sits in a list inside Physics' item.
        physics_item = html[html.index(">Physics<") :]
        assert physics_item.index("<ul>") < physics_item.index(">Week 1<") < physics_item.rindex("<ul>")
        assert physics_item.index(">Optics<") < physics_item.index("</ul></li>")
        assert "2 questions" in html

    def test_the_tree_costs_one_query_a_level_whatever_the_number_of_categories(self, signed_in):
        def build(count: int) -> None:
            for top in range(count):
                parent = QuestionCategoryFactory(name=f"Top {count}-{top}")
                child = QuestionCategoryFactory(name=f"Child {count}-{top}", parent=parent)
                make_question("essay", category=child)

        build(2)
        signed_in.get(url("bank-list"))  # warm up: session, user, roles
        with CaptureQueriesContext(connection) as few:
            assert signed_in.get(url("bank-list")).status_code == 200
        build(12)
        with CaptureQueriesContext(connection) as many:
            assert signed_in.get(url("bank-list")).status_code == 200
        assert len(many) == len(few)

    def test_the_empty_bank_says_so(self, signed_in):
        response = signed_in.get(url("bank-list"))
        assert "The bank is empty." in response.content.decode()

    def test_adding_a_category_inside_another(self, signed_in, trainer):
        physics = QuestionCategoryFactory(name="Physics")
        response = signed_in.post(url("bank-list"), {"name": "  Week 2 ", "parent": physics.pk})
        week = QuestionCategory.objects.get(name="Week 2")
        assert response.status_code == 302
        assert response["Location"] == url("bank-category", category_id=week.pk)
        assert week.parent == physics and week.owner == trainer

    def test_a_name_its_parent_has_already_is_refused_and_kept_in_the_form(self, signed_in):
        physics = QuestionCategoryFactory(name="Physics")
        QuestionCategoryFactory(name="Week 1", parent=physics)
        before = counts()

        response = signed_in.post(url("bank-list"), {"name": "Week 1", "parent": physics.pk})

        assert response.status_code == 200
        html = response.content.decode()
        assert "There is already a category with this name here." in html
        assert 'value="Week 1"' in html
        assert counts() == before


class TestCategoryPage:
    def test_lists_the_questions_with_type_version_owner_and_translation_links(self, signed_in, trainer):
        category = QuestionCategoryFactory(name="Week 1")
        question = make_question("multichoice", category=category, owner=trainer, name="Colours")
        make_question("essay", category=category, name="Reflection")
        make_question("essay", category=QuestionCategoryFactory(), name="Elsewhere")

        response = signed_in.get(url("bank-category", category_id=category.pk))

        html = response.content.decode()
        assert "Colours" in html and "Reflection" in html and "Elsewhere" not in html
        assert "Multiple choice question" in html and "Layla Trainer" in html
        assert url("question-texts", question_id=question.pk, language="ru") in html
        assert url("question-texts", question_id=question.pk, language="ar") in html
        assert url("question-texts", question_id=question.pk, language="en") not in html  # the source language
        assert f"{url('bank-import')}?category={category.pk}" in html
        assert f"{url('bank-export', category_id=category.pk)}?format=gift" in html

    def test_search_by_name_or_text(self, signed_in):
        category = QuestionCategoryFactory()
        make_question("essay", category=category, name="Photosynthesis", text="Plants and light")
        make_question("essay", category=category, name="Gravity", text="Apples fall")

        html = signed_in.get(url("bank-category", category_id=category.pk), {"q": "apples"}).content.decode()

        assert "Gravity" in html and "Photosynthesis" not in html
        assert "1 question" in html

    def test_the_number_of_queries_does_not_grow_with_the_questions(self, signed_in):
        def fill(category, count):
            for number in range(count):
                make_question(("multichoice", "essay", "matching")[number % 3], category=category)

        few, many = QuestionCategoryFactory(), QuestionCategoryFactory()
        fill(few, 3)
        fill(many, 30)
        signed_in.get(url("bank-category", category_id=few.pk))  # warm up
        with CaptureQueriesContext(connection) as three:
            signed_in.get(url("bank-category", category_id=few.pk))
        with CaptureQueriesContext(connection) as thirty:
            response = signed_in.get(url("bank-category", category_id=many.pk))
        assert len(response.context["rows"]) == 30
        assert len(thirty) == len(three)

    def test_an_unknown_category_is_not_found(self, signed_in):
        assert signed_in.get(url("bank-category", category_id=999999)).status_code == 404


# Import ---------------------------------------------------------------------------------------------------------


class TestImport:
    def test_a_valid_gift_file_is_previewed_written_only_on_confirmation(self, signed_in, trainer):
        before = counts()

        response = upload(signed_in, GIFT.read_bytes(), category_path="Imported/Moodle")
        token = token_of(response)
        assert counts() == before  # the dry run wrote nothing
        assert len(draft_files()) == 1

        preview = signed_in.get(response["Location"])
        assert preview.status_code == 200
        html = preview.content.decode()
        assert "9 questions would be created" in html
        assert "2 new categories would be created" in html
        for name in GIFT_NAMES:
            assert f'<td dir="auto">{name}</td>' in html.replace("&#x27;", "'"), name
        assert "Imported/Moodle" in html
        assert counts() == before  # looking at the preview writes nothing either

        confirmed = signed_in.post(url("bank-import-confirm", token=token))

        category = QuestionCategory.objects.get(name="Moodle", parent__name="Imported")
        assert confirmed.status_code == 302
        assert confirmed["Location"] == url("bank-category", category_id=category.pk)
        assert set(Question.objects.filter(category=category).values_list("name", flat=True)) == GIFT_NAMES
        assert Question.objects.filter(owner=trainer).count() == 9
        assert QuestionVersion.objects.count() == before[2] + 9
        page = signed_in.get(confirmed["Location"])
        assert "9 questions have been imported into “Moodle”." in page.content.decode()
        assert draft_files() == []
        # The token is spent: a second confirmation imports nothing more.
        assert signed_in.post(url("bank-import-confirm", token=token)).status_code == 404
        assert Question.objects.count() == before[0] + 9

    def test_importing_into_a_chosen_category(self, signed_in):
        week = QuestionCategoryFactory(name="Week 1", parent=QuestionCategoryFactory(name="Physics"))
        form = signed_in.get(url("bank-import"), {"category": week.pk})
        assert f'<option value="{week.pk}" selected>' in form.content.decode()

        token = token_of(upload(signed_in, b"::Water:: Water boils at 100 C. {TRUE}\n", category=week.pk))
        signed_in.post(url("bank-import-confirm", token=token))

        assert Question.objects.get(name="Water").category == week

    def test_every_error_is_shown_with_its_line_and_nothing_is_written(self, signed_in):
        before = counts()

        response = upload(signed_in, TWO_ERRORS, category_path="New/Path", name="broken.gift")

        assert response.status_code == 200
        errors = response.context["form"].errors["file"]
        assert [error.split(":")[0] for error in errors] == ["Line 3", "Line 7"]
        html = response.content.decode()
        assert "Line 3: Error - answers must be numeric" in html.replace("&quot;", '"')
        assert "Line 7: There is an error in the question." in html
        assert 'value="New/Path"' in html  # what was typed stays
        assert counts() == before
        assert draft_files() == []

    @pytest.mark.parametrize(
        ("name", "size", "format", "message"),
        [
            ("big.txt", 5 * 1024 * 1024 + 1, "gift", "it can be at most 5.0"),
            ("questions.pdf", 100, "gift", "Choose a .txt, .gift or .xml file"),
            ("questions.xml", 100, "gift", "A GIFT file ends in .txt, .gift."),
            ("questions.gift", 100, "moodlexml", "A Moodle XML file ends in .xml."),
        ],
    )
    def test_a_file_too_big_or_with_the_wrong_ending_is_refused_next_to_the_field(
        self, signed_in, name, size, format, message
    ):
        before = counts()
        data = (b"::Q:: Fine? {T}\n" * (size // 16 + 1))[:size]

        response = upload(signed_in, data, name=name, format=format, category_path="Files")

        assert response.status_code == 200
        assert any(message in error for error in response.context["form"].errors["file"])
        file_field = next(
            chunk for chunk in response.content.decode().split('<div class="field') if 'name="file"' in chunk
        )
        assert "field--error" in file_field and message in file_field  # next to the field
        assert counts() == before
        assert draft_files() == []

    def test_a_category_is_needed(self, signed_in):
        response = upload(signed_in, b"::Q:: Fine? {T}\n")
        assert response.status_code == 200
        assert "category" in response.context["form"].errors

    def test_someone_elses_preview_is_not_found(self, signed_in, client):
        token = token_of(upload(signed_in, GIFT.read_bytes(), category_path="Mine"))
        before = counts()
        other = Client()
        other.force_login(make_trainer())

        assert other.get(url("bank-import-preview", token=token)).status_code == 404
        assert other.post(url("bank-import-confirm", token=token)).status_code == 404
        assert counts() == before

    def test_confirming_needs_a_post(self, signed_in):
        token = token_of(upload(signed_in, GIFT.read_bytes(), category_path="Mine"))
        assert signed_in.get(url("bank-import-confirm", token=token)).status_code == 405

    def test_an_aiken_file_from_moodle(self, signed_in):
        data = b"What is the capital of Egypt?\nA. Cairo\nB. Luxor\nANSWER: A\n"
        token = token_of(upload(signed_in, data, name="capitals.txt", format="aiken", category_path="Aiken"))
        signed_in.post(url("bank-import-confirm", token=token))
        assert Question.objects.get(category__name="Aiken").kind == "multichoice"


# Export ---------------------------------------------------------------------------------------------------------


class TestExport:
    def test_gift_export_is_a_utf8_download_that_reads_back(self, signed_in):
        category = QuestionCategoryFactory(name="Физика")
        make_question("multichoice", category=category, name="Цвета")
        make_question("truefalse", category=category, name="Вода")
        make_question("essay", category=QuestionCategoryFactory(name="Week 2", parent=category), name="Эссе")

        response = signed_in.get(url("bank-export", category_id=category.pk), {"format": "gift"})

        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
        assert response["Content-Disposition"].endswith(".txt")
        items = bank_parse(response.content, "gift")
        assert {item.name for item in items if hasattr(item, "kind")} == {"Цвета", "Вода", "Эссе"}

    def test_moodle_xml_export(self, signed_in):
        category = QuestionCategoryFactory(name="Week 1")
        make_question("shortanswer", category=category, name="Frog")

        response = signed_in.get(url("bank-export", category_id=category.pk), {"format": "moodlexml"})

        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert re.match(r'attachment; filename="week-1-\d{8}\.xml"', response["Content-Disposition"])
        assert [item.name for item in bank_parse(response.content, "moodlexml") if hasattr(item, "kind")] == ["Frog"]

    def test_an_unknown_format_is_not_found(self, signed_in):
        category = QuestionCategoryFactory()
        assert signed_in.get(url("bank-export", category_id=category.pk), {"format": "csv"}).status_code == 404


# Translations ---------------------------------------------------------------------------------------------------


class TestTexts:
    def test_the_form_saves_each_translation_in_its_place_and_makes_a_new_version(self, signed_in, trainer):
        question = make_question(
            "multichoice",
            owner=trainer,
            name="Colours",
            text="What is between orange and green?",
            general_feedback="Think of a rainbow.",
            answers=[answer("yellow", "1", feedback="Right"), answer("red"), answer("blue", feedback="No")],
        )
        address = url("question-texts", question_id=question.pk, language="ru")
        form = signed_in.get(address)
        html = form.content.decode()
        assert form.status_code == 200
        assert "What is between orange and green?" in html and "Think of a rainbow." in html
        assert 'name="answers-2"' in html and 'name="feedback-0"' in html
        assert 'name="feedback-1"' not in html  # no feedback to translate
        assert 'lang="ru"' in html

        response = signed_in.post(
            address,
            {
                "version": "1",
                "text": "Что между оранжевым и зелёным?",
                "general_feedback": "",
                "answers-0": "жёлтый",
                "answers-1": "красный",
                "answers-2": "",
                "feedback-0": "Верно",
                "feedback-2": "Нет",
            },
        )

        assert response.status_code == 302
        question = Question.objects.get(pk=question.pk)
        assert question.texts == {
            "ru": {
                "text": "Что между оранжевым и зелёным?",
                "general_feedback": "",
                "answers": ["жёлтый", "красный", ""],
                "feedback": ["Верно", "", "Нет"],
            }
        }
        assert question.version == 2
        assert QuestionVersion.objects.get(question=question, number=2).data["texts"] == question.texts
        assert question.text_for("ru") == "Что между оранжевым и зелёным?"
        assert question.text_for("ar") == "What is between orange and green?"
        # Opening the form again shows what was saved.
        assert "жёлтый" in signed_in.get(address).content.decode()

    def test_html_is_sanitised_and_other_languages_are_kept(self, trainer):
        question = make_question("essay", owner=trainer, text="<p>Describe</p>", text_format="html")
        question = services.question_texts_set(
            question, user=trainer, language="ar", values={"text": "<p onclick='x()'>صف</p><script>x()</script>"}
        )
        question = services.question_texts_set(question, user=trainer, language="ru", values={"text": "Опишите"})
        assert question.texts["ar"]["text"] == "<p>صف</p>"
        assert question.texts["ru"]["text"] == "Опишите"
        assert question.version == 3

    def test_each_kind_has_its_lists(self, trainer):
        matching = make_question("matching", owner=trainer)
        ordering = make_question("ordering", owner=trainer)
        truefalse = make_question("truefalse", owner=trainer, feedback_true="Yes", feedback_false="No")
        numerical = make_question("numerical", owner=trainer)

        matching = services.question_texts_set(
            matching,
            user=trainer,
            language="ru",
            values={"subquestions": ["Форум", ""], "subanswers": ["обсуждения", "общие страницы"]},
        )
        ordering = services.question_texts_set(
            ordering, user=trainer, language="ru", values={"items": ["один", "два", "три"]}
        )
        truefalse = services.question_texts_set(truefalse, user=trainer, language="ru", values={"feedback": ["Да", ""]})
        numerical = services.question_texts_set(numerical, user=trainer, language="ru", values={"feedback": ["ок"]})

        assert matching.texts["ru"]["subquestions"] == ["Форум", ""]
        assert matching.texts["ru"]["subanswers"] == ["обсуждения", "общие страницы"]
        assert ordering.texts["ru"]["items"] == ["один", "два", "три"]
        assert truefalse.texts["ru"]["feedback"] == ["Да", ""]
        assert "answers" not in numerical.texts["ru"]  # numbers are not translated
        assert set(matching.texts["ru"]) == {"text", "general_feedback", "subquestions", "subanswers"}

    def test_lists_that_do_not_match_the_question_are_refused(self, trainer):
        question = make_question("ordering", owner=trainer)
        for values in ({"items": ["один"]}, {"answers": ["x"]}, {"text": ["not a string"]}):
            with pytest.raises(services.QuestionError):
                services.question_texts_set(question, user=trainer, language="ru", values=values)
        question.refresh_from_db()
        assert question.texts == {} and question.version == 1

    def test_a_form_opened_before_another_edit_is_refused(self, signed_in, trainer):
        question = make_question("essay", owner=trainer, text="Describe your class.")
        services.question_update(question, user=trainer, text="Describe your school.")

        response = signed_in.post(
            url("question-texts", question_id=question.pk, language="ru"), {"version": "1", "text": "Опишите класс."}
        )

        assert response.status_code == 200
        assert "The question has changed since you opened it." in response.content.decode()
        assert "Опишите класс." in response.content.decode()  # what was typed stays
        question.refresh_from_db()
        assert question.texts == {}
        assert 'name="version" value="2"' in response.content.decode()  # saving again replaces version 2

        again = signed_in.post(
            url("question-texts", question_id=question.pk, language="ru"), {"version": "2", "text": "Опишите школу."}
        )
        assert again.status_code == 302
        question.refresh_from_db()
        assert question.text_for("ru") == "Опишите школу." and question.version == 3

    def test_only_the_owner_a_superuser_or_anyone_once_the_owner_is_gone(self, client, trainer):
        question = make_question("essay", owner=trainer)
        other = make_trainer()
        address = url("question-texts", question_id=question.pk, language="ru")

        client.force_login(other)
        assert client.get(address).status_code == 403
        assert client.post(address, {"version": "1", "text": "Чужой"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.question_texts_set(question, user=other, language="ru", values={"text": "Чужой"})

        client.force_login(superuser())
        assert client.get(address).status_code == 200

        Question.objects.filter(pk=question.pk).update(owner=None)
        client.force_login(other)
        assert client.post(address, {"version": "1", "text": "Теперь можно"}).status_code == 302
        assert Question.objects.get(pk=question.pk).text_for("ru") == "Теперь можно"

    @pytest.mark.parametrize("language", ["en", "fr", "xx"])
    def test_the_source_language_or_an_unknown_one_is_not_found(self, signed_in, trainer, language):
        question = make_question("essay", owner=trainer)
        assert signed_in.get(url("question-texts", question_id=question.pk, language=language)).status_code == 404

    def test_the_page_works_in_arabic(self, signed_in, trainer):
        question = make_question("essay", owner=trainer, text="Describe your class.")
        response = signed_in.get(url("question-texts", ui="ar", question_id=question.pk, language="ru"))
        html = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="ar" dir="rtl">' in html
        assert 'lang="ru" dir="ltr"' in html  # the Russian field runs left to right on the Arabic page
        assert '<div id="source-text" class="bank-texts__original" dir="auto" lang="en">' in html

    def test_an_arabic_translation_field_runs_right_to_left(self, signed_in, trainer):
        question = make_question("essay", owner=trainer)
        html = signed_in.get(url("question-texts", question_id=question.pk, language="ar")).content.decode()
        assert 'lang="ar" dir="rtl"' in html
