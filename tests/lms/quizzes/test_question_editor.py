"""Writing and changing a question of the bank in GIFT: every type through the form, the errors of the text with
their line numbers, versions that leave past attempts alone, what GIFT cannot say kept, ordering questions,
who may, and the links and tags of the category page."""

from __future__ import annotations

import html as html_lib
import random
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.courses import services as course_services
from lms.quizzes import services
from lms.quizzes.formats import Question as FileQuestion
from lms.quizzes.formats import parse_gift
from lms.quizzes.models import Question, QuestionAttempt, QuestionVersion
from tests.factories.accounts import UserFactory
from tests.factories.quizzes import QuestionCategoryFactory, answer, make_question
from tests.factories.roles import superuser
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db

D = Decimal


def url(name: str, **kwargs) -> str:
    return reverse(f"quizzes:{name}", kwargs=kwargs)


def counts() -> tuple[int, int]:
    return Question.objects.count(), QuestionVersion.objects.count()


def field_chunk(response, name: str) -> str:
    """The markup of the form field ``name``: its label, help, errors and widget."""
    return next(chunk for chunk in response.content.decode().split('<div class="field') if f'name="{name}"' in chunk)


def textarea_value(response) -> str:
    match = re.search(r'<textarea name="text"[^>]*>\n?(.*?)</textarea>', response.content.decode(), re.DOTALL)
    assert match, "no text field"
    return html_lib.unescape(match.group(1))


@pytest.fixture
def category(trainer):
    return QuestionCategoryFactory(name="Week 1", owner=trainer)


def create(client, category, text: str, tags: str = ""):
    return client.post(url("question-create", category_id=category.pk), {"text": text, "tags": tags})


def edit(client, question, text: str, *, version: int | None = None, tags: str = ""):
    version = question.version if version is None else version
    return client.post(
        url("question-edit", question_id=question.pk), {"text": text, "tags": tags, "version": str(version)}
    )


def only_question() -> Question:
    (question,) = Question.objects.all()
    return question


# Creating each type ---------------------------------------------------------------------------------------------


