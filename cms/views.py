from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lms.courses.models import Course
from lms.courses.selectors import user_can_manage_course

from . import services
from .models import CoursePage


class CourseCopyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the new course"), max_length=255)


@login_required
def course_copy(request: HttpRequest, course_uuid) -> HttpResponse:
    """A trainer starts a new course from a copy of one of hers; she edits the draft in Wagtail."""
    course = get_object_or_404(Course, uuid=course_uuid)
    if not user_can_manage_course(request.user, course):
        raise PermissionDenied
    page = CoursePage.objects.filter(course=course).order_by("pk").first()
    if page is None:
        raise PermissionDenied
    form = CourseCopyForm(request.POST or None, initial={"title": _("Copy of %(title)s") % {"title": page.title}})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.course_page_copy(by=request.user, page=page, title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, _("The copy is ready as a draft. Edit it and publish it when it is ready."))
            return redirect("wagtailadmin_pages:edit", copy.pk)
    return render(
        request, "cms/course_copy.html", {"form": form, "course": course, "page": page, "lang": get_language()}
    )
