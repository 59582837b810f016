"""A cache of whole pages for anonymous visitors, on its own cache alias (``PAGE_CACHE_ALIAS``, "pages": local
memory in the embedded default, its own database on the Redis server otherwise; ``core.cache.ResilientRedisCache``
so that a Redis outage only means misses).

Why not Django's ``UpdateCacheMiddleware``/``FetchFromCacheMiddleware``: they send ``Cache-Control: max-age`` to
everyone (a shared proxy could then hand an anonymous page to a signed-in teacher, or hers to someone else), they
key on ``Vary: Cookie`` (every csrftoken value makes its own entry) and they cannot tell a Wagtail page that may be
cached from a view that may not. ``wagtail-cache`` does not support Wagtail 8 (PITFALLS.md).

How it works
------------
* ``FetchPageCacheMiddleware`` (after the session, authentication and messages middleware) serves a stored page to
  a GET or HEAD request that carries no session cookie and no messages cookie, from a visitor who is not signed in.
  Without a session cookie, finding out that she is anonymous costs no query, so a hit makes no query at all.
  Whoever has a session (she signed in, or something was stored for her) is never served from the cache: a teacher
  who signs in sees "Continue where you left off" on the very next page.
* Only what the view marked with :func:`allow` is stored (the ``cms`` app marks its public page types, with the
  query parameters each of them reads), by ``UpdatePageCacheMiddleware``, which sits outside the session, CSRF and
  messages middleware so that it sees the cookies they set. A response is stored only if it is a 200 HTML page, sets
  no cookie (csrftoken, session, messages: so neither a form with a CSRF token nor a pending or shown message is ever
  stored), has no ``Cache-Control: private/no-store/no-cache`` (Wagtail sets them on pages with view restrictions),
  varies on nothing but cookies, language and encoding, and its query string has only the parameters the page reads.
* The key is the scheme, host, path (with the language prefix) and the query string with its parameters in a fixed
  order, hashed. A query string with an unknown parameter (``?utm_source=…``, a random one) is not stored, so
  random query strings cannot fill the cache; the catalogue's and the library's own parameters are, with each entry
  living ``PAGE_CACHE_SECONDS`` at most, and the alias has its own memory bound (``MAX_ENTRIES`` / Redis maxmemory).
* A stored page keeps an ``ETag`` (from its content, like ``ConditionalGetMiddleware``'s) and a ``Last-Modified``
  (when it was rendered), so that ``ConditionalGetMiddleware`` answers a repeat visit with a 304 straight from the
  cache. Its ``Cache-Control`` is ``private, no-cache``: browsers keep it but ask every time (a 304 costs nothing),
  and no shared proxy keeps a page that another visitor could be served. ``last_published_at`` is not used for
  ``Last-Modified``: no page of ours depends on its own revision alone (the language switcher lists the page's
  translations, the catalogue and library list other pages, a course page shows its lms course and outline).

Invalidation: a generation token
--------------------------------
Every key includes a generation token stored in the same cache; :func:`invalidate` replaces it, which orphans every
entry at once (they expire by their TTL). Compared with clearing the alias, it works the same on Redis and in local
memory, never scans or flushes a database, and it closes a race: a request reads the token *before* it reads the
database and stores under that token, so a render that read data from before a commit can only be stored under a
generation that the commit has already replaced. Receivers therefore call :func:`invalidate_on_commit`, which
replaces the token at once and again after the commit. The price is that one publish drops the whole site's cache,
which is cheap at our publishing rate (a page is re-rendered once per TTL or publish, not once per visitor).

The ``cms`` app connects the receivers (Wagtail's publish, unpublish, move and page deletion, and the lms rows that
the pages show without a publish); see ``cms/apps.py`` for what is and is not followed. ``PAGE_CACHE_SECONDS``
bounds whatever is not followed. ``PAGE_CACHE_SECONDS = 0`` turns the cache off.

With local memory (no ``REDIS_URL``) each process has its own cache and generation: that is the embedded default,
one process. Production runs several gunicorn processes and has Redis (prod.py refuses to start without it).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from hashlib import sha256
from typing import TypeVar
from urllib.parse import urlencode

from asgiref.local import Local
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control, set_response_etag
from django.utils.http import http_date

T = TypeVar("T")
# The generation token the current request has read (see ``generation``), per thread (and per asyncio task).
_request = Local()
GENERATION_KEY = "page-cache:generation"
# Vary headers a stored page may carry: the key covers these (no session and no messages cookie, the language is
# in the path, GZipMiddleware compresses on the way out).
HARMLESS_VARY = {"cookie", "accept-language", "accept-encoding"}
REFUSED_CACHE_CONTROL = {"private", "no-store", "no-cache", "max-age=0"}
HIT_HEADER = "X-Page-Cache"

_ALLOWED = "_page_cache_params"
_KEY = "_page_cache_key"
_HIT = "_page_cache_hit"


def page_cache():
    """The page cache's alias; None where it is not configured (then nothing is cached, nothing fails)."""
    alias = getattr(settings, "PAGE_CACHE_ALIAS", "pages")
    return caches[alias] if alias in settings.CACHES else None


