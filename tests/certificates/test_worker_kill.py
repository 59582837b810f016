"""Exactly-once issuance on a real Celery worker (issue #6): a pool process killed with SIGKILL in the middle of
rendering, and the same task delivered twice at once, still end with one certificate, one rendition whose file
has the recorded SHA-256, and one email.

The worker is a real ``celery worker`` (prefork) on the test Redis and the test PostgreSQL. It imports this module
(``--include``); with ``HOLD_DIR_ENV`` set, the module holds every render at ``render_started`` (the pool process
writes its pid to a file, then waits for the test to release it) and has Django write emails to files, so the test
can count what was sent. Redelivery after the kill comes from ``JobTask`` (``acks_late`` with
``reject_on_worker_lost``): the worker's main process sees the pool process lost and puts the message back on the
queue at once, without waiting for the broker's visibility timeout.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from certificates.models import Certificate, Rendition
from certificates.services import ISSUE_TASK, certificate_award
from certificates.signals import render_started
from config.celery import app as celery_app
from core.models import Job
from tests.conftest import missing_service
from tests.core import test_jobs
from tests.factories.accounts import UserFactory

ROOT = Path(__file__).resolve().parents[2]
THIS_MODULE = "tests.certificates.test_worker_kill"  # what the worker imports (--include)
HOLD_DIR_ENV = "MAKTABA_TEST_RENDER_HOLD_DIR"
HOLD_TIMEOUT = 60.0  # a held render goes on by itself after this, whatever the test did
WAIT = 60.0  # the longest any step of a test waits for the worker

SNAPSHOT = {
    "learner_name": "Amina Yusuf",
    "titles": {"en": "Teaching with digital tools"},
    "hours": "12.5",
    "completed_on": "2026-11-20",
}


# In the worker ---------------------------------------------------------------------------------------------------


def _hold_render(sender, certificate, reason, **kwargs) -> None:
    """Note which pool process is rendering, then wait until the test releases the render."""
    hold = Path(os.environ[HOLD_DIR_ENV])
    with (hold / "renders").open("a") as renders:
        renders.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + HOLD_TIMEOUT
    while not (hold / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


if os.environ.get(HOLD_DIR_ENV):  # only in the test's worker, which imports this module before forking its pool
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(Path(os.environ[HOLD_DIR_ENV]) / "mail")
    render_started.connect(_hold_render, dispatch_uid="tests.certificates.test_worker_kill.hold")


# In the test -----------------------------------------------------------------------------------------------------


class Worker:
    """A ``celery worker`` in its own process group, and what its renders and emails left in ``hold``."""

    def __init__(self, *, concurrency: int, env: dict[str, str], hold: Path) -> None:
        self.hold = hold
        self.log = hold / "worker.log"
        self.hostname = f"worker-kill-{uuid.uuid4().hex[:8]}"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
                   f"--concurrency={concurrency}", f"--hostname={self.hostname}@%h", f"--include={THIS_MODULE}",
                   "--loglevel=INFO", f"--logfile={self.log}", "--without-gossip", "--without-mingle",
                   "--without-heartbeat"]  # fmt: skip
        with (hold / "worker.out").open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.output()}", pytrace=False)
            if f"{self.hostname}@" in self.log_text() and " ready." in self.log_text():
                return
            time.sleep(0.1)
        pytest.fail(f"the worker did not report ready in {WAIT:.0f} s:\n{self.output()}", pytrace=False)

    def renders(self) -> list[int]:
        """The pid of the pool process of each render started so far, in order."""
        path = self.hold / "renders"
        return [int(line) for line in path.read_text().split()] if path.exists() else []

    def release(self) -> None:
        (self.hold / "release").touch()

    def emails(self) -> list[str]:
        """Each email the worker sent (the file backend writes one file per message sent)."""
        mail = self.hold / "mail"
        return [path.read_text() for path in sorted(mail.iterdir())] if mail.exists() else []

    def succeeded(self, task_id: str) -> list[str]:
        """What each finished run of the task returned, from the worker's log."""
        return re.findall(rf"{re.escape(ISSUE_TASK)}\[{task_id}\] succeeded in [\d.]+s: (.*)", self.log_text())

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def output(self) -> str:
        out = self.hold / "worker.out"
        return (out.read_text(errors="replace") if out.exists() else "") + self.log_text()[-6000:]

    def stop(self) -> None:
        """Warm shutdown, bounded; then kill whatever is left of the process group."""
        self.release()  # a held render must not keep the shutdown waiting
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):  # the group is empty once every process has exited
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def start_worker(redis_url, transactional_db, settings, tmp_path):
    """Start a real worker on the test Redis and database; publish this process's jobs to it. Stopped (its whole
    process group) after the test, before the database is flushed."""
    import redis

    if connection.vendor != "postgresql":
        missing_service("PostgreSQL (the worker shares the test database)")
    broker = redis_url.rsplit("/", 1)[0] + "/0"  # the settings put the broker on database 0
    redis.Redis.from_url(broker).flushdb()  # no message or unacked delivery left by another test
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    workers: list[Worker] = []
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)

    def start(*, concurrency: int) -> Worker:
        hold = tmp_path / f"worker-{len(workers)}"
        hold.mkdir()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": broker,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # where this test looks for the PDFs
            HOLD_DIR_ENV: str(hold),
        }
        worker = Worker(concurrency=concurrency, env=env, hold=hold)
        workers.append(worker)
        worker.wait_ready()
        test_jobs._point_celery_at(broker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
        test_jobs._point_celery_at(saved[0])
        celery_app.conf.task_always_eager = saved[1]
        redis.Redis.from_url(broker).flushdb()


def _wait_for(predicate, what: str, worker: Worker) -> None:
    if not test_jobs._wait_for(predicate, timeout=WAIT):
        pytest.fail(f"timed out after {WAIT:.0f} s waiting for {what}; the worker said:\n{worker.output()}")


def _gone(pid: int) -> bool:
    """The process has exited (a zombie until its parent reaps it counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def _award() -> tuple[Certificate, Job]:
    learner = UserFactory(full_name="Amina Yusuf", email="amina@example.org", preferred_language="en")
    certificate = certificate_award(user=learner, subject_key="course:worker-kill", snapshot=SNAPSHOT, language="en")
    job = Job.objects.get(task_name=ISSUE_TASK)  # published to the worker when certificate_award committed
    assert job.status == Job.Status.PUBLISHED
    return certificate, job


def _finished(job: Job) -> bool:
    """The issue job and the email job it queued are both done."""
    emails = Job.objects.filter(task_name="core.send_email")
    return (
        Job.objects.filter(pk=job.pk, status=Job.Status.DONE).exists()
        and emails.exists()
        and not emails.exclude(status=Job.Status.DONE).exists()
    )


def _assert_issued_exactly_once(certificate: Certificate, job: Job, worker: Worker) -> None:
    assert Certificate.objects.count() == 1
    [rendition] = Rendition.objects.all()
    assert rendition.certificate_id == certificate.pk
    assert rendition.is_current
    assert default_storage.exists(rendition.file.name)
    with default_storage.open(rendition.file.name, "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == rendition.sha256
    assert rendition.size == len(content)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result == {"rendition": rendition.pk}
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None

    [email_job] = Job.objects.filter(task_name="core.send_email")
    assert email_job.status == Job.Status.DONE
    assert email_job.runs == 1
    [email] = worker.emails()
    assert "To: amina@example.org" in email
    assert str(certificate.uuid) in email  # the download link


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_render_is_finished_once_by_the_redelivered_task(start_worker):
    worker = start_worker(concurrency=1)
    certificate, job = _award()

    _wait_for(lambda: len(worker.renders()) == 1, "the worker to start rendering", worker)
    [killed] = worker.renders()
    assert killed != worker.process.pid  # a pool process, not the worker's main process
    os.kill(killed, signal.SIGKILL)
    killed_at = time.monotonic()
    _wait_for(lambda: _gone(killed), "the killed pool process to exit", worker)
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING  # it died with the job in hand
    assert not Rendition.objects.exists()

    # The main process puts the message back (reject_on_worker_lost), a new pool process takes it: held again.
    _wait_for(lambda: len(worker.renders()) == 2, "the task to be delivered again", worker)
    redelivered_after = time.monotonic() - killed_at
    assert worker.renders()[1] != killed
    worker.release()
    _wait_for(lambda: _finished(job), "the redelivered task and its email to finish", worker)
    time.sleep(1.0)  # give a duplicate delivery the chance to show itself

    _assert_issued_exactly_once(certificate, job, worker)
    assert Job.objects.get(pk=job.pk).runs == 2  # the killed run and the redelivered one
    assert len(worker.renders()) == 2
    assert worker.succeeded(str(job.pk)) == [f"{{'rendition': {Rendition.objects.get().pk}}}"]
    # Well within the broker's visibility timeout (an hour): the requeue on worker lost, not the timeout.
    assert redelivered_after < 30, redelivered_after


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_task_delivered_twice_at_once_renders_and_emails_once(start_worker):
    worker = start_worker(concurrency=2)
    certificate, job = _award()
    celery_app.send_task(ISSUE_TASK, kwargs=job.kwargs, task_id=str(job.pk))  # the same job, delivered again

    # Both deliveries are inside certificate_render at the same time before either may go on.
    _wait_for(lambda: len(worker.renders()) == 2, "both deliveries to start rendering", worker)
    assert len(set(worker.renders())) == 2  # in two pool processes
    worker.release()
    _wait_for(lambda: _finished(job) and len(worker.succeeded(str(job.pk))) == 2, "both runs to finish", worker)
    time.sleep(1.0)  # give a duplicate delivery the chance to show itself

    _assert_issued_exactly_once(certificate, job, worker)
    assert Job.objects.get(pk=job.pk).runs == 2
    rendition = Rendition.objects.get().pk
    assert worker.succeeded(str(job.pk)) == [f"{{'rendition': {rendition}}}"] * 2  # both found the same rendition

    # Delivered once more after it finished: the job is done, nothing runs.
    celery_app.send_task(ISSUE_TASK, kwargs=job.kwargs, task_id=str(job.pk))
    _wait_for(lambda: len(worker.succeeded(str(job.pk))) == 3, "the late delivery to be handled", worker)
    assert worker.succeeded(str(job.pk))[-1] == "None"
    assert len(worker.renders()) == 2
    _assert_issued_exactly_once(certificate, job, worker)
    assert Job.objects.get(pk=job.pk).runs == 2
