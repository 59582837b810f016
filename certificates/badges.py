"""Open Badges 2.0: every certificate is also a hosted badge assertion (see docs/decisions/0008-open-badges.md).

Four JSON-LD documents, each served at its own ``id`` (``views_badges.py``, no language prefix):

- the **Assertion** of one certificate (``/openbadges/assertions/<uuid>.json``): its recipient is the learner's email
  address, hashed with a salt of its own, never the address or her name; ``verification`` is ``hosted``, so the
  document at this address is the source of truth: revoking the certificate marks it ``revoked`` there;
- the **BadgeClass** of a subject, one per subject key and language (``/openbadges/badges/<slug>/<lang>.json``), named
  from the certificates' snapshot, so that ``certificates`` needs nothing from ``lms``;
- the **Issuer** profile of the site (``/openbadges/issuer.json``), which limits hosted verification to the site's
  origin and names the **RevocationList** (``/openbadges/revocations.json``).

The document builders are pure: they take a certificate (or a snapshot) and return a dict. ``bake_png`` writes an
assertion's address into a PNG (the Open Badges baking specification: an ``iTXt`` chunk with the keyword
``openbadges``); ``badge_png`` draws the badge's plain image. The reads the views need are in ``selectors``.
"""

from __future__ import annotations

import base64
import binascii
import colorsys
import hashlib
import hmac
import io
import struct
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from email.utils import parseaddr
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

from core.pdf import FONTS_DIR

from .models import Certificate
from .texts import text_in

CONTEXT = "https://w3id.org/openbadges/v2"
MEDIA_TYPE = "application/ld+json"
BAKING_KEYWORD = b"openbadges"
IMAGE_SIZE = 256

_SALT_PURPOSE = "certificates.badges.recipient-salt"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# Addresses -------------------------------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def badge_slug(subject_key: str) -> str:
    """A subject key as it appears in badge addresses: stable, URL-safe, and reversible without a table (the key is
    an opaque ``kind:<uuid>``, so it tells nothing a certificate's own badge would not)."""
    return base64.urlsafe_b64encode(subject_key.encode()).decode().rstrip("=")


def subject_key_from_slug(slug: str) -> str | None:
    """The subject key a ``badge_slug`` stands for; None for anything that is not one."""
    try:
        subject_key = base64.urlsafe_b64decode(slug + "=" * (-len(slug) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not subject_key or badge_slug(subject_key) != slug:
        return None
    return subject_key


def assertion_url(certificate: Certificate) -> str:
    return absolute(reverse("certificates:badge-assertion", kwargs={"certificate_uuid": certificate.uuid}))


def badge_class_url(subject_key: str, language: str) -> str:
    return absolute(reverse("certificates:badge-class", kwargs={"slug": badge_slug(subject_key), "language": language}))


def badge_image_url(subject_key: str) -> str:
    return absolute(reverse("certificates:badge-image", kwargs={"slug": badge_slug(subject_key)}))


def issuer_url() -> str:
    return absolute(reverse("certificates:badge-issuer"))


def revocation_list_url() -> str:
    return absolute(reverse("certificates:badge-revocations"))


def allowed_origin() -> str:
    """The host (with its port, if any) that hosted assertions must be served from."""
    return urlsplit(settings.SITE_URL).netloc


# Recipient -------------------------------------------------------------------------------------------------------


def recipient_salt(certificate: Certificate) -> str:
    """The certificate's own salt: the same on every request (a badge imported into a backpack keeps verifying),
    different for every certificate (one learner's badges cannot be linked by their hashes), and not derivable
    without the site's secret key."""
    return salted_hmac(_SALT_PURPOSE, str(certificate.uuid), algorithm="sha256").hexdigest()[:32]


def recipient_identity(email: str, salt: str) -> str:
    """``sha256$`` and the SHA-256 of the (lower-cased) address followed by the salt, as the specification says."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def recipient_matches(recipient: dict[str, Any], email: str) -> bool:
    """Whether an assertion's ``recipient`` is ``email``: what a backpack checks before it accepts a badge."""
    if recipient.get("type") != "email" or not email:
        return False
    if not recipient.get("hashed"):
        given, expected = str(recipient.get("identity", "")).strip().lower(), email.strip().lower()
    else:
        given, expected = str(recipient.get("identity", "")), recipient_identity(email, str(recipient.get("salt", "")))
    return hmac.compare_digest(given.encode(), expected.encode())


# Documents -------------------------------------------------------------------------------------------------------


def assertion(certificate: Certificate, *, email: str) -> dict[str, Any]:
    """The hosted Assertion of ``certificate``, awarded to ``email`` (its learner's address). It names neither the
    learner nor the address: only the salted hash of the address."""
    salt = recipient_salt(certificate)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(certificate),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": recipient_identity(email, salt),
        },
        "badge": badge_class_url(certificate.subject_key, certificate.language),
        "verification": {"type": "hosted"},
        "issuedOn": _timestamp(certificate.issued_at),
    }
    if certificate.valid_until is not None:
        # Valid through its last day (``Certificate.is_expired``): it expires when the next day begins.
        next_day = datetime.combine(
            certificate.valid_until + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone()
        )
        document["expires"] = _timestamp(next_day)
    if certificate.is_revoked:
        document["revoked"] = True
        reason = certificate.revoked_reason.strip()
        if not reason:
            with translation.override(certificate.language):
                reason = gettext("Revoked by the issuer.")
        document["revocationReason"] = reason
    return document


