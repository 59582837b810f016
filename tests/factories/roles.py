"""Users with roles, granted through the service (so their groups follow, as in production)."""

from __future__ import annotations

from accounts.models import Country, Region, Role, User
from accounts.services import role_grant

from .accounts import UserFactory


def trainer(**fields) -> User:
    user = UserFactory(**fields)
    role_grant(user=user, role=Role.TRAINER)
    return user


def ministry_official(*, country: Country, region: Region | None = None, **fields) -> User:
    user = UserFactory(**fields)
    role_grant(user=user, role=Role.MINISTRY_OFFICIAL, country=country, region=region)
    return user


def superuser(**fields) -> User:
    return UserFactory(is_superuser=True, is_staff=True, **fields)
