"""Finding the page for a URL in one query instead of two per level.

Wagtail routes a request by walking the tree: from the language's home page, each level loads the child with the
next slug and then its specific page, so a lesson (home → courses → course → module → lesson) costs eight queries
before anything is drawn. Every page's ``url_path`` already says where it is, so the pages along the URL can be
read at once. Wagtail's walk stays the rule wherever it could differ: when a page on the way routes its children
itself (the library's index is a RoutablePageMixin page with routes of its own), or when the URL does not name a
chain of pages (a sub-route), ``route_by_url_path`` returns None and the caller walks as Wagtail does.

What the walk finds is the same for every visitor until the next publish, move or deletion, so ``serve`` (our
front-end page view, in front of Wagtail's) keeps in each process's memory (``core.page_cache.memo``) the site for
a host, each language's home page and the page found for each address: on most requests a page is found without a
query. Those page objects are shared by the requests a process serves; nothing may change them.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.http.request import split_domain_port
from django.utils.translation import get_language
from wagtail.models import Page, Site

from core import page_cache


def serve(request, path):
    """Wagtail's front-end page view, with the route found from memory (see above); then Wagtail's own ``serve``
    runs its hooks (view restrictions, the page cache's mark) and the page."""
    from wagtail import views as wagtail_views  # not at import time: it loads the page model

    if not hasattr(request, "_wagtail_route_for_request"):
        hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
        site = page_cache.memo("site", hostname, port, compute=lambda: Site._find_for_request(request))
        request._wagtail_site = site
        # Where each site's pages live, for every page address drawn (Wagtail keeps it in the default cache: a read).
        request._wagtail_cached_site_root_paths = page_cache.memo("site-root-paths", compute=Site.get_site_root_paths)
        route = None
        if site is not None:
            home = page_cache.memo("home", site.pk, get_language(), compute=lambda: site.root_page.localized.specific)
            try:
                route = home.route(request, [component for component in path.split("/") if component])
            except Http404:
                route = None
        request._wagtail_route_for_request = route
    return wagtail_views.serve(request, path)


def route_by_url_path(root: Page, request: Any, path_components: list[str]) -> Any | None:
    """The route result for ``path_components`` under ``root``, or None where Wagtail's own walk must decide."""
    if getattr(request, "is_preview", False):
        target = _target(root, path_components)
    else:
        # Only pages found are kept (``memo`` keeps no None): random addresses cannot fill the memo.
        target = page_cache.memo("route", root.pk, *path_components, compute=lambda: _target(root, path_components))
    return None if target is None else target.route(request, [])


def _target(root: Page, path_components: list[str]) -> Page | None:
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
    return chain[-1].specific
