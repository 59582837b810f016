import contextlib
import zoneinfo

from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import get_language_from_path

from . import services

# Where someone who must replace a one-time password may still go.
PASSWORD_CHANGE_EXEMPT = {"accounts:password-change", "accounts:logout", "core:job-detail", "javascript-catalog"}


class AccountMiddleware:
    """For signed-in users: record activity (at most once an hour), send someone with a one-time password
    to choose her own before anything else, remember the language she last chose (from the URL), and show
    times in her own time zone (quiz deadlines, webinars)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        timezone.deactivate()
        if user.is_authenticated:
            with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone or "UTC"))
            services.user_record_activity(user)
            if user.must_change_password and self._view_name(request) not in PASSWORD_CHANGE_EXEMPT:
                return redirect("accounts:password-change")
            language = get_language_from_path(request.path_info)
            if language:
                services.user_set_language(user, language=language)
        return self.get_response(request)

    @staticmethod
    def _view_name(request) -> str | None:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return None
