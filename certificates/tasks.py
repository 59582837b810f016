"""Background work of certificates."""

from __future__ import annotations

from celery import shared_task

from core.jobs import JobTask

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
