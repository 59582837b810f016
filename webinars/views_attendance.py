"""Trainers' attendance page for a session: a roster that works on a phone (one row per person, a "present" box
each, big tap targets), attendance taken from the meeting, the link to the recording (typed, or fetched from
BigBlueButton), and a printable sign-in sheet (PDF) for onsite workshops.

Everything works without JavaScript. "Mark everyone present" only ticks every box (a GET of the same page): the
trainer unticks who is missing and saves once, so nobody is ever recorded present by mistake (``lms`` counts a
present mark toward courses, and an absent mark never takes it back).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import get_language, get_language_bidi, get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.pdf import pdf_response, render_pdf
from webinars.models import Event, Session
from webinars.providers import ProviderError
from webinars.selectors.attendance import event_attendance_rates, roster_for
from webinars.services.attendance import (
    AttendanceError,
    attendance_mark,
    attendance_marking_check,
    session_recording_set,
)
from webinars.services.online import session_fetch_recording, session_take_attendance_from_provider
from webinars.timezones import local
from webinars.views import TIME, moment, viewer_zone

# Empty numbered rows after the confirmed participants, for people who come without a place.
WALK_IN_ROWS = 5
# The session's day on the sheet, with the weekday: "Monday 23 November 2026", "понедельник, 23 ноября 2026",
# "الاثنين 23 نوفمبر 2026" (Russian takes the month in the genitive, "E").
SHEET_DAY = {"en": "l j F Y", "ru": "l, j E Y", "ar": "l j F Y"}


class RecordingForm(forms.Form):
    url = forms.CharField(
        label=gettext_lazy("Link to the recording"),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.URLInput(attrs={"dir": "ltr", "placeholder": "https://", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "An address that starts with https://. Learners see it on the event's page after the session. "
            "Leave it empty to remove the link."
        ),
    )


def _ids(values: list[str]) -> list[int]:
    """User ids from the form; anything else is ignored."""
    return [int(value) for value in values if value.isascii() and value.isdigit()]


@login_required
@never_cache  # two trainers may mark the same session: always show the stored marks
@require_http_methods(["GET", "HEAD", "POST"])
def session_attendance(request: HttpRequest, session_uuid) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("event"), uuid=session_uuid)
    recording_form = RecordingForm(initial={"url": session.recording_url})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "save":
            return _save(request, session)
        if action == "provider":
            return _from_meeting(request, session)
        if action == "fetch_recording":
            return _fetch_recording(request, session)
        if action == "recording":
            recording_form = RecordingForm(request.POST)
            if recording_form.is_valid():
                try:
                    url = session_recording_set(
                        session=session, by=request.user, url=recording_form.cleaned_data["url"]
                    )
                except ValidationError as error:
                    recording_form.add_error("url", error)
                else:
                    messages.success(
                        request, _("The recording link is saved.") if url else _("The recording link is removed.")
                    )
                    return redirect(request.path)
    return _render(request, session, recording_form=recording_form)


def _save(request: HttpRequest, session: Session) -> HttpResponse:
    on_page = _ids(request.POST.getlist("roster"))
    present = set(_ids(request.POST.getlist("present"))) & set(on_page)
    try:
        marked = attendance_mark(session=session, by=request.user, present=present, absent=set(on_page) - present)
    except AttendanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Attendance saved."))
        left_out = len(set(on_page)) - marked
        if left_out:
            messages.warning(
                request,
                ngettext(
                    "%(count)s person no longer has a confirmed place and was not marked.",
                    "%(count)s people no longer have a confirmed place and were not marked.",
                    left_out,
                )
                % {"count": left_out},
            )
    return redirect(request.path)


def _from_meeting(request: HttpRequest, session: Session) -> HttpResponse:
    try:
        count = session_take_attendance_from_provider(session=session, by=request.user)
    except ProviderError as error:
        messages.error(request, str(error))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)s participant in the meeting is marked present.",
                    "%(count)s participants in the meeting are marked present.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("The meeting lists none of the confirmed participants right now."))
    return redirect(request.path)


def _fetch_recording(request: HttpRequest, session: Session) -> HttpResponse:
    try:
        url = session_fetch_recording(session=session, by=request.user)  # PermissionDenied (403) for others
    except ProviderError as error:
        messages.error(request, str(error))
    else:
        if url:
            messages.success(request, _("The recording from BigBlueButton is linked on the event's page."))
        else:
            messages.info(
                request,
                _(
                    "BigBlueButton has no recording of this session yet. It takes a while to process one after the "
                    "session ends: try again later."
                ),
            )
    return redirect(request.path)


def _render(request: HttpRequest, session: Session, *, recording_form: RecordingForm) -> HttpResponse:
    event = session.event
    rows = roster_for(session=session, user=request.user)  # PermissionDenied (403) for anyone but its managers
    try:
        attendance_marking_check(session=session)
    except AttendanceError as reason:
        closed_reason = str(reason)
    else:
        closed_reason = ""
    zone = viewer_zone(request)
    rates = [
        (rate, moment(rate.session.starts_at, zone=zone.name, event_zone=event.time_zone))
        for rate in event_attendance_rates(event=event, user=request.user)
    ]
    context = {
        "session": session,
        "event": event,
        "moment": moment(session.starts_at, end=session.ends_at, zone=zone.name, event_zone=event.time_zone),
        "rows": rows,
        "tick_all": request.GET.get("all") == "1" and not closed_reason,
        "closed_reason": closed_reason,
        "present_count": sum(1 for row in rows if row.attended),
        "absent_count": sum(1 for row in rows if row.attended is False),
        "unmarked_count": sum(1 for row in rows if row.attended is None),
        # Only a meeting service that lists its participants can take attendance (a meeting link cannot).
        "from_meeting": event.is_online and event.provider != Event.Provider.LINK,
        "fetch_recording": event.is_online and event.provider == Event.Provider.BIGBLUEBUTTON,
        "signin_sheet": event.is_onsite,
        "recording_form": recording_form,
        "rates": rates if len(rates) > 1 else [],
        "event_is_public": event.status == Event.Status.PUBLISHED,
    }
    return render(request, "webinars/attendance/session_roster.html", context)


@login_required
@never_cache  # personal data, and the list changes until the session starts
@require_safe
def session_signin_sheet(request: HttpRequest, session_uuid) -> HttpResponse:
    """The session's sign-in sheet, a PDF to print: the event, when (in the event's own time zone) and where, its
    trainers, then the confirmed participants by name with their school and room to sign, and empty rows for
    walk-ins. In the viewer's language. Only for the event's trainers, as the roster."""
    session = get_object_or_404(Session.objects.select_related("event"), uuid=session_uuid)
    event = session.event
    rows = roster_for(session=session, user=request.user)  # PermissionDenied (403) for anyone but its managers
    prefetch_related_objects([row.user for row in rows], "institution")  # one query, whatever the number
    trainers = sorted(event.trainers.all(), key=lambda trainer: (trainer.full_name.casefold(), trainer.pk))
    start, end = local(session.starts_at, event.time_zone), local(session.ends_at, event.time_zone)
    language = get_language() or "en"
    day_format = SHEET_DAY.get(language.split("-")[0], "DATE_FORMAT")
    if end.date() == start.date():
        times = f"{date_format(start, TIME)}–{date_format(end, TIME)}"
    else:  # past midnight: the end's day too (in digits, so that the line reads left to right in every language)
        times = f"{date_format(start, TIME)} – {end:%Y-%m-%d} {date_format(end, TIME)}"
    rtl = get_language_bidi()
    context = {
        "language": language,
        "direction": "rtl" if rtl else "ltr",
        "start": "right" if rtl else "left",
        "title_direction": "rtl" if _is_bidi(event.language) else "ltr",
        "event": event,
        "session": session,
        "day": date_format(start, day_format),
        "times": times,
        "zone": event.time_zone,
        "venue": session.venue or event.venue,
        "trainers": trainers,
        "rows": rows,
        "blank_rows": range(len(rows) + 1, len(rows) + 1 + WALK_IN_ROWS),
    }
    # Names are what people typed: a character no font has comes out blank rather than stopping the sheet.
    pdf = render_pdf("webinars/attendance/signin_sheet.html", context, request=request, allow_missing_glyphs=True)
    filename = f"{_('Sign-in sheet')} - {event.title[:80]} - {start:%Y-%m-%d}.pdf"
    return pdf_response(pdf, filename)


def _is_bidi(language: str) -> bool:
    try:
        return bool(get_language_info(language)["bidi"])
    except KeyError:
        return False


urlpatterns = [
    path(
        "webinars/manage/sessions/<uuid:session_uuid>/attendance/",
        session_attendance,
        name="session-attendance",
    ),
    path(
        "webinars/manage/sessions/<uuid:session_uuid>/sign-in-sheet.pdf",
        session_signin_sheet,
        name="session-sign-in-sheet",
    ),
]
