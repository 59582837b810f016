from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.jobs import jobs_requeue_published


class Command(BaseCommand):
    help = (
        "Put jobs that were published but never taken by a worker back in the outbox, for the relay to publish "
        "again: after the broker lost its queue (docs/fault-tolerance.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="MINUTES",
            help="only jobs published at least this many minutes ago (longer than the queue ever takes to drain)",
        )
        parser.add_argument("--dry-run", action="store_true", help="count them, change nothing")

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        if older_than < 1:
            raise CommandError("--older-than must be at least 1 minute")
        before = timezone.now() - timedelta(minutes=older_than)
        count = jobs_requeue_published(before=before, dry_run=dry_run)
        verb = "would be put back" if dry_run else "put back in the outbox"
        self.stdout.write(self.style.SUCCESS(f"{count} job(s) published before {before:%Y-%m-%d %H:%M} {verb}"))