class TestCreate:
    def test_a_multiple_choice_question_with_weights_and_feedback(self, signed_in, trainer, category):
        text = (
            "::Primes:: Which of these numbers are prime? {\n"
            "~%50%2 #Yes.\n"
            "~%50%3\n"
            "~%-100%4 #4 is 2 × 2.\n"
            "####Primes have exactly two divisors.\n"
            "}"
        )

        response = create(signed_in, category, text, tags="arithmetic, week 1")

        assert response.status_code == 302
        assert response["Location"] == url("bank-category", category_id=category.pk)
        question = only_question()
        assert question.kind == "multichoice"
        assert (question.name, question.text, question.text_format) == (
            "Primes",
            "Which of these numbers are prime?",
            "moodle",
        )
        assert question.single is False
        assert [(row["text"], row["fraction"], row["feedback"]) for row in question.answers] == [
            ("2", "0.5", "Yes."),
            ("3", "0.5", ""),
            ("4", "-1", "4 is 2 × 2."),
        ]
        assert question.general_feedback == "Primes have exactly two divisors."
        assert question.tags == ["arithmetic", "week 1"]
        assert (question.category, question.owner, question.version) == (category, trainer, 1)
        version = QuestionVersion.objects.get(question=question)
        assert (version.number, version.data["answers"], version.data["tags"]) == (1, question.answers, question.tags)
        page = signed_in.get(response["Location"]).content.decode()
        assert "The question “Primes” has been added to “Week 1”." in page

    def test_a_multiple_choice_question_with_one_right_answer(self, signed_in, category):
        create(signed_in, category, "::Capital:: What is the capital of Egypt? {=Cairo ~Alexandria ~Luxor}")
        question = only_question()
        assert question.single is True
        assert [(row["text"], row["fraction"]) for row in question.answers] == [
            ("Cairo", "1"),
            ("Alexandria", "0"),
            ("Luxor", "0"),
        ]

    def test_true_false_with_feedback_for_each_answer(self, signed_in, category):
        create(signed_in, category, "::Sun:: The Sun goes round the Earth. {FALSE #No, the Earth goes round. #Right.}")
        question = only_question()
        assert question.kind == "truefalse"
        assert question.correct_answer is False
        assert question.feedback_true == "No, the Earth goes round."  # shown to whoever answers "true"
        assert question.feedback_false == "Right."

    def test_short_answer(self, signed_in, category):
        create(signed_in, category, "::Frog:: Which animal says ribbit? {=frog =%50%toad #Close.}")
        question = only_question()
        assert question.kind == "shortanswer"
        assert [(row["text"], row["text_format"], row["fraction"], row["feedback"]) for row in question.answers] == [
            ("frog", "plain", "1", ""),
            ("toad", "plain", "0.5", "Close."),
        ]
        assert question.grade("Toad") == D("0.5")

    @pytest.mark.parametrize(
        ("block", "value", "tolerance"), [("{#3.14:0.005}", "3.14", "0.005"), ("{#3.13..3.15}", "3.14", "0.01")]
    )
    def test_numerical_with_a_tolerance(self, signed_in, category, block, value, tolerance):
        create(signed_in, category, f"::Pi:: What is pi to two decimal places? {block}")
        question = only_question()
        assert question.kind == "numerical"
        assert [(row["text"], row["fraction"], D(row["tolerance"])) for row in question.answers] == [
            (value, "1", D(tolerance))
        ]
        assert question.grade("3.144") == 1 and question.grade("3.16") == 0

    def test_matching(self, signed_in, category):
        create(signed_in, category, "::Capitals:: Match. {\n=Egypt -> Cairo\n=Jordan -> Amman\n= -> Rabat\n}")
        question = only_question()
        assert question.kind == "matching"
        assert [(pair["text"], pair["answer"]) for pair in question.subquestions] == [
            ("Egypt", "Cairo"),
            ("Jordan", "Amman"),
            ("", "Rabat"),  # a distractor
        ]

    def test_essay_and_description(self, signed_in, category):
        create(signed_in, category, "::Reflection:: Describe an activity that worked well. {}")
        create(signed_in, category, "::Before you start:: Read the text below.")
        essay, description = Question.objects.order_by("pk")
        assert (essay.kind, essay.name, essay.text) == ("essay", "Reflection", "Describe an activity that worked well.")
        assert (description.kind, description.text, description.default_mark) == (
            "description",
            "Read the text below.",
            D(0),
        )

    def test_html_is_sanitised_as_an_import_is(self, signed_in, category):
        text = (
            '::Html:: [html]<p onclick="steal()">Look <b>here</b></p><script>steal()</script> {\n'
            '=yes #<img src\\="x" onerror\\="steal()">Good\n'  # "=" in GIFT is written "\\="
            "~no\n"
            "}"
        )
        create(signed_in, category, text)
        question = only_question()
        assert question.text_format == "html"
        assert question.text == "<p>Look <b>here</b></p>"
        assert "onerror" not in question.answers[0]["feedback"] and "Good" in question.answers[0]["feedback"]
        assert "steal" not in str(QuestionVersion.objects.get(question=question).data)

    def test_tags_written_in_the_gift_comments_join_those_of_the_field(self, signed_in, category):
        create(signed_in, category, "// [tag:Algebra] [tag:week 1]\n::Q:: Is 2 even? {T}", tags="week 1, geometry")
        assert only_question().tags == ["week 1", "geometry", "Algebra"]

    def test_the_examples_of_the_help_panel_are_each_one_valid_question(self, signed_in, category):
        response = signed_in.get(url("question-create", category_id=category.pk))
        page = response.content.decode()
        assert '<details class="gift-help" id="gift-help">' in page
        examples = [html_lib.unescape(text) for text in re.findall(r'<pre dir="ltr">(.*?)</pre>', page, re.DOTALL)]
        kinds = []
        for example in examples:
            (item,) = parse_gift(example)
            kinds.append(str(item.kind))
        assert kinds == [
            "multichoice",
            "multichoice",
            "truefalse",
            "shortanswer",
            "numerical",
            "matching",
            "essay",
            "description",
        ]
        assert "GIFT has no ordering questions" in page

    def test_the_form_is_accessible(self, signed_in, category):
        page = signed_in.get(url("question-create", category_id=category.pk)).content.decode()
        assert '<label for="id_text">Question in GIFT format:</label>' in page
        assert re.search(r'<textarea name="text"[^>]*aria-describedby="id_text_helptext"', page)
        assert 'id="id_text_helptext"' in page and "How to write a question in GIFT" in page
        assert 'name="csrfmiddlewaretoken"' in page


# Mistakes in the text -------------------------------------------------------------------------------------------


