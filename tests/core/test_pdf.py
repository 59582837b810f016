"""core.pdf: HTML to PDF with the shipped fonts, read back the way a person or a verifier would: the text with
poppler's ``pdftotext``, the embedded fonts with ``pdffonts``, the font each piece of text is drawn in with pypdf.

The helpers at the top (``pdf_text``, ``embedded_fonts``, ``text_fonts``) serve the other PDF tests too."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pypdf
import pytest
from django.conf import settings as django_settings
from django.utils import translation
from PIL import Image
from xhtml2pdf.config.resources import ResourceAccessPolicy

from core import pdf
from core.pdf import PdfError, font_stack, html_to_pdf, pdf_response, render_pdf
from tests.conftest import missing_service

# What pdftotext puts around right-to-left runs, and the isolates: not text.
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        missing_service(f"{tool} (apt-get install poppler-utils)")
    return path


def pdf_text(data: bytes) -> str:
    """The text of the PDF as pdftotext reads it, NFKC-normalised (Arabic comes out in presentation forms, which
    NFKC folds back into ordinary letters) and without bidi marks."""
    out = subprocess.run(
        [_poppler("pdftotext"), "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True, timeout=30
    ).stdout.decode()
    return unicodedata.normalize("NFKC", out).translate(BIDI_MARKS)


def embedded_fonts(data: bytes, tmp_path: Path) -> dict[str, bool]:
    """pdffonts: each font's name without its subset prefix -> whether it is embedded."""
    path = tmp_path / "fonts-check.pdf"
    path.write_bytes(data)
    lines = subprocess.run(
        [_poppler("pdffonts"), str(path)], capture_output=True, check=True, timeout=30, text=True
    ).stdout.splitlines()[2:]
    fonts = {}
    for line in lines:
        parts = line.split()
        # name type [type...] encoding emb sub uni object-id generation
        name, embedded = parts[0].split("+")[-1], parts[-5]
        fonts[name] = embedded == "yes"
    return fonts


def text_fonts(data: bytes) -> dict[str, str]:
    """Each font that draws text (not just named in a page's resources) -> the text it draws."""
    drawn: dict[str, str] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            name = str((font_dict or {}).get("/BaseFont", "?")).lstrip("/").split("+")[-1]
            drawn[name] = drawn.get(name, "") + text

    for pdf_page in pypdf.PdfReader(io.BytesIO(data)).pages:
        pdf_page.extract_text(visitor_text=visit)
    return drawn


def page(body: str, *, lang: str = "en", direction: str = "ltr", title: str = "Test") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body>{body}</body></html>"
    )


def words(text: str) -> list[str]:
    return unicodedata.normalize("NFKC", text).split()


# Three languages ----------------------------------------------------------------------------------------------

PAGES = {
    "en": ("ltr", "Sign-in sheet", "Amal Haddad and Boris Ivanov signed in.", "DejaVuSans"),
    "ru": ("ltr", "Лист регистрации", "Юлия Петрова и Фёдор Ёлкин расписались.", "DejaVuSans"),
    "ar": ("rtl", "ورقة الحضور", "وقعت أمل حداد وليلى عبد الله.", "Amiri-Regular"),
}


@pytest.mark.parametrize("language", PAGES)
def test_text_in_each_language_comes_out_in_an_embedded_font(language, tmp_path):
    direction, heading, sentence, body_font = PAGES[language]

    data = html_to_pdf(page(f"<h1>{heading}</h1><p>{sentence}</p>", lang=language, direction=direction))

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for word in words(heading) + words(sentence):
        assert word.strip(".") in text, word
    fonts = embedded_fonts(data, tmp_path)
    assert fonts[body_font] is True
    bold = body_font.replace("-Regular", "") + "-Bold"  # headings are bold
    assert fonts[bold] is True
    # ReportLab names Helvetica in every page's resources, but no text may be drawn with it (the silent fallback).
    drawn = text_fonts(data)
    assert set(drawn) <= {"DejaVuSans", "DejaVuSans-Bold", "Amiri-Regular", "Amiri-Bold"}, drawn
    assert body_font in drawn


def test_an_arabic_page_draws_latin_and_cyrillic_names_with_the_fonts_that_have_them(tmp_path):
    body = '<p>المشاركون:</p><p>Amal Haddad</p><p>Юлия Петрова</p><p dir="ltr">ISO 2026-11-23</p>'

    data = html_to_pdf(page(body, lang="ar", direction="rtl"), language="ar")

    text = pdf_text(data)
    for expected in ("المشاركون", "Amal Haddad", "Юлия Петрова", "ISO 2026-11-23"):
        assert expected in text
    drawn = text_fonts(data)
    assert "المشاركون" in unicodedata.normalize("NFKC", drawn["Amiri-Regular"]).translate(BIDI_MARKS)
    assert "Юлия" in drawn["DejaVuSans"]  # Amiri has no Cyrillic: the next family of the stack draws it
    assert set(embedded_fonts(data, tmp_path)) >= {"Amiri-Regular", "DejaVuSans"}


