"""Changing the question bank: questions and their versions, categories, and import and export in Moodle's
formats (through the pure ``formats`` package)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.sanitize import sanitize_html

from .. import formats
from ..formats import Category, FormatError, QuestionKind, TextFormat
from ..formats.gift import REASON_ORDERING as GIFT_REASON_ORDERING
from ..formats.model import category_path_from_moodle, default_question_name
from ..models import QUESTION_CLASSES, Question, QuestionCategory, QuestionVersion
from ..selectors.bank import (
    TEXT_KEYS,
    category_subtree,
    question_can_edit,
    question_list_for_categories,
    question_translatable_texts,
    user_can_use_bank,
)

UNKNOWN_KIND = _("Unknown question type %(kind)s.")
INVALID_QUESTION = _("Question %(name)s cannot be saved: %(errors)s")
UNKNOWN_FORMAT = _("Unknown format %(format)s.")
KIND_CHANGE = _("A question's type cannot be changed.")

IMPORT_FORMATS = ("gift", "aiken", "moodlexml")
EXPORT_FORMATS = ("gift", "moodlexml")


class QuestionError(ValueError):
    """A question cannot be created or changed; ``message`` says why in the user's language."""


# Questions ----------------------------------------------------------------------------------------------------


def _version_create(question: Question, *, user: Any) -> QuestionVersion:
    return QuestionVersion.objects.create(
        question=question, number=question.version, data=question.snapshot(), created_by=user
    )


@transaction.atomic
def question_create(*, kind: str, category: QuestionCategory, owner: Any, **fields: Any) -> Question:
    """Create a question of ``kind`` (a ``QuestionKind`` value) and its first version."""
    cls = QUESTION_CLASSES.get(str(kind))
    if cls is None:
        raise QuestionError(gettext(UNKNOWN_KIND) % {"kind": kind})
    question = cls(category=category, owner=owner, **fields)
    question.full_clean()
    question.save()
    _version_create(question, user=owner)
    return question


@transaction.atomic
def question_update(question: Question, *, user: Any, **fields: Any) -> Question:
    """Change a question. Any change to what learners see or how it grades makes a new version; attempts keep
    pointing at the version they used."""
    if "kind" in fields:
        raise QuestionError(gettext(KIND_CHANGE))
    question = type(question).objects.select_for_update().get(pk=question.pk)
    before = question.snapshot()
    changed = []
    for name, value in fields.items():
        if getattr(question, name) != value:
            setattr(question, name, value)
            changed.append(name)
    if not changed:
        return question
    question.full_clean()
    if question.snapshot() != before:
        question.version += 1
        question.updated_at = timezone.now()
        changed += ["version", "updated_at"]
    question.save(update_fields=changed)
    if "version" in changed:
        _version_create(question, user=user)
    return question


# Categories ---------------------------------------------------------------------------------------------------


def _path(path: str | Sequence[str]) -> tuple[str, ...]:
    return category_path_from_moodle(path) if isinstance(path, str) else tuple(name for name in path if name)


def category_get_or_create_path(
    path: str | Sequence[str], owner: Any = None, *, base: QuestionCategory | None = None
) -> tuple[QuestionCategory, int]:
    """The category at ``path`` ("Week 1/Fractions", or a tuple of names) below ``base`` (or at the top),
    creating the missing ones; and how many were created."""
    node = base
    created_count = 0
    for name in _path(path):
        node, created = QuestionCategory.objects.get_or_create(parent=node, name=name, defaults={"owner": owner})
        created_count += created
    if node is None:
        raise QuestionError(gettext("A category path cannot be empty."))
    return node, created_count


def category_get_path(path: str | Sequence[str]) -> QuestionCategory:
    """The existing category at ``path``; raises ``QuestionCategory.DoesNotExist``."""
    names = _path(path)
    if not names:
        raise QuestionCategory.DoesNotExist
    node = QuestionCategory.objects.get(parent=None, name=names[0])
    for name in names[1:]:
        node = QuestionCategory.objects.get(parent=node, name=name)
    return node


# Import -------------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool
    categories_created: int = 0
    questions_created: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    questions: list[Question] = field(default_factory=list)


def _clean(text: str, text_format: TextFormat | str) -> str:
    """Sanitise text that will be shown as HTML; plain text and Markdown are escaped when shown."""
    return sanitize_html(text) if str(text_format) in ("html", "moodle") else text


