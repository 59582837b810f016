"""Issue #9, item 4: who may open what. A permission matrix over every URL of the project × every role.

Every URL pattern, found by walking the resolver (the language-prefixed ones once, under ``/en/``), has one or more
cases in ``MATRIX``: an address with its arguments filled in with real objects (someone else's attempt, certificate,
export, a course and an event taught by someone else, ...) and the answer each role must get:

- ``OK``: the page (200), or a redirect that is not to a sign-in page (302);
- ``IN``: past the permission check, but the object named in the address is a draft that no longer exists (404);
- ``LOGIN``: a redirect to a sign-in page (anonymous visitors; non-staff on the Django admin);
- ``UNAUTHENTICATED``: 401 (the REST API, for anonymous callers);
- ``NO``: refused with 403 or 404 (on the Wagtail admin: sent back to its home page);
- ``NOOP``: answered as if the object did not exist (a redirect back), and the object is unchanged.

A URL that is not in the matrix fails ``test_every_url_is_in_the_matrix``: decide who may see it, then add it. The
two admin sites (``/django-admin/``, ``/cms-admin/``) guard every screen with their own permission system; their
entry points and the screens with people's data are in the matrix, not each of their ~450 patterns.

Views that only accept POST are checked with a POST without data (CSRF checks off here; ``test_csrf.py`` checks
them): a role that may use them gets a form error or a redirect, the others a refusal. Each test runs in a
savepoint, so what a POST changes is gone before the next one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction, Site

from accounts.api_tokens import api_token_create
from accounts.models import ApiToken, Country, PartnerSite, Region, Role
from accounts.services import role_grant
from certificates.badges import badge_slug
from certificates.models import Certificate, CertificateTemplate
from cms.models import CoursePage
from core.models import Job
from lms.courses.models import Activity, Enrollment
from lms.courses.services import enrollment_self_enroll
from lms.quizzes import services as quiz_services
from lms.quizzes.models import QuestionAttempt
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.library import document as library_document
from tests.factories.library import library_index
from tests.factories.quizzes import QuestionCategoryFactory, make_question
from tests.factories.roles import ministry_official, superuser
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import make_event
from webinars.models import CalendarFeed, Event, Registration

ROLES = (
    "anonymous",
    "teacher",
    "trainer",
    "other-trainer",
    "official",
    "regional-official",
    "site-admin",
    "superuser",
)


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    def client(self, role: str, **options) -> Client:
        client = Client(**options)
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def build_world() -> World:
    """Egypt with two regions. Alice (Giza) is the learner whose things everyone else tries to open; the trainer
    teaches course A and its event, the other trainer course B; the regional official sees Cairo only."""
    world = World()
    egypt, tunisia = Country.objects.get(code="EG"), Country.objects.get(code="TN")
    cairo = Region.objects.create(country=egypt, name="Cairo")
    giza = Region.objects.create(country=egypt, name="Giza")
    site_admin = UserFactory(country=egypt, region=cairo)
    partner = PartnerSite.objects.create(site=Site.objects.get(is_default_site=True), country=egypt)
    role_grant(user=site_admin, role=Role.SITE_ADMINISTRATOR, partner_site=partner)
    trainer = make_trainer(country=egypt, region=cairo, full_name="Layla Trainer")
    other_trainer = make_trainer(country=egypt, region=cairo, full_name="Omar Othertrainer")
    official = ministry_official(country=egypt)
    world.users = {
        "teacher": UserFactory(country=egypt, region=cairo, full_name="Bob Teacher"),
        "trainer": trainer,
        "other-trainer": other_trainer,
        "official": official,
        "regional-official": ministry_official(country=egypt, region=cairo),
        "site-admin": site_admin,
        "superuser": superuser(),
    }
    alice = UserFactory(country=egypt, region=giza, full_name="Alice Learner")
    zainab = UserFactory(country=tunisia, full_name="Zainab Tunisia")

    course = make_course(title="Course A", modules=1, lessons=1, trainers=[trainer])
    other_course = make_course(title="Course B", modules=1, lessons=1, trainers=[other_trainer])
    enrollment = enrollment_self_enroll(user=alice, course=course)
    activity = Activity.objects.filter(course=course).first()

    category = QuestionCategoryFactory(owner=trainer)
    choice = make_question("multichoice", category=category, owner=trainer)
    essay = make_question("essay", category=category, owner=trainer)
    quiz = quiz_services.quiz_create(course=course, by=trainer, title="Quiz A")
    slot = quiz_services.slot_add_question(quiz=quiz, by=trainer, question=choice)
    quiz_services.slot_add_question(quiz=quiz, by=trainer, question=essay)
    attempt = quiz_services.attempt_start(quiz=quiz, user=alice, language="en")
    quiz_services.attempt_submit(attempt=attempt, user=alice)
    attempt.refresh_from_db()
    essay_attempt = QuestionAttempt.objects.filter(attempt=attempt).order_by("-pk").first()

    event = make_event(trainers=[trainer], created_by=trainer)
    session = event.sessions.first()
    registration = Registration.objects.create(
        event=event, user=alice, status=Registration.Status.CONFIRMED, country=egypt, region=giza
    )
    Event.objects.filter(pk=event.pk).update(confirmed_count=1)
    feed = CalendarFeed.objects.create(user=alice)

    certificate = Certificate.objects.create(
        user=alice,
        subject_key=course.subject_key,
        language="en",
        country=egypt,
        region=giza,
        snapshot={"learner_name": "Alice Learner", "titles": {"en": "Course A"}},
    )
    done = {"status": Job.Status.DONE, "finished_at": timezone.now()}
    expires = (timezone.now() + timedelta(days=1)).isoformat()

    def job(task_name: str, owner, name: str = "export.csv", **kwargs) -> Job:
        result = {
            "file": f"job-files/{owner.pk}-{task_name}-{name}",
            "size": 4,
            "expires_at": expires,
            "rows": 1,
            "exported": 1,
            "not_ready": 0,
        }
        return Job.objects.create(
            task_name=task_name, owner_id=owner.pk, label="x", result=result, kwargs=kwargs, **done
        )

    bob = world.users["teacher"]
    bob_course = make_course(title="Course C", modules=1, lessons=1)
    bob_enrollment = enrollment_self_enroll(user=bob, course=bob_course)
    bob_certificate = Certificate.objects.create(
        user=bob,
        subject_key=bob_course.subject_key,
        language="en",
        country=egypt,
        region=cairo,
        snapshot={"learner_name": "Bob Teacher", "titles": {"en": "Course C"}},
    )
    template = CertificateTemplate.objects.create(
        name="Egypt", language="en", partner_site=partner, body="<p>{{ learner_name }}</p>"
    )
    alice_token, _key = api_token_create(user=alice, name="Alice's system")
    bob_token, _key = api_token_create(user=bob, name="Bob's system")
    restricted_page = library_index("en")  # the OER library, behind a password
    page_restriction = PageViewRestriction.objects.create(
        page=restricted_page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    private_page = CoursePage.objects.get(course=bob_course, locale__language_code="en")
    PageViewRestriction.objects.create(page=private_page, restriction_type=PageViewRestriction.LOGIN)
    document = library_document()
    collection = Collection.get_first_root_node().add_child(name="Private")
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="secret"
    )
    world.objects = {
        "bob_course": bob_course,
        "bob_enrollment": bob_enrollment,
        "bob_activity": Activity.objects.filter(course=bob_course).first(),
        "bob_certificate": bob_certificate,
        "alice_token": alice_token,
        "bob_token": bob_token,
        "restricted_page": restricted_page,
        "page_restriction": page_restriction,
        "private_page": private_page,
        "document": document,
        "collection_restriction": collection_restriction,
        "course_page": CoursePage.objects.get(course=course, locale__language_code="en"),
        "alice_export": job("accounts.personal_data_export", alice, "my-data.zip"),
        "bob_export": job("accounts.personal_data_export", bob, "my-data.zip"),
        "admin_zip": job("certificates.bulk_export", site_admin, "certificates.zip"),
        "egypt": egypt,
        "cairo": cairo,
        "giza": giza,
        "alice": alice,
        "zainab": zainab,
        "course": course,
        "other_course": other_course,
        "enrollment": enrollment,
        "activity": activity,
        "category": category,
        "question": choice,
        "quiz": quiz,
        "slot": slot,
        "attempt": attempt,
        "essay_attempt": essay_attempt,
        "event": event,
        "session": session,
        "registration": registration,
        "feed": feed,
        "certificate": certificate,
        "template": template,
        "partner": partner,
        "report_job": job("reports.export", official),
        "bulk_enroll_job": job("courses.bulk_enroll", trainer, course_id=course.pk),
        "badge_slug": badge_slug(course.subject_key),
    }
    return world


def world_in_a_transaction(django_db_blocker) -> Iterator[World]:
    """The world built once for a module inside a transaction that is rolled back at the end; each test runs in a
    savepoint inside it (pytest-django's ``db``), so what one test changes the next does not see."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_in_a_transaction(django_db_blocker)


def url_patterns() -> list[tuple[str, str]]:
    """(key, route) of every URL pattern: the name with its namespace, or the route where there is no name."""
    found: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                found.append(((namespace + pattern.name) if pattern.name else route, route))

    walk(get_resolver().url_patterns, "", "")
    return found


ADMIN_ROUTES = ("django-admin/", "cms-admin/")

OK, IN, LOGIN, UNAUTHENTICATED, NO = "ok", "in", "login", "401", "no"
NOOP = "noop"  # answered as if the object did not exist (a redirect back) and nothing changed: see Case.state
SIGNED_IN = ROLES[1:]
COURSE_TRAINERS = ("trainer", "superuser")  # of course A (and its quiz, question bank entries, event)
TRAINERS = ("trainer", "other-trainer", "superuser")
OFFICIALS = ("official", "regional-official", "site-admin", "superuser")
CMS_OUTSIDERS = ("anonymous", "teacher", "official", "regional-official")  # no access to Wagtail's admin


def everyone(outcome: str = OK) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def only(*roles: str, anonymous: str = LOGIN, allowed: str = OK) -> dict[str, str]:
    """``roles`` get ``allowed``, the other signed-in roles are refused, anonymous visitors get ``anonymous``."""
    unknown = set(roles) - set(SIGNED_IN)
    assert not unknown, unknown
    return {"anonymous": anonymous} | {role: allowed if role in roles else NO for role in SIGNED_IN}


def signed_in(outcome: str = OK) -> dict[str, str]:
    return only(*SIGNED_IN, allowed=outcome)


@dataclass(frozen=True)
class Case:
    key: str  # the pattern's name (``namespace:name``) or, where it has none, its route
    path: Any  # the address, or a function of the World that returns it
    expect: dict[str, str]
    variant: str = ""
    method: str = "get"
    files: tuple[str, ...] = ()  # objects (jobs, documents) whose file must exist in storage
    state: Any = None  # a function of the World: must not change for roles that get NO or NOOP

    @property
    def id(self) -> str:
        return self.key + (f"[{self.variant}]" if self.variant else "")

    def address(self, world: World) -> str:
        return self.path(world) if callable(self.path) else self.path


def u(name: str, **kwargs: str | int) -> Any:
    """The address of ``name``; a string argument ``"alice.pk"`` is read from the world's objects."""

    def build(world: World) -> str:
        from django.urls import reverse

        values = {}
        for key, value in kwargs.items():
            if isinstance(value, str) and "." in value:
                obj, attribute = value.split(".", 1)
                value = getattr(world.objects[obj], attribute)
            values[key] = value
        return reverse(name, kwargs=values)

    return build


MATRIX: list[Case] = [
    # The site's own plumbing -----------------------------------------------------------------------------------
    Case("health", "/health/", everyone()),
    Case("favicon", "/favicon.ico", everyone()),
    Case("javascript-catalog", "/en/jsi18n/", everyone()),
    Case("wagtail_serve", "/en/", everyone(), "home"),
    Case("wagtail_serve", lambda w: w.objects["course_page"].url, everyone(), "course page"),
    Case("wagtail_serve", lambda w: w.objects["restricted_page"].url, everyone(), "password-protected page"),
    Case("wagtail_serve", lambda w: w.objects["private_page"].url, signed_in(), "page for signed-in people"),
    # Wagtail's own sign-in page is shadowed by the page pattern (config/urls.py): there is one sign-in page, ours.
    Case("wagtailcore_login", "/en/_util/login/", everyone(NO)),
    Case(
        "wagtailcore_authenticate_with_password",
        lambda w: (
            f"/en/_util/authenticate_with_password/{w.objects['page_restriction'].pk}/"
            f"{w.objects['restricted_page'].pk}/"
        ),
        everyone(),
    ),
    Case("wagtaildocs_serve", lambda w: w.objects["document"].url, everyone(), files=("document",)),
    Case(
        "wagtaildocs_authenticate_with_password",
        lambda w: f"/documents/authenticate_with_password/{w.objects['collection_restriction'].pk}/",
        everyone(),
    ),
    # Signing in and out, the account -----------------------------------------------------------------------------
    Case("accounts:login", "/en/accounts/login/", everyone()),  # signed in: sent on to the home page
    Case("accounts:logout", "/en/accounts/logout/", everyone(), method="post"),
    Case("accounts:signup", "/en/accounts/signup/", everyone()),
    Case("accounts:signup-done", "/en/accounts/signup/done/", everyone()),
    Case("accounts:resend-activation", "/en/accounts/signup/resend/", everyone()),
    Case("accounts:activate", "/en/accounts/activate/MTIz/not-a-token/", everyone()),  # "this link is invalid"
    Case("accounts:password-reset", "/en/accounts/password/reset/", everyone()),
    Case("accounts:password-reset-done", "/en/accounts/password/reset/sent/", everyone()),
    Case("accounts:password-reset-confirm", "/en/accounts/password/reset/MTIz/not-a-token/", everyone()),
    Case("accounts:password-reset-complete", "/en/accounts/password/reset/complete/", everyone()),
    Case("accounts:account-deleted", "/en/accounts/deleted/", everyone()),
    Case("accounts:password-change", "/en/accounts/password/change/", signed_in()),
    Case("accounts:profile", "/en/accounts/profile/", signed_in()),
    Case("accounts:account-delete", "/en/accounts/profile/delete/", signed_in()),
    Case("accounts:api-tokens", "/en/accounts/api-tokens/", signed_in()),
    Case(
        "accounts:api-token-revoke",
        u("accounts:api-token-revoke", token_id="alice_token.pk"),
        {**only(), **dict.fromkeys(SIGNED_IN, NOOP)},
        "alice's",
        "post",
        state=lambda w: ApiToken.objects.get(pk=w.objects["alice_token"].pk).revoked_at,
    ),
    Case(
        "accounts:api-token-revoke",
        u("accounts:api-token-revoke", token_id="bob_token.pk"),
        {**only(), **dict.fromkeys(SIGNED_IN, NOOP), "teacher": OK},
        "own",
        "post",
        state=lambda w: ApiToken.objects.get(pk=w.objects["bob_token"].pk).revoked_at,
    ),
    Case("accounts:data-export", "/en/accounts/profile/data/", signed_in(), method="post"),
    Case("accounts:data-export-result", u("accounts:data-export-result", job_id="alice_export.pk"), only(), "alice's"),
    Case(
        "accounts:data-export-result", u("accounts:data-export-result", job_id="bob_export.pk"), only("teacher"), "own"
    ),
    Case(
        "accounts:data-export-file",
        u("accounts:data-export-file", job_id="alice_export.pk"),
        only(),
        "alice's",
        files=("alice_export",),
    ),
    Case(
        "accounts:data-export-file",
        u("accounts:data-export-file", job_id="bob_export.pk"),
        only("teacher"),
        "own",
        files=("bob_export",),
    ),
    Case(
        "accounts:learner-create",
        "/en/accounts/learners/new/",
        only("trainer", "other-trainer", "site-admin", "superuser"),
    ),
    Case("core:job-detail", u("core:job-detail", job_id="alice_export.pk"), only(), "alice's"),
    Case("core:job-detail", u("core:job-detail", job_id="bob_export.pk"), only("teacher"), "own"),
    # Learning --------------------------------------------------------------------------------------------------
    Case("courses:dashboard", "/en/dashboard/", signed_in()),
    Case("courses:training-record", "/en/dashboard/record/", signed_in()),
    Case("courses:course-enroll", u("courses:course-enroll", course_uuid="course.uuid"), signed_in(), method="post"),
    # Course C: Bob (the teacher) is enrolled; nobody else is, and withdrawing or ticking off a lesson is hers.
    Case(
        "courses:course-withdraw",
        u("courses:course-withdraw", course_uuid="bob_course.uuid"),
        only("teacher"),
        method="post",
        state=lambda w: Enrollment.objects.get(pk=w.objects["bob_enrollment"].pk).status,
    ),
    Case(
        "courses:activity-complete",
        u("courses:activity-complete", activity_id="bob_activity.pk"),
        only("teacher"),
        method="post",
    ),
    Case("quizzes:quiz-start", u("quizzes:quiz-start", quiz_uuid="quiz.uuid"), signed_in(), method="post"),
    # Alice's attempt: its trainers review it (and are sent from its pages to the review), nobody else sees it.
    Case("quizzes:attempt-page", u("quizzes:attempt-page", attempt_uuid="attempt.uuid"), only(*COURSE_TRAINERS)),
    Case("quizzes:attempt-summary", u("quizzes:attempt-summary", attempt_uuid="attempt.uuid"), only(*COURSE_TRAINERS)),
    Case("quizzes:attempt-review", u("quizzes:attempt-review", attempt_uuid="attempt.uuid"), only(*COURSE_TRAINERS)),
    Case("quizzes:attempt-submit", u("quizzes:attempt-submit", attempt_uuid="attempt.uuid"), only(), method="post"),
    Case("quizzes:my-grades", u("quizzes:my-grades", course_uuid="course.uuid"), only(*COURSE_TRAINERS)),
    Case(
        "quizzes:my-grades",
        u("quizzes:my-grades", course_uuid="bob_course.uuid"),
        only("teacher", "superuser"),
        "enrolled",
    ),
    # Certificates ------------------------------------------------------------------------------------------------
    Case("certificates:verify", u("certificates:verify", code="certificate.code"), everyone()),
    Case("certificates:verify-localised", u("certificates:verify-localised", code="certificate.code"), everyone()),
    Case("certificates:lookup", "/en/verify/", everyone()),
    Case("certificates:batch-check", "/en/verify/batch/", only(*OFFICIALS)),
    Case("certificates:mine", "/en/certificates/", signed_in()),
    Case(
        "certificates:download",
        u("certificates:download", certificate_uuid="certificate.uuid"),
        only("superuser"),
        "alice's",
    ),
    Case(
        "certificates:download",
        u("certificates:download", certificate_uuid="bob_certificate.uuid"),
        only("teacher", "superuser"),
        "own",
    ),
    Case(
        "certificates:name-correction",
        u("certificates:name-correction", certificate_uuid="certificate.uuid"),
        only(),
        "alice's",
    ),
    Case(
        "certificates:name-correction",
        u("certificates:name-correction", certificate_uuid="bob_certificate.uuid"),
        only("teacher"),
        "own",
    ),
    Case(
        "certificates:manage", "/en/certificates/manage/", only("trainer", "other-trainer", "site-admin", "superuser")
    ),
    Case(
        "certificates:manage-detail",
        u("certificates:manage-detail", certificate_uuid="certificate.uuid"),
        only("site-admin", "superuser"),
    ),
    Case(
        "certificates:bulk-download",
        "/en/certificates/manage/download/",
        only("trainer", "other-trainer", "site-admin", "superuser"),
        method="post",
    ),
    Case("certificates:bulk-rerender", "/en/certificates/manage/rerender/", only("site-admin", "superuser")),
    Case("certificates:bulk-result", u("certificates:bulk-result", job_id="admin_zip.pk"), only("site-admin")),
    Case(
        "certificates:bulk-file",
        u("certificates:bulk-file", job_id="admin_zip.pk"),
        only("site-admin"),
        files=("admin_zip",),
    ),
    Case("certificates:template-list", "/en/certificates/manage/templates/", only("site-admin", "superuser")),
    Case("certificates:template-create", "/en/certificates/manage/templates/new/", only("site-admin", "superuser")),
    Case(
        "certificates:template-edit", u("certificates:template-edit", pk="template.pk"), only("site-admin", "superuser")
    ),
    Case(
        "certificates:template-preview",
        u("certificates:template-preview", pk="template.pk"),
        only("site-admin", "superuser"),
    ),
    # Open Badges: public by design (decision records 0008, 0009) except the baked image, which is the learner's.
    Case("certificates:badge-issuer", "/openbadges/issuer.json", everyone()),
    Case("certificates:badge-revocations", "/openbadges/revocations.json", everyone()),
    Case(
        "certificates:badge-assertion",
        u("certificates:badge-assertion", certificate_uuid="certificate.uuid"),
        everyone(),
    ),
    Case(
        "certificates:badge-baked",
        u("certificates:badge-baked", certificate_uuid="certificate.uuid"),
        only("superuser"),
    ),
    Case("certificates:badge-class", lambda w: f"/openbadges/badges/{w.objects['badge_slug']}/ru.json", everyone()),
    Case("certificates:badge-image", lambda w: f"/openbadges/badges/{w.objects['badge_slug']}.png", everyone()),
    # Trainers: course A is the trainer's, not the other trainer's ----------------------------------------------
    Case("courses:manage-list", "/en/learning/manage/", only(*TRAINERS)),
    Case("courses:participants", u("courses:participants", course_uuid="course.uuid"), only(*COURSE_TRAINERS)),
    Case(
        "courses:participants",
        u("courses:participants", course_uuid="other_course.uuid"),
        only("other-trainer", "superuser"),
        "course B",
    ),
    Case(
        "courses:participants-add",
        u("courses:participants-add", course_uuid="course.uuid"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "courses:announcement-create",
        u("courses:announcement-create", course_uuid="course.uuid"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "courses:cohort-enroll",
        u("courses:cohort-enroll", course_uuid="course.uuid"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "courses:enrollment-decide",
        u("courses:enrollment-decide", enrollment_id="enrollment.pk"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "courses:enrollment-bulk-upload",
        u("courses:enrollment-bulk-upload", course_uuid="course.uuid"),
        only(*COURSE_TRAINERS),
    ),
    Case(
        "courses:enrollment-bulk-preview",
        u("courses:enrollment-bulk-preview", course_uuid="course.uuid", token="expired"),
        only(*COURSE_TRAINERS),  # an expired draft: back to the upload page
    ),
    Case(
        "courses:enrollment-bulk-errors",
        u("courses:enrollment-bulk-errors", course_uuid="course.uuid", token="expired"),
        only(*COURSE_TRAINERS, allowed=IN),
    ),
    Case(
        "courses:enrollment-bulk-commit",
        u("courses:enrollment-bulk-commit", course_uuid="course.uuid", token="expired"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "courses:enrollment-bulk-result",
        u("courses:enrollment-bulk-result", course_uuid="course.uuid", job_id="bulk_enroll_job.pk"),
        only("trainer"),  # only whoever started the job
    ),
    Case(
        "courses:enrollment-bulk-passwords",
        u("courses:enrollment-bulk-passwords", course_uuid="course.uuid", job_id="bulk_enroll_job.pk"),
        only("trainer"),
        method="post",
    ),
    Case("cms:course-copy", u("cms:course-copy", course_uuid="course.uuid"), only(*COURSE_TRAINERS)),
    Case("quizzes:quiz-list", u("quizzes:quiz-list", course_uuid="course.uuid"), only(*COURSE_TRAINERS)),
    Case("quizzes:quiz-create", u("quizzes:quiz-create", course_uuid="course.uuid"), only(*COURSE_TRAINERS)),
    Case("quizzes:gradebook", u("quizzes:gradebook", course_uuid="course.uuid"), only(*COURSE_TRAINERS)),
    Case("quizzes:quiz-edit", u("quizzes:quiz-edit", quiz_uuid="quiz.uuid"), only(*COURSE_TRAINERS)),
    Case("quizzes:quiz-questions", u("quizzes:quiz-questions", quiz_uuid="quiz.uuid"), only(*COURSE_TRAINERS)),
    Case("quizzes:quiz-attempts", u("quizzes:quiz-attempts", quiz_uuid="quiz.uuid"), only(*COURSE_TRAINERS)),
    Case(
        "quizzes:quiz-slot-marks",
        u("quizzes:quiz-slot-marks", quiz_uuid="quiz.uuid"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "quizzes:quiz-slot-add",
        u("quizzes:quiz-slot-add", quiz_uuid="quiz.uuid"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "quizzes:quiz-slot-add-random",
        u("quizzes:quiz-slot-add-random", quiz_uuid="quiz.uuid"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "quizzes:quiz-slot-move",
        u("quizzes:quiz-slot-move", quiz_uuid="quiz.uuid", slot_id="slot.pk"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "quizzes:quiz-slot-remove",
        u("quizzes:quiz-slot-remove", quiz_uuid="quiz.uuid", slot_id="slot.pk"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "quizzes:quiz-regrade", u("quizzes:quiz-regrade", quiz_uuid="quiz.uuid"), only(*COURSE_TRAINERS), method="post"
    ),
    Case("quizzes:essay-queue", "/en/learning/manage/essays/", only(*TRAINERS)),  # each her own courses' essays
    Case(
        "quizzes:essay-grade", u("quizzes:essay-grade", question_attempt_id="essay_attempt.pk"), only(*COURSE_TRAINERS)
    ),
    # The question bank is shared by trainers (read, use, add to); a question is changed by its owner only.
    Case("quizzes:bank-list", "/en/learning/bank/", only(*TRAINERS)),
    Case("quizzes:bank-category", u("quizzes:bank-category", category_id="category.pk"), only(*TRAINERS)),
    Case("quizzes:bank-export", u("quizzes:bank-export", category_id="category.pk"), only(*TRAINERS)),
    Case("quizzes:question-create", u("quizzes:question-create", category_id="category.pk"), only(*TRAINERS)),
    Case("quizzes:question-edit", u("quizzes:question-edit", question_id="question.pk"), only(*COURSE_TRAINERS)),
    Case(
        "quizzes:question-texts",
        u("quizzes:question-texts", question_id="question.pk", language="ru"),
        only(*COURSE_TRAINERS),
    ),
    Case("quizzes:bank-import", "/en/learning/bank/import/", only(*TRAINERS)),
    Case("quizzes:bank-import-preview", "/en/learning/bank/import/expired/", only(*TRAINERS, allowed=IN)),
    Case(
        "quizzes:bank-import-confirm",
        "/en/learning/bank/import/expired/confirm/",
        only(*TRAINERS, allowed=IN),
        method="post",
    ),
    # Events --------------------------------------------------------------------------------------------------------
    Case("webinars:event-list", "/en/webinars/", everyone()),
    Case("webinars:event-detail", u("webinars:event-detail", event_uuid="event.uuid"), everyone()),
    Case("webinars:event-ics", u("webinars:event-ics", event_uuid="event.uuid"), everyone()),
    Case("webinars:event-register", u("webinars:event-register", event_uuid="event.uuid"), signed_in(), method="post"),
    Case("webinars:event-cancel", u("webinars:event-cancel", event_uuid="event.uuid"), signed_in(), method="post"),
    # Not registered: sent to the event's page, never to the meeting.
    Case("webinars:session-join", u("webinars:session-join", session_uuid="session.uuid"), signed_in()),
    Case("webinars:calendar-settings", "/en/webinars/calendar/", signed_in()),
    # A private feed is its unguessable address: whoever has it reads it (calendar apps cannot sign in).
    Case("webinars:calendar-feed", u("webinars:calendar-feed", token="feed.token"), everyone()),
    Case("webinars:manage-list", "/en/webinars/manage/", only(*TRAINERS)),
    Case("webinars:manage-create", "/en/webinars/manage/new/", only(*TRAINERS)),
    Case("webinars:manage-edit", u("webinars:manage-edit", event_uuid="event.uuid"), only(*COURSE_TRAINERS)),
    Case(
        "webinars:manage-publish",
        u("webinars:manage-publish", event_uuid="event.uuid"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case("webinars:manage-cancel", u("webinars:manage-cancel", event_uuid="event.uuid"), only(*COURSE_TRAINERS)),
    Case("webinars:manage-sessions", u("webinars:manage-sessions", event_uuid="event.uuid"), only(*COURSE_TRAINERS)),
    Case(
        "webinars:manage-session-edit",
        u("webinars:manage-session-edit", event_uuid="event.uuid", session_uuid="session.uuid"),
        only(*COURSE_TRAINERS),
    ),
    Case(
        "webinars:manage-session-cancel",
        u("webinars:manage-session-cancel", event_uuid="event.uuid", session_uuid="session.uuid"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "webinars:manage-participants",
        u("webinars:manage-participants", event_uuid="event.uuid"),
        only(*COURSE_TRAINERS),
    ),
    Case(
        "webinars:manage-registration-decide",
        u("webinars:manage-registration-decide", event_uuid="event.uuid", registration_id="registration.pk"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "webinars:manage-registration-remove",
        u("webinars:manage-registration-remove", event_uuid="event.uuid", registration_id="registration.pk"),
        only(*COURSE_TRAINERS),
        method="post",
    ),
    Case(
        "webinars:session-attendance",
        u("webinars:session-attendance", session_uuid="session.uuid"),
        only(*COURSE_TRAINERS),
    ),
    Case(
        "webinars:session-sign-in-sheet",
        u("webinars:session-sign-in-sheet", session_uuid="session.uuid"),
        only(*COURSE_TRAINERS),
    ),
    # Ministries: Alice lives in Giza; the regional official sees Cairo only -----------------------------------------
    Case("reports:dashboard", "/en/reports/", only(*OFFICIALS)),
    Case("reports:audit-log", "/en/reports/audit/", only("site-admin", "superuser")),
    Case("reports:registry", "/en/reports/registry/", only(*OFFICIALS)),
    Case(
        "reports:registry-teacher",
        u("reports:registry-teacher", user_id="alice.pk"),
        only("official", "site-admin", "superuser"),
        "Giza",
    ),
    Case(
        "reports:registry-teacher",
        u("reports:registry-teacher", user_id="zainab.pk"),
        only("superuser"),
        "Tunisia",
    ),
    Case("reports:exports", "/en/reports/exports/", only(*OFFICIALS)),
    Case("reports:export-result", u("reports:export-result", job_id="report_job.pk"), only("official")),
    Case(
        "reports:export-file", u("reports:export-file", job_id="report_job.pk"), only("official"), files=("report_job",)
    ),
    # The REST API (docs/api.md), here with the browser session; tokens are in test_csrf.py ----------------------
    Case("api:schema", "/api/v1/schema/", everyone()),
    Case("api:not-found", "/api/v1/nothing-here/", everyone(NO)),
    Case("api:certificate-verify", u("api:certificate-verify", code="certificate.code"), everyone()),
    Case("api:certificate-list", "/api/v1/certificates/", only(*TRAINERS, *OFFICIALS, anonymous=UNAUTHENTICATED)),
    Case("api:teacher-list", "/api/v1/teachers/", only(*OFFICIALS, anonymous=UNAUTHENTICATED)),
    Case(
        "api:teacher-detail",
        u("api:teacher-detail", pk="alice.pk"),
        only("official", "site-admin", "superuser", anonymous=UNAUTHENTICATED),
        "Giza",
    ),
    Case(
        "api:teacher-detail",
        u("api:teacher-detail", pk="zainab.pk"),
        only("superuser", anonymous=UNAUTHENTICATED),
        "Tunisia",
    ),
    Case("api:my-enrollments", "/api/v1/me/enrollments/", signed_in() | {"anonymous": UNAUTHENTICATED}),
    Case("api:my-certificates", "/api/v1/me/certificates/", signed_in() | {"anonymous": UNAUTHENTICATED}),
    Case("api:statistics", "/api/v1/statistics/", only(*OFFICIALS, anonymous=UNAUTHENTICATED)),
    # The admin sites' entry points and the screens with people's data ---------------------------------------------
    Case("admin:index", "/django-admin/", only("superuser") | {r: LOGIN for r in ROLES if r != "superuser"}),
    Case(
        "admin:accounts_user_changelist",
        "/django-admin/accounts/user/",
        only("superuser") | {r: LOGIN for r in ROLES if r != "superuser"},
    ),
    Case(
        "admin:accounts_auditentry_changelist",
        "/django-admin/accounts/auditentry/",
        only("superuser") | {r: LOGIN for r in ROLES if r != "superuser"},
    ),
    Case(
        "admin:accounts_apitoken_changelist",
        "/django-admin/accounts/apitoken/",
        only("superuser") | {r: LOGIN for r in ROLES if r != "superuser"},
    ),
    # Wagtail's admin: people without admin access are sent to its sign-in page, the others without the
    # permission back to its home page.
    Case(
        "wagtailadmin_home",
        "/cms-admin/",
        only("trainer", "other-trainer", "site-admin", "superuser") | dict.fromkeys(CMS_OUTSIDERS, LOGIN),
    ),
    Case("wagtailusers_users:index", "/cms-admin/users/", only("superuser") | dict.fromkeys(CMS_OUTSIDERS, LOGIN)),
]
MATRIX_KEYS = {case.key for case in MATRIX}


def outcome(response, *, method: str, address: str) -> str:
    status, location = response.status_code, response.get("Location", "")
    if status in (301, 302, 303):
        if "login" in location:
            return LOGIN
        if location == "/cms-admin/" and address != location:  # Wagtail's "you do not have permission"
            return NO
        return OK
    if status == 200 or (method == "post" and status == 400):  # a form error: past the permission check
        return OK
    if status == 401:
        return UNAUTHENTICATED
    if status in (403, 404):
        return NO
    return f"HTTP {status}"


def write_files(world: World, names: tuple[str, ...]) -> None:
    """Media is a fresh folder for each test (tests/conftest.py): put back the files the objects point at."""
    for name in names:
        obj = world.objects[name]
        path = obj.result["file"] if isinstance(obj, Job) else obj.file.name
        default_storage.save(path, ContentFile(b"%PDF-1.4 data"))


def test_every_url_is_in_the_matrix():
    missing = sorted(
        {f"{key} ({route})" for key, route in url_patterns() if not route.startswith(ADMIN_ROUTES)}
        - {f"{key} ({route})" for key, route in url_patterns() if key in MATRIX_KEYS}
    )
    assert not missing, "Add these URLs to MATRIX in tests/security/test_permissions.py: " + ", ".join(missing)
    known = {key for key, _route in url_patterns()}
    stale = sorted(MATRIX_KEYS - known)
    assert not stale, f"The matrix names URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "role"),
    [pytest.param(case, role, id=f"{case.id}-{role}") for case in MATRIX for role in ROLES],
)
def test_matrix(world, case: Case, role: str):
    write_files(world, case.files)
    address = case.address(world)
    before = case.state(world) if case.state else None
    response = getattr(world.client(role), case.method)(address)
    got = outcome(response, method=case.method, address=address)
    expected = case.expect[role]
    if expected in (NO, NOOP) and case.state:
        assert case.state(world) == before, f"{role} {case.method.upper()} {address} changed what it must not"
    if expected == NOOP:
        assert got in (OK, NO), f"{role} {case.method.upper()} {address}: {got}"
    elif expected == IN:
        assert got == OK or response.status_code == 404, f"{role} {case.method.upper()} {address}: {got}"
    else:
        where = f"{role} {case.method.upper()} {address}: {response.status_code} {response.get('Location', '')}"
        assert got == expected, f"expected {expected}, got {got} — {where}"


@pytest.mark.django_db
def test_a_page_for_signed_in_people_sends_visitors_to_our_sign_in_page(world):
    page = world.objects["private_page"]
    response = Client().get(page.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert world.client("teacher").get(page.url).status_code == 200


@pytest.mark.django_db
def test_a_password_protected_page_opens_with_its_password(world):
    page, restriction = world.objects["restricted_page"], world.objects["page_restriction"]
    client = Client()
    assert b'name="password"' in client.get(page.url).content
    address = f"/en/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    wrong = client.post(address, {"password": "wrong", "return_url": page.url})
    assert wrong.status_code == 200 and b'name="password"' in wrong.content
    right = client.post(address, {"password": "secret", "return_url": page.url})
    assert right.status_code == 302 and right["Location"] == page.url
    response = client.get(page.url)
    assert response.status_code == 200 and b'name="password"' not in response.content
