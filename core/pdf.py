"""HTML to PDF, the one way the site makes PDFs (sign-in sheets, certificates): xhtml2pdf with the fonts shipped in
``core/fonts``, strict, and reproducible.

- Fonts: every document gets the ``@font-face`` rules of ``core/fonts`` and a default font stack for its language
  ("Maktaba Sans", DejaVu Sans, for Latin and Cyrillic; "Maktaba Arabic", Amiri, for Arabic); a character that the
  first family lacks is drawn with the next one. Templates need no font CSS of their own; ``font_stack()`` gives
  the ``font-family`` value for an element in another language.
- Strict: xhtml2pdf carries on after most problems and only logs them (a font it may not read, an image that is
  missing or refused, a character no font has), and the PDF then has boxes or gaps. Here any warning or error it
  reports is a ``PdfError``, with its messages.
- Reads: the document may read the fonts folder and ``base_dir`` (when given), nothing else: no network, no other
  file. By default xhtml2pdf confines reads to the working directory, refuses the fonts and quietly draws in
  Helvetica, which has no Cyrillic or Arabic.
- Reproducible: the same HTML gives the same bytes (ReportLab's invariant mode: the creation date is fixed to
  2000-01-01 and the file ID is a digest of the content), so a certificate's SHA-256 can be recomputed.
- Arabic: xhtml2pdf shapes and orders Arabic itself; give it the text as stored, with ``dir="rtl"`` on ``<html>``
  or on a block (``<p>``, ``<div>``). ``dir`` on an inline element (``<span>``, ``<td>``) is ignored: put
  left-to-right text (a code, an ISO date) in a block of its own with ``dir="ltr"``.

Rendering takes the one lock xhtml2pdf holds anyway (ReportLab keeps fonts in module globals): one PDF at a time per
process.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from reportlab import rl_config
from xhtml2pdf import pisa
from xhtml2pdf.bidi import CONTROL_CHARS
from xhtml2pdf.config.resources import ResourceAccessPolicy
from xhtml2pdf.default import DEFAULT_CSS

logger = logging.getLogger("maktaba.pdf")

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
SANS = "Maktaba Sans"
ARABIC = "Maktaba Arabic"


@dataclass(frozen=True)
class FontFace:
    family: str
    file: str
    bold: bool = False


FONT_FACES = (
    FontFace(SANS, "DejaVuSans.ttf"),
    FontFace(SANS, "DejaVuSans-Bold.ttf", bold=True),
    FontFace(ARABIC, "Amiri-Regular.ttf"),
    FontFace(ARABIC, "Amiri-Bold.ttf", bold=True),
)

# Languages written in Arabic script: their pages use Amiri first.
ARABIC_SCRIPT_LANGUAGES = frozenset({"ar", "fa", "ur", "ps", "ckb"})

_LOCK = threading.Lock()  # rl_config.invariant is a process-wide setting
# xhtml2pdf's warning for a character no font can draw; it leaves out the bidi controls it steers by anyway.
_MISSING_GLYPH = re.compile(r"^No font this document has can draw '(.+?)' \(U\+([0-9A-F]{4,6})\)")


class PdfError(Exception):
    """The PDF could not be made as written: a font, image or file that could not be read, markup xhtml2pdf
    could not lay out. ``messages`` has what xhtml2pdf said; for the logs, not for users."""

    def __init__(self, message: str, *, messages: list[str] | None = None) -> None:
        self.messages = messages or []
        super().__init__(message if not self.messages else f"{message}: " + " | ".join(self.messages))


# Fonts -----------------------------------------------------------------------------------------------------------


def font_face_css(fonts_dir: Path | None = None) -> str:
    """The ``@font-face`` rules of the shipped fonts. Raises ``PdfError`` when a font file is missing."""
    fonts_dir = Path(fonts_dir or FONTS_DIR).resolve()
    rules = []
    for face in FONT_FACES:
        path = fonts_dir / face.file
        if not path.is_file():
            raise PdfError(f"The font {face.file} is missing from {fonts_dir}")
        weight = "bold" if face.bold else "normal"
        # A plain path, not a file: URI: xhtml2pdf copies a URI's font to a temporary file and hashes the copy on
        # every render (about 6% of a certificate's time, bench/certificates.py); the PDF bytes are the same.
        source = path.as_uri() if '"' in str(path) or "\\" in str(path) else str(path)
        rules.append(f'@font-face {{ font-family: "{face.family}"; src: url("{source}"); font-weight: {weight}; }}')
    return "\n".join(rules)


def font_stack(language: str | None = None) -> str:
    """The CSS ``font-family`` value for text in ``language`` (the active language by default): Amiri first for
    Arabic script, DejaVu Sans first for anything else, each falling back to the other character by character."""
    language = (language or get_language() or "en").split("-")[0].lower()
    families = (ARABIC, SANS) if language in ARABIC_SCRIPT_LANGUAGES else (SANS, ARABIC)
    return ", ".join(f'"{family}"' for family in families)


def default_css(*, language: str | None = None, fonts_dir: Path | None = None) -> str:
    """xhtml2pdf's own defaults, the fonts, and their stack for the document's language instead of Helvetica and
    Courier (which are not embedded and have no Cyrillic or Arabic)."""
    stack = font_stack(language)
    return (
        f"{DEFAULT_CSS}\n{font_face_css(fonts_dir)}\n"
        f"html, body {{ font-family: {stack}; }}\npre, code, kbd, samp, tt {{ font-family: {stack}; }}\n"
    )


def resource_policy(*, base_dir: Path | None = None, fonts_dir: Path | None = None) -> ResourceAccessPolicy:
    """What a document may read: the fonts, files under ``base_dir``, nothing over the network."""
    return ResourceAccessPolicy.server(
        base_dir,
        extra_roots=(Path(fonts_dir or FONTS_DIR).resolve(),),
        allow_remote=False,
    )


# Rendering -------------------------------------------------------------------------------------------------------


class _Collect(logging.Handler):
    """The warnings and errors xhtml2pdf logs from this thread while it renders."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.records.append(record)


