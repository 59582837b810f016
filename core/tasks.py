from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from .job_files import job_files_purge
from .jobs import JobTask, job_relay, jobs_purge_finished


@shared_task(name="core.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    return job_relay()


@shared_task(name="core.purge_finished_jobs", ignore_result=True)
def purge_finished_jobs() -> int:
    """Forget finished jobs after ``JOBS_KEEP_FINISHED`` and delete the files of jobs whose link expired
    (``core.job_files``). Returns how many of both."""
    return jobs_purge_finished() + job_files_purge()


@shared_task(
    name="core.send_email",
    base=JobTask,
    bind=True,
    clear_payload_on_success=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_email(self, *, to: list[str], subject: str, text: str, html: str = "", language: str = "") -> None:
    """Send an email already rendered in the recipient's language (see ``core.mail``)."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    if language:
        message.extra_headers["Content-Language"] = language
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task(name="core.ping", base=JobTask, bind=True)
def ping(self) -> dict:
    """Proves the whole path works (outbox → broker → worker → database): `manage.py check_jobs`."""
    import os
    import socket

    return {"worker": socket.gethostname(), "pid": os.getpid()}
