"""Issue #9, sessions: a new session key on sign-in (no fixation), the session ended on the server at sign-out,
a password change that keeps her signed in here but signs out her other browsers, a password reset that signs
out every browser, and a session cookie that scripts cannot read and other sites do not get sent."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple 42"
NEW_PASSWORD = "a completely different one 97"


@pytest.fixture(autouse=True)
def _no_rate_limits():
    cache.clear()  # the sign-in rate limit counts per address: every test signs in a few times
    yield
    cache.clear()


@pytest.fixture
def teacher():
    return UserFactory(email="nadia@example.org", password=PASSWORD)


def sign_in(client: Client, password: str = PASSWORD) -> None:
    response = client.post("/en/accounts/login/", {"username": "nadia@example.org", "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in_as(client: Client) -> int | None:
    """Whom the server takes this browser for: the profile page needs sign-in."""
    response = client.get("/en/accounts/profile/")
    if response.status_code != 200:
        return None
    return response.wsgi_request.user.pk


def browser_with(key: str) -> Client:
    """Another client that presents ``key`` as its session cookie (a stolen or fixated cookie)."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    return other


def test_signing_in_gives_a_new_session_key(client, teacher):
    client.get("/en/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    fixated = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = fixated

    sign_in(client)

    assert session_key(client) != fixated
    assert not Session.objects.filter(session_key=fixated).exists()
    assert signed_in_as(browser_with(fixated)) is None  # the attacker's copy of the old key gets nothing
    assert signed_in_as(client) == teacher.pk


def test_signing_out_ends_the_session_on_the_server(client, teacher):
    sign_in(client)
    key = session_key(client)
    assert signed_in_as(browser_with(key)) == teacher.pk

    response = client.post("/en/accounts/logout/")

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert signed_in_as(browser_with(key)) is None
    assert signed_in_as(client) is None


def test_sign_out_needs_a_post(client, teacher):
    sign_in(client)
    assert client.get("/en/accounts/logout/").status_code == 405
    assert signed_in_as(client) == teacher.pk


def test_changing_the_password_keeps_this_browser_and_signs_out_the_others(client, teacher):
    sign_in(client)
    laptop = Client()
    sign_in(laptop)
    stolen = browser_with(session_key(laptop))
    assert signed_in_as(stolen) == teacher.pk

    response = client.post(
        "/en/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert signed_in_as(client) == teacher.pk
    assert signed_in_as(laptop) is None
    assert signed_in_as(stolen) is None


def test_a_password_reset_signs_out_every_browser(client, teacher, django_capture_on_commit_callbacks):
    phone, laptop = Client(), Client()
    sign_in(phone)
    sign_in(laptop)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": "nadia@example.org"})
    (message,) = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    opened = client.get(link.removeprefix("http://testserver"))
    assert opened.status_code == 302  # Django moves the token into the session
    response = client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]

    assert signed_in_as(phone) is None
    assert signed_in_as(laptop) is None
    fresh = Client()
    sign_in(fresh, NEW_PASSWORD)
    assert signed_in_as(fresh) == teacher.pk


def test_the_session_cookie_is_httponly_and_samesite_lax(client, teacher):
    sign_in(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    # Secure in production: tests/security/test_check_deploy.py reads the production settings.


def test_the_session_holds_the_user_only_after_sign_in(client, teacher):
    client.get("/en/accounts/login/")
    assert SESSION_KEY not in client.session
    sign_in(client)
    assert client.session[SESSION_KEY] == str(teacher.pk)
