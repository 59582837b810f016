"""The trainers' pages of webinars and workshops: their events, an event's settings (a draft until published,
cancelling it), its sessions (one, a weekly series, moving and cancelling one) and its participants (approving
requests, the waiting list in its order, removing and adding people, a CSV export).

Every page is for the event's trainers and superusers (``user_can_manage_event``; the list and a new event for
anyone with the trainer role): someone not signed in is sent to sign in, anyone else gets 403. The services check
again. Each POST redirects back with a message; a form with errors is shown again with the errors next to the
fields and what was typed.

Times: the registration window is typed in the trainer's own zone (her profile's, active for the request);
sessions are typed in the event's zone, said next to the field, and listed in both (``views.moment``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.geography import country_name
from accounts.models import Role
from accounts.selectors import user_has_role
from core.exports import iter_csv
from core.forms import user_time_zone
from webinars.forms_manage import AddPeopleForm, EventForm, SessionAddForm, SessionEditForm
from webinars.models import Event, Registration, Session
from webinars.selectors.events import event_list_managed_by
from webinars.selectors.registrations import participants_for, user_can_manage_event
from webinars.services.events import (
    EventError,
    event_cancel,
    event_create,
    event_publish,
    event_update,
    session_add,
    session_cancel,
    session_series_add,
    session_update,
)
from webinars.services.registration import (
    RegistrationError,
    registration_add,
    registration_decide,
    registration_remove,
)
from webinars.views import Moment, moment, viewer_zone

Status = Registration.Status
PAST_PAGE_SIZE = 20
PARTICIPANTS_PAGE_SIZE = 50
# The participants page's tabs: which statuses each shows.
PARTICIPANT_TABS = {
    "confirmed": (Status.CONFIRMED,),
    "pending": (Status.PENDING,),
    "waitlisted": (Status.WAITLISTED,),
    "cancelled": (Status.CANCELLED, Status.REJECTED),
}


def _require_trainer(request: HttpRequest) -> None:
    if not user_has_role(request.user, Role.TRAINER):
        raise PermissionDenied


def _managed_event(request: HttpRequest, event_uuid: uuid.UUID) -> Event:
    event = get_object_or_404(Event, uuid=event_uuid)
    if not user_can_manage_event(request.user, event):
        raise PermissionDenied
    return event


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _sessions_url(event: Event) -> str:
    return reverse("webinars:manage-sessions", kwargs={"event_uuid": event.uuid})


def _participants_url(event: Event, tab: str = "") -> str:
    url = reverse("webinars:manage-participants", kwargs={"event_uuid": event.uuid})
    return f"{url}?status={tab}" if tab in PARTICIPANT_TABS else url


def _minutes(session: Session) -> int:
    return round((session.ends_at - session.starts_at).total_seconds() / 60)


def _rate(present: int, sessions: int, places: int) -> int | None:
    """Attendance in percent: the people marked present over the people with a place, at each session whose
    attendance was taken; None before any was taken."""
    if not sessions or not places:
        return None
    return min(100, round(100 * present / (sessions * places)))


# My events -----------------------------------------------------------------------------------------------------


@dataclass
class EventRow:
    event: Event
    when: Moment | None  # the next session (upcoming events, drafts) or the last one (past events)
    attendance: int | None


def _rows(events, *, zone: str, past: bool = False) -> list[EventRow]:
    rows = []
    for event in events:
        start = event.last_starts_at if past else event.next_starts_at
        rows.append(
            EventRow(
                event=event,
                when=moment(start, zone=zone, event_zone=event.time_zone) if start else None,
                attendance=event.attendance_rate,
            )
        )
    return rows


@login_required
@require_safe
def event_list_view(request: HttpRequest) -> HttpResponse:
    """My events: upcoming ones (the soonest first), then drafts, then past and cancelled ones (paginated)."""
    _require_trainer(request)
    zone = viewer_zone(request)
    events = event_list_managed_by(request.user)
    past_page = Paginator(events.past, PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "webinars/manage/event_list.html",
        {
            "upcoming": _rows(events.upcoming, zone=zone.name),
            "drafts": _rows(events.drafts, zone=zone.name),
            "past": _rows(past_page.object_list, zone=zone.name, past=True),
            "page_obj": past_page,
            "zone": zone,
        },
    )


# An event's settings -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_create_view(request: HttpRequest) -> HttpResponse:
    _require_trainer(request)
    form = EventForm(request.POST if request.method == "POST" else None, time_zone=user_time_zone(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(by=request.user, **form.settings())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The event “%(title)s” is saved as a draft. Add its sessions, then publish it.")
                % {"title": event.title},
            )
            return redirect(_sessions_url(event))
    return render(request, "webinars/manage/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit_view(request: HttpRequest, event_uuid: uuid.UUID) -> HttpResponse:
    event = _managed_event(request, event_uuid)
    if event.status == Event.Status.CANCELLED:
        if request.method == "POST":
            messages.error(request, _("This event is cancelled and can no longer be changed."))
            return redirect("webinars:manage-edit", event_uuid=event.uuid)
        return render(request, "webinars/manage/event_form.html", {"form": None, "event": event, "current": "edit"})
    form = EventForm(
        request.POST if request.method == "POST" else None, event=event, time_zone=user_time_zone(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = event_update(event, by=request.user, **form.settings())
        except ValidationError as error:
            form.add_service_error(error)
        except EventError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The settings of “%(title)s” are saved.") % {"title": event.title})
            return redirect("webinars:manage-edit", event_uuid=event.uuid)
    return render(request, "webinars/manage/event_form.html", {"form": form, "event": event, "current": "edit"})


@login_required
@require_POST
def event_publish_view(request: HttpRequest, event_uuid: uuid.UUID) -> HttpResponse:
    event = _managed_event(request, event_uuid)
    try:
        event_publish(event, by=request.user)
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The event is published: teachers can now find it and register."))
    return redirect(_back(request, _sessions_url(event)))


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel_view(request: HttpRequest, event_uuid: uuid.UUID) -> HttpResponse:
    """Cancelling an event: a page that says what will happen, then the POST."""
    event = _managed_event(request, event_uuid)
    if request.method == "POST":
        event_cancel(event, by=request.user)
        messages.success(request, _("The event “%(title)s” is cancelled.") % {"title": event.title})
        return redirect("webinars:manage-list")
    now = timezone.now()
    registrations = participants_for(event=event, user=request.user)
    context = {
        "event": event,
        "current": "cancel",
        "sessions_to_cancel": event.sessions.filter(status=Session.Status.SCHEDULED, starts_at__gt=now).count(),
        "people": registrations.filter(status__in=(Status.CONFIRMED, Status.WAITLISTED, Status.PENDING)).count(),
    }
    return render(request, "webinars/manage/event_cancel.html", context)


# Sessions ------------------------------------------------------------------------------------------------------


@dataclass
class SessionRow:
    session: Session
    moment: Moment
    minutes: int
    cancelled: bool
    over: bool
    present: int
    attendance: int | None


def _session_error(form: SessionAddForm | SessionEditForm, error: EventError) -> None:
    """The service's reason next to the start time; for a time that happens twice, the question which."""
    if error.ambiguous:
        form.ask_fold(error.message)
    else:
        form.add_error("start", error.message)


