"""Open Badges 2.0 documents and images (``badges.py``), at addresses without a language prefix: a badge's ``id`` is
where verifiers fetch it, and it must not change with the viewer's language.

The JSON-LD documents are public and cached briefly (a revocation shows within ``PUBLIC_MAX_AGE``), readable from
any origin (backpacks and displayers fetch them from the browser). An assertion whose learner's account was erased
answers ``410 Gone``: without her address there is no recipient to name, and the certificate stays verifiable, as
an anonymised record, at ``/verify/<code>/``. The baked badge is for its learner (and superusers) only.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import badges, selectors

PUBLIC_MAX_AGE = 300


@require_GET
def badge_assertion(request: HttpRequest, certificate_uuid: uuid.UUID) -> HttpResponse:
    """``/openbadges/assertions/<uuid>.json``: the certificate's hosted Assertion (revoked, if it is)."""
    certificate = selectors.badge_certificate_get(certificate_uuid)
    if certificate is None:
        raise Http404
    email = certificate.user.email if certificate.user is not None else ""
    if not email:
        response = HttpResponse(
            gettext("This badge is no longer available: its recipient's account was erased."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response
    return _document(request, badges.assertion(certificate, email=email))


@require_GET
def badge_class(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """``/openbadges/badges/<slug>/<lang>.json``: the BadgeClass of one subject, in one language."""
    subject_key = badges.subject_key_from_slug(slug)
    if subject_key is None or language not in dict(settings.LANGUAGES):
        raise Http404
    source = selectors.badge_subject_source(subject_key)
    if source is None:
        raise Http404
    document = badges.badge_class(
        subject_key, snapshot=source.snapshot or {}, language=language, fallback=source.language
    )
    return _document(request, document)


@require_GET
def badge_issuer(request: HttpRequest) -> HttpResponse:
    """``/openbadges/issuer.json``: the site's Issuer profile."""
    return _document(request, badges.issuer())


@require_GET
def badge_revocations(request: HttpRequest) -> HttpResponse:
    """``/openbadges/revocations.json``: the ids of every revoked assertion."""
    return _document(request, badges.revocation_list(selectors.badge_revoked_list()))


@require_GET
def badge_image(request: HttpRequest, slug: str) -> HttpResponse:
    """``/openbadges/badges/<slug>.png``: the BadgeClass's image (not baked)."""
    subject_key = badges.subject_key_from_slug(slug)
    if subject_key is None or selectors.badge_subject_source(subject_key) is None:
        raise Http404
    response = HttpResponse(badges.badge_png(slug), content_type="image/png")
    patch_cache_control(response, public=True, max_age=24 * 3600)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@never_cache
@login_required
@require_GET
def badge_baked(request: HttpRequest, certificate_uuid: uuid.UUID) -> HttpResponse:
    """``/openbadges/assertions/<uuid>/baked.png``: the badge image with the assertion's address baked in, to upload
    to a backpack; for the certificate's learner (or a superuser), nobody else."""
    certificate = selectors.badge_certificate_for_learner(certificate_uuid, request.user)
    if certificate is None or certificate.user is None or not certificate.user.email:
        raise Http404
    image = badges.badge_png(badges.badge_slug(certificate.subject_key))
    response = HttpResponse(badges.bake_png(image, badges.assertion_url(certificate)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="badge-{certificate.code}.png"'
    return response


def _document(request: HttpRequest, document: dict[str, Any]) -> HttpResponse:
    """A badge document as ``application/ld+json``, or as ``application/json`` to a client that asks only for that
    (as the specification says)."""
    accept = request.headers.get("Accept", "")
    media_type = badges.MEDIA_TYPE
    if "application/json" in accept and badges.MEDIA_TYPE not in accept:
        media_type = "application/json"
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    response = HttpResponse(body, content_type=f"{media_type}; charset=utf-8")
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["Accept"])
    response["Access-Control-Allow-Origin"] = "*"
    return response