def _answers(answers: Iterable[formats.Answer], *, numerical: bool = False) -> list[dict[str, Any]]:
    rows = []
    for answer in answers:
        row = {
            "text": _clean(answer.text, answer.text_format),
            "text_format": str(answer.text_format),
            "fraction": str(answer.fraction),
            "feedback": _clean(answer.feedback, answer.feedback_format),
            "feedback_format": str(answer.feedback_format),
        }
        if numerical:
            row["tolerance"] = str(answer.tolerance or Decimal(0))
        rows.append(row)
    return rows


def question_fields_from_format(item: formats.Question) -> dict[str, Any]:
    """The model fields (``kind`` included) of a question read from a file, with its HTML sanitised."""
    data: dict[str, Any] = {
        "kind": str(item.kind),
        "name": item.name or default_question_name(item.text),
        "text": _clean(item.text, item.text_format),
        "text_format": str(item.text_format),
        "general_feedback": _clean(item.general_feedback, item.general_feedback_format),
        "general_feedback_format": str(item.general_feedback_format),
        "default_mark": item.default_mark,
        "penalty": item.penalty,
        "hints": [
            {
                "text": _clean(hint.text, hint.text_format),
                "text_format": str(hint.text_format),
                "show_num_correct": hint.show_num_correct,
                "clear_wrong": hint.clear_wrong,
            }
            for hint in item.hints
        ],
        "tags": list(item.tags),
        "idnumber": item.idnumber,
    }
    kind = item.kind
    if kind == QuestionKind.MULTICHOICE:
        data.update(single=item.single, shuffle=item.shuffle, answers=_answers(item.answers))
    elif kind == QuestionKind.TRUEFALSE:
        data.update(
            correct_answer=bool(item.correct_answer),
            feedback_true=_clean(item.feedback_true, item.feedback_true_format),
            feedback_true_format=str(item.feedback_true_format),
            feedback_false=_clean(item.feedback_false, item.feedback_false_format),
            feedback_false_format=str(item.feedback_false_format),
        )
    elif kind == QuestionKind.SHORTANSWER:
        data.update(case_sensitive=item.case_sensitive, answers=_answers(item.answers))
    elif kind == QuestionKind.NUMERICAL:
        data.update(
            answers=_answers(item.answers, numerical=True),
            units=[{"name": unit.name, "multiplier": str(unit.multiplier)} for unit in item.units],
        )
    elif kind == QuestionKind.MATCHING:
        data.update(
            shuffle=item.shuffle,
            subquestions=[
                {
                    "text": _clean(pair.text, pair.text_format),
                    "text_format": str(pair.text_format),
                    "answer": pair.answer,
                }
                for pair in item.subquestions
            ],
        )
    elif kind == QuestionKind.ORDERING:
        data.update(items=[answer.text for answer in item.answers])
    return data


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(message) for message in messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def bank_import(
    items: Sequence[Category | formats.Question],
    *,
    owner: Any,
    base_category: QuestionCategory,
    dry_run: bool = False,
) -> ImportReport:
    """Save what a reader returned below ``base_category``, all or nothing.

    Raises ``FormatError`` (every problem with its line) if any question cannot be saved; nothing is written
    then. With ``dry_run`` everything is checked and counted, and then rolled back.
    """
    report = ImportReport(dry_run=dry_run)
    errors: list[tuple[int, str]] = []
    with transaction.atomic():
        for item in items:
            if isinstance(item, Category):
                if not item.path:
                    continue
                category, created = category_get_or_create_path(item.path, owner, base=base_category)
                report.categories_created += created
                if created and (item.info or item.idnumber):
                    category.info = _clean(item.info, item.info_format)
                    category.info_format = str(item.info_format)
                    category.idnumber = item.idnumber
                    category.save(update_fields=["info", "info_format", "idnumber"])
                continue
            category, created = (
                category_get_or_create_path(item.category_path, owner, base=base_category)
                if item.category_path
                else (base_category, 0)
            )
            report.categories_created += created
            fields = question_fields_from_format(item)
            try:
                with transaction.atomic():
                    question = question_create(category=category, owner=owner, **fields)
            except ValidationError as error:
                message = gettext(INVALID_QUESTION) % {"name": fields["name"], "errors": _validation_message(error)}
                errors.append((item.line or 0, message))
                continue
            except QuestionError as error:
                errors.append((item.line or 0, str(error)))
                continue
            report.questions_created += 1
            report.kinds[fields["kind"]] += 1
            report.questions.append(question)
        if errors:
            raise FormatError(errors, parsed=items)  # leaving the block rolls back everything
        if dry_run:
            transaction.set_rollback(True)
    return report


