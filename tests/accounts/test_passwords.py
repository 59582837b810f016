"""Changing a password (other sessions end) and resetting a forgotten one by email."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.accounts.helpers import LOGIN, PASSWORD_CHANGE, PASSWORD_RESET, PROFILE, link_in, log_in, path_of
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern-quietly-orchard-47"


def can_log_in(login: str, password: str) -> bool:
    client = Client()
    return log_in(client, login, password).status_code == 302 and "_auth_user_id" in client.session


def request_reset(client, capture, email: str):
    with capture(execute=True):
        return client.post(PASSWORD_RESET, {"email": email})


def reset_with_link(client, link: str, password: str = NEW_PASSWORD):
    """Open the emailed link (Django swaps the token into the session and redirects) and post the form."""
    opened = client.get(path_of(link))
    assert opened.status_code == 302
    form_url = opened["Location"]
    form_page = client.get(form_url)
    return form_page, client.post(form_url, {"new_password1": password, "new_password2": password})


# Changing the password.


def test_changing_the_password_ends_her_other_sessions_and_keeps_this_one():
    UserFactory(email="amina@example.org")
    laptop, phone = Client(), Client()
    assert log_in(laptop, "amina@example.org").status_code == 302
    assert log_in(phone, "amina@example.org").status_code == 302

    response = laptop.post(
        PASSWORD_CHANGE,
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert laptop.get(PROFILE).status_code == 200
    on_phone = phone.get(PROFILE)
    assert on_phone.status_code == 302
    assert on_phone["Location"].startswith(LOGIN)
    assert can_log_in("amina@example.org", NEW_PASSWORD)
    assert not can_log_in("amina@example.org", DEFAULT_PASSWORD)


def test_changing_the_password_needs_the_old_one(client):
    user = UserFactory(email="amina@example.org")
    client.force_login(user)

    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": "not-her-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_password_change_page_needs_sign_in(client):
    response = client.get(PASSWORD_CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# Resetting a forgotten password.


def test_reset_gives_the_same_answer_for_known_and_unknown_addresses(client, django_capture_on_commit_callbacks):
    UserFactory(email="amina@example.org")

    unknown = request_reset(client, django_capture_on_commit_callbacks, "nobody@example.org")
    assert mail.outbox == []
    known = request_reset(client, django_capture_on_commit_callbacks, "amina@example.org")

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == "/en/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina@example.org"]


def test_reset_sends_nothing_for_an_unconfirmed_account(client, django_capture_on_commit_callbacks):
    UserFactory(email="amina@example.org", is_active=False)

    response = request_reset(client, django_capture_on_commit_callbacks, "amina@example.org")

    assert response["Location"] == "/en/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_reset_requests_from_one_address_are_rate_limited(client, settings, django_capture_on_commit_callbacks):
    settings.RATES = {**settings.RATES, "password-reset-ip": "3/10m"}
    UserFactory(email="amina@example.org")
    for _ in range(3):
        assert request_reset(client, django_capture_on_commit_callbacks, "amina@example.org").status_code == 302

    blocked = request_reset(client, django_capture_on_commit_callbacks, "amina@example.org")

    assert blocked.status_code == 429
    assert len(mail.outbox) == 3


def test_reset_link_sets_the_new_password(client, django_capture_on_commit_callbacks):
    UserFactory(email="amina@example.org")
    request_reset(client, django_capture_on_commit_callbacks, "AMINA@example.org")
    link = link_in(mail.outbox[0])
    assert link.startswith("http://testserver/en/accounts/password/reset/")

    form_page, response = reset_with_link(client, link)

    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password/reset/complete/"
    assert client.get(response["Location"]).status_code == 200
    assert can_log_in("amina@example.org", NEW_PASSWORD)
    assert not can_log_in("amina@example.org", DEFAULT_PASSWORD)


def test_reset_link_cannot_be_used_twice(client, django_capture_on_commit_callbacks):
    UserFactory(email="amina@example.org")
    request_reset(client, django_capture_on_commit_callbacks, "amina@example.org")
    link = link_in(mail.outbox[0])
    _, first = reset_with_link(client, link)
    assert first.status_code == 302

    again = Client()
    opened = again.get(path_of(link))

    assert opened.status_code == 200
    assert opened.context["validlink"] is False
    assert "form" not in opened.context or opened.context["form"] is None
    assert can_log_in("amina@example.org", NEW_PASSWORD)


def test_reset_form_cannot_be_posted_again_from_the_same_browser(client, django_capture_on_commit_callbacks):
    """Django keeps the token in the session after the redirect: it must not allow a second new password."""
    UserFactory(email="amina@example.org")
    request_reset(client, django_capture_on_commit_callbacks, "amina@example.org")
    link = link_in(mail.outbox[0])
    form_url = client.get(path_of(link))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    replay = client.post(
        form_url, {"new_password1": "other-orchard-lantern-9", "new_password2": "other-orchard-lantern-9"}
    )

    assert replay.status_code == 200
    assert replay.context["validlink"] is False
    assert can_log_in("amina@example.org", NEW_PASSWORD)
    assert not can_log_in("amina@example.org", "other-orchard-lantern-9")


def test_resetting_the_password_ends_her_other_sessions(client, django_capture_on_commit_callbacks):
    UserFactory(email="amina@example.org")
    stolen_laptop = Client()
    log_in(stolen_laptop, "amina@example.org")
    request_reset(client, django_capture_on_commit_callbacks, "amina@example.org")

    reset_with_link(client, link_in(mail.outbox[0]))

    response = stolen_laptop.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("hours_after_promise", "works"), [(-1, True), (1, False)])
def test_reset_link_works_for_as_long_as_the_email_says(
    client, settings, monkeypatch, django_capture_on_commit_callbacks, hours_after_promise, works
):
    UserFactory(email="amina@example.org")
    request_reset(client, django_capture_on_commit_callbacks, "amina@example.org")
    message = mail.outbox[0]
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    assert f"The link works for {days} days." in message.body
    delta = timedelta(days=days, hours=hours_after_promise)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: datetime.now() + delta)

    opened = client.get(path_of(link_in(message)))

    assert (opened.status_code == 302) is works
    if not works:
        assert opened.context["validlink"] is False


def test_reset_email_is_in_her_language(client, django_capture_on_commit_callbacks):
    UserFactory(email="amina@example.org", preferred_language="ru")

    request_reset(client, django_capture_on_commit_callbacks, "amina@example.org")

    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "ru"
    assert link_in(message).startswith("http://testserver/ru/accounts/password/reset/")


def test_reset_also_lifts_a_must_change_flag(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="amina@example.org")
    User.objects.filter(pk=user.pk).update(must_change_password=True, last_login=user.date_joined)
    request_reset(client, django_capture_on_commit_callbacks, "amina@example.org")

    reset_with_link(client, link_in(mail.outbox[0]))

    user.refresh_from_db()
    assert user.must_change_password is False
    assert user.check_password(NEW_PASSWORD)
