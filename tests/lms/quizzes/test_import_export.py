"""Importing Moodle's banks into rows, all or nothing; exporting them back; listing with a fixed number of
queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.quizzes import formats, services
from lms.quizzes.formats import FormatError, parse_gift, parse_moodle_xml
from lms.quizzes.models import (
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    Question,
    QuestionCategory,
    QuestionVersion,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from lms.quizzes.selectors import question_list_in_category
from tests.factories.accounts import UserFactory
from tests.factories.quizzes import QuestionCategoryFactory, make_question
from tests.lms.quizzes import MOODLE

pytestmark = pytest.mark.django_db

GIFT = MOODLE / "gift" / "questions.gift.txt"
NESTED_XML = MOODLE / "xml" / "nested_categories_with_questions.xml"


def counts() -> tuple[int, int, int]:
    return Question.objects.count(), QuestionCategory.objects.count(), QuestionVersion.objects.count()


def test_moodle_gift_fixture_imports_every_question():
    owner = UserFactory()
    base = QuestionCategoryFactory(name="Imported")

    report = services.bank_import(parse_gift(GIFT.read_text()), owner=owner, base_category=base)

    assert report.questions_created == 9
    assert dict(report.kinds) == {
        "essay": 1,
        "matching": 1,
        "multichoice": 2,
        "numerical": 1,
        "shortanswer": 1,
        "truefalse": 3,
    }
    assert Question.objects.filter(category=base, owner=owner).count() == 9
    assert QuestionVersion.objects.filter(question__category=base).count() == 9
    colours = MultipleChoiceQuestion.objects.get(name="colours")
    assert colours.single is False
    assert [Decimal(a["fraction"]) for a in colours.answers] == [Decimal("0.5"), -1, Decimal("0.5"), -1]
    assert colours.grade({0, 2}) == 1
    assert colours.grade({0, 1}) == 0
    q2 = MultipleChoiceQuestion.objects.get(name="Q2")
    assert q2.single is True and q2.grade(0) == 1 and q2.grade(1) == 0
    matching = MatchingQuestion.objects.get(name="Moodle activities")
    assert matching.text == "Match the <b>activity</b> to the description."
    assert len(matching.subquestions) == 5
    assert ShortAnswerQuestion.objects.get(name="Shortanswer").grade("cat") == Decimal("0.5")
    assert NumericalQuestion.objects.get(name="Q5").grade("4.5") == 1
    q1 = TrueFalseQuestion.objects.get(name="Q1")
    assert q1.correct_answer is False and q1.grade(False) == 1


def test_moodle_xml_nested_categories_create_the_tree():
    base = QuestionCategoryFactory(name="Bank")

    report = services.bank_import(parse_moodle_xml(NESTED_XML.read_bytes()), owner=None, base_category=base)

    paths = {
        category.path
        for category in QuestionCategory.objects.exclude(pk=base.pk).filter(name__in=["Iota", "Kappa", "Lambda", "Mu"])
    }
    assert paths == {
        ("Bank", "Iota"),
        ("Bank", "Iota", "Kappa"),
        ("Bank", "Iota", "Kappa", "Lambda"),
        ("Bank", "Iota", "Mu"),
    }
    assert report.categories_created == 4
    assert dict(report.kinds) == {"truefalse": 4, "essay": 1}
    iota = QuestionCategory.objects.get(parent=base, name="Iota")
    assert iota.info  # the description came along
    assert len(question_list_in_category(iota)) == 5
    for question in Question.objects.filter(category__in=QuestionCategory.objects.exclude(pk=base.pk)):
        assert question.category.name in {"Iota", "Kappa", "Lambda", "Mu"}


def test_dry_run_counts_and_writes_nothing():
    base = QuestionCategoryFactory()
    before = counts()
    report = services.bank_import(
        parse_moodle_xml(NESTED_XML.read_bytes()), owner=None, base_category=base, dry_run=True
    )
    assert report.questions_created == 5 and report.categories_created == 4
    assert counts() == before


def test_a_question_that_cannot_be_saved_makes_the_whole_import_write_nothing():
    base = QuestionCategoryFactory()
    good = formats.Question(formats.QuestionKind.ESSAY, "Fine", "Write", category_path=("New",), line=1)
    bad = formats.Question(formats.QuestionKind.ESSAY, "x" * 300, "Too long a name", line=7)
    before = counts()

    with pytest.raises(FormatError) as raised:
        services.bank_import([good, bad], owner=None, base_category=base)

    assert [line for line, _message in raised.value.errors] == [7]
    assert counts() == before


def test_imported_html_is_sanitised():
    base = QuestionCategoryFactory()
    gift = '::Bad::[html]<p onclick="steal()">Hi</p><script>alert(1)</script>{}\n'
    services.bank_import(parse_gift(gift), owner=None, base_category=base)
    question = Question.objects.get(name="Bad")
    assert "script" not in question.text and "onclick" not in question.text
    assert "<p>Hi</p>" in question.text


@pytest.mark.parametrize("format", ["gift", "moodlexml"])
def test_export_then_import_gives_back_the_same_questions(format):
    source = QuestionCategoryFactory(name="Source")
    services.bank_import(parse_moodle_xml(NESTED_XML.read_bytes()), owner=None, base_category=source)
    services.bank_import(parse_gift(GIFT.read_text()), owner=None, base_category=source)

    exported = services.bank_export(source, format)
    target, _report = services.bank_import_file(
        exported.encode() if isinstance(exported, str) else exported,
        format=format,
        category_path="Target",
        owner=None,
    )

    def bank(root):
        items = []
        for question in question_list_in_category(root):
            item = services.question_to_format(question, category_path=question.category.path[1:])
            if format == "gift":  # GIFT has no place for marks, penalties, hints or shuffling
                item = (item.category_path, item.kind, item.name, item.text, item.answers, item.subquestions)
            items.append(item)
        return sorted(items, key=repr)

    assert len(bank(target)) == 14
    assert bank(target) == bank(source)


def test_bank_export_includes_subcategories_with_relative_paths():
    root = QuestionCategoryFactory(name="Root")
    child = QuestionCategory.objects.create(parent=root, name="Week 1")
    make_question("truefalse", category=root, name="Top question")
    make_question("shortanswer", category=child, name="Child question")
    gift = services.bank_export(root, "gift")
    assert "$CATEGORY: $course$/top/Week 1" in gift
    assert "::Top question::" in gift and "::Child question::" in gift
    assert gift.index("::Top question::") < gift.index("$CATEGORY")


def test_listing_mixed_questions_uses_a_fixed_number_of_queries():
    def listing_queries(count: int) -> int:
        root = QuestionCategoryFactory()
        child = QuestionCategory.objects.create(parent=root, name="Child", owner=root.owner)
        kinds = ["multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering", "essay", "description"]
        for number in range(count):
            make_question(kinds[number % len(kinds)], category=root if number % 2 else child, owner=root.owner)
        with CaptureQueriesContext(connection) as queries:
            questions = question_list_in_category(root)
            rendered = [(q.name, q.category.name, q.owner.email, q.snapshot()) for q in questions]
        assert len(rendered) == count
        return len(queries)

    few, many = listing_queries(10), listing_queries(100)
    assert few == many
    assert many <= 2 + 1 + 8  # two category levels, the base rows, one query per type
