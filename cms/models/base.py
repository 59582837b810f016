"""What every page type of the site shares."""

from __future__ import annotations

from wagtail.models import PageViewRestriction

from core import page_cache


class FastViewRestrictionsMixin:
    """Wagtail checks a page's view restrictions (its own and its ancestors', through aliases) on every visit: two
    queries. Our site has none unless an editor sets some, so whether any exists at all is kept in memory
    (``core.page_cache.memo``; saving or deleting a restriction invalidates it: ``cms/apps.py``): with none, the
    check costs no query; with any, Wagtail's full check runs for every page."""

    def get_view_restrictions(self):
        if not page_cache.memo("view-restrictions-exist", compute=PageViewRestriction.objects.exists):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