def bank_parse(data: bytes, format: str) -> list[Category | formats.Question]:
    """Read a file in ``format`` (gift, aiken or moodlexml). Raises ``FormatError``."""
    if format == "moodlexml":
        return formats.parse_moodle_xml(data)
    text = data.decode("utf-8-sig", errors="replace")
    if format == "gift":
        return formats.parse_gift(text)
    if format == "aiken":
        return list(formats.parse_aiken(text))
    raise QuestionError(gettext(UNKNOWN_FORMAT) % {"format": format})


# Export -------------------------------------------------------------------------------------------------------


def _answers_out(rows: Iterable[dict[str, Any]], *, numerical: bool = False) -> list[formats.Answer]:
    return [
        formats.Answer(
            text=row["text"],
            fraction=Decimal(row["fraction"]),
            text_format=TextFormat(row["text_format"]),
            feedback=row["feedback"],
            feedback_format=TextFormat(row["feedback_format"]),
            tolerance=Decimal(row.get("tolerance") or "0") if numerical else None,
        )
        for row in rows
    ]


def question_to_format(question: Question, *, category_path: tuple[str, ...] = ()) -> formats.Question:
    item = formats.Question(
        kind=QuestionKind(question.kind),
        name=question.name,
        text=question.text,
        text_format=TextFormat(question.text_format),
        default_mark=question.default_mark.normalize(),
        penalty=question.penalty.normalize(),
        general_feedback=question.general_feedback,
        general_feedback_format=TextFormat(question.general_feedback_format),
        hints=[
            formats.Hint(
                text=hint["text"],
                text_format=TextFormat(hint["text_format"]),
                show_num_correct=hint["show_num_correct"],
                clear_wrong=hint["clear_wrong"],
            )
            for hint in question.hints
        ],
        tags=list(question.tags),
        idnumber=question.idnumber,
        category_path=category_path,
    )
    data = question.snapshot()
    kind = question.kind
    if kind == QuestionKind.MULTICHOICE:
        item.single, item.shuffle, item.answers = data["single"], data["shuffle"], _answers_out(data["answers"])
    elif kind == QuestionKind.TRUEFALSE:
        item.correct_answer = data["correct_answer"]
        item.feedback_true = data["feedback_true"]
        item.feedback_true_format = TextFormat(data["feedback_true_format"])
        item.feedback_false = data["feedback_false"]
        item.feedback_false_format = TextFormat(data["feedback_false_format"])
    elif kind == QuestionKind.SHORTANSWER:
        item.case_sensitive, item.answers = data["case_sensitive"], _answers_out(data["answers"])
    elif kind == QuestionKind.NUMERICAL:
        item.answers = _answers_out(data["answers"], numerical=True)
        item.units = [formats.Unit(unit["name"], Decimal(unit["multiplier"])) for unit in data["units"]]
    elif kind == QuestionKind.MATCHING:
        item.shuffle = data["shuffle"]
        item.subquestions = [
            formats.Subquestion(pair["text"], pair["answer"], TextFormat(pair["text_format"]))
            for pair in data["subquestions"]
        ]
    elif kind == QuestionKind.ORDERING:
        item.answers = [formats.Answer(text) for text in data["items"]]
    return item


def bank_export(category: QuestionCategory, format: str) -> str | bytes:
    """``category``, its subcategories and their questions in ``format`` (gift: str, moodlexml: bytes), with
    paths relative to ``category``. Raises ``ExportError`` for a question the format cannot carry."""
    categories = category_subtree(category)
    paths = {category.pk: ()}
    for node in categories[1:]:
        paths[node.pk] = (*paths[node.parent_id], node.name)
    by_category: dict[int, list[Question]] = {}
    for question in question_list_for_categories(categories):
        by_category.setdefault(question.category_id, []).append(question)
    items: list[Category | formats.Question] = []
    for node in categories:
        path = paths[node.pk]
        if path:
            items.append(
                Category(path, info=node.info, info_format=TextFormat(node.info_format), idnumber=node.idnumber)
            )
        items += [question_to_format(question, category_path=path) for question in by_category.get(node.pk, [])]
    if format == "gift":
        return formats.write_gift(items)
    if format == "moodlexml":
        return formats.write_moodle_xml(items)
    raise QuestionError(gettext(UNKNOWN_FORMAT) % {"format": format})