def html_to_pdf(
    html: str,
    *,
    base_dir: str | Path | None = None,
    language: str | None = None,
    allow_missing_glyphs: bool = False,
    fonts_dir: Path | None = None,
) -> bytes:
    """The PDF of ``html``, with the shipped fonts and the font stack of ``language`` (by default the ``lang`` of
    its ``<html>``, or else the active language) unless the document's CSS says otherwise. Relative ``src`` and
    ``url()`` resolve against ``base_dir``, the only folder besides the fonts the document may read.

    Raises ``PdfError`` for anything xhtml2pdf warns about. ``allow_missing_glyphs`` lets through characters no
    font has (they come out blank; logged to ``maktaba.pdf``): for documents that show what users typed, where an
    emoji in a name should not stop the whole document."""
    if base_dir is not None:
        base_dir = Path(base_dir).resolve()
        if not base_dir.is_dir():
            raise PdfError(f"{base_dir} is not a folder")
    css = default_css(language=language or _document_language(html), fonts_dir=fonts_dir)
    policy = resource_policy(base_dir=base_dir, fonts_dir=fonts_dir)
    collect = _Collect()
    source = logging.getLogger("xhtml2pdf")
    out = io.BytesIO()
    with _LOCK:
        invariant, level = rl_config.invariant, source.level
        rl_config.invariant = 1
        if source.getEffectiveLevel() > logging.WARNING:  # silenced in the settings: we still need to hear it
            source.setLevel(logging.WARNING)
        # Heard here and raised as a PdfError, not printed on the console as well (xhtml2pdf also warns about
        # the bidi controls it leaves out on purpose).
        propagate, source.propagate = source.propagate, False
        source.addHandler(collect)
        try:
            result = pisa.CreatePDF(
                html,
                dest=out,
                path=str(base_dir / "document.html") if base_dir else "",
                default_css=css,
                resource_policy=policy,
            )
        except Exception as error:
            raise PdfError(f"xhtml2pdf failed: {type(error).__name__}: {error}") from error
        finally:
            source.removeHandler(collect)
            source.propagate = propagate
            source.setLevel(level)
            rl_config.invariant = invariant
    problems = _problems(result, collect.records, allow_missing_glyphs=allow_missing_glyphs)
    if problems:
        raise PdfError("xhtml2pdf reported problems", messages=problems)
    data = out.getvalue()
    if not data.startswith(b"%PDF-"):
        raise PdfError("xhtml2pdf returned no PDF")
    return data


_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)""", re.IGNORECASE)


def _document_language(html: str) -> str | None:
    match = _HTML_LANG.search(html[:2000])
    return match.group(1) if match else None


def _problems(result, records: list[logging.LogRecord], *, allow_missing_glyphs: bool) -> list[str]:
    """What went wrong, one line each: what xhtml2pdf logged, or else what its context counted."""
    messages: list[str] = []
    for record in records:
        message = record.getMessage().split("\n", 1)[0]
        glyph = _MISSING_GLYPH.match(message)
        if glyph:
            char = chr(int(glyph.group(2), 16))
            if char in CONTROL_CHARS:  # steers the bidi algorithm and is never drawn
                continue
            if allow_missing_glyphs:
                logger.warning("A PDF has no glyph for U+%04X: it comes out blank", ord(char))
                continue
        if message not in messages:
            messages.append(message)
    if not records and (getattr(result, "err", 0) or getattr(result, "warn", 0)):
        # Counted by xhtml2pdf but not logged (logging switched off): its own log has the unformatted messages.
        messages = list(dict.fromkeys(str(entry[2]) for entry in getattr(result, "log", []))) or [
            f"{result.err} error(s), {result.warn} warning(s)"
        ]
    return messages


def render_pdf(
    template_name: str,
    context: dict | None = None,
    *,
    request: HttpRequest | None = None,
    base_dir: str | Path | None = None,
    allow_missing_glyphs: bool = False,
) -> bytes:
    """Render a Django template in the active language and turn it into a PDF (see ``html_to_pdf``). The template
    gets ``pdf_font_stack``, the ``font-family`` of the active language, beside ``context``."""
    context = {"pdf_font_stack": mark_safe(font_stack()), **(context or {})}  # our own constant
    html = render_to_string(template_name, context, request=request)
    return html_to_pdf(html, base_dir=base_dir, allow_missing_glyphs=allow_missing_glyphs)


# Responses -------------------------------------------------------------------------------------------------------

_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """An ``application/pdf`` response, shown in the browser (``inline``) or downloaded, named ``filename``.
    The name is cleaned of path and control characters; a name outside ASCII is sent as RFC 6266 ``filename*``
    (UTF-8) after an ASCII ``filename`` for older clients."""
    name = _UNSAFE_IN_NAME.sub("-", unicodedata.normalize("NFC", filename)).strip(" .-")
    name = re.sub(r"(?i)\.pdf$", "", name).strip(" .-") or "document"
    fallback = re.sub(r"[^A-Za-z0-9._ -]+", "", unicodedata.normalize("NFKD", name))
    fallback = re.sub(r"\s*(?:-\s*){2,}", " - ", re.sub(r"\s+", " ", fallback)).strip(" .-") or "document"
    name, ascii_name = f"{name}.pdf", f"{fallback}.pdf"
    disposition = "inline" if inline else "attachment"
    header = f'{disposition}; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = header
    response["Content-Length"] = str(len(pdf))
    return response
