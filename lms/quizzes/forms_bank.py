"""Forms of the trainers' question bank: a new category, a file to import, a question written in GIFT, the
translations of a question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from .formats.model import category_path_from_moodle
from .models import Question
from .selectors.bank import CategoryNode, TranslatableText
from .services.bank import QuestionError, question_tags_clean

MAX_IMPORT_SIZE = 5 * 1024 * 1024  # bytes
MAX_GIFT_LENGTH = 50_000  # characters: one question, however long its texts
# The file names each format may have: what Moodle writes and what people save from an editor.
IMPORT_EXTENSIONS = {"gift": (".txt", ".gift"), "aiken": (".txt",), "moodlexml": (".xml",)}
FORMAT_CHOICES = [
    ("gift", gettext_lazy("GIFT")),
    ("aiken", gettext_lazy("Aiken")),
    ("moodlexml", gettext_lazy("Moodle XML")),
]
INDENT = "\u2003"  # an em space per level: options cannot hold markup


def _category_choices(tree: Sequence[CategoryNode]) -> list[tuple[str, str]]:
    return [(str(node.category.pk), INDENT * node.depth + node.category.name) for node in tree]


def _paths(tree: Sequence[CategoryNode]) -> dict[int, tuple[str, ...]]:
    """Each category's path of names, from the tree (parents come before their children)."""
    paths: dict[int, tuple[str, ...]] = {}
    names: list[str] = []
    for node in tree:
        del names[node.depth :]
        names.append(node.category.name)
        paths[node.category.pk] = tuple(names)
    return paths


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    parent = forms.TypedChoiceField(
        label=gettext_lazy("Inside"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args: Any, tree: Sequence[CategoryNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {node.category.pk: node.category for node in tree}
        self.fields["parent"].choices = [("", _("Nothing: a top-level category")), *_category_choices(tree)]
        self.fields["name"].widget.attrs["dir"] = "auto"

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        return self.categories.get(parent_id) if parent_id is not None else None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("Up to 5 MB: .txt or .gift for GIFT, .txt for Aiken, .xml for Moodle XML."),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.gift,.xml,text/plain,application/xml,text/xml"}),
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMAT_CHOICES, initial="gift")
    category = forms.TypedChoiceField(
        label=gettext_lazy("Into the category"), coerce=int, empty_value=None, required=False, choices=()
    )
    category_path = forms.CharField(
        label=gettext_lazy("Or into a new category"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "Names separated by “/”, for example “Physics/Week 1”. Missing categories are created; with a "
            "category chosen above, they are created inside it."
        ),
    )

    def __init__(self, *args: Any, tree: Sequence[CategoryNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paths = _paths(tree)
        self.fields["category"].choices = [("", _("Choose a category")), *_category_choices(tree)]
        self.fields["category_path"].widget.attrs["dir"] = "auto"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_SIZE:
            raise forms.ValidationError(
                _("The file is %(size)s; it can be at most %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_IMPORT_SIZE)},
                code="too_big",
            )
        extension = PurePath(upload.name or "").suffix.lower()
        if extension not in {ending for endings in IMPORT_EXTENSIONS.values() for ending in endings}:
            raise forms.ValidationError(
                _("Choose a .txt, .gift or .xml file exported from Moodle or written by hand."), code="extension"
            )
        return upload

    def clean_category_path(self):
        names = category_path_from_moodle(self.cleaned_data["category_path"])
        if any(len(name) > 255 for name in names):
            raise forms.ValidationError(_("A category name can be at most 255 characters long."), code="too_long")
        return names

    def clean(self):
        cleaned = super().clean()
        upload, format = cleaned.get("file"), cleaned.get("format")
        if upload and format and PurePath(upload.name or "").suffix.lower() not in IMPORT_EXTENSIONS[format]:
            endings = ", ".join(IMPORT_EXTENSIONS[format])
            self.add_error(
                "file",
                forms.ValidationError(
                    _("A %(format)s file ends in %(endings)s. Choose the right format or the right file.")
                    % {"format": dict(FORMAT_CHOICES)[format], "endings": endings},
                    code="extension",
                ),
            )
        category_id = cleaned.get("category")
        if category_id is not None and category_id not in self.paths:
            self.add_error("category", _("This category does not exist any more."))
        elif category_id is None and not cleaned.get("category_path") and "category_path" not in self.errors:
            self.add_error("category", _("Choose a category, or name a new one below."))
        return cleaned

    @property
    def target_path(self) -> tuple[str, ...]:
        """Where the file goes: the chosen category's path, then the names typed."""
        category_id = self.cleaned_data.get("category")
        base = self.paths[category_id] if category_id is not None else ()
        return (*base, *self.cleaned_data.get("category_path", ()))


class QuestionGiftForm(forms.Form):
    """One question written in GIFT, its tags and, when it is changed, the version it started from. The text is
    kept exactly as typed (no trimming), so that the line numbers of its errors are those of the field."""

    text = forms.CharField(
        label=gettext_lazy("Question in GIFT format"),
        max_length=MAX_GIFT_LENGTH,
        strip=False,
        help_text=gettext_lazy(
            "One question, written as in a GIFT file. The examples under “How to write a question in GIFT” show "
            "each type."
        ),
        widget=forms.Textarea(attrs={"rows": 14, "dir": "auto", "class": "gift-text"}),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Optional. Separate them with commas, for example: fractions, week 1."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["version"]
        self.fields["tags"].widget.attrs["dir"] = "auto"

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(self.fields["text"].error_messages["required"], code="required")
        return text

    def clean_tags(self):
        try:
            # A comma, or the Arabic comma an Arabic keyboard types.
            return question_tags_clean(re.split(r"[,،]", self.cleaned_data["tags"]))
        except QuestionError as error:
            raise forms.ValidationError(str(error), code="tag") from error

    def version_set(self, version: int) -> None:
        """Let the next save replace ``version``: after a refusal because the question had changed, the form
        is shown again with what was typed, and saving it again is a choice made knowing that."""
        data = self.data.copy()
        data["version"] = str(version)
        self.data = data


class TextsForm(forms.Form):
    """A field for each string of a question to translate into ``language``, next to its source. Strings
    whose source is empty get no field."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        question: Question,
        language: str,
        texts: Sequence[TranslatableText],
        **kwargs: Any,
    ) -> None:
        saved = question.texts.get(language)
        saved = saved if isinstance(saved, dict) else {}
        initial = {"version": question.version}
        self.sources = [text for text in texts if text.source.strip()]
        for text in self.sources:
            value = saved.get(text.key, "" if text.index is None else [])
            if text.index is not None:
                value = value[text.index] if isinstance(value, list) and text.index < len(value) else ""
            initial[self.field_name(text)] = value if isinstance(value, str) else ""
        super().__init__(*args, initial=initial, **kwargs)
        self.texts = list(texts)
        self.kind = question.kind
        direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
        for text in self.sources:
            one_line = text.key in ("items", "subanswers") or (text.key == "answers" and text.text_format == "plain")
            widget = forms.TextInput() if one_line else forms.Textarea(attrs={"rows": 5 if text.index is None else 2})
            widget.attrs.update({"lang": language, "dir": direction, "aria-describedby": self.source_id(text)})
            self.fields[self.field_name(text)] = forms.CharField(
                label=self.label(text), required=False, max_length=20000, widget=widget
            )

    @staticmethod
    def field_name(text: TranslatableText) -> str:
        return text.key if text.index is None else f"{text.key}-{text.index}"

    def source_id(self, text: TranslatableText) -> str:
        return f"source-{self.field_name(text)}"

    def label(self, text: TranslatableText) -> str:
        number = (text.index or 0) + 1
        if text.key == "text":
            return _("Question text")
        if text.key == "general_feedback":
            return _("General feedback")
        if text.key == "answers":
            return _("Answer %(number)s") % {"number": number}
        if text.key == "feedback" and self.kind == "truefalse":
            return _("Feedback for the answer “true”") if text.index == 0 else _("Feedback for the answer “false”")
        if text.key == "feedback":
            return _("Feedback on answer %(number)s") % {"number": number}
        if text.key == "items":
            return _("Item %(number)s") % {"number": number}
        if text.key == "subquestions":
            return _("Pair %(number)s: question") % {"number": number}
        return _("Pair %(number)s: answer") % {"number": number}

    @property
    def rows(self) -> list[tuple[TranslatableText, forms.BoundField, str]]:
        """Each source with its field and the id the field refers to, for the template."""
        return [(text, self[self.field_name(text)], self.source_id(text)) for text in self.sources]

    def values(self) -> dict[str, Any]:
        """The translations in the shape of ``Question.texts[language]``; strings without a field are ""."""
        values: dict[str, Any] = {}
        for text in self.texts:
            value = self.cleaned_data.get(self.field_name(text), "") or ""
            if text.index is None:
                values[text.key] = value
            else:
                values.setdefault(text.key, []).append(value)
        return values
