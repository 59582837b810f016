"""Background work of certificates."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from accounts.models import User
from core.jobs import JobTask

from .bulk import EXPORT_TASK, RERENDER_TASK, bulk_export, bulk_rerender
from .services import ISSUE_TASK, RENDER_TASK, certificate_issue_run, certificate_render_run


@shared_task(name=ISSUE_TASK, base=JobTask, bind=True, autoretry_for=(OSError,), max_retries=5, retry_backoff=True)
def certificate_issue_task(self, *, certificate_id: int) -> dict:
    """Render a new certificate's PDF and email the learner (``services.certificate_issue_run``: safe to run
    twice, and to run again after a worker died mid-render)."""
    rendition = certificate_issue_run(certificate_id)
    return {"rendition": rendition.pk if rendition else None}


@shared_task(name=RENDER_TASK, base=JobTask, bind=True, autoretry_for=(OSError,), max_retries=5, retry_backoff=True)
def certificate_render_task(self, *, certificate_id: int, reason: str) -> dict:
    """Render a certificate's PDF again after a reissue or a template change (``services.certificate_render_run``)."""
    rendition = certificate_render_run(certificate_id, reason)
    return {"rendition": rendition.pk if rendition else None}


# Administrators' bulk work (bulk.py) ------------------------------------------------------------------------------


@shared_task(name=EXPORT_TASK, base=JobTask, bind=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def certificates_bulk_export_task(
    self, *, requester_id: int, language: str, search: str = "", status: str = ""
) -> dict:
    """A zip of the PDFs of the certificates she found on her list (``bulk.bulk_export``), with its index in her
    language. Her scope is checked again here."""
    requester = User.objects.get(pk=requester_id)
    with translation.override(language):
        return bulk_export(by=requester, search=search, status=status, job_id=self.request.id)


@shared_task(name=RERENDER_TASK, base=JobTask, bind=True)
def certificates_bulk_rerender_task(
    self, *, requester_id: int, language: str, partner_site_id: int | None = None, page_language: str = ""
) -> dict:
    """Render the certificates in her scope written in ``language`` again with the current template
    (``bulk.bulk_rerender``: a second run adds nothing; one failure does not stop the rest)."""
    requester = User.objects.get(pk=requester_id)
    with translation.override(page_language or requester.preferred_language or language):
        return bulk_rerender(by=requester, language=language, partner_site_id=partner_site_id, job_id=self.request.id)
