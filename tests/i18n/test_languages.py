"""Language redirect, switcher, direction and the home page in each language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import HomePage, NewsIndexPage, NewsPage
from tests.factories.accounts import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.5", "/ru/"),
        ("ar-EG,ar;q=0.9", "/ar/"),
        ("en-GB", "/en/"),
        ("fr-FR,fr", "/en/"),
        ("", "/en/"),
    ],
)
def test_root_redirects_by_accept_language(client, accept, expected):
    response = client.get("/", headers={"accept-language": accept} if accept else {})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction", "title"),
    [
        ("en", "ltr", "Welcome to Maktaba"),
        ("ru", "ltr", "Добро пожаловать"),
        ("ar", "rtl", "مرحبًا بكم"),
    ],
)
def test_home_page_in_each_language_with_its_direction(client, language, direction, title):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert title in html


@pytest.mark.django_db
def test_language_switcher_is_plain_links_to_the_same_page(client):
    html = client.get("/ru/accounts/login/").content.decode()
    switcher = html[html.index('class="language-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert "<form" not in switcher  # links, not a POST form: pages stay cacheable
    assert 'href="/en/accounts/login/"' in switcher
    assert 'href="/ar/accounts/login/"' in switcher
    assert 'aria-current="true" lang="ru"' in switcher


@pytest.mark.django_db
def test_switcher_on_a_wagtail_page_links_to_its_translations(client):
    en_home = HomePage.objects.get(locale__language_code="en")
    index = en_home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    item = index.add_child(instance=NewsPage(title="Launch", slug="launch", body="<p>x</p>"))
    ru_home = HomePage.objects.get(locale__language_code="ru")
    ru_item = item.copy_for_translation(ru_home.locale, copy_parents=True)
    ru_item.title = "Запуск"
    ru_item.save_revision().publish()

    html = client.get("/en/news/launch/").content.decode()
    assert 'href="/ru/news/launch/" hreflang="ru"' in html
    assert 'href="/ar/" hreflang="ar"' in html  # not translated into Arabic: that language's home page


@pytest.mark.django_db
def test_signed_in_users_language_is_remembered(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    client.get("/ar/")
    user.refresh_from_db()
    assert user.preferred_language == "ar"


@pytest.mark.django_db
def test_home_page_queries_do_not_grow_with_news(client):
    en_home = HomePage.objects.get(locale__language_code="en")
    index = en_home.add_child(instance=NewsIndexPage(title="News", slug="news"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/").status_code == 200
        return len(queries)

    index.add_child(instance=NewsPage(title="One", slug="one", body="<p>1</p>"))
    count()  # warm the per-process caches (site root paths)
    small = count()
    for number in range(2, 12):
        index.add_child(instance=NewsPage(title=f"News {number}", slug=f"n{number}", body="<p>x</p>"))
    assert count() == small


@pytest.mark.django_db
def test_home_page_is_light(client):
    """Home page without images: HTML and CSS well under 100 KB."""
    from django.contrib.staticfiles import finders

    html = client.get("/ar/").content
    css = sum(
        Path(finders.find(path)).stat().st_size for path in re.findall(r'href="/static/([^"]+\.css)"', html.decode())
    )
    assert css > 0
    assert len(html) + css < 100 * 1024