def test_arabic_diacritics_are_left_out():
    """xhtml2pdf's reshaper (arabic-reshaper, delete_harakat) drops harakat: a shadda or a fatha never reaches the
    PDF. Known and accepted; this test says so, and tells whoever upgrades xhtml2pdf when it changes."""
    text = pdf_text(html_to_pdf(page("<p>وقّعت مُحمَّد</p>", lang="ar", direction="rtl")))
    assert "وقعت محمد" in text


def test_the_default_font_stack_follows_the_language():
    latin = page("<p>Workshop</p>")
    assert set(text_fonts(html_to_pdf(latin, language="en"))) == {"DejaVuSans"}
    assert set(text_fonts(html_to_pdf(latin, language="ar"))) == {"Amiri-Regular"}
    # Without one: the document's own language, or else the active one.
    assert set(text_fonts(html_to_pdf(page("<p>Workshop</p>", lang="ar-EG")))) == {"Amiri-Regular"}
    with translation.override("ar"):
        assert set(text_fonts(html_to_pdf(latin))) == {"DejaVuSans"}
        assert set(text_fonts(html_to_pdf("<p>Workshop</p>"))) == {"Amiri-Regular"}


def test_font_stack():
    assert font_stack("ar") == '"Maktaba Arabic", "Maktaba Sans"'
    assert font_stack("ar-eg") == '"Maktaba Arabic", "Maktaba Sans"'
    assert font_stack("ru") == '"Maktaba Sans", "Maktaba Arabic"'
    with translation.override("ar"):
        assert font_stack().startswith('"Maktaba Arabic"')


def test_code_is_not_drawn_in_courier():
    data = html_to_pdf(page("<p><code>код 42</code> <tt>tt</tt></p>"))
    assert "код 42" in pdf_text(data)
    assert set(text_fonts(data)) == {"DejaVuSans"}


def test_pdf_metadata_title_and_language():
    reader = pypdf.PdfReader(io.BytesIO(html_to_pdf(page("<p>x</p>", lang="ru", title="Лист"))))
    assert reader.metadata.title == "Лист"
    assert reader.trailer["/Root"].get("/Lang") == "ru"


# Reproducible -------------------------------------------------------------------------------------------------

SAMPLE = page(
    "<h1>Certificate · Сертификат</h1><p dir='rtl'>شهادة إتمام الدورة</p><table><tr><td>1</td><td>Amal</td></tr>"
    "</table>",
    title="Certificate",
)


def test_the_same_html_gives_the_same_bytes():
    first, second = html_to_pdf(SAMPLE), html_to_pdf(SAMPLE)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert first == second
    assert b"D:20000101000000" in first  # ReportLab's invariant date, not the time of rendering
    assert html_to_pdf(SAMPLE.replace("Amal", "Amal H.")) != first


def test_the_same_bytes_in_another_process_with_another_hash_seed():
    script = "import sys; from core.pdf import html_to_pdf; sys.stdout.buffer.write(html_to_pdf(sys.stdin.read()))"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    other = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        input=SAMPLE.encode(),
        capture_output=True,
        check=True,
        timeout=120,
        cwd=django_settings.BASE_DIR,
        env=env,
    ).stdout
    assert other == html_to_pdf(SAMPLE, language="en")


def test_renders_in_threads_at_once_are_whole_and_identical():
    expected = html_to_pdf(SAMPLE)
    results, errors = [], []

    def render():
        try:
            results.extend(html_to_pdf(SAMPLE) for _ in range(2))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=render) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert results == [expected] * 6


def test_the_process_wide_reportlab_setting_is_put_back():
    from reportlab import rl_config

    before = rl_config.invariant
    html_to_pdf(SAMPLE)
    assert rl_config.invariant == before


# Failures are errors ------------------------------------------------------------------------------------------


def test_a_missing_font_folder_is_an_error(tmp_path):
    with pytest.raises(PdfError, match=r"DejaVuSans\.ttf is missing"):
        html_to_pdf(page("<p>x</p>"), fonts_dir=tmp_path / "nowhere")


def test_fonts_the_document_may_not_read_are_an_error_not_a_silent_helvetica(monkeypatch):
    # xhtml2pdf's default policy: reads confined to one folder that does not hold the fonts.
    monkeypatch.setattr(pdf, "resource_policy", lambda **kwargs: ResourceAccessPolicy.server(None))
    with pytest.raises(PdfError) as caught:
        html_to_pdf(page("<p>Привет</p>"))
    assert "Blocked by the resource policy" in str(caught.value)
    assert "DejaVuSans.ttf" in str(caught.value)


