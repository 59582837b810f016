"""What a requester may see. Selectors take a ``Scope`` and apply it; they never look roles up themselves."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Scope:
    """``everything`` for superusers; otherwise the union of the countries and regions granted (a region
    narrows its own country only). ``user_id`` is the requester, for her own data and, as a trainer, her
    own courses and events."""

    user_id: int | None = None
    everything: bool = False
    country_ids: frozenset[int] = field(default_factory=frozenset)
    # (country_id, region_id) pairs: a ministry official limited to one region of her country.
    region_ids: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    trainer: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.country_ids or self.region_ids)

    def geography_q(self, *, country_field: str = "country", region_field: str = "region") -> Q:
        """A filter for rows that carry a country and a region (copied onto counted rows for reports)."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if self.country_ids:
            condition |= Q(**{f"{country_field}__in": sorted(self.country_ids)})
        for country_id, region_id in sorted(self.region_ids):
            condition |= Q(**{country_field: country_id, region_field: region_id})
        return condition

    def filter(self, queryset: QuerySet, *, country_field: str = "country", region_field: str = "region") -> QuerySet:
        return queryset.filter(self.geography_q(country_field=country_field, region_field=region_field))

    def covers(self, *, country_id: int | None, region_id: int | None = None) -> bool:
        if self.everything:
            return True
        if country_id in self.country_ids:
            return True
        return (country_id, region_id) in self.region_ids


NOBODY = Scope()
