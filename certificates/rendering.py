"""Certificate PDFs: a template's HTML with its placeholders filled, in a sandbox, through ``core.pdf``.

The sandbox. Administrators write a template's HTML and CSS, so neither may reach the database, the file system or
the network: the HTML may hold only ``{{ placeholder }}`` for the names in ``PLACEHOLDERS`` (no template tags, no
filters), it is sanitised to a list of layout tags and attributes, and images may only be ``data:`` addresses —
the logos, signatures, background and QR code are inlined by this module from the template's own files. The CSS may
not load anything (no ``url(``, no ``@import``). ``template_check`` says what is wrong, in the administrator's
language, before anything is saved.

Same data, same bytes: the values come from the certificate's snapshot, the dates are the snapshot's, and
``core.pdf`` renders deterministically, so a rendition's SHA-256 identifies its content.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import nh3
import segno
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from core.pdf import font_stack, html_to_pdf

from .codes import code_display
from .texts import text_in

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"

# Name → what it stands for (shown to administrators on the template form).
PLACEHOLDERS: dict[str, Any] = {
    "learner_name": gettext_lazy("The learner's name as she set it for certificates."),
    "learner_name_latin": gettext_lazy("Her name in Latin letters, if she gave it (empty otherwise)."),
    "achievement": gettext_lazy(
        "What she did, in the certificate's language: “has successfully completed the course”, or “took part in the "
        "workshop” for a workshop's attendance certificate."
    ),
    "course_title": gettext_lazy("The course's (or workshop's) title in the certificate's language."),
    "hours": gettext_lazy("The hours of study, as a number."),
    "completion_date": gettext_lazy("The day she completed the course."),
    "issue_date": gettext_lazy("The day the certificate was issued."),
    "valid_until": gettext_lazy("The last day the certificate is valid (empty if it does not expire)."),
    "validity": gettext_lazy(
        "“Valid until” and that day, in the certificate's language (empty if it does not expire)."
    ),
    "competencies": gettext_lazy("The ICT CFT competencies (aspect and level), as a list."),
    "verification_code": gettext_lazy("The verification code, in groups of four."),
    "verification_url": gettext_lazy("The address of the public verification page."),
    "qr_code": gettext_lazy("A QR code of the verification address."),
    "issuer": gettext_lazy("Who issues the certificate."),
    "logo": gettext_lazy("The template's logo."),
    "second_logo": gettext_lazy("The template's second logo."),
    "signatories": gettext_lazy("The signatories with their signatures, names and titles."),
}
# Placeholders whose value is markup this module builds; every other value is escaped text.
_MARKUP = {"validity", "competencies", "qr_code", "logo", "second_logo", "signatories"}

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_TAGLIKE = re.compile(r"\{[%#]|\{\{|\}\}")
_CSS_FORBIDDEN = re.compile(r"url\s*\(|@import|expression\s*\(|\\", re.IGNORECASE)
_IMG_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
_STYLE_FORBIDDEN = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)

ALLOWED_TAGS = {
    "div", "p", "span", "br", "hr", "h1", "h2", "h3", "h4", "strong", "b", "em", "i", "small", "big", "sup", "sub",
    "u", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "col", "colgroup", "ul", "ol", "li", "img",
    "section", "header", "footer", "blockquote",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "dir", "lang", "style", "align", "valign", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "img": {"src", "alt"},
}
MAX_IMAGE_BYTES = 2 * 1024 * 1024


class TemplateError(ValueError):
    """What is wrong with a template's HTML or CSS: a list of messages for the administrator."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Design:
    """What a PDF is made from besides the certificate's data: a template row's fields, or a default file."""

    body: str
    css: str = ""
    orientation: str = "landscape"
    issuer: str = ""
    logo: bytes = b""
    second_logo: bytes = b""
    background: bytes = b""
    signatories: tuple[tuple[str, str, bytes], ...] = ()  # (name, title, signature image)
    template_id: int | None = None
    version: int = 0


def template_check(body: str, css: str = "") -> None:
    """Raise ``TemplateError`` listing everything the sandbox refuses in this HTML and CSS."""
    problems: list[str] = []
    unknown = sorted({name for name in _PLACEHOLDER.findall(body) if name not in PLACEHOLDERS})
    if unknown:
        problems.append(_("Unknown placeholders: %(names)s.") % {"names": ", ".join(unknown)})
    if _TAGLIKE.search(_PLACEHOLDER.sub("", body)):
        problems.append(_("Only placeholders such as {{ learner_name }} may be used: template tags are not allowed."))
    if _CSS_FORBIDDEN.search(css or "") or _STYLE_FORBIDDEN.search(body):
        problems.append(_("The CSS may not load files or addresses (url(), @import)."))
    if re.search(r"@page", css or "", re.IGNORECASE):
        problems.append(_("The CSS may not set @page: the page's size comes from the template's page setting."))
    if problems:
        raise TemplateError(problems)


