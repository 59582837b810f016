"""Nothing outside a requester's scope is reachable: every role inside Egypt (a teacher, a trainer, a ministry official
for the country, one for a region, a site administrator, and nobody signed in) × every page, file, export and API
endpoint that shows people's data × objects of Tunisia (a teacher, her certificate, her API token, the jobs and
files officials and she made there). Each answer is a refusal (403, 404, a redirect to sign in, an error about the
filter) or a page without any of those objects' data — never their data.

Left out on purpose, because they are public by design: certificate verification (`/verify/<code>/`, its look-up
page, the API's verification) and the Open Badges documents, which show what a certificate says to anyone who has
its code or address (decision records 0008 and 0009)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.models import Site

from accounts.api_tokens import api_token_create
from accounts.models import Country, Institution, PartnerSite, Region, Role
from accounts.services import role_grant
from certificates.codes import code_display
from certificates.models import Certificate
from core.models import Job
from lms.courses import services as course_services
from lms.reports.tallies import tallies_rebuild
from tests.factories.accounts import UserFactory
from tests.factories.reports import enroll
from tests.factories.roles import ministry_official
from tests.factories.roles import trainer as make_trainer

pytestmark = pytest.mark.django_db

NAMESPACES = {"reports", "api", "certificates", "accounts", "core"}
PUBLIC_BY_DESIGN = {
    "certificates:verify",
    "certificates:verify-localised",
    "certificates:lookup",
    "api:certificate-verify",
    "api:schema",
    "api:not-found",
}
# Pages about the requester herself, or with nobody's data (signing in, signing up, password pages).
NOT_ABOUT_OTHERS = {
    "accounts:login",
    "accounts:logout",
    "accounts:signup",
    "accounts:signup-done",
    "accounts:resend-activation",
    "accounts:activate",
    "accounts:password-change",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
    "accounts:account-deleted",
    "accounts:learner-create",
    "certificates:template-create",
}
MARKERS = ("Zainab Outsider", "zainab.outsider@example.org", "TN-OUTSIDE-77", "Sfax Outside School", "Sfax Region")


def endpoints() -> list[tuple[str, str]]:
    """(name, pattern) of every named URL in the namespaces that serve people's data."""
    found = []

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in NAMESPACES and pattern.name:
                name = f"{namespace}:{pattern.name}"
                if name not in PUBLIC_BY_DESIGN and name not in NOT_ABOUT_OTHERS and "badge" not in pattern.name:
                    found.append((name, str(pattern.pattern)))

    walk(get_resolver().url_patterns)
    return sorted(set(found))


@pytest.fixture
def tunisia():
    """Tunisia's people and what was made about them."""
    country = Country.objects.get(code="TN")
    region = Region.objects.create(country=country, name="Sfax Region")
    school = Institution.objects.create(country=country, region=region, name="Sfax Outside School")
    teacher = UserFactory(
        full_name="Zainab Outsider",
        email="zainab.outsider@example.org",
        national_teacher_id="TN-OUTSIDE-77",
        country=country,
        region=region,
        institution=school,
    )
    course = course_services.course_create(title="A course taught everywhere")
    enroll([teacher], course, completed=True)
    certificate = Certificate.objects.create(
        user=teacher,
        subject_key=course.subject_key,
        language="ar",
        country=country,
        region=region,
        snapshot={"learner_name": "Zainab Outsider", "titles": {"en": "A course"}},
    )
    official = ministry_official(country=country)
    done = {"status": Job.Status.DONE, "finished_at": timezone.now()}
    result = {"file": "job-files/outside.csv", "size": 10, "expires_at": (timezone.now()).isoformat(), "rows": 1}
    jobs = [
        Job.objects.create(task_name=name, owner_id=owner.pk, label="Zainab Outsider", result=result, **done)
        for name, owner in (
            ("reports.export", official),
            ("certificates.bulk_export", official),
            ("accounts.data_export", teacher),
        )
    ]
    token, _key = api_token_create(user=teacher, name="Zainab Outsider's system")
    tallies_rebuild()
    return {
        "teacher": teacher,
        "certificate": certificate,
        "region": region,
        "jobs": jobs,
        "token": token,
        "course": course,
    }


