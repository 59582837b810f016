"""Server time of the ministries' dashboard at scale: every view an official opens, timed in-process (Django's test
client: URL routing, the statistics reads, the templates, no network), on the database ``DATABASE_URL`` names.

    DATABASE_URL=postgres://... .venv/bin/python bench/reports.py [--repeat N] [--rebuild] [--json out.json]

Load the data first with ``manage.py seed_scale`` (1,000,000 teachers and about 10,000,000 enrollments by default);
``--rebuild`` counts the summary tables again first and reports how long that took. Goal (issue #7, item 4): every
dashboard view under 200 ms of server time at that size. Each view is asked ``--repeat`` times after one warm-up;
the table gives the median and the slowest, and the number of queries.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from accounts.models import Country, Region, Role, User  # noqa: E402
from accounts.services import role_grant  # noqa: E402
from lms.courses.models import Enrollment  # noqa: E402
from lms.reports import tallies  # noqa: E402
from lms.reports.models import Tally  # noqa: E402

OFFICIAL_EMAIL = "bench-official@bench.example"


def official_for(country: Country, region: Region | None = None) -> User:
    email = f"{country.code.lower()}-{region.pk if region else 'all'}-{OFFICIAL_EMAIL}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name="Benchmark Official", password=None)
        role_grant(user=user, role=Role.MINISTRY_OFFICIAL, country=country, region=region)
    return user


def views(country: Country) -> list[tuple[str, dict]]:
    region = Region.objects.filter(country=country).order_by("pk").first()
    course_id = (
        Tally.objects.filter(grain="C", country=country, metric="enrollments")
        .values_list("course_id", flat=True)
        .order_by("-count")
        .first()
    )
    return [
        ("last 12 months (the default)", {}),
        ("all time", {"period_from": "", "period_to": "", "metric": "certificates"}),
        ("one region (drill-down, with schools)", {"region": region.pk} if region else {}),
        ("one course", {"course": course_id} if course_id else {}),
        ("one language", {"language": "ru"}),
        ("region and course", {"region": region.pk, "course": course_id} if region and course_id else {}),
    ]


def timed(client: Client, url: str, params: dict, repeat: int) -> dict:
    client.get(url, params)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return {"median_ms": statistics.median(times), "max_ms": max(times), "queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    result: dict = {
        "database": connection.vendor,
        "teachers": User.objects.count(),
        "enrollments": Enrollment.objects.count(),
    }
    if args.rebuild or not Tally.objects.exists():
        started = time.perf_counter()
        rows = tallies.tallies_rebuild()
        result["rebuild_seconds"] = round(time.perf_counter() - started, 1)
        result["tally_rows"] = sum(rows.values())
    else:
        result["tally_rows"] = Tally.objects.count()
    print(
        f"{result['database']}: {result['teachers']:,} users, {result['enrollments']:,} enrollments, "
        f"{result['tally_rows']:,} tally rows"
        + (f", rebuilt in {result['rebuild_seconds']} s" if "rebuild_seconds" in result else "")
    )
    counts = dict(User.objects.values_list("country_id").annotate(n=Count("pk")).order_by())
    biggest = max(Country.objects.filter(pk__in=[pk for pk in counts if pk]), key=lambda country: counts[country.pk])
    result["country"] = biggest.code
    result["views"] = {}
    for language in ("en", "ru", "ar"):
        with translation.override(language):
            url = reverse("reports:dashboard")
        client = Client()
        client.force_login(official_for(biggest))
        for name, params in views(biggest):
            label = f"{language}: {name}"
            result["views"][label] = timed(client, url, params, args.repeat)
            row = result["views"][label]
            print(
                f"  {label:<48} median {row['median_ms']:7.1f} ms  max {row['max_ms']:7.1f} ms"
                f"  {row['queries']} queries"
            )
    slowest = max(row["max_ms"] for row in result["views"].values())
    print(f"slowest view: {slowest:.1f} ms (goal: under 200 ms)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