class TestMistakes:
    def test_an_error_is_shown_with_its_line_next_to_the_field_and_the_text_is_kept(self, signed_in, category):
        text = "// Week 1\n\n::Pick:: Pick a number {#abc}\n"

        response = create(signed_in, category, text, tags="numbers")

        assert response.status_code == 200
        assert response.context["form"].errors["text"] == ['Line 3: Error - answers must be numeric: "abc"']
        chunk = field_chunk(response, "text")
        assert "field--error" in chunk and "Line 3: Error - answers must be numeric" in html_lib.unescape(chunk)
        assert 'aria-describedby="id_text_helptext id_text_error"' in chunk and 'aria-invalid="true"' in chunk
        assert textarea_value(response) == text  # kept as typed, leading comment and all
        assert 'value="numbers"' in response.content.decode()
        assert '<details class="gift-help" id="gift-help" open>' in response.content.decode()  # help at hand
        assert counts() == (0, 0)

    def test_two_questions_are_refused_at_the_line_of_the_second(self, signed_in, category):
        text = "::One:: First? {T}\n\n::Two:: Second? {F}"
        response = create(signed_in, category, text)
        errors = response.context["form"].errors["text"]
        assert len(errors) == 1 and errors[0].startswith("Line 3: Write one question only")
        assert textarea_value(response) == text
        assert counts() == (0, 0)

    def test_a_category_line_is_refused(self, signed_in, category):
        response = create(signed_in, category, "$CATEGORY: $course$/top/Other\n\n::Q:: Fine? {T}")
        assert response.context["form"].errors["text"][0].startswith("Line 1: Leave out the $CATEGORY line")
        assert counts() == (0, 0)

    @pytest.mark.parametrize("text", ["", "  \n\n ", "// only a comment"])
    def test_no_question_is_refused(self, signed_in, category, text):
        response = create(signed_in, category, text)
        assert response.status_code == 200
        assert "text" in response.context["form"].errors
        assert counts() == (0, 0)

    @pytest.mark.parametrize("tags", ["<b>bold</b>", "x" * 51])
    def test_a_tag_a_file_could_not_carry_is_refused_next_to_its_field(self, signed_in, category, tags):
        response = create(signed_in, category, "::Q:: Fine? {T}", tags=tags)
        assert "field--error" in field_chunk(response, "tags")
        assert "tags" in response.context["form"].errors
        assert counts() == (0, 0)

    def test_the_service_raises_format_errors_with_lines(self, trainer, category):
        with pytest.raises(services.FormatError) as caught:
            services.question_save_from_gift(category=category, user=trainer, text="::Q:: {#x}", tags=[])
        assert [line for line, _message in caught.value.errors] == [1]


# Changing a question --------------------------------------------------------------------------------------------


