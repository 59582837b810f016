"""BigBlueButton through its API (https://docs.bigbluebutton.org/development/api).

Every call is a GET to ``<BBB_URL><call>?<query>&checksum=<hash(call + query + secret)>`` (SHA-1 unless the
server is set up for another algorithm) and is answered with ``<response><returncode>SUCCESS|FAILED</returncode>
...</response>``; a FAILED answer carries a ``messageKey`` and an English ``message``.

A session's meeting is ``maktaba-<session uuid>``. Its moderator and attendee passwords are derived from the
shared secret and the session's uuid, so they are never stored and are the same on every call (which keeps
``create`` idempotent: BigBlueButton answers an existing meeting with ``duplicateWarning``). Joining passes both
``role`` (BigBlueButton 2.4 and later) and the matching password (older servers), and ``userID=<user.pk>``,
which ``getMeetingInfo`` lists back for attendance.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import requests
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.utils.translation import gettext

from . import Provider, ProviderError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # only the type: parsing goes through defusedxml

    from webinars.models import Session

logger = logging.getLogger("maktaba.webinars")

CHECKSUM_ALGORITHMS = ("sha1", "sha256", "sha384", "sha512")
TIMEOUT_SECONDS = 10.0
MODERATOR, VIEWER = "MODERATOR", "VIEWER"
NAME_LENGTH = (2, 64)  # BigBlueButton 2.4+ refuses meeting names (and passwords) outside these lengths


def _text(element: Element, tag: str) -> str:
    """The stripped text of ``tag`` under ``element``; BigBlueButton pads some messages with newlines."""
    return " ".join((element.findtext(tag) or "").split())


class BigBlueButtonClient:
    """The few API calls Maktaba needs. Each raises ``ProviderError`` when the server cannot be reached, answers
    late (after ``timeout`` seconds) or answers FAILED."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        hash: str = "sha1",
        session: requests.Session | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        if hash not in CHECKSUM_ALGORITHMS:
            raise ValueError(f"BigBlueButton checksums use one of {', '.join(CHECKSUM_ALGORITHMS)}, not {hash!r}")
        self.url = url if url.endswith("/") else url + "/"
        self.secret = secret
        self.hash = hash
        self.http = session or requests.Session()
        self.timeout = timeout

    # Signing ---------------------------------------------------------------------------------------------

    def checksum(self, call: str, query: str) -> str:
        # BigBlueButton's protocol, not a password hash: SHA-1 is what most servers accept.
        data = (call + query + self.secret).encode()
        return hashlib.new(self.hash, data, usedforsecurity=False).hexdigest()

    def url_for(self, call: str, params: Mapping[str, str]) -> str:
        """The signed address of ``call``; the checksum covers the query string exactly as it is sent."""
        query = urlencode(params)
        checksum = self.checksum(call, query)
        return f"{self.url}{call}?{query}&checksum={checksum}" if query else f"{self.url}{call}?checksum={checksum}"

    def request(self, call: str, params: Mapping[str, str]) -> Element:
        """Make ``call`` and return the ``<response>`` element of a SUCCESS answer."""
        try:
            # The signed URL is passed whole: requests must not re-encode the query that the checksum covers.
            response = self.http.get(self.url_for(call, params), timeout=self.timeout, allow_redirects=False)
        except requests.Timeout as error:
            logger.warning("BigBlueButton %s timed out after %ss", call, self.timeout)
            raise ProviderError(
                gettext("BigBlueButton did not answer in time. Please try again in a few minutes."),
                key="timeout",
                detail=str(error),
            ) from error
        except requests.RequestException as error:
            logger.warning("BigBlueButton %s failed: %s", call, error)
            raise ProviderError(
                gettext("BigBlueButton cannot be reached. Please try again in a few minutes."),
                key="unreachable",
                detail=str(error),
            ) from error
        if response.status_code != 200:
            logger.warning("BigBlueButton %s answered HTTP %s", call, response.status_code)
            raise ProviderError(
                gettext("BigBlueButton cannot be reached. Please try again in a few minutes."),
                key=f"http-{response.status_code}",
            )
        try:
            root = SafeElementTree.fromstring(response.content)
        except (SafeElementTree.ParseError, DefusedXmlException) as error:
            logger.warning("BigBlueButton %s answered something that is not its XML: %s", call, error)
            raise ProviderError(
                gettext("BigBlueButton gave an answer that could not be read. Please try again in a few minutes."),
                key="unreadable",
                detail=str(error),
            ) from error
        if _text(root, "returncode") != "SUCCESS":
            key, message = _text(root, "messageKey"), _text(root, "message")
            logger.warning("BigBlueButton %s FAILED: %s %s", call, key, message)
            raise ProviderError(
                gettext("BigBlueButton refused the request: %(message)s") % {"message": message or key or "?"},
                key=key,
                detail=message,
            )
        return root

    # Calls -----------------------------------------------------------------------------------------------

    def create(
        self, *, meeting_id: str, name: str, attendee_password: str, moderator_password: str, **extra: str
    ) -> bool:
        """Create the meeting; True when it was created now, False when it already existed (BigBlueButton's
        ``duplicateWarning``: calling again with the same parameters is harmless)."""
        params = {
            "meetingID": meeting_id,
            "name": name,
            "attendeePW": attendee_password,
            "moderatorPW": moderator_password,
            **extra,
        }
        root = self.request("create", params)
        return _text(root, "messageKey") != "duplicateWarning"

    def join_url(
        self, *, meeting_id: str, full_name: str, role: str, password: str, user_id: str = "", redirect: bool = True
    ) -> str:
        """The signed address that takes a person's browser into the meeting (no call is made)."""
        params = {"fullName": full_name, "meetingID": meeting_id, "role": role, "password": password}
        if user_id:
            params["userID"] = user_id
        params["redirect"] = "true" if redirect else "false"
        return self.url_for("join", params)

    def end(self, *, meeting_id: str, password: str) -> bool:
        """End the meeting; False when it was not running (nothing to end)."""
        try:
            self.request("end", {"meetingID": meeting_id, "password": password})
        except ProviderError as error:
            if error.key == "notFound":
                return False
            raise
        return True

    def meeting_info(self, *, meeting_id: str) -> Element:
        return self.request("getMeetingInfo", {"meetingID": meeting_id})

    def attendees(self, *, meeting_id: str) -> list[dict[str, str]]:
        """The people in the running meeting: ``userID``, ``fullName`` and ``role`` of each."""
        root = self.meeting_info(meeting_id=meeting_id)
        return [
            {"userID": _text(node, "userID"), "fullName": _text(node, "fullName"), "role": _text(node, "role")}
            for node in root.iterfind("attendees/attendee")
        ]

    def recordings(self, *, meeting_id: str) -> list[str]:
        """One address per published recording of the meeting, in the server's order: the ``presentation``
        playback when there is one, otherwise the first format's."""
        root = self.request("getRecordings", {"meetingID": meeting_id})
        urls = []
        for recording in root.iterfind("recordings/recording"):
            if _text(recording, "published") == "false":
                continue
            formats = {
                _text(node, "type"): _text(node, "url")
                for node in recording.iterfind("playback/format")
                if _text(node, "url")
            }
            if formats:
                urls.append(formats.get("presentation") or next(iter(formats.values())))
        return urls


