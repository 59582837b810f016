"""The page-weight budget (issue #8, "Low bandwidth"): the HTML, CSS and JavaScript of the catalogue, a course
page and a lesson, gzip-compressed as a server sends them, stay under PAGE_WEIGHT_BUDGET in English, Russian
and Arabic, for an anonymous visitor and for a signed-in enrolled teacher. Images, video and fonts are media
and are left out: they are budgeted separately (renditions, srcset, click-to-load players).

The content is built the way authors build it, at a realistic size: a full catalogue page of courses with
cover images, a course with a twelve-lesson outline, and a lesson with rich text, an image, videos and a
document, in the three languages."""

from __future__ import annotations

import gzip
import logging
import random
import re
import string
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file_jpeg
from wagtail.models import Locale

from cms.catalogue import PAGE_SIZE
from cms.models import CourseIndexPage, CoursePage, LessonPage
from cms.outline import course_sync
from lms.courses.models import Activity
from lms.courses.services import course_create
from tests.factories.accounts import UserFactory
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db
logger = logging.getLogger(__name__)

PAGE_WEIGHT_BUDGET = 60 * 1024  # bytes: gzip-compressed HTML + CSS + JS of one page, media and fonts excluded
GZIP_LEVEL = 6  # what nginx's gzip_comp_level and WhiteNoise's compressor are usually set to
LANGUAGES = ("en", "ru", "ar")
_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""", re.IGNORECASE)


def gzipped(data: bytes) -> int:
    """Bytes on the wire for ``data`` sent with Content-Encoding: gzip."""
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


class _Assets(HTMLParser):
    """The stylesheets and scripts a page loads, and its inline <style> and <script> text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.inline: dict[str, list[str]] = {"style": [], "script": []}
        self._inside: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        rel = set(attributes.get("rel", "").lower().split())
        if tag == "link" and "href" in attributes:
            kind = attributes.get("as", "").lower()
            if "stylesheet" in rel or ("preload" in rel and kind == "style"):
                self.stylesheets.append(attributes["href"])
            elif "modulepreload" in rel or ("preload" in rel and kind == "script"):
                self.scripts.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.scripts.append(attributes["src"])
        elif tag in ("style", "script"):
            self._inside = tag
            self.inline[tag].append("")

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data):
        if self._inside:
            self.inline[self._inside][-1] += data


def static_file(url: str) -> bytes:
    """The content of a stylesheet or script of ours, found the way runserver finds it. Anything from another
    origin fails the test: a page must not pull CSS or JavaScript from a third party."""
    parts = urlsplit(url)
    assert not parts.netloc or parts.netloc == "testserver", f"{url}: CSS and JavaScript come from our own origin"
    assert parts.path.startswith(settings.STATIC_URL), f"{url}: not a static file"
    found = finders.find(parts.path.removeprefix(settings.STATIC_URL))
    assert found, f"{url}: no such static file"
    return Path(found).read_bytes()


@dataclass
class PageWeight:
    name: str
    html: int  # compressed, inline <style> and <script> included
    css: int  # compressed, each file as its own response
    js: int
    inline: int  # uncompressed inline <style> + <script>, part of the HTML
    files: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.html + self.css + self.js

    def row(self) -> str:
        return (
            f"{self.name:<44} html {self.html / 1024:5.1f} KB  css {self.css / 1024:5.1f} KB  "
            f"js {self.js / 1024:5.1f} KB  (inline {self.inline / 1024:4.1f} KB raw)  total {self.total / 1024:5.1f} KB"
        )


def page_weight(name: str, html: bytes) -> PageWeight:
    """``html`` as the browser gets it (uncompressed), and the stylesheets and scripts it loads."""
    assets = _Assets()
    assets.feed(html.decode())
    css = js = 0
    files = []
    seen: set[str] = set()
    pending = [(url, "css") for url in assets.stylesheets] + [(url, "js") for url in assets.scripts]
    while pending:
        url, kind = pending.pop()
        if url in seen:  # the browser fetches a file once per page
            continue
        seen.add(url)
        content = static_file(url)
        files.append(url)
        if kind == "css":
            css += gzipped(content)
            pending += [(urljoin(url, imported), "css") for imported in _IMPORT.findall(content.decode())]
        else:
            js += gzipped(content)
    inline = sum(len(text.encode()) for texts in assets.inline.values() for text in texts)
    return PageWeight(name=name, html=gzipped(html), css=css, js=js, inline=inline, files=sorted(files))


def assert_within_budget(weights: list[PageWeight]) -> None:
    table = "\n".join(weight.row() for weight in weights)
    over = [weight.name for weight in weights if weight.total >= PAGE_WEIGHT_BUDGET]
    assert not over, (
        f"over the budget of {PAGE_WEIGHT_BUDGET / 1024:.0f} KB compressed (HTML + CSS + JS): "
        f"{', '.join(over)}\n{table}"
    )
    # Shown with `pytest --log-cli-level=INFO tests/cms/test_page_weight.py`.
    logger.info("Page weights (gzip -%s), budget %.0f KB:\n%s", GZIP_LEVEL, PAGE_WEIGHT_BUDGET / 1024, table)


