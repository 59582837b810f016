"""The fault-tolerance tests' stack, load and judgements: what the three scenarios share.

The stack is `make stack` (tests/stack/helpers.py) with emails written to files, the outbox relay every 2 s instead
of 30 s (so a test waits seconds, not a minute, for jobs after Redis is back), sign-in rate limits raised (every
client comes from 127.0.0.1) and media in the stack's own folder. The tests read the stack's database with SQL
(psycopg), not through Django: the test process's Django is connected to the test database, not to the stack's.
"""

from __future__ import annotations

import email
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.stack.helpers import ROOT, Stack

CLIENTS = 20
SECONDS = 26.0  # each scenario's load; three of them keep tests/fault within about four minutes on two cores
WAIT_JOBS = 90.0  # the longest a test waits for the jobs the load caused to finish
ACCOUNTS_PER_SCENARIO = 300
STACK_SETTINGS = {
    "WEB_WORKERS": 3,
    "CELERY_CONCURRENCY": 1,
    "JOBS_RELAY_EVERY_SECONDS": 2,
    "JOBS_RELAY_AFTER_SECONDS": 2,
    "RATE_LOGIN_IP": "100000/m",
    "RATE_LOGIN_ACCOUNT": "100000/m",
}


@dataclass
class FaultStack:
    stack: Stack
    plan: dict
    scenarios_started: int = 0
    loads: list[Load] = field(default_factory=list)

    @property
    def mail_dirs(self) -> list[Path]:
        """Where emails were written: the stack's folder, and any test worker's (test_worker_kill's hold folders)."""
        return [self.stack.dir / "mail", *sorted(self.stack.dir.glob("worker-*/mail"))]

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.stack.shell_env["DATABASE_URL"], autocommit=True, connect_timeout=5)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """One query on a fresh connection: it works after PostgreSQL restarted too."""
        with self.connect() as connection:
            return connection.execute(sql, params).fetchall()

    def scenario_plan(self, name: str) -> tuple[Path, list[str]]:
        """A plan file with this scenario's own slice of the seeded teachers (none is used by two scenarios)."""
        first = self.scenarios_started * ACCOUNTS_PER_SCENARIO
        self.scenarios_started += 1
        accounts = self.plan["accounts"][first : first + ACCOUNTS_PER_SCENARIO]
        assert len(accounts) == ACCOUNTS_PER_SCENARIO, "seed more accounts"
        path = self.stack.dir / f"plan-{name}.json"
        path.write_text(json.dumps({**self.plan, "accounts": accounts}))
        return path, accounts

    def start_load(self, name: str, *, seconds: float = SECONDS, clients: int = CLIENTS) -> Load:
        plan, accounts = self.scenario_plan(name)
        out = self.stack.dir / f"load-{name}.json"
        command = [sys.executable, str(ROOT / "tests/fault/load.py"), "--url", self.stack.url, "--plan", str(plan)]
        command += ["--out", str(out), "--clients", str(clients), "--seconds", str(seconds)]
        log = (self.stack.dir / f"load-{name}.log").open("wb")
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        load = Load(process=process, out=out, accounts=accounts, began=time.time(), seconds=seconds, log=log)
        self.loads.append(load)
        return load

    def stop_loads(self) -> None:
        """Kill a load whose test failed before waiting for it."""
        for load in self.loads:
            if load.process.poll() is None:
                load.process.kill()
                load.process.wait()

    def wait_jobs_finished(self, since: float) -> list[tuple]:
        """Wait until every job created since ``since`` (Unix time) is done or failed; its rows then."""
        deadline = time.monotonic() + WAIT_JOBS
        while True:
            rows = self.jobs(since)
            if rows and all(status in ("done", "failed") for _id, _task, status, _runs, _created in rows):
                return rows
            if time.monotonic() > deadline:
                open_jobs = Counter((task, status) for _id, task, status, _runs, _created in rows)
                pytest.fail(f"jobs not finished after {WAIT_JOBS:.0f} s: {dict(open_jobs)}\n{self.logs()}")
            time.sleep(0.5)

    def jobs(self, since: float) -> list[tuple]:
        return self.query(
            "SELECT id, task_name, status, runs, extract(epoch FROM created_at) FROM core_job"
            " WHERE created_at >= to_timestamp(%s) ORDER BY created_at",
            (since,),
        )

    def emails_to(self, addresses: list[str]) -> dict[str, list[email.message.Message]]:
        """Every email written so far to one of ``addresses``, by address (the file backend writes each message
        followed by a line of 79 dashes)."""
        wanted = set(addresses)
        found: dict[str, list[email.message.Message]] = {address: [] for address in addresses}
        for folder in self.mail_dirs:
            for path in sorted(folder.glob("*")) if folder.exists() else []:
                for chunk in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
                    if not chunk.strip():
                        continue
                    message = email.message_from_string(chunk)
                    if message["To"] in wanted:
                        found[message["To"]].append(message)
        return found

    def logs(self) -> str:
        """The tails of the stack's logs, for a failure's message."""
        parts = []
        for path in [*self.stack.dir.glob("gunicorn-*/error.log"), self.stack.dir / "celery/worker.log"]:
            if path.exists():
                parts.append(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)