def bank_import_file(
    data: bytes, *, format: str, category_path: str | Sequence[str], owner: Any, dry_run: bool = False
) -> tuple[QuestionCategory, ImportReport]:
    """Read a file and import it below the category at ``category_path`` (created if missing), all or nothing:
    on ``FormatError`` not even the category is kept."""
    items = bank_parse(data, format)
    with transaction.atomic():
        category, created = category_get_or_create_path(category_path, owner)
        report = bank_import(items, owner=owner, base_category=category, dry_run=dry_run)
        report.categories_created += created
        if dry_run:
            transaction.set_rollback(True)
    return category, report


# The trainers' pages: the same services, with the permission checks -------------------------------------------

NO_BANK_ACCESS = _("Only trainers can use the question bank.")
NO_QUESTION_ACCESS = _("Only the question's owner can change it.")
CATEGORY_NAME_REQUIRED = _("Give the category a name.")
CATEGORY_EXISTS = _("There is already a category with this name here.")
UNKNOWN_LANGUAGE = _("Translations into %(language)s cannot be stored for this question.")
TEXTS_CHANGED = _("The question has changed since you opened it. Check the texts below and save them again.")
TEXTS_MISMATCH = _("The translations do not match the question's texts. Open the question again.")

# What an export is sent as: its file name's ending and its content type.
EXPORT_FILES = {
    "gift": (".txt", "text/plain; charset=utf-8"),
    "moodlexml": (".xml", "application/xml; charset=utf-8"),
}


def _require_bank_user(user: Any) -> None:
    if not user_can_use_bank(user):
        raise PermissionDenied(gettext(NO_BANK_ACCESS))


def category_create(*, user: Any, name: str, parent: QuestionCategory | None = None) -> QuestionCategory:
    """A new category at the top or below ``parent``, owned by ``user``. Raises ``ValidationError`` (on
    ``name``) for an empty name or one that its parent already has; the unique constraints decide when two
    trainers create the same category at once."""
    _require_bank_user(user)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": gettext(CATEGORY_NAME_REQUIRED)})
    category = QuestionCategory(parent=parent, name=name, owner=user)
    category.full_clean(exclude=["parent", "owner"], validate_constraints=False)
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as error:
        raise ValidationError({"name": gettext(CATEGORY_EXISTS)}) from error
    return category


def bank_import_upload(
    data: bytes, *, user: Any, format: str, category_path: str | Sequence[str], dry_run: bool = False
) -> tuple[QuestionCategory, ImportReport]:
    """``bank_import_file`` for a trainer, who owns what is imported. Raises ``PermissionDenied``,
    ``QuestionError`` or ``FormatError`` (nothing is written then)."""
    _require_bank_user(user)
    if format not in IMPORT_FORMATS:
        raise QuestionError(gettext(UNKNOWN_FORMAT) % {"format": format})
    return bank_import_file(data, format=format, category_path=category_path, owner=user, dry_run=dry_run)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


def bank_export_file(category: QuestionCategory, *, user: Any, format: str) -> ExportFile:
    """``bank_export`` for a trainer, as a UTF-8 file to download. Raises ``PermissionDenied``,
    ``QuestionError`` for an unknown format and ``ExportError`` for a question the format cannot carry."""
    _require_bank_user(user)
    if format not in EXPORT_FORMATS:
        raise QuestionError(gettext(UNKNOWN_FORMAT) % {"format": format})
    exported = bank_export(category, format)
    content = exported.encode("utf-8") if isinstance(exported, str) else exported
    ending, content_type = EXPORT_FILES[format]
    name = slugify(category.name, allow_unicode=True)[:60] or "questions"
    filename = f"{name}-{timezone.now():%Y%m%d}{ending}"
    return ExportFile(content=content, filename=filename, content_type=content_type)


