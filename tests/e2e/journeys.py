"""What the people's journeys (test_journey_*.py) share: a ``Journey`` that keeps a screenshot of every page reached
and checks it with axe, the words of the interface in the journey's language, signing in, and the course with a
quiz that the teacher takes and the trainer grades.

A journey drives the real interface: it clicks links and buttons found by their role and their visible text in the
language of the journey (so a missing translation fails it too); it goes to an address only for its first page and
for links received by email.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from cms.models import LessonPage
from cms.outline import course_sync
from tests.e2e import a11y
from tests.e2e.conftest import ARTEFACTS

PASSWORD = "a-long-test-password-1"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
LANGUAGES = ("en", "ru", "ar")
SCRIPTS = {"ru": re.compile(r"[А-Яа-яЁё]"), "ar": re.compile(r"[\u0600-\u06FF]")}
# Expectations wait as long as actions do (the browser context's default timeout): a loaded machine in CI is slow.
expect.set_options(timeout=15_000)
# Where the journeys also list the accessibility violations they meet, one per line (address, language, rule, element,
# its HTML), for whoever fixes the templates: beside the screenshots, unless $E2E_A11Y_LOG names another file.
A11Y_LOG = Path(os.environ.get("E2E_A11Y_LOG") or ARTEFACTS / "a11y-violations.tsv")


def tr(language: str, message: str, plural: str = "", n: int = 1, *, context: str = "", strict: bool = True) -> str:
    """``message`` as the interface writes it in ``language``; in Russian and Arabic an untranslated string fails
    (``strict=False`` for Wagtail's own strings, whose catalogues are not ours to complete)."""
    with translation.override(language):
        if context:
            text = translation.pgettext(context, message)
        else:
            text = ngettext(message, plural, n) if plural else gettext(message)
    if strict and language in SCRIPTS:
        assert SCRIPTS[language].search(text), f"not translated into {language}: {message!r}"
    return text


def exactly(text: str) -> re.Pattern:
    """A name that is ``text`` and nothing more (get_by_role's ``exact`` also refuses surrounding spaces)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def field_label(text: str) -> re.Pattern:
    """A form field's label: ``text`` and the label's suffix (a colon in every language) if any."""
    return re.compile(rf"^\s*{re.escape(text)}\s*[:：]?\s*$")


# Elements wider than the screen on either side, except inside a box that scrolls or clips by itself (a wide table in
# its scrolling frame) and the visually hidden ones.
_STICKING_OUT = """(width) => {
  const clipped = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll('*')]
    .filter((e) => e.getClientRects().length && !e.closest('.visually-hidden, .skip-link'))
    .filter((e) => { const r = e.getBoundingClientRect(); return r.left < -1 || r.right > width + 1; })
    .filter((e) => !clipped(e))
    .slice(0, 5).map((e) => e.outerHTML.slice(0, 120));
}"""


class Journey:
    """One person's way through the site in one language: ``journey.at("step")`` on every page reached keeps a
    screenshot and runs axe (WCAG 2.1 A/AA); the violations are collected, written to ``A11Y_LOG``, and
    ``journey.finish()`` fails with all of them, after the journey has checked its outcomes."""

    def __init__(self, page: Page, *, base_url: str, language: str, screenshot, exclude: tuple[str, ...] = ()):
        self.page = page
        self.base_url = base_url
        self.language = language
        self._screenshot = screenshot
        self._exclude = exclude
        self.problems: list[str] = []
        self.steps: list[str] = []

    def t(self, message: str, plural: str = "", n: int = 1, *, context: str = "", strict: bool = True) -> str:
        return tr(self.language, message, plural, n, context=context, strict=strict)

    def start(self, path: str, step: str) -> None:
        """The first page of the journey, by its address."""
        self.page.goto(self.base_url + path)
        self.at(step)

    def at(self, step: str, *, exclude: tuple[str, ...] = ()) -> None:
        """She has reached a page: it is in her language, and it is kept and checked."""
        page = self.page
        page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if self.language == "ar" else "ltr")
        if "/cms-admin/" in page.url:  # Wagtail's own markup: what a11y.py documents as not ours to fix
            exclude = (*exclude, *getattr(a11y, "WAGTAIL_ADMIN_EXCLUDE", ()))
        self.steps.append(step)
        self._screenshot(page, step)
        violations = a11y.axe_violations(page, exclude=self._exclude + exclude)
        if violations:
            self.problems.append(a11y.format_violations(f"{page.url} [{self.language}] ({step})", violations))
            _log_violations(page.url, self.language, violations)

    def click_link(self, name: str, *, within=None, exact: bool = True) -> None:
        where = within if within is not None else self.page
        where.get_by_role("link", name=name, exact=exact).first.click()

    def click_button(self, name: str, *, within=None, exact: bool = True) -> None:
        where = within if within is not None else self.page
        where.get_by_role("button", name=name, exact=exact).first.click()

    def expect_message(self, message: str) -> None:
        expect(
            self.page.locator(".messages, [role=status], [role=alert]").filter(has_text=message).first
        ).to_be_visible()

    def no_sideways_scrolling(self) -> None:
        """Nothing wider than the screen: the document does not scroll sideways, and no element sticks out on either
        side (in a right-to-left page what sticks out on the left does not always widen the document)."""
        # A phone browser widens its layout viewport to fit what sticks out (innerWidth grows with it): measure
        # against the screen's own width.
        width = self.page.viewport_size["width"]
        outside = self.page.evaluate(_STICKING_OUT, width)
        assert self.page.evaluate("document.documentElement.scrollWidth") <= width and not outside, (
            f"the page scrolls sideways at {self.page.viewport_size}: {self.page.url}; sticking out: {outside}"
        )

    def finish(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


def _log_violations(url: str, language: str, violations: list[dict]) -> None:
    """One line per element: the page's path (ids as <id>), language, rule, element, its HTML; each once."""
    try:
        A11Y_LOG.parent.mkdir(parents=True, exist_ok=True)
        seen = A11Y_LOG.read_text(encoding="utf-8") if A11Y_LOG.exists() else ""
        path = re.sub(r"/\d+(?=/)", "/<id>", re.sub(r"^https?://[^/]+", "", url))
        lines = []
        for violation in violations:
            for node in violation["nodes"]:
                key = f"{path}\t{language}\t{violation['id']}\t{node['target']}\t"
                if key not in seen and not any(line.startswith(key) for line in lines):
                    lines.append(key + " ".join(node["html"].split())[:200])
        if lines:
            with A11Y_LOG.open("a", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n")
    except OSError:  # the list helps the people fixing templates; the test fails on the violations anyway
        pass


@contextmanager
def browser_page(chromium, *, language: str, **options) -> Iterator[Page]:
    """A page in a new browser context of its own (its own cookies) whose browser speaks ``language``."""
    context = chromium.new_context(**{**DESKTOP, "locale": language, **options})
    context.set_default_timeout(15000)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(journey: Journey, user, *, password: str = PASSWORD) -> None:
    """From the home page in her language, through the header's "Sign in" link."""
    journey.start(f"/{journey.language}/", "home")
    journey.click_link(journey.t("Sign in"), within=journey.page.locator("header"))
    journey.at("sign-in")
    page = journey.page
    page.get_by_label(field_label(journey.t("Email or username"))).fill(user.email)
    page.get_by_label(field_label(journey.t("Password"))).fill(password)
    page.locator("main form").get_by_role("button", name=journey.t("Sign in")).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def quiz_in_lessons(course, quiz, *, slug: str, languages: tuple[str, ...], intro: str = "<p>…</p>") -> None:
    """Put ``quiz`` in the lesson ``slug`` of ``course`` in every language, publish, and sync the outline: that
    lesson becomes the course's quiz step."""
    for lesson in LessonPage.objects.filter(locale__language_code__in=languages, slug=slug):
        lesson.body = [("paragraph", intro), ("quiz", {"quiz": quiz})]
        lesson.save_revision().publish()
    course_sync(course.pk)
    quiz.refresh_from_db()
    assert quiz.activity is not None
