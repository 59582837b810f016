"""Receivers that mark the months whose counts a change touches (``tallies.tally_slices_mark``), after the commit
that made it, so the dashboard's summary tables follow the rows they count. Nothing is counted here."""

from __future__ import annotations

from django.db import transaction

from . import tallies

# A save that changes none of these (a login, a lesson opened) changes no count.
TEACHER_FIELDS = frozenset(
    {"country", "region", "institution", "gender", "preferred_language", "is_active", "is_staff"}
)
ENROLLMENT_FIELDS = frozenset({"status", "completed_at", "created_at", "country", "region", "course"})


def _counted(fields: frozenset, update_fields) -> bool:
    return update_fields is None or not fields.isdisjoint(update_fields)


def _mark_after_commit(marks: list) -> None:
    def mark() -> None:
        tallies.tally_slices_mark(marks)

    transaction.on_commit(mark, robust=True)


def teacher_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if not _counted(TEACHER_FIELDS, update_fields):
        return
    user_id, marks = instance.pk, [(instance.country_id, instance.date_joined)]

    def mark() -> None:
        # Her gender, school or language is counted with everything she did: the months of all of it.
        tallies.tally_slices_mark(marks + tallies.teacher_marks(user_id=user_id))

    transaction.on_commit(mark, robust=True)


def enrollment_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if not _counted(ENROLLMENT_FIELDS, update_fields):
        return
    _mark_after_commit([(instance.country_id, instance.created_at), (instance.country_id, instance.completed_at)])


def certificate_changed(sender, instance, **kwargs) -> None:
    _mark_after_commit([(instance.country_id, instance.issued_at)])


def attendance_changed(sender, instance, **kwargs) -> None:
    session_id, user_id = instance.session_id, instance.user_id

    def mark() -> None:
        # Looked up after the commit, so marking adds no query to the request that changed attendance.
        tallies.tally_slices_mark(tallies.attendance_marks(session_id=session_id, user_id=user_id))

    transaction.on_commit(mark, robust=True)