@transaction.atomic
def question_texts_set(
    question: Question, *, user: Any, language: str, values: dict[str, Any], version: int | None = None
) -> Question:
    """Store the translation of ``question``'s texts into ``language`` and make a new version.

    ``values`` has the shape of ``Question.texts[language]`` (see ``question_translatable_texts``): lists go
    index for index with the source lists, "" means "not translated" and a missing key counts as all "".
    HTML is sanitised as the source text it translates is. Who may: see ``question_can_edit``. With
    ``version``, the translation is refused (``QuestionError``) if the question has changed since then.
    """
    locked = type(question).objects.select_for_update().get(pk=question.pk)
    if not question_can_edit(user, locked):
        raise PermissionDenied(gettext(NO_QUESTION_ACCESS))
    languages = {code for code, _name in settings.LANGUAGES}
    if language not in languages or language == locked.source_language:
        raise QuestionError(gettext(UNKNOWN_LANGUAGE) % {"language": language})
    if version is not None and version != locked.version:
        raise QuestionError(gettext(TEXTS_CHANGED))
    sources = question_translatable_texts(locked)
    entry: dict[str, Any] = {}
    for source in sources:
        if source.index is None:
            entry[source.key] = ""
        else:
            entry.setdefault(source.key, []).append("")
    for key, value in values.items():
        expected = entry.get(key)
        if expected is None or key not in TEXT_KEYS:
            raise QuestionError(gettext(TEXTS_MISMATCH))
        if isinstance(expected, str) and not isinstance(value, str):
            raise QuestionError(gettext(TEXTS_MISMATCH))
        if isinstance(expected, list) and (
            not isinstance(value, list | tuple)
            or len(value) != len(expected)
            or not all(isinstance(item, str) for item in value)
        ):
            raise QuestionError(gettext(TEXTS_MISMATCH))
    for source in sources:
        value = values.get(source.key)
        if value is None:
            continue
        text = (value if source.index is None else value[source.index]).strip()
        text = _clean(text, source.text_format) if text else ""
        if source.index is None:
            entry[source.key] = text
        else:
            entry[source.key][source.index] = text
    texts = {key: value for key, value in locked.texts.items() if key != language}
    if any(value if isinstance(value, str) else any(value) for value in entry.values()):
        texts[language] = entry  # a translation with nothing in it is no translation
    return question_update(locked, user=user, texts=texts)


# Writing one question in GIFT ------------------------------------------------------------------------------------

GIFT_NO_QUESTION = _("Write a question: this text holds none.")
GIFT_ONE_QUESTION = _(
    "Write one question only: another one starts here. Questions are separated by blank lines, so a blank "
    "line inside a question splits it in two."
)
GIFT_NO_CATEGORY = _("Leave out the $CATEGORY line: the question goes into the category you are in.")
GIFT_KIND_CHANGE = _(
    "This text makes a %(new)s, but the question is a %(old)s. A question's type cannot be changed: write a new "
    "question instead."
)
GIFT_CANNOT_EDIT = _("This question cannot be written in GIFT: %(reason)s")
GIFT_WRONG_CATEGORY = _("A question is changed in its own category.")
QUESTION_CHANGED = _(
    "Someone has changed the question since you opened it: it is now at version %(version)s. Your text is kept "
    "below. Compare it with the current version, then save again to replace that version with yours."
)
TAG_TOO_LONG = _("A tag can be at most %(limit)s characters long: “%(tag)s”.")
TAG_CHARACTERS = _("A tag cannot contain the characters < > ` or \\: “%(tag)s”.")
TAG_MAX_LENGTH = 50  # Moodle's TAG_MAX_LENGTH: longer tags would be cut when the bank goes back to Moodle
_TAG_FORBIDDEN = re.compile(r"[<>`\\\x00-\x1f\x7f]")  # what a GIFT "[tag:...]" comment cannot carry back

# What GIFT has no place for (see ``write_gift``): an edit written in GIFT keeps the question's own values.
GIFT_LEAVES_OUT = frozenset({"kind", "default_mark", "penalty", "hints", "units", "case_sensitive", "shuffle"})


class QuestionChangedError(QuestionError):
    """The question has a newer version than the one the edit started from; ``question`` is the current one."""

    def __init__(self, message: str, *, question: Question) -> None:
        super().__init__(message)
        self.question = question


