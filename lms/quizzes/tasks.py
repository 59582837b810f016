"""Background work of quizzes."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from accounts.models import User
from core.jobs import JobTask

from .models import Quiz
from .services.attempts import close_overdue_attempts
from .services.grades import quiz_regrade

REGRADE_TASK = "quizzes.regrade"


@shared_task(name="quizzes.close_overdue_attempts")
def close_overdue_attempts_task() -> int:
    """Close and grade attempts whose time ran out while nobody was looking (run every minute by beat)."""
    return close_overdue_attempts()


@shared_task(name=REGRADE_TASK, base=JobTask, bind=True)
def quiz_regrade_task(self, *, quiz_id: int, trainer_id: int, url: str = "") -> dict:
    """Regrade a quiz's attempts for a trainer (``services.grades.quiz_regrade``: all or nothing, so running
    it twice gives the same grades). The result carries the counts and where to read them."""
    quiz = Quiz.objects.select_related("course").get(pk=quiz_id)
    trainer = User.objects.get(pk=trainer_id)
    with translation.override(trainer.preferred_language):
        report = quiz_regrade(quiz=quiz, by=trainer)
    return {"attempts": report.attempts, "changed": report.changed, "skipped": report.skipped, "url": url}
