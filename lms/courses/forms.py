from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User


class AddParticipantsForm(forms.Form):
    logins = forms.CharField(
        label=_("Email addresses or usernames"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line or separated by commas. The accounts must exist already; use the CSV upload to create them."
        ),
    )

    def clean_logins(self) -> str:
        logins = [login.strip().lower() for login in re.split(r"[\s,;]+", self.cleaned_data["logins"]) if login.strip()]
        if not logins:
            raise forms.ValidationError(_("Enter at least one email address or username."))
        if len(logins) > 500:
            raise forms.ValidationError(_("Up to 500 at a time; use the CSV upload for more."))
        users = list(User.objects.filter(Q(email__in=logins) | Q(username__in=logins)))
        known = {user.email for user in users} | {user.username for user in users}
        missing = [login for login in logins if login not in known]
        if missing:
            raise forms.ValidationError(
                _("No account for: %(logins)s"), params={"logins": ", ".join(missing[:20])}, code="unknown"
            )
        self.cleaned_data["users"] = users
        return ",".join(logins)


class AnnouncementForm(forms.Form):
    subject = forms.CharField(label=pgettext_lazy("email", "Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)


class CohortEnrollForm(forms.Form):
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=None)

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
