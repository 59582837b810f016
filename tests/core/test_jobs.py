"""Background jobs through the outbox (core.jobs)."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, transaction
from kombu import pools

from config.celery import app as celery_app
from core.jobs import job_enqueue, job_relay
from core.mail import email_send
from core.models import Job
from tests.conftest import missing_service
from tests.factories.accounts import UserFactory

ROOT = Path(__file__).resolve().parents[2]
WORKER_APP_NAME = "maktaba-test-worker"
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every publish is refused


@pytest.mark.django_db
def test_job_is_written_in_the_callers_transaction_and_published_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_enqueue("core.ping", label="ping")
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING  # not handed to Celery before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: in the embedded default the task runs in-process
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.runs == 1
    assert job.result["pid"] == os.getpid()


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_job_and_runs_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                job_enqueue("core.ping")
                raise RuntimeError("the caller fails")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_email_is_rendered_in_the_recipients_language_and_its_payload_wiped_once_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = email_send(
            to="amina@example.org",
            language="ar",
            template="accounts/email/password_reset",
            context={"user": UserFactory.build(full_name="Amina"), "reset_url": "https://x/r/", "valid_days": 3},
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert message.extra_headers["Content-Language"] == "ar"
    assert "https://x/r/" in message.body
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.kwargs == {}  # the link carried a token: not kept in the outbox


@pytest.mark.django_db
def test_job_page_shows_progress_to_its_owner_only(client):
    owner, other = UserFactory(), UserFactory()
    job = Job.objects.create(
        task_name="core.ping", owner_id=owner.pk, label="Export", progress_done=3, progress_total=4
    )
    client.force_login(other)
    assert client.get(f"/en/jobs/{job.pk}/").status_code == 404
    client.force_login(owner)
    response = client.get(f"/en/jobs/{job.pk}/")
    assert response.status_code == 200
    assert b'http-equiv="refresh"' in response.content  # refreshes itself while running, no JavaScript needed
    assert b'value="75"' in response.content
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
    assert b'http-equiv="refresh"' not in client.get(f"/en/jobs/{job.pk}/").content


def _point_celery_at(url: str) -> None:
    """Send this process's publishes to ``url`` (a fresh connection pool each time)."""
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    pools.reset()  # kombu keeps producer pools per connection in a global registry
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(redis_url, transactional_db, settings, tmp_path):
    """A real Celery worker (prefork, one process) on the test Redis and the test database."""
    import redis

    broker = redis_url.rsplit("/", 1)[0] + "/0"  # the settings put the broker on database 0
    redis.Redis.from_url(broker).flushdb()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": broker,
        "CELERY_DIR": str(tmp_path / "celery"),
        "JOBS_DATABASE_RETRY_SECONDS": "1",
        "PGAPPNAME": WORKER_APP_NAME,  # libpq names the worker's connections: a test can cut those alone
    }
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL (the worker shares the test database)")
    subprocess.run(["bash", str(ROOT / "scripts" / "celery.sh"), "start"], env=env, check=True, cwd=ROOT)
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    settings.JOBS_RELAY_AFTER = timedelta(0)
    yield broker
    _point_celery_at(saved[0])
    celery_app.conf.task_always_eager = saved[1]
    subprocess.run(["bash", str(ROOT / "scripts" / "celery.sh"), "stop"], env=env, check=False, cwd=ROOT)


def _wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.services
def test_outbox_keeps_a_job_the_broker_refused_and_the_relay_publishes_it_once(celery_worker):
    _point_celery_at(DEAD_BROKER)
    with transaction.atomic():
        job = job_enqueue("core.ping", label="ping while Redis is down")
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING, "a refused publish must leave the job in the outbox"
    assert job.publish_attempts == 1

    assert job_relay() == 0  # the broker is still down: nothing published, nothing lost
    assert Job.objects.get(pk=job.pk).status == Job.Status.PENDING

    _point_celery_at(celery_worker)  # Redis is back
    assert job_relay() == 1
    assert _wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE), "the worker never ran the job"
    assert job_relay() == 0  # nothing left to publish
    time.sleep(1.0)  # give a duplicate delivery the chance to show itself
    job.refresh_from_db()
    assert job.runs == 1
    assert job.result["pid"] != os.getpid()  # it ran in the worker, not here


