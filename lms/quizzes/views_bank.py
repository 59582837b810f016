"""The trainers' question bank: the category tree, a category's questions, a question written or changed in
GIFT, import with a preview, export, and the translations of a question.

An import goes upload → preview → confirm, as bulk enrollment does (``lms/courses/views_bulk.py``, decision
0004): nothing is written before the confirmation. The upload is checked by a dry run of the import; the
file waits for the confirmation in the default storage under a random name that never leaves the server,
and the trainer's session maps the preview's token (another random value, the one in the address) to it. A
token from someone else's session is unknown here: 404. The file, not the session, holds the bytes (up to
5 MB), so that the session stays small on every request; the confirmation imports the file again, all or
nothing, and deletes it.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections import Counter
from datetime import timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .formats import ExportError, FormatError
from .formats import Question as FileQuestion
from .formats.model import default_question_name
from .forms_bank import CategoryForm, ImportForm, QuestionGiftForm, TextsForm
from .models import QUESTION_CLASSES, Question, QuestionCategory
from .selectors.bank import (
    CategoryNode,
    category_get,
    category_tree,
    question_can_edit,
    question_get,
    question_list_for_category,
    question_translatable_texts,
    quiz_list_with_attempts_of,
    user_can_use_bank,
)
from .services.bank import (
    QuestionChangedError,
    QuestionError,
    bank_export_file,
    bank_import_upload,
    bank_parse,
    category_create,
    question_gift,
    question_save_from_gift,
    question_texts_set,
)

SESSION_KEY = "quizzes.bank_import"
MAX_DRAFTS = 3
DRAFT_LIFETIME = 24 * 3600  # seconds
DRAFT_DIRECTORY = "bank-imports"
PAGE_SIZE = 50
PREVIEW_PAGE_SIZE = 100


def _require_bank_user(request: HttpRequest) -> None:
    if not user_can_use_bank(request.user):
        raise PermissionDenied


def _category_or_404(category_id: int) -> QuestionCategory:
    try:
        return category_get(category_id)
    except QuestionCategory.DoesNotExist:
        raise Http404 from None


def _question_or_404(question_id: int) -> Question:
    try:
        return question_get(question_id)
    except Question.DoesNotExist:
        raise Http404 from None


# The tree and a category ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bank_list(request: HttpRequest) -> HttpResponse:
    """Every category, indented, with its number of questions; and a form to add one."""
    _require_bank_user(request)
    tree = category_tree()
    if request.method == "POST":
        form = CategoryForm(request.POST, tree=tree)
        if form.is_valid():
            try:
                category = category_create(
                    user=request.user, name=form.cleaned_data["name"], parent=form.cleaned_data["parent"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The category “%(name)s” has been added.") % {"name": category.name})
                return redirect("quizzes:bank-category", category_id=category.pk)
    else:
        form = CategoryForm(tree=tree)
    return render(request, "quizzes/bank/bank_list.html", {"tree": _nested(tree), "form": form})


def _nested(tree: list[CategoryNode]) -> list[dict[str, Any]]:
    """The tree as the template writes it, nested lists from a flat list: whether a node opens a list of
    children before it, has children after it, and how many lists close after it."""
    rows = []
    for index, node in enumerate(tree):
        previous = tree[index - 1].depth if index else 0
        following = tree[index + 1].depth if index + 1 < len(tree) else 0
        rows.append(
            {
                "node": node,
                "opens": node.depth > previous,
                "has_children": following > node.depth,
                "closes": range(max(0, node.depth - following)),
            }
        )
    return rows


@login_required
@require_GET
def bank_category(request: HttpRequest, category_id: int) -> HttpResponse:
    """The questions of one category, 50 a page, with a search in their names and texts and a filter by tag."""
    _require_bank_user(request)
    category = _category_or_404(category_id)
    search = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "").strip()[:200]
    page_obj = Paginator(question_list_for_category(category, search=search, tag=tag), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "question": question,
            "kind": _kind_label(question.kind),
            "can_edit": question_can_edit(request.user, question),
            "translated": [code for code in question.texts if code != question.source_language],
        }
        for question in page_obj.object_list
    ]
    return render(
        request,
        "quizzes/bank/bank_category.html",
        {
            "category": category,
            "ancestors": _ancestors(category),
            "page_obj": page_obj,
            "rows": rows,
            "search": search,
            "tag": tag,
            "query_string": urlencode({name: value for name, value in (("q", search), ("tag", tag)) if value}),
            "languages": settings.LANGUAGES,
        },
    )


def _kind_label(kind: str) -> str:
    cls = QUESTION_CLASSES.get(str(kind))
    return capfirst(cls._meta.verbose_name) if cls else str(kind)


def _ancestors(category: QuestionCategory) -> list[QuestionCategory]:
    """The categories above ``category``, top first (``category_get`` has loaded them)."""
    ancestors = []
    node = category.parent
    while node is not None:
        ancestors.append(node)
        node = node.parent
    return ancestors[::-1]


# Writing and changing a question in GIFT ------------------------------------------------------------------------


def _gift_errors(form: QuestionGiftForm, error: FormatError | QuestionError) -> None:
    """A problem with the text, next to the text field: each error of a ``FormatError`` with its line."""
    form.add_error("text", error.messages if isinstance(error, FormatError) else str(error))


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, category_id: int) -> HttpResponse:
    """A new question in this category, written in GIFT."""
    _require_bank_user(request)
    category = _category_or_404(category_id)
    if request.method == "POST":
        form = QuestionGiftForm(request.POST)
        if form.is_valid():
            try:
                question = question_save_from_gift(
                    category=category, user=request.user, text=form.cleaned_data["text"], tags=form.cleaned_data["tags"]
                )
            except (FormatError, QuestionError) as error:
                _gift_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The question “%(name)s” has been added to “%(category)s”.")
                    % {"name": question.name, "category": category.name},
                )
                return redirect("quizzes:bank-category", category_id=category.pk)
    else:
        form = QuestionGiftForm()
    return render(
        request,
        "quizzes/bank/question_form.html",
        {"form": form, "category": category, "ancestors": _ancestors(category), "question": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    """Change a question through its GIFT text. Saving makes a new version; attempts keep the one they used,
    and the quizzes whose attempts used this question are listed with their attempts page, where a trainer
    regrades. A question GIFT cannot carry (ordering) gets a page that says so instead of the form."""
    _require_bank_user(request)
    question = _question_or_404(question_id)
    if not question_can_edit(request.user, question):
        raise PermissionDenied
    category = _category_or_404(question.category_id)  # with its ancestors, for the trail
    context: dict[str, Any] = {
        "question": question,
        "kind": _kind_label(question.kind),
        "category": category,
        "ancestors": _ancestors(category),
        "quizzes": quiz_list_with_attempts_of(question, user=request.user),
        "languages": [(code, name) for code, name in settings.LANGUAGES if code != question.source_language],
    }
    try:
        current_text = question_gift(question)
    except QuestionError as error:
        return render(request, "quizzes/bank/question_ordering.html", {**context, "reason": str(error)})
    if request.method == "POST":
        form = QuestionGiftForm(request.POST, editing=True)
        if form.is_valid():
            try:
                saved = question_save_from_gift(
                    category=category,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    tags=form.cleaned_data["tags"],
                    question=question,
                    expected_version=form.cleaned_data["version"],
                )
            except QuestionChangedError as error:
                form.add_error(None, str(error))
                form.version_set(error.question.version)
                context["question"] = error.question
                with contextlib.suppress(QuestionError):  # changed elsewhere into something GIFT cannot say
                    context["current_text"] = question_gift(error.question)
            except (FormatError, QuestionError) as error:
                _gift_errors(form, error)
            else:
                if saved.version == question.version:
                    messages.info(
                        request,
                        _("Nothing has changed: the question stays at version %(version)s.")
                        % {"version": saved.version},
                    )
                elif context["quizzes"]:
                    messages.success(
                        request,
                        _(
                            "“%(name)s” has been saved as version %(version)s. Attempts already made keep the "
                            "version they used. To mark them again with this version, choose “Regrade all "
                            "attempts” on the attempts page of each quiz listed under “Past attempts”."
                        )
                        % {"name": saved.name, "version": saved.version},
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "“%(name)s” has been saved as version %(version)s. Attempts already made keep the "
                            "version they used (none in your courses has used this question so far)."
                        )
                        % {"name": saved.name, "version": saved.version},
                    )
                return redirect("quizzes:question-edit", question_id=saved.pk)
    else:
        form = QuestionGiftForm(
            editing=True,
            initial={"text": current_text, "tags": ", ".join(question.tags), "version": question.version},
        )
    return render(request, "quizzes/bank/question_form.html", {**context, "form": form})


# Export ---------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def bank_export(request: HttpRequest, category_id: int) -> HttpResponse:
    """The category, its subcategories and their questions as a GIFT or Moodle XML file."""
    _require_bank_user(request)
    category = _category_or_404(category_id)
    try:
        exported = bank_export_file(category, user=request.user, format=request.GET.get("format", "gift"))
    except QuestionError:
        raise Http404 from None
    except ExportError as error:
        messages.error(request, _("This category cannot be exported in this format: %(reason)s") % {"reason": error})
        return redirect("quizzes:bank-category", category_id=category.pk)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    response["Cache-Control"] = "no-store"
    return response


# Import: upload, preview, confirm -------------------------------------------------------------------------------


def _draft_file_delete(name: str) -> None:
    with contextlib.suppress(OSError):  # gone already, or the sweep takes it later
        default_storage.delete(name)


def _draft_files_sweep() -> None:
    """Delete the waiting files older than a draft lives, whoever left them (a preview nobody confirmed)."""
    try:
        _directories, names = default_storage.listdir(DRAFT_DIRECTORY)
    except (OSError, NotImplementedError):
        return
    too_old = timezone.now() - timedelta(seconds=DRAFT_LIFETIME)
    for name in names:
        full_name = f"{DRAFT_DIRECTORY}/{name}"
        try:
            if default_storage.get_modified_time(full_name) < too_old:
                default_storage.delete(full_name)
        except (OSError, NotImplementedError):
            continue


def _draft_save(request: HttpRequest, data: bytes, *, form: ImportForm, report: Any) -> str:
    """Keep the uploaded file until the trainer confirms; returns the preview's token. At most three drafts a
    session, for a day."""
    drafts: dict[str, Any] = request.session.get(SESSION_KEY, {})
    now = time.time()
    for token in sorted(drafts, key=lambda token: drafts[token].get("created", 0)):
        if now - drafts[token].get("created", 0) > DRAFT_LIFETIME or len(drafts) >= MAX_DRAFTS:
            _draft_file_delete(drafts.pop(token)["file"])
    _draft_files_sweep()
    upload = form.cleaned_data["file"]
    extension = PurePath(upload.name or "").suffix.lower()
    name = default_storage.save(f"{DRAFT_DIRECTORY}/{secrets.token_urlsafe(24)}{extension}", ContentFile(data))
    token = secrets.token_urlsafe(16)
    drafts[token] = {
        "user": request.user.pk,
        "created": now,
        "file": name,
        "filename": (upload.name or "")[:200],
        "format": form.cleaned_data["format"],
        "path": list(form.target_path),
        "categories_created": report.categories_created,
        "questions_created": report.questions_created,
        "kinds": dict(report.kinds),
    }
    request.session[SESSION_KEY] = drafts
    return token


def _draft(request: HttpRequest, token: str) -> dict[str, Any]:
    """The trainer's draft under ``token``: 404 if it is not hers (another session's token is unknown here);
    empty ("expired") if it is too old or its file has gone."""
    draft = request.session.get(SESSION_KEY, {}).get(token)
    if draft is None or draft.get("user") != request.user.pk:
        raise Http404
    if time.time() - draft.get("created", 0) > DRAFT_LIFETIME or not default_storage.exists(draft["file"]):
        return {}
    return draft


def _draft_read(draft: dict[str, Any]) -> bytes:
    with default_storage.open(draft["file"], "rb") as file:
        return file.read()


def _draft_delete(request: HttpRequest, token: str) -> None:
    drafts = request.session.get(SESSION_KEY, {})
    draft = drafts.pop(token, None)
    if draft is not None:
        _draft_file_delete(draft["file"])
        request.session[SESSION_KEY] = drafts


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("This preview has expired. Upload the file again."))
    return redirect("quizzes:bank-import")


@login_required
@require_http_methods(["GET", "POST"])
def bank_import(request: HttpRequest) -> HttpResponse:
    """Upload a file; it is checked by a dry run, which writes nothing, before the preview."""
    _require_bank_user(request)
    tree = category_tree()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, tree=tree)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            upload.seek(0)
            data = upload.read()
            try:
                _category, report = bank_import_upload(
                    data,
                    user=request.user,
                    format=form.cleaned_data["format"],
                    category_path=form.target_path,
                    dry_run=True,
                )
            except FormatError as error:
                form.add_error("file", error.messages)
            except QuestionError as error:
                form.add_error("category_path", str(error))
            else:
                if not report.questions_created:
                    form.add_error("file", _("There is no question in this file."))
                else:
                    token = _draft_save(request, data, form=form, report=report)
                    return redirect("quizzes:bank-import-preview", token=token)
    else:
        initial = {}
        if request.GET.get("category", "").isdigit():
            initial["category"] = request.GET["category"]
        form = ImportForm(tree=tree, initial=initial)
    return render(request, "quizzes/bank/bank_import.html", {"form": form})


@login_required
@require_GET
def bank_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """What the import would create: counts, then every question with its type and category."""
    _require_bank_user(request)
    draft = _draft(request, token)
    if not draft:
        return _expired(request)
    try:
        items = bank_parse(_draft_read(draft), draft["format"])
    except (FormatError, QuestionError, OSError):
        return _expired(request)  # it was read at the upload: the file has changed or gone
    base = tuple(draft["path"])
    questions = [
        {
            "name": item.name or default_question_name(item.text),
            "kind": _kind_label(item.kind),
            "path": "/".join((*base, *item.category_path)),
            "line": item.line,
        }
        for item in items
        if isinstance(item, FileQuestion)
    ]
    kinds = sorted((_kind_label(kind), count) for kind, count in Counter(draft["kinds"]).items())
    return render(
        request,
        "quizzes/bank/bank_import_preview.html",
        {
            "token": token,
            "draft": draft,
            "target": "/".join(base),
            "kinds": kinds,
            "page_obj": Paginator(questions, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
def bank_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Import the file for real, all or nothing, and go to the category it went into."""
    _require_bank_user(request)
    draft = _draft(request, token)
    if not draft:
        return _expired(request)
    # A second click while the first import runs must not import the file twice (best effort: the session
    # is not locked; with Redis this holds across processes).
    lock = f"{SESSION_KEY}:{token}"
    if not cache.add(lock, True, timeout=600):
        messages.error(request, _("This file is being imported already."))
        return redirect("quizzes:bank-list")
    try:
        category, report = bank_import_upload(
            _draft_read(draft), user=request.user, format=draft["format"], category_path=draft["path"]
        )
    except FormatError as error:
        # The bank has changed since the preview in a way that stops the import; nothing was written.
        cache.delete(lock)
        messages.error(request, _("Nothing was imported: %(errors)s") % {"errors": " ".join(error.messages)})
        return redirect("quizzes:bank-import-preview", token=token)
    except (QuestionError, OSError):
        cache.delete(lock)
        return _expired(request)
    _draft_delete(request, token)  # the lock stays until it times out: this token is spent
    count = report.questions_created
    messages.success(
        request,
        ngettext(
            "%(count)s question has been imported into “%(category)s”.",
            "%(count)s questions have been imported into “%(category)s”.",
            count,
        )
        % {"count": count, "category": category.name},
    )
    return redirect("quizzes:bank-category", category_id=category.pk)


