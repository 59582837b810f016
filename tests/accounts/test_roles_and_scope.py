"""Roles (with the groups they put people in) and the scope of data they open."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from wagtail.models import Site

from accounts.models import PartnerSite, Role, RoleGrant, User
from accounts.scope import NOBODY
from accounts.selectors import scope_for, user_has_role, user_list
from accounts.services import role_grant, role_revoke
from tests.factories.accounts import RegionFactory, UserFactory, country
from tests.factories.roles import ministry_official, superuser, trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def egypt():
    return country("EG")


@pytest.fixture
def jordan():
    return country("JO")


@pytest.fixture
def cairo(egypt):
    return RegionFactory(country=egypt, name="Cairo")


@pytest.fixture
def giza(egypt):
    return RegionFactory(country=egypt, name="Giza")


@pytest.fixture
def teachers(egypt, jordan, cairo, giza) -> dict[str, User]:
    return {
        "cairo": UserFactory(country=egypt, region=cairo),
        "giza": UserFactory(country=egypt, region=giza),
        "egypt": UserFactory(country=egypt),
        "jordan": UserFactory(country=jordan),
        "nowhere": UserFactory(),
    }


def in_scope(official: User) -> set[int]:
    return set(scope_for(official).filter(User.objects.all()).values_list("pk", flat=True))


def pks(teachers: dict[str, User], *names: str) -> set[int]:
    return {teachers[name].pk for name in names}


# Scope.


def test_superuser_sees_everything(egypt, jordan, teachers):
    boss = superuser()

    scope = scope_for(boss)

    assert scope.everything is True
    assert scope.covers(country_id=egypt.pk) and scope.covers(country_id=jordan.pk)
    assert scope.covers(country_id=None)
    assert in_scope(boss) == set(User.objects.values_list("pk", flat=True))


def test_ministry_official_with_a_country_covers_that_country_only(egypt, jordan, cairo, teachers):
    official = ministry_official(country=egypt)

    scope = scope_for(official)

    assert scope.everything is False
    assert scope.covers(country_id=egypt.pk)
    assert scope.covers(country_id=egypt.pk, region_id=cairo.pk)
    assert not scope.covers(country_id=jordan.pk)
    assert in_scope(official) == pks(teachers, "cairo", "giza", "egypt")


def test_ministry_official_with_a_region_covers_that_region_only(egypt, jordan, cairo, giza, teachers):
    official = ministry_official(country=egypt, region=cairo)

    scope = scope_for(official)

    assert scope.covers(country_id=egypt.pk, region_id=cairo.pk)
    assert not scope.covers(country_id=egypt.pk, region_id=giza.pk)
    assert not scope.covers(country_id=egypt.pk)  # the country as a whole is not hers
    assert not scope.covers(country_id=jordan.pk)
    assert in_scope(official) == pks(teachers, "cairo")


def test_site_administrator_covers_her_partner_sites_country(egypt, jordan, teachers):
    admin = UserFactory()
    partner = PartnerSite.objects.create(site=Site.objects.get(is_default_site=True), country=egypt)
    role_grant(user=admin, role=Role.SITE_ADMINISTRATOR, partner_site=partner)

    scope = scope_for(admin)

    assert scope.covers(country_id=egypt.pk)
    assert not scope.covers(country_id=jordan.pk)
    assert in_scope(admin) == pks(teachers, "cairo", "giza", "egypt")
    assert admin.groups.filter(name="Site administrators").exists()


def test_grants_add_up(egypt, jordan, cairo, teachers):
    official = ministry_official(country=jordan)
    role_grant(user=official, role=Role.MINISTRY_OFFICIAL, country=egypt, region=cairo)

    assert in_scope(official) == pks(teachers, "jordan", "cairo")


def test_scope_filter_follows_a_country_field_of_another_name(egypt, teachers):
    official = ministry_official(country=egypt)
    scope = scope_for(official)

    grants_in_scope = scope.filter(RoleGrant.objects.all(), country_field="country", region_field="region")

    assert list(grants_in_scope) == list(RoleGrant.objects.filter(user=official))


@pytest.mark.parametrize("who", ["anonymous", "teacher", "trainer"])
def test_people_without_an_official_role_see_nobody_elses_data(teachers, who):
    user = {"anonymous": AnonymousUser, "teacher": UserFactory, "trainer": trainer}[who]()

    scope = scope_for(user)

    assert scope.is_empty
    assert scope.filter(User.objects.all()).count() == 0
    assert user_list(scope=scope).count() == 0
    assert scope.trainer is (who == "trainer")


def test_nobody_scope_covers_nothing(egypt):
    assert NOBODY.is_empty
    assert not NOBODY.covers(country_id=egypt.pk)
    assert not NOBODY.covers(country_id=None)


def test_user_list_searches_within_the_scope_only(egypt, jordan):
    official = ministry_official(country=egypt)
    in_egypt = UserFactory(country=egypt, full_name="Amina Hassan")
    UserFactory(country=jordan, full_name="Amina Khalil")

    found = user_list(scope=scope_for(official), search="amina")

    assert list(found) == [in_egypt]


# Granting and revoking.


@pytest.mark.parametrize(
    ("role", "group_name"), [(Role.TRAINER, "Trainers"), (Role.MINISTRY_OFFICIAL, "Ministry officials")]
)
def test_grant_puts_her_in_the_group_and_revoke_takes_her_out(egypt, role, group_name):
    user = UserFactory()
    extra = {"country": egypt} if role == Role.MINISTRY_OFFICIAL else {}

    grant = role_grant(user=user, role=role, **extra)

    assert user.groups.filter(name=group_name).exists()
    assert user_has_role(user, role)

    role_revoke(grant)

    assert not user.groups.filter(name=group_name).exists()
    assert not RoleGrant.objects.filter(user=user).exists()
    assert not user_has_role(user, role)


def test_trainer_role_makes_her_a_trainer():
    user = UserFactory()
    assert User.objects.get(pk=user.pk).is_trainer is False

    role_grant(user=user, role=Role.TRAINER)

    assert User.objects.get(pk=user.pk).is_trainer is True


def test_revoking_one_of_two_grants_keeps_her_in_the_group(egypt, jordan):
    user = ministry_official(country=egypt)
    second = role_grant(user=user, role=Role.MINISTRY_OFFICIAL, country=jordan)

    role_revoke(second)

    assert user.groups.filter(name="Ministry officials").exists()
    assert scope_for(user).covers(country_id=egypt.pk)
    assert not scope_for(user).covers(country_id=jordan.pk)


def test_revoking_a_role_leaves_her_other_groups(egypt):
    user = trainer()
    grant = role_grant(user=user, role=Role.MINISTRY_OFFICIAL, country=egypt)
    unrelated = Group.objects.create(name="Reviewers")
    user.groups.add(unrelated)

    role_revoke(grant)

    assert set(user.groups.values_list("name", flat=True)) == {"Trainers", "Reviewers"}


def test_granting_the_same_role_twice_gives_one_grant(egypt):
    user = UserFactory()

    first = role_grant(user=user, role=Role.MINISTRY_OFFICIAL, country=egypt)
    second = role_grant(user=user, role=Role.MINISTRY_OFFICIAL, country=egypt)

    assert first.pk == second.pk
    assert RoleGrant.objects.filter(user=user).count() == 1


def test_ministry_grant_without_a_country_is_refused():
    user = UserFactory()

    with pytest.raises(ValidationError) as error:
        role_grant(user=user, role=Role.MINISTRY_OFFICIAL)

    assert "country" in error.value.message_dict
    assert not RoleGrant.objects.filter(user=user).exists()
    assert not user.groups.exists()


def test_ministry_grant_with_a_region_of_another_country_is_refused(jordan, cairo):
    user = UserFactory()

    with pytest.raises(ValidationError) as error:
        role_grant(user=user, role=Role.MINISTRY_OFFICIAL, country=jordan, region=cairo)

    assert "region" in error.value.message_dict
    assert not RoleGrant.objects.filter(user=user).exists()


def test_site_administrator_grant_without_a_site_is_refused():
    user = UserFactory()

    with pytest.raises(ValidationError):
        role_grant(user=user, role=Role.SITE_ADMINISTRATOR)

    assert not RoleGrant.objects.exists()
