"""Certificate pages: public verification (by code, by PDF file) and a learner's own certificates.

Every verification request (a code in the address, the look-up form, a file check) counts towards the
``lookup-ip`` rate limit before anything is looked up, so codes cannot be guessed by trying them.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from core.ratelimit import ratelimit_hit

from . import selectors
from .codes import code_normalise
from .forms import CodeLookupForm, FileCheckForm, SizeLimitUploadHandler

logger = logging.getLogger("maktaba.certificates")

LOOKUP_RATE = "lookup-ip"
PER_PAGE = 25


# Verification ----------------------------------------------------------------------------------------------------


@never_cache
@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """``/verify/<code>/``, the address in the QR code: no language in it, so the page is in the viewer's language
    (her language cookie, else her browser's)."""
    return _verify(request, code, public=True)


@never_cache
@require_GET
def certificate_verify_localised(request: HttpRequest, code: str) -> HttpResponse:
    """``/<lang>/verify/<code>/``: the same page in the language of the address (where the look-up form and the
    language switcher lead)."""
    return _verify(request, code, public=False)


def _verify(request: HttpRequest, code: str, *, public: bool) -> HttpResponse:
    ratelimit_hit(request, group=LOOKUP_RATE)
    canonical = code_normalise(code)
    if canonical is not None and canonical != code:
        return redirect("certificates:verify" if public else "certificates:verify-localised", code=canonical)
    certificate = selectors.certificate_by_code(canonical) if canonical else None
    if certificate is None:
        if public:
            # LocaleMiddleware would answer a 404 here with a redirect to /<lang>/verify/<code>/ anyway (every
            # path under a language prefix is valid: Wagtail serves the rest). Say so, and answer there.
            return redirect("certificates:verify-localised", code=code)
        shown = code[:64]
        return _lookup_page(request, code_form=CodeLookupForm(initial={"code": shown}), not_found=shown, status=404)
    language = translation.get_language()
    context = {
        "certificate": certificate,
        "facts": selectors.certificate_facts(certificate, language=language),
        "public": public,
        "other_languages": _other_languages(certificate.code) if public else [],
    }
    return render(request, "certificates/certificate_verify.html", context)


@csrf_exempt  # checked in _lookup, once the size limit is in place (Django reads the upload to check CSRF)
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """``/<lang>/verify/``: look a code up (GET), or check a PDF file against every PDF issued (POST)."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
    return _lookup(request)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def _lookup(request: HttpRequest) -> HttpResponse:
    code_form = CodeLookupForm(request.GET if "code" in request.GET else None)
    if code_form.is_bound:
        if not code_form.is_valid():
            ratelimit_hit(request, group=LOOKUP_RATE)  # a well-formed code counts on the page it leads to
            return _lookup_page(request, code_form=code_form)
        return redirect("certificates:verify-localised", code=code_form.cleaned_data["code"])
    if request.method != "POST":
        return _lookup_page(request, code_form=code_form)

    ratelimit_hit(request, group=LOOKUP_RATE)
    file_form = FileCheckForm(request.POST, request.FILES, too_large=getattr(request, "upload_too_large", False))
    if not file_form.is_valid():
        return _lookup_page(request, code_form=code_form, file_form=file_form)
    rendition = selectors.rendition_by_sha256(file_form.cleaned_data["sha256"])
    result = {"rendition": rendition}
    if rendition is not None:
        result["facts"] = selectors.certificate_facts(rendition.certificate, language=translation.get_language())
    return _lookup_page(request, code_form=code_form, file_form=FileCheckForm(), file_result=result)


def _lookup_page(
    request: HttpRequest,
    *,
    code_form: CodeLookupForm,
    file_form: FileCheckForm | None = None,
    file_result: dict | None = None,
    not_found: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "code_form": code_form,
        "file_form": file_form or FileCheckForm(),
        "file_result": file_result,
        "not_found": not_found,
    }
    return render(request, "certificates/certificate_lookup.html", context, status=status)


def _other_languages(code: str) -> list[dict[str, str]]:
    current = translation.get_language()
    links = []
    for language, name in settings.LANGUAGES:
        if language == current:
            continue
        with translation.override(language):
            url = reverse("certificates:verify-localised", kwargs={"code": code})
        links.append({"code": language, "name": name, "url": url})
    return links


# A learner's own certificates ------------------------------------------------------------------------------------


@login_required
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    """My certificates: each with its title in her language, status, code, download and verification links."""
    page = Paginator(selectors.certificates_of(request.user), PER_PAGE).get_page(request.GET.get("page"))
    language = translation.get_language()
    rows = [
        {"certificate": certificate, "facts": selectors.certificate_facts(certificate, language=language)}
        for certificate in page.object_list
    ]
    return render(request, "certificates/certificate_list.html", {"page_obj": page, "rows": rows})


@never_cache
@login_required
@require_GET
def certificate_download(request: HttpRequest, certificate_uuid: uuid.UUID) -> HttpResponse:
    """The certificate's current PDF, for its learner (or a superuser); anyone else finds nothing here."""
    certificate = selectors.certificate_for_download(certificate_uuid, request.user)
    if certificate is None:
        raise Http404
    rendition = certificate.current_rendition
    if rendition is not None:
        try:
            pdf = rendition.file.open("rb")
        except FileNotFoundError:
            logger.error("Certificate %s: the file of rendition %s is missing", certificate.pk, rendition.pk)
        else:
            return FileResponse(
                pdf,
                as_attachment=True,
                filename=f"certificate-{certificate.code}.pdf",
                content_type="application/pdf",
            )
    context = {
        "certificate": certificate,
        "facts": selectors.certificate_facts(certificate, language=translation.get_language()),
        "missing": rendition is not None,
    }
    return render(request, "certificates/certificate_preparing.html", context)