@pytest.mark.services
def test_check_jobs_command_sees_a_job_through_a_real_worker(celery_worker):
    from django.core.management import call_command

    _point_celery_at(celery_worker)
    call_command("check_jobs", timeout=30)
    assert Job.objects.get(task_name="core.ping").status == Job.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_a_publish_that_fails_after_commit_is_logged_and_the_job_stays_for_the_relay(monkeypatch, caplog):
    """The commit has happened: the caller must not see an exception for it (Django logs a failing robust
    callback by its __qualname__, which a functools.partial lacks)."""
    import core.jobs

    def broken(job_id):
        raise RuntimeError("the broker exploded")

    monkeypatch.setattr(core.jobs, "job_publish", broken)
    with transaction.atomic():
        job = job_enqueue("core.ping")
    assert Job.objects.get(pk=job.pk).status == Job.Status.PENDING
    assert "the broker exploded" in caplog.text


@pytest.mark.services
def test_jobs_a_broker_lost_are_put_back_in_the_outbox_and_run_once(celery_worker):
    """A job published into a queue that was then lost (here: a Redis database no worker reads, emptied) stays
    ``published`` for ever; ``manage.py jobs_requeue`` puts the old ones back for the relay, and it runs once."""
    import redis
    from django.core.management import call_command

    lost = celery_worker.rsplit("/", 1)[0] + "/5"
    _point_celery_at(lost)
    with transaction.atomic():
        job = job_enqueue("core.ping", label="ping into a queue that will be lost")
    assert Job.objects.get(pk=job.pk).status == Job.Status.PUBLISHED
    redis.Redis.from_url(lost).flushdb()  # the broker lost its queue
    _point_celery_at(celery_worker)
    assert job_relay() == 0  # the relay only sees jobs never published

    call_command("jobs_requeue", "--older-than", "5")
    assert Job.objects.get(pk=job.pk).status == Job.Status.PUBLISHED  # too recent: maybe still in a long queue
    Job.objects.filter(pk=job.pk).update(published_at=job.created_at - timedelta(minutes=10))
    call_command("jobs_requeue", "--older-than", "5", "--dry-run")
    assert Job.objects.get(pk=job.pk).status == Job.Status.PUBLISHED
    call_command("jobs_requeue", "--older-than", "5")
    assert Job.objects.get(pk=job.pk).status == Job.Status.PENDING

    assert job_relay() == 1
    assert _wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE), "the worker never ran the job"
    time.sleep(1.0)
    job.refresh_from_db()
    assert job.runs == 1


@pytest.mark.services
def test_a_job_that_finds_the_database_out_of_reach_runs_once_it_is_back(celery_worker):
    """The worker's database refuses it (its connections cut, new ones refused, as in a restart) when the job
    arrives: the job is not lost (acked as failed, its row stuck); it is sent again and runs once it is back."""
    import psycopg

    db = connection.settings_dict
    name = db["NAME"]

    def refuse_others(refuse: bool) -> None:
        """From the server's maintenance database (a database cannot refuse its own connections): new connections
        to ours refused, and the worker's cut (only the worker's: this process's other threads, such as a live
        server's, keep theirs)."""
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
        ) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if refuse else "true"}')
            if refuse:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = %s AND application_name = %s",
                        [name, WORKER_APP_NAME],
                    )

    _point_celery_at(celery_worker)
    refuse_others(True)
    try:
        with transaction.atomic():
            job = job_enqueue("core.ping", label="ping while the database restarts")
        assert Job.objects.get(pk=job.pk).status == Job.Status.PUBLISHED
        time.sleep(3.0)  # the worker takes it, cannot reach the database, and sends it again (1 s apart)
        assert Job.objects.get(pk=job.pk).status == Job.Status.PUBLISHED  # nothing ran, nothing was written
    finally:
        refuse_others(False)
    assert _wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE), "the job was lost"
    time.sleep(1.0)
    job.refresh_from_db()
    assert job.runs == 1
    assert job.result["pid"] != os.getpid()
