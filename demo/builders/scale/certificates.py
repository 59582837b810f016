"""Scale certificates: one for every completion of a course that gives one, and for every workshop attendance that
earns one, as ``lms.courses.certificates`` awards them (the same snapshot, language, validity and geography),
status valid. No PDF is rendered: a certificate's first rendition is made when it is asked for.

Codes have the same form and 130 random bits as ``certificates.codes.new_code``, drawn from the seeded generator
so that a seed gives the same codes: unguessable to anyone who does not know the seed.
"""

from __future__ import annotations

import json
import random
from base64 import b32encode
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import User
from certificates.codes import ALPHABET, LENGTH
from certificates.models import Certificate
from lms.courses.certificates import certificate_language, course_snapshot
from lms.courses.models import Enrollment

from .accounts import Teacher
from .bulk import rows_load
from .common import at, scale_uuid
from .courses import Catalogue, Completion

CERTIFICATE_COLUMNS = (
    "code", "uuid", "user_id", "subject_key", "snapshot", "language", "country_id", "region_id", "partner_site_id",
    "issued_at", "valid_until", "status", "revoked_at", "revoked_reason", "revoked_by_id", "emailed_at",
)  # fmt: skip
TO_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode())
LEARNER_FIELDS = ("learner_name", "learner_name_latin", "completed_on", "issued_on")


@dataclass
class Award:
    """An attendance certificate earned at a workshop (see the webinars builder)."""

    teacher: Teacher
    subject_key: str
    language: str
    snapshot: str  # the event's part of the snapshot (``snapshot_part``)
    completed_on: date
    issued_at: float


class Certificates:
    def __init__(self, rng: random.Random, catalogue: Catalogue) -> None:
        self.rng = rng
        self.course_parts = {info.course.pk: _course_part(info.course) for info in catalogue.courses}
        self.languages: dict[tuple[int, str], str] = {}

    def code(self) -> str:
        """130 random bits in Crockford's base 32 (the first 26 of 32 base-32 digits of 160 random bits)."""
        return b32encode(self.rng.getrandbits(160).to_bytes(20)).translate(TO_CROCKFORD)[:LENGTH].decode()

    def load(self, completions: list[Completion], awards: list[Award]) -> int:
        return rows_load(
            Certificate, CERTIFICATE_COLUMNS, [*map(self._course_row, completions), *map(self._row, awards)]
        )

    def _course_row(self, completion: Completion) -> tuple:
        course = completion.course.course
        key = (course.pk, completion.teacher.language)
        if key not in self.languages:
            self.languages[key] = certificate_language(course, completion.teacher.language)
        issued = at(completion.completed_at)
        completed_on = timezone.localdate(issued)
        valid_until = None
        if course.certificate_validity_months:
            valid_until = completed_on + relativedelta(months=course.certificate_validity_months)
        snapshot = _snapshot(self.course_parts[course.pk], completion.teacher, completed_on, completed_on)
        return self._columns(completion.teacher, course.subject_key, snapshot, self.languages[key], issued, valid_until)

    def _row(self, award: Award) -> tuple:
        issued = at(award.issued_at)
        snapshot = _snapshot(award.snapshot, award.teacher, award.completed_on, timezone.localdate(issued))
        return self._columns(award.teacher, award.subject_key, snapshot, award.language, issued, None)

    def _columns(self, teacher: Teacher, subject_key: str, snapshot: str, language: str, issued, valid_until):
        return (
            self.code(), scale_uuid(self.rng), teacher.id, subject_key, snapshot, language, teacher.country_id,
            teacher.region_id, None, issued, valid_until, Certificate.Status.VALID, None, "", None, None,
        )  # fmt: skip


def snapshot_part(snapshot: dict) -> str:
    """A snapshot without the learner's fields, serialised without its closing brace, to be completed per learner
    cheaply."""
    return json.dumps({k: v for k, v in snapshot.items() if k not in LEARNER_FIELDS}, ensure_ascii=False)[:-1]


def _course_part(course) -> str:
    stub = Enrollment(course=course, user=User(full_name=""), completed_at=timezone.now())
    return snapshot_part(course_snapshot(course, stub))


def _snapshot(part: str, teacher: Teacher, completed_on: date, issued_on: date) -> str:
    name, latin = json.dumps(teacher.name, ensure_ascii=False), json.dumps(teacher.name_latin)
    return (
        f'{part}, "learner_name": {name}, "learner_name_latin": {latin}, '
        f'"completed_on": "{completed_on.isoformat()}", "issued_on": "{issued_on.isoformat()}"}}'
    )