class BigBlueButtonProvider(Provider):
    name = "bbb"

    def __init__(self, client: BigBlueButtonClient) -> None:
        self.client = client

    def meeting_id(self, session: Session) -> str:
        return session.meeting_id or f"maktaba-{session.uuid}"

    def password(self, session: Session, *, moderator: bool) -> str:
        """Derived, never stored: whoever knows the secret can compute it, nobody else can guess it."""
        role = MODERATOR if moderator else VIEWER
        message = f"{role}:{session.uuid}".encode()
        return hmac.new(self.client.secret.encode(), message, hashlib.sha256).hexdigest()[:32]

    def prepare(self, session: Session) -> None:
        meeting_id = self.meeting_id(session)
        extra = {"record": "true"}  # moderators may record; getRecordings finds what they recorded
        if getattr(settings, "SITE_URL", ""):
            extra["logoutURL"] = str(settings.SITE_URL)
        self.client.create(
            meeting_id=meeting_id,
            name=_meeting_name(session),
            attendee_password=self.password(session, moderator=False),
            moderator_password=self.password(session, moderator=True),
            **extra,
        )
        if session.meeting_id != meeting_id:
            session.meeting_id = meeting_id
            session.save(update_fields=["meeting_id"])

    def join_url(self, session: Session, user: Any, *, moderator: bool) -> str:
        return self.client.join_url(
            meeting_id=self.meeting_id(session),
            full_name=(getattr(user, "full_name", "") or str(user)).strip() or str(user.pk),
            role=MODERATOR if moderator else VIEWER,
            password=self.password(session, moderator=moderator),
            user_id=str(user.pk),
        )

    def end(self, session: Session) -> None:
        self.client.end(meeting_id=self.meeting_id(session), password=self.password(session, moderator=True))

    def recordings(self, session: Session) -> list[str]:
        return self.client.recordings(meeting_id=self.meeting_id(session))

    def attendees(self, session: Session) -> list[str]:
        try:
            people = self.client.attendees(meeting_id=self.meeting_id(session))
        except ProviderError as error:
            if error.key == "notFound":
                raise ProviderError(
                    gettext(
                        "The meeting is not running: BigBlueButton lists its participants only during the meeting."
                    ),
                    key=error.key,
                    detail=error.detail,
                ) from error
            raise
        # Someone on two devices is listed twice; people who joined without our userID are not ours to count.
        return list(dict.fromkeys(person["userID"] for person in people if person["userID"]))


def _meeting_name(session: Session) -> str:
    name = " ".join((session.title or session.event.title).split())
    low, high = NAME_LENGTH
    if len(name) < low:
        name = f"{name} · Maktaba".strip()
    return name[:high]
