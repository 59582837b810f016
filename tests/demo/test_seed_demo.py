import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import Role, RoleGrant, User

COUNTED = [
    "accounts.User",
    "accounts.Region",
    "accounts.Institution",
    "accounts.RoleGrant",
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailcore.Locale",
    "auth.Group",
]


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_and_a_second_run_changes_nothing(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first

    emails = set(User.objects.values_list("email", flat=True))
    assert {"teacher@example.org", "trainer@example.org", "ministry@example.org", "admin@example.org"} <= emails
    ministry = RoleGrant.objects.get(user__email="ministry@example.org", role=Role.MINISTRY_OFFICIAL)
    assert ministry.country.code == "EG"
    assert User.objects.get(email="admin@example.org").is_superuser

    response = client.post("/en/accounts/login/", {"username": "teacher@example.org", "password": "maktaba-demo"})
    assert response.status_code == 302
    for language, text in (("en", "Free courses"), ("ru", "Бесплатные курсы"), ("ar", "دورات مجانية")):
        assert text in client.get(f"/{language}/").content.decode()
    assert "Новости" in client.get("/ru/news/").content.decode()
