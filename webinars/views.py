"""The public pages of webinars and workshops: the list of events (upcoming or past, with filters), an event's
page, registering and cancelling, and the door to an online session.

Times are shown in the viewer's time zone and, beside them, in the event's own zone. A signed-in user's zone is
the one in her profile (the account middleware activates it); an anonymous visitor's is the one her browser
reported through the ``tz`` cookie (``static/webinars/timezone.js``), checked against the zone database and
used only to show times; without it, UTC, and the page says so.
"""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_cookie

from accounts.models import Country
from core.forms import PlainSelect
from webinars.models import Event, Registration, Session
from webinars.selectors.events import event_get_published, event_list, event_topics
from webinars.selectors.registrations import (
    ACTIVE_STATUSES,
    event_is_open_to,
    event_viewer_get,
    participants_for,
    registration_for,
    registration_window_state,
    session_join_refusal,
    waitlist,
)
from webinars.services.online import JoinNotAvailable, session_join_url
from webinars.services.registration import RegistrationError, registration_cancel, registration_register
from webinars.timezones import local

PAGE_SIZE = 20
TZ_COOKIE = "tz"
# Weekday, date and a 24-hour clock, short enough for a phone: "Tue 24 Nov, 15:00", "Вт, 24 ноября, 15:00",
# "ثلاثاء 24 نوفمبر، 15:00" (Django translates the names). Defined for each language in
# config/formats/<language>/formats.py (FORMAT_MODULE_PATH).
DAY_AND_TIME_FORMAT = "WEBINAR_DAY_AND_TIME_FORMAT"
TIME = "H:i"


# The viewer's time zone ----------------------------------------------------------------------------------------


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@dataclass(frozen=True)
class ViewerZone:
    name: str
    # "profile" (a signed-in user's), "browser" (the tz cookie) or "default" (UTC: nothing better known).
    source: str


def viewer_zone(request: HttpRequest) -> ViewerZone:
    user = request.user
    if user.is_authenticated:
        name = user.time_zone or "UTC"
        return ViewerZone(name if name in _known_zones() else "UTC", "profile")
    guess = request.COOKIES.get(TZ_COOKIE, "")
    if guess and guess != "UTC" and len(guess) <= 64 and guess in _known_zones():
        return ViewerZone(guess, "browser")
    return ViewerZone("UTC", "default")


