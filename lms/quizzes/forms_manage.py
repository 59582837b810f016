"""Forms of the trainers' quiz pages: a quiz's settings, the marks of its questions, random questions, and the
mark of an essay.

The settings form is a ``ModelForm`` for its fields, labels and validation, but it never saves: it works on a
copy of the quiz, and the view hands ``settings()`` to ``quiz_create`` or ``quiz_update`` (which compare the
quiz before and after, to recompute grades when the grading method changes).
"""

from __future__ import annotations

import copy
import zoneinfo
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import LocalDateTimeField
from lms.courses.models import Course

from .models import Quiz, QuizSlot
from .selectors.bank import CategoryNode
from .services.grades import MARK_RANGE
from .services.quizzes import QUIZ_SETTINGS

INDENT = "\u2003"  # an em space per level of the category tree: options cannot hold markup
MARKS_FORM_ID = "slot-marks"
CLOSES_BEFORE_OPENS = gettext_lazy("The quiz must close after it opens. Choose a later closing time.")


class QuizSettingsForm(forms.ModelForm):
    """Every setting of a quiz, in fieldsets, with its title in each language of the site."""

    FIELDSETS: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (gettext_lazy("Timing"), ("opens_at", "closes_at", "time_limit_minutes")),
        (gettext_lazy("Attempts"), ("attempts_allowed", "grading_method", "pass_grade")),
        (gettext_lazy("Questions"), ("question_order", "shuffle_answers", "questions_per_page")),
        (
            gettext_lazy("Review: what learners see after an attempt"),
            ("review_marks", "review_answers", "review_feedback"),
        ),
    )

    class Meta:
        model = Quiz
        fields = tuple(name for name in QUIZ_SETTINGS if name != "titles")  # titles: one field per language
        labels = {"title": gettext_lazy("Title")}
        help_texts = {
            "title": gettext_lazy("Shown in every language that has no title of its own below."),
            "intro": gettext_lazy("Shown to learners before they start an attempt."),
        }
        widgets = {"intro": forms.Textarea(attrs={"rows": 4, "dir": "auto"})}

    def __init__(
        self,
        data: Any = None,
        *,
        course: Course,
        quiz: Quiz | None = None,
        time_zone: zoneinfo.ZoneInfo,
        **kwargs: Any,
    ) -> None:
        # A copy: validating writes the input into the instance, and the service must see the quiz as it was.
        instance = copy.copy(quiz) if quiz is not None else Quiz(course=course)
        super().__init__(data, instance=instance, **kwargs)
        self.time_zone = time_zone
        zone_help = _("In your time zone (%(zone)s).") % {"zone": time_zone.key}
        for name, label, help_text in (
            ("opens_at", _("Opens"), _("Leave empty: open at once.")),
            ("closes_at", _("Closes"), _("Leave empty: never closes. Open attempts end at this time.")),
        ):
            self.fields[name] = LocalDateTimeField(
                time_zone=time_zone, required=False, label=label, help_text=f"{help_text} {zone_help}"
            )
            self.initial[name] = getattr(instance, name)
        self.fields["title"].widget.attrs["dir"] = "auto"
        self.fields["pass_grade"].widget.attrs.update({"min": "0", "max": "100"})
        titles = instance.titles or {}
        self.title_fields: list[str] = []
        for code, language_name in settings.LANGUAGES:
            name = f"title_{code}"
            self.fields[name] = forms.CharField(
                label=_("Title in %(language)s") % {"language": language_name},
                max_length=255,
                required=False,
                widget=forms.TextInput(attrs={"dir": "auto", "lang": code}),
            )
            self.initial[name] = titles.get(code, "")
            self.title_fields.append(name)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", CLOSES_BEFORE_OPENS)
        return cleaned

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """(legend, fields) for the template: the titles first, then each group of settings."""
        return [
            (_("Title and instructions"), [self["title"], *(self[name] for name in self.title_fields), self["intro"]]),
            *((legend, [self[name] for name in names]) for legend, names in self.FIELDSETS),
        ]

    def settings(self) -> dict[str, Any]:
        """The cleaned settings as ``quiz_create`` and ``quiz_update`` take them."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["titles"] = {
            code: self.cleaned_data[f"title_{code}"].strip()
            for code, _name in settings.LANGUAGES
            if self.cleaned_data[f"title_{code}"].strip()
        }
        return values

    def add_service_error(self, error: ValidationError) -> None:
        """A ``ValidationError`` from the service: next to its field when the form has it."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class SlotMarksForm(forms.Form):
    """The mark of every question of a quiz, in one form (descriptions have none)."""

    def __init__(self, data: Any = None, *, slots: Sequence[QuizSlot], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.slots = {}
        for number, slot in enumerate(slots, start=1):
            if slot.question_id and slot.question.get_real_instance_class().kind == "description":
                continue
            name = f"mark-{slot.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("Mark for question %(number)s") % {"number": number},
                min_value=Decimal(0),
                max_digits=8,
                decimal_places=2,
                initial=slot.mark,
                # The inputs sit in the table, outside their form (rows hold forms of their own).
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "form": MARKS_FORM_ID, "size": "6"}),
            )
            self.slots[name] = slot

    def changed_marks(self) -> list[tuple[QuizSlot, Decimal]]:
        return [
            (slot, self.cleaned_data[name])
            for name, slot in self.slots.items()
            if self.cleaned_data.get(name) is not None and self.cleaned_data[name] != slot.mark
        ]


