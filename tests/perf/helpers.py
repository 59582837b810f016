"""Counting the queries of one page: each page test builds a little data, counts, builds more, counts again and
asserts the two numbers are equal (the number of queries must not grow with the rows a page shows)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def count_queries(client: Client, url: str, params: dict | None = None, *, expect: int = 200) -> int:
    """The queries of one GET of ``url``, after a first GET that warms per-process and per-session caches (the
    first request of a session records the visitor's activity; Wagtail caches the site's root paths)."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)  # a streamed export reads its rows while it streams
    assert response.status_code == expect, (url, response.status_code)
    return len(captured)


def assert_constant(
    client: Client, url: str | Callable[[], str], grow: Callable[[int], object], *, few: int = 2, many: int = 8, **kw
) -> int:
    """Builds ``few`` rows with ``grow(few)``, counts, builds ``many - few`` more, counts again: equal counts."""
    address = url if isinstance(url, str) else None
    grow(few)
    small = count_queries(client, address or url(), **kw)
    grow(many - few)
    large = count_queries(client, address or url(), **kw)
    assert large == small, f"{address or url()}: {small} queries with {few} rows, {large} with {many}"
    return small


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
