from django.core.management.base import BaseCommand, CommandError

from core.layers import layer_violations


class Command(BaseCommand):
    help = "Check that every model's foreign keys point down the layers of ARCHITECTURE.md."

    def handle(self, *args, **options):
        problems = layer_violations()
        if problems:
            raise CommandError("Foreign keys that point up or sideways:\n  " + "\n  ".join(problems))
        self.stdout.write("Foreign keys point down the layers.")
