"""Background work of accounts."""

from __future__ import annotations

from celery import shared_task

from core.jobs import JobTask

from .data_export import EXPORT_TASK, data_export_build


@shared_task(name=EXPORT_TASK, base=JobTask, bind=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def personal_data_export_task(self, *, user_id: int) -> dict:
    """Her "Download my data" zip (``data_export.data_export_build``): a second run writes a fresh zip, harmless."""
    return data_export_build(user_id, job_id=self.request.id)
