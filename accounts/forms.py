from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from core.forms import PlainSelect

from .models import Country, Institution, Region, User

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Country) -> str:
        return obj.local_name


def _country_field(required: bool = False) -> CountryChoiceField:
    return CountryChoiceField(queryset=Country.objects.all(), required=required, label=_("Country"), widget=PlainSelect)


def _sort_country_choices(field: CountryChoiceField) -> None:
    """Countries in the order of their names in the viewer's language."""
    choices = [(country.pk, country.local_name) for country in field.queryset]
    choices.sort(key=lambda choice: choice[1].casefold())
    field.choices = [("", "---------"), *choices]


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.CharField(
        label=_("Email or username"),
        max_length=254,
        # No autofocus: it would skip the heading, the error summary and the "skip to main content" link for people
        # who use a screen reader or the keyboard (the focus starts at the top of the page, as on every other page).
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        "invalid_login": _(
            "The email or username and password do not match an active account. If you have just signed up, "
            "confirm your email address first."
        ),
        "inactive": _("This account is not active."),
    }


class SignUpForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    country = _country_field(required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sort_country_choices(self.fields["country"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = User(email=cleaned.get("email"), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    country = _country_field(required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, widget=PlainSelect)

    class Meta:
        model = User
        fields = User.PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sort_country_choices(self.fields["country"])
        country_id = self.data.get("country") or (self.instance.country_id if self.instance else None)
        self.fields["region"].queryset = Region.objects.filter(country_id=country_id or None)
        self.fields["institution"].queryset = Institution.objects.filter(country_id=country_id or None)
        self.fields["preferred_language"].choices = settings.LANGUAGES
        self.fields["gender"].help_text = _("Optional. Only ever reported in totals, never with your name.")


class LearnerAccountForm(forms.Form):
    """A trainer or administrator creates an account for a teacher who has no email address."""

    full_name = forms.CharField(label=_("Full name"), max_length=255)
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.-]+\Z",
        help_text=_("The teacher signs in with this. Letters, digits and . _ - only."),
        error_messages={"invalid": _("Use only letters, digits and the characters . _ -")},
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    country = _country_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sort_country_choices(self.fields["country"])

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip().lower()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is already taken. Choose another."))
        return username


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ResendActivationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class AccountDeleteForm(forms.Form):
    """She confirms that she wants her account erased by typing her password again (or, for an account that has no
    password of its own, her email address or username)."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Your password"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                help_text=_("Type your password to confirm that you want your account deleted."),
            )
        else:
            self.fields["login"] = forms.CharField(
                label=_("Your email address or username"),
                max_length=254,
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "dir": "ltr"}),
                help_text=_("Type it to confirm that you want your account deleted."),
            )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password

    def clean_login(self) -> str:
        login = self.cleaned_data["login"].strip()
        if not login or login.casefold() != self.user.login.casefold():
            raise forms.ValidationError(
                _("This is not the email address or username of your account."), code="wrong_login"
            )
        return login
