"""Finding the page for a URL in one query instead of two per level.

Wagtail routes a request by walking the tree: from the language's home page, each level loads the child with the
next slug and then its specific page, so a lesson (home → courses → course → module → lesson) costs eight queries
before anything is drawn. Every page's ``url_path`` already says where it is, so the pages along the URL can be
read at once. Wagtail's walk stays the rule wherever it could differ: when a page on the way routes its children
itself (the library's index is a RoutablePageMixin page with routes of its own), or when the URL does not name a
chain of pages (a sub-route), ``route_by_url_path`` returns None and the caller walks as Wagtail does.
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Page


def route_by_url_path(root: Page, request: Any, path_components: list[str]) -> Any | None:
    """The route result for ``path_components`` under ``root``, or None where Wagtail's own walk must decide."""
    prefixes = [root.url_path + "/".join(path_components[:count]) + "/" for count in range(1, len(path_components) + 1)]
    chain = list(
        Page.objects.filter(
            path__startswith=root.path,
            depth__gt=root.depth,
            depth__lte=root.depth + len(prefixes),
            url_path__in=prefixes,
        )
        .only("id", "path", "depth", "url_path", "content_type_id")
        .order_by("depth")
    )
    if [page.url_path for page in chain] != prefixes:
        return None  # not a page at every level: a sub-route, or nothing (Wagtail's walk raises the 404)
    for page in chain[:-1]:
        if getattr(page.specific_class, "route", None) is not Page.route:
            return None  # this page routes its children itself
    target = chain[-1].specific
    return target.route(request, [])
