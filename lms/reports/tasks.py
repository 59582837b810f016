"""Background work of reports: the dashboard's summary tables kept current (scheduled in ``CELERY_BEAT_SCHEDULE``),
and exports for ministries."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from accounts.models import User
from core.jobs import JobTask

from . import tallies
from .exports import EXPORT_TASK, export_build
from .filters import ReportFilters


@shared_task(name="reports.refresh_tallies")
def refresh_tallies_task() -> int:
    return tallies.tallies_refresh()


@shared_task(name="reports.refresh_active")
def refresh_active_task() -> None:
    tallies.tallies_refresh_active()


@shared_task(name="reports.rebuild_tallies")
def rebuild_tallies_task() -> dict[str, int]:
    return tallies.tallies_rebuild()


@shared_task(name=EXPORT_TASK, base=JobTask, bind=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def reports_export_task(self, *, requester_id: int, language: str, file_format: str, filters: dict) -> dict:
    """The CSV or XLSX of the teachers in her scope (``exports.export_build``), in the language of the page she
    asked from. Her scope is read again here; running twice writes a second file and changes nothing else."""
    requester = User.objects.get(pk=requester_id)
    with translation.override(language):
        return export_build(
            by=requester, file_format=file_format, filters=ReportFilters.from_plain(filters), job_id=self.request.id
        )