def badge_class(subject_key: str, *, snapshot: dict[str, Any], language: str, fallback: str) -> dict[str, Any]:
    """The BadgeClass of ``subject_key`` in ``language``, from a certificate's ``snapshot`` (``fallback``: the
    certificate's own language, for a title the snapshot lacks in ``language``). Its editions in the snapshot's
    other languages are ``related``."""
    titles = snapshot.get("titles") or {}
    title = text_in(titles, language, fallback)[0]
    with translation.override(language):
        site = str(settings.MAKTABA_NAME)
        if snapshot.get("kind") == "event":
            description = gettext("Awarded by %(site)s to teachers who took part in “%(title)s”.") % {
                "site": site,
                "title": title,
            }
            narrative = gettext("Take part in the event as its organisers require; attendance is recorded.")
        else:
            description = gettext("Awarded by %(site)s to teachers who completed the course “%(title)s”.") % {
                "site": site,
                "title": title,
            }
            narrative = gettext("Complete every required step of the course: its lessons, quizzes and sessions.")
        hours = str(snapshot.get("hours") or "").strip()
        if hours:
            description += " " + gettext("Study time: %(hours)s h.") % {"hours": hours}
        competencies = [item for item in snapshot.get("competencies") or [] if isinstance(item, dict)]
        if competencies:
            lines = [gettext("Competencies of the UNESCO ICT Competency Framework for Teachers:")]
            for item in competencies:
                lines.append(
                    gettext("- %(code)s %(aspect)s: %(level)s")
                    % {
                        "code": item.get("code", ""),
                        "aspect": text_in(item.get("aspect"), language, fallback)[0],
                        "level": text_in(item.get("level"), language, fallback)[0],
                    }
                )
            narrative += "\n\n" + "\n".join(lines)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(subject_key, language),
        "name": title,
        "description": description,
        "image": badge_image_url(subject_key),
        "criteria": {"narrative": narrative},
        "issuer": issuer_url(),
    }
    related = [
        badge_class_url(subject_key, code)
        for code, _name in settings.LANGUAGES
        if code != language and isinstance(titles, dict) and titles.get(code)
    ]
    if related:
        document["related"] = related
    return document


def issuer() -> dict[str, Any]:
    """The site's Issuer profile: hosted assertions are valid on the site's origin only, and revoked ones are
    listed at ``revocationList``."""
    with translation.override(settings.LANGUAGE_CODE):
        name = str(settings.MAKTABA_NAME)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Profile",
        "id": issuer_url(),
        "name": name,
        "url": settings.SITE_URL.rstrip("/") + "/",
        "verification": {"type": "VerificationObject", "allowedOrigins": [allowed_origin()]},
        "revocationList": revocation_list_url(),
    }
    email = issuer_email()
    if email:
        document["email"] = email
    return document


