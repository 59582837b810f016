from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.ratelimit import post_field_key, ratelimit_hit

from . import forms, services
from .models import Role, User
from .selectors import user_has_role


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        ratelimit_hit(request, group="login-ip")
        ratelimit_hit(request, group="login-account", key=post_field_key("username"))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)  # logs in; Django gives the session a new key
        user = self.request.user
        if user.must_change_password:
            return redirect("accounts:password-change")
        # Continue in the language she chose for herself.
        translation.activate(user.preferred_language)
        response.set_cookie(
            "django_language", user.preferred_language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
        return response

    def get_default_redirect_url(self):
        return f"/{self.request.user.preferred_language}/"


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def get_success_url(self):
        return f"/{translation.get_language()}/"


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(f"/{translation.get_language()}/")
    form = forms.SignUpForm(request.POST or None)
    if request.method == "POST":
        ratelimit_hit(request, group="signup-ip")
        if form.is_valid():
            data = form.cleaned_data
            services.user_sign_up(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password1"],
                language=translation.get_language(),
                country=data.get("country"),
                site_url=_site_url(request),
            )
            request.session["signup_email"] = data["email"]
            return redirect("accounts:signup-done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html", {"email": request.session.get("signup_email", "")})


def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Show a confirmation button; the POST activates (mail scanners that follow links do not)."""
    if request.method == "POST":
        try:
            user = services.user_activate(uidb64=uidb64, token=token)
        except services.AccountError as error:
            return render(request, "accounts/activation_failed.html", {"error": str(error)}, status=400)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your email address is confirmed. Welcome to Maktaba!"))
        return redirect(f"/{user.preferred_language}/")
    return render(request, "accounts/activate.html")


@require_http_methods(["GET", "POST"])
def resend_activation(request: HttpRequest) -> HttpResponse:
    form = forms.ResendActivationForm(request.POST or None)
    if request.method == "POST":
        ratelimit_hit(request, group="signup-ip")
        if form.is_valid():
            user = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=False).first()
            if user is not None:
                services.user_send_activation(user, site_url=_site_url(request))
            request.session["signup_email"] = form.cleaned_data["email"]
            return redirect("accounts:signup-done")
    return render(request, "accounts/resend_activation.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordResetForm(request.POST or None)
    if request.method == "POST":
        ratelimit_hit(request, group="password-reset-ip")
        if form.is_valid():
            services.user_request_password_reset(email=form.cleaned_data["email"], site_url=_site_url(request))
            return redirect("accounts:password-reset-done")
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        services.user_set_password(form.user, password=form.cleaned_data["new_password1"])
        return redirect(self.success_url)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def get_form_class(self):
        # A one-time password was just typed to sign in: do not ask for it again.
        if self.request.user.must_change_password:
            return SetPasswordForm
        return super().get_form_class()

    def form_valid(self, form):
        services.user_set_password(self.request.user, password=form.cleaned_data["new_password1"])
        # Keep this session; every other session of hers ends (its hash no longer matches).
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = forms.ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(request.user, **{name: form.cleaned_data[name] for name in form.changed_data})
        messages.success(request, _("Your profile has been saved."))
        language = request.user.preferred_language
        response = redirect(translate_url(reverse("accounts:profile"), language))
        response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return response
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def learner_create(request: HttpRequest) -> HttpResponse:
    """A trainer or administrator creates an account for a teacher without an email address."""
    if not user_has_role(request.user, Role.TRAINER, Role.SITE_ADMINISTRATOR):
        raise PermissionDenied
    form = forms.LearnerAccountForm(request.POST or None, initial={"preferred_language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create_with_username(
                created_by=request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                language=form.cleaned_data["preferred_language"],
                country=form.cleaned_data.get("country"),
            )
        except services.AccountError as error:
            form.add_error("username", str(error))
        else:
            response = render(request, "accounts/learner_created.html", {"learner": user, "password": password})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/learner_create.html", {"form": form})