@login_required
@require_http_methods(["GET", "POST"])
def session_list_view(request: HttpRequest, event_uuid: uuid.UUID) -> HttpResponse:
    """An event's sessions, and the forms to add one or a weekly series (POST here, ``action`` says which)."""
    event = _managed_event(request, event_uuid)
    add_form = SessionAddForm(event=event, prefix="one")
    series_form = SessionAddForm(event=event, series=True, prefix="series")
    if request.method == "POST":
        if event.status == Event.Status.CANCELLED:
            messages.error(request, _("This event is cancelled and can no longer be changed."))
            return redirect(_sessions_url(event))
        series = request.POST.get("action") == "series"
        form = SessionAddForm(request.POST, event=event, series=series, prefix="series" if series else "one")
        if series:
            series_form = form
        else:
            add_form = form
        if form.is_valid():
            try:
                if series:
                    created = len(session_series_add(event, by=request.user, **form.service_kwargs()))
                else:
                    session_add(event, by=request.user, **form.service_kwargs())
                    created = 1
            except EventError as error:
                _session_error(form, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    ngettext("%(count)s session added.", "%(count)s sessions added.", created) % {"count": created},
                )
                return redirect(_sessions_url(event))
    zone = viewer_zone(request)
    now = timezone.now()
    sessions = event.sessions.annotate(
        present=Count("attendance", filter=Q(attendance__attended=True), distinct=True),
        marked=Count("attendance", distinct=True),
    ).order_by("starts_at", "pk")
    rows = []
    for session in sessions:
        cancelled = session.status == Session.Status.CANCELLED
        rows.append(
            SessionRow(
                session=session,
                moment=moment(session.starts_at, end=session.ends_at, zone=zone.name, event_zone=event.time_zone),
                minutes=_minutes(session),
                cancelled=cancelled,
                over=session.ends_at <= now,
                present=session.present,
                attendance=None
                if cancelled
                else _rate(session.present, 1 if session.marked else 0, event.confirmed_count),
            )
        )
    return render(
        request,
        "webinars/manage/session_list.html",
        {
            "event": event,
            "current": "sessions",
            "rows": rows,
            "to_come": sum(1 for row in rows if not row.cancelled and not row.over),
            "add_form": add_form,
            "series_form": series_form,
            "zone": zone,
        },
    )


