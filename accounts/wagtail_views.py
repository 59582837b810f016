from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users

from .models import User

EXTRA_FIELDS = [
    "username",
    "full_name",
    "preferred_language",
    "country",
    "region",
    "institution",
    "must_change_password",
]


class _MaktabaUserFormMixin:
    """Drop Wagtail's first/last name, make email optional (teachers without one have a username)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields.pop(name, None)
        self.fields["email"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("username"):
            raise forms.ValidationError(_("An account needs an email address or a username."))
        cleaned["email"] = (cleaned.get("email") or "").strip().lower() or None
        cleaned["username"] = (cleaned.get("username") or "").strip().lower() or None
        return cleaned

    def _clean_username(self):
        # Wagtail's duplicate check compares the email exactly; our unique constraints are case-insensitive.
        email = self.cleaned_data.get("email")
        if email and User.objects.exclude(pk=self.instance.pk).filter(email__iexact=email).exists():
            self.add_error("email", _("Another account already uses this email address."))
        username = self.cleaned_data.get("username")
        if username and User.objects.exclude(pk=self.instance.pk).filter(username__iexact=username).exists():
            self.add_error("username", _("That username is already taken. Choose another."))
        return email


class MaktabaUserCreationForm(_MaktabaUserFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = {"email", "is_superuser", "groups", *EXTRA_FIELDS}


class MaktabaUserEditForm(_MaktabaUserFormMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = {"email", "is_active", "is_superuser", "groups", *EXTRA_FIELDS}


class IndexView(users.IndexView):
    @property
    def search_fields(self):
        return ["full_name", "email", "username"]


class UserViewSet(users.UserViewSet):
    index_view_class = IndexView
    ordering = "full_name"
    template_prefix = "accounts/wagtail_users/"

    def get_form_class(self, for_update=False):
        return MaktabaUserEditForm if for_update else MaktabaUserCreationForm
