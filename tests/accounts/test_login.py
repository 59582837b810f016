"""Signing in and out, sessions, the sign-in rate limit, last activity and the remembered language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from tests.accounts.helpers import LOGIN, LOGOUT, PROFILE, log_in
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GENERIC_ERROR = "The email or username and password do not match an active account."


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def non_field_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


# Signing in.


def test_sign_in_with_email_in_any_case(client):
    user = UserFactory(email="amina@example.org")

    response = log_in(client, "  Amina@EXAMPLE.org ")

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(PROFILE).status_code == 200


def test_wrong_password_gives_a_generic_error_and_no_session(client):
    UserFactory(email="amina@example.org")

    response = log_in(client, "amina@example.org", "not-her-password")

    assert response.status_code == 200
    assert len(non_field_errors(response)) == 1
    assert non_field_errors(response)[0].startswith(GENERIC_ERROR)
    assert signed_in_user_id(client) is None


def test_unknown_address_gives_the_same_error_as_a_wrong_password(client):
    UserFactory(email="amina@example.org")

    wrong_password = log_in(client, "amina@example.org", "not-her-password")
    unknown = log_in(client, "nobody@example.org", "not-her-password")

    assert unknown.status_code == wrong_password.status_code == 200
    assert non_field_errors(unknown) == non_field_errors(wrong_password)


def test_unconfirmed_account_cannot_sign_in(client):
    UserFactory(email="amina@example.org", is_active=False)

    response = log_in(client, "amina@example.org")

    assert response.status_code == 200
    assert non_field_errors(response)[0].startswith(GENERIC_ERROR)
    assert signed_in_user_id(client) is None
    assert client.get(PROFILE).status_code == 302


def test_signing_in_gives_the_session_a_new_key(client):
    UserFactory(email="amina@example.org")
    session = client.session
    session["before"] = "anonymous"
    session.save()
    key_before = session.session_key

    log_in(client, "amina@example.org")

    key_after = client.cookies["sessionid"].value
    assert key_after != key_before
    assert signed_in_user_id(client) is not None
    assert not Session.objects.filter(session_key=key_before).exists()


def test_signed_in_user_opening_the_login_page_is_sent_on(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)

    response = client.get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == "/en/"


# Signing out.


def test_logout_by_get_is_refused_and_keeps_the_session(client):
    user = UserFactory()
    client.force_login(user)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert signed_in_user_id(client) == str(user.pk)


def test_logout_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(PROFILE).status_code == 200

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    after = client.get(PROFILE)
    assert after.status_code == 302
    assert after["Location"].startswith(LOGIN)


# Rate limit.


def test_repeated_failed_sign_ins_to_one_account_get_429(client, settings):
    settings.RATES = {**settings.RATES, "login-account": "3/10m"}
    UserFactory(email="amina@example.org")

    attempts = [
        log_in(client, login, "wrong-guess")
        for login in ["amina@example.org", "AMINA@example.org", "amina@example.org "]
    ]
    assert [response.status_code for response in attempts] == [200, 200, 200]

    blocked = log_in(client, "amina@example.org")  # even the right password, now

    assert blocked.status_code == 429
    assert "Retry-After" in blocked
    assert signed_in_user_id(client) is None


def test_sign_in_rate_limit_is_per_account(client, settings):
    settings.RATES = {**settings.RATES, "login-account": "3/10m"}
    UserFactory(email="amina@example.org")
    other = UserFactory(email="fatima@example.org")
    for _ in range(4):
        log_in(client, "amina@example.org", "wrong-guess")

    response = log_in(client, "fatima@example.org")

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(other.pk)


def test_default_sign_in_rate_for_an_account(client, settings):
    limit = int(settings.RATES["login-account"].split("/")[0])
    UserFactory(email="amina@example.org")

    statuses = [log_in(client, "amina@example.org", "wrong-guess").status_code for _ in range(limit + 1)]

    assert statuses == [200] * limit + [429]


# Last activity.


def activity_updates(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("UPDATE") and "accounts_user" in query["sql"] and "last_activity" in query["sql"]
    ]


def test_a_signed_in_request_records_last_activity(client):
    user = UserFactory()
    client.force_login(user)
    before = timezone.now()

    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROFILE).status_code == 200

    assert len(activity_updates(queries.captured_queries)) == 1
    user.refresh_from_db()
    assert user.last_activity is not None and user.last_activity >= before


def test_last_activity_is_written_at_most_once_an_hour(client):
    user = UserFactory()
    client.force_login(user)
    client.get(PROFILE)
    user.refresh_from_db()
    first = user.last_activity

    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROFILE).status_code == 200

    assert activity_updates(queries.captured_queries) == []
    user.refresh_from_db()
    assert user.last_activity == first


def test_last_activity_is_written_again_after_an_hour(client):
    user = UserFactory()
    client.force_login(user)
    long_ago = timezone.now() - timedelta(hours=1, minutes=1)
    User.objects.filter(pk=user.pk).update(last_activity=long_ago)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROFILE).status_code == 200

    assert len(activity_updates(queries.captured_queries)) == 1
    user.refresh_from_db()
    assert user.last_activity > long_ago + timedelta(hours=1)


def test_anonymous_requests_record_no_activity(client):
    with CaptureQueriesContext(connection) as queries:
        client.get(LOGIN)

    assert activity_updates(queries.captured_queries) == []


# Language.


def test_opening_a_page_in_another_language_remembers_it(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)

    response = client.get("/ar/")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.preferred_language == "ar"


def test_sign_in_continues_in_her_preferred_language(client):
    UserFactory(email="amina@example.org", preferred_language="ar")

    response = log_in(client, "amina@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/ar/"
    cookie = response.cookies["django_language"]
    assert cookie.value == "ar"
    assert cookie["samesite"] == "Lax"
    assert client.get(response["Location"]).status_code == 200


def test_sign_in_follows_next_to_the_page_she_asked_for(client):
    UserFactory(email="amina@example.org")
    asked = client.get(PROFILE)
    assert asked["Location"] == f"{LOGIN}?next={PROFILE}"

    response = client.post(LOGIN, {"username": "amina@example.org", "password": DEFAULT_PASSWORD, "next": PROFILE})

    assert response.status_code == 302
    assert response["Location"] == PROFILE


def test_sign_in_does_not_follow_next_to_another_site(client):
    UserFactory(email="amina@example.org")

    response = client.post(
        LOGIN, {"username": "amina@example.org", "password": DEFAULT_PASSWORD, "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/"
