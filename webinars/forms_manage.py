"""Forms of the trainers' pages: an event's settings, a session's time (one session, a weekly series, a move)
and adding people to an event.

The event form is a ``ModelForm`` for its labels, choices and validation, but it never saves: it works on a copy
of the event, and the view hands ``settings()`` to ``event_create`` or ``event_update`` (which sanitise the HTML,
check the capacity against the places taken and tell the people registered about what changed).

Times: the registration window is typed in the trainer's own time zone; sessions are typed in the event's zone
(that is the zone the trainer plans them in, "Tuesdays at 18:00 Moscow time"), and a time that happens twice
there (the autumn fold) is asked about with ``ask_fold``.
"""

from __future__ import annotations

import copy
import functools
import re
import zoneinfo
from collections.abc import Iterable
from datetime import date as date_type
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import country_list
from core.forms import LocalDateTimeField
from webinars.models import Event, Session
from webinars.services.events import EVENT_FIELDS, MAX_SERIES_WEEKS
from webinars.timezones import local

MAX_MINUTES = 24 * 60
MAX_LOGINS = 500
# The zones offered in the list: where Maktaba's teachers and trainers are, and a few others often met. Any other
# IANA zone can be typed.
COMMON_ZONES = (
    "UTC",
    "Africa/Addis_Ababa",
    "Africa/Algiers",
    "Africa/Cairo",
    "Africa/Casablanca",
    "Africa/Johannesburg",
    "Africa/Khartoum",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Nouakchott",
    "Africa/Tripoli",
    "Africa/Tunis",
    "America/New_York",
    "Asia/Aden",
    "Asia/Almaty",
    "Asia/Amman",
    "Asia/Ashgabat",
    "Asia/Baghdad",
    "Asia/Bahrain",
    "Asia/Baku",
    "Asia/Beirut",
    "Asia/Bishkek",
    "Asia/Damascus",
    "Asia/Dhaka",
    "Asia/Dubai",
    "Asia/Dushanbe",
    "Asia/Gaza",
    "Asia/Jakarta",
    "Asia/Kabul",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kuwait",
    "Asia/Muscat",
    "Asia/Novosibirsk",
    "Asia/Qatar",
    "Asia/Riyadh",
    "Asia/Tashkent",
    "Asia/Tbilisi",
    "Asia/Tehran",
    "Asia/Vladivostok",
    "Asia/Yekaterinburg",
    "Asia/Yerevan",
    "Europe/Berlin",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/London",
    "Europe/Minsk",
    "Europe/Moscow",
    "Europe/Paris",
)


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def known_zone(text: str) -> str | None:
    """The IANA name ``text`` stands for (whatever its case, with spaces for underscores), or None."""
    return _zones_by_folded_name().get(re.sub(r"\s+", "_", text.strip()).casefold())


def _zone_label(name: str) -> str:
    return name.replace("_", " ")


# An event's settings -------------------------------------------------------------------------------------------


# Of the event's relations (``EVENT_RELATIONS``), the form sets the audience's countries; trainers and regions
# are not set here.
EVENT_FORM_RELATIONS = ("countries",)
# The order the form shows the fields in; which fields it edits is ``EVENT_FIELDS`` (the service's list) and
# ``EVENT_FORM_RELATIONS``. ``time_zone_other`` is the form's own.
EVENT_FIELDSETS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (gettext_lazy("About the event"), ("title", "description", "language", "kind", "topic")),
    (gettext_lazy("Time zone"), ("time_zone", "time_zone_other")),
    (gettext_lazy("Where"), ("venue", "provider", "join_url")),
    (
        gettext_lazy("Registration"),
        ("capacity", "registration_opens_at", "registration_closes_at", "requires_approval", "countries"),
    ),
    (gettext_lazy("Materials"), ("materials", "gives_certificate")),
)


