"""Quizzes' part of a teacher's personal data (``accounts.personal_data``; registered in ``apps.py``).

Export: every attempt, each question with what she answered, its mark and the trainer's feedback; her grades.
Erasure (docs/decisions/0010-personal-data.md): attempts, marks and grades stay with the anonymised account (course
statistics and question analyses need them), but what she wrote in her own words goes — essay and short answers —
and so does the trainers' feedback to her, which may name her.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from accounts.personal_data import Erasure

from .models import Attempt, QuestionAttempt, QuizGrade

FREE_TEXT_KINDS = ("essay", "shortanswer")


class QuizzesPersonalData:
    name = "quizzes"

    def export(self, user) -> dict[str, Any]:
        questions = Prefetch(
            "questions", queryset=QuestionAttempt.objects.select_related("version").order_by("position")
        )
        attempts = (
            Attempt.objects.filter(user=user)
            .select_related("quiz")
            .prefetch_related(questions)
            .order_by("started_at", "pk")
        )
        return {
            "attempts": [_attempt(attempt) for attempt in attempts],
            "grades": [
                {"quiz": grade.quiz.title, "grade": grade.grade, "passed": grade.passed, "updated_at": grade.updated_at}
                for grade in QuizGrade.objects.filter(user=user).select_related("quiz").order_by("quiz__title", "pk")
            ],
        }

    def erase(self, user, *, erasure: Erasure) -> None:
        mine = QuestionAttempt.objects.filter(attempt__user=user)
        mine.filter(version__data__kind__in=FREE_TEXT_KINDS).exclude(response=None).update(response=None)
        mine.exclude(comment="").update(comment="")


def _attempt(attempt: Attempt) -> dict[str, Any]:
    return {
        "quiz": attempt.quiz.title,
        "number": attempt.number,
        "state": attempt.state,
        "closed_by": attempt.closed_by,
        "language": attempt.language,
        "started_at": attempt.started_at,
        "finished_at": attempt.finished_at,
        "marks": attempt.marks,
        "max_marks": attempt.max_marks,
        "grade_percent": attempt.grade,
        "questions": [
            {
                "position": question.position,
                "kind": question.version.data.get("kind"),
                "question": question.version.data.get("name", ""),
                "text": question.version.data.get("text", ""),
                "answer": question.response,
                "mark": question.mark,
                "max_mark": question.max_mark,
                "feedback": question.comment,
                "graded_at": question.graded_at,
            }
            for question in attempt.questions.all()
        ],
    }