def design_default(language: str) -> Design:
    """The default template shipped for ``language`` (English for languages without one)."""
    path = DEFAULTS_DIR / f"default.{language}.html"
    if not path.exists():
        path = DEFAULTS_DIR / "default.en.html"
    css = (DEFAULTS_DIR / "default.css").read_text(encoding="utf-8")
    return Design(body=path.read_text(encoding="utf-8"), css=css)


def design_from_template(template) -> Design:
    """A ``CertificateTemplate`` row (with its signatories) as a ``Design``."""

    def read(field) -> bytes:
        if not field:
            return b""
        with field.open("rb") as handle:
            return handle.read(MAX_IMAGE_BYTES + 1)[:MAX_IMAGE_BYTES]

    return Design(
        body=template.body,
        css=template.css,
        orientation=template.orientation,
        issuer=template.issuer,
        logo=read(template.logo),
        second_logo=read(template.second_logo),
        background=read(template.background),
        signatories=tuple((s.name, s.title, read(s.signature)) for s in list(template.signatories.all())[:3]),
        template_id=template.pk,
        version=template.version,
    )


def render_html(design: Design, values: dict[str, Any], *, language: str) -> str:
    """The whole HTML document for xhtml2pdf: the design's body with ``values`` put in (see ``certificate_values``)."""
    template_check(design.body, design.css)
    with translation.override(language):
        rtl = get_language_bidi()
        filled = {name: _value_markup(name, values, design) for name in PLACEHOLDERS}
    body = _PLACEHOLDER.sub(lambda match: filled[match.group(1)], design.body)
    body = nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"data"},
        link_rel=None,
        strip_comments=True,
    )
    body = _IMG_WITHOUT_SOURCE.sub("", body)  # its address was not allowed: nothing to draw
    page = "a4 landscape" if design.orientation == "landscape" else "a4 portrait"
    background = ""
    if design.background:
        background = f"background-image: url('{_data_uri(design.background)}');"
    direction = "rtl" if rtl else "ltr"
    family = font_stack(language)
    return (
        f'<!DOCTYPE html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8"><style>'
        f"@page {{ size: {page}; margin: 0.9cm; {background} }}\n"
        f"body {{ font-family: {family}; }}\n{design.css}</style></head>"
        f'<body dir="{direction}">{body}</body></html>'
    )


def render_pdf(design: Design, values: dict[str, Any], *, language: str) -> bytes:
    return html_to_pdf(render_html(design, values, language=language), language=language)


def certificate_values(certificate, *, verification_url: str) -> dict[str, Any]:
    """The placeholders' values for a certificate, from its snapshot only (so a re-render says the same)."""
    snapshot = certificate.snapshot
    return {
        "kind": snapshot.get("kind", "course"),
        "learner_name": snapshot.get("learner_name", ""),
        "learner_name_latin": snapshot.get("learner_name_latin", ""),
        "course_title": text_in(snapshot.get("titles", {}), certificate.language, settings.LANGUAGE_CODE)[0],
        "hours": snapshot.get("hours", ""),
        "completion_date": snapshot.get("completed_on", ""),
        "issue_date": snapshot.get("issued_on", ""),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else "",
        "competencies": snapshot.get("competencies", []),
        "verification_code": code_display(certificate.code),
        "verification_url": verification_url,
        "issuer": snapshot.get("issuer", ""),
    }


def sample_values(language: str, *, verification_url: str = "https://example.org/verify/SAMPLE/") -> dict[str, Any]:
    """Made-up data for the template preview."""
    names = {
        "en": ("Amina Yusuf", ""),
        "ru": ("Анна Сергеевна Петрова", "Anna Sergeevna Petrova"),
        "ar": ("فاطمة الزهراء بن علي", "Fatima Al-Zahra Ben Ali"),
    }
    with translation.override(language):
        title, issuer = _("Teaching with digital tools"), _("Ministry of Education")
    name, latin = names.get(language, names["en"])
    return {
        "kind": "course",
        "learner_name": name,
        "learner_name_latin": latin,
        "course_title": title,
        "hours": "12.5",
        "completion_date": "2026-11-20",
        "issue_date": "2026-11-21",
        "valid_until": "",
        # As lms snapshots them (lms.competencies.framework), in the three languages.
        "competencies": [
            {
                "code": "3.1",
                "aspect": {"en": "Pedagogy", "ru": "Педагогические практики", "ar": "أصول التدريس"},
                "level": {"en": "Knowledge Acquisition", "ru": "Приобретение знаний", "ar": "اكتساب المعرفة"},
            },
            {
                "code": "4.2",
                "aspect": {
                    "en": "Application of Digital Skills",
                    "ru": "Применение цифровых навыков",
                    "ar": "تطبيق المهارات الرقمية",
                },
                "level": {"en": "Knowledge Deepening", "ru": "Углубление знаний", "ar": "تعميق المعرفة"},
            },
        ],
        "verification_code": code_display("7K3MQ2X9ABCD4EFGH5JKMN6PQR"),
        "verification_url": verification_url,
        "issuer": issuer,
    }


