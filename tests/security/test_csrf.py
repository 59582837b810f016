"""Issue #9, item 4: CSRF on every state change.

Every address of the permission matrix (``test_permissions.MATRIX``) is sent a POST, without a CSRF token, by a
client that checks CSRF as browsers do (``Client(enforce_csrf_checks=True)``) and is signed in as a role that may use
the address (or by an anonymous visitor where the page is for everyone: signing in, signing up, password reset). The
answer is 403 — or 405 where the view takes no POST at all — and nothing in the database has changed.

The REST API (docs/api.md) only reads. Token calls need no CSRF token (a system sends no cookies, so there is nothing
to forge), and POST answers them 405; a POST with the browser session and no CSRF token is refused with 403."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client

from accounts.api_tokens import api_token_create
from accounts.models import ApiToken
from lms.courses.models import Enrollment
from webinars.models import Event, Registration

from .test_permissions import IN, MATRIX, NOOP, OK, ROLES, Case, World, world_in_a_transaction

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_in_a_transaction(django_db_blocker)


# Answer to a POST without a CSRF token, where it is not 403 (the view takes no POST, or answers every method alike).
NO_POST = 405
NOT_403 = {
    "api:not-found": 404,  # csrf_exempt on purpose: a JSON 404 for any method, and it changes nothing
}
# Tables whose rows a POST could add or remove (counted before and after), and states it could change.
COUNTED = (
    "accounts.User",
    "accounts.ApiToken",
    "accounts.AuditEntry",
    "core.Job",
    "courses.Enrollment",
    "courses.ActivityProgress",
    "courses.Announcement",
    "courses.Cohort",
    "quizzes.Quiz",
    "quizzes.QuizSlot",
    "quizzes.Question",
    "quizzes.QuestionVersion",
    "quizzes.QuestionCategory",
    "quizzes.Attempt",
    "webinars.Event",
    "webinars.Session",
    "webinars.Registration",
    "webinars.Attendance",
    "webinars.CalendarFeed",
    "certificates.Certificate",
    "certificates.CertificateTemplate",
    "wagtailcore.Page",
)


def snapshot(world: World) -> dict:
    counts = {label: apps.get_model(label).objects.count() for label in COUNTED}
    o = world.objects
    states = {
        "tokens revoked": list(ApiToken.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True)),
        "enrollments": sorted(Enrollment.objects.values_list("pk", "status")),
        "registrations": sorted(Registration.objects.values_list("pk", "status")),
        "events": sorted(Event.objects.values_list("pk", "status")),
        "sessions": sorted(o["event"].sessions.values_list("pk", "starts_at", "status")),
        "slots": sorted(o["quiz"].slots.values_list("pk", "position", "mark")),
        "quiz": o["quiz"].__class__.objects.filter(pk=o["quiz"].pk).values().get(),
        "essay": o["essay_attempt"].__class__.objects.filter(pk=o["essay_attempt"].pk).values().get(),
        "users": sorted(
            apps.get_model("accounts.User").objects.values_list("pk", "is_active", "full_name", "password")
        ),
        "certificates": sorted(o["certificate"].__class__.objects.values_list("pk", "snapshot")),
    }
    return {**counts, **states}


def poster(case: Case) -> str:
    """A role that may use the address: anonymous where the page is for everyone (sign in, sign up), else the first
    signed-in role that may."""
    if case.expect["anonymous"] == OK:
        return "anonymous"
    return next(role for role in ROLES[1:] if case.expect[role] in (OK, IN, NOOP))


CASES = [case for case in MATRIX if any(outcome in (OK, IN, NOOP) for outcome in case.expect.values())]


@pytest.mark.parametrize("case", [pytest.param(case, id=f"{case.id}-{poster(case)}") for case in CASES])
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(world, case: Case):
    role = poster(case)
    address = case.address(world)
    client = world.client(role, enforce_csrf_checks=True)
    before = snapshot(world)
    response = client.post(address, {"name": "x", "title": "x", "mark": "1", "action": "approve"})
    expected = NOT_403.get(case.key, 403)
    assert response.status_code in (expected, NO_POST), f"{role} POST {address}: {response.status_code}"
    if response.status_code == 403:
        assert b"CSRF" in response.content, f"{role} POST {address}: a 403 that is not the CSRF check"
    assert snapshot(world) == before, f"{role} POST {address} changed something"


def test_the_matrix_has_state_changing_addresses_to_check():
    """Guard against an empty run: the matrix lists the POST-only views, and most pages with forms."""
    assert sum(case.method == "post" for case in CASES) >= 25
    assert len(CASES) >= 120


ADMIN_POSTS = [
    ("superuser", "/django-admin/accounts/user/add/"),
    ("superuser", "/django-admin/logout/"),
    ("superuser", "/cms-admin/pages/add/"),
    ("trainer", "/cms-admin/logout/"),
]


@pytest.mark.parametrize(("role", "address"), ADMIN_POSTS, ids=[f"{a}-{r}" for r, a in ADMIN_POSTS])
def test_the_admin_sites_check_csrf(world, role, address):
    before = snapshot(world)
    response = world.client(role, enforce_csrf_checks=True).post(address, {"email": "new@example.org"})
    assert response.status_code == 403
    assert snapshot(world) == before


API_ENDPOINTS = ["/api/v1/me/enrollments/", "/api/v1/me/certificates/", "/api/v1/certificates/", "/api/v1/statistics/"]


@pytest.mark.parametrize("address", API_ENDPOINTS)
def test_the_api_with_a_token_needs_no_csrf_token_and_takes_no_post(world, address):
    official = world.users["official"]
    _token, key = api_token_create(user=official, name="Ministry sync")
    client = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {key}"})
    assert client.get(address).status_code == 200
    before = snapshot(world)
    assert client.post(address, {}).status_code == 405  # read-only: nothing to forge
    assert snapshot(world) == before


@pytest.mark.parametrize("address", API_ENDPOINTS)
def test_the_api_with_the_browser_session_refuses_a_post_without_a_csrf_token(world, address):
    client = world.client("official", enforce_csrf_checks=True)
    assert client.get(address).status_code == 200  # reads need no CSRF token
    before = snapshot(world)
    response = client.post(address, {})
    assert response.status_code == 403
    assert (
        "CSRF" in response.json()["error"]["message"]
        if response.get("Content-Type", "").startswith("application/json")
        else b"CSRF" in response.content
    )
    assert snapshot(world) == before


def test_with_its_csrf_token_the_same_post_goes_through(world):
    """The control: the snapshot sees a change, and the 403s above come from the missing token alone."""
    client = world.client("teacher", enforce_csrf_checks=True)
    client.get("/en/accounts/api-tokens/")  # sets the CSRF cookie
    token = world.objects["bob_token"]
    before = snapshot(world)
    response = client.post(
        f"/en/accounts/api-tokens/{token.pk}/revoke/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert response.status_code == 302
    assert snapshot(world) != before
    token.refresh_from_db()
    assert token.revoked_at is not None
