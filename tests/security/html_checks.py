"""What counts as executable markup in a rendered page, read by parsing the HTML (html5lib, as a browser does)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

DANGEROUS_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "style"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "background",
    "dynsrc",
    "lowsrc",
    "poster",
}
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:text/html", "data:image/svg")


def dangerous_nodes(html: str) -> list[str]:
    """Every element or attribute in ``html`` that could run script, one description each."""
    soup = BeautifulSoup(html, "html5lib")
    found = []
    for tag in soup.find_all(True):
        if tag.name in DANGEROUS_TAGS:
            text = tag.get_text()[:80] if tag.name in {"script", "style"} else ""
            found.append(f"<{tag.name}> {sorted(tag.attrs.items())!r:.200} {text!r}")
        if tag.name == "meta" and str(tag.get("http-equiv", "")).lower() in {"refresh", "content-type", "set-cookie"}:
            found.append(f"<meta http-equiv> {tag.attrs!r}")
        if tag.name == "link" and "stylesheet" not in (tag.get("rel") or []) and "javascript" in str(tag.get("href")):
            found.append(f"<link> {tag.attrs!r}")
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"<{tag.name} {name}=...>")
            if name.lower() in URL_ATTRIBUTES and _IGNORED_IN_URLS.sub("", value).lower().startswith(BAD_SCHEMES):
                found.append(f"<{tag.name} {name}={value[:60]!r}>")
            if name.lower() == "style" and re.search(r"expression|javascript:|url\(|behavior", value, re.I):
                found.append(f"<{tag.name} style={value[:60]!r}>")
    return found


def new_dangerous_nodes(html: str, baseline: str) -> list[str]:
    """What ``html`` has that the same page with harmless content (``baseline``) has not: the page's own
    scripts and stylesheets are there either way."""
    before = [_ids_blanked(node) for node in dangerous_nodes(baseline)]
    after = dangerous_nodes(html)
    for node in before:
        same = next((each for each in after if _ids_blanked(each) == node), None)
        if same is not None:
            after.remove(same)
    return after


_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<=/)\d+(?=/)")


def _ids_blanked(node: str) -> str:
    """The page's own form posting to another object (its UUID or number in the address) is the same form."""
    return _IDS.sub("<id>", node)


def page_text(html: str) -> str:
    return BeautifulSoup(html, "html5lib").get_text()


def as_text(payload: str) -> str:
    """How a plain-text value reads back after HTML parsing (line ends normalised)."""
    return payload.replace("\r\n", "\n").replace("\r", "\n").strip()