def cache_seconds() -> int:
    """How long a page is kept; 0 when the page cache is off."""
    seconds = int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)
    return seconds if seconds > 0 and page_cache() is not None else 0


def allow(request: HttpRequest, *, params: Iterable[str] = ()) -> None:
    """Let the response to ``request`` be stored for anonymous visitors, if its query string has only ``params``."""
    setattr(request, _ALLOWED, frozenset(params))


def is_allowed(request: HttpRequest) -> bool:
    return getattr(request, _ALLOWED, None) is not None


def generation() -> str | None:
    """The current generation token; None when the cache cannot be reached (then nothing is cached). A request
    reads it once, at its first use (``UpdatePageCacheMiddleware`` marks where a request begins and ends): so its
    page, fragments and memos all belong to one generation, and only one read of the cache is paid for them."""
    cache = page_cache()
    if cache is None:
        return None
    if getattr(_request, "read", False):
        return _request.token  # None too: with Redis down, a request tries it once, not at every use
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(GENERATION_KEY)
    if getattr(_request, "active", False):
        _request.token, _request.read = token, True
    return token


def invalidate() -> None:
    """Orphan every stored page (and cached navigation fragment, and memo) now."""
    cache = page_cache()
    if cache is not None:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    _request.token, _request.read = None, False  # what this request reads from now on belongs to the new one


