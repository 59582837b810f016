from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.selectors import certificate_facts, certificates_of
from core.exports import iter_csv
from lms.competencies.models import ASPECT_CHOICES, LEVEL_CHOICES

from . import forms, selectors, services
from .models import Activity, Course, Enrollment


def _back(request: HttpRequest, course: Course) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return course.url or "/"


@login_required
@require_POST
def course_enroll(request: HttpRequest, course_uuid) -> HttpResponse:
    course = get_object_or_404(Course, uuid=course_uuid)
    try:
        enrollment = services.enrollment_self_enroll(user=request.user, course=course, key=request.POST.get("key", ""))
    except services.EnrollmentError as error:
        messages.error(request, str(error))
        return redirect(_back(request, course))
    if enrollment.status == Enrollment.Status.PENDING:
        messages.success(request, _("Your request to join has been sent. A trainer will look at it soon."))
    else:
        messages.success(request, _("You are enrolled. Welcome to the course!"))
    return redirect(_back(request, course))


@login_required
@require_POST
def course_withdraw(request: HttpRequest, course_uuid) -> HttpResponse:
    course = get_object_or_404(Course, uuid=course_uuid)
    enrollment = get_object_or_404(Enrollment, user=request.user, course=course)
    services.enrollment_withdraw(user=request.user, enrollment=enrollment)
    messages.success(request, _("You have left the course. Your progress is kept if you come back."))
    return redirect(_back(request, course))


@login_required
@require_POST
def activity_complete(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.select_related("course"), pk=activity_id, is_active=True)
    enrollment = selectors.enrollment_for(user=request.user, course=activity.course)
    if enrollment is None:
        raise PermissionDenied
    try:
        completed = services.activity_complete(enrollment=enrollment, activity=activity)
    except services.EnrollmentError as error:
        messages.error(request, str(error))
        return redirect(_back(request, activity.course))
    if completed:
        messages.success(request, _("Congratulations! You have completed the course."))
        return redirect(activity.course.url or "courses:dashboard")
    following = (
        Activity.objects.filter(course=activity.course, is_active=True, position__gt=activity.position)
        .order_by("position")
        .first()
    )
    messages.success(request, _("Marked as done."))
    return redirect(following.url if following and following.url else _back(request, activity.course))


DASHBOARD_CERTIFICATES = 5  # the newest; "My certificates" lists them all


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My learning: enrolled courses with progress, where to continue, completed courses and competencies."""
    rows = selectors.dashboard_for(request.user)
    completed = [row.enrollment.course for row in rows if row.enrollment.completed_at]
    profile = selectors.competency_profile(request.user, completed=completed)
    language = get_language()
    certificates = [
        {"certificate": certificate, "facts": certificate_facts(certificate, language=language)}
        for certificate in certificates_of(request.user)[:DASHBOARD_CERTIFICATES]
    ]
    return render(
        request,
        "courses/dashboard.html",
        {
            "current": [row for row in rows if not row.enrollment.completed_at],
            "completed": [row for row in rows if row.enrollment.completed_at],
            "profile": profile,
            "certificates": certificates,
            "aspects": ASPECT_CHOICES,
            "levels": LEVEL_CHOICES,
        },
    )


@login_required
def training_record(request: HttpRequest) -> HttpResponse:
    enrollments = selectors.training_record(request.user)
    total = sum(enrollment.course.estimated_hours for enrollment in enrollments)
    return render(request, "courses/training_record.html", {"enrollments": enrollments, "total_hours": total})


# Trainers ------------------------------------------------------------------------------------------------


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    courses = selectors.courses_managed_by(request.user).order_by("title")
    if not courses.exists() and not request.user.is_superuser:
        raise PermissionDenied
    return render(request, "courses/manage_list.html", {"courses": courses})


def _managed_course(request: HttpRequest, course_uuid) -> Course:
    course = get_object_or_404(Course, uuid=course_uuid)
    if not selectors.user_can_manage_course(request.user, course):
        raise PermissionDenied
    return course


@login_required
def participants(request: HttpRequest, course_uuid) -> HttpResponse:
    """A course's participants with their progress; ?format=csv exports the same list."""
    course = _managed_course(request, course_uuid)
    search = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    enrollments = selectors.participants_for(course=course, search=search, status=status)
    required = selectors.required_activity_count(course)
    if request.GET.get("format") == "csv":
        return _participants_csv(course, enrollments, required)
    page_obj = Paginator(enrollments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/participants.html",
        {
            "course": course,
            "page_obj": page_obj,
            "required": required,
            "search": search,
            "status": status,
            "query_string": urlencode({key: value for key, value in (("q", search), ("status", status)) if value}),
            "statuses": Enrollment.Status.choices,
            "add_form": forms.AddParticipantsForm(),
            "announcement_form": forms.AnnouncementForm(),
            "cohort_form": forms.CohortEnrollForm(cohorts=selectors.cohorts_for(request.user)),
        },
    )


