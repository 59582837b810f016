"""API tokens: a system calls as the token's owner with ``Authorization: Bearer <key>`` (or ``Token <key>``); a key
that is unknown, revoked or expired, or whose owner is deactivated, is a 401 saying nothing more. Only the key's
SHA-256 is stored: the key is shown once, on the page where its owner makes it, and she revokes it there."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.api_tokens import MAX_ACTIVE_TOKENS, api_token_create
from accounts.models import ApiToken, Country
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official, superuser

from .helpers import as_browser, error_of, token_for, url, with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def official():
    return ministry_official(country=Country.objects.get(code="EG"))


def test_a_token_calls_as_its_owner_and_only_its_hash_is_stored(official):
    token, key = api_token_create(user=official, name="Ministry sync")
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert all(key not in str(value) for value in row.values())

    for keyword in ("Bearer", "Token", "bearer"):
        assert with_token(key, keyword=keyword).get(url("teacher-list")).status_code == 200, keyword
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("case", ["wrong", "revoked", "expired", "owner deactivated", "no prefix", "malformed"])
def test_a_token_that_cannot_be_used_is_a_401(official, case):
    token, key = api_token_create(user=official, name="Ministry sync")
    header = f"Bearer {key}"
    if case == "wrong":
        header = f"Bearer {key[:-4]}AAAA"
    elif case == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif case == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "owner deactivated":
        official.is_active = False
        official.save(update_fields=["is_active"])
    elif case == "no prefix":
        header = f"Bearer {key.removeprefix('mkt_')}"
    elif case == "malformed":
        header = f"Bearer {key} extra"
    response = Client(headers={"Authorization": header}).get(url("teacher-list"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert error_of(response)["code"] == "authentication_failed"
    assert "Amina" not in response.content.decode()


def test_no_credentials_is_a_401_with_a_challenge():
    response = Client().get(url("my-certificates"))
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_browser_session_works_too(official):
    assert as_browser(official).get(url("teacher-list")).status_code == 200


def test_the_owner_makes_a_token_sees_it_once_and_revokes_it(official):
    browser = as_browser(official)
    page = reverse("accounts:api-tokens")
    assert page in browser.get(reverse("accounts:profile")).content.decode()
    assert browser.get(page).status_code == 200
    response = browser.post(page, {"name": "Ministry sync", "expires": "90"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=official)
    key = re.search(r"mkt_[\w-]+", response.content.decode()).group()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert "no-store" in response.headers["Cache-Control"]
    assert key not in browser.get(page).content.decode()  # shown once
    assert with_token(key).get(url("teacher-list")).status_code == 200

    response = browser.post(reverse("accounts:api-token-revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert with_token(key).get(url("teacher-list")).status_code == 401


def test_nobody_revokes_someone_elses_token(official):
    token, _key = api_token_create(user=official, name="Ministry sync")
    intruder = as_browser(UserFactory())
    intruder.post(reverse("accounts:api-token-revoke", kwargs={"token_id": token.pk}))
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "Ministry sync" not in intruder.get(reverse("accounts:api-tokens")).content.decode()


def test_a_token_needs_a_name_and_there_is_a_limit(official):
    browser = as_browser(official)
    response = browser.post(reverse("accounts:api-tokens"), {"name": "  ", "expires": "never"})
    assert "mkt_" not in response.content.decode() and not ApiToken.objects.exists()
    for number in range(MAX_ACTIVE_TOKENS):
        token_for(official, name=f"System {number}")
    response = browser.post(reverse("accounts:api-tokens"), {"name": "One too many", "expires": "never"})
    assert "mkt_" not in response.content.decode()
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_the_operations_admin_shows_tokens_read_only(official):
    token, key = api_token_create(user=official, name="Ministry sync")
    admin = as_browser(superuser())
    listing = admin.get(reverse("admin:accounts_apitoken_changelist"))
    assert listing.status_code == 200 and "Ministry sync" in listing.content.decode()
    detail = admin.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.key_hash not in detail and key not in detail
    assert admin.get(reverse("admin:accounts_apitoken_add")).status_code == 403
