"""Browsers ask for /favicon.ico on every visit: it answers (a permanent redirect to the small static icon) instead of a
404 page, and the pages link the icon themselves."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_small_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].startswith("/static/core/favicon")
    icon = finders.find("core/favicon.ico")
    with open(icon, "rb") as file:
        content = file.read()
    assert content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert len(content) < 1024  # it matters on a slow connection


def test_pages_link_the_icon(client):
    html = client.get("/en/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/core/favicon' in html
