"""Plain-text emails carry text as typed: a course called "Q&A <basics>" is not sent as "Q&amp;A &lt;basics&gt;"."""

from __future__ import annotations

import glob
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.mail import render_email

ROOT = Path(__file__).resolve().parents[2]


def test_a_plain_text_email_is_not_html_escaped():
    subject, text, _html = render_email(
        "courses/email/announcement",
        language="en",
        context={
            "user": SimpleNamespace(full_name="Nour & Sami"),
            "announcement": SimpleNamespace(subject="Q&A <basics>", body='Bring "your" notes & questions.'),
            "course_title": "Q&A <basics>",
            "course_url": "https://example.org/en/courses/qa/?a=1&b=2",
        },
    )
    assert subject == "Q&A <basics>: Q&A <basics>"
    assert "Nour & Sami" in text and 'Bring "your" notes & questions.' in text
    assert "?a=1&b=2" in text and "&amp;" not in text


@pytest.mark.parametrize(
    "path",
    sorted(glob.glob(str(ROOT / "*/templates/*/email/*.txt")) + glob.glob(str(ROOT / "lms/*/templates/*/email/*.txt"))),
    ids=lambda path: str(Path(path).relative_to(ROOT)),
)
def test_every_plain_text_email_template_turns_html_escaping_off(path):
    assert "{% autoescape off %}" in Path(path).read_text()
