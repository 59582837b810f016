"""API tokens: keys that a ministry's or a partner's system sends to the REST API (``Authorization: Bearer <key>``)
to act as the token's owner, seeing exactly what she sees.

A key is ``mkt_`` followed by 43 random URL-safe characters (256 bits). Only its SHA-256 is stored: the key itself is
shown once, in the response that creates it, and cannot be recovered afterwards (a lost key is revoked and replaced).
A key stops working when its owner revokes it, when it expires, or when her account is deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ApiToken, User

KEY_PREFIX = "mkt_"
# A key's last use is recorded at most this often, so that a busy key costs one UPDATE a minute, not one per request.
LAST_USED_INTERVAL = timedelta(minutes=1)
# Unrevoked, unexpired keys one person may hold at a time.
MAX_ACTIVE_TOKENS = 20


class ApiTokenError(Exception):
    """A token could not be made; the message is translated and can be shown as it is."""


def api_token_hash(key: str) -> str:
    """What is stored for ``key``: its SHA-256, in hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The owner's own tokens, newest first (revoked and expired ones too, marked as such on her page)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_active_count(user: User, *, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return (
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count()
    )


def api_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it and its key, which exists nowhere else from now on."""
    name = name.strip()
    if not name:
        raise ApiTokenError(_("Give the token a name."))
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ApiTokenError(_("The expiry date must be in the future."))
    with transaction.atomic():
        # Lock the owner's row so that two requests at once cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if api_token_active_count(user, now=now) >= MAX_ACTIVE_TOKENS:
            raise ApiTokenError(
                ngettext(
                    "You already have %(count)s active token: revoke it first.",
                    "You already have %(count)s active tokens: revoke one you no longer use first.",
                    MAX_ACTIVE_TOKENS,
                )
                % {"count": MAX_ACTIVE_TOKENS}
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user, name=name[:100], key_hash=api_token_hash(key), created_at=now, expires_at=expires_at
        )
    return token, key


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens; False when she has no such token or it was already revoked."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def api_token_authenticate(key: str) -> ApiToken | None:
    """The usable token whose key is ``key`` (not revoked, not expired, its owner active), with its owner; None
    otherwise. Records when it was last used (at most once a ``LAST_USED_INTERVAL``)."""
    key = (key or "").strip()
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_INTERVAL)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token