def _category_choices(tree: Sequence[CategoryNode]) -> list[tuple[str, str]]:
    return [(str(node.category.pk), INDENT * node.depth + node.category.name) for node in tree]


class RandomSlotsForm(forms.Form):
    category = forms.TypedChoiceField(label=gettext_lazy("From the category"), coerce=int, choices=())
    count = forms.IntegerField(label=gettext_lazy("How many"), min_value=1, max_value=100, initial=1)
    include_subcategories = forms.BooleanField(
        label=gettext_lazy("Also draw from the categories inside it"), required=False
    )
    mark = forms.DecimalField(
        label=gettext_lazy("Mark for each"),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        initial=Decimal(1),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )

    def __init__(self, *args: Any, tree: Sequence[CategoryNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {node.category.pk: node.category for node in tree}
        self.fields["category"].choices = [("", _("Choose a category")), *_category_choices(tree)]

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]


class CategoryChoiceForm(forms.Form):
    """Which category of the bank to pick questions from (a GET form)."""

    category = forms.TypedChoiceField(
        label=gettext_lazy("Category"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args: Any, tree: Sequence[CategoryNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {node.category.pk: node.category for node in tree}
        self.fields["category"].choices = [("", _("Choose a category")), *_category_choices(tree)]
        self.fields["category"].widget.attrs["id"] = "bank-category"

    def chosen(self):
        if not self.is_valid() or self.cleaned_data["category"] is None:
            return None
        return self.categories.get(self.cleaned_data["category"])


class EssayGradeForm(forms.Form):
    mark = forms.DecimalField(label=gettext_lazy("Mark"), max_digits=8, decimal_places=2)
    comment = forms.CharField(
        label=gettext_lazy("Feedback for the learner"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
    )

    def __init__(self, *args: Any, max_mark: Decimal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_mark = max_mark
        field = self.fields["mark"]
        field.help_text = _("From 0 to %(max)s.") % {"max": max_mark}
        field.widget.attrs.update({"min": "0", "max": str(max_mark), "step": "0.01"})

    def clean_mark(self) -> Decimal:
        mark = self.cleaned_data["mark"]
        if mark < 0 or mark > self.max_mark:
            raise ValidationError(str(MARK_RANGE) % {"max": self.max_mark}, code="range")
        return mark