def issuer_email() -> str:
    """Where to write about the site's badges: ``MAKTABA_CONTACT_EMAIL`` if set, else the address mail comes from
    (an Issuer profile must have one)."""
    return getattr(settings, "MAKTABA_CONTACT_EMAIL", "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def revocation_list(revoked: Iterable[Certificate]) -> dict[str, Any]:
    """The RevocationList: the ids of revoked assertions only (their reasons are in the assertions; the list can be
    read by anyone, all at once)."""
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": revocation_list_url(),
        "issuer": issuer_url(),
        "revokedAssertions": [assertion_url(certificate) for certificate in revoked],
    }


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


# Images ----------------------------------------------------------------------------------------------------------


def bake_png(png_bytes: bytes, assertion_url: str) -> bytes:
    """``png_bytes`` with ``assertion_url`` baked in: an uncompressed ``iTXt`` chunk with the keyword
    ``openbadges`` just before ``IEND``, replacing any badge baked there before."""
    chunks = _png_chunks(png_bytes)
    text = assertion_url.encode()
    # keyword, NUL, compression flag and method (none), empty language tag, NUL, empty translated keyword, NUL
    data = BAKING_KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + text
    out = [_PNG_SIGNATURE]
    for kind, body in chunks:
        if kind == b"iTXt" and body.split(b"\x00", 1)[0] == BAKING_KEYWORD:
            continue
        if kind == b"IEND":
            out.append(_png_chunk(b"iTXt", data))
        out.append(_png_chunk(kind, body))
    return b"".join(out)


def unbake_png(png_bytes: bytes) -> str | None:
    """What is baked into a PNG badge (an assertion's address, or its JSON), or None."""
    for kind, body in _png_chunks(png_bytes):
        if kind != b"iTXt":
            continue
        keyword, _, rest = body.partition(b"\x00")
        if keyword != BAKING_KEYWORD or len(rest) < 2:
            continue
        compressed, rest = rest[0], rest[2:]
        _language, _, rest = rest.partition(b"\x00")
        _translated, _, text = rest.partition(b"\x00")
        return (zlib.decompress(text) if compressed else text).decode()
    return None


def _png_chunks(png_bytes: bytes) -> list[tuple[bytes, bytes]]:
    if not png_bytes.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG image")
    chunks, position = [], len(_PNG_SIGNATURE)
    while position + 8 <= len(png_bytes):
        (length,) = struct.unpack(">I", png_bytes[position : position + 4])
        kind = png_bytes[position + 4 : position + 8]
        body = png_bytes[position + 8 : position + 8 + length]
        if len(body) != length:
            raise ValueError("truncated PNG chunk")
        chunks.append((kind, body))
        position += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[-1][0] != b"IEND":
        raise ValueError("PNG image without IEND")
    return chunks


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


@lru_cache(maxsize=128)
def badge_png(seed: str) -> bytes:
    """A badge's plain image: a round seal with the site's initial, in a colour taken from ``seed`` (the subject's
    slug). The same seed gives the same bytes."""
    digest = hashlib.sha256(seed.encode()).digest()
    hue = digest[0] / 255
    colour = _hsv(hue, 0.55, 0.62)
    light = _hsv(hue, 0.25, 0.95)
    scale = 4  # drawn large and scaled down, for smooth edges
    size = IMAGE_SIZE * scale
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=colour)
    ring = size // 14
    draw.ellipse((ring, ring, size - 1 - ring, size - 1 - ring), outline=light, width=size // 40)
    with translation.override(settings.LANGUAGE_CODE):
        initial = (str(settings.MAKTABA_NAME).strip()[:1] or "M").upper()
    font = ImageFont.truetype(str(FONTS_DIR / "DejaVuSans-Bold.ttf"), size // 2)
    draw.text((size / 2, size / 2), initial, font=font, fill=light, anchor="mm")
    image = image.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _hsv(hue: float, saturation: float, value: float) -> tuple[int, int, int, int]:
    red, green, blue = colorsys.hsv_to_rgb(hue, saturation, value)
    return round(red * 255), round(green * 255), round(blue * 255), 255
