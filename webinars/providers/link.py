"""Meetings held elsewhere (Jitsi, Zoom, Teams...): everyone joins through the event's meeting link, and there is
nothing to create, end, record or list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from . import Provider, ProviderError

if TYPE_CHECKING:
    from webinars.models import Session


class LinkProvider(Provider):
    name = "link"

    def join_url(self, session: Session, user: Any, *, moderator: bool) -> str:
        url = session.event.join_url
        if not url:
            raise ProviderError(gettext("The trainers have not added the meeting link yet."))
        return url
