"""Redis stopped under load (issue #9, item 3).

Scenario: 20 clients (tests/fault/load.py, a second process; one in four a visitor) browse, sign in, enroll, pass the
quiz (which completes the course and awards a certificate) and register for the webinar for 26 s. The Celery worker
(and beat) is stopped 1 s in, so that the jobs published from then on wait in Redis's queue; Redis, the broker and
the cache, is stopped as soon as one does and started again 10 s later (keeping its data: an append-only file, as
`make stack` runs it), then the worker.

Pass rule:
- every response of the whole load is 2xx or 3xx: no 5xx and no connection error, before, during and after the
  outage; sign-ins and quiz submissions kept succeeding while Redis was down;
- every job created while Redis was down (certificates to render, emails) stays ``pending`` in ``core.Job`` as long as
  it is down, and was queued by the load (at least one);
- the jobs that were published but still queued in Redis when it stopped (at least one) are not lost;
- once Redis is back, every job of the scenario finishes ``done``, each having run exactly once (``runs = 1``), and
  its effect happened once: each teacher received exactly the emails her rows call for (one with her certificate's
  link if she has one, one for her registration), each certificate has one current rendition;
- the invariants of tests/fault/helpers.py hold afterwards.
"""

from __future__ import annotations

import time

import pytest

from tests.fault.helpers import (
    assert_effects_once,
    broken_invariants,
    describe,
    failed,
    steps_that_worked,
)

WORKER_OFF_AT = 1.0  # seconds into the load: jobs published from here wait in Redis's queue
QUEUED_WITHIN = 12.0  # the load's first jobs come a few seconds in
DOWN_FOR = 10.0


@pytest.mark.services
def test_redis_stopped_under_load_pages_answer_and_jobs_wait_then_run_once(fault_stack):
    stack = fault_stack.stack
    load = fault_stack.start_load("redis")
    load.at(WORKER_OFF_AT)
    try:
        worker_off = stack.script("celery", "stop")  # the worker and beat; warm: the job in hand is finished
        assert worker_off.returncode == 0, worker_off.stderr
        # Redis stops once jobs wait in its queue (published, no worker to take them).
        deadline = time.monotonic() + QUEUED_WITHIN
        while not (queued := [row for row in fault_stack.jobs(load.began) if row[2] == "published"]):
            assert time.monotonic() < deadline, f"no job published within {QUEUED_WITHIN:.0f} s of the worker stopping"
            time.sleep(0.2)
        stopped = stack.script("redis", "stop")
        assert stopped.returncode == 0, stopped.stderr
        down_at = time.time()  # Redis no longer answers from here (redis.sh stop waits for that)
        published_while_down = []
        while time.time() < down_at + DOWN_FOR:
            rows = fault_stack.jobs(down_at)
            published_while_down += [row for row in rows if row[2] != "pending"]
            time.sleep(0.5)
        pending_while_down = fault_stack.jobs(down_at)
    finally:  # whatever happened, the next scenario gets Redis, the worker and beat back
        started = stack.script("redis", "start")
        up_at = time.time()
        worker_on = stack.script("celery", "start")
    assert started.returncode == 0, started.stderr
    assert worker_on.returncode == 0, worker_on.stdout + worker_on.stderr
    requests = load.wait()

    failures = [entry for entry in requests if failed(entry) or not 200 <= entry["status"] < 400]
    assert not failures, f"{len(failures)} of {len(requests)} requests failed:\n{describe(failures)}"

    def while_down(start: float, end: float) -> bool:
        return start >= down_at and end <= up_at

    assert steps_that_worked(requests, "POST", "/accounts/login/", 302, while_down) > 0, "no sign-in while down"
    assert steps_that_worked(requests, "POST", "/submit/", 302, while_down) > 0, "no quiz submitted while down"
    assert not published_while_down, f"jobs left the outbox while Redis was down: {published_while_down[:5]}"
    assert pending_while_down, "the load queued no job while Redis was down: the scenario proves nothing"

    jobs = fault_stack.wait_jobs_finished(load.began)
    not_once = [row for row in jobs if row[2] != "done" or row[3] != 1]
    assert not not_once, f"jobs not done exactly once: {not_once[:10]}"
    waited = {row[0] for row in pending_while_down}
    assert waited <= {row[0] for row in jobs}
    # Published before Redis stopped, never taken by a worker: they came back with Redis's data, and ran once.
    assert {row[0] for row in queued} <= {row[0] for row in jobs if row[2:4] == ("done", 1)}
    assert {row[1] for row in pending_while_down} >= {"certificates.issue"}, pending_while_down

    counts = assert_effects_once(fault_stack, load.accounts)
    assert counts["certificates"] > 0 and counts["emails"] > 0, counts
    assert broken_invariants(fault_stack) == {}