def _managed_session(request: HttpRequest, event_uuid: uuid.UUID, session_uuid: uuid.UUID) -> tuple[Event, Session]:
    event = _managed_event(request, event_uuid)
    session = get_object_or_404(Session, uuid=session_uuid, event=event)
    session.event = event
    return event, session


@login_required
@require_http_methods(["GET", "POST"])
def session_edit_view(request: HttpRequest, event_uuid: uuid.UUID, session_uuid: uuid.UUID) -> HttpResponse:
    """Move a session, change its length or venue; the people registered are told by the service."""
    event, session = _managed_session(request, event_uuid, session_uuid)
    if event.status == Event.Status.CANCELLED or session.status == Session.Status.CANCELLED:
        messages.error(request, _("This session is cancelled and can no longer be changed."))
        return redirect(_sessions_url(event))
    if session.ends_at <= timezone.now():
        messages.error(request, _("This session is over and can no longer be changed."))
        return redirect(_sessions_url(event))
    form = SessionEditForm(request.POST if request.method == "POST" else None, session=session, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            session_update(session, by=request.user, **form.service_kwargs())
        except EventError as error:
            _session_error(form, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session is saved. The people registered are told of any change by email."))
            return redirect(_sessions_url(event))
    zone = viewer_zone(request)
    return render(
        request,
        "webinars/manage/session_edit.html",
        {
            "event": event,
            "current": "sessions",
            "session": session,
            "form": form,
            "moment": moment(session.starts_at, end=session.ends_at, zone=zone.name, event_zone=event.time_zone),
        },
    )


@login_required
@require_POST
def session_cancel_view(request: HttpRequest, event_uuid: uuid.UUID, session_uuid: uuid.UUID) -> HttpResponse:
    event, session = _managed_session(request, event_uuid, session_uuid)
    try:
        session_cancel(session, by=request.user)
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The session is cancelled. The people registered are told by email."))
    return redirect(_sessions_url(event))


# Participants --------------------------------------------------------------------------------------------------


@dataclass
class ParticipantRow:
    registration: Registration
    position: int | None  # on the waiting list


def _tab(source: Any) -> str:
    tab = source.get("status", "")
    return tab if tab in PARTICIPANT_TABS else "confirmed"


@login_required
@require_http_methods(["GET", "POST"])
def participant_list_view(request: HttpRequest, event_uuid: uuid.UUID) -> HttpResponse:
    """The people registered, one status a tab (the waiting list in its order); adding people (POST here);
    ``?format=csv``: everyone, whatever the tab."""
    event = _managed_event(request, event_uuid)
    registrations = participants_for(event=event, user=request.user)
    if request.method == "GET" and request.GET.get("format") == "csv":
        return _participants_csv(event, registrations)
    tab = _tab(request.GET)
    form = AddPeopleForm()
    if request.method == "POST":
        form = AddPeopleForm(request.POST)
        if form.is_valid():
            form = _add_people(request, event, form)
            if form is None:
                return redirect(_participants_url(event, tab))
    counts = registrations.order_by().aggregate(
        **{name: Count("pk", filter=Q(status__in=statuses)) for name, statuses in PARTICIPANT_TABS.items()}
    )
    page_obj = Paginator(registrations.filter(status__in=PARTICIPANT_TABS[tab]), PARTICIPANTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    first = page_obj.start_index()
    rows = [
        ParticipantRow(registration, first + index if tab == "waitlisted" else None)
        for index, registration in enumerate(page_obj.object_list)
    ]
    return render(
        request,
        "webinars/manage/participant_list.html",
        {
            "event": event,
            "current": "participants",
            "tab": tab,
            "tabs": [(name, counts[name]) for name in PARTICIPANT_TABS],
            "counts": counts,
            "rows": rows,
            "page_obj": page_obj,
            "query_string": f"status={tab}",
            "form": form,
        },
    )


def _add_people(request: HttpRequest, event: Event, form: AddPeopleForm) -> AddPeopleForm | None:
    """Add the accounts found; report what matched none, kept in the box to be corrected. None: all done."""
    users, unknown = form.cleaned_data["users"], form.cleaned_data["unknown"]
    if users:
        try:
            added = registration_add(event=event, by=request.user, users=users)
        except RegistrationError as error:
            form.add_error("logins", str(error))
            return form
        if added:
            messages.success(
                request, ngettext("%(count)s person added.", "%(count)s people added.", added) % {"count": added}
            )
        else:
            messages.info(request, _("Everyone you entered was already registered."))
    if not unknown:
        return None
    form = AddPeopleForm({"logins": "\n".join(unknown)})
    form.is_valid()
    form.add_error(
        "logins",
        ngettext(
            "No account has this email address or username: %(logins)s. Correct it, or create the account first.",
            "No accounts have these email addresses or usernames: %(logins)s. Correct them, or create the accounts "
            "first.",
            len(unknown),
        )
        % {"logins": ", ".join(unknown)},
    )
    return form


def _participants_csv(event: Event, registrations: QuerySet[Registration]) -> StreamingHttpResponse:
    header = [
        _("Name"),
        _("Email or username"),
        _("Country"),
        _("Status"),
        _("Registered at (UTC)"),
        _("Position on the waiting list"),
    ]
    # Read now, in the request's language: the rows are written after the view has returned.
    language = get_language()
    statuses = {value: str(label) for value, label in Status.choices}

    def rows():
        position = 0
        for registration in registrations.iterator(chunk_size=2000):
            queued = ""
            if registration.status == Status.WAITLISTED:
                position += 1
                queued = position
            user, country = registration.user, registration.country
            yield [
                user.full_name,
                user.login,
                country_name(country.code, country.name, language) if country else "",
                statuses.get(registration.status, registration.status),
                registration.created_at.astimezone(UTC).isoformat(timespec="seconds"),
                queued,
            ]

    response = StreamingHttpResponse(iter_csv(header, rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="participants-{event.uuid}.csv"'
    return response


def _managed_registration(request: HttpRequest, event_uuid: uuid.UUID, registration_id: int) -> Registration:
    event = _managed_event(request, event_uuid)
    registration = get_object_or_404(Registration.objects.select_related("user"), pk=registration_id, event=event)
    registration.event = event
    return registration


@login_required
@require_POST
def registration_decide_view(request: HttpRequest, event_uuid: uuid.UUID, registration_id: int) -> HttpResponse:
    registration = _managed_registration(request, event_uuid, registration_id)
    name = registration.user.full_name or registration.user.login
    if registration.status != Status.PENDING:
        messages.info(request, _("This request has already been answered."))
        return redirect(_participants_url(registration.event, _tab(request.POST)))
    approve = request.POST.get("decision") == "approve"
    registration = registration_decide(registration=registration, by=request.user, approve=approve)
    if not approve:
        message = _("%(name)s: the request is turned down. An email says so.")
    elif registration.status == Status.CONFIRMED:
        message = _("%(name)s: approved, with a place. An email says so.")
    else:
        message = _("%(name)s: approved, on the waiting list as the event is full. An email says so.")
    messages.success(request, message % {"name": name})
    return redirect(_participants_url(registration.event, _tab(request.POST)))


@login_required
@require_POST
def registration_remove_view(request: HttpRequest, event_uuid: uuid.UUID, registration_id: int) -> HttpResponse:
    registration = _managed_registration(request, event_uuid, registration_id)
    name = registration.user.full_name or registration.user.login
    was_confirmed = registration.status == Status.CONFIRMED
    registration_remove(registration=registration, by=request.user)
    if was_confirmed:
        message = _("%(name)s: removed from the event, with an email. The place goes to the first person waiting.")
    else:
        message = _("%(name)s: removed from the event, with an email.")
    messages.success(request, message % {"name": name})
    return redirect(_participants_url(registration.event, _tab(request.POST)))


urlpatterns = [
    path("webinars/manage/", event_list_view, name="manage-list"),
    path("webinars/manage/new/", event_create_view, name="manage-create"),
    path("webinars/manage/<uuid:event_uuid>/edit/", event_edit_view, name="manage-edit"),
    path("webinars/manage/<uuid:event_uuid>/publish/", event_publish_view, name="manage-publish"),
    path("webinars/manage/<uuid:event_uuid>/cancel/", event_cancel_view, name="manage-cancel"),
    path("webinars/manage/<uuid:event_uuid>/sessions/", session_list_view, name="manage-sessions"),
    path(
        "webinars/manage/<uuid:event_uuid>/sessions/<uuid:session_uuid>/edit/",
        session_edit_view,
        name="manage-session-edit",
    ),
    path(
        "webinars/manage/<uuid:event_uuid>/sessions/<uuid:session_uuid>/cancel/",
        session_cancel_view,
        name="manage-session-cancel",
    ),
    path("webinars/manage/<uuid:event_uuid>/participants/", participant_list_view, name="manage-participants"),
    path(
        "webinars/manage/<uuid:event_uuid>/participants/<int:registration_id>/decide/",
        registration_decide_view,
        name="manage-registration-decide",
    ),
    path(
        "webinars/manage/<uuid:event_uuid>/participants/<int:registration_id>/remove/",
        registration_remove_view,
        name="manage-registration-remove",
    ),
]
