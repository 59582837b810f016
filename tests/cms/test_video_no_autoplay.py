"""Video never autoplays and downloads nothing the learner did not ask for (issue #8, "Low bandwidth"): an
uploaded video waits with preload="none"; a YouTube or Vimeo player, and interactive content, load only when
pressed (a link to the provider's page until then, which is all there is without JavaScript); autoplay
parameters in a pasted address are dropped."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.templatetags.static import static
from wagtail.documents import get_document_model

from cms.embeds import embed_url, watch_url, without_autoplay
from cms.models import LessonPage
from lms.courses.models import Activity
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course


@pytest.mark.parametrize(
    ("pasted", "player"),
    [
        # What a provider's "share → embed" code carries when autoplay is ticked.
        (
            "https://www.youtube.com/embed/dQw4w9WgXcQ?si=Ab12&autoplay=1&mute=1",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0",
        ),
        ("https://youtu.be/dQw4w9WgXcQ?autoplay=1", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0"),
        ("https://player.vimeo.com/video/76979871?autoplay=1&loop=1", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://vimeo.com/76979871#autoplay", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://school.h5p.com/content/1291/embed?autoplay=1&lang=ar",
            "https://school.h5p.com/content/1291/embed?lang=ar",
        ),
        (
            "https://phet.colorado.edu/sims/html/ohms-law/latest/ohms-law_all.html?autoStart=true&locale=ru",
            "https://phet.colorado.edu/sims/html/ohms-law/latest/ohms-law_all.html?locale=ru",
        ),
        (
            "https://www.geogebra.org/material/iframe/id/abc123?auto_play=true",
            "https://www.geogebra.org/material/iframe/id/abc123",
        ),
    ],
)
def test_autoplay_is_dropped_from_every_player_address(pasted, player):
    assert embed_url(pasted) == player
    assert "auto" not in watch_url(pasted).lower()


def test_an_address_without_autoplay_is_kept_as_the_author_wrote_it():
    url = "https://phet.colorado.edu/sims/html/a/latest/a_all.html?locale=ar&screens=1%2C2"
    assert without_autoplay(url) == url
    assert without_autoplay("https://h5p.org/x?automatic=1") == "https://h5p.org/x?automatic=1"  # not autoplay


def test_the_link_of_a_player_not_loaded_yet_goes_to_the_providers_page():
    assert watch_url("https://youtu.be/dQw4w9WgXcQ?t=30") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert watch_url("https://player.vimeo.com/video/76979871") == "https://vimeo.com/76979871"


class _Elements(HTMLParser):
    """Start tags with their attributes, and whether each is inside a <template> (inert: never loaded)."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict, bool]] = []
        self._templates = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), self._templates > 0))
        if tag == "template":
            self._templates += 1

    def handle_endtag(self, tag):
        if tag == "template":
            self._templates -= 1


def _document(name: str, content: bytes = b"\0" * 4096):
    document = get_document_model()(title=name)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_lesson_with_videos_and_a_simulation_plays_and_loads_nothing_by_itself(client, language):
    course = make_course(modules=1, lessons=1, languages=("en", "ar"))
    video, captions = _document("lesson.mp4"), _document("lesson-ar.vtt", b"WEBVTT\n")
    body = [
        (
            "video",
            {
                "title": "Uploaded",
                "file": video,
                "captions": [{"language": "ar", "file": captions}],
                "url": "",
                "transcript": "",
            },
        ),
        (
            "video",
            {
                "title": "On YouTube",
                "file": None,
                "captions": [],
                "url": "https://www.youtube.com/embed/dQw4w9WgXcQ?autoplay=1",
                "transcript": "",
            },
        ),
        (
            "video",
            {
                "title": "On Vimeo",
                "file": None,
                "captions": [],
                "url": "https://vimeo.com/76979871?autoplay=1",
                "transcript": "",
            },
        ),
        (
            "interactive",
            {
                "url": "https://phet.colorado.edu/sims/html/ohms-law/latest/ohms-law_all.html?autoplay=1",
                "title": "Ohm's law",
                "height": 500,
            },
        ),
    ]
    for lesson in LessonPage.objects.all():
        lesson.body = body
        lesson.save_revision().publish()
    client.force_login(UserFactory())
    client.post(f"/en/learning/courses/{course.uuid}/enroll/")

    html = client.get(Activity.objects.get(course=course).urls[language]).content.decode()

    assert "autoplay" not in html.lower()
    parser = _Elements()
    parser.feed(html)
    [(_, player, _)] = [element for element in parser.elements if element[0] == "video"]
    assert player["preload"] == "none" and "controls" in player
    [source] = [attrs for tag, attrs, _ in parser.elements if tag == "source" and attrs.get("src") == video.url]
    assert source["type"] == "video/mp4"  # a browser that cannot play it does not download it to find out
    assert any(
        tag == "a" and attrs.get("href") == video.url and "download" in attrs for tag, attrs, _ in parser.elements
    )

    # Every iframe is inert in a <template> until the learner presses its link.
    iframes = [(attrs, inert) for tag, attrs, inert in parser.elements if tag == "iframe"]
    assert len(iframes) == 3 and all(inert for _, inert in iframes)
    assert [attrs["src"] for attrs, _ in iframes] == [
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0",
        "https://player.vimeo.com/video/76979871?dnt=1",
        "https://phet.colorado.edu/sims/html/ohms-law/latest/ohms-law_all.html",
    ]
    assert iframes[2][0]["height"] == "500"
    # Without JavaScript the links lead to the video or the simulation on the provider's site.
    links = [attrs["href"] for tag, attrs, _ in parser.elements if tag == "a" and "data-embed-load" in attrs]
    assert links == [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
        "https://phet.colorado.edu/sims/html/ohms-law/latest/ohms-law_all.html",
    ]
    # With it, the site's own small script (a file: no inline script under the CSP) swaps a link for its player;
    # nothing comes from a third party.
    scripts = [attrs for tag, attrs, _ in parser.elements if tag == "script"]
    assert scripts == [{"src": static("cms/embeds.js"), "defer": None}]
    assert 'closest("[data-embed-load]")' in Path(finders.find("cms/embeds.js")).read_text()
