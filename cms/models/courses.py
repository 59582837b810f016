"""Course pages: the catalogue, a course (one page per language, all pointing at one lms Course), its
modules and lessons."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from accounts.models import Role
from cms.blocks import LessonStreamBlock
from cms.models.base import FastViewRestrictionsMixin
from lms.competencies.models import Competency
from lms.courses import selectors as course_selectors
from lms.courses import services as course_services
from lms.courses.models import Course, Subject

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]
COURSE_SETTINGS = [
    "enrollment_mode",
    "enrollment_key",
    "format",
    "subject",
    "estimated_hours",
    "min_quiz_grade",
    "certificate_enabled",
    "certificate_validity_months",
    "trainers",
    "prerequisites",
    "competencies",
]


class CompetencyField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.code} {obj.aspect_name} — {obj.level_name}: {obj.name}"


class CoursePageForm(WagtailAdminPageForm):
    """The page form plus the language-neutral course settings, which live on the lms Course that every
    translation of this page shares: editing them from any language edits the same course."""

    enrollment_mode = forms.ChoiceField(label=_("Enrollment"), choices=Course.EnrollmentMode.choices)
    enrollment_key = forms.CharField(label=_("Enrollment key"), required=False, max_length=64)
    format = forms.ChoiceField(label=_("Format"), choices=Course.Format.choices)
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.all(), required=False)
    estimated_hours = forms.DecimalField(label=_("Estimated hours"), min_value=0, max_digits=6, decimal_places=1)
    min_quiz_grade = forms.DecimalField(
        label=_("Minimum quiz grade (%)"), min_value=0, max_value=100, required=False, max_digits=5, decimal_places=2
    )
    certificate_enabled = forms.BooleanField(label=_("Certificate on completion"), required=False)
    certificate_validity_months = forms.IntegerField(
        label=_("Certificate valid for (months)"), min_value=1, required=False
    )
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers"), queryset=get_user_model().objects.none(), required=False
    )
    prerequisites = forms.ModelMultipleChoiceField(
        label=_("Prerequisites"), queryset=Course.objects.all(), required=False
    )
    competencies = CompetencyField(
        label=_("ICT CFT competencies"),
        queryset=Competency.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = (
            get_user_model()
            .objects.filter(models.Q(role_grants__role=Role.TRAINER) | models.Q(is_superuser=True))
            .distinct()
        )
        course = self.instance.course if self.instance.course_id else None
        if course is not None:
            self.fields["prerequisites"].queryset = Course.objects.exclude(pk=course.pk)
            for name in COURSE_SETTINGS:
                value = getattr(course, name)
                self.initial[name] = list(value.all()) if hasattr(value, "all") else value
        else:
            self.initial.update(
                enrollment_mode=Course.EnrollmentMode.OPEN,
                format=Course.Format.SELF_PACED,
                estimated_hours=1,
                certificate_enabled=True,
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("enrollment_mode") == Course.EnrollmentMode.KEY and not cleaned.get("enrollment_key"):
            self.add_error("enrollment_key", _("Set the key that learners will type."))
        return cleaned

    def save(self, commit=True):
        page = super().save(commit=False)
        course_settings = {name: self.cleaned_data.get(name) for name in COURSE_SETTINGS}
        if page.course_id:
            course_services.course_update(page.course, title=page.title, **course_settings)
        else:
            page.course = course_services.course_create(title=page.title, **course_settings)
        if commit:
            page.save()
            self.save_m2m()
        return page


class CourseIndexPage(FastViewRestrictionsMixin, Page):
    """The course catalogue at /<lang>/courses/."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from cms.catalogue import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(request, index=self))
        return context


class CoursePage(FastViewRestrictionsMixin, Page):
    """A course in one language. Its settings live on the lms Course shared by every translation."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="pages", verbose_name=_("course"))
    summary = models.TextField(_("summary"), max_length=600, help_text=_("One or two sentences for the catalogue."))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    learning_outcomes = RichTextField(
        _("learning outcomes"),
        features=["ul", "bold", "italic"],
        blank=True,
        help_text=_("What a teacher can do after the course, as a list."),
    )
    description = RichTextField(_("description"), features=RICH_TEXT_FEATURES, blank=True)

    base_form_class = CoursePageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("description"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [FieldPanel(name) for name in COURSE_SETTINGS],
            heading=_("Course settings (the same in every language)"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("description")]
    parent_page_types = ["cms.CourseIndexPage"]
    subpage_types = ["cms.ModulePage"]

    class Meta:
        verbose_name = _("course")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(course_selectors.course_page_state(course=self.course, user=request.user))
        return context


class ModulePage(FastViewRestrictionsMixin, Page):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.CoursePage"]
    subpage_types = ["cms.LessonPage"]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        # A module is a heading in the course outline: its address leads to the course page.
        return HttpResponseRedirect(self.get_parent().get_url(request) + f"#module-{self.translation_key}")


class LessonPage(FastViewRestrictionsMixin, Page):
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"), blank=True)
    required = models.BooleanField(
        _("required for completion"), default=True, help_text=_("Optional lessons do not count toward completion.")
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=10)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    settings_panels = [*Page.settings_panels, FieldPanel("required"), FieldPanel("estimated_minutes")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def serve(self, request, *args, **kwargs):
        from cms.lessons import serve_lesson

        return serve_lesson(self, request, *args, **kwargs)

    def serve_preview(self, request, mode_name):
        # Wagtail previews a page by drawing its template with get_context() alone: a lesson needs its course and
        # outline (serve_lesson), or the preview fails.
        from cms.lessons import serve_lesson

        return serve_lesson(self, request, preview=True)
