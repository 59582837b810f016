"""Library pages for tests: published the way an editor publishes them (a revision, then publish)."""

from __future__ import annotations

import itertools

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale

from cms.models import ResourceIndexPage, ResourcePage
from cms.models.library import Licence, ResourceType, join_language_codes
from lms.competencies.models import Competency

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
_numbers = itertools.count(1)


def library_index(language: str = "en") -> ResourceIndexPage:
    return ResourceIndexPage.objects.get(locale__language_code=language)


def cell(aspect: int, level: int) -> Competency:
    return Competency.objects.get(aspect=aspect, level=level)


def document(name: str = "plan.pdf", content: bytes = PDF_BYTES, title: str = "A document"):
    doc = get_document_model()(
        title=title, file=ContentFile(content, name=name), collection=Collection.get_first_root_node()
    )
    doc._set_document_file_metadata()
    doc.save()
    return doc


def resource_page(
    *,
    index: ResourceIndexPage | None = None,
    title: str | None = None,
    languages: list[str] = ("en",),
    tags: list[Competency] = (),
    publish: bool = True,
    **fields,
) -> ResourcePage:
    number = next(_numbers)
    values = {
        "summary": f"Summary of resource {number}.",
        "resource_type": ResourceType.DOCUMENT,
        "licence": Licence.CC_BY,
        "attribution": "Example Teachers' Network",
        "link": "" if fields.get("document") else f"https://oer.example.org/{number}/",
        **fields,
    }
    page = ResourcePage(
        title=title or f"Resource {number}", languages=join_language_codes(languages), live=publish, **values
    )
    page.ict_cft_tags = list(tags)
    (index or library_index()).add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page


def translate(page: ResourcePage, language: str, *, title: str, summary: str = "", **fields) -> ResourcePage:
    translated = page.copy_for_translation(Locale.objects.get(language_code=language))
    translated.title = title
    translated.summary = summary or title
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    return translated
