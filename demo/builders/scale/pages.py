"""Wagtail pages in bulk: thousands of live pages appended under existing pages as treebeard would place them
(path, depth, numchild, url_path), in a few statements instead of about 30 queries per page.

``Page.add_child`` took 33 ms and 29 queries per page on PostgreSQL (treebeard's path bookkeeping, ``full_clean``,
the search and reference index updates run by Wagtail's task backend): 6 minutes for the 11,000 pages of a full-size
run. Here the base ``wagtailcore_page`` rows go in by ``bulk_create`` and each page type's own rows by one multi-row
insert per batch. What is skipped: revisions (a page without one is edited in the admin like any other; the first
save makes one), Wagtail's search index (the catalogue and the library search their own folded ``search_text``
columns; ``manage.py update_index`` fills Wagtail's index for the admin's search) and the reference index.

Pages made here have a ``translation_key`` among seed_scale's UUIDs (``common.UUID_PREFIX``), so that ``pages_delete``
finds them, and so do their translations: one key per page in every language, as wagtail-localize links them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.db.models.signals import post_delete, pre_delete
from wagtail.models import Page

from .bulk import inherited_insert
from .common import UUID_FIRST, UUID_LAST

STEP = 4  # treebeard's characters per level
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DELETE_CHUNK = 200


@dataclass
class Node:
    """A page to create (an unsaved instance of a page model, with its ``locale_id``, ``translation_key``, ``title``
    and ``slug`` set) and the pages to create under it."""

    page: Page
    children: list[Node] = field(default_factory=list)


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
        if not number:
            break
    if len(digits) > STEP:
        raise ValueError("More than 36**4 children under one page")
    return digits.rjust(STEP, "0")


def pages_create(parent: Page, nodes: list[Node]) -> int:
    """Create ``nodes`` (and everything under them) as the last children of ``parent``, live; returns how many pages.
    Every page must have ``first_published_at`` set, or it gets the parent's."""
    last = Page.objects.filter(depth=parent.depth + 1, path__startswith=parent.path).order_by("-path").first()
    start = int(last.path[-STEP:], 36) + 1 if last else 1
    pages: list[Page] = []

    def place(node: Node, path: str, depth: int, url_path: str) -> None:
        page = node.page
        page.path, page.depth, page.numchild = path, depth, len(node.children)
        page.url_path = f"{url_path}{page.slug}/"
        page.draft_title = page.title
        page.live, page.has_unpublished_changes = True, False
        page.first_published_at = page.first_published_at or parent.first_published_at
        page.last_published_at = page.last_published_at or page.first_published_at
        page.content_type_id = ContentType.objects.get_for_model(type(page)).pk
        pages.append(page)
        for number, child in enumerate(node.children, start=1):
            place(child, path + _base36(number), depth + 1, page.url_path)

    slugs = set(Page.objects.child_of(parent).values_list("slug", flat=True))
    for offset, node in enumerate(nodes):
        slug, number = node.page.slug, 1
        while node.page.slug in slugs:  # as wagtail's find_available_slug
            number += 1
            node.page.slug = f"{slug}-{number}"
        slugs.add(node.page.slug)
        place(node, parent.path + _base36(start + offset), parent.depth + 1, parent.url_path)
    inherited_insert(Page, pages)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(nodes))
    _page_cache_invalidate()
    return len(pages)


def _page_cache_invalidate() -> None:
    """Pages made or deleted here send no signal: empty the anonymous page cache as its receivers would (after the
    commit), where there is one (``core.page_cache``)."""
    try:
        from core.page_cache import invalidate_on_commit
    except ImportError:
        return
    invalidate_on_commit()


def scale_pages():
    return Page.objects.filter(translation_key__range=(UUID_FIRST, UUID_LAST))


def pages_delete() -> int:
    """Delete every page seed_scale made, with whatever is under them, through treebeard (which fixes the parents'
    ``numchild``) and Django's collector (the specific rows, revisions, workflow states, permissions), the top-most
    ones only, in chunks.

    Wagtail's and wagtail-localize's deletion receivers run once per page (unpublish, translation clean-up, reference
    index): 93 ms a page, 40 s for 748 pages. They are muted meanwhile and what they would remove is removed here in
    bulk: search and reference index entries and wagtail-localize's records of these pages' translation keys. No
    outline receiver is needed either: the courses these pages belong to are deleted next, with their outlines."""
    from wagtail.models import ReferenceIndex
    from wagtail.search.models import IndexEntry
    from wagtail_localize.models import TranslatableObject

    paths = dict(scale_pages().values_list("path", "pk"))
    tops = [
        pk
        for path, pk in sorted(paths.items())
        if not any(path[:length] in paths for length in range(STEP, len(path), STEP))
    ]
    deleted = 0
    for start in range(0, len(tops), DELETE_CHUNK):
        chunk = tops[start : start + DELETE_CHUNK]
        subtree = Q()
        for path in Page.objects.filter(pk__in=chunk).values_list("path", flat=True):
            subtree |= Q(path__startswith=path)
        pages = list(Page.objects.filter(subtree).values_list("pk", "content_type_id", "translation_key"))
        ids = [str(pk) for pk, _type, _key in pages]
        types = {content_type for _pk, content_type, _key in pages} | {ContentType.objects.get_for_model(Page).pk}
        IndexEntry.objects.filter(content_type__in=types, object_id__in=ids).delete()
        ReferenceIndex.objects.filter(base_content_type__in=types, object_id__in=ids).delete()
        ReferenceIndex.objects.filter(to_content_type__in=types, to_object_id__in=ids).delete()
        TranslatableObject.objects.filter(translation_key__in={key for _pk, _type, key in pages}).delete()
        with _deletion_signals_muted():
            deleted += Page.objects.filter(pk__in=chunk).delete()[1].get("wagtailcore.Page", 0)
    _page_cache_invalidate()
    return deleted


@contextmanager
def _deletion_signals_muted() -> Iterator[None]:
    saved = []
    for signal in (pre_delete, post_delete):
        with signal.lock:
            saved.append((signal, signal.receivers))
            signal.receivers = []
            signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in saved:
            with signal.lock:
                signal.receivers = receivers
                signal.sender_receivers_cache.clear()
