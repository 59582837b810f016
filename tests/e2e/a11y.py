"""Accessibility checks in the real browser: axe-core (from npm, pinned in package.json and package-lock.json,
installed by `make install-dev`) injected into the page, run against the WCAG 2.0 and 2.1 A and AA rules.

axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern, so the
journeys keep the site's real policy while they are checked (a ``<script>`` tag added to the page would be
refused by it, as it should be).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tests.conftest import missing_service

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

# Violations inside Wagtail's own admin markup that our code cannot fix: each is the narrowest selector that leaves
# out only that element, with the Wagtail issue that tracks it; docs/accessibility.md lists them too. Whatever our
# code adds to the admin (blocks, panels, help texts) is checked in full.
WAGTAIL_ADMIN_EXCLUDE: tuple[str, ...] = (
    # Draftail's editing surface (a contenteditable role="textbox") is not tied to the field's <label>, which points
    # at the hidden input it replaces: no accessible name (aria-input-field-name). wagtail/wagtail#14205 (open).
    '.public-DraftEditor-content[role="textbox"]',
)

_RUN = """async ([tags, exclude]) => {
  // Let running CSS transitions and animations that end within 3 s end first (paused, long and endless ones, such as
  // the ping on Wagtail's help badge, are left alone): colours measured halfway through a fade (Wagtail's messages
  // fade in) are not the colours anyone reads.
  const ending = document.getAnimations().filter((a) => {
    const timing = a.playState === 'running' && a.effect ? a.effect.getComputedTiming() : null;
    return timing !== null && timing.endTime - (timing.localTime || 0) <= 3000;
  });
  const ended = Promise.all(ending.map((a) => a.finished.catch(() => null)));
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 3000))]);
  const context = exclude.length ? {exclude: exclude.map((selector) => [selector])} : document;
  const results = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 300), summary: n.failureSummary})),
  }));
}"""


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        missing_service("axe-core (node_modules/axe-core: run `make install-dev`)")
    return AXE_JS.read_text(encoding="utf-8")


def install_axe(context) -> None:
    """Load axe-core into every page the browser context opens from now on, as the page starts (through the DevTools
    protocol, like ``page.evaluate``: the page's CSP does not apply) — cheaper than injecting it after each load."""
    context.add_init_script(script=_axe_source())


def axe_violations(page, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe finds in the page as it is now (``exclude``: CSS selectors left out)."""
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(_RUN, [list(WCAG_TAGS), list(exclude)])


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html']}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page, *, exclude: tuple[str, ...] = ()) -> None:
    """Fail with every violation named (rule, impact, elements) if axe finds any WCAG 2.1 A/AA violation."""
    violations = axe_violations(page, exclude=exclude)
    assert not violations, format_violations(page.url, violations)
