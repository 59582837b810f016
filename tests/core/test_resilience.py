"""Sign-in and pages keep working while the Redis cache is unreachable; with Redis up, limits hold."""

import pytest
from django.core.cache import caches

from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

DEAD_REDIS = "redis://127.0.0.1:1/1"  # nothing listens on port 1


def _redis_cache(settings, location: str) -> None:
    """Point the default cache at ``location`` (Django rebuilds its cache objects on the setting change)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.mark.django_db
def test_sign_in_and_home_page_work_with_the_redis_cache_down(client, settings):
    _redis_cache(settings, DEAD_REDIS)
    user = UserFactory()
    assert client.get("/en/").status_code == 200
    response = client.post("/en/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 200


@pytest.mark.django_db
def test_rate_limit_holds_on_a_real_redis(client, settings, redis_url):
    _redis_cache(settings, redis_url.rsplit("/", 1)[0] + "/3")
    caches["default"].clear()
    settings.RATES = {**settings.RATES, "login-account": "3/10m"}
    user = UserFactory()
    statuses = [
        client.post("/en/accounts/login/", {"username": user.email, "password": "wrong"}).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.urls("tests.core.urls_database_down")
@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ru", "ltr"), ("ar", "rtl")])
def test_with_the_database_out_of_reach_the_answer_is_503_with_retry_after(client, language, direction):
    client.raise_request_exception = False
    response = client.get("/database-down/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert "Back in a moment" in html and "Сейчас вернёмся" in html and "سنعود بعد لحظات" in html
    assert "Something went wrong" not in html

    other = client.get("/bug/", HTTP_ACCEPT_LANGUAGE=language)  # any other failure is the ordinary 500 page
    assert other.status_code == 500
    assert "Retry-After" not in other
    assert "Something went wrong" in other.content.decode()
