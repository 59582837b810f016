"""Query counts of the public site's pages not counted elsewhere: a library resource, the news list. (The
catalogue, course and lesson pages are in test_query_counts_courses; the library list and the home page have
their own tests in tests/cms and tests/i18n.)"""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from cms.models import HomePage, NewsIndexPage, NewsPage
from lms.competencies.models import Competency
from tests.factories.accounts import UserFactory
from tests.factories.library import document, resource_page, translate

from .helpers import assert_constant, signed_in

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


@pytest.mark.parametrize("signed", [False, True])
def test_a_resource_with_more_tags_translations_and_neighbours(signed):
    cells = list(Competency.objects.order_by("pk"))
    page = resource_page(title="Fractions", document=document(), languages=["en", "ru", "ar"], tags=cells[:1])
    client = signed_in(UserFactory()) if signed else Client()

    def grow(count: int) -> None:
        page.ict_cft_tags = cells[: len(page.ict_cft_tags.all()) + count]
        page.save_revision().publish()
        for _ in range(count):
            neighbour = resource_page(title=f"Neighbour {next(_numbers)}", tags=cells[:2])
            translate(neighbour, "ru", title="Сосед")

    assert_constant(client, lambda: page.specific.url, grow)


def test_the_news_list():
    home = HomePage.objects.get(locale__language_code="en")
    index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))

    def grow(count: int) -> None:
        for _ in range(count):
            number = next(_numbers)
            item = index.add_child(instance=NewsPage(title=f"News {number}", slug=f"n{number}", body="<p>x</p>"))
            item.save_revision().publish()

    assert_constant(Client(), "/en/news/", grow)