@dataclass
class Load:
    process: subprocess.Popen
    out: Path
    accounts: list[str]
    began: float
    seconds: float
    log: object

    def at(self, offset: float) -> None:
        """Sleep until ``offset`` seconds after the load began."""
        time.sleep(max(0.0, self.began + offset - time.time()))

    def wait(self) -> list[dict]:
        try:
            self.process.wait(timeout=self.seconds + 120)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.log.close()
        assert self.process.returncode == 0, self.out.with_suffix(".log").read_text()
        return json.loads(self.out.read_text())["requests"]


def failed(entry: dict) -> bool:
    """A server error or no answer at all (connection refused or reset, timeout)."""
    return entry["status"] is None or entry["status"] >= 500


def describe(entries: list[dict], limit: int = 15) -> str:
    lines = [
        f"{entry['start']:.2f}–{entry['end']:.2f} {entry['method']} {entry['url']}: {entry['status'] or entry['error']}"
        for entry in entries[:limit]
    ]
    return "\n".join(lines) + (f"\n… and {len(entries) - limit} more" if len(entries) > limit else "")


def steps_that_worked(requests: list[dict], method: str, url_part: str, status: int, when: Callable) -> int:
    """How many ``method`` requests to an address containing ``url_part`` answered ``status`` at times ``when``
    accepts (given the request's start and end)."""
    return sum(
        1
        for entry in requests
        if entry["method"] == method
        and url_part in entry["url"]
        and entry["status"] == status
        and when(entry["start"], entry["end"])
    )


# Invariants ------------------------------------------------------------------------------------------------------

