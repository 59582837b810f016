"""The OpenAPI schema at ``/api/v1/schema/`` is valid OpenAPI 3, describes only this API, and the API keeps to it:
schemathesis generates requests for every operation against a live server (as an official with a token) and checks
that none is a server error and that every response has a documented status, content type and shape."""

from __future__ import annotations

import pytest
import schemathesis
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Country, Region
from certificates.models import Certificate
from tests.certificates.test_pages import make_certificate
from tests.factories.accounts import UserFactory
from tests.factories.roles import ministry_official

from .helpers import token_for, url

OPERATIONS = {
    ("GET", "/api/v1/certificates/"),
    ("GET", "/api/v1/certificates/verify/{code}/"),
    ("GET", "/api/v1/teachers/"),
    ("GET", "/api/v1/teachers/{id}/"),
    ("GET", "/api/v1/me/enrollments/"),
    ("GET", "/api/v1/me/certificates/"),
    ("GET", "/api/v1/statistics/"),
}


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_and_describes_only_this_api(client):
    response = client.get(url("schema"))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(
        "application/vnd.oai.openapi+json"
    )
    schema = response.json()
    validate_schema(schema)
    operations = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    assert operations == OPERATIONS
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token made on the “API tokens” page of your account.",
    }
    for path, item in schema["paths"].items():
        assert {"401", "429"} <= set(item["get"]["responses"]), path


@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_to_its_schema_for_generated_requests(live_server, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "user": "100000/h", "anon": "100000/h", "verify": "100000/h"}}  # fmt: skip
    egypt = Country.objects.get(code="EG")
    cairo = Region.objects.create(country=egypt, name="Cairo")
    official = ministry_official(country=egypt)
    for number in range(3):
        teacher = UserFactory(full_name=f"Teacher {number}", country=egypt, region=cairo)
        make_certificate(teacher, country=egypt, region=cairo)
    make_certificate(official, country=egypt, status=Certificate.Status.REVOKED, revoked_reason="Test")
    headers = {"Authorization": f"Bearer {token_for(official)}"}

    schema = schemathesis.openapi.from_url(f"{live_server.url}{url('schema')}")
    checks = [
        schemathesis.checks.not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    seen = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        seen.add((operation.method.upper(), operation.path))

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=20, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        def run(case):
            response = case.call(base_url=live_server.url, headers=headers)
            case.validate_response(response, checks=checks)

        run()
    assert seen == OPERATIONS
