"""Who calls the API: a system sending one of its owner's API tokens (``Authorization: Bearer <key>``, or
``Token <key>``), or a signed-in browser (Django's session, with CSRF for anything but reads)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.api_tokens import api_token_authenticate

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(BaseAuthentication):
    """``request.user`` is the token's owner and ``request.auth`` the ``ApiToken``. A request without the header is
    left to the next authentication (the session); a header with a key that is unknown, revoked or expired, or
    whose owner is deactivated, is refused with 401 (one message for all, so it says nothing about the key)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer <token>”."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes unauthenticated requests a 401 (with this challenge) rather than a 403.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes ``ApiTokenAuthentication``."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("An API token made on the “API tokens” page of your account.")),
        }