# Times in two zones -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    """A time (or a span) as the viewer sees it in her zone, and in the event's zone beside it. The ``*_html``
    parts are ``<time>`` elements isolated from the text around them (a zone name or a clock time inside an
    Arabic sentence keeps its own direction)."""

    html: SafeString
    zone: str
    event_html: SafeString  # empty when the event's zone is hers
    event_zone: str
    zone_is_utc: bool

    @property
    def event_zone_html(self) -> SafeString:
        return format_html("<bdi>{}</bdi>", self.event_zone)


def _day_and_time() -> str:
    """The active language's format; English's for a language that has none (``get_format`` gives back the
    name it did not find)."""
    value = get_format(DAY_AND_TIME_FORMAT)
    return value if value != DAY_AND_TIME_FORMAT else get_format(DAY_AND_TIME_FORMAT, lang="en")


def _span(start: datetime, end: datetime | None, zone_name: str, *, with_date: bool = True) -> SafeString:
    first = local(start, zone_name)
    html = format_html(
        '<time datetime="{}">{}</time>',
        first.isoformat(timespec="seconds"),
        date_format(first, _day_and_time() if with_date else TIME),
    )
    if end is not None:
        last = local(end, zone_name)
        html = format_html(
            '{}–<time datetime="{}">{}</time>',
            html,
            last.isoformat(timespec="seconds"),
            date_format(last, TIME if last.date() == first.date() else _day_and_time()),
        )
    return format_html("<bdi>{}</bdi>", html)


def moment(start: datetime, *, zone: str, event_zone: str, end: datetime | None = None) -> Moment:
    other = SafeString("")
    if zone != event_zone:
        # The date only when it is another day over there.
        with_date = local(start, zone).date() != local(start, event_zone).date()
        other = _span(start, end, event_zone, with_date=with_date)
    return Moment(
        html=_span(start, end, zone),
        zone=zone,
        event_html=other,
        event_zone=event_zone,
        zone_is_utc=zone in ("UTC", "Etc/UTC"),
    )


# The list ------------------------------------------------------------------------------------------------------


class EventFilterForm(forms.Form):
    """The list's filters (GET). A value that is not one of the choices is ignored, and said so by its field."""

    when = forms.CharField(required=False, widget=forms.HiddenInput)  # the tab: "upcoming" or "past"
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False, widget=PlainSelect)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False, widget=PlainSelect)
    country = forms.ChoiceField(label=gettext_lazy("For teachers in"), required=False, widget=PlainSelect)
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), required=False, widget=PlainSelect)

    def __init__(self, *args, topics: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language")), *settings.LANGUAGES]
        self.fields["kind"].choices = [("", _("Any kind")), *Event.Kind.choices]
        self.fields["topic"].choices = [("", _("Any topic")), *((topic, topic) for topic in topics)]
        # Country names in the viewer's language, in that language's order.
        countries = sorted(Country.objects.all(), key=lambda country: country.local_name.casefold())
        self._country_ids = {country.code: country.pk for country in countries}
        self.fields["country"].choices = [
            ("", _("Any country")),
            *((country.code, country.local_name) for country in countries),
        ]

    def clean_country(self) -> int | None:
        return self._country_ids.get(self.cleaned_data["country"])

    def filters(self) -> dict:
        """The valid filters (an invalid one is left out, and its field shows why)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


@require_safe
@vary_on_cookie  # the times follow the tz cookie
def event_list_view(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None, topics=event_topics())
    filters = form.filters()
    when = "past" if filters.get("when") == "past" else "upcoming"
    events = event_list(
        when=when,
        language=filters.get("language") or "",
        kind=filters.get("kind") or "",
        country=filters.get("country"),
        topic=filters.get("topic") or "",
    )
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    zone = viewer_zone(request)
    cards = [_card(event, zone=zone, when=when) for event in page_obj.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    tabs = {}
    for tab in ("upcoming", "past"):
        tab_query = query.copy()
        tab_query["when"] = tab
        tabs[tab] = tab_query.urlencode()
    return render(
        request,
        "webinars/event_list.html",
        {
            "filter_form": form,
            "when": when,
            "tabs": tabs,
            "cards": cards,
            "page_obj": page_obj,
            "result_count": page_obj.paginator.count,
            "query_string": query.urlencode(),
            "filtered": any(filters.get(name) for name in ("language", "kind", "country", "topic")),
            "zone": zone,
            "language_names": dict(settings.LANGUAGES),
        },
    )


@dataclass
class Card:
    event: Event
    moment: Moment | None
    sessions: int
    places_left: int | None  # None: no limit (or a past event)
    full: bool
    trainers: list = field(default_factory=list)


def _card(event: Event, *, zone: ViewerZone, when: str) -> Card:
    scheduled = [session for session in event.sessions.all() if session.status == Session.Status.SCHEDULED]
    # A past event: when it began; an upcoming one: its next session (or the one under way).
    began = scheduled[0].starts_at if scheduled else None
    start = began if when == "past" else event.next_starts_at
    places_left = None
    if when != "past" and event.capacity is not None:
        places_left = max(event.capacity - event.confirmed_count, 0)
    return Card(
        event=event,
        moment=moment(start, zone=zone.name, event_zone=event.time_zone) if start else None,
        sessions=len(scheduled),
        places_left=places_left,
        full=places_left == 0,
        trainers=[trainer for trainer in event.trainers.all() if trainer.full_name],
    )


# An event --------------------------------------------------------------------------------------------------


@dataclass
class SessionRow:
    session: Session
    moment: Moment
    cancelled: bool
    over: bool
    can_join: bool = False
    join_reason: str = ""


def _published(event_uuid) -> Event:
    event = event_get_published(event_uuid)
    if event is None:
        raise Http404
    return event


@require_safe
@vary_on_cookie
def event_detail(request: HttpRequest, event_uuid) -> HttpResponse:
    event = _published(event_uuid)
    user = request.user
    now = timezone.now()
    zone = viewer_zone(request)
    viewer = event_viewer_get(user=user, event=event)  # read once: each session's button is decided from it
    registration = viewer.registration
    active = registration is not None and registration.status in ACTIVE_STATUSES
    rows = []
    for session in event.sessions.all():
        cancelled = session.status == Session.Status.CANCELLED
        row = SessionRow(
            session=session,
            moment=moment(session.starts_at, end=session.ends_at, zone=zone.name, event_zone=event.time_zone),
            cancelled=cancelled,
            over=session.ends_at <= now,
        )
        if event.is_online and not cancelled and not row.over:
            # Only to know whether to show the button: the address itself is handed out by session_join on click.
            reason = session_join_refusal(session, viewer=viewer, now=now)
            row.can_join, row.join_reason = reason is None, reason or ""
        rows.append(row)
    upcoming = [row for row in rows if not row.cancelled and not row.over]
    capacity_full = event.capacity is not None and event.confirmed_count >= event.capacity
    context = {
        "event": event,
        "sessions": rows,
        "is_over": not upcoming,
        "zone": zone,
        "registration": registration,
        "registered": active,
        "waitlist_position": _waitlist_position(registration) if active else None,
        "window": registration_window_state(event, now),
        "open_to_user": user.is_authenticated and event_is_open_to(event=event, user=user),
        "full": capacity_full,
        "places_left": None if event.capacity is None else max(event.capacity - event.confirmed_count, 0),
        "trainers": [trainer for trainer in event.trainers.all() if trainer.full_name],
        "language_name": dict(settings.LANGUAGES).get(event.language, event.language),
        "counts": _counts(event, user) if viewer.manager else None,
    }
    if event.registration_opens_at:
        context["opens"] = moment(event.registration_opens_at, zone=zone.name, event_zone=event.time_zone)
    return render(request, "webinars/event_detail.html", context)


def _waitlist_position(registration: Registration) -> int | None:
    """Her place in the queue (1: next to get a place), or None when she is not waiting."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = waitlist(registration.event).filter(
        Q(queued_at__lt=registration.queued_at) | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def _counts(event: Event, user) -> dict:
    return participants_for(event=event, user=user).aggregate(
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        pending=Count("pk", filter=Q(status=Registration.Status.PENDING)),
    )


def _outcome(registration: Registration) -> str:
    if registration.status == Registration.Status.CONFIRMED:
        return _("You are registered.")
    if registration.status == Registration.Status.WAITLISTED:
        return _("The event is full: you are number %(position)s on the waiting list.") % {
            "position": _waitlist_position(registration)
        }
    return _("Your request has been sent to the trainers.")


@require_POST
def event_register(request: HttpRequest, event_uuid) -> HttpResponse:
    event = _published(event_uuid)
    detail = reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid})
    if not request.user.is_authenticated:
        return redirect_to_login(detail)
    try:
        registration = registration_register(event=event, user=request.user)
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _outcome(registration))
    return redirect(detail)


