"""Issue #9, XSS: every payload of ``xss_payloads`` (the categories of OWASP's XSS Filter Evasion Cheat Sheet)
goes in through the real path of each input that is shown back, and the page that shows it has no executable
markup the user supplied: no script, frame, object or embed element, no event-handler attribute, no
javascript:/vbscript:/data:text/html address, no style with expression() or url(). Plain-text inputs must
read back as the same text (escaped); rich text may lose the dangerous parts (sanitised).

Inputs × payloads: the sanitiser itself, Wagtail rich text (SanitisedRichTextBlock), the profile's full name
and certificate names, a library submission's title, summary and attribution, and a webinar's title,
description and materials."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cms.blocks import SanitisedRichTextBlock
from core.sanitize import sanitize_html
from tests.factories.accounts import UserFactory
from tests.factories.library import library_index
from tests.factories.roles import superuser, trainer
from tests.factories.webinars import SessionFactory
from webinars.models import Event
from webinars.services.events import event_create

from .html_checks import as_text, dangerous_nodes, new_dangerous_nodes, page_text
from .xss_payloads import PAYLOADS, ids

payloads = pytest.mark.parametrize(("category", "payload"), PAYLOADS, ids=ids())


def assert_no_script(html: str, *, baseline: str | None = None) -> None:
    found = dangerous_nodes(html) if baseline is None else new_dangerous_nodes(html, baseline)
    assert not found, f"executable markup survived: {found}"


# Rich text -------------------------------------------------------------------------------------------------


@payloads
def test_the_sanitiser_leaves_no_executable_markup(category, payload):
    assert_no_script(sanitize_html(payload))
    assert_no_script(sanitize_html(f"<p>before {payload} after</p>"))


@payloads
def test_wagtail_rich_text_blocks_are_sanitised_when_stored(category, payload):
    block = SanitisedRichTextBlock(features=["bold", "italic", "link", "ul", "ol"])
    value = block.to_python(payload)
    stored = block.get_prep_value(value)
    assert_no_script(stored)
    assert_no_script(str(block.render(block.to_python(stored))))


# Plain text: the profile ----------------------------------------------------------------------------------


@pytest.fixture
def baseline_profile(client, db):
    user = UserFactory(full_name="Nadia Karimova")
    client.force_login(user)
    html = client.get("/en/accounts/profile/").content.decode()
    client.logout()
    return html


@pytest.mark.django_db
@payloads
def test_profile_names_are_escaped(client, baseline_profile, category, payload):
    user = UserFactory(full_name="Nadia Karimova")
    client.force_login(user)
    form = client.get("/en/accounts/profile/").context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data = {name: value for name, value in data.items() if value != "" or name in {"full_name"}}
    data.update(full_name=payload[:255], certificate_name=payload[:255], time_zone="UTC", preferred_language="en")
    response = client.post("/en/accounts/profile/", data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: the form shows again with what she typed
        assert_no_script(response.content.decode(), baseline=baseline_profile)
        return
    user.refresh_from_db()
    assert user.full_name == payload[:255].strip()
    html = client.get("/en/accounts/profile/").content.decode()
    assert_no_script(html, baseline=baseline_profile)
    dashboard = client.get("/en/dashboard/")
    assert_no_script(dashboard.content.decode(), baseline=_baseline(client, "/en/dashboard/"))


_BASELINES: dict[str, str] = {}


def _baseline(client, url: str) -> str:
    """The page for a user with a harmless name (its own scripts and stylesheets)."""
    if url not in _BASELINES:
        from django.test import Client

        other = Client()
        other.force_login(UserFactory(full_name="Nadia Karimova"))
        _BASELINES[url] = other.get(url).content.decode()
    return _BASELINES[url]


# Plain text: a library submission --------------------------------------------------------------------------


@pytest.mark.django_db
@payloads
def test_library_submissions_are_escaped(client, category, payload):
    from cms.models import ResourcePage

    library_index("en")
    client.force_login(UserFactory())
    title = f"{payload[:240]} #x"
    response = client.post(
        "/en/library/submit/",
        {
            "title": title,
            "summary": payload[:600],
            "resource_type": "lesson_plan",
            "licence": "cc-by-4.0",
            "attribution": payload[:300],
            "languages": ["en"],
            "link": "https://oer.example.org/fractions/",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ResourcePage.objects.get()
    state = page.current_workflow_state
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, superuser(), "approve")
    page.refresh_from_db()
    assert page.live
    client.logout()
    html = client.get(page.url).content.decode()
    baseline = _resource_baseline(client)
    assert_no_script(html, baseline=baseline)
    assert as_text(payload[:600]) in page_text(html)
    listing = client.get("/en/library/").content.decode()
    assert_no_script(listing, baseline=baseline)


def _resource_baseline(client) -> str:
    return client.get("/en/library/").content.decode()


# Webinars: title (plain), description and materials (rich) ------------------------------------------------


@pytest.mark.django_db
@payloads
def test_webinar_texts_are_escaped_or_sanitised(client, category, payload):
    owner = trainer()
    harmless = event_create(by=owner, title="Digital pedagogy", time_zone="UTC", description="<p>Hello</p>")
    event = event_create(
        by=owner, title=payload[:255], time_zone="UTC", description=payload, materials=f"<p>{payload}</p>"
    )
    for each in (harmless, event):
        Event.objects.filter(pk=each.pk).update(status=Event.Status.PUBLISHED)
        SessionFactory(event=each)
    url = reverse("webinars:event-detail", kwargs={"event_uuid": event.uuid})
    baseline = client.get(reverse("webinars:event-detail", kwargs={"event_uuid": harmless.uuid})).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_script(html, baseline=baseline)
    assert as_text(payload[:255]) in page_text(html)
