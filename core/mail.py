"""Email in the recipient's language: rendered here, inside ``translation.override``, and sent by a
background job (``core.send_email``) through the outbox."""

from __future__ import annotations

from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from .jobs import job_enqueue
from .models import Job


def render_email(template: str, *, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render ``<template>_subject.txt``, ``<template>.txt`` and (if present) ``<template>.html``."""
    with translation.override(language):
        context = {**context, "LANGUAGE_CODE": language, "LANGUAGE_BIDI": translation.get_language_bidi()}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html


def email_send(*, to: str, language: str, template: str, context: dict[str, Any]) -> Job:
    """Queue one email to ``to``, written in ``language``."""
    subject, text, html = render_email(template, language=language, context=context)
    return job_enqueue(
        "core.send_email",
        kwargs={"to": [to], "subject": subject, "text": text, "html": html, "language": language},
        label=subject,
    )
