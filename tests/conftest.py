"""Shared fixtures.

`make test` starts PostgreSQL (DATABASE_URL) and Redis (TEST_REDIS_URL) on loopback. Tests that need one of
them take the ``postgres`` or ``redis_url`` fixture: without the service they are skipped with a loud
reason, and with REQUIRE_SERVICES=1 (CI) they fail instead.
"""

from __future__ import annotations

import os

import pytest
from django.apps import apps as django_apps
from django.db import connection


def ensure_reference_data() -> None:
    """What migrations create and transactional tests flush: countries, role groups, the ICT CFT framework,
    locales, the root page, the home and section pages and the default site."""
    from accounts.setup import ensure_countries, ensure_role_groups
    from cms.setup import ensure_site, ensure_submissions_collection, ensure_trainer_permissions
    from lms.competencies.framework import ensure_framework

    ensure_countries(django_apps)
    ensure_role_groups(django_apps)
    ensure_framework(django_apps)
    ensure_site(django_apps)
    from wagtail.models import Collection

    if not Collection.objects.exists():  # Wagtail's migrations create the root collection
        Collection.add_root(name="Root")
    _ensure_moderation_workflow()
    ensure_trainer_permissions(django_apps)
    ensure_submissions_collection(django_apps)


def _ensure_moderation_workflow() -> None:
    """Wagtail's migrations create a "Moderators approval" workflow on the root page; flushing removes it."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

    if Workflow.objects.filter(name="Moderators approval").exists():
        return
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="Moderators approval")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=Page.objects.get(depth=1), defaults={"workflow": workflow})


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # With --reuse-db the database may come from a run whose last transactional test flushed it.
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _restore_reference_data(request):
    """Transactional tests run after every other database test (pytest-django orders them so) and each
    starts from a flushed database: give it the reference data back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        transactional = True
    if transactional:
        request.getfixturevalue("transactional_db")
        ensure_reference_data()


def missing_service(service: str) -> None:
    message = f"{service} is not available (start it with `make test`)"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def postgres(db):
    """For tests that only mean something on PostgreSQL (row locks, concurrency)."""
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL")
    return connection


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        missing_service("Redis")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        missing_service("Redis")
    return url


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request to /ar/ leaves Arabic active in this thread afterwards; each test starts from English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