# --- Content at a realistic size, in three languages. ---

TEXT = {
    "en": (
        "Formative assessment is the everyday habit of finding out what your learners understand while there is "
        "still time to act on it. A quick question at the start of the lesson, a show of hands, three words "
        "written on a slip of paper: each tells you whom to help and what to explain again. ",
        "Digital tools make this faster when the connection allows it, but the questions matter more than the "
        "tool. Plan two or three checks for every lesson and decide in advance what you will do with the answers.",
    ),
    "ru": (
        "Формирующее оценивание — это ежедневная привычка выяснять, что понимают ученики, пока ещё есть время "
        "что-то изменить. Короткий вопрос в начале урока, поднятые руки, три слова на листке бумаги: каждое "
        "подсказывает, кому помочь и что объяснить ещё раз. ",
        "Цифровые инструменты ускоряют эту работу, когда позволяет связь, но вопросы важнее инструмента. "
        "Запланируйте две-три проверки на каждый урок и заранее решите, что вы сделаете с ответами.",
    ),
    "ar": (
        "التقويم التكويني عادة يومية لمعرفة ما يفهمه المتعلمون بينما لا يزال هناك وقت للتصرف. سؤال سريع في "
        "بداية الدرس، أو رفع الأيدي، أو ثلاث كلمات مكتوبة على ورقة صغيرة: كل ذلك يخبرك بمن تساعد وماذا تشرح "
        "مرة أخرى. ",
        "تجعل الأدوات الرقمية هذا العمل أسرع عندما يسمح الاتصال بذلك، لكن الأسئلة أهم من الأداة. خطط لفحصين "
        "أو ثلاثة في كل درس وقرر مسبقًا ما ستفعله بالإجابات.",
    ),
}


def paragraphs(language: str, count: int, *, seed: int = 0) -> str:
    """``count`` paragraphs of about 70 words in ``language``, none repeated: repeated text would compress far
    better than a real lesson does."""
    words = " ".join(TEXT[language]).replace(".", "").replace(",", "").replace(":", "").split()
    rng = random.Random(f"{language}-{seed}")
    result = []
    for _ in range(count):
        sentences = [" ".join(rng.choices(words, k=rng.randint(8, 16))) for _ in range(6)]
        result.append("<p>" + ". ".join(sentence.capitalize() for sentence in sentences) + ".</p>")
    return "".join(result)


def sentences(language: str, *, seed: int, length: int = 300) -> str:
    return re.sub(r"</?p>", " ", paragraphs(language, 1, seed=seed)).strip()[:length]


def photo(title: str, colour: str = "#4a7a6a"):
    image = get_image_model()(title=title, file=get_test_image_file_jpeg(f"{title}.jpg", colour, (1600, 900)))
    image.save()
    return image


def media_document(name: str, content: bytes = b"\0" * 2048, title: str = ""):
    document = get_document_model()(title=title or name)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def lesson_body(language: str, *, image, video, captions, handout) -> list:
    return [
        ("paragraph", paragraphs(language, 2, seed=1)),
        (
            "heading",
            {"text": {"en": "Why check often", "ru": "Зачем проверять", "ar": "لماذا"}[language], "level": "h2"},
        ),
        ("paragraph", paragraphs(language, 3, seed=2)),
        (
            "image",
            {
                "image": {"image": image, "alt_text": TEXT[language][1][:120], "decorative": False},
                "caption": "Exit tickets",
            },
        ),
        ("paragraph", paragraphs(language, 2, seed=3)),
        (
            "video",
            {
                "title": "Exit tickets in a Grade 5 class",
                "file": None,
                "captions": [],
                "url": "https://youtu.be/dQw4w9WgXcQ",
                "transcript": sentences(language, seed=6, length=1500),
            },
        ),
        (
            "video",
            {
                "title": "Three quick checks",
                "file": video,
                "captions": [{"language": code, "file": captions[code]} for code in LANGUAGES],
                "url": "",
                "transcript": sentences(language, seed=7, length=1500),
            },
        ),
        ("callout", {"kind": "tip", "text": f"<p>{TEXT[language][1]}</p>"}),
        ("document", {"document": handout, "description": TEXT[language][1][:200]}),
        ("paragraph", paragraphs(language, 2, seed=4)),
    ]


