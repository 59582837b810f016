"""Learners take quizzes: start an attempt, answer it page by page, submit it, review it, and see their grades.

Every page is plain HTML that works without JavaScript; ``attempt.js`` only counts the time down and submits
the attempt just before its deadline. The server is the clock: it decides whether an answer arrived in time.
Each button of the attempt form saves the page's answers before it moves, so nothing typed is ever lost by
navigating. The attempt page never carries a fraction, feedback or right answer; the review shows only what
the quiz's review options allow at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.courses import selectors as course_selectors
from lms.courses.models import Course, Enrollment

from . import display, selectors, services
from .models import Attempt, QuestionAttempt, Quiz, ReviewWhen

# Responses --------------------------------------------------------------------------------------------------


def _back_url(quiz: Quiz) -> str:
    """Where the quiz lives: its lesson, else its course, else the learner's dashboard."""
    if quiz.activity_id is not None and quiz.activity.url:
        return quiz.activity.url
    return quiz.course.url or reverse("courses:dashboard")


def _page_url(attempt: Attempt, page: int) -> str:
    return f"{reverse('quizzes:attempt-page', kwargs={'attempt_uuid': attempt.uuid})}?page={page}"


def _review_redirect(attempt: Attempt) -> HttpResponse:
    return redirect("quizzes:attempt-review", attempt_uuid=attempt.uuid)


def _attempt(request: HttpRequest, attempt_uuid: Any) -> Attempt:
    """The attempt, if ``request.user`` owns it or trains its course (403 otherwise, 404 if there is none)."""
    try:
        return selectors.attempt_get_for(attempt_uuid=attempt_uuid, user=request.user)
    except Attempt.DoesNotExist:
        raise Http404 from None


def _closed_message(attempt: Attempt) -> str:
    if attempt.closed_by == Attempt.Closed.QUIZ_CLOSED:
        return gettext("The quiz has closed. Your attempt was graded on the answers you had saved.")
    return gettext("The time for this attempt is over. It was graded on the answers you had saved.")


def _closed_if_overdue(request: HttpRequest, attempt: Attempt) -> bool:
    """Close an attempt whose deadline has passed (and tell her so). True if it is finished now."""
    if services.attempt_close_if_overdue(attempt):
        messages.warning(request, _closed_message(attempt))
    return not attempt.is_open


def _remaining_seconds(attempt: Attempt, now: datetime | None = None) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or timezone.now())).total_seconds()))


def _clock(seconds: int | None) -> str:
    """9:58, or 1:05:09 for an hour or more."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _timer_context(attempt: Attempt) -> dict[str, Any]:
    remaining = _remaining_seconds(attempt)
    return {"remaining": remaining, "clock": _clock(remaining)}


def _page_number(raw: Any, attempt: Attempt) -> int:
    """A 0-based page from a form or query value, clamped to the attempt's pages."""
    try:
        page = int(raw)
    except (TypeError, ValueError):
        return attempt.current_page
    return max(0, min(page, attempt.pages - 1))


# Starting ---------------------------------------------------------------------------------------------------


@login_required
@require_POST
def quiz_start(request: HttpRequest, quiz_uuid: Any) -> HttpResponse:
    quiz = get_object_or_404(Quiz.objects.select_related("course", "activity"), uuid=quiz_uuid)
    try:
        attempt = services.attempt_start(quiz=quiz, user=request.user, language=get_language())
    except services.AttemptError as error:
        messages.error(request, str(error))
        return redirect(_back_url(quiz))
    return redirect(_page_url(attempt, attempt.current_page))


# Taking the attempt ------------------------------------------------------------------------------------------


@dataclass
class QuestionForm:
    """One question of the attempt page: its number, how it is shown (with the saved response filled in) and
    the prefix of its form fields."""

    question: QuestionAttempt
    number: int | None
    shown: display.Display
    prefix: str

    @property
    def kind(self) -> str:
        return self.shown.kind

    @property
    def positions(self) -> range:
        """Ordering: the positions an item can take, 1 being the first."""
        return range(1, len(self.shown.choices) + 1)


def _question_form(item: selectors.ShownQuestion) -> QuestionForm:
    question = item.question
    return QuestionForm(question=question, number=item.number, shown=item.shown, prefix=f"q{question.position}")


def _stale_message(numbers: list[int]) -> str:
    listed = ", ".join(str(number) for number in numbers)
    return ngettext(
        "Your answer to question %(numbers)s was changed in another window or tab; the newer answer was kept. "
        "Check it below.",
        "Your answers to questions %(numbers)s were changed in another window or tab; the newer answers were "
        "kept. Check them below.",
        len(numbers),
    ) % {"numbers": listed}


