"""HTML sanitising for rich text that users or imported files supply (nh3, the Ammonia sanitiser)."""

import re

import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"dir", "lang", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """Return ``html`` with everything that could run script or break the page removed."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def strip_tags(html: str) -> str:
    """Plain text from ``html``, for places that must not carry markup at all."""
    return nh3.clean(html or "", tags=set(), attributes={})


# Wagtail stores rich text with its own markup for internal links and embedded images; keep exactly that.
_WAGTAIL_ATTRIBUTES = {
    **{tag: set(attributes) for tag, attributes in ALLOWED_ATTRIBUTES.items()},
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt"},
}
_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"}
for _tag in _BLOCK_TAGS:
    _WAGTAIL_ATTRIBUTES.setdefault(_tag, set()).add("data-block-key")


# After nh3 every attribute is quoted and lower-case, so this finds each <embed> that is not Wagtail's image embed.
_NOT_IMAGE_EMBED = re.compile(r'<embed(?![^>]*\sembedtype="image")[^>]*>')


def sanitize_wagtail_richtext(html: str) -> str:
    """Sanitise rich text in Wagtail's storage format (internal links and image embeds kept). Any other
    ``<embed>`` is removed: Wagtail would pass it to the browser as it is."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"embed"},
        attributes=_WAGTAIL_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return _NOT_IMAGE_EMBED.sub("", cleaned)