class TestEdit:
    def test_the_form_shows_the_question_as_gift_with_its_tags_and_version(self, signed_in, trainer):
        question = make_question(
            "multichoice",
            owner=trainer,
            name="Colours",
            text="Between orange and green?",
            tags=["colours", "art"],
            answers=[answer("yellow", "1", feedback="Right"), answer("red"), answer("blue")],
        )

        response = signed_in.get(url("question-edit", question_id=question.pk))

        assert response.status_code == 200
        text = textarea_value(response)
        assert text.startswith("::Colours::Between orange and green?{")
        assert "=[plain]yellow#Right" in text and "~[plain]red" in text
        assert "[tag:" not in text  # the tags have their own field
        page = response.content.decode()
        assert 'value="colours, art"' in page
        assert '<input type="hidden" name="version" value="1"' in page
        assert "No attempt in your courses has used this question yet." in page

    @pytest.mark.parametrize(
        "kind", ["multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"]
    )
    def test_saving_the_form_unchanged_makes_no_new_version(self, signed_in, trainer, kind):
        question = make_question(kind, owner=trainer, tags=["t"], general_feedback="Well done")
        before = Question.objects.get(pk=question.pk).snapshot()
        form = signed_in.get(url("question-edit", question_id=question.pk)).context["form"]

        response = edit(signed_in, question, form.initial["text"], tags=form.initial["tags"])

        assert response.status_code == 302, response.context["form"].errors
        after = Question.objects.get(pk=question.pk)
        assert after.version == 1
        assert after.snapshot() == before
        assert "Nothing has changed" in signed_in.get(response["Location"]).content.decode()

    def test_a_change_makes_version_2_and_past_attempts_keep_version_1(self, signed_in, trainer):
        course = course_services.course_create(title="Digital pedagogy", trainers=[trainer])
        quiz = services.quiz_create(course=course, by=trainer, title="Week 1 check", questions_per_page=0)
        question = make_question(
            "multichoice",
            owner=trainer,
            name="Colours",
            text="Between orange and green?",
            answers=[answer("yellow", "1"), answer("red"), answer("blue")],
            texts={"ru": {"text": "Между оранжевым и зелёным?", "answers": ["жёлтый", "красный", "синий"]}},
        )
        services.slot_add_question(quiz=quiz, by=trainer, question=question)
        learner = UserFactory()
        course_services.enrollment_self_enroll(user=learner, course=course)
        attempt = services.attempt_start(quiz=quiz, user=learner, language="en", rng=random.Random(7))
        services.attempt_save(attempt=attempt, user=learner, answers={0: (0, 1)})  # "red"
        services.attempt_submit(attempt=attempt, user=learner)
        version_1 = QuestionVersion.objects.get(question=question, number=1)
        frozen = dict(version_1.data)
        assert QuestionAttempt.objects.get(attempt=attempt).mark == D(0)

        # The answer key was wrong: red is right.
        response = edit(signed_in, question, "::Colours:: Between orange and green? {~yellow =red ~blue}")

        assert response.status_code == 302
        assert response["Location"] == url("question-edit", question_id=question.pk)
        question = Question.objects.get(pk=question.pk)
        assert question.version == 2
        assert [row["fraction"] for row in question.answers] == ["0", "1", "0"]
        assert question.texts["ru"]["text"] == "Между оранжевым и зелёным?"  # translations untouched
        version_1.refresh_from_db()
        assert version_1.data == frozen
        assert version_1.grade(1) == 0  # an attempt on version 1 is graded as before
        assert QuestionVersion.objects.get(question=question, number=2).grade(1) == 1
        question_attempt = QuestionAttempt.objects.get(attempt=attempt)
        assert (question_attempt.version_id, question_attempt.mark) == (version_1.pk, D(0))

        page = signed_in.get(response["Location"]).content.decode()
        assert "“Colours” has been saved as version 2. Attempts already made keep the version they used." in page
        assert "Regrade all attempts" in page
        assert url("quiz-attempts", quiz_uuid=quiz.uuid) in page  # where the regrade button is
        # And the regrade the message points to marks the attempt with version 2.
        services.quiz_regrade(quiz=quiz, by=trainer)
        assert QuestionAttempt.objects.get(attempt=attempt).mark == D(1)

    def test_what_gift_cannot_say_is_kept(self, signed_in, trainer):
        numerical = make_question(
            "numerical",
            owner=trainer,
            default_mark=D(3),
            penalty=D("0.1"),
            hints=[{"text": "Think", "text_format": "html", "show_num_correct": False, "clear_wrong": False}],
            units=[{"name": "cm", "multiplier": "100"}],
        )
        shortanswer = make_question("shortanswer", owner=trainer, case_sensitive=True)
        description = make_question("description", owner=trainer, general_feedback="Shown after the quiz")

        edit(signed_in, numerical, "::N:: How far? {#4:0.5}")
        edit(signed_in, shortanswer, "::S:: Name it. {=Frog}")
        edit(signed_in, description, "::D:: Read this first.")

        numerical = Question.objects.get(pk=numerical.pk)
        assert (numerical.version, numerical.answers[0]["text"]) == (2, "4")
        assert (numerical.default_mark, numerical.penalty) == (D(3), D("0.1"))
        assert numerical.hints[0]["text"] == "Think" and numerical.units == [{"name": "cm", "multiplier": "100"}]
        assert Question.objects.get(pk=shortanswer.pk).case_sensitive is True
        description = Question.objects.get(pk=description.pk)
        assert (description.text, description.general_feedback) == ("Read this first.", "Shown after the quiz")

    def test_another_type_is_refused(self, signed_in, trainer):
        question = make_question("multichoice", owner=trainer)
        before = Question.objects.get(pk=question.pk).snapshot()
        text = "::Colours:: Is yellow between orange and green? {TRUE}"

        response = edit(signed_in, question, text)

        assert response.status_code == 200
        (error,) = response.context["form"].errors["text"]
        assert error.startswith(
            "This text makes a true/false question, but the question is a multiple choice question."
        )
        assert textarea_value(response) == text
        assert Question.objects.get(pk=question.pk).snapshot() == before
        assert QuestionVersion.objects.filter(question=question).count() == 1

    def test_a_form_opened_before_another_change_is_refused_then_can_replace_it(self, signed_in, trainer):
        question = make_question("essay", owner=trainer, name="Class", text="Describe your class.")
        services.question_update(question, user=trainer, text="Describe your school.")  # version 2, elsewhere
        mine = "::Class:: Describe your classroom. {}"

        response = edit(signed_in, question, mine, version=1)

        assert response.status_code == 200
        page = response.content.decode()
        assert "Someone has changed the question since you opened it: it is now at version 2." in page
        assert textarea_value(response) == mine
        assert "Describe your school." in page  # the current version, to compare with
        question = Question.objects.get(pk=question.pk)
        assert (question.version, question.text) == (2, "Describe your school.")

        # Saving again, knowing, replaces version 2.
        assert '<input type="hidden" name="version" value="2"' in page
        assert edit(signed_in, question, mine, version=2).status_code == 302
        question = Question.objects.get(pk=question.pk)
        assert (question.version, question.text) == (3, "Describe your classroom.")

    def test_an_ordering_question_gets_a_page_instead_of_the_form(self, signed_in, trainer):
        question = make_question("ordering", owner=trainer, items=["first", "second", "third"])
        address = url("question-edit", question_id=question.pk)

        response = signed_in.get(address)

        assert response.status_code == 200
        assert response.templates[0].name == "quizzes/bank/question_ordering.html"
        page = response.content.decode()
        assert "GIFT has no ordering questions" in page
        assert "<textarea" not in page
        assert "second" in page
        assert url("question-texts", question_id=question.pk, language="ru") in page
        signed_in.post(address, {"text": "::Q:: Order? {}", "tags": "", "version": "1"})
        assert Question.objects.get(pk=question.pk).version == 1
        with pytest.raises(services.QuestionError):
            services.question_save_from_gift(
                category=question.category, user=trainer, text="::Q:: Order? {}", tags=[], question=question
            )

    def test_an_unknown_question_is_not_found(self, signed_in):
        assert signed_in.get(url("question-edit", question_id=999999)).status_code == 404
        assert signed_in.get(url("question-create", category_id=999999)).status_code == 404