@login_required
@require_http_methods(["GET", "POST"])
def attempt_page(request: HttpRequest, attempt_uuid: Any) -> HttpResponse:
    attempt = _attempt(request, attempt_uuid)
    if attempt.user_id != request.user.pk:
        return _review_redirect(attempt)  # a trainer: she reads attempts, she does not take them
    if not attempt.is_open:
        if request.method == "POST":  # closed meanwhile (the deadline, another tab): her answers were not saved
            messages.error(
                request, gettext("This attempt is already finished, so the answers you just sent were not saved.")
            )
        return _review_redirect(attempt)
    if request.method == "POST":
        return _attempt_page_post(request, attempt)
    if _closed_if_overdue(request, attempt):
        return _review_redirect(attempt)
    page = _page_number(request.GET.get("page"), attempt)
    questions = selectors.attempt_page_questions(attempt=attempt, page=page, language=get_language())
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "page": page,
        "last_page": attempt.pages - 1,
        "questions": [_question_form(shown) for shown in questions],
        "summary": selectors.attempt_question_summary(attempt) if attempt.pages > 1 else [],
        **_timer_context(attempt),
    }
    return render(request, "quizzes/attempt_page.html", context)


def _attempt_page_post(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    page = _page_number(request.POST.get("page"), attempt)
    questions = selectors.attempt_page_questions(attempt=attempt, page=page, language=get_language())
    answers: dict[int, tuple[int, Any]] = {}
    numbers: dict[int, int] = {}
    for shown in questions:
        question = shown.question
        if question.data["kind"] == "description":
            continue
        prefix = f"q{question.position}"
        try:
            sequence = int(request.POST[f"{prefix}-seq"])
        except (KeyError, ValueError):
            continue  # not on the form she sent
        response = display.response_from_form(question.data, request.POST, prefix)
        if response == question.response:
            continue  # what is stored already: nothing to write, nothing to conflict with
        answers[question.position] = (sequence, response)
        numbers[question.position] = shown.number or 0
    try:
        result = services.attempt_save(attempt=attempt, user=request.user, answers=answers)
        if result.stale:
            messages.warning(request, _stale_message([numbers[position] for position in result.stale]))
            return redirect(_page_url(attempt, page))
        action = request.POST.get("action", "save")
        if action == "finish":
            if request.POST.get("timeup") and attempt.deadline is not None:
                # The page's timer ran out: submit now rather than wait on the summary for a click.
                return _submit(request, attempt)
            return redirect("quizzes:attempt-summary", attempt_uuid=attempt.uuid)
        if action == "next":
            target = page + 1
        elif action == "previous":
            target = page - 1
        elif action.startswith("goto-") and action[5:].isdigit():
            target = int(action[5:])
        else:
            messages.success(request, gettext("Your answers are saved."))
            return redirect(_page_url(attempt, page))
        services.attempt_move(attempt=attempt, user=request.user, page=target)
    except services.AttemptError as error:
        messages.error(request, str(error))
        return _review_redirect(attempt)
    return redirect(_page_url(attempt, attempt.current_page))


@login_required
@require_GET
def attempt_summary(request: HttpRequest, attempt_uuid: Any) -> HttpResponse:
    attempt = _attempt(request, attempt_uuid)
    if attempt.user_id != request.user.pk or not attempt.is_open:
        return _review_redirect(attempt)
    if _closed_if_overdue(request, attempt):
        return _review_redirect(attempt)
    summary = selectors.attempt_question_summary(attempt)
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "summary": summary,
        "unanswered": sum(1 for _number, _page, answered in summary if not answered),
        **_timer_context(attempt),
    }
    return render(request, "quizzes/attempt_summary.html", context)


