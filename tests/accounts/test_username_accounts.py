"""Accounts without email: a trainer creates them with a one-time password the teacher must replace."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.models import User
from accounts.services import AccountError, user_create_with_username
from tests.accounts.helpers import LOGIN, PASSWORD_CHANGE, PROFILE
from tests.factories.accounts import UserFactory, UsernameUserFactory, country
from tests.factories.roles import superuser, trainer

pytestmark = pytest.mark.django_db

LEARNER_NEW = "/en/accounts/learners/new/"
NEW_PASSWORD = "lantern-quietly-orchard-47"


def learner_data(**overrides) -> dict[str, str]:
    data = {"full_name": "Zainab Ali", "username": "zainab.ali", "preferred_language": "en", "country": ""}
    data.update(overrides)
    return data


def secrets_on(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [element.get_text(strip=True) for element in soup.select("dd.secret")]


def create_learner(**overrides) -> tuple[User, str]:
    """A learner created through the trainer's page; returns her and the one-time password shown."""
    client = Client()
    client.force_login(trainer())
    response = client.post(LEARNER_NEW, learner_data(**overrides))
    assert response.status_code == 200
    username, password = secrets_on(response)
    return User.objects.get(username=username), password


# Creating the account.


def test_trainer_creates_a_username_account_and_sees_the_one_time_password_once(client):
    client.force_login(trainer())
    assert client.get(LEARNER_NEW).status_code == 200

    response = client.post(LEARNER_NEW, learner_data(username="Zainab.Ali", country=str(country("EG").pk)))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    username, password = secrets_on(response)
    learner = User.objects.get(username="zainab.ali")
    assert username == "zainab.ali"
    assert learner.email is None
    assert learner.full_name == "Zainab Ali"
    assert learner.country == country("EG")
    assert learner.must_change_password is True
    assert learner.is_active is True
    assert learner.check_password(password)
    assert password not in learner.password  # stored only as a hash
    assert password not in client.get(LEARNER_NEW).content.decode()  # shown only once


def test_one_time_password_is_different_for_each_account():
    _, first = create_learner(username="first")
    _, second = create_learner(username="second")

    assert first != second
    assert len(first) == 19 and first.count("-") == 3


def test_superuser_may_create_username_accounts(client):
    client.force_login(superuser())

    response = client.post(LEARNER_NEW, learner_data())

    assert response.status_code == 200
    assert User.objects.filter(username="zainab.ali").exists()


def test_teacher_without_the_trainer_role_gets_403(client):
    client.force_login(UserFactory())

    assert client.get(LEARNER_NEW).status_code == 403
    assert client.post(LEARNER_NEW, learner_data()).status_code == 403
    assert not User.objects.filter(username="zainab.ali").exists()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(LEARNER_NEW)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_taken_username_is_refused_on_the_form(client):
    UsernameUserFactory(username="zainab.ali")
    client.force_login(trainer())

    response = client.post(LEARNER_NEW, learner_data(username="ZAINAB.ALI"))

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username__iexact="zainab.ali").count() == 1


def test_username_with_spaces_is_refused_on_the_form(client):
    client.force_login(trainer())

    response = client.post(LEARNER_NEW, learner_data(username="zainab ali"))

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not User.objects.filter(full_name="Zainab Ali").exists()


# The service.


@pytest.mark.parametrize("username", ["zainab.ali", "Zainab.Ali"])
def test_service_refuses_a_duplicate_username_whatever_the_case(username):
    UsernameUserFactory(username="zainab.ali")

    with pytest.raises(AccountError):
        user_create_with_username(created_by=trainer(), username=username, full_name="Another Zainab", language="en")

    assert User.objects.filter(username__iexact="zainab.ali").count() == 1


def test_service_refuses_someone_without_the_trainer_role():
    with pytest.raises(PermissionDenied):
        user_create_with_username(created_by=UserFactory(), username="zainab.ali", full_name="Zainab", language="en")

    assert not User.objects.filter(username="zainab.ali").exists()


# The learner's first sign-in.


def test_learner_signs_in_with_username_and_is_sent_to_choose_a_password(client):
    learner, password = create_learner()

    response = client.post(LOGIN, {"username": "Zainab.Ali", "password": password})

    assert response.status_code == 302
    assert response["Location"] == PASSWORD_CHANGE
    assert client.session["_auth_user_id"] == str(learner.pk)


@pytest.mark.parametrize("page", [PROFILE, "/en/", "/ar/", LEARNER_NEW, "/en/no-such-page/"])
def test_every_page_leads_to_the_password_change_until_she_chooses_one(client, page):
    _, password = create_learner()
    client.post(LOGIN, {"username": "zainab.ali", "password": password})

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/password/change/")
    page_language = page.split("/")[1]
    assert response["Location"] == f"/{page_language}/accounts/password/change/"


def test_password_change_page_asks_no_old_password_after_a_one_time_password(client):
    _, password = create_learner()
    client.post(LOGIN, {"username": "zainab.ali", "password": password})

    response = client.get(PASSWORD_CHANGE)

    assert response.status_code == 200
    assert "old_password" not in response.context["form"].fields
    assert {"new_password1", "new_password2"} <= set(response.context["form"].fields)


def test_after_choosing_her_password_she_browses_normally(client):
    learner, password = create_learner()
    client.post(LOGIN, {"username": "zainab.ali", "password": password})

    response = client.post(PASSWORD_CHANGE, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    learner.refresh_from_db()
    assert learner.must_change_password is False
    assert learner.check_password(NEW_PASSWORD)
    assert not learner.check_password(password)
    assert client.get(PROFILE).status_code == 200
    assert client.get("/en/").status_code == 200
    assert client.get(PASSWORD_CHANGE).context["form"].fields.keys() >= {"old_password"}


def test_one_time_password_no_longer_works_after_she_chose_her_own(client):
    _, password = create_learner()
    client.post(LOGIN, {"username": "zainab.ali", "password": password})
    client.post(PASSWORD_CHANGE, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    old = Client().post(LOGIN, {"username": "zainab.ali", "password": password})
    new_client = Client()
    new = new_client.post(LOGIN, {"username": "zainab.ali", "password": NEW_PASSWORD})

    assert old.status_code == 200
    assert new.status_code == 302
    assert new["Location"] == "/en/"


def test_learner_can_still_sign_out_before_choosing_a_password(client):
    _, password = create_learner()
    client.post(LOGIN, {"username": "zainab.ali", "password": password})

    response = client.post("/en/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
