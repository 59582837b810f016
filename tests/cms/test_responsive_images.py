"""Responsive images (issue #8, "Low bandwidth"): every content image is a set of Wagtail renditions with srcset
and sizes, WebP with a JPEG fallback, width and height (no layout shift), lazy and async below the first screen,
and a meaningful alt text (empty when decorative). The catalogue prefetches exactly the renditions its cards
show, so a request neither queries per card nor generates images."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file, get_test_image_file_jpeg

from cms.catalogue import COVER_RENDITIONS
from cms.models import CoursePage, HomePage, LessonPage, ResourceIndexPage
from lms.courses.models import Activity
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course
from tests.factories.library import resource_page

pytestmark = pytest.mark.django_db
Image = get_image_model()


class _Images(HTMLParser):
    """Every <img>, with its attributes, the <source> elements of its <picture>, and whether it is in one."""

    def __init__(self):
        super().__init__()
        self.images: list[dict] = []
        self._sources: list[dict] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "picture":
            self._sources = []
        elif tag == "source" and self._sources is not None:
            self._sources.append(attributes)
        elif tag == "img":
            attributes["_sources"] = list(self._sources or [])
            attributes["_picture"] = self._sources is not None
            self.images.append(attributes)

    def handle_endtag(self, tag):
        if tag == "picture":
            self._sources = None


def images_in(response) -> list[dict]:
    assert response.status_code == 200
    parser = _Images()
    parser.feed(response.content.decode())
    return parser.images


def widths(srcset: str) -> list[int]:
    return [int(width) for width in re.findall(r"\s(\d+)w(?:,|$)", srcset)]


def media_file(url: str) -> Path:
    assert url.startswith(settings.MEDIA_URL), url
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)


def photo(title: str, *, description: str = "", size=(1600, 900)) -> Image:
    image = Image(title=title, description=description, file=get_test_image_file_jpeg(f"{title}.jpg", "#2a6f97", size))
    image.save()
    return image


def with_cover(course, image) -> None:
    for page in CoursePage.objects.filter(course=course):
        page.cover_image = image
        page.save_revision().publish()


def test_course_cards_show_their_cover_as_webp_and_jpeg_renditions_with_srcset(client):
    described = make_course(title="Described")
    with_cover(described, photo("cover-a", description="Teachers around a tablet"))
    plain = make_course(title="Plain")
    with_cover(plain, photo("IMG_2031"))
    make_course(title="No cover")

    images = images_in(client.get("/en/courses/"))

    assert len(images) == 2  # the course without a cover shows none, not a broken one
    for img in images:
        assert img["_picture"] and img["class"] == "card__image"
        assert widths(img["srcset"]) == [320, 480, 640]
        assert img["sizes"] == "(max-width: 33rem) calc(100vw - 3.5rem), 20rem"
        assert (img["width"], img["height"]) == ("320", "180")  # the box is reserved before the image arrives
        assert img["loading"] == "lazy" and img["decoding"] == "async"
        assert img["src"].endswith(".jpg")  # the fallback for browsers without WebP
        [webp] = img["_sources"]
        assert webp["type"] == "image/webp" and widths(webp["srcset"]) == [320, 480, 640]
        assert webp["sizes"] == img["sizes"]
        for url in [img["src"], *re.findall(r"(\S+) \d+w", img["srcset"] + ", " + webp["srcset"])]:
            assert media_file(url).is_file(), url
    # The editor's description is the alt text; without one the image is decorative (the heading names the course).
    assert sorted(img["alt"] for img in images) == ["", "Teachers around a tablet"]
    for image in Image.objects.filter(title__in=["cover-a", "IMG_2031"]):
        assert sorted(image.renditions.values_list("filter_spec", flat=True)) == sorted(COVER_RENDITIONS)
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__contains="format-webp")
    assert all(rendition.file.name.endswith(".webp") for rendition in renditions)


def test_the_catalogue_neither_queries_per_cover_nor_regenerates_renditions(client):
    client.force_login(UserFactory())  # a teacher's catalogue is rendered for her, not served from the page cache

    def queries() -> int:
        client.get("/en/courses/")  # the first request makes the renditions
        with (
            mock.patch.object(Image, "generate_rendition_file", side_effect=AssertionError("generated again")),
            CaptureQueriesContext(connection) as captured,
        ):
            assert client.get("/en/courses/").status_code == 200
        return len(captured)

    for number in range(2):
        with_cover(make_course(title=f"Course {number}"), photo(f"cover-{number}"))
    few = queries()
    for number in range(2, 8):
        with_cover(make_course(title=f"Course {number}"), photo(f"cover-{number}"))
    assert queries() == few


def figures() -> list:
    """An image on the first screen, a decorative one further down, and one smaller than the narrowest width."""
    wide = photo("classroom", description="A classroom")
    return [
        (
            "image",
            {
                "image": {"image": wide, "alt_text": "Pupils holding up exit tickets", "decorative": False},
                "caption": "",
            },
        ),
        ("paragraph", "<p>Read this.</p>"),
        ("paragraph", "<p>And this.</p>"),
        ("image", {"image": {"image": wide, "alt_text": "", "decorative": True}, "caption": "A border"}),
        (
            "image",
            {
                "image": {"image": photo("small", size=(400, 300)), "alt_text": "A small chart", "decorative": False},
                "caption": "",
            },
        ),
    ]


def lesson_with_figures(course) -> None:
    """The figures in the course's lessons, in every language."""
    body = figures()
    for page in CoursePage.objects.filter(course=course):
        for lesson in LessonPage.objects.descendant_of(page):
            lesson.body = body
            lesson.save_revision().publish()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_lesson_images_are_renditions_lazy_below_the_first_screen(client, language):
    course = make_course(modules=1, lessons=1, languages=("en", "ar"))
    lesson_with_figures(course)
    client.force_login(UserFactory())
    client.post(f"/en/learning/courses/{course.uuid}/enroll/")
    response = client.get(Activity.objects.get(course=course).urls[language])
    assert f'dir="{"rtl" if language == "ar" else "ltr"}"' in response.content.decode()
    first, decorative, small = images_in(response)

    # The first block is on the first screen: it loads at once; the others wait until scrolled to.
    assert "loading" not in first and "decoding" not in first
    assert decorative["loading"] == small["loading"] == "lazy"
    assert decorative["decoding"] == small["decoding"] == "async"
    assert first["alt"] == "Pupils holding up exit tickets"
    assert decorative["alt"] == ""
    assert small["alt"] == "A small chart"
    for img in (first, decorative):
        assert widths(img["srcset"]) == [480, 800, 1200]
        assert img["sizes"] == "(max-width: 50rem) 100vw, 48rem"
        assert (img["width"], img["height"]) == ("480", "270")
        assert img["_sources"][0]["type"] == "image/webp"
    # A small original is never enlarged: every candidate is its own size.
    assert set(widths(small["srcset"])) == {400} and (small["width"], small["height"]) == ("400", "300")


