"""Conferencing providers and online sessions: the BigBlueButton client against a real local HTTP server that
checks every call's checksum and answers with the XML of BigBlueButton's API reference; the meeting-link
provider; who gets a join link, and when."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import pytest
import requests
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from tests.factories.accounts import UserFactory
from tests.factories.roles import superuser, trainer
from tests.factories.webinars import make_event
from webinars.models import Attendance, Event, Registration, Session
from webinars.providers import ProviderError, provider_for
from webinars.providers.bbb import BigBlueButtonClient, BigBlueButtonProvider
from webinars.providers.link import LinkProvider
from webinars.services.online import (
    JoinNotAvailable,
    session_end_meeting,
    session_fetch_recording,
    session_join_url,
    session_take_attendance_from_provider,
)

SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
ALGORITHMS = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}  # bbb-web tells them apart by length

pytestmark = pytest.mark.django_db


# A BigBlueButton server -------------------------------------------------------------------------------------


def _response(returncode: str = "SUCCESS", body: str = "", *, key: str = "", message: str = "") -> bytes:
    parts = [f"<returncode>{returncode}</returncode>", body]
    if key:
        parts.append(f"<messageKey>{key}</messageKey><message>{escape(message)}</message>")
    return ("<response>" + "".join(parts) + "</response>").encode()


def _failed(key: str, message: str) -> bytes:
    return _response("FAILED", key=key, message=message)


def _tags(**values: str) -> str:
    return "".join(f"<{tag}>{escape(value)}</{tag}>" for tag, value in values.items())


class FakeBigBlueButton:
    """create, join, end, getMeetingInfo and getRecordings as bbb-web answers them, on 127.0.0.1. Each call's
    checksum is verified the way bbb-web does it: the raw query string without its ``checksum`` parameter,
    prefixed with the call name and followed by the shared secret, hashed with the algorithm the checksum's
    length tells."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.meetings: dict[str, dict] = {}
        self.recordings: dict[str, list[dict]] = {}
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.delay = 0.0
        self.http_status = 200  # anything else: a proxy's error page instead of BigBlueButton
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.fake = self
        self.server.handle_error = lambda request, address: None  # a client that gave up (timeout test)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/bigbluebutton/api/"

    def start(self) -> FakeBigBlueButton:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def calls_to(self, name: str) -> list[dict[str, str]]:
        return [params for call, params in self.calls if call == name]

    # Answers ---------------------------------------------------------------------------------------------

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        time.sleep(self.delay)
        if self.http_status != 200:
            return self.http_status, {"Content-Type": "text/html"}, b"<html><body>502 Bad Gateway</body></html>"
        parts = urlsplit(path)
        call = parts.path.rsplit("/", 1)[-1]
        params = {name: values[0] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
        with self._lock:
            self.calls.append((call, params))
            if not self._checksum_ok(call, parts.query, params.pop("checksum", "")):
                return 200, {}, _failed("checksumError", "Checksums do not match")
            handler = getattr(self, f"_{call}", None)
            if handler is None:
                return 200, {}, _failed("unsupportedRequest", "This request is not supported.")
            return handler(params)

    def _checksum_ok(self, call: str, query: str, checksum: str) -> bool:
        algorithm = ALGORITHMS.get(len(checksum))
        if not algorithm:
            return False
        query = query.replace("&checksum=" + checksum, "").replace("checksum=" + checksum + "&", "")
        query = query.replace("checksum=" + checksum, "")
        expected = hashlib.new(algorithm, (call + query + self.secret).encode()).hexdigest()
        return hmac.compare_digest(expected, checksum)

    def _create(self, params: dict[str, str]) -> tuple[int, dict, bytes]:
        meeting_id, name = params.get("meetingID", ""), params.get("name", "")
        if not 2 <= len(meeting_id) <= 256 or "," in meeting_id or not 2 <= len(name) <= 64:
            return 200, {}, _failed("invalidParams", "Invalid meetingID or name")
        meeting = self.meetings.get(meeting_id)
        key = message = ""
        if meeting is None:
            meeting = self.meetings[meeting_id] = {
                "name": name,
                "attendeePW": params.get("attendeePW", "ap"),
                "moderatorPW": params.get("moderatorPW", "mp"),
                "createTime": str(1531155809613 + len(self.meetings)),
                "attendees": [],
            }
        elif (meeting["attendeePW"], meeting["moderatorPW"]) != (params.get("attendeePW"), params.get("moderatorPW")):
            return 200, {}, _failed("idNotUnique", "A meeting already exists with that meeting ID.")
        else:
            key = "duplicateWarning"
            message = "This conference was already in existence and may currently be in progress."
        body = _tags(
            meetingID=meeting_id,
            internalMeetingID=f"640ab2bae07bedc4c163f679a746f7ab7fb5d1fa-{meeting['createTime']}",
            parentMeetingID="bbb-none",
            attendeePW=meeting["attendeePW"],
            moderatorPW=meeting["moderatorPW"],
            createTime=meeting["createTime"],
            hasUserJoined="false",
            duration="0",
            hasBeenForciblyEnded="false",
        )
        return 200, {}, _response(body=body, key=key, message=message)

    def _join(self, params: dict[str, str]) -> tuple[int, dict, bytes]:
        meeting = self.meetings.get(params.get("meetingID", ""))
        if meeting is None:
            return 200, {}, _failed("invalidMeetingIdentifier", "The meeting ID that you supplied did not match.")
        role = params.get("role", "").upper()
        if role not in ("MODERATOR", "VIEWER"):
            password = params.get("password")
            role = {meeting["moderatorPW"]: "MODERATOR", meeting["attendeePW"]: "VIEWER"}.get(password, "")
        if not role:
            return 200, {}, _failed("invalidPassword", "You either did not supply a password or it is wrong.")
        user_id = params.get("userID") or f"w_{next(self._ids):012d}"
        meeting["attendees"].append({"userID": user_id, "fullName": params.get("fullName", ""), "role": role})
        token = f"token{next(self._ids)}"
        if params.get("redirect", "true") == "true":
            return 302, {"Location": f"/html5client/join?sessionToken={token}"}, b""
        body = _tags(meeting_id="internal", user_id=user_id, auth_token=token, session_token=token)
        return 200, {}, _response(body=body, key="successfullyJoined", message="You have joined successfully.")

    def _end(self, params: dict[str, str]) -> tuple[int, dict, bytes]:
        meeting = self.meetings.get(params.get("meetingID", ""))
        if meeting is None:
            return 200, {}, _failed("notFound", "We could not find a meeting with that meeting ID")
        if params.get("password") != meeting["moderatorPW"]:
            return 200, {}, _failed("invalidPassword", "You must supply the moderator password for this call.")
        del self.meetings[params["meetingID"]]
        message = "A request to end the meeting was sent."
        return 200, {}, _response(key="sentEndMeetingRequest", message=message)

    def _getMeetingInfo(self, params: dict[str, str]) -> tuple[int, dict, bytes]:
        meeting = self.meetings.get(params.get("meetingID", ""))
        if meeting is None:
            return 200, {}, _failed("notFound", "A meeting with that ID does not exist")
        attendees = "".join(
            "<attendee>"
            + _tags(**person, isPresenter="false", isListeningOnly="false", clientType="HTML5")
            + "<customdata></customdata></attendee>"
            for person in meeting["attendees"]
        )
        body = _tags(
            meetingName=meeting["name"],
            meetingID=params["meetingID"],
            createTime=meeting["createTime"],
            attendeePW=meeting["attendeePW"],
            moderatorPW=meeting["moderatorPW"],
            running="true" if meeting["attendees"] else "false",
            participantCount=str(len(meeting["attendees"])),
        )
        return 200, {}, _response(body=body + f"<attendees>{attendees}</attendees><metadata/>")

    def _getRecordings(self, params: dict[str, str]) -> tuple[int, dict, bytes]:
        recordings = self.recordings.get(params.get("meetingID", ""), [])
        if not recordings:
            return 200, {}, _response(body="<recordings></recordings>", key="noRecordings", message="No recordings")
        xml = ""
        for number, recording in enumerate(recordings):
            formats = "".join(
                "<format>" + _tags(type=kind, url=url, processingTime="0", length="33") + "</format>"
                for kind, url in recording["formats"]
            )
            xml += (
                "<recording>"
                + _tags(
                    recordID=f"ffbfc4cc24428694e8b53a4e144f414052431693-{number}",
                    meetingID=params["meetingID"],
                    published=recording.get("published", "true"),
                    state="published",
                    participants="3",
                )
                + f"<metadata/><playback>{formats}</playback></recording>"
            )
        return 200, {}, _response(body=f"<recordings>{xml}</recordings>")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, headers, body = self.server.fake.answer(self.path)
        self.send_response(status)
        self.send_header("Content-Type", headers.pop("Content-Type", "text/xml;charset=utf-8"))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture
def bbb(settings):
    fake = FakeBigBlueButton(SECRET).start()
    settings.BBB_URL = fake.url
    settings.BBB_SECRET = SECRET
    yield fake
    fake.stop()


@pytest.fixture
def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/bigbluebutton/api/"


# Helpers ----------------------------------------------------------------------------------------------------


def bbb_event(**fields) -> tuple[Event, Session, object]:
    """A published BigBlueButton webinar with one session and one trainer."""
    teacher = trainer(full_name="Amina Trainer")
    event = make_event(provider=Event.Provider.BIGBLUEBUTTON, join_url="", trainers=[teacher], **fields)
    return event, event.sessions.get(), teacher


def register(event: Event, status: str = Registration.Status.CONFIRMED, **user_fields):
    user = UserFactory(**user_fields)
    Registration.objects.create(event=event, user=user, status=status)
    return user


def opening(session: Session):
    return session.starts_at - timedelta(minutes=15)


def verified_params(url: str, secret: str = SECRET) -> dict[str, str]:
    """The parameters of a signed BigBlueButton URL, after recomputing its checksum."""
    parts = urlsplit(url)
    call = parts.path.rsplit("/", 1)[-1]
    query, _, checksum = parts.query.rpartition("&checksum=")
    assert checksum == hashlib.sha1((call + query + secret).encode(), usedforsecurity=False).hexdigest()
    return {name: values[0] for name, values in parse_qs(query).items()}


# create -----------------------------------------------------------------------------------------------------


def test_prepare_creates_the_meeting_once_and_remembers_it(bbb):
    event, session, _ = bbb_event(title="Цифровая педагогика: الدرس الأول")
    provider = provider_for(event)
    assert isinstance(provider, BigBlueButtonProvider)

    provider.prepare(session)
    provider.prepare(session)  # every join calls it again: BigBlueButton answers duplicateWarning

    meeting_id = f"maktaba-{session.uuid}"
    session.refresh_from_db()
    assert session.meeting_id == meeting_id
    assert list(bbb.meetings) == [meeting_id]
    meeting = bbb.meetings[meeting_id]
    assert meeting["name"] == "Цифровая педагогика: الدرس الأول"  # checksum over the UTF-8, percent-encoded query
    assert meeting["moderatorPW"] != meeting["attendeePW"]
    assert len(bbb.calls_to("create")) == 2
    assert bbb.calls_to("create")[0]["record"] == "true"


def test_create_reports_whether_the_meeting_is_new(bbb):
    client = BigBlueButtonClient(bbb.url, SECRET)
    fields = {"meeting_id": "maktaba-abc", "name": "Webinar", "attendee_password": "ap1", "moderator_password": "mp1"}

    assert client.create(**fields) is True
    assert client.create(**fields) is False
    assert len(bbb.meetings) == 1


def test_the_passwords_are_derived_from_the_secret_and_never_stored(bbb):
    event, session, _ = bbb_event()
    provider_for(event).prepare(session)

    meeting = bbb.meetings[f"maktaba-{session.uuid}"]
    row = Session.objects.filter(pk=session.pk).values().get()
    assert not {meeting["moderatorPW"], meeting["attendeePW"]} & {str(value) for value in row.values()}
    other = BigBlueButtonProvider(BigBlueButtonClient(bbb.url, "another-secret"))
    assert other.password(session, moderator=True) != meeting["moderatorPW"]


def test_a_long_title_is_cut_to_what_bigbluebutton_accepts(bbb):
    event, session, _ = bbb_event(title="A" * 200)
    provider_for(event).prepare(session)
    assert bbb.meetings[f"maktaba-{session.uuid}"]["name"] == "A" * 64


def test_sha256_checksums(bbb):
    client = BigBlueButtonClient(bbb.url, SECRET, hash="sha256")
    client.create(meeting_id="maktaba-x", name="Webinar", attendee_password="ap1", moderator_password="mp1")
    assert "maktaba-x" in bbb.meetings  # the server took the 64 hex digits for SHA-256 and found them right


# join -------------------------------------------------------------------------------------------------------


def test_join_links_are_signed_for_a_moderator_and_a_participant(bbb):
    event, session, teacher = bbb_event()
    learner = register(event, full_name="Olga Teacher")

    moderator_url = session_join_url(session=session, user=teacher, now=opening(session))
    viewer_url = session_join_url(session=session, user=learner, now=opening(session))

    meeting = bbb.meetings[f"maktaba-{session.uuid}"]
    moderator = verified_params(moderator_url)
    assert moderator_url.startswith(bbb.url + "join?")
    assert moderator == {
        "fullName": "Amina Trainer",
        "meetingID": f"maktaba-{session.uuid}",
        "role": "MODERATOR",
        "password": meeting["moderatorPW"],
        "userID": str(teacher.pk),
        "redirect": "true",
    }
    viewer = verified_params(viewer_url)
    assert (viewer["role"], viewer["password"], viewer["userID"]) == ("VIEWER", meeting["attendeePW"], str(learner.pk))
    assert viewer["fullName"] == "Olga Teacher"

    # Following the links enters the meeting: BigBlueButton redirects to its client.
    for url in (moderator_url, viewer_url):
        response = requests.get(url, allow_redirects=False, timeout=5)
        assert response.status_code == 302
    assert [(person["userID"], person["role"]) for person in meeting["attendees"]] == [
        (str(teacher.pk), "MODERATOR"),
        (str(learner.pk), "VIEWER"),
    ]


def test_a_join_link_with_a_changed_parameter_is_refused(bbb):
    event, session, _ = bbb_event()
    learner = register(event)
    url = session_join_url(session=session, user=learner, now=opening(session))

    response = requests.get(url.replace("role=VIEWER", "role=MODERATOR"), allow_redirects=False, timeout=5)

    assert b"checksumError" in response.content
    assert bbb.meetings[f"maktaba-{session.uuid}"]["attendees"] == []


def test_a_superuser_joins_as_a_moderator(bbb):
    _event, session, _ = bbb_event()
    url = session_join_url(session=session, user=superuser(), now=opening(session))
    assert verified_params(url)["role"] == "MODERATOR"


# end --------------------------------------------------------------------------------------------------------


def test_a_trainer_ends_the_meeting(bbb):
    event, session, teacher = bbb_event()
    provider_for(event).prepare(session)
    moderator_password = bbb.meetings[f"maktaba-{session.uuid}"]["moderatorPW"]

    session_end_meeting(session=session, by=teacher)
    session_end_meeting(session=session, by=teacher)  # already over: BigBlueButton says notFound, nothing to do

    assert bbb.meetings == {}
    assert [call["password"] for call in bbb.calls_to("end")] == [moderator_password, moderator_password]


def test_a_learner_cannot_end_the_meeting(bbb):
    event, session, _ = bbb_event()
    provider_for(event).prepare(session)
    with pytest.raises(PermissionDenied):
        session_end_meeting(session=session, by=register(event))
    assert len(bbb.meetings) == 1
    assert bbb.calls_to("end") == []


# recordings -------------------------------------------------------------------------------------------------


def test_the_first_recording_is_stored_on_the_session(bbb):
    event, session, teacher = bbb_event()
    meeting_id = f"maktaba-{session.uuid}"
    presentation = f"https://bbb.example.org/playback/presentation/2.3/{meeting_id}-1"
    bbb.recordings[meeting_id] = [
        {"formats": [("video", "https://bbb.example.org/video/1.mp4")], "published": "false"},
        {
            "formats": [
                ("podcast", "https://bbb.example.org/podcast/1/audio.ogg"),
                ("presentation", presentation),
            ]
        },
        {"formats": [("presentation", "https://bbb.example.org/playback/presentation/2.3/later")]},
    ]

    assert provider_for(event).recordings(session) == [
        presentation,
        "https://bbb.example.org/playback/presentation/2.3/later",
    ]
    assert session_fetch_recording(session=session, by=teacher) == presentation

    session.refresh_from_db()
    assert session.recording_url == presentation


def test_no_recording_yet_leaves_the_session_alone(bbb):
    _event, session, teacher = bbb_event()
    assert session_fetch_recording(session=session, by=teacher) == ""
    session.refresh_from_db()
    assert session.recording_url == ""


def test_a_recording_address_that_is_not_a_web_address_is_not_stored(bbb):
    _event, session, teacher = bbb_event()
    bbb.recordings[f"maktaba-{session.uuid}"] = [{"formats": [("presentation", "javascript:alert(1)")]}]

    assert session_fetch_recording(session=session, by=teacher) == ""
    session.refresh_from_db()
    assert session.recording_url == ""


def test_only_managers_fetch_recordings(bbb):
    event, session, _ = bbb_event()
    with pytest.raises(PermissionDenied):
        session_fetch_recording(session=session, by=register(event))
    assert bbb.calls_to("getRecordings") == []


# attendance -------------------------------------------------------------------------------------------------


def test_attendance_from_the_meeting_marks_only_confirmed_participants(bbb):
    event, session, teacher = bbb_event()
    present = register(event)
    absent = register(event)
    waitlisted = register(event, Registration.Status.WAITLISTED)
    stranger = UserFactory()
    provider = provider_for(event)
    provider.prepare(session)
    for person in (teacher, present):
        requests.get(
            session_join_url(session=session, user=person, now=opening(session)), allow_redirects=False, timeout=5
        )
    # Links that pages would not hand out, but BigBlueButton lists whoever came in: and a second phone.
    for person in (waitlisted, stranger, present):
        requests.get(provider.join_url(session, person, moderator=False), allow_redirects=False, timeout=5)
    guest = BigBlueButtonClient(bbb.url, SECRET).join_url(
        meeting_id=session.meeting_id, full_name="Guest", role="VIEWER", password="x"
    )
    requests.get(guest, allow_redirects=False, timeout=5)  # no userID: BigBlueButton makes one up

    assert session_take_attendance_from_provider(session=session, by=teacher) == 1
    assert session_take_attendance_from_provider(session=session, by=teacher) == 1  # again: the same rows

    rows = list(Attendance.objects.filter(session=session).values_list("user", "attended", "source", "marked_by"))
    assert rows == [(present.pk, True, Attendance.Source.PROVIDER, teacher.pk)]
    assert not Attendance.objects.filter(user__in=[absent, waitlisted, stranger, teacher]).exists()


def test_attendance_from_the_meeting_keeps_the_trainers_marks(bbb):
    event, session, teacher = bbb_event()
    looked_in = register(event)
    Attendance.objects.create(session=session, user=looked_in, attended=False, marked_by=teacher)
    provider = provider_for(event)
    requests.get(
        session_join_url(session=session, user=looked_in, now=opening(session)), allow_redirects=False, timeout=5
    )

    assert session_take_attendance_from_provider(session=session, by=teacher) == 0

    row = Attendance.objects.get(session=session, user=looked_in)
    assert (row.attended, row.source) == (False, Attendance.Source.TRAINER)
    assert provider.attendees(session) == [str(looked_in.pk)]


def test_attendance_needs_the_meeting_to_be_running(bbb):
    event, session, teacher = bbb_event()
    register(event)
    with pytest.raises(ProviderError, match="only during the meeting"):
        session_take_attendance_from_provider(session=session, by=teacher)
    assert not Attendance.objects.exists()


def test_only_managers_take_attendance_from_the_meeting(bbb):
    event, session, _ = bbb_event()
    learner = register(event)
    with pytest.raises(PermissionDenied):
        session_take_attendance_from_provider(session=session, by=learner)
    assert bbb.calls_to("getMeetingInfo") == []


# failures ---------------------------------------------------------------------------------------------------


def test_a_wrong_secret_is_a_provider_error_with_bigbluebuttons_message(bbb, settings):
    settings.BBB_SECRET = "not-the-secret"
    event, session, _ = bbb_event()
    learner = register(event)

    with pytest.raises(ProviderError) as caught:
        provider_for(event).prepare(session)
    assert caught.value.key == "checksumError"
    assert caught.value.detail == "Checksums do not match"
    assert "Checksums do not match" in str(caught.value)

    with pytest.raises(JoinNotAvailable, match="Checksums do not match"):
        session_join_url(session=session, user=learner, now=opening(session))
    session.refresh_from_db()
    assert session.meeting_id == ""
    assert bbb.meetings == {}


def test_a_server_that_is_down_is_a_provider_error(bbb, settings, closed_port_url):
    settings.BBB_URL = closed_port_url
    event, session, teacher = bbb_event()
    learner = register(event)

    with pytest.raises(ProviderError) as caught:
        BigBlueButtonClient(closed_port_url, SECRET).create(
            meeting_id="maktaba-x", name="Webinar", attendee_password="ap1", moderator_password="mp1"
        )
    assert caught.value.key == "unreachable"
    with pytest.raises(JoinNotAvailable, match="cannot be reached"):
        session_join_url(session=session, user=learner, now=opening(session))
    with pytest.raises(ProviderError):
        session_take_attendance_from_provider(session=session, by=teacher)
    with pytest.raises(ProviderError):
        session_fetch_recording(session=session, by=teacher)


def test_a_server_that_answers_too_late_is_a_provider_error(bbb):
    bbb.delay = 2.0
    client = BigBlueButtonClient(bbb.url, SECRET, timeout=0.3)

    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        client.recordings(meeting_id="maktaba-x")
    assert caught.value.key == "timeout"
    assert time.monotonic() - started < 1.5


def test_the_client_waits_ten_seconds_at_most_by_default(bbb):
    assert BigBlueButtonClient(bbb.url, SECRET).timeout == 10


def test_an_error_page_instead_of_xml_is_a_provider_error(bbb):
    event, session, _ = bbb_event()
    bbb.http_status = 502
    with pytest.raises(ProviderError, match="cannot be reached"):
        provider_for(event).prepare(session)


def test_bigbluebutton_without_settings_is_a_provider_error(settings):
    settings.BBB_URL = ""
    event, session, _ = bbb_event()
    learner = register(event)

    with pytest.raises(ProviderError, match="not set up"):
        provider_for(event)
    with pytest.raises(JoinNotAvailable, match="not set up"):
        session_join_url(session=session, user=learner, now=opening(session))


def test_an_unknown_checksum_algorithm_is_refused():
    with pytest.raises(ValueError, match="sha1"):
        BigBlueButtonClient("https://bbb.example.org/bigbluebutton/api/", SECRET, hash="md5")


# The meeting-link provider ----------------------------------------------------------------------------------


def test_the_link_provider_hands_out_the_events_link():
    event = make_event(join_url="https://meet.jit.si/maktaba-digital-pedagogy")
    session = event.sessions.get()
    provider = provider_for(event)
    learner = register(event)
    assert isinstance(provider, LinkProvider)

    provider.prepare(session)
    provider.end(session)
    assert provider.join_url(session, learner, moderator=False) == "https://meet.jit.si/maktaba-digital-pedagogy"
    assert provider.recordings(session) == []
    assert provider.attendees(session) == []
    assert session_join_url(session=session, user=learner, now=opening(session)) == event.join_url
    session.refresh_from_db()
    assert session.meeting_id == ""


def test_a_link_event_without_a_link_says_so():
    event = make_event(join_url="")
    session = event.sessions.get()
    with pytest.raises(JoinNotAvailable, match="not added the meeting link"):
        session_join_url(session=session, user=register(event), now=opening(session))


def test_taking_attendance_from_a_link_meeting_marks_nobody():
    teacher = trainer()
    event = make_event(trainers=[teacher])
    register(event)
    assert session_take_attendance_from_provider(session=event.sessions.get(), by=teacher) == 0
    assert not Attendance.objects.exists()


# Who gets the link, and when --------------------------------------------------------------------------------


def test_a_registered_participant_gets_the_link_from_15_minutes_before_until_the_end():
    event = make_event()
    session = event.sessions.get()
    learner = register(event)

    with pytest.raises(JoinNotAvailable) as caught:
        session_join_url(session=session, user=learner, now=opening(session) - timedelta(seconds=1))
    assert str(caught.value) == "The link appears 15 minutes before the session starts."
    for now in (opening(session), session.starts_at, session.ends_at - timedelta(seconds=1)):
        assert session_join_url(session=session, user=learner, now=now) == event.join_url
    with pytest.raises(JoinNotAvailable, match="over"):
        session_join_url(session=session, user=learner, now=session.ends_at)


def test_the_opening_time_follows_the_setting(settings):
    settings.WEBINAR_JOIN_OPENS_BEFORE = timedelta(minutes=1)
    event = make_event()
    session = event.sessions.get()
    learner = register(event)

    with pytest.raises(JoinNotAvailable) as caught:
        session_join_url(session=session, user=learner, now=session.starts_at - timedelta(minutes=2))
    assert str(caught.value) == "The link appears 1 minute before the session starts."
    assert session_join_url(session=session, user=learner, now=session.starts_at - timedelta(minutes=1))


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (None, "Register to join"),
        (Registration.Status.CANCELLED, "Register to join"),
        (Registration.Status.REJECTED, "Register to join"),
        (Registration.Status.PENDING, "not confirmed yet"),
        (Registration.Status.WAITLISTED, "not confirmed yet"),
    ],
)
def test_only_confirmed_participants_get_the_link(status, reason):
    event = make_event()
    session = event.sessions.get()
    user = register(event, status) if status else UserFactory()
    with pytest.raises(JoinNotAvailable, match=reason):
        session_join_url(session=session, user=user, now=opening(session))


