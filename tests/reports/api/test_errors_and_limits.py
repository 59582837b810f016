"""The API answers in JSON only, in one error format, also for addresses that are not endpoints; it is read-only;
each user (whatever token or session she calls with) and each anonymous address has a rate limit."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Country
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official

from .helpers import as_browser, as_system, error_of, token_for, url, with_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing/here/", "/api/v1/certificates", "/api/v2/"])
def test_an_address_that_is_no_endpoint_is_a_json_404(path):
    response = as_system(UserFactory()).get(path)
    if path.startswith("/api/v2/"):
        assert response.status_code in (302, 404)  # not ours: the site's usual handling
        return
    assert response.status_code == 404 and response.headers["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(method):
    response = getattr(as_system(UserFactory()), method)(
        url("my-certificates"), data={}, content_type="application/json"
    )
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"


def test_a_browser_session_needs_a_csrf_token_for_anything_but_reads():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.get(url("my-certificates")).status_code == 200
    response = client.post(url("my-certificates"), data={}, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in error_of(response)["message"]


def test_errors_are_in_the_callers_language():
    response = Client().get(url("my-certificates"), headers={"Accept-Language": "ru"})
    assert (
        response.status_code == 401 and error_of(response)["message"] != "Authentication credentials were not provided."
    )


def test_each_user_has_a_rate_limit_across_her_tokens_and_session(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "user": "4/h", "anon": "100/h", "verify": "100/h"}}  # fmt: skip
    official = ministry_official(country=Country.objects.get(code="EG"))
    first, second = with_token(token_for(official)), with_token(token_for(official, name="Second system"))
    for client in (first, second, as_browser(official), first):
        assert client.get(url("teacher-list")).status_code == 200
    response = second.get(url("teacher-list"))
    assert response.status_code == 429 and error_of(response)["code"] == "throttled"
    assert int(response.headers["Retry-After"]) > 0
    assert as_system(UserFactory()).get(url("my-certificates")).status_code == 200  # someone else


def test_anonymous_addresses_have_a_rate_limit(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "user": "100/h", "anon": "2/m", "verify": "100/h"}}  # fmt: skip
    client = Client()
    assert [client.get(url("schema")).status_code for _ in range(3)] == [200, 200, 429]
    # A forged X-Forwarded-For does not make a new client.
    assert client.get(url("schema"), headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.2").get(url("schema")).status_code == 200


def test_an_unknown_address_answers_any_method_in_json():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/nothing/", data={}, content_type="application/json")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_no_cache_keeps_or_shares_an_answer():
    for response in (as_system(UserFactory()).get(url("my-certificates")), Client().get("/api/v1/nothing/")):
        assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    assert "Authorization" in as_system(UserFactory()).get(url("my-certificates")).headers["Vary"]
