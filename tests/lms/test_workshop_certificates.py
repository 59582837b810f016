"""Workshop attendance certificates: an event that gives one awards it, once, to each participant marked present at
every one of its sessions (in her language, falling back to the event's), and its PDF says she took part in the
workshop rather than completed a course."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from certificates.models import Certificate
from tests.core.test_pdf import pdf_text
from tests.factories.accounts import UserFactory
from tests.factories.roles import trainer as make_trainer
from tests.factories.webinars import EventFactory, SessionFactory
from webinars.models import Event, Registration, Session
from webinars.services.attendance import attendance_mark

pytestmark = pytest.mark.django_db


def workshop(*, gives_certificate: bool = True, sessions: int = 2, **fields):
    """An onsite workshop in Tunis whose sessions (90 minutes each) are over, with its trainer."""
    teacher = make_trainer()
    fields.setdefault("title", "ورشة التقويم الرقمي")
    fields.setdefault("language", "ar")
    event = EventFactory(
        kind=Event.Kind.ONSITE, time_zone="Africa/Tunis", join_url="", gives_certificate=gives_certificate, **fields
    )
    event.trainers.set([teacher])
    start = timezone.now() - timedelta(days=3)
    for number in range(sessions):
        begins = start + timedelta(days=number)
        SessionFactory(event=event, starts_at=begins, ends_at=begins + timedelta(minutes=90))
    return event, list(event.sessions.order_by("starts_at")), teacher


def participant(event: Event, **fields):
    user = UserFactory(**fields)
    Registration.objects.create(event=event, user=user, status=Registration.Status.CONFIRMED)
    return user


def mark(session: Session, teacher, capture, *, present=(), absent=()) -> None:
    with capture(execute=True):
        attendance_mark(session=session, by=teacher, present=[u.pk for u in present], absent=[u.pk for u in absent])


def test_present_at_every_session_earns_one_certificate_in_her_language(django_capture_on_commit_callbacks):
    event, (first, second), teacher = workshop()
    amal = participant(event, full_name="أمل الطرابلسي", preferred_language="ar")
    yulia = participant(event, full_name="Юлия Петрова", preferred_language="ru")
    missed_one = participant(event)

    mark(first, teacher, django_capture_on_commit_callbacks, present=[amal, yulia, missed_one])
    assert not Certificate.objects.exists()  # one session still to come
    mark(second, teacher, django_capture_on_commit_callbacks, present=[amal, yulia], absent=[missed_one])
    mark(second, teacher, django_capture_on_commit_callbacks, present=[amal, yulia])  # marked again

    certificates = {certificate.user: certificate for certificate in Certificate.objects.all()}
    assert set(certificates) == {amal, yulia}
    arabic = certificates[amal]
    assert arabic.language == "ar" and certificates[yulia].language == "ru"
    assert arabic.subject_key == f"event:{event.uuid}"
    assert arabic.snapshot["kind"] == "workshop"
    assert arabic.snapshot["titles"] == {"ar": "ورشة التقويم الرقمي"}
    assert arabic.snapshot["hours"] == "3"  # two sessions of 90 minutes
    assert arabic.snapshot["completed_on"] == timezone.localdate(second.ends_at).isoformat()
    # The PDF (rendered by the job on commit) says she took part in the workshop.
    rendition = arabic.renditions.get(is_current=True)
    with default_storage.open(rendition.file.name, "rb") as pdf:
        text = pdf_text(pdf.read())
    assert "أمل الطرابلسي" in text and "ورشة التقويم الرقمي" in text
    assert "شارك في ورشة العمل" in text and "الدورة التدريبية" not in text


def test_an_event_without_a_certificate_awards_none(django_capture_on_commit_callbacks):
    event, (only,), teacher = workshop(gives_certificate=False, sessions=1)
    learner = participant(event)
    mark(only, teacher, django_capture_on_commit_callbacks, present=[learner])
    assert not Certificate.objects.exists()


def test_a_cancelled_session_is_not_required(django_capture_on_commit_callbacks):
    event, (first, second), teacher = workshop()
    Session.objects.filter(pk=second.pk).update(status=Session.Status.CANCELLED)
    learner = participant(event, preferred_language="")
    mark(first, teacher, django_capture_on_commit_callbacks, present=[learner])
    [certificate] = Certificate.objects.all()
    assert certificate.language == "ar"  # no language of her own: the event's
    assert certificate.snapshot["hours"] == "1.5"
