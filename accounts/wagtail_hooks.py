from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.account import NameEmailSettingsPanel

from .models import User


class AccountNameForm(forms.ModelForm):
    """Wagtail's own account page asks for first and last names, which our user model does not have."""

    class Meta:
        model = User
        fields = ["full_name"]
        labels = {"full_name": _("Full name")}


NameEmailSettingsPanel.form_class = AccountNameForm
