"""Rate limits for sign-in, sign-up, password reset and public look-ups.

Counts live in the default cache (Redis in production). Rates come from ``settings.RATES``; when the cache
is down the limits fail open (``RATELIMIT_FAIL_OPEN``) so people can still sign in."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited


def ratelimit_hit(request: HttpRequest, *, group: str, key: str | Callable = "ip") -> None:
    """Count one attempt in ``group``; raise ``Ratelimited`` (answered with a 429 page) past its rate."""
    if is_ratelimited(request, group=group, key=key, rate=settings.RATES[group], increment=True):
        raise Ratelimited()


def post_field_key(field: str) -> Callable[[str, HttpRequest], str]:
    """A key made of a submitted field, case-folded (e.g. the account someone tries to sign in to)."""

    def key(group: str, request: HttpRequest) -> str:
        return request.POST.get(field, "").strip().casefold()

    return key
