"""manage.py import_questions and export_questions."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lms.quizzes.models import Question, QuestionCategory, QuestionVersion
from lms.quizzes.selectors import question_list_in_category
from tests.factories.accounts import UserFactory
from tests.lms.quizzes import MOODLE

pytestmark = pytest.mark.django_db

GIFT = MOODLE / "gift" / "questions.gift.txt"
AIKEN_ERRORS = MOODLE / "aiken" / "aiken_errors.txt"
NESTED_XML = MOODLE / "xml" / "nested_categories_with_questions.xml"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int]:
    return Question.objects.count(), QuestionCategory.objects.count(), QuestionVersion.objects.count()


def test_import_prints_a_summary_and_creates_the_category_path():
    owner = UserFactory(email="trainer@example.org")
    out, _err = run(
        "import_questions", str(GIFT), "--format", "gift", "--category", "Physics/Week 1", "--owner", owner.email
    )
    assert "9 questions imported into Physics/Week 1" in out
    week = QuestionCategory.objects.get(name="Week 1", parent__name="Physics", parent__parent=None)
    assert Question.objects.filter(category=week, owner=owner).count() == 9


def test_dry_run_writes_nothing():
    before = counts()
    out, _err = run("import_questions", str(NESTED_XML), "--format", "moodlexml", "--category", "Bank", "--dry-run")
    assert "5 questions" in out and "Dry run" in out
    assert counts() == before


def test_a_file_with_errors_exits_1_lists_every_line_and_writes_nothing(tmp_path):
    before = counts()
    with pytest.raises(CommandError) as raised:
        run("import_questions", str(AIKEN_ERRORS), "--format", "aiken", "--category", "Aiken")
    assert raised.value.returncode == 1
    assert counts() == before  # not even the category
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_questions", str(AIKEN_ERRORS), "--format", "aiken", "--category", "Aiken", stderr=err)
    for line in (3, 5, 7, 18):
        assert f"Line {line}:" in err.getvalue()


def test_a_gift_file_with_an_error_writes_nothing(tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_text("::Good::Fine? {T}\n\n::Bad::Broken {=a ~b\n", encoding="utf-8")
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_questions", str(bank), "--format", "gift", "--category", "X", stderr=err)
    assert raised.value.returncode == 1
    assert "Line 3:" in err.getvalue()
    assert counts() == before


def test_export_writes_a_file_that_imports_back(tmp_path):
    run("import_questions", str(NESTED_XML), "--format", "moodlexml", "--category", "Bank")
    output = tmp_path / "bank.xml"
    run("export_questions", "--format", "moodlexml", "--category", "Bank", "--output", str(output))
    assert output.read_bytes().startswith(b"<?xml")
    run("import_questions", str(output), "--format", "moodlexml", "--category", "Copy")
    copy = QuestionCategory.objects.get(name="Copy", parent=None)
    original = QuestionCategory.objects.get(name="Bank", parent=None)

    def bank(root):
        return sorted((question.category.path[1:], question.name) for question in question_list_in_category(root))

    assert len(bank(copy)) == 5
    assert bank(copy) == bank(original)
    assert Question.objects.count() == 10


def test_export_to_stdout_and_unknown_category():
    run("import_questions", str(GIFT), "--format", "gift", "--category", "Bank")
    out, _err = run("export_questions", "--format", "gift", "--category", "Bank")
    assert "::Moodle activities::" in out
    with pytest.raises(CommandError, match="No category"):
        run("export_questions", "--format", "gift", "--category", "Nowhere")
