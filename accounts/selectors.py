from __future__ import annotations

from django.db.models import QuerySet

from .models import Country, Region, Role, RoleGrant, User
from .scope import NOBODY, Scope


def scope_for(user) -> Scope:
    """The data ``user`` may see beyond her own: everything for a superuser, her country or region as a
    ministry official, her partner site's country as a site administrator."""
    if user is None or not user.is_authenticated:
        return NOBODY
    if user.is_superuser:
        return Scope(user_id=user.pk, everything=True, trainer=True)
    countries: set[int] = set()
    regions: set[tuple[int, int]] = set()
    trainer = False
    for grant in RoleGrant.objects.filter(user=user).select_related("partner_site"):
        if grant.role == Role.TRAINER:
            trainer = True
        elif grant.role == Role.MINISTRY_OFFICIAL:
            if grant.region_id:
                regions.add((grant.country_id, grant.region_id))
            else:
                countries.add(grant.country_id)
        elif grant.role == Role.SITE_ADMINISTRATOR and grant.partner_site_id:
            countries.add(grant.partner_site.country_id)
    return Scope(user_id=user.pk, country_ids=frozenset(countries), region_ids=frozenset(regions), trainer=trainer)


def user_has_role(user, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or RoleGrant.objects.filter(user=user, role__in=roles).exists()


def user_list(*, scope: Scope, search: str = "") -> QuerySet[User]:
    """Users within ``scope`` (by their country and region)."""
    users = scope.filter(User.objects.all()).select_related("country", "region", "institution")
    if search:
        from django.db.models import Q

        users = users.filter(
            Q(full_name__icontains=search) | Q(email__icontains=search) | Q(username__icontains=search)
        )
    return users


def country_list() -> list[Country]:
    """Countries sorted by their name in the active language."""
    return sorted(Country.objects.all(), key=lambda country: country.local_name.casefold())


def region_list(*, country: Country | None = None) -> QuerySet[Region]:
    regions = Region.objects.select_related("country")
    return regions.filter(country=country) if country else regions
