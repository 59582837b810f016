"""The OER library at /<lang>/library/: listing, search, facets with counts, pagination, the resource page,
the resource model's rules, and the demo library."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import PageViewRestriction, Revision

from cms.library import PAGE_SIZE
from cms.models import ResourcePage
from cms.models.library import Licence, ResourceType
from lms.courses.models import Subject
from tests.factories.library import PDF_BYTES, cell, document, library_index, resource_page, translate

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    """The titles of the resource cards, in order."""
    return [item["page"].title for item in response.context["items"]]


def counts(response) -> dict[str, dict[str, int]]:
    return {
        facet.name: {option.value: option.count for option in facet.options} for facet in response.context["facets"]
    }


@pytest.fixture
def subjects():
    maths, _ = Subject.objects.get_or_create(slug="mathematics", defaults={"names": {"en": "Mathematics"}})
    science, _ = Subject.objects.get_or_create(slug="science", defaults={"names": {"en": "Science"}})
    return maths, science


@pytest.fixture
def catalogue(subjects):
    """Four resources that differ in every facet."""
    maths, science = subjects
    return {
        "video": resource_page(
            title="Fractions video",
            resource_type=ResourceType.VIDEO,
            licence=Licence.CC_BY,
            languages=["en", "ar"],
            level=1,
            subject=maths,
            tags=[cell(3, 1)],
        ),
        "plan": resource_page(
            title="Photosynthesis plan",
            resource_type=ResourceType.LESSON_PLAN,
            licence=Licence.CC_BY_SA,
            languages=["en"],
            level=2,
            subject=science,
            tags=[cell(3, 2), cell(5, 2)],
        ),
        "tool": resource_page(
            title="Graphing tool",
            resource_type=ResourceType.TOOL,
            licence=Licence.CC0,
            languages=["ru"],
            level=2,
            subject=maths,
            tags=[cell(4, 2)],
        ),
        "simulation": resource_page(
            title="Pendulum simulation",
            resource_type=ResourceType.SIMULATION,
            licence=Licence.PUBLIC_DOMAIN,
            languages=["en", "ru", "ar"],
            tags=[],
        ),
    }


# The page in every language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "direction"),
    [("en", "Library", "ltr"), ("ru", "Библиотека", "ltr"), ("ar", "المكتبة", "rtl")],
)
def test_the_library_page_exists_in_every_language(client, language, title, direction):
    response = client.get(f"/{language}/library/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f"<h1>{title}</h1>" in html
    assert 'class="library-empty"' in html  # empty state
    assert f'href="/{language}/library/submit/"' in html
    assert f'<a href="/{language}/library/">' in html  # main navigation


def test_every_card_shows_type_licence_and_languages(client, catalogue):
    html = client.get("/en/library/").content.decode()
    cards = re.findall(r'<li class="card resource-card">.*?</li>\n', html, flags=re.S)
    assert len(cards) == 4
    video = next(card for card in cards if "Fractions video" in card)
    assert "<dd>Video</dd>" in video
    assert "<dd>CC BY 4.0</dd>" in video
    assert '<span lang="en">English</span>, <span lang="ar">العربية</span>' in video
    assert "Mathematics" in video
    assert 'dir="auto"' in video
    for card in cards:
        assert "<dt>Type</dt>" in card and "<dt>Licence</dt>" in card and "<dt>Languages</dt>" in card


def test_each_resource_is_listed_once_in_the_visitors_language_where_translated(client):
    source = resource_page(title="Classroom routines", languages=["en", "ru"])
    translate(source, "ru", title="Правила в классе", summary="Как договориться с классом.")
    english_only = resource_page(title="Only in English")

    russian = client.get("/ru/library/")
    assert sorted(titles(russian)) == ["Only in English", "Правила в классе"]
    cards = re.findall(r'<li class="card resource-card">.*?</li>\n', russian.content.decode(), flags=re.S)
    with translation.override("ru"):
        badge = translation.gettext("Description not yet in your language")
    assert [badge in card for card in cards] == ["Only in English" in card for card in cards]
    assert sorted(titles(client.get("/en/library/"))) == ["Classroom routines", "Only in English"]
    arabic = client.get("/ar/library/")
    assert sorted(titles(arabic)) == ["Classroom routines", "Only in English"]  # falls back to the source
    assert arabic.context["result_count"] == 2
    assert english_only.url in arabic.content.decode()


def test_drafts_and_private_resources_are_not_listed(client):
    resource_page(title="Draft resource", publish=False)
    private = resource_page(title="Private resource")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    resource_page(title="Public resource")
    assert titles(client.get("/en/library/")) == ["Public resource"]


# Filters and facet counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=video", {"Fractions video"}),
        ("type=video&type=tool", {"Fractions video", "Graphing tool"}),
        ("licence=cc-by-sa-4.0", {"Photosynthesis plan"}),
        ("licence=cc0-1.0&licence=public-domain", {"Graphing tool", "Pendulum simulation"}),
        ("language=ar", {"Fractions video", "Pendulum simulation"}),
        ("language=ru&language=ar", {"Fractions video", "Graphing tool", "Pendulum simulation"}),
        ("aspect=3", {"Fractions video", "Photosynthesis plan"}),
        ("aspect=5", {"Photosynthesis plan"}),
        ("level=2", {"Photosynthesis plan", "Graphing tool"}),
        ("level=1&level=3", {"Fractions video"}),
        ("subject=mathematics", {"Fractions video", "Graphing tool"}),
        ("subject=science", {"Photosynthesis plan"}),
        ("subject=mathematics&level=2", {"Graphing tool"}),
        ("language=en&aspect=3&type=lesson_plan", {"Photosynthesis plan"}),
        ("type=video&licence=cc0-1.0", set()),
        ("type=not-a-type", {"Fractions video", "Photosynthesis plan", "Graphing tool", "Pendulum simulation"}),
        ("type=not-a-type&level=1", {"Fractions video"}),  # an invalid value drops only its own filter
    ],
)
def test_every_filter(client, catalogue, query, expected):
    response = client.get(f"/en/library/?{query}")
    assert response.status_code == 200
    assert set(titles(response)) == expected
    assert response.context["result_count"] == len(expected)


def test_facet_counts_without_filters(client, catalogue):
    assert counts(client.get("/en/library/")) == {
        "type": {"video": 1, "lesson_plan": 1, "tool": 1, "simulation": 1},
        "licence": {"cc-by-4.0": 1, "cc-by-sa-4.0": 1, "cc0-1.0": 1, "public-domain": 1},
        "language": {"en": 3, "ru": 2, "ar": 2},
        "aspect": {"3": 2, "4": 1, "5": 1},
        "level": {"1": 1, "2": 2},
        "subject": {"mathematics": 2, "science": 1},
    }


def test_facet_counts_follow_the_other_facets_and_search(client, catalogue):
    facets = counts(client.get("/en/library/?type=video&type=tool&language=ru"))
    # Its own facet counts as if it were not chosen (choosing one more type adds these); the others narrow.
    assert facets["type"] == {"video": 0, "tool": 1, "simulation": 1}  # chosen values stay listed
    assert facets["language"] == {"en": 1, "ru": 1, "ar": 1}
    assert facets["licence"] == {"cc0-1.0": 1}
    assert facets["subject"] == {"mathematics": 1}
    assert facets["level"] == {"2": 1}
    assert facets["aspect"] == {"4": 1}

    searched = counts(client.get("/en/library/?q=plan"))
    assert searched["type"] == {"lesson_plan": 1}
    assert searched["aspect"] == {"3": 1, "5": 1}


def test_facets_are_fieldsets_with_labelled_checkboxes_that_keep_the_choice(client, catalogue):
    html = client.get("/en/library/?type=video&q=fractions").content.decode()
    assert html.count('<fieldset class="facet">') == 6
    assert "<legend>Type</legend>" in html and "<legend>ICT CFT aspect</legend>" in html
    assert re.search(r'<input type="checkbox" id="(facet-type-\d+)" name="type" value="video" checked>', html)
    for input_id in re.findall(r'<input type="checkbox" id="([^"]+)"', html):
        assert f'<label for="{input_id}">' in html
    assert 'value="fractions"' in html  # the search box keeps the words


# Search ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("إدارة الفصل الدراسي", "اداره"),
        ("إدارة الفصل الدراسي", "الفصل ادارة"),
        ("ёлка в классе", "елка"),
        ("ЁЛКА", "ёлка"),
        ("Photosynthesis", "PHOTO"),
    ],
)
def test_search_folds_spelling_variants(client, title, query):
    resource_page(title=title)
    resource_page(title="Something else entirely")
    assert titles(client.get("/en/library/", {"q": query})) == [title]


def test_search_looks_at_summary_description_attribution_and_every_translation(client):
    resource_page(title="One", summary="Dynamic geometry for grade 7")
    resource_page(title="Two", body="<p>Uses a <b>spreadsheet</b></p><p>tables</p>")
    resource_page(title="Three", attribution="Giza Teacher Training Centre")
    source = resource_page(title="Four", languages=["en", "ru"])
    translate(source, "ru", title="Четыре", summary="Дроби на бумажных полосках")

    assert titles(client.get("/en/library/", {"q": "geometry"})) == ["One"]
    assert titles(client.get("/en/library/", {"q": "spreadsheet tables"})) == ["Two"]
    assert titles(client.get("/en/library/", {"q": "giza"})) == ["Three"]
    # The Russian words find the resource on the English page too, shown in English.
    assert titles(client.get("/en/library/", {"q": "дроби"})) == ["Four"]
    assert titles(client.get("/ru/library/", {"q": "four"})) == ["Четыре"]
    empty = client.get("/en/library/", {"q": "nothing-matches-this"})
    assert titles(empty) == []
    assert "No resource matches these filters" in empty.content.decode()


def test_search_text_is_kept_up_to_date_on_publish(client):
    page = resource_page(title="Old title")
    page.title = "Ёмкость"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.search_text.startswith("емкость")
    assert titles(client.get("/en/library/", {"q": "емкость"})) == ["Ёмкость"]


def test_a_draft_edit_does_not_change_what_search_finds(client):
    page = resource_page(title="Alpha resource")
    page.title = "Beta resource"
    page.save_revision()  # a draft: the live page keeps its title until published
    assert titles(client.get("/en/library/", {"q": "alpha"})) == ["Alpha resource"]
    assert titles(client.get("/en/library/", {"q": "beta"})) == []
    page.get_latest_revision().publish()
    assert titles(client.get("/en/library/", {"q": "beta"})) == ["Beta resource"]


# Pagination and queries ---------------------------------------------------------------------------------------


def test_pagination_keeps_the_filters_and_marks_the_current_page(client):
    for number in range(PAGE_SIZE + 3):
        resource_page(title=f"Video {number:02}", resource_type=ResourceType.VIDEO)
    resource_page(title="A tool", resource_type=ResourceType.TOOL)

    first = client.get("/en/library/?type=video")
    assert first.context["result_count"] == PAGE_SIZE + 3
    assert len(titles(first)) == PAGE_SIZE
    html = first.content.decode()
    assert '<a aria-current="page" href="?type=video&amp;page=1"' in html
    assert 'rel="next" href="?type=video&amp;page=2"' in html

    second = client.get("/en/library/?type=video&page=2")
    assert len(titles(second)) == 3
    assert set(titles(first)).isdisjoint(titles(second))
    assert "A tool" not in titles(first) + titles(second)
    assert '<a aria-current="page" href="?type=video&amp;page=2"' in second.content.decode()
    assert client.get("/en/library/?page=99").status_code == 200  # out of range: the last page


def _library_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/en/library/", "/ru/library/?q=resource&type=video&type=tool&aspect=3&language=en"])
def test_the_number_of_queries_does_not_grow_with_the_resources(client, subjects, url):
    maths, science = subjects

    def add(count: int) -> None:
        for number in range(count):
            page = resource_page(
                title=f"Resource {number}",
                resource_type=[ResourceType.VIDEO, ResourceType.TOOL][number % 2],
                languages=[["en"], ["en", "ru"], ["ar"]][number % 3],
                level=number % 3 + 1,
                subject=[maths, science, None][number % 3],
                tags=[cell(3, 1), cell(number % 6 + 1, 2)],
            )
            if number % 4 == 0:
                translate(page, "ru", title=f"Ресурс {number}")

    add(3)
    client.get(url)  # warm-up: site root paths, content types
    few = _library_queries(client, url)
    add(2 * PAGE_SIZE)
    client.get(url)
    many = _library_queries(client, url)
    assert many == few
    assert few <= 20


# The resource page ---------------------------------------------------------------------------------------------


def test_resource_page_shows_licence_link_attribution_download_and_tags(client, subjects):
    doc = document(name="fractions.pdf", content=PDF_BYTES * 40, title="Fractions")
    page = resource_page(
        title="Fractions with paper strips",
        document=doc,
        licence=Licence.CC_BY_NC_SA,
        attribution="Nadia Karimova, Giza Teacher Training Centre",
        languages=["en", "ar"],
        level=1,
        subject=subjects[0],
        tags=[cell(3, 1), cell(6, 1)],
        body="<p>Fold, compare, <b>name</b>.</p>",
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a rel="license" href="https://creativecommons.org/licenses/by-nc-sa/4.0/">CC BY-NC-SA 4.0</a>' in html
    assert "Creative Commons Attribution-NonCommercial-ShareAlike 4.0" in html
    assert '<bdi dir="auto">Nadia Karimova, Giza Teacher Training Centre</bdi>' in html
    assert f'href="{doc.url}" download>Download</a>' in html
    assert f"PDF file, {filesizeformat(doc.file_size)}" in html
    assert '<h1 dir="auto">Fractions with paper strips</h1>' in html
    assert '<div class="resource__body" dir="auto"><p>Fold, compare, <b>name</b>.</p></div>' in html
    assert "3.1</span> Pedagogy — Knowledge Acquisition: ICT-Enhanced Teaching" in html
    assert "6.1</span>" in html
    assert "Mathematics" in html


@pytest.mark.parametrize(
    ("licence", "deed"),
    [
        (Licence.CC_BY, "https://creativecommons.org/licenses/by/4.0/"),
        (Licence.CC_BY_SA, "https://creativecommons.org/licenses/by-sa/4.0/"),
        (Licence.CC_BY_NC, "https://creativecommons.org/licenses/by-nc/4.0/"),
        (Licence.CC_BY_NC_SA, "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
        (Licence.CC_BY_ND, "https://creativecommons.org/licenses/by-nd/4.0/"),
        (Licence.CC0, "https://creativecommons.org/publicdomain/zero/1.0/"),
        (Licence.PUBLIC_DOMAIN, "https://creativecommons.org/publicdomain/mark/1.0/"),
    ],
)
def test_every_licence_links_to_its_deed(client, licence, deed):
    page = resource_page(licence=licence)
    assert f'<a rel="license" href="{deed}">{licence.label}</a>' in client.get(page.url).content.decode()


def test_resource_with_a_link_opens_the_external_site(client):
    page = resource_page(title="Pendulum lab", link="https://sims.example.org/pendulum/")
    html = client.get(page.url).content.decode()
    assert 'href="https://sims.example.org/pendulum/" rel="noopener noreferrer nofollow">Open the resource</a>' in html
    assert "download" not in html.split('class="resource-access"')[1].split("</div>")[0]


def test_arabic_resource_page_is_right_to_left(client):
    source = resource_page(title="Fractions", languages=["en", "ar"])
    translated = translate(source, "ar", title="الكسور", summary="خطة درس للصف الرابع", attribution="شبكة المعلمين")
    response = client.get(translated.url)
    assert translated.url.startswith("/ar/library/")
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 dir="auto">الكسور</h1>' in html
    assert '<bdi dir="auto">شبكة المعلمين</bdi>' in html
    translated.refresh_from_db()
    assert list(translated.ict_cft_tags.all()) == list(source.ict_cft_tags.all())
    assert translated.languages == source.languages == ",en,ar,"


# The model's rules ---------------------------------------------------------------------------------------


TREE_FIELDS = ["path", "depth"]  # set by add_child


def _unsaved(**fields) -> ResourcePage:
    values = {
        "title": "A resource",
        "slug": "a-resource",
        "summary": "Summary",
        "resource_type": ResourceType.TOOL,
        "licence": Licence.CC_BY,
        "attribution": "Someone",
        "languages": ",en,",
        **fields,
    }
    page = ResourcePage(**values)
    page._cached_parent_obj = library_index()  # what add_child sets, for the slug check
    return page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Give a file or a link."),
        ({"link": "https://example.org/x", "with_document": True}, "Give either a file or a link, not both."),
        ({"link": "http://example.org/x"}, "Use a secure address that starts with https://."),
    ],
)
def test_a_resource_needs_exactly_one_of_file_or_secure_link(fields, message):
    if fields.pop("with_document", False):
        fields["document"] = document()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _unsaved(**fields).full_clean(exclude=TREE_FIELDS)
    assert error.value.message_dict["link"] == [message]


def test_valid_resources_with_a_file_or_a_link_pass():
    _unsaved(link="https://example.org/x").full_clean(exclude=TREE_FIELDS)
    _unsaved(document=document()).full_clean(exclude=TREE_FIELDS)


@pytest.mark.parametrize("languages", ["", ",xx,", "en", ",ar,en,"])
def test_languages_must_be_known_codes_in_the_stored_form(languages):
    with pytest.raises(ValidationError) as error:
        _unsaved(link="https://example.org/x", languages=languages).full_clean(exclude=TREE_FIELDS)
    assert "languages" in error.value.message_dict


def test_the_admin_form_edits_languages_with_checkboxes(client):
    from tests.factories.roles import superuser

    page = resource_page(title="Edited in the admin", languages=["en", "ar"])
    form_class = ResourcePage.get_edit_handler().get_form_class()
    form = form_class(instance=page, for_user=superuser(), parent_page=library_index())
    rendered = str(form["languages"])
    assert 'type="checkbox" name="languages" value="ar"' in rendered
    assert re.search(r'value="en"[^>]*checked', rendered) and re.search(r'value="ar"[^>]*checked', rendered)
    assert not re.search(r'value="ru"[^>]*checked', rendered)
    assert form.fields["languages"].clean(["ru", "en"]) == ",en,ru,"
    assert not form.fields["languages"].has_changed(",en,ar,", ["ar", "en"])

    client.force_login(superuser())
    assert client.get(f"/cms-admin/pages/{page.pk}/edit/").status_code == 200
    assert client.get(f"/cms-admin/pages/add/cms/resourcepage/{library_index().pk}/").status_code == 200


# The demo ----------------------------------------------------------------------------------------------------

COUNTED = ["wagtailcore.Page", "wagtailcore.Revision", "wagtaildocs.Document", "courses.Subject"]


def test_the_demo_library_builder_is_idempotent(client):
    from demo.builders import BUILDERS
    from demo.builders import library as builder

    assert builder in BUILDERS
    assert builder.build() == []
    first = {label: apps.get_model(label).objects.count() for label in COUNTED}
    revisions = Revision.objects.count()
    assert builder.build() == []
    assert {label: apps.get_model(label).objects.count() for label in COUNTED} == first
    assert Revision.objects.count() == revisions

    english = client.get("/en/library/")
    assert english.context["result_count"] == 20
    assert len({page.resource_type for page in ResourcePage.objects.live()}) == len(ResourceType.values)
    assert len({page.licence for page in ResourcePage.objects.live()}) == len(Licence.values)
    assert ResourcePage.objects.filter(locale__language_code="ru").count() >= 3
    assert ResourcePage.objects.filter(locale__language_code="ar").count() >= 3
    assert ResourcePage.objects.exclude(document=None).count() >= 2
    assert titles(client.get("/ru/library/", {"q": "елки"})) == ["Геометрия новогодней ёлки"]
    assert titles(client.get("/ar/library/", {"q": "اداره الفصل"})) == ["إدارة الفصل الدراسي عبر الإنترنت"]
    downloadable = ResourcePage.objects.exclude(document=None).first()
    assert "Download" in client.get(downloadable.url).content.decode()
