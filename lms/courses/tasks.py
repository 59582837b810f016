from __future__ import annotations

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import User
from core.jobs import JobTask

from . import bulk
from .models import Course


@shared_task(name=bulk.TASK_NAME, base=JobTask, bind=True, clear_payload_on_success=True)
def bulk_enroll(
    self, *, course_id: int, trainer_id: int, rows: list[list], default_language: str, site_url: str
) -> dict:
    """Enroll a checked CSV list (``lms.courses.bulk.bulk_enroll``): all rows or none. The rows (names and
    addresses) are wiped from the job once it succeeds. When the list is not valid any more, the reasons are
    kept on the job, in the trainer's language, and the job fails."""
    course = Course.objects.get(pk=course_id)
    trainer = User.objects.get(pk=trainer_id)
    with translation.override(trainer.preferred_language):
        try:
            return bulk.bulk_enroll(
                by=trainer,
                course=course,
                rows=[bulk.SourceRow.load(row) for row in rows],
                default_language=default_language,
                site_url=site_url,
                job_id=self.request.id,
            )
        except bulk.BulkEnrollmentError as error:
            bulk.bulk_failure_record(self.request.id, course=course, message=error.message, errors=error.errors)
            raise
        except PermissionDenied as error:
            bulk.bulk_failure_record(self.request.id, course=course, message=str(error))
            raise
