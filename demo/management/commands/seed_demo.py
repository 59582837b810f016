from django.core.management.base import BaseCommand
from django.db import transaction

from demo.builders import BUILDERS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the demo site in English, Russian and Arabic. Safe to run again: it changes nothing the second time."

    def handle(self, *args, **options):
        notes: list[str] = []
        for builder in BUILDERS:
            with transaction.atomic():
                notes.extend(builder.build() or [])
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}, for the demo only):")
        for note in notes:
            self.stdout.write(f"  {note}")