def test_a_font_family_nobody_embedded_is_an_error():
    with pytest.raises(PdfError, match=r"(?i)'comic'.*Helvetica"):
        html_to_pdf(page('<p style="font-family: Comic">x</p>'))


def test_a_character_no_font_has_is_an_error_unless_allowed():
    html = page("<p>Name: 漢字</p>")
    with pytest.raises(PdfError, match="U\\+6F22"):
        html_to_pdf(html)
    assert "Name:" in pdf_text(html_to_pdf(html, allow_missing_glyphs=True))


def test_bidi_isolates_are_not_taken_for_missing_glyphs():
    data = html_to_pdf(page("<p>التاريخ \u20662026-11-23\u2069</p>", lang="ar", direction="rtl"))
    assert "2026-11-23" in pdf_text(data)


def test_files_outside_the_allowed_folders_and_the_network_are_refused(tmp_path):
    secret = tmp_path / "secret.png"
    Image.new("RGB", (2, 2), "red").save(secret)
    allowed = tmp_path / "assets"
    allowed.mkdir()
    for src in (str(secret), secret.as_uri(), "../secret.png", "https://example.org/logo.png"):
        with pytest.raises(PdfError, match="Blocked by the resource policy"):
            html_to_pdf(page(f'<p><img src="{src}" width="10" height="10"></p>'), base_dir=allowed)


def test_an_image_in_base_dir_is_drawn_and_a_missing_one_is_an_error(tmp_path):
    Image.new("RGB", (4, 4), "blue").save(tmp_path / "logo.png")

    data = html_to_pdf(page('<p><img src="logo.png" width="20" height="20"> Logo</p>'), base_dir=tmp_path)
    assert "/Subtype /Image" in data.decode("latin-1")

    with pytest.raises(PdfError, match=r"missing\.png"):
        html_to_pdf(page('<p><img src="missing.png" width="20" height="20"></p>'), base_dir=tmp_path)


def test_broken_markup_that_cannot_be_laid_out_is_an_error():
    with pytest.raises(PdfError):
        html_to_pdf("<html><body><p>" + "<div>" * 400 + "x" + "</div>" * 400 + "</p></body></html>")


# render_pdf and pdf_response ----------------------------------------------------------------------------------


@pytest.fixture
def template_dir(settings, tmp_path):
    folder = tmp_path / "templates"
    (folder / "pdftest").mkdir(parents=True)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    return folder


def test_render_pdf_renders_a_template_in_the_active_language(template_dir):
    (template_dir / "pdftest" / "sheet.html").write_text(
        '{% load i18n %}<html lang="{{ LANGUAGE_CODE }}"><head><style>p { font-family: {{ pdf_font_stack }}; }'
        '</style></head><body><p>{% translate "Cancelled" %}: {{ name }}</p></body></html>',
        encoding="utf-8",
    )
    with translation.override("ru"):
        data = render_pdf("pdftest/sheet.html", {"name": "Фёдор <Ёлкин>", "LANGUAGE_CODE": "ru"})
    text = pdf_text(data)
    assert "Фёдор <Ёлкин>" in text  # escaped by the template, drawn as typed
    assert "Отменено: Фёдор" in text
    assert set(text_fonts(data)) == {"DejaVuSans"}


def test_pdf_response_inline_with_an_ascii_name():
    response = pdf_response(b"%PDF-1.4 x", "sign-in-sheet 2026-11-23.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="sign-in-sheet 2026-11-23.pdf"'
    assert response["Content-Length"] == "10"
    assert response.content == b"%PDF-1.4 x"


def test_pdf_response_names_outside_ascii_and_attachments():
    response = pdf_response(b"%PDF", "ورقة الحضور — Лист", inline=False)
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''" in header
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "ورقة الحضور — Лист.pdf"
    assert all(32 < ord(char) < 127 for char in encoded)


@pytest.mark.parametrize(
    "unsafe",
    ["../../etc/passwd", 'a"; filename=evil.exe', "line\r\nSet-Cookie: x=1", "C:\\temp\\x.pdf", ""],
)
def test_pdf_response_names_cannot_break_the_header_or_name_a_path(unsafe):
    header = pdf_response(b"%PDF", unsafe)["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    ascii_part = header.split('filename="', 1)[1].split('"', 1)[0]
    assert "/" not in ascii_part and "\\" not in ascii_part and '"' not in ascii_part
    assert ascii_part.endswith(".pdf")
    assert header.count(";") <= 2