# Translations ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question_texts(request: HttpRequest, question_id: int, language: str) -> HttpResponse:
    """The texts of a question in another language, each next to its source."""
    _require_bank_user(request)
    try:
        question = question_get(question_id)
    except Question.DoesNotExist:
        raise Http404 from None
    if language not in dict(settings.LANGUAGES) or language == question.source_language:
        raise Http404
    if not question_can_edit(request.user, question):
        raise PermissionDenied
    texts = question_translatable_texts(question)
    data = request.POST if request.method == "POST" else None
    form = TextsForm(data, question=question, language=language, texts=texts)
    language_info = translation.get_language_info(language)
    if request.method == "POST" and form.is_valid():
        try:
            question = question_texts_set(
                question,
                user=request.user,
                language=language,
                values=form.values(),
                version=form.cleaned_data["version"],
            )
        except QuestionError as error:
            form.add_error(None, str(error))
            # Saving again is a choice made knowing of the newer version: let it replace that one.
            question.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = str(question.version)
        else:
            messages.success(
                request,
                _("The %(language)s texts of “%(name)s” have been saved (version %(version)s).")
                % {"language": language_info["name_translated"], "name": question.name, "version": question.version},
            )
            return redirect("quizzes:bank-category", category_id=question.category_id)
    return render(
        request,
        "quizzes/bank/question_texts.html",
        {
            "question": question,
            "form": form,
            "language": language,
            "language_info": language_info,
            "other_languages": [
                (code, name) for code, name in settings.LANGUAGES if code not in (language, question.source_language)
            ],
        },
    )


urlpatterns = [
    path("learning/bank/", bank_list, name="bank-list"),
    path("learning/bank/categories/<int:category_id>/", bank_category, name="bank-category"),
    path("learning/bank/categories/<int:category_id>/export/", bank_export, name="bank-export"),
    path("learning/bank/categories/<int:category_id>/new/", question_new, name="question-create"),
    path("learning/bank/questions/<int:question_id>/edit/", question_edit, name="question-edit"),
    path("learning/bank/import/", bank_import, name="bank-import"),
    path("learning/bank/import/<slug:token>/", bank_import_preview, name="bank-import-preview"),
    path("learning/bank/import/<slug:token>/confirm/", bank_import_confirm, name="bank-import-confirm"),
    path("learning/bank/questions/<int:question_id>/texts/<str:language>/", question_texts, name="question-texts"),
]
