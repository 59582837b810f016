"""Rate limits (DRF throttles) for the API: per signed-in user (or token owner) and per anonymous client, plus one
for verification by code. Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` and are read at each request
(so tests and settings changes apply at once); they accept the ``RATES`` format (``60/10m``) as well as DRF's
(``60/min``). Counts live in the default cache (Redis in production), like every other rate limit here; clients are
told apart the same way (``django_ratelimit``'s ``user_or_ip``: the user, else the IP address taken as
``RATELIMIT_IP_META_KEY`` says, so a forged ``X-Forwarded-For`` does not reset the count)."""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured
from django_ratelimit.core import user_or_ip
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No rate for {self.scope!r} in DEFAULT_THROTTLE_RATES") from None

    def parse_rate(self, rate):
        if rate is None:
            return None, None
        match = _RATE.match(rate)
        if not match:
            raise ValueError(f"Not a rate: {rate!r} (use e.g. 60/min or 60/10m)")
        number, multiple, unit = match.groups()
        return int(number), int(multiple or 1) * _SECONDS[unit]

    def allow_request(self, request, view):
        # The rate is read per request: SimpleRateThrottle reads it once, when the throttle is made.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": user_or_ip(request)}


class AnonThrottle(_Throttle):
    """Anonymous clients (verification and the schema are open to them), by IP address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class UserThrottle(_Throttle):
    """Signed-in users and token owners, by user (all her tokens and her session share one count)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class VerifyThrottle(_Throttle):
    """Verification by code, by user or IP address, so that codes cannot be found by trying them."""

    scope = "verify"
