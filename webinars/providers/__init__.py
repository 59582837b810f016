"""Conferencing providers: how an online session's meeting is opened, joined, ended, recorded and who was in it.

Two providers: ``link`` (the event's meeting link, for Jitsi, Zoom, Teams or anything else with a URL) and
``bbb`` (BigBlueButton through its API, configured by ``BBB_URL`` and ``BBB_SECRET``). Pages never call a
provider directly: ``webinars.services.online`` decides who gets a join link and when.

Every provider failure (network error, timeout, refusal) is a ``ProviderError`` whose message is worded for the
person who asked, in her language, so that no page shows a server error because a meeting service is down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext

if TYPE_CHECKING:
    from webinars.models import Event, Session


class ProviderError(Exception):
    """The meeting service could not do what was asked. ``str(error)`` is for the user; ``detail`` and ``key``
    keep what the service itself said (its own English message and message key), for the logs."""

    def __init__(self, message: str, *, key: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.key = key
        self.detail = detail


class Provider:
    """The interface every provider implements. The defaults suit a provider that only hands out a link."""

    name = ""

    def prepare(self, session: Session) -> None:
        """Make sure the meeting exists (create it if needed) and remember it in ``session.meeting_id``."""

    def join_url(self, session: Session, user: Any, *, moderator: bool) -> str:
        """The address that takes ``user`` into the meeting, as a moderator or as a participant."""
        raise NotImplementedError

    def end(self, session: Session) -> None:
        """End the meeting for everyone (nothing happens when it is not running)."""

    def recordings(self, session: Session) -> list[str]:
        """The addresses of the session's published recordings, oldest first."""
        return []

    def attendees(self, session: Session) -> list[str]:
        """The ids (``str(user.pk)``) of the people in the meeting now; people who joined otherwise are left
        out."""
        return []


def provider_for(event: Event) -> Provider:
    """The provider the event's online sessions go through."""
    from webinars.models import Event

    if event.provider == Event.Provider.BIGBLUEBUTTON:
        from .bbb import BigBlueButtonClient, BigBlueButtonProvider

        url, secret = settings.BBB_URL, settings.BBB_SECRET
        if not (url and secret):
            raise ProviderError(gettext("Online meetings through BigBlueButton are not set up on this site."))
        hash_name = getattr(settings, "BBB_CHECKSUM_ALGORITHM", "sha1")
        return BigBlueButtonProvider(BigBlueButtonClient(url, secret, hash=hash_name))
    from .link import LinkProvider

    return LinkProvider()