def test_a_transparent_image_gets_a_white_background_in_its_jpeg_fallback(client):
    """Wagtail flattens transparency onto white when it converts to JPEG: a diagram does not turn black."""
    course = make_course(modules=1, lessons=1)
    lesson = LessonPage.objects.get(pk=course.pages.first().get_descendants().type(LessonPage).first().pk)
    diagram = Image(title="diagram", file=get_test_image_file("diagram.png", (0, 0, 0, 0), (800, 600)))
    diagram.save()
    lesson.body = [
        ("image", {"image": {"image": diagram, "alt_text": "A diagram", "decorative": False}, "caption": ""})
    ]
    lesson.save_revision().publish()
    client.force_login(UserFactory())
    client.post(f"/en/learning/courses/{course.uuid}/enroll/")
    [img] = images_in(client.get(Activity.objects.get(course=course).urls["en"]))

    from PIL import Image as Pillow

    with Pillow.open(media_file(img["src"])) as fallback:
        assert fallback.format == "JPEG"
        assert fallback.convert("RGB").getpixel((10, 10)) == (255, 255, 255)  # not black


def test_every_image_on_the_public_pages_is_responsive_and_sized(client):
    """A sweep over the home page, the catalogue, a course page, a lesson, the library and a resource page: any
    <img> on them (now or added later) has a srcset with sizes, width and height, and an alt attribute."""
    course = make_course(modules=1, lessons=1)
    with_cover(course, photo("cover"))
    lesson_with_figures(course)
    resource = resource_page(title="Fractions")
    client.force_login(UserFactory())
    client.post(f"/en/learning/courses/{course.uuid}/enroll/")
    urls = [
        HomePage.objects.get(locale__language_code="en").url,
        "/en/courses/",
        course.urls["en"],
        Activity.objects.get(course=course).urls["en"],
        ResourceIndexPage.objects.get(locale__language_code="en").url,
        resource.url,
    ]
    seen = 0
    for url in urls:
        for img in images_in(client.get(url)):
            seen += 1
            assert img.get("srcset") and img.get("sizes"), (url, img)
            assert img.get("width") and img.get("height"), (url, img)
            assert "alt" in img, (url, img)
            assert img["_picture"] and img["_sources"][0]["type"] == "image/webp", (url, img)
    assert seen == 4  # the cover and the lesson's three figures
