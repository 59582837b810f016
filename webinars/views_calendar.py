"""Calendars: an event's .ics file, the learner's private feed (the token in its address is the key, so it
works without signing in, as calendar apps need) and the page where she finds and replaces that address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from webinars import calendar
from webinars.models import Event
from webinars.selectors.calendar import calendar_feed_registrations, event_for_calendar
from webinars.services.calendar import calendar_feed_get_or_create, calendar_feed_renew

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _event_url(request):
    """The absolute address of an event's page."""

    def url(event: Event) -> str:
        return request.build_absolute_uri(reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid}))

    return url


@require_safe
def event_ics(request, event_uuid):
    event = event_for_calendar(event_uuid)
    if event is None:
        raise Http404
    response = HttpResponse(
        calendar.event_ics(event, event.sessions.all(), event_url=_event_url(request)), content_type=CONTENT_TYPE
    )
    filename = f"{slugify(event.title, allow_unicode=True) or 'event'}.ics"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def calendar_feed(request, token: str):
    registrations = calendar_feed_registrations(token)
    if registrations is None:
        raise Http404
    response = HttpResponse(calendar.feed_ics(registrations, event_url=_event_url(request)), content_type=CONTENT_TYPE)
    # Hers alone: no shared cache keeps it, and her calendar app may ask again after five minutes.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_settings(request):
    if request.method == "POST":
        calendar_feed_renew(request.user)
        messages.success(
            request, gettext("Your calendar has a new address. The old one no longer works: subscribe again.")
        )
        return redirect("webinars:calendar-settings")
    feed = calendar_feed_get_or_create(request.user)
    feed_url = request.build_absolute_uri(reverse("webinars:calendar-feed", kwargs={"token": feed.token}))
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    response = render(request, "webinars/calendar_settings.html", {"feed_url": feed_url, "webcal_url": webcal_url})
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("webinars/<uuid:event_uuid>/calendar.ics", event_ics, name="event-ics"),
    path("webinars/calendar/", calendar_settings, name="calendar-settings"),
    path("webinars/calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
]