def invalidate_on_commit(using: str | None = None) -> None:
    """Invalidate now and again once the current transaction commits (see the module docstring). The one after the
    commit is scheduled once per transaction however many rows it changes; the one now happens for each, because
    whatever this connection renders in between (a test, a management command) already sees the change."""
    invalidate()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and not any(
        callback is invalidate for _sids, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(invalidate, using=using, robust=True)


def normalised_query(request: HttpRequest) -> str:
    """The query string with its parameters sorted by name (each parameter's values keep their order)."""
    return urlencode(sorted(request.GET.lists()), doseq=True)


def _anonymous_without_state(request: HttpRequest) -> bool:
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


def request_key(request: HttpRequest) -> str | None:
    """The cache key for this anonymous request, or None when it must not use the cache."""
    if cache_seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return None
    if len(request.META.get("QUERY_STRING", "")) > getattr(settings, "PAGE_CACHE_MAX_QUERY", 500):
        return None
    if not _anonymous_without_state(request):
        return None
    token = generation()
    if token is None:
        return None
    address = f"{request.scheme}://{request.get_host()}{request.path}?{normalised_query(request)}"
    return f"page:{token}:{sha256(address.encode()).hexdigest()}"


class FetchPageCacheMiddleware:
    """Serves stored pages to anonymous visitors. Goes after the session, authentication and messages middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request_key(request)
        if key is not None:
            setattr(request, _KEY, key)
            entry = page_cache().get(key)
            if entry is not None:
                setattr(request, _HIT, True)
                response = HttpResponse(entry["content"], status=entry["status"])
                for name, value in entry["headers"]:
                    response.headers[name] = value
                response.headers[HIT_HEADER] = "hit"
                return response
        return self.get_response(request)


class UpdatePageCacheMiddleware:
    """Stores what the view allowed, for anonymous visitors, and gives the pages that may be cached their validators
    and ``Cache-Control``. Goes after ``ConditionalGetMiddleware`` and before the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The request's generation token is read once, at its first use (``generation``), and forgotten at its end.
        _request.active, _request.token, _request.read = True, None, False
        try:
            response = self.get_response(request)
        finally:
            _request.active, _request.token, _request.read = False, None, False
        if getattr(request, _HIT, False) or not is_allowed(request):
            return response
        key = getattr(request, _KEY, None)
        if key is not None and request.method == "GET" and storable(request, response):
            set_response_etag(response)
            if not response.has_header("Last-Modified"):
                response.headers["Last-Modified"] = http_date(time.time())
            patch_cache_control(response, private=True, no_cache=True)
            entry = {
                "status": response.status_code,
                "headers": [(name, value) for name, value in response.headers.items() if name != HIT_HEADER],
                "content": response.content,
            }
            page_cache().set(key, entry, timeout=cache_seconds())
            response.headers[HIT_HEADER] = "miss"
        elif not response.has_header("Cache-Control"):
            # A page that may hold the visitor's own bits: the browser asks again each time, no proxy keeps it.
            patch_cache_control(response, private=True, no_cache=True)
        return response


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether this response to an anonymous request may be served to every anonymous visitor."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = {part.strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    if cache_control & REFUSED_CACHE_CONTROL:
        return False
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    if vary - HARMLESS_VARY:
        return False
    if not set(request.GET) <= getattr(request, _ALLOWED):
        return False
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


def fragment(name: str, *parts, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the page cache under ``name`` and ``parts`` until the next invalidation (a publish,
    see above) or ``PAGE_CACHE_SECONDS``. For pieces of pages that signed-in visitors see too (navigation); the
    value must not depend on the visitor beyond ``parts``. Computed every time when the cache is off or down."""
    seconds = cache_seconds()
    token = generation() if seconds > 0 else None
    if token is None:
        return compute()
    key = f"fragment:{name}:{token}:{sha256(repr(parts).encode()).hexdigest()}"
    cache = page_cache()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value


# key -> (expires at, value), all of one generation token; see ``memo``.
_memos: tuple[str | None, dict] = (None, {})
MEMO_MAX_ENTRIES = 5000


def memo(name: str, *parts, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process's memory under ``name`` and ``parts`` until the next invalidation (the
    generation token changes: a publish, or a change to what the receivers in ``cms/apps.py`` follow) or
    ``PAGE_CACHE_SECONDS``. For what every request reads and rarely changes: the site, a language's home page, a
    course's structure. Unlike ``fragment`` it costs no cache read (the request reads the token once anyway) and no
    unpickling; the price is that the value is shared by every request this process serves, so it must be treated
    as read-only, and must not depend on the visitor beyond ``parts``. Computed every time when the cache is off or
    down, and when it returns None (never kept). Each process keeps at most ``MEMO_MAX_ENTRIES`` values, and forgets
    them all when the token changes."""
    global _memos
    seconds = cache_seconds()
    token = generation() if seconds > 0 else None
    if token is None:
        return compute()
    current, values = _memos
    if current != token:
        values = {}
        _memos = (token, values)
    key = (name, parts)
    now = time.monotonic()
    entry = values.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    if value is None:
        return value  # not kept: a miss (an unknown address) must not take a place
    if len(values) >= MEMO_MAX_ENTRIES:
        values.clear()
    values[key] = (now + seconds, value)
    return value