# Who may ------------------------------------------------------------------------------------------------------


class TestPermissions:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, category):
        question = make_question("essay", category=category)
        for address in (url("question-create", category_id=category.pk), url("question-edit", question_id=question.pk)):
            for response in (client.get(address), client.post(address, {"text": "::Q:: Hi {}"})):
                assert response.status_code == 302
                assert "/accounts/" in response["Location"], address
        assert counts() == (1, 1)

    def test_a_teacher_without_the_trainer_role_is_refused(self, client, category):
        question = make_question("essay", category=category)
        teacher = UserFactory()
        client.force_login(teacher)
        create_address = url("question-create", category_id=category.pk)
        assert client.get(create_address).status_code == 403
        assert create(client, category, "::Q:: Hi {}").status_code == 403
        assert client.get(url("question-edit", question_id=question.pk)).status_code == 403
        assert edit(client, question, "::Q:: Changed {}").status_code == 403
        with pytest.raises(PermissionDenied):
            services.question_save_from_gift(category=category, user=teacher, text="::Q:: Hi {}", tags=[])
        assert counts() == (1, 1)

    def test_another_trainer_may_add_questions_but_not_change_the_owners(self, client, trainer, category):
        question = make_question("essay", category=category, owner=trainer, text="Mine")
        other = make_trainer()
        client.force_login(other)

        assert client.get(url("question-edit", question_id=question.pk)).status_code == 403
        assert edit(client, question, "::Q:: Theirs {}").status_code == 403
        with pytest.raises(PermissionDenied):
            services.question_save_from_gift(
                category=category, user=other, text="::Q:: Theirs {}", tags=[], question=question
            )
        assert Question.objects.get(pk=question.pk).text == "Mine"

        assert create(client, category, "::Theirs:: A question of their own {}").status_code == 302
        assert Question.objects.get(name="Theirs").owner == other

        Question.objects.filter(pk=question.pk).update(owner=None)  # the owner's account is gone
        assert client.get(url("question-edit", question_id=question.pk)).status_code == 200

    def test_a_superuser_may_change_anyones_question(self, client, trainer):
        question = make_question("essay", owner=trainer, text="Mine")
        client.force_login(superuser())
        assert client.get(url("question-edit", question_id=question.pk)).status_code == 200
        assert edit(client, question, "::Q:: Corrected {}").status_code == 302
        assert Question.objects.get(pk=question.pk).text == "Corrected"

    def test_posts_need_the_csrf_token(self, trainer, category):
        client = Client(enforce_csrf_checks=True)
        client.force_login(trainer)
        assert create(client, category, "::Q:: Hi {}").status_code == 403
        assert counts() == (0, 0)


