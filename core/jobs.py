"""Background jobs through a database outbox.

``job_enqueue`` writes a :class:`~core.models.Job` row inside the caller's transaction and publishes it
to Celery after commit. If publishing fails (Redis down) the row stays ``pending`` and the periodic relay
(``core.relay_outbox``) publishes it later, so no job is lost and a worker never reads a row that is not
committed. Tasks subclass :class:`JobTask`, which records progress and outcome on the row and skips a job
that already finished (at-least-once delivery).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from celery import Task, current_app
from celery.exceptions import Ignore, NotRegistered, Retry
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import Job

logger = logging.getLogger("maktaba.jobs")


def job_enqueue(
    task_name: str,
    *,
    args: Iterable[Any] = (),
    kwargs: dict[str, Any] | None = None,
    owner_id: int | None = None,
    label: str = "",
) -> Job:
    """Queue ``task_name`` to run after the current transaction commits. Arguments must be plain JSON
    values (ids, strings, numbers): the task reloads whatever rows it needs."""
    job = Job.objects.create(
        task_name=task_name, args=list(args), kwargs=kwargs or {}, owner_id=owner_id, label=label[:200]
    )
    job_id = job.pk

    def publish_job() -> None:
        # A named function, not a functools.partial: Django logs a failing robust callback by its __qualname__,
        # which a partial lacks, and would raise AttributeError after the commit instead of logging.
        job_publish(job_id)

    transaction.on_commit(publish_job, robust=True)
    return job


def job_publish(job_id) -> bool:
    """Hand a pending job to Celery. Returns False (and leaves the job pending) when the broker cannot
    take it. The row lock keeps the after-commit publish and the relay from both publishing it."""
    if current_app.conf.task_always_eager:
        return _run_in_process(job_id)
    with transaction.atomic():
        lock = Job.objects.filter(pk=job_id, status=Job.Status.PENDING)
        if connection.features.has_select_for_update_skip_locked:
            lock = lock.select_for_update(skip_locked=True)
        job = lock.first()
        if job is None:
            return False
        try:
            _task(job.task_name).apply_async(args=job.args, kwargs=job.kwargs, task_id=str(job.pk))
        except Exception:  # the broker is down or refused the message: the relay tries again later
            logger.warning(
                "Could not publish job %s (%s); it stays in the outbox", job.pk, job.task_name, exc_info=True
            )
            Job.objects.filter(pk=job.pk).update(publish_attempts=F("publish_attempts") + 1)
            return False
        Job.objects.filter(pk=job.pk, status=Job.Status.PENDING).update(
            status=Job.Status.PUBLISHED, published_at=timezone.now(), publish_attempts=F("publish_attempts") + 1
        )
        return True


def _run_in_process(job_id) -> bool:
    """The embedded default (no broker): claim the job, then run it here, outside any transaction of ours, so a
    long job neither holds SQLite's write lock nor hides its progress."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.PUBLISHED, published_at=timezone.now(), publish_attempts=F("publish_attempts") + 1
    )
    if not claimed:
        return False
    job = Job.objects.get(pk=job_id)
    _task(job.task_name).apply_async(args=job.args, kwargs=job.kwargs, task_id=str(job.pk))
    return True


_import_lock = threading.Lock()


def _task(name: str) -> Task:
    """The registered task ``name``, importing every app's ``tasks`` module on first use (Celery only does
    that by itself in a worker). Threads publishing at once take turns: two imports racing left some of them
    with ``NotRegistered``."""
    try:
        return current_app.tasks[name]
    except NotRegistered:
        with _import_lock:
            current_app.loader.import_default_modules()
        return current_app.tasks[name]


