"""What ``webinars`` tells the layers above it (``lms`` counts attendance toward courses), without knowing them."""

from django.dispatch import Signal

# Sent after commit when attendance of a session is recorded, by a trainer's roster or from the meeting:
# sender=Session, session=<Session>, user_ids_present=[...], user_ids_absent=[...] (sorted user ids; a person is in
# one list at most). Receivers must be idempotent: the same marks may be sent again when a roster is saved twice.
attendance_marked = Signal()

# Sent after commit when sessions are cancelled (one session, or every session to come of a cancelled event):
# sender=Session, session_ids=[...]. A course step that stood for a cancelled session can no longer be completed by
# attending it: the layers above decide what it becomes.
sessions_cancelled = Signal()
