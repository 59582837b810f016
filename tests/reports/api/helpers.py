"""Calling the API as a system with a token, or as a browser with a session."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.api_tokens import api_token_create


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def token_for(user, *, name: str = "Ministry information system", **fields) -> str:
    return api_token_create(user=user, name=name, **fields)[1]


def with_token(key: str, *, keyword: str = "Bearer") -> Client:
    return Client(headers={"Authorization": f"{keyword} {key}"})


def as_system(user) -> Client:
    """A client that calls with one of ``user``'s API tokens."""
    return with_token(token_for(user))


def as_browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queries(client: Client, path: str, params: dict | None = None) -> int:
    """How many queries one call makes (after a first call, so that one-off writes are out of the count)."""
    client.get(path, params or {})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return len(captured)


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"status", "code", "message", "fields"}, body
    assert body["error"]["status"] == response.status_code
    return body["error"]
