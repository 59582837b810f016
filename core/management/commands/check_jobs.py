import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.jobs import job_enqueue
from core.models import Job


class Command(BaseCommand):
    help = "Queue a ping job through the outbox and wait until a worker has run it (deployment check)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, timeout: float, **options):
        with transaction.atomic():
            job = job_enqueue("core.ping", label="ping")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == Job.Status.DONE:
                self.stdout.write(self.style.SUCCESS(f"Job {job.pk} ran on {job.result}"))
                return
            if job.status == Job.Status.FAILED:
                raise CommandError(f"Job {job.pk} failed: {job.error}")
            time.sleep(0.2)
        raise CommandError(f"Job {job.pk} is still {job.status} after {timeout:.0f}s: is a worker running?")
