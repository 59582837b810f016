from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from lms.quizzes.formats import FormatError
from lms.quizzes.services import IMPORT_FORMATS, bank_import_file


class Command(BaseCommand):
    help = (
        "Import a question bank file (GIFT, Aiken or Moodle XML) into a category; a file with an error imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", required=True, choices=IMPORT_FORMATS)
        parser.add_argument("--category", required=True, help="Category path, e.g. 'Physics/Week 1'.")
        parser.add_argument("--owner", help="Email of the user who owns the questions.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, save nothing.")

    def handle(self, *args, **options):
        owner = None
        if options["owner"]:
            try:
                owner = get_user_model().objects.get(email__iexact=options["owner"])
            except get_user_model().DoesNotExist:
                raise CommandError(gettext("No user with the email %(email)s.") % {"email": options["owner"]}) from None
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(
                gettext("Cannot read %(file)s: %(error)s") % {"file": options["file"], "error": error}
            ) from error
        try:
            category, report = bank_import_file(
                data,
                format=options["format"],
                category_path=options["category"],
                owner=owner,
                dry_run=options["dry_run"],
            )
        except FormatError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                ngettext(
                    "%(count)s error: nothing was imported.",
                    "%(count)s errors: nothing was imported.",
                    len(error.errors),
                )
                % {"count": len(error.errors)},
                returncode=1,
            ) from error
        summary = ngettext(
            "%(questions)s question imported into %(category)s (%(categories)s new categories).",
            "%(questions)s questions imported into %(category)s (%(categories)s new categories).",
            report.questions_created,
        ) % {"questions": report.questions_created, "categories": report.categories_created, "category": category}
        if report.dry_run:
            summary = gettext("Dry run, nothing saved: %(summary)s") % {"summary": summary}
        self.stdout.write(summary)
        for kind, count in sorted(report.kinds.items()):
            self.stdout.write(f"  {kind}: {count}")