def _submit(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    try:
        if services.attempt_submit(attempt=attempt, user=request.user):
            messages.success(request, gettext("Your attempt is submitted."))
        # False: it was already finished (a second click, a second tab): nothing to say, just show it.
    except services.AttemptError as error:
        messages.error(request, str(error))
    return _review_redirect(attempt)


@login_required
@require_POST
def attempt_submit(request: HttpRequest, attempt_uuid: Any) -> HttpResponse:
    attempt = _attempt(request, attempt_uuid)
    if attempt.user_id != request.user.pk:
        raise PermissionDenied
    return _submit(request, attempt)


# Review -----------------------------------------------------------------------------------------------------


def _local_datetime(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


# What the review still hides and when it will show it: (with the closing date, without one).
LATER_MARKS = (
    _("Your marks will be shown after the quiz closes on %(date)s."),
    _("Your marks will be shown after the quiz closes."),
)
LATER_ANSWERS = (
    _("The right answers will be shown after the quiz closes on %(date)s."),
    _("The right answers will be shown after the quiz closes."),
)
LATER_FEEDBACK = (
    _("Feedback will be shown after the quiz closes on %(date)s."),
    _("Feedback will be shown after the quiz closes."),
)
LATER_REVIEW = (
    _("The review will be available after the quiz closes on %(date)s."),
    _("The review will be available after the quiz closes."),
)
NO_REVIEW = _("This quiz does not show a review of attempts. Ask your trainer about your result.")


def _later(texts: tuple[Any, Any], quiz: Quiz) -> str:
    if quiz.closes_at is not None:
        return str(texts[0]) % {"date": _local_datetime(quiz.closes_at)}
    return str(texts[1])


def _review_notes(attempt: Attempt, options: selectors.ReviewOptions) -> tuple[str, list[str]]:
    """(What to say when the review shows nothing yet, what to say about each part it still hides)."""
    quiz = attempt.quiz
    parts = [
        (options.marks, quiz.review_marks, LATER_MARKS),
        (options.answers, quiz.review_answers, LATER_ANSWERS),
        (options.feedback, quiz.review_feedback, LATER_FEEDBACK),
    ]
    if not (options.marks or options.answers or options.feedback):
        if any(when == ReviewWhen.AFTER_CLOSE for _shown, when, _texts in parts):
            return _later(LATER_REVIEW, quiz), []
        return str(NO_REVIEW), []
    return "", [_later(texts, quiz) for shown, when, texts in parts if not shown and when == ReviewWhen.AFTER_CLOSE]


@dataclass
class ReviewRow:
    reviewed: selectors.ReviewedQuestion
    outcome: str = ""  # "right", "partial", "wrong", "pending" (an essay waiting for a trainer), "" (none)


def _outcome(question) -> str:
    if question.needs_grading:
        return "pending"
    if question.fraction is None or question.max_mark == 0:
        return ""
    if question.fraction >= 1:
        return "right"
    if question.fraction > 0:
        return "partial"
    return "wrong"


@login_required
@require_GET
def attempt_review(request: HttpRequest, attempt_uuid: Any) -> HttpResponse:
    attempt = _attempt(request, attempt_uuid)
    is_owner = attempt.user_id == request.user.pk
    if attempt.is_open:
        services.attempt_close_if_overdue(attempt)
    if attempt.is_open and is_owner:
        return redirect(_page_url(attempt, attempt.current_page))
    options = selectors.review_options(attempt=attempt, viewer=request.user)
    anything = options.marks or options.answers or options.feedback
    rows = []
    if anything:
        rows = [
            ReviewRow(reviewed, _outcome(reviewed.question) if options.marks else "")
            for reviewed in selectors.attempt_review(attempt=attempt, options=options, language=get_language())
        ]
    nothing_yet, notes = _review_notes(attempt, options) if not attempt.is_open else ("", [])
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "is_owner": is_owner,
        "options": options,
        "rows": rows,
        "nothing_yet": nothing_yet,
        "notes": notes,
        "back_url": _back_url(attempt.quiz),
    }
    return render(request, "quizzes/attempt_review.html", context)


# Grades -----------------------------------------------------------------------------------------------------


@dataclass
class GradeRow:
    quiz: Quiz
    grade: Any  # QuizGrade | None
    attempts: list[tuple[Attempt, bool]]  # each finished attempt, and whether its marks may be shown
    grade_visible: bool
    hidden_text: str  # why her grade is not shown yet, and until when


GRADE_LATER = (
    _("Your grade will be shown after the quiz closes on %(date)s."),
    _("Your grade will be shown after the quiz closes."),
)
NO_GRADE = _("This quiz does not show grades; ask your trainer.")


def _grade_hidden_text(quiz: Quiz) -> str:
    if quiz.review_marks == ReviewWhen.AFTER_CLOSE:
        return _later(GRADE_LATER, quiz)
    return str(NO_GRADE)


@login_required
@require_GET
def my_grades(request: HttpRequest, course_uuid: Any) -> HttpResponse:
    course = get_object_or_404(Course, uuid=course_uuid)
    enrollment = course_selectors.enrollment_for(user=request.user, course=course)
    enrolled = enrollment is not None and enrollment.status in {
        Enrollment.Status.ACTIVE,
        Enrollment.Status.COMPLETED,
        Enrollment.Status.WITHDRAWN,
    }
    if not enrolled and not course_selectors.user_can_manage_course(request.user, course):
        raise Http404
    now = timezone.now()
    rows = []
    for quiz, grade, attempts in selectors.grades_for_learner(user=request.user, course=course):
        shown = []
        for attempt in attempts:
            shown.append((attempt, selectors.review_options(attempt=attempt, viewer=request.user, now=now).marks))
        visible = bool(shown) and shown[-1][1]
        rows.append(
            GradeRow(
                quiz=quiz,
                grade=grade,
                attempts=shown,
                grade_visible=visible,
                hidden_text=_grade_hidden_text(quiz) if attempts and not visible else "",
            )
        )
    return render(request, "quizzes/my_grades.html", {"course": course, "rows": rows})


urlpatterns = [
    path("learning/quizzes/<uuid:quiz_uuid>/start/", quiz_start, name="quiz-start"),
    path("learning/attempts/<uuid:attempt_uuid>/", attempt_page, name="attempt-page"),
    path("learning/attempts/<uuid:attempt_uuid>/summary/", attempt_summary, name="attempt-summary"),
    path("learning/attempts/<uuid:attempt_uuid>/submit/", attempt_submit, name="attempt-submit"),
    path("learning/attempts/<uuid:attempt_uuid>/review/", attempt_review, name="attempt-review"),
    path("learning/courses/<uuid:course_uuid>/grades/", my_grades, name="my-grades"),
]