def inside_roles() -> dict[str, Client | None]:
    egypt = Country.objects.get(code="EG")
    cairo = Region.objects.create(country=egypt, name="Cairo")
    site_admin = UserFactory(country=egypt)
    partner = PartnerSite.objects.create(site=Site.objects.get(is_default_site=True), country=egypt)
    role_grant(user=site_admin, role=Role.SITE_ADMINISTRATOR, partner_site=partner)
    users = {
        "teacher": UserFactory(country=egypt),
        "trainer": make_trainer(country=egypt),
        "official": ministry_official(country=egypt),
        "regional official": ministry_official(country=egypt, region=cairo),
        "site administrator": site_admin,
    }
    clients: dict[str, Client | None] = {"anonymous": None}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


def addresses(name: str, pattern: str, outside: dict) -> list[str]:
    """Every way to point ``name`` at Tunisia's objects."""
    values = {
        "user_id": [outside["teacher"].pk],
        "pk": [outside["teacher"].pk],
        "code": [outside["certificate"].code],
        "certificate_uuid": [outside["certificate"].uuid],
        "job_id": [job.pk for job in outside["jobs"]],
        "token_id": [outside["token"].pk],
    }
    kwargs_names = [part.split(">")[0].split(":")[-1] for part in pattern.split("<")[1:]]
    if not kwargs_names:
        return [reverse(name)]
    if name == "certificates:template-edit" or name == "certificates:template-preview":
        return []  # templates hold no one's data (sample values only)
    combos = [{}]
    for kwarg in kwargs_names:
        combos = [{**combo, kwarg: value} for combo in combos for value in values[kwarg]]
    return [reverse(name, kwargs=combo) for combo in combos]


def test_nothing_outside_the_scope_is_reachable_by_any_role_at_any_address(tunisia):
    outside = tunisia
    clients = inside_roles()
    queries = {
        # Her surname alone: found if she were in scope, and not itself a marker (the audit log shows searches).
        "q": "Outsider",
        "search": "Outsider",
        "region": outside["region"].pk,
        "by": "region",
        "course": outside["course"].pk,
    }
    markers = (*MARKERS, outside["certificate"].code, code_display(outside["certificate"].code))
    checked = 0
    for name, pattern in endpoints():
        for address in addresses(name, pattern, outside):
            for role, client in clients.items():
                for params in ({}, queries):
                    response = (client or Client()).get(address, params)
                    checked += 1
                    where = f"{role} GET {address} {params}"
                    assert response.status_code in {200, 302, 400, 401, 403, 404, 405, 429}, where
                    if response.status_code == 302:
                        assert "/login/" in response["Location"] or response["Location"].startswith("/"), where
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    text = body.decode("utf-8", "replace")
                    for marker in markers:
                        assert marker not in text, f"{where} shows {marker!r}"
    assert checked > 300
    # And the statistics of her region are an error for Egypt's official, not Tunisia's counts.
    response = clients["official"].get(reverse("reports:dashboard"), {"region": outside["region"].pk})
    assert "errorlist" in response.content.decode()


def test_the_matrix_covers_the_ministries_endpoints():
    names = {name for name, _pattern in endpoints()}
    assert {
        "reports:dashboard",
        "reports:registry",
        "reports:registry-teacher",
        "reports:exports",
        "reports:export-result",
        "reports:export-file",
        "reports:audit-log",
        "api:certificate-list",
        "api:teacher-list",
        "api:teacher-detail",
        "api:statistics",
        "api:my-enrollments",
        "api:my-certificates",
        "certificates:manage",
        "certificates:manage-detail",
        "certificates:download",
        "certificates:bulk-result",
        "certificates:bulk-file",
        "accounts:data-export-result",
        "accounts:data-export-file",
        "accounts:api-token-revoke",
        "core:job-detail",
    } <= names