def test_anonymous_visitors_are_asked_to_log_in():
    event = make_event()
    session = event.sessions.get()
    with pytest.raises(JoinNotAvailable, match="Log in"):
        session_join_url(session=session, user=AnonymousUser(), now=opening(session))


def test_a_trainer_of_another_event_is_not_let_in():
    event = make_event(trainers=[trainer()])
    session = event.sessions.get()
    with pytest.raises(JoinNotAvailable, match="Register to join"):
        session_join_url(session=session, user=trainer(), now=opening(session))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"session": Session.Status.CANCELLED}, "cancelled"),
        ({"event": Event.Status.CANCELLED}, "cancelled"),
        ({"event": Event.Status.DRAFT}, "not published"),
        ({"kind": Event.Kind.ONSITE}, "onsite"),
    ],
)
def test_no_link_for_cancelled_unpublished_or_onsite_sessions(change, reason):
    event = make_event(status=change.get("event", Event.Status.PUBLISHED), kind=change.get("kind", Event.Kind.ONLINE))
    session = event.sessions.get()
    if "session" in change:
        Session.objects.filter(pk=session.pk).update(status=change["session"])
        session.refresh_from_db()
    learner = register(event)
    with pytest.raises(JoinNotAvailable, match=reason):
        session_join_url(session=session, user=learner, now=opening(session))


def test_a_hybrid_session_has_a_link():
    event = make_event(kind=Event.Kind.HYBRID)
    session = event.sessions.get()
    assert session_join_url(session=session, user=register(event), now=opening(session)) == event.join_url