def job_relay(*, limit: int = 500) -> int:
    """Publish jobs that were not published after their transaction committed. Returns how many."""
    cutoff = timezone.now() - settings.JOBS_RELAY_AFTER
    pending = (
        Job.objects.filter(status=Job.Status.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    published = 0
    for job_id in list(pending):
        if not job_publish(job_id):
            break  # the broker is still down: stop and try again on the next run
        published += 1
    if published:
        logger.info("Relay published %d job(s) from the outbox", published)
    return published


def jobs_requeue_published(*, before, dry_run: bool = False) -> int:
    """Put back in the outbox the jobs published before ``before`` that no worker has taken: for after a broker
    lost its queue (a Redis that lost its disk, decision 0016). The relay publishes them again; a job a worker did
    take meanwhile is skipped by ``JobTask`` and every task is idempotent. Returns how many."""
    stuck = Job.objects.filter(status=Job.Status.PUBLISHED, published_at__lt=before)
    if dry_run:
        return stuck.count()
    count = stuck.update(status=Job.Status.PENDING)
    if count:
        logger.warning("Put %d job(s) published before %s back in the outbox", count, before.isoformat())
    return count


def job_progress(job_id, *, done: int, total: int) -> None:
    """Record how far a running job has got, for pages that show progress."""
    Job.objects.filter(pk=job_id).update(progress_done=done, progress_total=total)


def job_get_for_owner(job_id, *, owner_id: int) -> Job | None:
    return Job.objects.filter(pk=job_id, owner_id=owner_id).first()


def jobs_purge_finished() -> int:
    cutoff = timezone.now() - settings.JOBS_KEEP_FINISHED
    deleted, _ = Job.objects.filter(status__in=[Job.Status.DONE, Job.Status.FAILED], finished_at__lt=cutoff).delete()
    return deleted


class JobTask(Task):
    """Base class for tasks queued through ``job_enqueue``. The Celery task id is the job's id."""

    acks_late = True
    reject_on_worker_lost = True
    # Set on tasks whose arguments hold secrets (links with tokens): they are wiped once the job is done.
    clear_payload_on_success = False

    # The database out of reach (a restart, a failover): the job is sent again, settings.JOBS_DATABASE_RETRY_SECONDS
    # apart, this many times.
    database_retries = 60

    def __call__(self, *args, **kwargs):
        try:
            return self._run_job(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            # Without this the failure would be acked (acks_late acks a task that raised) with the row left
            # `published` or `running`, which the relay never looks at: the job would be lost. Every task is
            # idempotent (decision 0002): it runs again from the start once the database answers.
            # After database_retries it fails for good, the row still `published` or `running`: `manage.py
            # jobs_requeue` puts such jobs back in the outbox.
            logger.warning(
                "Job %s: the database is out of reach (%s); sent again in %ss",
                self.request.id,
                exc,
                settings.JOBS_DATABASE_RETRY_SECONDS,
            )
            close_old_connections()
            countdown = settings.JOBS_DATABASE_RETRY_SECONDS
            raise self.retry(exc=exc, countdown=countdown, max_retries=self.database_retries) from exc

    def _run_job(self, *args, **kwargs):
        job_id = self.request.id
        jobs = Job.objects.filter(pk=job_id)
        if jobs.filter(status=Job.Status.DONE).exists():
            logger.info("Job %s already finished; delivered again, nothing to do", job_id)
            return None
        jobs.update(status=Job.Status.RUNNING, started_at=timezone.now(), runs=F("runs") + 1, error="")
        try:
            result = super().__call__(*args, **kwargs)
        except (Retry, Ignore):
            jobs.update(status=Job.Status.PUBLISHED)
            raise
        except (OperationalError, InterfaceError):
            raise  # not the job's failure: __call__ sends it again
        except Exception as exc:
            autoretry = tuple(getattr(self, "autoretry_for", ()) or ())
            retries_left = isinstance(exc, autoretry) and self.request.retries < (self.max_retries or 0)
            jobs.update(
                status=Job.Status.PUBLISHED if retries_left else Job.Status.FAILED,
                error=f"{type(exc).__name__}: {exc}"[:2000],
                finished_at=None if retries_left else timezone.now(),
            )
            raise
        done = {"status": Job.Status.DONE, "finished_at": timezone.now(), "progress_done": F("progress_total")}
        if isinstance(result, dict):
            done["result"] = result
        if self.clear_payload_on_success:
            done.update(args=[], kwargs={})
        jobs.update(**done)
        return result
