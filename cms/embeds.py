"""Interactive content and video from an allow-list of providers, embedded as iframes that we build from the
URL alone (no oEmbed request over the internet: ``WAGTAILEMBEDS_FINDERS`` is empty). Nothing autoplays: the
player addresses are rebuilt without the author's query string, and whatever other address is passed through
loses its autoplay parameters."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# host (or suffix after a dot) -> provider name
PROVIDERS = {
    "h5p.org": "H5P",
    "h5p.com": "H5P",
    "phet.colorado.edu": "PhET",
    "geogebra.org": "GeoGebra",
    "youtube.com": "YouTube",
    "youtube-nocookie.com": "YouTube",
    "youtu.be": "YouTube",
    "vimeo.com": "Vimeo",
    "player.vimeo.com": "Vimeo",
}
VIDEO_PROVIDERS = {"YouTube", "Vimeo"}
# Where the video providers' players are loaded from, whatever address the author pasted (embed_url).
PLAYER_ORIGINS = {"YouTube": "https://www.youtube-nocookie.com", "Vimeo": "https://player.vimeo.com"}
_YOUTUBE_ID = re.compile(r"^[\w-]{11}$")
# Query parameters that start a player by itself (YouTube, Vimeo, H5P, JW Player, Kaltura, Brightcove...).
_AUTOPLAY = re.compile(r"^(auto[_-]?play|auto[_-]?start)$", re.IGNORECASE)


def provider_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    host = parts.hostname.lower()
    for allowed, name in PROVIDERS.items():
        if host == allowed or host.endswith("." + allowed):
            return name
    return None


def embed_url(url: str) -> str:
    """The iframe address for an allow-listed ``url``; raises ValidationError for anything else. YouTube goes
    through its no-cookie domain and nothing autoplays."""
    provider = provider_of(url)
    if provider is None:
        raise ValidationError(
            _("Use an https address from an allowed provider: %(providers)s."),
            params={"providers": ", ".join(sorted(set(PROVIDERS.values())))},
        )
    parts = urlsplit(url)
    if provider == "YouTube":
        video_id = _youtube_id(parts)
        if not video_id:
            raise ValidationError(_("This YouTube address does not name a video."))
        return f"{PLAYER_ORIGINS['YouTube']}/embed/{video_id}?rel=0"
    if provider == "Vimeo":
        match = re.search(r"/(?:video/)?(\d+)", parts.path)
        if not match:
            raise ValidationError(_("This Vimeo address does not name a video."))
        return f"{PLAYER_ORIGINS['Vimeo']}/video/{match.group(1)}?dnt=1"
    return without_autoplay(url)


def frame_origins() -> list[str]:
    """The origins an iframe from embed_url can have, for Content-Security-Policy's frame-src and Permissions-Policy
    (config/settings/base.py): the video players, and each other provider's host and any host under it, as
    provider_of accepts."""
    origins = [PLAYER_ORIGINS[name] for name in sorted(VIDEO_PROVIDERS)]
    for host, name in PROVIDERS.items():
        if name not in VIDEO_PROVIDERS:
            origins += [f"https://{host}", f"https://*.{host}"]
    return origins


def watch_url(url: str) -> str:
    """The provider's own page for an allow-listed ``url``: where the link of a player that is not loaded yet
    leads (without JavaScript, or to watch in the provider's app)."""
    embed = embed_url(url)
    provider = provider_of(url)
    if provider == "YouTube":
        return "https://www.youtube.com/watch?v=" + urlsplit(embed).path.rsplit("/", 1)[-1]
    if provider == "Vimeo":
        return "https://vimeo.com/" + urlsplit(embed).path.rsplit("/", 1)[-1]
    return embed


def without_autoplay(url: str) -> str:
    """``url`` without the query parameters that make a player start by itself."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = [(name, value) for name, value in pairs if not _AUTOPLAY.match(name)]
    if len(query) == len(pairs) and not _AUTOPLAY.match(parts.fragment):
        return url  # as the author wrote it
    fragment = "" if _AUTOPLAY.match(parts.fragment) else parts.fragment
    return urlunsplit(parts._replace(query=urlencode(query), fragment=fragment))


def _youtube_id(parts) -> str | None:
    host = parts.hostname.lower()
    candidate = None
    if host.endswith("youtu.be"):
        candidate = parts.path.strip("/").split("/")[0]
    elif parts.path == "/watch":
        candidate = parse_qs(parts.query).get("v", [None])[0]
    elif parts.path.startswith(("/embed/", "/shorts/", "/live/")):
        candidate = parts.path.split("/")[2]
    return candidate if candidate and _YOUTUBE_ID.match(candidate) else None