@require_POST
def event_cancel(request: HttpRequest, event_uuid) -> HttpResponse:
    event = _published(event_uuid)
    detail = reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid})
    if not request.user.is_authenticated:
        return redirect_to_login(detail)
    registration = registration_for(user=request.user, event=event)
    if registration is None or registration.status not in ACTIVE_STATUSES:
        messages.info(request, _("You are not registered for this event."))
        return redirect(detail)
    registration_cancel(registration=registration, by=request.user)
    messages.success(request, _("Your registration is cancelled."))
    return redirect(detail)


@login_required
@require_safe
def session_join(request: HttpRequest, session_uuid) -> HttpResponse:
    """The way into an online session: the address is made at the moment she clicks, so it never sits in a page
    (or a browser's cache) before the session opens."""
    session = get_object_or_404(Session.objects.select_related("event"), uuid=session_uuid)
    try:
        url = session_join_url(session=session, user=request.user)
    except JoinNotAvailable as reason:
        messages.error(request, str(reason))
        return redirect("webinars:event-detail", event_uuid=session.event.uuid)
    response = redirect(url)
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("webinars/", event_list_view, name="event-list"),
    path("webinars/<uuid:event_uuid>/", event_detail, name="event-detail"),
    path("webinars/<uuid:event_uuid>/register/", event_register, name="event-register"),
    path("webinars/<uuid:event_uuid>/cancel/", event_cancel, name="event-cancel"),
    path("webinars/sessions/<uuid:session_uuid>/join/", session_join, name="session-join"),
]
