"""Wagtail admin at /cms-admin/ and Django admin at /django-admin/ work with our user model."""

import pytest

from accounts.models import Role, User
from accounts.services import role_grant
from tests.factories.accounts import UserFactory


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.mark.django_db
def test_wagtail_admin_creates_a_user_with_our_fields(client, superuser):
    client.force_login(superuser)
    form = client.get("/cms-admin/users/new/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="full_name"' in html
    assert 'name="first_name"' not in html
    response = client.post(
        "/cms-admin/users/new/",
        {
            "email": "New.Teacher@Example.org",
            "username": "",
            "full_name": "Nadia Karimova",
            "preferred_language": "ru",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="new.teacher@example.org")
    assert user.full_name == "Nadia Karimova"
    assert user.preferred_language == "ru"
    assert user.check_password("a-long-password-1")


@pytest.mark.django_db
def test_wagtail_admin_creates_an_account_without_email(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/cms-admin/users/new/",
        {
            "email": "",
            "username": "Farida.A",
            "full_name": "Farida A.",
            "preferred_language": "ar",
            "must_change_password": "on",
            "password1": "one-time-pass-77",
            "password2": "one-time-pass-77",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="farida.a")
    assert user.email is None
    assert user.must_change_password


@pytest.mark.django_db
def test_wagtail_admin_refuses_an_account_with_neither_email_nor_username(client, superuser):
    client.force_login(superuser)
    before = User.objects.count()
    response = client.post(
        "/cms-admin/users/new/",
        {"full_name": "Nobody", "preferred_language": "en", "password1": "x-long-pass-1", "password2": "x-long-pass-1"},
    )
    assert response.status_code == 200
    assert "needs an email address or a username" in response.content.decode()
    assert User.objects.count() == before


@pytest.mark.django_db
def test_wagtail_user_listing_and_account_page_work(client, superuser):
    UserFactory(full_name="Listed Teacher")
    client.force_login(superuser)
    listing = client.get("/cms-admin/users/?q=Listed")
    assert listing.status_code == 200
    assert "Listed Teacher" in listing.content.decode()
    account = client.get("/cms-admin/account/")
    assert account.status_code == 200
    assert 'name="name_email-full_name"' in account.content.decode()


@pytest.mark.django_db
def test_trainers_reach_the_wagtail_admin_and_teachers_do_not(client):
    teacher, trainer = UserFactory(), UserFactory()
    role_grant(user=trainer, role=Role.TRAINER)
    client.force_login(teacher)
    assert client.get("/cms-admin/").status_code == 302  # sent to the admin's login
    client.force_login(trainer)
    assert client.get("/cms-admin/").status_code == 200


@pytest.mark.django_db
def test_django_admin_grants_a_ministry_role_with_a_country(client, superuser):
    from accounts.models import Country

    official = UserFactory()
    client.force_login(superuser)
    page = client.get(f"/django-admin/accounts/user/{official.pk}/change/")
    assert page.status_code == 200
    egypt = Country.objects.get(code="EG")
    data = {
        "email": official.email,
        "username": "",
        "full_name": official.full_name,
        "preferred_language": "en",
        "time_zone": "Africa/Cairo",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "role_grants-TOTAL_FORMS": "1",
        "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
        "role_grants-0-role": "ministry",
        "role_grants-0-country": str(egypt.pk),
        "role_grants-0-user": str(official.pk),
    }
    response = client.post(f"/django-admin/accounts/user/{official.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:4000]
    grant = official.role_grants.get()
    assert grant.role == Role.MINISTRY_OFFICIAL
    assert grant.country == egypt
    assert grant.granted_by == superuser
    assert official.groups.filter(name="Ministry officials").exists()


@pytest.mark.django_db
def test_quiz_records_can_be_read_in_the_django_admin_but_questions_are_not_changed_there(client, superuser):
    """Questions change only through the bank's services (every change a new version); attempts and grades
    only through the quiz services."""
    from tests.factories.quizzes import make_question

    question = make_question("multichoice")
    client.force_login(superuser)
    for address in (
        "/django-admin/quizzes/question/",
        "/django-admin/quizzes/quiz/",
        "/django-admin/quizzes/attempt/",
        "/django-admin/quizzes/quizgrade/",
        "/django-admin/quizzes/questionversion/",
    ):
        assert client.get(address).status_code == 200, address
    change = client.get(f"/django-admin/quizzes/multiplechoicequestion/{question.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    response = client.post(f"/django-admin/quizzes/multiplechoicequestion/{question.pk}/change/", {"name": "Changed"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.name != "Changed" and question.version == 1
    assert client.get("/django-admin/quizzes/question/add/").status_code == 403