def question_tags_clean(tags: Iterable[str]) -> list[str]:
    """``tags`` trimmed, without empty ones and repeats (the first spelling stays). Raises ``QuestionError``
    for a tag that a GIFT or Moodle file could not carry back unchanged."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        tag = " ".join(str(raw).split())
        if not tag:
            continue
        if len(tag) > TAG_MAX_LENGTH:
            raise QuestionError(gettext(TAG_TOO_LONG) % {"limit": TAG_MAX_LENGTH, "tag": tag})
        if _TAG_FORBIDDEN.search(tag):
            raise QuestionError(gettext(TAG_CHARACTERS) % {"tag": tag})
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            cleaned.append(tag)
    return cleaned


def question_gift(question: Question) -> str:
    """``question`` as GIFT for the editor, without its tags (the editor has a field for them). Raises
    ``QuestionError`` for a question GIFT cannot carry (an ordering question, for one)."""
    item = question_to_format(question)
    item.tags = []
    try:
        return formats.write_gift([item])
    except formats.ExportError as error:
        raise QuestionError(str(error)) from error


def _kind_name(kind: str) -> str:
    cls = QUESTION_CLASSES.get(str(kind))
    return str(cls._meta.verbose_name) if cls else str(kind)


def _gift_question(text: str) -> formats.Question:
    """The one question ``text`` holds. Raises ``FormatError`` for anything else: errors of the text, a
    $CATEGORY line, a second question, no question at all."""
    items = formats.parse_gift(text)
    questions = [item for item in items if isinstance(item, formats.Question)]
    errors = [(item.line or 1, gettext(GIFT_NO_CATEGORY)) for item in items if isinstance(item, Category)]
    errors += [(item.line or 1, gettext(GIFT_ONE_QUESTION)) for item in questions[1:]]
    if not questions and not errors:
        errors.append((1, gettext(GIFT_NO_QUESTION)))
    if errors:
        raise FormatError(errors, parsed=items)
    return questions[0]


def question_save_from_gift(
    *,
    category: QuestionCategory,
    user: Any,
    text: str,
    tags: Sequence[str],
    question: Question | None = None,
    expected_version: int | None = None,
) -> Question:
    """Create a question in ``category`` owned by ``user``, or change ``question``, from one question written
    in GIFT. Its HTML is sanitised as an import's is; the tags are ``tags`` and those the GIFT comments carry.

    A change keeps what GIFT cannot say (mark, penalty, hints, units, case sensitivity, shuffling, a
    description's general feedback) and the translations in ``texts``; it makes a new version if anything
    learners see or grading uses has changed, and attempts keep the version they used. With
    ``expected_version``, a question changed since then is refused (``QuestionChangedError``).

    Raises ``FormatError`` (each problem with its line) for the text, ``QuestionError`` for the rest and
    ``PermissionDenied`` for a user who may not (see ``question_can_edit``). Nothing is written on an error.
    """
    _require_bank_user(user)
    if question is not None and not question_can_edit(user, question):
        raise PermissionDenied(gettext(NO_QUESTION_ACCESS))
    if question is not None and question.kind == QuestionKind.ORDERING:
        raise QuestionError(gettext(GIFT_CANNOT_EDIT) % {"reason": gettext(GIFT_REASON_ORDERING)})
    item = _gift_question(text)
    fields = question_fields_from_format(item)
    fields["tags"] = question_tags_clean([*tags, *item.tags])
    try:
        if question is None:
            # Written in the trainer's language: the other languages are its translations.
            fields.setdefault("source_language", translation.get_language() or settings.LANGUAGE_CODE)
            return question_create(category=category, owner=user, **fields)
        return _question_update_from_gift(
            question, user=user, category=category, fields=fields, expected_version=expected_version
        )
    except ValidationError as error:
        raise QuestionError(
            gettext(INVALID_QUESTION) % {"name": fields["name"], "errors": _validation_message(error)}
        ) from error


@transaction.atomic
def _question_update_from_gift(
    question: Question,
    *,
    user: Any,
    category: QuestionCategory,
    fields: dict[str, Any],
    expected_version: int | None,
) -> Question:
    locked = type(question).objects.select_for_update().get(pk=question.pk)
    if not question_can_edit(user, locked):
        raise PermissionDenied(gettext(NO_QUESTION_ACCESS))
    if locked.category_id != category.pk:
        raise QuestionError(gettext(GIFT_WRONG_CATEGORY))
    if fields["kind"] != locked.kind:
        raise QuestionError(
            gettext(GIFT_KIND_CHANGE) % {"new": _kind_name(fields["kind"]), "old": _kind_name(locked.kind)}
        )
    if expected_version is not None and expected_version != locked.version:
        raise QuestionChangedError(gettext(QUESTION_CHANGED) % {"version": locked.version}, question=locked)
    leaves_out = set(GIFT_LEAVES_OUT)
    if locked.kind == QuestionKind.DESCRIPTION:  # GIFT writes no general feedback for a description
        leaves_out |= {"general_feedback", "general_feedback_format"}
    changes = {name: value for name, value in fields.items() if name not in leaves_out}
    return question_update(locked, user=user, **changes)