# Each query returns the rows that break one invariant; every one must come back empty.
INVARIANTS = {
    "one enrollment per teacher and course": """
        SELECT user_id, course_id, count(*) FROM courses_enrollment GROUP BY 1, 2 HAVING count(*) > 1""",
    "a course's enrolled count is its active and completed enrollments": """
        SELECT c.id, c.enrolled_count, count(e.id) FROM courses_course c
        LEFT JOIN courses_enrollment e ON e.course_id = c.id AND e.status IN ('active', 'completed')
        GROUP BY c.id HAVING c.enrolled_count <> count(e.id)""",
    "a completed enrollment has every required activity done and its time": """
        SELECT e.id FROM courses_enrollment e JOIN courses_activity a ON a.course_id = e.course_id
        WHERE e.status = 'completed' AND a.required AND a.is_active AND (e.completed_at IS NULL OR NOT EXISTS (
            SELECT 1 FROM courses_activityprogress p WHERE p.enrollment_id = e.id AND p.activity_id = a.id))""",
    "an enrollment with every required activity done is completed": """
        SELECT e.id FROM courses_enrollment e WHERE e.status = 'active' AND NOT EXISTS (
            SELECT 1 FROM courses_activity a WHERE a.course_id = e.course_id AND a.required AND a.is_active
            AND NOT EXISTS (SELECT 1 FROM courses_activityprogress p WHERE p.enrollment_id = e.id
                            AND p.activity_id = a.id))
        AND EXISTS (SELECT 1 FROM courses_activity a WHERE a.course_id = e.course_id AND a.required)""",
    "a completed enrollment in a course with certificates has its certificate": """
        SELECT e.id FROM courses_enrollment e JOIN courses_course c ON c.id = e.course_id
        WHERE e.status = 'completed' AND c.certificate_enabled AND NOT EXISTS (
            SELECT 1 FROM certificates_certificate k WHERE k.user_id = e.user_id
            AND k.subject_key = 'course:' || c.uuid::text)""",
    "a certificate belongs to a completed enrollment": """
        SELECT k.id FROM certificates_certificate k JOIN courses_course c ON k.subject_key = 'course:' || c.uuid::text
        WHERE NOT EXISTS (SELECT 1 FROM courses_enrollment e WHERE e.user_id = k.user_id AND e.course_id = c.id
                          AND e.status = 'completed')""",
    "one certificate per learner and subject": """
        SELECT user_id, subject_key FROM certificates_certificate GROUP BY 1, 2 HAVING count(*) > 1""",
    "every certificate has exactly one current rendition and was emailed": """
        SELECT k.id, count(r.id) FROM certificates_certificate k
        LEFT JOIN certificates_rendition r ON r.certificate_id = k.id AND r.is_current
        GROUP BY k.id HAVING count(r.id) <> 1 OR bool_or(k.emailed_at IS NULL)""",
    "a finished attempt is closed, timed and graded, every question marked": """
        SELECT a.id FROM quizzes_attempt a WHERE a.state = 'finished' AND (
            a.finished_at IS NULL OR a.closed_by = '' OR a.marks IS NULL
            OR (a.grade IS NULL AND NOT a.needs_grading)
            OR EXISTS (SELECT 1 FROM quizzes_questionattempt q WHERE q.attempt_id = a.id
                       AND q.mark IS NULL AND NOT q.needs_grading))""",
    "an attempt has its questions": """
        SELECT a.id FROM quizzes_attempt a WHERE NOT EXISTS (
            SELECT 1 FROM quizzes_questionattempt q WHERE q.attempt_id = a.id)""",
    "at most one open attempt per learner and quiz": """
        SELECT quiz_id, user_id FROM quizzes_attempt WHERE state = 'in_progress' GROUP BY 1, 2 HAVING count(*) > 1""",
    "a learner with a finished attempt has her quiz grade, the best of her attempts": """
        SELECT a.quiz_id, a.user_id FROM quizzes_attempt a
        LEFT JOIN quizzes_quizgrade g ON g.quiz_id = a.quiz_id AND g.user_id = a.user_id
        WHERE a.state = 'finished' GROUP BY a.quiz_id, a.user_id
        HAVING count(g.id) = 0 OR max(g.grade) IS DISTINCT FROM max(a.grade)""",
    "a passed quiz has its activity done": """
        SELECT g.id FROM quizzes_quizgrade g JOIN quizzes_quiz z ON z.id = g.quiz_id
        JOIN courses_enrollment e ON e.user_id = g.user_id AND e.course_id = z.course_id
        WHERE g.passed AND z.activity_id IS NOT NULL AND e.status IN ('active', 'completed') AND NOT EXISTS (
            SELECT 1 FROM courses_activityprogress p WHERE p.enrollment_id = e.id AND p.activity_id = z.activity_id)""",
    "one registration per teacher and event": """
        SELECT event_id, user_id FROM webinars_registration GROUP BY 1, 2 HAVING count(*) > 1""",
    "an event's confirmed count is its confirmed registrations, within its places": """
        SELECT v.id, v.confirmed_count, v.capacity, count(r.id) FROM webinars_event v
        LEFT JOIN webinars_registration r ON r.event_id = v.id AND r.status = 'confirmed'
        GROUP BY v.id HAVING v.confirmed_count <> count(r.id) OR count(r.id) > coalesce(v.capacity, count(r.id))""",
    "nobody waits for a place while a place is free": """
        SELECT v.id FROM webinars_event v WHERE v.capacity IS NOT NULL AND v.confirmed_count < v.capacity
        AND EXISTS (SELECT 1 FROM webinars_registration r WHERE r.event_id = v.id AND r.status = 'waitlisted')""",
}


def body_text(message: email.message.Message) -> str:
    parts = [part.get_payload(decode=True) or b"" for part in message.walk() if not part.is_multipart()]
    return "\n".join(part.decode(errors="replace") for part in parts)


def broken_invariants(fault: FaultStack) -> dict[str, list[tuple]]:
    with fault.connect() as connection:
        broken = {name: connection.execute(sql).fetchall() for name, sql in INVARIANTS.items()}
    return {name: rows for name, rows in broken.items() if rows}


def assert_effects_once(fault: FaultStack, accounts: list[str]) -> dict[str, int]:
    """Each of the scenario's teachers got exactly the emails her rows call for, once each: one for her
    certificate (with its address) and one for her registration (confirmed or waitlisted). Returns the counts."""
    rows = fault.query(
        """SELECT u.email,
                  (SELECT k.uuid::text FROM certificates_certificate k WHERE k.user_id = u.id),
                  (SELECT r.status FROM webinars_registration r WHERE r.user_id = u.id)
           FROM accounts_user u WHERE u.email = ANY(%s)""",
        (accounts,),
    )
    mails = fault.emails_to(accounts)
    wrong = []
    counts = Counter()
    for address, certificate, registration in rows:
        received = mails[address]
        expected = (certificate is not None) + (registration in ("confirmed", "waitlisted"))
        subjects = [message["Subject"] for message in received]
        with_link = [message for message in received if certificate and certificate in body_text(message)]
        counts["certificates"] += certificate is not None
        counts["registrations"] += registration is not None
        counts["emails"] += len(received)
        if len(received) != expected or len(set(subjects)) != len(subjects) or (certificate and len(with_link) != 1):
            wrong.append((address, certificate, registration, subjects))
    assert not wrong, (
        f"teachers whose emails do not match their rows (address, certificate, registration, subjects): {wrong[:10]}"
    )
    return dict(counts)
