"""Open Badges 2.0: every certificate is a hosted assertion, with its BadgeClass and the site's Issuer profile at
their own addresses, checked against the specification's required properties and the v2 JSON-LD context kept in
this folder (``openbadges-v2-context.json``, the context published at https://w3id.org/openbadges/v2, copied from
1EdTech/openbadges-specification ``ob_v2p0/v2/context.json``)."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from certificates import badges
from certificates.models import Certificate
from tests.certificates.test_pages import make_certificate, signed_in
from tests.factories.accounts import UserFactory
from tests.factories.roles import superuser

pytestmark = pytest.mark.django_db

CONTEXT_TERMS = set(json.loads((Path(__file__).parent / "openbadges-v2-context.json").read_text())["@context"])
EMAIL = "amina.yusuf@example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://maktaba.example.org"
    settings.DEFAULT_FROM_EMAIL = "Maktaba <badges@maktaba.example.org>"


def learner(email: str = EMAIL):
    return UserFactory(email=email, full_name="Amina Yusuf")


def path_of(url: str) -> str:
    assert url.startswith("https://maktaba.example.org/"), url
    return urlsplit(url).path


def fetch(url: str, client: Client | None = None, **headers) -> dict:
    response = (client or Client()).get(path_of(url), headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    return json.loads(response.content.decode())


def terms_used(document, terms: set[str] | None = None) -> set[str]:
    """Every property name in the document, and every ``type`` value (types are terms too)."""
    terms = set() if terms is None else terms
    if isinstance(document, dict):
        for key, value in document.items():
            terms.add(key)
            if key == "type":
                terms.update(value if isinstance(value, list) else [value])
            terms_used(value, terms)
    elif isinstance(document, list):
        for item in document:
            terms_used(item, terms)
    return terms


def all_documents(certificate: Certificate) -> list[dict]:
    assertion = fetch(badges.assertion_url(certificate))
    badge_class = fetch(assertion["badge"])
    issuer = fetch(badge_class["issuer"])
    revocations = fetch(issuer["revocationList"])
    return [assertion, badge_class, issuer, revocations]


def iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value  # the specification requires a time zone
    return parsed


# Required properties ---------------------------------------------------------------------------------------------


def test_the_assertion_has_every_required_property():
    certificate = make_certificate(learner(), issued_at=timezone.now())
    assertion = fetch(badges.assertion_url(certificate))
    assert assertion["@context"] == "https://w3id.org/openbadges/v2"
    assert assertion["type"] == "Assertion"
    assert assertion["id"] == f"https://maktaba.example.org/openbadges/assertions/{certificate.uuid}.json"
    assert set(assertion["recipient"]) == {"type", "hashed", "salt", "identity"}
    assert assertion["recipient"]["type"] == "email" and assertion["recipient"]["hashed"] is True
    assert assertion["badge"].startswith("https://maktaba.example.org/openbadges/badges/")
    assert assertion["verification"] == {"type": "hosted"}
    assert iso(assertion["issuedOn"]) == certificate.issued_at.replace(microsecond=0)
    assert "revoked" not in assertion and "expires" not in assertion


def test_the_badge_class_has_every_required_property_in_the_certificates_language():
    certificate = make_certificate(learner(), language="ru")
    badge_class = fetch(fetch(badges.assertion_url(certificate))["badge"])
    assert badge_class["@context"] == "https://w3id.org/openbadges/v2"
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["id"].endswith("/ru.json")
    assert badge_class["name"] == "Обучение с цифровыми инструментами"
    assert "Обучение с цифровыми инструментами" in badge_class["description"]
    assert badge_class["criteria"]["narrative"]
    assert "3.1" in badge_class["criteria"]["narrative"]
    assert badge_class["issuer"] == "https://maktaba.example.org/openbadges/issuer.json"
    # Its editions in the other languages of the snapshot.
    assert sorted(badge_class["related"]) == sorted(
        badges.badge_class_url(certificate.subject_key, code) for code in ("en", "ar")
    )
    assert fetch(badge_class["related"][0])["name"] in {"Teaching with digital tools", "التدريس بالأدوات الرقمية"}


def test_the_badge_image_is_a_png():
    certificate = make_certificate(learner())
    badge_class = fetch(fetch(badges.assertion_url(certificate))["badge"])
    response = Client().get(path_of(badge_class["image"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG" and image.size == (256, 256)
    assert response.content == badges.badge_png(badges.badge_slug(certificate.subject_key))  # deterministic


def test_the_issuer_profile_has_every_required_property():
    issuer = fetch(badges.issuer_url())
    assert issuer["@context"] == "https://w3id.org/openbadges/v2"
    assert issuer["type"] == "Profile"
    assert issuer["id"] == "https://maktaba.example.org/openbadges/issuer.json"
    assert issuer["name"] == "Maktaba"
    assert issuer["url"] == "https://maktaba.example.org/"
    assert issuer["email"] == "badges@maktaba.example.org"  # required of an issuer
    assert issuer["revocationList"] == "https://maktaba.example.org/openbadges/revocations.json"


def test_the_issuer_email_may_be_set_apart(settings):
    settings.MAKTABA_CONTACT_EMAIL = "certificates@ministry.example.org"
    assert fetch(badges.issuer_url())["email"] == "certificates@ministry.example.org"


def test_every_term_in_every_document_is_defined_in_the_v2_context():
    revoked = make_certificate(learner("other@example.org"), status=Certificate.Status.REVOKED, revoked_reason="x")
    certificate = make_certificate(learner(), valid_until=date(2030, 1, 1))
    used = set()
    for document in all_documents(certificate) + all_documents(revoked):
        terms_used(document, used)
    keywords = {term for term in used if term.startswith("@")}
    assert keywords == {"@context"}
    assert used - keywords - CONTEXT_TERMS == set()
    assert {"hosted", "Assertion", "BadgeClass", "Profile", "VerificationObject", "RevocationList"} <= used


def test_every_id_serves_the_same_document_and_the_documents_link_up():
    certificate = make_certificate(learner())
    assertion, badge_class, issuer, revocations = all_documents(certificate)
    for document in (assertion, badge_class, issuer, revocations):
        assert fetch(document["id"]) == document
    assert assertion == badges.assertion(certificate, email=EMAIL)
    assert revocations["issuer"] == issuer["id"]


def test_documents_are_public_short_lived_and_readable_from_other_origins():
    certificate = make_certificate(learner())
    response = Client().get(path_of(badges.assertion_url(certificate)))
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response


def test_a_client_asking_only_for_json_gets_json():
    certificate = make_certificate(learner())
    response = Client().get(path_of(badges.assertion_url(certificate)), headers={"Accept": "application/json"})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)["type"] == "Assertion"


def test_the_addresses_have_no_language_prefix():
    certificate = make_certificate(learner())
    for url in (badges.assertion_url(certificate), badges.issuer_url(), badges.revocation_list_url()):
        assert path_of(url).startswith("/openbadges/")


# Recipient -------------------------------------------------------------------------------------------------------


def test_the_hashed_identity_verifies_her_address_and_no_other():
    certificate = make_certificate(learner())
    recipient = fetch(badges.assertion_url(certificate))["recipient"]
    salt = recipient["salt"]
    assert recipient["identity"] == "sha256$" + hashlib.sha256((EMAIL + salt).encode()).hexdigest()
    assert badges.recipient_matches(recipient, EMAIL)
    assert badges.recipient_matches(recipient, "Amina.Yusuf@Example.org ")
    assert not badges.recipient_matches(recipient, "someone.else@example.org")
    assert not badges.recipient_matches(recipient, "")


def test_the_salt_is_stable_per_certificate_and_differs_between_certificates():
    person = learner()
    first, second = make_certificate(person), make_certificate(person)
    one = fetch(badges.assertion_url(first))["recipient"]
    assert fetch(badges.assertion_url(first))["recipient"] == one
    two = fetch(badges.assertion_url(second))["recipient"]
    assert one["salt"] != two["salt"] and one["identity"] != two["identity"]  # her badges cannot be linked


def test_no_document_holds_her_name_or_address():
    person = learner()
    certificate = make_certificate(person)
    text = json.dumps(all_documents(certificate), ensure_ascii=False).lower()
    for secret in ("amina", "yusuf", EMAIL, "example.org/verify", certificate.code.lower()):
        assert secret.lower() not in text


def test_an_erased_learners_assertion_is_gone():
    certificate = make_certificate(None)
    response = Client().get(path_of(badges.assertion_url(certificate)))
    assert response.status_code == 410
    assert b"Amina" not in response.content


def test_an_unknown_assertion_or_badge_is_a_404():
    assert Client().get(f"/openbadges/assertions/{uuid.uuid4()}.json").status_code == 404
    slug = badges.badge_slug(f"course:{uuid.uuid4()}")
    assert Client().get(f"/openbadges/badges/{slug}/en.json").status_code == 404
    assert Client().get(f"/openbadges/badges/{slug}.png").status_code == 404
    assert Client().get("/openbadges/badges/not*a*slug/en.json").status_code == 404
    certificate = make_certificate(learner())
    known = badges.badge_slug(certificate.subject_key)
    assert Client().get(f"/openbadges/badges/{known}/xx.json").status_code == 404


# Verification, revocation, expiry --------------------------------------------------------------------------------


def test_hosted_verification_is_limited_to_the_sites_origin():
    certificate = make_certificate(learner())
    assertion, badge_class, issuer, _ = all_documents(certificate)
    assert assertion["verification"]["type"] == "hosted"
    assert issuer["verification"]["type"] == "VerificationObject"
    origins = issuer["verification"]["allowedOrigins"]
    for document in (assertion, badge_class, issuer):
        assert urlsplit(document["id"]).netloc in origins
    assert origins == ["maktaba.example.org"]


def test_a_revoked_certificate_is_revoked_in_its_assertion_and_listed():
    certificate = make_certificate(
        learner(),
        status=Certificate.Status.REVOKED,
        revoked_at=timezone.now(),
        revoked_reason="Issued in error",
    )
    valid = make_certificate(learner("valid@example.org"))
    assertion = fetch(badges.assertion_url(certificate))
    assert assertion["revoked"] is True
    assert assertion["revocationReason"] == "Issued in error"
    revocations = fetch(fetch(badges.issuer_url())["revocationList"])
    assert revocations["type"] == "RevocationList"
    assert revocations["revokedAssertions"] == [assertion["id"]]
    assert badges.assertion_url(valid) not in revocations["revokedAssertions"]


def test_a_revocation_without_a_reason_still_gives_one_in_the_certificates_language():
    certificate = make_certificate(learner(), language="en", status=Certificate.Status.REVOKED)
    assert fetch(badges.assertion_url(certificate))["revocationReason"] == "Revoked by the issuer."


def test_a_certificate_valid_until_a_day_expires_when_the_next_day_begins(settings):
    settings.TIME_ZONE = "UTC"
    certificate = make_certificate(learner(), valid_until=date(2027, 6, 30))
    assertion = fetch(badges.assertion_url(certificate))
    assert iso(assertion["expires"]) == datetime.fromisoformat("2027-07-01T00:00:00+00:00")


# Baking ----------------------------------------------------------------------------------------------------------


def baked_url(certificate: Certificate) -> str:
    return reverse("certificates:badge-baked", kwargs={"certificate_uuid": certificate.uuid})


def test_the_learner_downloads_her_baked_badge():
    person = learner()
    certificate = make_certificate(person)
    response = signed_in(person).get(baked_url(certificate))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert f'attachment; filename="badge-{certificate.code}.png"' == response["Content-Disposition"]
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    png = response.content
    assert badges.unbake_png(png) == badges.assertion_url(certificate)
    with Image.open(io.BytesIO(png)) as image:
        image.load()  # a valid PNG still, CRCs and all
        assert image.format == "PNG"
        assert image.text.get("openbadges") == badges.assertion_url(certificate)  # Pillow reads the iTXt chunk
    assert png.index(b"iTXt") < png.index(b"IEND")
    # And the baked address leads to her assertion.
    assert badges.recipient_matches(fetch(badges.unbake_png(png))["recipient"], EMAIL)


def test_a_superuser_may_download_a_baked_badge_nobody_else():
    certificate = make_certificate(learner())
    assert signed_in(superuser()).get(baked_url(certificate)).status_code == 200
    assert signed_in(UserFactory()).get(baked_url(certificate)).status_code == 404
    anonymous = Client().get(baked_url(certificate))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_an_erased_learners_certificate_has_no_baked_badge():
    assert signed_in(superuser()).get(baked_url(make_certificate(None))).status_code == 404


def test_baking_replaces_an_earlier_badge_and_keeps_the_image():
    plain = badges.badge_png("seed")
    once = badges.bake_png(plain, "https://maktaba.example.org/openbadges/assertions/one.json")
    twice = badges.bake_png(once, "https://maktaba.example.org/openbadges/assertions/two.json")
    assert twice.count(b"openbadges\x00") == 1
    assert badges.unbake_png(twice).endswith("/two.json")
    assert badges.unbake_png(plain) is None
    with Image.open(io.BytesIO(plain)) as before, Image.open(io.BytesIO(twice)) as after:
        assert before.tobytes() == after.tobytes()


def test_baking_refuses_what_is_not_a_png():
    with pytest.raises(ValueError):
        badges.bake_png(b"GIF89a...", "https://maktaba.example.org/x")


# Slugs -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("subject_key", ["course:" + str(uuid.UUID(int=1)), "event:abc", "курс:1"])
def test_a_slug_gives_its_subject_key_back(subject_key):
    slug = badges.badge_slug(subject_key)
    assert "/" not in slug and "=" not in slug
    assert badges.subject_key_from_slug(slug) == subject_key


@pytest.mark.parametrize("slug", ["", "!!", "a", "Y291cnNlOjE="])
def test_anything_else_is_no_slug(slug):
    assert badges.subject_key_from_slug(slug) is None
