"""Changes to the public site's content that come from outside the Wagtail admin."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import Collection

from cms.models import CoursePage, ResourceIndexPage, ResourcePage
from cms.models.library import join_language_codes
from cms.setup import SUBMISSIONS_COLLECTION
from lms.courses import services as course_services
from lms.courses.selectors import user_can_manage_course


def submissions_collection() -> Collection:
    """Where submitted files wait for moderation (downloadable by moderators and editors only)."""
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=SUBMISSIONS_COLLECTION).first() or root


def resource_files_publish(page: ResourcePage) -> None:
    """Once a submitted resource is approved and published, its file becomes public like any other."""
    document = page.document
    if document is not None and document.collection.name == SUBMISSIONS_COLLECTION and document.collection.depth == 2:
        document.collection = Collection.get_first_root_node()
        document.save(update_fields=["collection"])


def resource_submit(
    index: ResourceIndexPage,
    *,
    user,
    title: str,
    summary: str,
    resource_type: str,
    licence: str,
    attribution: str,
    languages: list[str],
    link: str = "",
    file: File | None = None,
) -> ResourcePage:
    """A teacher's resource, as a draft under ``index`` submitted to the library's moderation workflow.

    Nothing is published: a moderator approves it (and it goes live) or asks for changes. Raises
    ``ValidationError`` when the resource is invalid or when no moderation workflow covers the library,
    in which case nothing is created."""
    workflow = index.get_workflow()
    if workflow is None:
        raise ValidationError(_("The library does not accept submissions at the moment. Please try again later."))
    with transaction.atomic():
        document = None
        if file is not None:
            document = get_document_model()(
                title=title, file=file, uploaded_by_user=user, collection=submissions_collection()
            )
            document._set_document_file_metadata()
            document.save()
        page = ResourcePage(
            title=title,
            slug=find_available_slug(index, slugify(title, allow_unicode=True)[:60].strip("-") or "resource"),
            summary=summary,
            resource_type=resource_type,
            licence=licence,
            attribution=attribution,
            languages=join_language_codes(languages),
            link=link,
            document=document,
            owner=user,
            locale_id=index.locale_id,
            live=False,
        )
        index.add_child(instance=page)
        log(instance=page, action="wagtail.create", user=user, content_changed=True)
        page.save_revision(user=user, log_action=False)
        workflow.start(page, user)
    return page


def course_page_copy(*, by, page: CoursePage, title: str) -> CoursePage:
    """Start a new course from an existing one: a draft copy of the course page and its modules and lessons
    (source language only), attached to a new lms Course with the same settings and ``by`` as its trainer."""
    if not user_can_manage_course(by, page.course):
        raise PermissionDenied(_("Only the course's trainers can copy it."))
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the new course a title."))
    with transaction.atomic():
        course = course_services.course_copy(page.course, title=title, trainer=by)
        parent = page.get_parent()
        copy = page.copy(
            recursive=True,
            to=parent,
            update_attrs={
                "title": title,
                "draft_title": title,
                "slug": find_available_slug(parent, slugify(title, allow_unicode=True) or "course"),
                "course": course,
            },
            keep_live=False,
            user=by,
            log_action="wagtail.copy",
        )
    return copy
