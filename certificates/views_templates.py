"""Administrators' pages for certificate templates: the list, the editor (new and existing) with a preview on sample
data, and the preview of a saved template. Who may edit which template, the checks and the saving are in
``templates_admin``; these views parse the form, call it and render.

The preview is a second submit button of the editor's form (``formtarget="_blank"``, so it works without
JavaScript): the PDF of what was typed, unsaved, on sample data; or the editor again (400) with what is wrong."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.pdf import pdf_response

from . import templates_admin
from .forms_templates import TemplateForm, signatory_drafts, signatory_formset
from .models import CertificateTemplate
from .rendering import PLACEHOLDERS, design_default

PER_PAGE = 50


@never_cache
@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    if not templates_admin.template_manager_is(request.user):
        raise PermissionDenied
    templates = templates_admin.templates_managed_by(request.user)
    page = Paginator(templates, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "certificates/manage/template_list.html", {"page_obj": page, "templates": page.object_list})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    if not templates_admin.template_manager_is(request.user):
        raise PermissionDenied
    languages = dict(CertificateTemplate._meta.get_field("language").choices)
    language = request.GET.get("language") or translation.get_language()
    if language not in languages:
        language = next(iter(languages))
    default = design_default(language)
    sites = templates_admin.template_sites_for(request.user)
    initial = {
        "language": language,
        "orientation": CertificateTemplate.Orientation.LANDSCAPE,
        "body": default.body,
        "css": default.css,
        "is_active": False,
        "partner_site": None if request.user.is_superuser else sites.first(),
    }
    return _editor(request, template=None, initial=initial, signatories=())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not templates_admin.template_manager_is(request.user):
        raise PermissionDenied
    template = templates_admin.template_managed_get(request.user, pk)
    if template is None:
        raise Http404
    initial = {
        "name": template.name,
        "language": template.language,
        "partner_site": template.partner_site,
        "orientation": template.orientation,
        "issuer": template.issuer,
        "body": template.body,
        "css": template.css,
        "background": template.background,
        "logo": template.logo,
        "second_logo": template.second_logo,
        "is_active": template.is_active,
    }
    return _editor(request, template=template, initial=initial, signatories=template.signatory_list)


@never_cache
@login_required
@require_GET
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The saved template on sample data, in its language."""
    template = templates_admin.template_managed_get(request.user, pk)
    if template is None:
        raise Http404
    try:
        pdf = templates_admin.template_saved_preview(user=request.user, template=template)
    except templates_admin.TemplateRejected as error:
        messages.error(request, " ".join(error.messages))
        return redirect("certificates:template-edit", pk=template.pk)
    return pdf_response(pdf, _("Preview %(name)s") % {"name": template.name})


def _editor(request: HttpRequest, *, template, initial: dict, signatories) -> HttpResponse:
    sites = templates_admin.template_sites_for(request.user)
    superuser = request.user.is_superuser
    if request.method == "POST":
        form = TemplateForm(request.POST, request.FILES, initial=initial, sites=sites, superuser=superuser)
        formset = signatory_formset(request.POST, request.FILES, signatories=signatories)
        if form.is_valid() and formset.is_valid():
            draft = form.draft(signatory_drafts(formset))
            try:
                if request.POST.get("action") == "preview":
                    pdf = templates_admin.template_preview(user=request.user, draft=draft, template=template)
                    return pdf_response(pdf, _("Preview %(name)s") % {"name": draft.name})
                saved = templates_admin.template_save(user=request.user, draft=draft, template=template)
            except templates_admin.TemplateRejected as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The template is saved."))
                return redirect("certificates:template-edit", pk=saved.pk)
    else:
        form = TemplateForm(initial=initial, sites=sites, superuser=superuser)
        formset = signatory_formset(signatories=signatories)
    context = {
        "template": template,
        "form": form,
        "formset": formset,
        "placeholders": sorted((name, str(text)) for name, text in PLACEHOLDERS.items()),
        "languages": CertificateTemplate._meta.get_field("language").choices,
    }
    return render(
        request, "certificates/manage/template_edit.html", context, status=400 if request.method == "POST" else 200
    )


# Spliced into ``localised_urlpatterns`` of ``certificates/urls.py``, so they are ``certificates:template-*``.
urlpatterns = [
    path("certificates/manage/templates/", template_list, name="template-list"),
    path("certificates/manage/templates/new/", template_create, name="template-create"),
    path("certificates/manage/templates/<int:pk>/", template_edit, name="template-edit"),
    path("certificates/manage/templates/<int:pk>/preview.pdf", template_preview, name="template-preview"),
]
