"""Which sessions stand for a step of a course: ``Session.activity_key`` holds the translation key of the
activity (in ``lms``) that attending the session completes. The course's pages decide it (``cms`` calls this
after each outline sync); webinars only stores the keys and never imports lms or cms."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.db import transaction

from webinars.models import Session

logger = logging.getLogger("maktaba.webinars")


def session_link_activity(*, sessions_by_key: dict[uuid.UUID, list[int]], owned_keys: Iterable[uuid.UUID]) -> None:
    """Point each session in ``sessions_by_key`` at its activity key, and unlink the sessions that pointed at one
    of ``owned_keys`` (the keys of one course's steps) but are no longer shown. Sessions linked to any other key
    (another course) are left alone. A session listed under two keys keeps the last one."""
    owned = set(owned_keys)
    shown = {int(pk) for pks in sessions_by_key.values() for pk in pks}
    with transaction.atomic():
        unlinked = Session.objects.filter(activity_key__in=owned).exclude(pk__in=shown).update(activity_key=None)
        linked = 0
        for key, pks in sessions_by_key.items():
            linked += Session.objects.filter(pk__in=pks).exclude(activity_key=key).update(activity_key=key)
    if linked or unlinked:
        logger.info("Sessions linked to course steps: %s linked, %s unlinked", linked, unlinked)