# The category page ----------------------------------------------------------------------------------------------


class TestCategoryPage:
    def test_links_to_a_new_question_and_to_editing_only_where_allowed(self, signed_in, trainer, category):
        mine = make_question("essay", category=category, owner=trainer, name="Mine")
        theirs = make_question("essay", category=category, owner=make_trainer(), name="Theirs")

        page = signed_in.get(url("bank-category", category_id=category.pk)).content.decode()

        assert url("question-create", category_id=category.pk) in page
        assert url("question-edit", question_id=mine.pk) in page
        assert url("question-edit", question_id=theirs.pk) not in page

    def test_tags_are_shown_and_filter_the_list(self, signed_in, trainer, category):
        make_question("essay", category=category, owner=trainer, name="Fractions", tags=["дроби", "week 1"])
        make_question("essay", category=category, owner=trainer, name="Angles", tags=["geometry", "week 1"])
        make_question("essay", category=category, owner=trainer, name="Untagged")
        address = url("bank-category", category_id=category.pk)

        page = signed_in.get(address).content.decode()
        assert 'href="?tag=%D0%B4%D1%80%D0%BE%D0%B1%D0%B8"' in page and ">дроби</a>" in page

        filtered = signed_in.get(address, {"tag": "дроби"})
        assert [row["question"].name for row in filtered.context["rows"]] == ["Fractions"]
        week = signed_in.get(address, {"tag": "week 1"})
        assert [row["question"].name for row in week.context["rows"]] == ["Fractions", "Angles"]
        assert signed_in.get(address, {"tag": "week"}).context["rows"] == []  # whole tags only
        assert [
            row["question"].name for row in signed_in.get(address, {"tag": "week 1", "q": "ang"}).context["rows"]
        ] == ["Angles"]

    def test_the_number_of_queries_does_not_grow_with_tagged_questions(self, signed_in, trainer):
        few, many = QuestionCategoryFactory(), QuestionCategoryFactory()
        for category, count in ((few, 2), (many, 20)):
            for number in range(count):
                make_question(("multichoice", "essay")[number % 2], category=category, owner=trainer, tags=["a", "b"])
        signed_in.get(url("bank-category", category_id=few.pk), {"tag": "a"})  # warm up
        with CaptureQueriesContext(connection) as two:
            signed_in.get(url("bank-category", category_id=few.pk), {"tag": "a"})
        with CaptureQueriesContext(connection) as twenty:
            response = signed_in.get(url("bank-category", category_id=many.pk), {"tag": "a"})
        assert len(response.context["rows"]) == 20
        assert len(twenty) == len(two)


def test_the_gift_of_every_editable_kind_reads_back_as_one_question(trainer):
    """What the editor shows is what it saves: the GIFT written for a question parses to one question."""
    for kind in ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"):
        items = parse_gift(services.question_gift(make_question(kind, owner=trainer)))
        assert len(items) == 1 and isinstance(items[0], FileQuestion) and items[0].kind == kind


def test_a_question_written_in_russian_has_russian_as_its_source_language(signed_in, category):
    response = signed_in.post(
        f"/ru/learning/bank/categories/{category.pk}/new/", {"text": "::Сколько::Сколько будет 2+2? {#4}", "tags": ""}
    )
    assert response.status_code == 302
    question = Question.objects.get(name="Сколько")
    assert question.source_language == "ru"
    page = signed_in.get(f"/ru/learning/bank/categories/{category.pk}/").content.decode()
    assert "/texts/en/" in page and "/texts/ru/" not in page  # translations go into the other languages


def test_tags_typed_with_the_arabic_comma_are_separate_tags(signed_in, category):
    response = signed_in.post(
        f"/ar/learning/bank/categories/{category.pk}/new/",
        {"text": "::Kasr:: 1/2 + 1/2 = ? {#1}", "tags": "كسور، الأسبوع 1"},
    )
    assert response.status_code == 302
    assert Question.objects.get(name="Kasr").tags == ["كسور", "الأسبوع 1"]