def _participants_csv(course: Course, enrollments, required: int) -> StreamingHttpResponse:
    header = [
        _("Name"),
        _("Email or username"),
        _("Country"),
        _("Region"),
        _("Institution"),
        _("Status"),
        _("Activities done"),
        _("Required activities"),
        _("Progress (%)"),
        _("Enrolled"),
        _("Completed"),
    ]

    def rows():
        for enrollment in enrollments.iterator(chunk_size=2000):
            user = enrollment.user
            percent = 100 if enrollment.completed_at else (round(100 * enrollment.done / required) if required else 0)
            yield [
                user.full_name,
                user.login,
                user.country.local_name if user.country else "",
                user.region.name if user.region else "",
                user.institution.name if user.institution else "",
                enrollment.get_status_display(),
                enrollment.done,
                required,
                percent,
                enrollment.created_at.date().isoformat(),
                enrollment.completed_at.date().isoformat() if enrollment.completed_at else "",
            ]

    response = StreamingHttpResponse(iter_csv(header, rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="participants-{course.uuid}.csv"'
    return response


@login_required
@require_POST
def participants_add(request: HttpRequest, course_uuid) -> HttpResponse:
    course = _managed_course(request, course_uuid)
    form = forms.AddParticipantsForm(request.POST)
    if form.is_valid():
        users = form.cleaned_data["users"]
        added = services.enrollment_add(by=request.user, course=course, users=users)
        messages.success(request, _enrolled_message(added))
    else:
        for error in form.errors.get("logins", []):
            messages.error(request, error)
    return redirect("courses:participants", course_uuid=course.uuid)


@login_required
@require_POST
def enrollment_decide(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment.objects.select_related("course", "user"), pk=enrollment_id)
    approve = request.POST.get("decision") == "approve"
    services.enrollment_decide(by=request.user, enrollment=enrollment, approve=approve)
    messages.success(request, _("Request approved.") if approve else _("Request turned down."))
    return redirect("courses:participants", course_uuid=enrollment.course.uuid)


@login_required
@require_POST
def announcement_create(request: HttpRequest, course_uuid) -> HttpResponse:
    course = _managed_course(request, course_uuid)
    form = forms.AnnouncementForm(request.POST)
    if form.is_valid():
        services.announcement_create(by=request.user, course=course, **form.cleaned_data)
        messages.success(request, _("Announcement posted and emailed to the learners."))
    else:
        messages.error(request, _("Write a subject and a message."))
    return redirect("courses:participants", course_uuid=course.uuid)


@login_required
@require_POST
def cohort_enroll(request: HttpRequest, course_uuid) -> HttpResponse:
    course = _managed_course(request, course_uuid)
    form = forms.CohortEnrollForm(request.POST, cohorts=selectors.cohorts_for(request.user))
    if form.is_valid():
        added = services.cohort_enroll(by=request.user, cohort=form.cleaned_data["cohort"], course=course)
        messages.success(request, _enrolled_message(added))
    else:
        messages.error(request, _("Choose a cohort."))
    return redirect("courses:participants", course_uuid=course.uuid)


def _enrolled_message(count: int) -> str:
    return ngettext("%(count)s person enrolled.", "%(count)s people enrolled.", count) % {"count": count}
