"""What the account tests share: the URLs, signing in, and finding the link in an email."""

from __future__ import annotations

import re

from tests.factories.accounts import DEFAULT_PASSWORD

LOGIN = "/en/accounts/login/"
LOGOUT = "/en/accounts/logout/"
PROFILE = "/en/accounts/profile/"
PASSWORD_CHANGE = "/en/accounts/password/change/"
PASSWORD_RESET = "/en/accounts/password/reset/"


def log_in(client, login: str, password: str = DEFAULT_PASSWORD):
    return client.post(LOGIN, {"username": login, "password": password})


def link_in(message) -> str:
    match = re.search(r"https?://\S+", message.body)
    assert match, f"no link in {message.body!r}"
    return match.group(0)


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")
