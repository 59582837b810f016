"""The fault-tolerance tests' load: a second process of ``--clients`` concurrent teachers against a running stack on
loopback, for ``--seconds``, recording every request to a JSON file.

    .venv/bin/python tests/fault/load.py --url http://127.0.0.1:PORT --plan PLAN.json --out LOAD.json \
        --clients 20 --seconds 25

Each client works in a closed loop (its next request when the last one answered), starting 0.6 s after the one
before. One in four is a visitor: the home page, the catalogue, the course page, the webinars and the webinar, again
and again. The others are teachers, each journey as the next unused teacher of the plan (tests/fault/seed.py): sign
in, the dashboard, enroll, the first lesson and "mark as done", the quiz's lesson, start the quiz, answer it and
finish, submit, register for the webinar, sign out. A teacher whose sign-in or step fails is left
where she is and the client goes on with the next one. Every request is recorded with its start and end (Unix
time), method, address, and HTTP status or connection error; nothing is decided here: the tests judge the record.

Standard library only, threads: it must not compete with the server for the CPU more than it has to.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import secrets
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

VISITOR_EVERY = 4  # one client in four browses as a visitor, the others are teachers
STAGGER = 0.6  # seconds between two clients' starts
TIMEOUT = 60.0  # gunicorn's own --timeout: a request is never abandoned before the server would drop it


class Journey(Exception):
    """A step answered something other than what comes next in the journey: go on with the next teacher."""


class Client:
    def __init__(self, host: str, port: int, record: list[dict], stop_at: float) -> None:
        self.host, self.port, self.record, self.stop_at = host, port, record, stop_at
        self.cookies: dict[str, str] = {"csrftoken": secrets.token_hex(16)}  # an unmasked secret: Django accepts it
        self.connection: http.client.HTTPConnection | None = None

    def reset(self) -> None:
        self.cookies = {"csrftoken": secrets.token_hex(16)}
        self.close()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None, expect: tuple[int, ...] = ()):
        if time.time() >= self.stop_at:
            raise TimeoutError("the load's time is up")
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "identity"}
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        entry = {"method": method, "url": path, "start": time.time(), "status": None, "error": ""}
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError) as error:
            entry.update(end=time.time(), error=f"{type(error).__name__}: {error}")
            self.record.append(entry)
            self.close()
            raise Journey(entry["error"]) from error
        entry.update(end=time.time(), status=response.status)
        self.record.append(entry)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie = rest.split(";", 1)[0]
                if "max-age=0" in value.lower() or cookie in {"", '""'}:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        if expect and response.status not in expect:
            raise Journey(f"{method} {path}: {response.status}")
        return response.status, response.getheader("Location", ""), content.decode(errors="replace")


FIELD = re.compile(r"<input\b[^>]*>", re.I)
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def attempt_form(html: str) -> dict[str, str]:
    """The attempt page's form filled in: hidden fields as they are, "true" for each true/false question."""
    form: dict[str, str] = {}
    for tag in FIELD.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        name, kind = attributes.get("name", ""), attributes.get("type", "text")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if kind == "hidden":
            form[name] = attributes.get("value", "")
        elif kind == "radio" and name.endswith("-answer") and attributes.get("value") == "true":
            form[name] = "true"
    return form


def visit(client: Client, plan: dict) -> None:
    urls = plan["urls"]
    client.reset()
    for page in ("home", "catalogue", "course", "webinars", "event"):
        client.request("GET", urls[page], expect=(200,))


def journey(client: Client, plan: dict, email: str) -> None:
    urls = plan["urls"]
    client.reset()
    client.request("GET", urls["login"], expect=(200,))
    client.request("POST", urls["login"], {"username": email, "password": plan["password"]}, expect=(302,))
    client.request("GET", urls["dashboard"], expect=(200,))
    client.request("POST", urls["enroll"], {}, expect=(302,))
    client.request("GET", urls["lesson"], expect=(200,))
    client.request("POST", urls["complete"], {}, expect=(302,))
    client.request("GET", urls["quiz_lesson"], expect=(200,))
    _status, attempt, _html = client.request("POST", urls["quiz_start"], {}, expect=(302,))
    attempt = urlsplit(attempt)
    attempt_path = attempt.path + (f"?{attempt.query}" if attempt.query else "")
    _status, _location, html = client.request("GET", attempt_path, expect=(200,))
    form = attempt_form(html)
    client.request("POST", attempt.path, {**form, "action": "finish"}, expect=(302,))
    client.request("POST", attempt.path.rstrip("/") + "/submit/", {}, expect=(302,))
    client.request("POST", urls["register"], {}, expect=(302,))
    client.request("POST", urls["logout"], {}, expect=(302,))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=25.0)
    args = parser.parse_args()

    plan = json.loads(Path(args.plan).read_text())
    target = urlsplit(args.url)
    accounts = iter(plan["accounts"])
    lock = threading.Lock()
    records: list[list[dict]] = [[] for _ in range(args.clients)]
    began = time.time()
    stop_at = began + args.seconds

    def run(index: int) -> None:
        client = Client(target.hostname or "127.0.0.1", target.port or 80, records[index], stop_at)
        visitor = index % VISITOR_EVERY == 0
        # Teachers start one after another, so that their journeys' steps (sign-in, submit) are spread over the
        # whole run instead of happening all at once.
        time.sleep(min(index * STAGGER, args.seconds / 2))
        while time.time() < stop_at:
            with lock:
                email = None if visitor else next(accounts, None)
            try:
                if email is None:
                    visit(client, plan)
                else:
                    journey(client, plan, email)
            except Journey:
                time.sleep(0.2)  # the server is failing: do not spin
            except TimeoutError:
                break
        client.close()

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.seconds + TIMEOUT + 30)
    requests = sorted((entry for record in records for entry in record), key=lambda entry: entry["start"])
    result = {"began": began, "ended": time.time(), "clients": args.clients, "requests": requests}
    Path(args.out).write_text(json.dumps(result))
    sys.stdout.write(f"{len(requests)} requests in {result['ended'] - began:.1f} s\n")


if __name__ == "__main__":
    main()
