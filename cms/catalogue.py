"""The course catalogue: filters, search, sorting and pagination, in a fixed number of queries."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from lms.competencies.models import ASPECT_CHOICES, LEVEL_CHOICES
from lms.courses import selectors
from lms.courses.models import Course, Subject

PAGE_SIZE = 12
# The renditions a course card shows (cms/templates/cms/includes/course_card.html), spelt as Wagtail expands its
# {% picture %} tag: all of them must be prefetched, or Wagtail regenerates the missing ones on every request.
COVER_RENDITIONS = [
    f"fill-{size}|format-{fmt}" for size in ("320x180", "480x270", "640x360") for fmt in ("webp", "jpeg")
]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    language = forms.ChoiceField(label=_("Language"), required=False)
    aspect = forms.TypedChoiceField(label=_("ICT CFT aspect"), required=False, coerce=int, empty_value=None)
    level = forms.TypedChoiceField(label=_("ICT CFT level"), required=False, coerce=int, empty_value=None)
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)
    duration = forms.ChoiceField(
        label=_("Duration"),
        required=False,
        choices=[
            ("", _("Any length")),
            ("short", _("Under 5 hours")),
            ("medium", _("5 to 20 hours")),
            ("long", _("20 hours or more")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[("newest", _("Newest")), ("popular", _("Most enrolled"))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_choice = [("", _("All"))]
        self.fields["language"].choices = any_choice + list(settings.LANGUAGES)
        self.fields["aspect"].choices = any_choice + ASPECT_CHOICES
        self.fields["level"].choices = any_choice + LEVEL_CHOICES
        self.fields["subject"].choices = any_choice + [
            (subject.slug, subject.name) for subject in Subject.objects.all()
        ]
        self.fields["format"].choices = any_choice + list(Course.Format.choices)


def catalogue_context(request, *, index) -> dict:
    from cms.models import CoursePage

    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = selectors.catalogue_courses(
        search=filters.get("q") or "",
        language=filters.get("language") or "",
        aspect=filters.get("aspect"),
        level=filters.get("level"),
        subject=filters.get("subject") or "",
        format=filters.get("format") or "",
        duration=filters.get("duration") or "",
        sort=filters.get("sort") or "newest",
    )
    page_obj = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = list(page_obj.object_list)
    ids = [course.pk for course in listed]
    language = get_language()
    pages: dict[int, CoursePage] = {}
    covers = Prefetch("cover_image", queryset=get_image_model().objects.prefetch_renditions(*COVER_RENDITIONS))
    for page in (
        CoursePage.objects.live().public().filter(course_id__in=ids).select_related("locale").prefetch_related(covers)
    ):
        # The page in the visitor's language if there is one, else the course's source-language page.
        current = pages.get(page.course_id)
        if (
            current is None
            or page.locale.language_code == language
            or (current.locale.language_code != language and page.pk < current.pk)
        ):
            pages[page.course_id] = page
    statuses = selectors.enrollment_statuses(user=request.user, course_ids=ids)
    items = [
        {
            "course": course,
            "page": pages[course.pk],
            "status": statuses.get(course.pk),
            "languages": course.language_codes,
        }
        for course in listed
        if course.pk in pages
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "items": items,
        "page_obj": page_obj,
        "result_count": page_obj.paginator.count,
        "query_string": query.urlencode(),
        "language_names": dict(settings.LANGUAGES),
    }
