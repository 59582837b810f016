"""A Celery pool process killed in the middle of a job, under load (issue #9, item 3).

Scenario: the stack's worker is replaced for this test by tests/certificates/test_worker_kill.py's worker (the same
prefork worker on the stack's Redis and database, which holds every certificate render until the test releases it
and writes its emails to files). The load of tests/fault/load.py runs for 26 s; the first certificate job the load
causes (a teacher passes the quiz, the course completes) is held mid-render, and its pool process is killed with
SIGKILL. The stack's own worker and beat are started again afterwards.

Pass rule:
- the killed job is delivered again at once (by ``reject_on_worker_lost``, not after the broker's visibility
  timeout) to a new pool process, which finishes it: the job is ``done`` with ``runs = 2`` and succeeded once;
- its effect happened once: its certificate has one current rendition and its learner received one email with the
  certificate's link; every other job of the scenario is ``done`` having run once, and every teacher received exactly
  the emails her rows call for;
- the web kept answering: every response of the load is 2xx or 3xx;
- the invariants of tests/fault/helpers.py hold afterwards.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.certificates.test_worker_kill import HOLD_DIR_ENV, Worker, _gone
from tests.fault.helpers import assert_effects_once, broken_invariants, describe, failed

WAIT = 30.0


def _wait_for(predicate, what: str, worker: Worker) -> None:
    deadline = time.monotonic() + WAIT
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {WAIT:.0f} s waiting for {what}; the worker said:\n{worker.output()}")
        time.sleep(0.05)


@pytest.fixture
def held_worker(fault_stack):
    """test_worker_kill's worker instead of the stack's own (and beat), which come back afterwards."""
    stack = fault_stack.stack
    stopped = stack.script("celery", "stop")
    assert stopped.returncode == 0, stopped.stderr
    hold = stack.dir / "worker-kill"  # FaultStack.mail_dirs reads its emails too
    hold.mkdir()
    worker = Worker(concurrency=1, env={**stack.shell_env, HOLD_DIR_ENV: str(hold)}, hold=hold)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()
        started = stack.script("celery", "start")
        assert started.returncode == 0, started.stdout + started.stderr


@pytest.mark.services
def test_a_pool_process_killed_mid_job_under_load_is_redelivered_and_its_effect_happens_once(fault_stack, held_worker):
    worker = held_worker
    load = fault_stack.start_load("worker")
    _wait_for(lambda: worker.renders(), "the load's first certificate to be rendered", worker)
    [killed] = worker.renders()
    [(job_id,)] = fault_stack.query(
        "SELECT id FROM core_job WHERE task_name = 'certificates.issue' AND status = 'running'"
    )
    os.kill(killed, signal.SIGKILL)
    killed_at = time.monotonic()
    _wait_for(lambda: _gone(killed), "the killed pool process to exit", worker)
    [(status,)] = fault_stack.query("SELECT status FROM core_job WHERE id = %s", (job_id,))
    assert status == "running"  # it died with the job in hand

    _wait_for(lambda: len(worker.renders()) == 2, "the job to be delivered again", worker)
    redelivered_after = time.monotonic() - killed_at
    assert worker.renders()[1] != killed
    worker.release()  # from here every render goes on at once
    requests = load.wait()

    failures = [entry for entry in requests if failed(entry) or not 200 <= entry["status"] < 400]
    assert not failures, f"{len(failures)} of {len(requests)} requests failed:\n{describe(failures)}"

    jobs = fault_stack.wait_jobs_finished(load.began)
    by_id = {row[0]: row for row in jobs}
    assert by_id[job_id][2:4] == ("done", 2), by_id[job_id]  # the killed run and the redelivered one
    others = [row for row in jobs if row[0] != job_id and (row[2] != "done" or row[3] != 1)]
    assert not others, f"jobs not done exactly once: {others[:10]}"
    assert len(worker.succeeded(str(job_id))) == 1, worker.output()
    assert redelivered_after < WAIT  # the requeue on worker lost, not the broker's visibility timeout (an hour)

    [(renditions, emailed)] = fault_stack.query(
        "SELECT count(r.id), bool_and(k.emailed_at IS NOT NULL) FROM core_job j"
        " JOIN certificates_certificate k ON k.id = (j.kwargs->>'certificate_id')::int"
        " JOIN certificates_rendition r ON r.certificate_id = k.id WHERE j.id = %s",
        (job_id,),
    )
    assert (renditions, emailed) == (1, True)
    counts = assert_effects_once(fault_stack, load.accounts)
    assert counts["certificates"] > 1, counts  # more certificates than the killed one went through the worker
    assert broken_invariants(fault_stack) == {}
