"""The trainers' quiz pages: a course's quizzes, a quiz's settings, questions and attempts, regrading, the essay
queue and the gradebook.

Every page is for the course's trainers (and superusers): ``user_can_manage_course`` is checked before anything
is read or changed, directly or by the service or selector called, so a teacher or a trainer of another course
gets 403; an object that does not belong to the quiz in the address (a slot of another quiz) is a 404. Each
POST redirects back with a message; a form with errors is shown again with the errors next to the fields and
what was typed.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from itertools import islice
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaks_filter
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exports import iter_csv
from core.forms import user_time_zone
from core.jobs import job_enqueue, job_get_for_owner
from core.sanitize import sanitize_html
from lms.courses import selectors as course_selectors
from lms.courses.models import Course

from . import display
from .forms_manage import (
    CategoryChoiceForm,
    EssayGradeForm,
    QuizSettingsForm,
    RandomSlotsForm,
    SlotMarksForm,
)
from .models import Attempt, Question, QuestionAttempt, Quiz, QuizSlot
from .selectors.bank import category_tree, question_list_for_category
from .selectors.quizzes import (
    essay_queue_for,
    gradebook,
    gradebook_rows,
    quiz_attempts_for_trainer,
    quiz_list_for_course,
    quiz_slots,
)
from .services.grades import essay_grade
from .services.quizzes import (
    quiz_create,
    quiz_update,
    slot_add_question,
    slot_add_random,
    slot_move,
    slot_remove,
    slot_set_mark,
)
from .tasks import REGRADE_TASK

BANK_PAGE_SIZE = 50
ATTEMPTS_PAGE_SIZE = 50
ESSAYS_PAGE_SIZE = 20
GRADEBOOK_PAGE_SIZE = 50
CSV_BATCH = 500  # learners whose grades one query reads while the CSV streams


def _managed_course(request: HttpRequest, course_uuid: uuid.UUID) -> Course:
    course = get_object_or_404(Course, uuid=course_uuid)
    if not course_selectors.user_can_manage_course(request.user, course):
        raise PermissionDenied
    return course


def _managed_quiz(request: HttpRequest, quiz_uuid: uuid.UUID) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("course", "activity"), uuid=quiz_uuid)
    if not course_selectors.user_can_manage_course(request.user, quiz.course):
        raise PermissionDenied
    return quiz


def _slot_of(quiz: Quiz, slot_id: int) -> QuizSlot:
    slot = get_object_or_404(QuizSlot, pk=slot_id, quiz=quiz)
    slot.quiz = quiz  # the services read slot.quiz.course: already loaded
    return slot


# A course's quizzes ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def quiz_list(request: HttpRequest, course_uuid: uuid.UUID) -> HttpResponse:
    course = _managed_course(request, course_uuid)

    def count(model: type, **filters: Any) -> Coalesce:
        counted = model.objects.filter(quiz=OuterRef("pk"), **filters).values("quiz").annotate(n=Count("pk"))
        return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), 0)

    quizzes = quiz_list_for_course(course).annotate(
        slot_count=count(QuizSlot), attempt_count=count(Attempt, state=Attempt.State.FINISHED)
    )
    return render(request, "quizzes/manage/quiz_list.html", {"course": course, "quizzes": quizzes})


# Settings -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def quiz_create_view(request: HttpRequest, course_uuid: uuid.UUID) -> HttpResponse:
    course = _managed_course(request, course_uuid)
    zone = user_time_zone(request.user)
    form = QuizSettingsForm(request.POST if request.method == "POST" else None, course=course, time_zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            quiz = quiz_create(course=course, by=request.user, **form.settings())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The quiz “%(title)s” has been created. Now add its questions.") % {"title": quiz.title}
            )
            return redirect("quizzes:quiz-questions", quiz_uuid=quiz.uuid)
    return render(request, "quizzes/manage/quiz_form.html", {"course": course, "quiz": None, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request: HttpRequest, quiz_uuid: uuid.UUID) -> HttpResponse:
    quiz = _managed_quiz(request, quiz_uuid)
    zone = user_time_zone(request.user)
    form = QuizSettingsForm(
        request.POST if request.method == "POST" else None, course=quiz.course, quiz=quiz, time_zone=zone
    )
    if request.method == "POST" and form.is_valid():
        try:
            quiz = quiz_update(quiz, by=request.user, **form.settings())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The settings of “%(title)s” have been saved.") % {"title": quiz.title})
            return redirect("quizzes:quiz-questions", quiz_uuid=quiz.uuid)
    return render(request, "quizzes/manage/quiz_form.html", {"course": quiz.course, "quiz": quiz, "form": form})


# Questions ------------------------------------------------------------------------------------------------------


def _kind_label(question: Question) -> str:
    """A question's type in words. ``QuizSlot.question`` is loaded as the base class: its real class comes from
    the cached content type, without a query."""
    return capfirst(question.get_real_instance_class()._meta.verbose_name)


def _is_description(slot: QuizSlot) -> bool:
    return bool(slot.question_id) and slot.question.get_real_instance_class().kind == "description"


def _questions_url(quiz: Quiz, **query: Any) -> str:
    url = reverse("quizzes:quiz-questions", kwargs={"quiz_uuid": quiz.uuid})
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _questions_page(
    request: HttpRequest,
    quiz: Quiz,
    *,
    marks_form: SlotMarksForm | None = None,
    random_form: RandomSlotsForm | None = None,
) -> HttpResponse:
    slots = quiz_slots(quiz)
    tree = category_tree()
    rows = []
    for number, slot in enumerate(slots, start=1):
        description = _is_description(slot)
        rows.append(
            {
                "slot": slot,
                "number": number,
                "is_description": description,
                "kind": _kind_label(slot.question) if slot.question_id else _("Random question"),
                "mark_field": None if description else f"mark-{slot.pk}",
            }
        )
    graded = [row["slot"] for row in rows if not row["is_description"]]
    marks_form = marks_form or SlotMarksForm(slots=slots)
    for row in rows:
        row["mark_field"] = marks_form[row["mark_field"]] if row["mark_field"] else None

    chooser = CategoryChoiceForm(request.GET or None, tree=tree)
    category = chooser.chosen()
    bank_page = None
    bank_rows = []
    if category is not None:
        bank_page = Paginator(question_list_for_category(category), BANK_PAGE_SIZE).get_page(request.GET.get("page"))
        in_quiz = {slot.question_id for slot in slots if slot.question_id}
        bank_rows = [
            {
                "question": question,
                "kind": capfirst(question._meta.verbose_name),
                "in_quiz": question.pk in in_quiz,
            }
            for question in bank_page.object_list
        ]
    return render(
        request,
        "quizzes/manage/quiz_questions.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "rows": rows,
            "question_count": len(graded),
            "total_marks": sum((slot.mark for slot in graded), Decimal(0)),
            "marks_form": marks_form,
            "chooser": chooser,
            "category": category,
            "page_obj": bank_page,
            "bank_rows": bank_rows,
            "query_string": urlencode({"category": category.pk}) if category else "",
            "random_form": random_form or RandomSlotsForm(tree=tree),
        },
    )


@login_required
@require_GET
def quiz_questions(request: HttpRequest, quiz_uuid: uuid.UUID) -> HttpResponse:
    return _questions_page(request, _managed_quiz(request, quiz_uuid))


@login_required
@require_POST
def slot_marks(request: HttpRequest, quiz_uuid: uuid.UUID) -> HttpResponse:
    quiz = _managed_quiz(request, quiz_uuid)
    form = SlotMarksForm(request.POST, slots=quiz_slots(quiz))
    if not form.is_valid():
        messages.error(request, _("Some marks could not be saved: see the errors next to them."))
        return _questions_page(request, quiz, marks_form=form)
    changed = form.changed_marks()
    for slot, mark in changed:
        slot_set_mark(slot=slot, by=request.user, mark=mark)
    if changed:
        messages.success(
            request,
            ngettext("%(count)s mark has been changed.", "%(count)s marks have been changed.", len(changed))
            % {"count": len(changed)},
        )
    else:
        messages.info(request, _("No mark was changed."))
    return redirect("quizzes:quiz-questions", quiz_uuid=quiz.uuid)


@login_required
@require_POST
def slot_add(request: HttpRequest, quiz_uuid: uuid.UUID) -> HttpResponse:
    """Add the questions ticked in a category of the bank."""
    quiz = _managed_quiz(request, quiz_uuid)
    ids = {int(value) for value in request.POST.getlist("question") if value.isdigit()}
    back = _questions_url(quiz, category=request.POST.get("category", ""), page=request.POST.get("page", ""))
    if not ids:
        messages.error(request, _("Tick the questions to add first."))
        return redirect(back + "#add-from-bank")
    added = skipped = 0
    for question in Question.objects.filter(pk__in=ids).order_by("pk"):
        try:
            slot_add_question(quiz=quiz, by=request.user, question=question)
        except ValidationError:
            skipped += 1
        else:
            added += 1
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)s question has been added to the quiz.",
                "%(count)s questions have been added to the quiz.",
                added,
            )
            % {"count": added},
        )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s question was already in the quiz.", "%(count)s questions were already in the quiz.", skipped
            )
            % {"count": skipped},
        )
    return redirect(back + "#add-from-bank")


@login_required
@require_POST
def slot_add_random_view(request: HttpRequest, quiz_uuid: uuid.UUID) -> HttpResponse:
    quiz = _managed_quiz(request, quiz_uuid)
    form = RandomSlotsForm(request.POST, tree=category_tree())
    if not form.is_valid():
        return _questions_page(request, quiz, random_form=form)
    try:
        slots = slot_add_random(
            quiz=quiz,
            by=request.user,
            category=form.cleaned_data["category"],
            count=form.cleaned_data["count"],
            include_subcategories=form.cleaned_data["include_subcategories"],
            mark=form.cleaned_data["mark"],
        )
    except ValidationError as error:
        form.add_error("count", error)
        return _questions_page(request, quiz, random_form=form)
    messages.success(
        request,
        ngettext(
            "%(count)s random question from “%(category)s” has been added.",
            "%(count)s random questions from “%(category)s” have been added.",
            len(slots),
        )
        % {"count": len(slots), "category": form.cleaned_data["category"].name},
    )
    return redirect("quizzes:quiz-questions", quiz_uuid=quiz.uuid)


@login_required
@require_POST
def slot_move_view(request: HttpRequest, quiz_uuid: uuid.UUID, slot_id: int) -> HttpResponse:
    quiz = _managed_quiz(request, quiz_uuid)
    slot = _slot_of(quiz, slot_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(status=400)
    slot_move(slot=slot, by=request.user, offset=-1 if direction == "up" else 1)
    messages.success(
        request, _("The question has been moved up.") if direction == "up" else _("The question has been moved down.")
    )
    return redirect(_questions_url(quiz) + f"#slot-{slot.pk}")


@login_required
@require_POST
def slot_remove_view(request: HttpRequest, quiz_uuid: uuid.UUID, slot_id: int) -> HttpResponse:
    quiz = _managed_quiz(request, quiz_uuid)
    slot = _slot_of(quiz, slot_id)
    slot_remove(slot=slot, by=request.user)
    messages.success(
        request, _("The question has been removed from the quiz. Attempts already made keep it and their grades.")
    )
    return redirect("quizzes:quiz-questions", quiz_uuid=quiz.uuid)


# Attempts and regrading -----------------------------------------------------------------------------------------


@login_required
@require_GET
def quiz_attempts(request: HttpRequest, quiz_uuid: uuid.UUID) -> HttpResponse:
    quiz = get_object_or_404(Quiz.objects.select_related("course"), uuid=quiz_uuid)
    attempts = quiz_attempts_for_trainer(quiz=quiz, user=request.user)
    _regrade_message(request, quiz)
    page_obj = Paginator(attempts, ATTEMPTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quizzes/manage/quiz_attempts.html",
        {"quiz": quiz, "course": quiz.course, "page_obj": page_obj, "finished": Attempt.State.FINISHED},
    )


@login_required
@require_POST
def quiz_regrade_view(request: HttpRequest, quiz_uuid: uuid.UUID) -> HttpResponse:
    """Regrading touches every finished attempt of the quiz: it runs as a background job with a progress page,
    whose result link leads back to the attempts with the counts."""
    quiz = _managed_quiz(request, quiz_uuid)
    with transaction.atomic():
        job = job_enqueue(
            REGRADE_TASK,
            kwargs={"quiz_id": quiz.pk, "trainer_id": request.user.pk},
            owner_id=request.user.pk,
            label=_("Regrade “%(quiz)s”") % {"quiz": quiz.localized_title},
        )
        job.kwargs["url"] = reverse("quizzes:quiz-attempts", kwargs={"quiz_uuid": quiz.uuid}) + f"?job={job.pk}"
        job.save(update_fields=["kwargs"])
    return redirect("core:job-detail", job_id=job.pk)


def _regrade_message(request: HttpRequest, quiz: Quiz) -> None:
    """After a regrade job: say what it changed (once the requester's job for this quiz has finished)."""
    job_id = request.GET.get("job")
    try:
        job = job_get_for_owner(uuid.UUID(job_id), owner_id=request.user.pk) if job_id else None
    except ValueError:
        job = None
    if job is None or job.task_name != REGRADE_TASK or job.kwargs.get("quiz_id") != quiz.pk:
        return
    if job.status != job.Status.DONE:
        return
    result = job.result
    parts = [
        ngettext("%(count)s attempt was regraded.", "%(count)s attempts were regraded.", result["attempts"])
        % {"count": result["attempts"]},
        ngettext("%(count)s mark changed.", "%(count)s marks changed.", result["changed"])
        % {"count": result["changed"]},
    ]
    if result["skipped"]:
        parts.append(
            ngettext(
                "%(count)s answer was not regraded: its question changed too much (another type or another "
                "number of choices).",
                "%(count)s answers were not regraded: their questions changed too much (another type or another "
                "number of choices).",
                result["skipped"],
            )
            % {"count": result["skipped"]}
        )
    messages.success(request, " ".join(parts))


# Essays ---------------------------------------------------------------------------------------------------------


def _course_filter(request: HttpRequest) -> uuid.UUID | None:
    raw = request.GET.get("course") or request.POST.get("course") or ""
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _essay_queue(request: HttpRequest, course_uuid: uuid.UUID | None):
    queue = essay_queue_for(request.user)
    return queue.filter(attempt__quiz__course__uuid=course_uuid) if course_uuid else queue


def _require_trainer(request: HttpRequest):
    courses = course_selectors.courses_managed_by(request.user)
    if not request.user.is_superuser and not courses.exists():
        raise PermissionDenied
    return courses


@login_required
@require_GET
def essay_queue(request: HttpRequest) -> HttpResponse:
    courses = _require_trainer(request).order_by("title")
    course_uuid = _course_filter(request)
    page_obj = Paginator(_essay_queue(request, course_uuid), ESSAYS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quizzes/manage/essay_queue.html",
        {
            "page_obj": page_obj,
            "courses": courses,
            "course_uuid": str(course_uuid) if course_uuid else "",
            "query_string": urlencode({"course": course_uuid}) if course_uuid else "",
        },
    )


def _question_html(shown: display.Display) -> str:
    """The question's text as HTML: rich formats sanitised, plain text and Markdown escaped."""
    if shown.text_format in ("html", "moodle"):
        return mark_safe(sanitize_html(shown.text))  # sanitised just now
    return linebreaks_filter(escape(shown.text), autoescape=False)


@login_required
@require_http_methods(["GET", "POST"])
def essay_grade_view(request: HttpRequest, question_attempt_id: int) -> HttpResponse:
    question = get_object_or_404(
        QuestionAttempt.objects.select_related("attempt__quiz__course", "attempt__user", "version"),
        pk=question_attempt_id,
        attempt__state=Attempt.State.FINISHED,
    )
    attempt = question.attempt
    if not course_selectors.user_can_manage_course(request.user, attempt.quiz.course):
        raise PermissionDenied
    if question.data["kind"] != "essay":
        raise Http404
    course_uuid = _course_filter(request)
    initial = {"mark": question.mark, "comment": question.comment} if question.graded_at else None
    form = EssayGradeForm(
        request.POST if request.method == "POST" else None, initial=initial, max_mark=question.max_mark
    )
    if request.method == "POST" and form.is_valid():
        try:
            essay_grade(
                question=question,
                by=request.user,
                mark=form.cleaned_data["mark"],
                comment=form.cleaned_data["comment"],
            )
        except ValueError as error:
            form.add_error("mark", str(error))
        else:
            messages.success(request, _("The mark has been saved."))
            following = _essay_queue(request, course_uuid).exclude(pk=question.pk).first()
            query = f"?{urlencode({'course': course_uuid})}" if course_uuid else ""
            if following is None:
                messages.success(request, _("All essays are graded."))
                return redirect(reverse("quizzes:essay-queue") + query)
            return redirect(reverse("quizzes:essay-grade", kwargs={"question_attempt_id": following.pk}) + query)
    language = translation.get_language()
    shown = display.display(question.data, [], language)
    return render(
        request,
        "quizzes/manage/essay_grade.html",
        {
            "question": question,
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "question_html": _question_html(shown),
            "essay": display.response_text(question.data, question.response, language),
            "form": form,
            "course_uuid": str(course_uuid) if course_uuid else "",
            "waiting": _essay_queue(request, course_uuid).exclude(pk=question.pk).count(),
        },
    )


# The gradebook --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def gradebook_view(request: HttpRequest, course_uuid: uuid.UUID) -> HttpResponse:
    course = get_object_or_404(Course, uuid=course_uuid)
    search = request.GET.get("q", "").strip()[:200]
    quizzes, enrollments = gradebook(course=course, user=request.user, search=search)
    if request.GET.get("format") == "csv":
        return _gradebook_csv(course, quizzes, enrollments)
    page_obj = Paginator(enrollments, GRADEBOOK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quizzes/manage/gradebook.html",
        {
            "course": course,
            "quizzes": quizzes,
            "rows": gradebook_rows(quizzes=quizzes, enrollments=list(page_obj.object_list)),
            "page_obj": page_obj,
            "search": search,
            "query_string": urlencode({"q": search}) if search else "",
        },
    )


def _gradebook_csv(course: Course, quizzes: list[Quiz], enrollments) -> StreamingHttpResponse:
    header = [_("Name"), _("Email or username"), *(quiz.localized_title for quiz in quizzes)]

    def rows():
        learners = enrollments.iterator(chunk_size=CSV_BATCH)
        while batch := list(islice(learners, CSV_BATCH)):
            for row in gradebook_rows(quizzes=quizzes, enrollments=batch):
                user = row.enrollment.user
                yield [
                    user.full_name,
                    user.login,
                    *(grade.grade if grade is not None and grade.grade is not None else "" for grade in row.grades),
                ]

    response = StreamingHttpResponse(iter_csv(header, rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"gradebook-{course.uuid}.csv")
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("learning/manage/<uuid:course_uuid>/quizzes/", quiz_list, name="quiz-list"),
    path("learning/manage/<uuid:course_uuid>/quizzes/new/", quiz_create_view, name="quiz-create"),
    path("learning/manage/<uuid:course_uuid>/gradebook/", gradebook_view, name="gradebook"),
    path("learning/manage/quizzes/<uuid:quiz_uuid>/settings/", quiz_edit, name="quiz-edit"),
    path("learning/manage/quizzes/<uuid:quiz_uuid>/questions/", quiz_questions, name="quiz-questions"),
    path("learning/manage/quizzes/<uuid:quiz_uuid>/questions/marks/", slot_marks, name="quiz-slot-marks"),
    path("learning/manage/quizzes/<uuid:quiz_uuid>/questions/add/", slot_add, name="quiz-slot-add"),
    path(
        "learning/manage/quizzes/<uuid:quiz_uuid>/questions/add-random/",
        slot_add_random_view,
        name="quiz-slot-add-random",
    ),
    path(
        "learning/manage/quizzes/<uuid:quiz_uuid>/questions/<int:slot_id>/move/",
        slot_move_view,
        name="quiz-slot-move",
    ),
    path(
        "learning/manage/quizzes/<uuid:quiz_uuid>/questions/<int:slot_id>/remove/",
        slot_remove_view,
        name="quiz-slot-remove",
    ),
    path("learning/manage/quizzes/<uuid:quiz_uuid>/attempts/", quiz_attempts, name="quiz-attempts"),
    path("learning/manage/quizzes/<uuid:quiz_uuid>/regrade/", quiz_regrade_view, name="quiz-regrade"),
    path("learning/manage/essays/", essay_queue, name="essay-queue"),
    path("learning/manage/essays/<int:question_attempt_id>/", essay_grade_view, name="essay-grade"),
]
