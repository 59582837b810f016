"""A real Chromium driven by Playwright against Django's live server (pytest-django ``live_server``).

Chromium comes from the system (`apt-get install chromium`, see .ci/run), never from `playwright install`.
Without it these tests are skipped loudly on a developer's machine and fail under REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import missing_service

ROOT = Path(__file__).resolve().parents[2]
# Screenshots the journeys take, kept after the run (CI keeps the folder as the run's artefacts)
ARTEFACTS = Path(os.environ.get("E2E_ARTEFACTS", ROOT / "test-artifacts" / "e2e"))

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def chromium(monkeypatch):
    """One browser per test: Playwright's sync API runs an event loop in this thread while it is open, and the
    ORM calls a test makes between browser steps are synchronous and safe, so Django's async guard is lifted
    for the test only (and never leaks into other tests or their subprocesses)."""
    path = _chromium_path()
    if not path:
        missing_service("Chromium")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A page in a phone-sized browser context (360 × 740 CSS pixels, touch)."""
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-")


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "step")`` keeps a full-page PNG of where the journey is, numbered in order, under
    ``test-artifacts/e2e/<test>/`` (or ``$E2E_ARTEFACTS``); the folder is emptied when the test starts."""
    folder = ARTEFACTS / _safe(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    taken = 0

    def take(page, step: str) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{_safe(step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