# Values ---------------------------------------------------------------------------------------------------------


def _value_markup(name: str, values: dict[str, Any], design: Design) -> str:
    value = values.get(name, "")
    if name == "issuer":  # the template's issuer (a ministry's own template) before the platform's
        return html.escape(str(design.issuer or value))
    if name in ("completion_date", "issue_date", "valid_until"):
        return _date_markup(value)
    if name == "validity":
        until = values.get("valid_until")
        return _("Valid until %(date)s") % {"date": _date_markup(until)} if until else ""
    if name == "hours":
        return html.escape(_hours(value))
    if name == "achievement":
        if values.get("kind") == "workshop":
            return html.escape(_("took part in the workshop"))
        return html.escape(_("has successfully completed the course"))
    if name in ("verification_code", "verification_url"):
        return _ltr(html.escape(str(value)))
    if name == "competencies":
        return _competencies_markup(value)
    if name == "qr_code":
        url = values.get("verification_url", "")
        if not url:
            return ""
        qr = segno.make(str(url), error="m")
        return f'<img class="qr" src="{qr.png_data_uri(scale=4, border=2)}" alt="">'
    if name in ("logo", "second_logo"):
        data = getattr(design, name)
        return f'<img class="{name.replace("_", "-")}" src="{_data_uri(data)}" alt="">' if data else ""
    if name == "signatories":
        return _signatories_markup(design.signatories)
    if name in _MARKUP:  # pragma: no cover - every markup placeholder is handled above
        raise AssertionError(name)
    return html.escape(str(value))


def _date_markup(value: Any) -> str:
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    # Isolated, its direction from its first letter: "21 نوفمبر، 2026" reads right to left, "21/11/2026" left
    # to right, and neither spills into the sentence around it.
    return f"<span>\u2068{html.escape(formats.date_format(day, 'DATE_FORMAT'))}\u2069</span>"


def _ltr(markup: str) -> str:
    """Kept left to right inside right-to-left text (a code, an address, a date). xhtml2pdf ignores ``dir`` on an
    inline element but applies the Unicode bidi algorithm with isolates: the text is wrapped in LEFT-TO-RIGHT
    ISOLATE … POP DIRECTIONAL ISOLATE (dropped from the drawn text), and in a ``dir="ltr"`` span for HTML readers."""
    return f'<span dir="ltr">\u2066{markup}\u2069</span>'


def _hours(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value or "")
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return formats.number_format(number, use_l10n=True)


def _competencies_markup(items: list[dict[str, Any]]) -> str:
    if not items:
        return ""
    language = translation.get_language()
    rows = []
    for item in items:
        aspect = html.escape(text_in(item.get("aspect", {}), language, settings.LANGUAGE_CODE)[0])
        level = html.escape(text_in(item.get("level", {}), language, settings.LANGUAGE_CODE)[0])
        code = html.escape(str(item.get("code", "")))
        rows.append(f"<li>{_ltr(code)} {aspect} — {level}</li>")
    return f'<ul class="competencies">{"".join(rows)}</ul>'


def _signatories_markup(signatories: tuple[tuple[str, str, bytes], ...]) -> str:
    if not signatories:
        return ""
    cells = []
    for name, title, image in signatories:
        picture = f'<img class="signature" src="{_data_uri(image)}" alt=""><br>' if image else ""
        cells.append(
            f'<td class="signatory">{picture}<span class="signatory-name">{html.escape(name)}</span><br>'
            f'<span class="signatory-title">{html.escape(title)}</span></td>'
        )
    return f'<table class="signatories"><tr>{"".join(cells)}</tr></table>'


def _data_uri(data: bytes) -> str:
    kind = _image_type(data)
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return mimetypes.types_map.get(".png", "image/png")