def catalogue_course(number: int) -> None:
    """A course as the catalogue lists it, in the three languages, with a cover image (no lessons: the catalogue
    does not show them, and building them would only slow the test)."""
    course = course_create(title=f"Teaching with mobile phones, part {number}", estimated_hours=6)
    cover = photo(f"cover-{number}", f"#{random.Random(number).randrange(0x1000000):06x}")
    source = CourseIndexPage.objects.get(locale__language_code="en").add_child(
        instance=CoursePage(
            title=course.title,
            slug=f"mobile-{number}",
            summary=sentences("en", seed=100 + number),
            course=course,
            cover_image=cover,
        )
    )
    source.save_revision().publish()
    for language in LANGUAGES[1:]:
        page = source.copy_for_translation(Locale.objects.get(language_code=language))
        page.title = f"{language}: {course.title}"
        page.summary = sentences(language, seed=100 + number)
        page.save_revision().publish()
    course_sync(course.pk)


def build_site():
    """A catalogue page full of courses with covers, a twelve-lesson course, a rich first lesson, and a teacher
    enrolled in the course who has done its first lesson."""
    for number in range(PAGE_SIZE + 1):  # a full first page and a second one
        catalogue_course(number)
    course = make_course(
        title="Formative assessment in large classes",
        modules=3,
        lessons=4,
        languages=LANGUAGES,
        estimated_hours=12,
        certificate_enabled=True,
    )
    image = photo("exit-tickets")
    video = media_document("three-checks.mp4", title="Three quick checks")
    captions = {code: media_document(f"three-checks-{code}.vtt", b"WEBVTT\n") for code in LANGUAGES}
    handout = media_document("exit-ticket-templates.pdf", title="Exit ticket templates")
    for page in CoursePage.objects.filter(course=course):
        language = page.locale.language_code
        page.summary = TEXT[language][0]
        page.description = paragraphs(language, 3, seed=5)
        page.learning_outcomes = "<ul>" + "".join(f"<li>{TEXT[language][1][:90]}</li>" for _ in range(5)) + "</ul>"
        page.save_revision().publish()
        lesson = LessonPage.objects.descendant_of(page).order_by("path").first()
        lesson.body = lesson_body(language, image=image, video=video, captions=captions, handout=handout)
        lesson.save_revision().publish()
    first = Activity.objects.filter(course=course).order_by("position").first()
    return course, first


def measure(client, url: str, name: str) -> PageWeight:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    body = response.content
    if response.get("Content-Encoding") == "gzip":  # measure the page, not what a middleware made of it
        body = gzip.decompress(body)
    return page_weight(name, body)


def test_catalogue_course_and_lesson_pages_stay_within_the_budget(client):
    course, first_lesson = build_site()
    teacher = UserFactory()
    weights = []
    for visitor in ("anonymous", "teacher"):
        if visitor == "teacher":
            client.force_login(teacher)
            client.post(f"/en/learning/courses/{course.uuid}/enroll/")
            client.post(f"/en/learning/activities/{first_lesson.pk}/complete/")
        for language in LANGUAGES:
            catalogue = client.get(f"/{language}/courses/")
            assert len(catalogue.context["items"]) == PAGE_SIZE  # a full page of cards
            weights.append(measure(client, f"/{language}/courses/", f"catalogue /{language}/ {visitor}"))
            weights.append(measure(client, course.urls[language], f"course /{language}/ {visitor}"))
            lesson = client.get(first_lesson.urls[language])
            if visitor == "anonymous":  # lessons are for learners: she is sent to sign in, and that is the page
                assert lesson.status_code == 302 and "/accounts/login/" in lesson["Location"]
                weights.append(measure(client, first_lesson.urls[language], f"lesson /{language}/ {visitor} (sign-in)"))
            else:
                assert lesson.status_code == 200 and "<video" in lesson.content.decode()
                weights.append(measure(client, first_lesson.urls[language], f"lesson /{language}/ {visitor}"))
    assert all(weight.css for weight in weights), "the measure found no stylesheet: it measures nothing"
    assert_within_budget(weights)


def test_the_budget_fails_a_page_that_pulls_a_big_stylesheet(client, settings, tmp_path):
    """The check can fail: a stylesheet pasted into site.css that takes the page over the budget is caught."""
    make_course(modules=1, lessons=1)
    shipped = Path(finders.find("core/site.css")).read_bytes()
    bloated = tmp_path / "static" / "core" / "site.css"
    bloated.parent.mkdir(parents=True)
    noise = random.Random(8)
    rules = "".join(
        f".x-{''.join(noise.choices(string.ascii_lowercase, k=12))} {{ color: #{noise.randrange(0x1000000):06x}; }}\n"
        for _ in range(6000)
    )
    bloated.write_bytes(shipped + rules.encode())
    settings.STATICFILES_DIRS = [tmp_path / "static"]  # found before the app's own copy

    weight = measure(client, "/en/courses/", "catalogue with a pasted stylesheet")
    assert weight.css > PAGE_WEIGHT_BUDGET
    with pytest.raises(AssertionError, match="over the budget"):
        assert_within_budget([weight])


def test_third_party_css_or_javascript_fails_the_measure():
    with pytest.raises(AssertionError, match="our own origin"):
        page_weight("cdn", b'<html><head><script src="https://cdn.example.org/lib.js"></script></head></html>')
