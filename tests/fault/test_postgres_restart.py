"""PostgreSQL restarted under load (issue #9, item 3).

Scenario: the load of tests/fault/load.py (20 clients, 26 s: visitors, and teachers who sign in, enroll, pass the
quiz, which awards a certificate, and register for the webinar) runs while PostgreSQL is restarted 8 s in with
``pg_ctl restart -m fast`` (scripts/pg.sh restart): every connection of gunicorn and the Celery worker is cut, and
the server refuses new ones until it is up again.

Pass rule:
- requests fail (5xx or no answer) only inside the restart window: a failed request ended after the restart began
  and started before it ended plus a grace of 5 s (``GRACE``); none before it, none after;
- a request that failed with an answer got 503 (the database out of reach: ``core.views.server_error``, with
  Retry-After), never the 500 page;
- after the window the stack serves as before: teachers sign in and submit quizzes successfully;
- every job of the scenario finishes ``done``, and each teacher received exactly the emails her rows call for;
- no half-written rows: the invariants of tests/fault/helpers.py (enrollments, their counts and completions, quiz
  attempts and grades, webinar registrations and places, certificates and their renditions) hold afterwards.
"""

from __future__ import annotations

import time

import pytest

from tests.fault.helpers import assert_effects_once, broken_invariants, describe, failed, steps_that_worked

RESTART_AT = 8.0  # seconds into the load
GRACE = 5.0  # seconds after pg_ctl returns during which a request may still fail


@pytest.mark.services
def test_postgres_restarted_under_load_fails_only_during_the_restart_and_leaves_no_half_written_rows(fault_stack):
    load = fault_stack.start_load("postgres")
    load.at(RESTART_AT)
    restart_began = time.time()
    restarted = fault_stack.stack.script("pg", "restart")
    restart_ended = time.time()
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    requests = load.wait()

    failures = [entry for entry in requests if failed(entry)]
    outside = [entry for entry in failures if entry["end"] < restart_began or entry["start"] > restart_ended + GRACE]
    window = f"restart {restart_began:.2f}–{restart_ended:.2f} (+{GRACE:.0f} s)"
    assert not outside, f"{len(outside)} requests failed outside the {window}:\n{describe(outside)}"
    not_503 = [entry for entry in failures if entry["status"] is not None and entry["status"] != 503]
    assert not not_503, f"failed with another status than 503:\n{describe(not_503)}"
    refused = [entry for entry in requests if entry["status"] is not None and 400 <= entry["status"] < 500]
    assert not refused, f"requests refused:\n{describe(refused)}"

    def after(start: float, end: float) -> bool:
        return start > restart_ended + GRACE

    assert steps_that_worked(requests, "POST", "/accounts/login/", 302, after) > 0, "no sign-in after the restart"
    assert steps_that_worked(requests, "POST", "/submit/", 302, after) > 0, "no quiz submitted after the restart"

    jobs = fault_stack.wait_jobs_finished(load.began)
    not_done = [row for row in jobs if row[2] != "done"]
    assert not not_done, f"jobs not done: {not_done[:10]}\n{fault_stack.logs()}"
    assert_effects_once(fault_stack, load.accounts)
    assert broken_invariants(fault_stack) == {}
