from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from lms.quizzes.formats import ExportError
from lms.quizzes.models import QuestionCategory
from lms.quizzes.services import EXPORT_FORMATS, bank_export, category_get_path


class Command(BaseCommand):
    help = "Export a category, its subcategories and their questions as GIFT or Moodle XML."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=EXPORT_FORMATS)
        parser.add_argument("--category", required=True, help="Category path, e.g. 'Physics/Week 1'.")
        parser.add_argument("--output", help="File to write; standard output if left out.")

    def handle(self, *args, **options):
        try:
            category = category_get_path(options["category"])
        except QuestionCategory.DoesNotExist:
            raise CommandError(gettext("No category %(path)s.") % {"path": options["category"]}) from None
        try:
            result = bank_export(category, options["format"])
        except ExportError as error:
            raise CommandError(str(error)) from error
        data = result.encode("utf-8") if isinstance(result, str) else result
        if options["output"]:
            Path(options["output"]).write_bytes(data)
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
