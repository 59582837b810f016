import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.builders.scale import Plan, build, sample_accounts, scale_data_delete, scale_data_exists
from demo.builders.scale.accounts import COUNTRIES, PASSWORD
from demo.builders.scale.common import EMAIL_DOMAIN
from lms.reports.tallies import tallies_rebuild


class Command(BaseCommand):
    help = (
        "Generate large, realistic data (teachers, courses with their pages, lessons and quizzes, enrollments with "
        "progress and quiz attempts, certificates, webinars, library resources, news): the same for the same seed. "
        "Refuses to run where seed_scale data exists, unless --reset deletes it first (and only it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--teachers", type=int, default=1_000_000)
        parser.add_argument("--enrollments-per-teacher", type=float, default=10.0, help="on average")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=None,
            help="the day the generated history ends (YYYY-MM-DD; default today): with the seed, fixes the data",
        )
        parser.add_argument(
            "--countries", default=",".join(COUNTRIES), help=f"ISO codes among {', '.join(COUNTRIES)}, comma-separated"
        )
        parser.add_argument("--reset", action="store_true", help="delete earlier seed_scale data first")

    def handle(self, *args, **options):
        countries = [code.strip().upper() for code in options["countries"].split(",") if code.strip()]
        unknown = sorted(set(countries) - set(COUNTRIES))
        if unknown or not countries:
            raise CommandError(f"Choose countries among {', '.join(COUNTRIES)} (not {', '.join(unknown) or 'none'}).")
        if options["teachers"] < 1 or options["enrollments_per_teacher"] < 0:
            raise CommandError("--teachers must be at least 1 and --enrollments-per-teacher not negative.")
        if scale_data_exists():
            if not options["reset"]:
                raise CommandError("This database already has seed_scale data: add --reset to replace it.")
            scale_data_delete(self.stdout.write)
        plan = Plan(
            teachers=options["teachers"],
            enrollments_per_teacher=options["enrollments_per_teacher"],
            seed=options["seed"],
            until=options["until"] or timezone.now().date(),
            countries=countries,
        )
        summary = build(plan, self.stdout.write)
        # The load bypasses the receivers that keep the dashboard's counts current: count everything again.
        started = time.monotonic()
        tally_rows = tallies_rebuild()
        self.stdout.write(
            f"dashboard tallies rebuilt: {sum(tally_rows.values()):,} rows in {time.monotonic() - started:.1f} s"
        )
        self.stdout.write(self.style.SUCCESS(f"seed_scale done in {summary.elapsed:.1f} s (seed {plan.seed})."))
        for name, count in summary.rows.items():
            self.stdout.write(f"  {name:<14} {count:>12,}")
        samples = sample_accounts(3)
        for builder, seconds in summary.seconds.items():
            self.stdout.write(f"  {builder:<20} {seconds:8.1f} s")
        self.stdout.write(f"Accounts at @{EMAIL_DOMAIN} share the password {PASSWORD} (generated data only).")
        self.stdout.write(
            "Sample teachers for load benchmarks (every hundredth, address ending in 00@"
            f"{EMAIL_DOMAIN}; all of them: demo.builders.scale.sample_accounts()):"
        )
        for sample in samples:
            self.stdout.write(f"  {sample.email}: {sample.lesson_url} and the quiz at {sample.quiz_lesson_url}")