def _in_fieldset_order(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` in the order of the fieldsets: a name that none of them shows is an error at import time."""
    order = [name for _legend, shown in EVENT_FIELDSETS for name in shown]
    missing = set(names) - set(order)
    if missing:
        raise ImproperlyConfigured(f"The event form shows no field for {sorted(missing)}: add it to EVENT_FIELDSETS.")
    return tuple(sorted(names, key=order.index))


class EventForm(forms.ModelForm):
    """Every setting of an event, in fieldsets. The time zone is chosen from a list or typed."""

    FIELDSETS = EVENT_FIELDSETS

    time_zone_other = forms.CharField(
        label=gettext_lazy("Or type another time zone"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("Its IANA name, for example Asia/Tashkent. When you type one, the list is ignored."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )

    join_url = forms.URLField(
        label=gettext_lazy("Meeting link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("For online meetings through a link: the address of the Jitsi, Zoom or Teams room."),
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )

    class Meta:
        model = Event
        fields = _in_fieldset_order([*EVENT_FIELDS, *EVENT_FORM_RELATIONS])
        help_texts = {
            "description": gettext_lazy(
                "Simple HTML is kept (paragraphs, lists, links, headings); scripts and styles are removed."
            ),
            "materials": gettext_lazy("Links to slides and readings. The same HTML as the description."),
            "topic": gettext_lazy("A word or two that people can filter the list by, e.g. Digital pedagogy."),
            "venue": gettext_lazy("Address and room, for onsite and hybrid events."),
        }
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "description": forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
            "materials": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            "topic": forms.TextInput(attrs={"dir": "auto"}),
            "venue": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "capacity": forms.NumberInput(attrs={"min": "1"}),
        }

    def __init__(self, data: Any = None, *, event: Event | None = None, time_zone: zoneinfo.ZoneInfo, **kwargs: Any):
        # A copy: validating writes the input into the instance, and the service must see the event as it was.
        instance = copy.copy(event) if event is not None else Event()
        super().__init__(data, instance=instance, **kwargs)
        self.time_zone = time_zone
        current_zone = instance.time_zone if event is not None else time_zone.key
        zones = sorted({*COMMON_ZONES, current_zone})
        self.fields["time_zone"] = forms.ChoiceField(
            label=_("Time zone of the sessions"),
            choices=[(name, _zone_label(name)) for name in zones],
            initial=current_zone,
            help_text=_(
                "The sessions are planned in this zone's local time; each participant also sees them in her own. "
                "Changing it later does not move the sessions already planned."
            ),
        )
        self.initial["time_zone"] = current_zone
        if event is None:  # a new event: in the language the trainer uses the site in
            self.initial["language"] = (get_language() or "en").split("-")[0]
        zone_help = _("In your time zone (%(zone)s).") % {"zone": time_zone.key}
        for name, label, help_text in (
            ("registration_opens_at", _("Registration opens"), _("Leave empty: open as soon as it is published.")),
            (
                "registration_closes_at",
                _("Registration closes"),
                _("Leave empty: open until the first session starts."),
            ),
        ):
            self.fields[name] = LocalDateTimeField(
                time_zone=time_zone, required=False, label=label, help_text=f"{help_text} {zone_help}"
            )
            self.initial[name] = getattr(instance, name)
        countries = self.fields["countries"]
        countries.label = _("Only for teachers in these countries")
        countries.help_text = _("Leave empty: open to everyone. Hold Ctrl (or ⌘) to choose several.")
        countries.widget.attrs["size"] = "8"
        countries.choices = [(country.pk, country.local_name) for country in country_list()]
        self.fields["capacity"].label = _("Places")
        self.fields["capacity"].widget.attrs["min"] = "1"  # the model's validator; the field itself allows 0

    def clean_time_zone_other(self) -> str:
        typed = self.cleaned_data["time_zone_other"].strip()
        if not typed:
            return ""
        name = known_zone(typed)
        if name is None:
            raise ValidationError(
                _("“%(value)s” is not a time zone we know. Write it as Region/City, for example Asia/Tashkent."),
                params={"value": typed},
                code="unknown_zone",
            )
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("time_zone_other"):
            cleaned["time_zone"] = cleaned["time_zone_other"]
            self._errors.pop("time_zone", None)
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        return cleaned

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def settings(self) -> dict[str, Any]:
        """The cleaned settings as ``event_create`` and ``event_update`` take them."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["countries"] = list(values["countries"])
        return values

    def add_service_error(self, error: ValidationError) -> None:
        """A ``ValidationError`` from the service: next to its field when the form has it."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


# A session's time ----------------------------------------------------------------------------------------------


class SessionTimeForm(forms.Form):
    """A date, a start time in the event's time zone and a length. When the time happens twice in that zone (the
    clocks go back), the view calls ``ask_fold`` and the form asks which of the two is meant; the answer counts
    only for the date and time it was given for (``fold_for``)."""

    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label=gettext_lazy("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    fold = forms.TypedChoiceField(
        label=gettext_lazy("Which one?"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=((0, gettext_lazy("The first")), (1, gettext_lazy("The second"))),
        widget=forms.RadioSelect,
    )
    fold_for = forms.CharField(required=False, widget=forms.HiddenInput)
    minutes = forms.IntegerField(
        label=gettext_lazy("Length in minutes"),
        min_value=1,
        max_value=MAX_MINUTES,
        initial=60,
        widget=forms.NumberInput(attrs={"min": "1", "max": str(MAX_MINUTES)}),
    )

    def __init__(self, data: Any = None, *, event: Event, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.event = event
        self.asking_fold = False
        self.fields["start"].help_text = _("In the event's time zone, %(zone)s.") % {"zone": event.time_zone}
        if self.is_bound:
            asked = self.data.get(self.add_prefix("fold_for"), "")
            if asked and asked == self._typed_start():
                self._show_fold(asked)

    def _typed_start(self) -> str:
        """The date and time as typed, "2027-10-31T02:30", or "" (compared with ``fold_for``)."""
        typed_date = self.data.get(self.add_prefix("date"), "").strip()
        typed_time = self.data.get(self.add_prefix("start"), "").strip()[:5]
        return f"{typed_date}T{typed_time}" if typed_date and typed_time else ""

    def _show_fold(self, start: str) -> None:
        self.asking_fold = True
        shown = start[-5:]
        field = self.fields["fold"]
        field.required = True
        field.label = _("Which %(time)s do you mean?") % {"time": shown}
        field.choices = [
            (0, _("The first %(time)s (before the clocks go back)") % {"time": shown}),
            (1, _("The second %(time)s (after the clocks go back)") % {"time": shown}),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        day, start = cleaned.get("date"), cleaned.get("start")
        if isinstance(day, date_type) and start is not None:
            cleaned["start_local"] = datetime.combine(day, start.replace(second=0, microsecond=0))
        if not self.asking_fold:
            cleaned["fold"] = None  # an answer to a question about another time
        return cleaned

    def ask_fold(self, message: str) -> None:
        """The time happens twice in the event's zone: show the question (required) with the service's reason."""
        data = self.data.copy()
        start = self._typed_start()
        data[self.add_prefix("fold_for")] = start
        data.pop(self.add_prefix("fold"), None)
        self.data = data
        self._show_fold(start)
        self._bound_fields_cache.pop("fold", None)  # bound before the label changed
        self.add_error("fold", message)

    def shown_fields(self) -> list[forms.BoundField]:
        """The visible fields in order; the question about the fold only when it is asked."""
        return [field for field in self.visible_fields() if field.name != "fold" or self.asking_fold]


class SessionAddForm(SessionTimeForm):
    """One session (``series=False``) or a weekly series: its title and, for onsite events, its venue."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("Empty: the event's title."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    venue = forms.CharField(
        label=gettext_lazy("Venue"),
        required=False,
        help_text=gettext_lazy("Empty: the event's venue."),
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )

    def __init__(self, data: Any = None, *, event: Event, series: bool = False, **kwargs: Any) -> None:
        super().__init__(data, event=event, **kwargs)
        self.series = series
        if series:
            self.fields["date"].label = _("First date")
            self.fields["weeks"] = forms.IntegerField(
                label=_("Number of weeks"),
                min_value=2,
                max_value=MAX_SERIES_WEEKS,
                initial=4,
                help_text=_("One session a week, on the same weekday at the same local time."),
                widget=forms.NumberInput(attrs={"min": "2", "max": str(MAX_SERIES_WEEKS)}),
            )
        if not event.is_onsite:
            del self.fields["venue"]
        self.order_fields(["date", "start", "fold", "minutes", "weeks", "title", "venue"])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {"minutes": data["minutes"], "fold": data["fold"], "title": data["title"]}
        if "venue" in self.fields:
            values["venue"] = data["venue"]
        if self.series:
            values.update(first_local=data["start_local"], weeks=data["weeks"])
        else:
            values["start_local"] = data["start_local"]
        return values


class SessionEditForm(SessionTimeForm):
    """Move a session or change its length (and, for onsite events, its venue)."""

    venue = forms.CharField(
        label=gettext_lazy("Venue"),
        required=False,
        help_text=gettext_lazy("Empty: the event's venue."),
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )

    def __init__(self, data: Any = None, *, session: Session, event: Event, **kwargs: Any) -> None:
        starts = local(session.starts_at, event.time_zone)
        initial = {
            "date": starts.date(),
            "start": starts.time().replace(second=0, microsecond=0),
            "minutes": round((session.ends_at - session.starts_at) / timedelta(minutes=1)),
            "venue": session.venue,
        }
        super().__init__(data, event=event, initial=initial, **kwargs)
        if not event.is_onsite:
            del self.fields["venue"]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {"start_local": data["start_local"], "minutes": data["minutes"], "fold": data["fold"]}
        if "venue" in self.fields:
            values["venue"] = data["venue"]
        return values


# Adding people -------------------------------------------------------------------------------------------------


class AddPeopleForm(forms.Form):
    """Email addresses or usernames, one a line. The known accounts are in ``cleaned_data["users"]`` and what
    matched no account, as typed, in ``cleaned_data["unknown"]``: the view adds the first and reports the
    others."""

    logins = forms.CharField(
        label=gettext_lazy("Email addresses or usernames"),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One a line (commas also separate them). The accounts must exist already. They get a place, or one on "
            "the waiting list when the event is full, and an email."
        ),
    )

    def clean_logins(self) -> str:
        typed = [login.strip() for login in re.split(r"[\s,;]+", self.cleaned_data["logins"]) if login.strip()]
        typed = list(dict.fromkeys(typed))
        if not typed:
            raise ValidationError(_("Enter at least one email address or username."), code="empty")
        if len(typed) > MAX_LOGINS:
            raise ValidationError(_("Up to %(max)s at a time."), params={"max": MAX_LOGINS}, code="too_many")
        folded = [login.casefold() for login in typed]
        users = list(
            User.objects.annotate(email_folded=Lower("email"), username_folded=Lower("username")).filter(
                Q(email_folded__in=folded) | Q(username_folded__in=folded)
            )
        )
        known = {(user.email or "").casefold() for user in users} | {(user.username or "").casefold() for user in users}
        self.cleaned_data["users"] = users
        self.cleaned_data["unknown"] = [login for login in typed if login.casefold() not in known]
        return "\n".join(typed)
