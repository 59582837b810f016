"""Signing up, confirming the email address, and not telling strangers who is registered."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from accounts.models import Country, User
from accounts.tokens import ActivationTokenGenerator
from tests.accounts.helpers import link_in, path_of
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/en/accounts/signup/"
SIGNUP_DONE = "/en/accounts/signup/done/"
GOOD_PASSWORD = "lantern-quietly-orchard-47"


def signup_data(**overrides) -> dict[str, str]:
    data = {
        "full_name": "Amina Yusuf",
        "email": "amina@example.org",
        "country": "",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


def sign_up(client, capture, url: str = SIGNUP, **overrides):
    with capture(execute=True):
        return client.post(url, signup_data(**overrides))


def field_group(response, name: str):
    """The ``div.field`` that holds the input called ``name`` in the rendered page."""
    soup = BeautifulSoup(response.content, "html.parser")
    widget = soup.find(attrs={"name": name})
    assert widget is not None, f"no field {name!r} on the page"
    return widget.find_parent("div", class_="field")


# Sign up and confirm.


def test_signup_creates_an_inactive_user_and_emails_one_confirmation_link(client, django_capture_on_commit_callbacks):
    egypt = Country.objects.get(code="EG")
    response = sign_up(client, django_capture_on_commit_callbacks, email="Amina@Example.org", country=str(egypt.pk))

    assert response.status_code == 302
    assert response["Location"] == SIGNUP_DONE
    user = User.objects.get()
    assert user.email == "amina@example.org"
    assert user.full_name == "Amina Yusuf"
    assert user.is_active is False
    assert user.preferred_language == "en"
    assert user.country == egypt
    assert user.check_password(GOOD_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert message.subject == "Confirm your email address for Maktaba"
    assert message.extra_headers["Content-Language"] == "en"
    assert link_in(message).startswith("http://testserver/en/accounts/activate/")


def test_check_your_email_page_names_the_address(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)

    response = client.get(SIGNUP_DONE)

    assert response.status_code == 200
    assert "amina@example.org" in response.content.decode()


def test_confirmation_link_shows_a_button_and_does_not_activate_on_get(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[0]))

    response = client.get(link)

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", method="post")
    assert form is not None and form.find("button", type="submit") is not None
    assert User.objects.get().is_active is False  # a mail scanner following the link confirms nothing


def test_confirming_activates_the_account_and_signs_in(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[0]))

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    user = User.objects.get()
    assert user.is_active is True
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/en/accounts/profile/").status_code == 200


def test_confirmation_link_does_not_work_twice(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[0]))
    assert client.post(link).status_code == 302

    client.logout()
    response = client.post(link)

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def later(monkeypatch, generator_class, delta: timedelta) -> None:
    """Make ``generator_class`` check its tokens as if ``delta`` had passed."""
    monkeypatch.setattr(generator_class, "_now", lambda self: datetime.now() + delta)


def test_confirmation_email_says_how_long_the_link_works(client, settings, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)

    days = settings.ACCOUNT_ACTIVATION_TIMEOUT // 86400
    assert f"The link works for {days} days." in mail.outbox[0].body


def test_confirmation_link_works_for_as_long_as_the_email_says(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[0]))
    promised = timedelta(seconds=settings.ACCOUNT_ACTIVATION_TIMEOUT)
    later(monkeypatch, ActivationTokenGenerator, promised - timedelta(days=1))

    response = client.post(link)

    assert response.status_code == 302
    assert User.objects.get().is_active is True


def test_confirmation_link_expires_after_the_activation_period(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[0]))
    later(monkeypatch, ActivationTokenGenerator, timedelta(seconds=settings.ACCOUNT_ACTIVATION_TIMEOUT, hours=1))

    response = client.post(link)

    assert response.status_code == 400
    assert User.objects.get().is_active is False


@pytest.mark.parametrize("part", ["token", "uid"])
def test_tampered_confirmation_link_fails_with_400(client, django_capture_on_commit_callbacks, part):
    sign_up(client, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[0]))
    prefix, uid, token, _ = link.rsplit("/", 3)
    if part == "token":
        token = token[:-1] + ("a" if token[-1] != "a" else "b")
    else:
        uid = "OTk5OTk5"  # base64 of a user id that does not exist
    tampered = f"{prefix}/{uid}/{token}/"

    response = client.post(tampered)

    assert response.status_code == 400
    assert User.objects.get().is_active is False
    assert "_auth_user_id" not in client.session


def test_signup_in_russian_sends_the_email_in_russian(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, url="/ru/accounts/signup/")

    assert response.status_code == 302
    assert response["Location"] == "/ru/accounts/signup/done/"
    assert User.objects.get().preferred_language == "ru"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "ru"
    assert link_in(message).startswith("http://testserver/ru/accounts/activate/")


# Form errors.


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password2": "lantern-quietly-orchard-48"}, "password2"),
        ({"password1": "password", "password2": "password"}, "password1"),
        ({"password1": "12345678", "password2": "12345678"}, "password1"),
        ({"email": "not-an-email"}, "email"),
    ],
    ids=["mismatched-passwords", "common-password", "numeric-password", "invalid-email"],
)
def test_invalid_signup_shows_the_error_next_to_the_field_and_keeps_what_was_typed(
    client, django_capture_on_commit_callbacks, overrides, field
):
    response = sign_up(client, django_capture_on_commit_callbacks, **overrides)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    group = field_group(response, field)
    assert "field--error" in group["class"]
    error_list = group.find(class_="errorlist")
    assert error_list is not None
    assert form.errors[field][0] in error_list.get_text()
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", attrs={"name": "full_name"})["value"] == "Amina Yusuf"
    assert soup.find("input", attrs={"name": "email"})["value"] == overrides.get("email", "amina@example.org")
    assert not soup.find("input", attrs={"name": "password1"}).has_attr("value")  # never echoed back
    assert not User.objects.exists()
    assert mail.outbox == []


# No account enumeration.


def test_signup_with_a_registered_address_looks_the_same_and_tells_the_owner(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="amina@example.org", full_name="Amina Yusuf", preferred_language="en")
    new_address = sign_up(client, django_capture_on_commit_callbacks, email="fatima@example.org")
    mail.outbox.clear()

    registered = sign_up(client, django_capture_on_commit_callbacks, email="AMINA@example.org")

    assert registered.status_code == new_address.status_code == 302
    assert registered["Location"] == new_address["Location"] == SIGNUP_DONE
    assert User.objects.filter(email__iexact="amina@example.org").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(GOOD_PASSWORD) is False  # the stranger's password was not set on her account
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert "/accounts/activate/" not in message.body
    assert "http://testserver/en/accounts/login/" in message.body
    assert "http://testserver/en/accounts/password/reset/" in message.body


def test_already_registered_email_is_in_the_owners_language(client, django_capture_on_commit_callbacks):
    UserFactory(email="amina@example.org", preferred_language="ar")

    sign_up(client, django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "ar"
    assert "http://testserver/ar/accounts/login/" in message.body


def test_signup_again_with_an_unconfirmed_address_sends_a_fresh_link(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response["Location"] == SIGNUP_DONE
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1
    link = path_of(link_in(mail.outbox[0]))
    assert client.post(link).status_code == 302
    assert User.objects.get().is_active is True


@pytest.mark.parametrize("registered", ["unconfirmed", "active", "unknown"])
def test_resending_the_confirmation_looks_the_same_for_any_address(
    client, django_capture_on_commit_callbacks, registered
):
    if registered != "unknown":
        UserFactory(email="amina@example.org", is_active=registered == "active")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/signup/resend/", {"email": "amina@example.org"})

    assert response.status_code == 302
    assert response["Location"] == SIGNUP_DONE
    assert len(mail.outbox) == (1 if registered == "unconfirmed" else 0)


# Rate limit.


def test_signups_from_one_address_are_rate_limited(client, settings, django_capture_on_commit_callbacks):
    settings.RATES = {**settings.RATES, "signup-ip": "3/10m"}

    for number in range(3):
        response = sign_up(client, django_capture_on_commit_callbacks, email=f"teacher{number}@example.org")
        assert response.status_code == 302
    blocked = sign_up(client, django_capture_on_commit_callbacks, email="one-more@example.org")

    assert blocked.status_code == 429
    assert not User.objects.filter(email="one-more@example.org").exists()
    assert User.objects.count() == 3
    assert len(mail.outbox) == 3
