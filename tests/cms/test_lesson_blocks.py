"""Lesson blocks: allow-listed embeds built from the URL alone, videos that never autoplay, captions,
sanitised rich text, and a lesson page that renders every block type."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.documents import get_document_model

from cms.blocks import InteractiveBlock, LessonStreamBlock, SanitisedRichTextBlock, VideoBlock
from cms.embeds import embed_url, provider_of
from lms.courses.models import Activity
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://phet.colorado.edu/sims/html/ohms-law/latest/ohms-law_all.html",
            "https://phet.colorado.edu/sims/html/ohms-law/latest/ohms-law_all.html",
        ),
        ("https://www.geogebra.org/material/iframe/id/abc123", "https://www.geogebra.org/material/iframe/id/abc123"),
        ("https://school.h5p.com/content/1291", "https://school.h5p.com/content/1291"),
    ],
)
def test_allowed_providers_are_embedded_from_the_url_alone(url, expected):
    assert embed_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",  # not https
        "https://evil.example/phet.colorado.edu/",
        "https://phet.colorado.edu.evil.example/sim",  # look-alike host
        "javascript:alert(1)",
        "https://www.youtube.com/watch?v=short",  # not a video id
        "https://vimeo.com/about",
    ],
)
def test_anything_else_is_refused(url):
    with pytest.raises(ValidationError):
        embed_url(url)


def test_look_alike_hosts_are_not_providers():
    assert provider_of("https://notyoutube.com/watch?v=dQw4w9WgXcQ") is None
    assert provider_of("https://www.youtube.com/watch?v=dQw4w9WgXcQ") == "YouTube"


def test_interactive_block_refuses_a_host_outside_the_allow_list():
    block = InteractiveBlock()
    value = block.to_python({"url": "https://evil.example/app", "title": "App", "height": 400})
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


def _document(name: str, content: bytes = b"data"):
    document = get_document_model()(title=name)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


@pytest.mark.django_db
def test_video_block_takes_a_file_with_caption_tracks_or_a_url_but_not_both():
    block = VideoBlock()
    video, captions = _document("lesson.mp4"), _document("lesson-ar.vtt", b"WEBVTT\n")
    good = block.to_python(
        {
            "title": "Lesson",
            "file": video.pk,
            "captions": [{"language": "ar", "file": captions.pk}],
            "url": "",
            "transcript": "",
        }
    )
    block.clean(good)
    html = block.render(good, context={"LANGUAGE_CODE": "ar"})
    assert '<video controls preload="none"' in html and "autoplay" not in html
    assert 'srclang="ar"' in html and " default" in html
    both = block.to_python({"title": "x", "file": video.pk, "captions": [], "url": "https://youtu.be/dQw4w9WgXcQ"})
    with pytest.raises(StructBlockValidationError):
        block.clean(both)
    not_video = block.to_python({"title": "x", "file": _document("notes.pdf").pk, "captions": [], "url": ""})
    with pytest.raises(StructBlockValidationError):
        block.clean(not_video)
    bad_captions = block.to_python(
        {"title": "x", "file": video.pk, "captions": [{"language": "en", "file": _document("c.txt").pk}], "url": ""}
    )
    with pytest.raises((StructBlockValidationError, StreamBlockValidationError, ValidationError)):
        block.clean(bad_captions)


def test_rich_text_is_sanitised_whatever_wrote_it():
    block = SanitisedRichTextBlock()
    stored = block.get_prep_value(block.to_python('<p>Hi<script>alert(1)</script><a href="javascript:x()">y</a></p>'))
    assert "<script" not in stored and "javascript:" not in stored
    assert "<p>" in stored


@pytest.mark.django_db
def test_a_lesson_with_every_block_type_renders_for_a_learner(client):
    from cms.models import LessonPage

    course = make_course(modules=1, lessons=1)
    lesson = LessonPage.objects.get(pk=course.pages.first().get_descendants().type(LessonPage).first().pk)
    document = _document("plan.txt")
    lesson.body = [
        ("heading", {"text": "Start here", "level": "h2"}),
        ("paragraph", "<p>Read this.</p>"),
        (
            "video",
            {
                "title": "Intro",
                "file": None,
                "captions": [],
                "url": "https://youtu.be/dQw4w9WgXcQ",
                "transcript": "Hello.",
            },
        ),
        (
            "interactive",
            {
                "url": "https://phet.colorado.edu/sims/html/ohms-law/latest/ohms-law_all.html",
                "title": "Ohm's law",
                "height": 400,
            },
        ),
        ("document", {"document": document, "description": "Template"}),
        ("callout", {"kind": "warning", "text": "<p>Careful.</p>"}),
    ]
    lesson.save_revision().publish()
    assert {name for name, _ in LessonStreamBlock.base_blocks.items()} >= {
        "paragraph",
        "heading",
        "image",
        "video",
        "document",
        "interactive",
        "callout",
    }
    teacher = UserFactory()
    client.force_login(teacher)
    client.post(f"/en/learning/courses/{course.uuid}/enroll/")
    html = client.get(Activity.objects.get(course=course).urls["en"]).content.decode()
    assert "<h2>Start here</h2>" in html
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0"' in html
    assert 'title="Ohm&#x27;s law"' in html and 'loading="lazy"' in html
    assert "autoplay" not in html
    assert document.url in html
    assert 'class="callout callout--warning"' in html
