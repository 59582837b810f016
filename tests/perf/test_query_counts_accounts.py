"""Query counts of the account pages: the profile, API tokens, a trainer's form for a new learner account."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Site

from accounts.api_tokens import api_token_create
from accounts.models import Country, PartnerSite, Region, Role
from accounts.services import role_grant
from tests.factories.accounts import UserFactory
from tests.factories.roles import trainer as make_trainer

from .helpers import assert_constant, signed_in

pytestmark = pytest.mark.django_db


def test_the_profile_of_someone_with_many_roles():
    egypt = Country.objects.get(code="EG")
    person = UserFactory(country=egypt)
    role_grant(user=person, role=Role.TRAINER)

    def grow(count: int) -> None:
        for number in range(count):
            region = Region.objects.create(country=egypt, name=f"Governorate {Region.objects.count()}")
            role_grant(user=person, role=Role.MINISTRY_OFFICIAL, country=egypt, region=region)
            if number == 0:
                partner = PartnerSite.objects.get_or_create(
                    site=Site.objects.get(is_default_site=True), defaults={"country": egypt}
                )[0]
                role_grant(user=person, role=Role.SITE_ADMINISTRATOR, partner_site=partner)

    assert_constant(signed_in(person), reverse("accounts:profile"), grow)


def test_her_api_tokens():
    person = UserFactory()

    def grow(count: int) -> None:
        for number in range(count):
            api_token_create(user=person, name=f"System {number}")

    assert_constant(signed_in(person), reverse("accounts:api-tokens"), grow)


def test_a_trainers_new_learner_form_with_more_countries_and_roles():
    coach = make_trainer()

    def grow(count: int) -> None:
        for _ in range(count):
            UserFactory()  # other people do not change her form

    assert_constant(signed_in(coach), reverse("accounts:learner-create"), grow)
