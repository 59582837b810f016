"""``/<lang>/accounts/api-tokens/``: a person makes and revokes her own keys for the REST API (``/api/v1/``). A new
key is shown once, in the response to the form that makes it; afterwards only its name and dates are known."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import api_tokens

EXPIRY_DAYS = {"30": 30, "90": 90, "365": 365}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the system that will use it."),
    )
    expires = forms.ChoiceField(
        label=gettext_lazy("Expires"),
        choices=[
            ("30", gettext_lazy("In 30 days")),
            ("90", gettext_lazy("In 90 days")),
            ("365", gettext_lazy("In a year")),
            ("never", gettext_lazy("Never")),
        ],
        initial="90",
    )

    def expires_at(self):
        days = EXPIRY_DAYS.get(self.cleaned_data["expires"])
        return timezone.now() + timedelta(days=days) if days else None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, key = api_tokens.api_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except api_tokens.ApiTokenError as error:
            form.add_error(None, str(error))
        else:
            created = {"token": token, "key": key}
            form = ApiTokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": list(api_tokens.api_tokens_of(request.user)),
        "now": timezone.now(),
    }
    return render(request, "accounts/api_token_list.html", context)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if api_tokens.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The token has been revoked: systems that use it can no longer sign in with it."))
    return redirect("accounts:api-tokens")
