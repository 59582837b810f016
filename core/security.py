"""The security headers Django's own SecurityMiddleware does not send: Content-Security-Policy and Permissions-Policy.

The policy is the same for every visitor and every request, so it is built once from the settings and never holds a
nonce: the anonymous page cache (core/page_cache.py) keeps whole responses, and a nonce stored with a page would be
handed to everyone who gets the cached copy. Our templates therefore carry no inline script, style or event handler
(tests/core/test_security_headers.py keeps it so). Wagtail's admin, which is not ours, gets the admin policy, which
allows its inline scripts and styles (Django's admin needs nothing more than ours). See
docs/decisions/0015-security-headers.md.

Settings (config/settings/base.py): ``SECURE_CSP`` and ``SECURE_CSP_ADMIN``, each a dict of directive -> list of
sources (the shape Django 6's own ``SECURE_CSP`` takes), ``SECURE_CSP_ADMIN_PREFIXES`` (paths that get the admin
policy) and ``SECURE_PERMISSIONS_POLICY`` (feature -> list of origins, ``self`` for our own)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def csp_header(directives: Mapping[str, Sequence[str]]) -> str:
    """``{"default-src": ["'self'"], "upgrade-insecure-requests": []}`` -> ``default-src 'self'; upgrade-...``."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def permissions_policy_header(features: Mapping[str, Sequence[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self", "https://a.example"]}`` -> ``camera=(), fullscreen=(self "https://…")``."""

    def allowlist(origins: Sequence[str]) -> str:
        return " ".join(origin if origin in ("self", "*") else f'"{origin}"' for origin in origins)

    return ", ".join(f"{name}=({allowlist(origins)})" for name, origins in features.items())


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response that does not set its own. It sits
    outside the page cache, so a page served from the cache gets the current policy, not the one of the day it was
    stored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.site_policy = csp_header(settings.SECURE_CSP)
        self.admin_policy = csp_header(settings.SECURE_CSP_ADMIN)
        self.admin_prefixes = tuple(settings.SECURE_CSP_ADMIN_PREFIXES)
        self.permissions_policy = permissions_policy_header(settings.SECURE_PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "is_dummy", False):
            return response  # Wagtail's preview renders a page through the middleware: the admin view sets the policy
        if "Content-Security-Policy" not in response:
            # Django's own debug pages (DEBUG only) have inline scripts and styles too.
            admin = request.path_info.startswith(self.admin_prefixes) or (
                settings.DEBUG and response.status_code >= 400
            )
            response["Content-Security-Policy"] = self.admin_policy if admin else self.site_policy
        if self.permissions_policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions_policy
        return response
