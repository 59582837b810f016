"""The load benchmark behind `make bench` (bench/README.md, section "load").

Replays the steps of teachers' journeys, modelled on Moodle's and Open edX's load-test plans, against a running
`make stack` (gunicorn with the production settings) on loopback:

- anonymous: home → catalogue → course page → library;
- signed in: sign in → dashboard → lesson → mark done → quiz page → answer → submit;
- webinar list → register; verify a certificate.

Each step is driven on its own for a bounded time by ``--clients`` processes in a closed loop (each sends its next
request when the last one answered), so its requests per second, latency percentiles and the server's CPU time per
request are its own. In the same run the bare Django view (``/health/``: the same gunicorn, the same middleware, no
database, no template) is measured first and last, and every step is reported as a ratio to it: the ratio of
requests per second is what we track, because absolute numbers on a shared machine are noise.

It runs with the stack's environment (``eval "$(scripts/stack.sh env)"``, done by scripts/bench.sh) because it
prepares its own accounts, enrollments, open quiz attempts and sessions through the ORM before measuring: the
steps that change something (submit, register) use each prepared account once.

    .venv/bin/python bench/load.py --url http://127.0.0.1:8300 --seconds 12 --clients 4 --json var/bench/load.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DOMAIN = "bench.example"
LOGIN_PASSWORD = "bench-load-password"  # noqa: S105 - a benchmark account on a loopback stack
# The targets of issue #8, as ratios of requests per second to the bare Django view in the same run.
TARGETS = {
    "catalogue": 0.5,
    "course page": 0.5,
    "library": 0.5,
    "lesson": 0.15,
    "dashboard": 0.15,
    "answer": 0.10,
    "submit": 0.10,
}


# --- what the steps need, prepared through the ORM ----------------------------------------------------------------


@dataclass
class Plan:
    host: str
    port: int
    catalogue: str
    course: str
    library: str
    lesson: str
    activity_complete: str
    webinars: str
    verify: str | None
    login_email: str
    # One entry per prepared account: its session cookie and its open attempt's page.
    accounts: list[dict[str, str]] = field(default_factory=list)
    register: str = ""
    notes: list[str] = field(default_factory=list)


def prepare(url: str, accounts: int) -> Plan:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connections, transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import override

    from certificates.models import Certificate
    from cms.models import CoursePage
    from lms.courses.models import Activity, Enrollment
    from lms.quizzes.models import Attempt, Quiz
    from lms.quizzes.services.attempts import attempt_start
    from webinars.models import Event

    User = get_user_model()
    parts = urlsplit(url)
    notes: list[str] = []

    # A published English course page whose course has a lesson and a quiz.
    quiz = (
        Quiz.objects.filter(course__pages__live=True, course__pages__locale__language_code="en")
        .select_related("course")
        .order_by("pk")
        .first()
    )
    if quiz is None:
        raise SystemExit("load.py: no published course with a quiz; run seed_demo on the stack first")
    course = quiz.course
    page = CoursePage.objects.live().filter(course=course, locale__language_code="en").first()
    lesson = Activity.objects.filter(course=course, is_active=True, kind="lesson").order_by("position", "pk").first()
    if lesson is None:
        raise SystemExit("load.py: the course has no lesson")
    event = (
        Event.objects.filter(status="published", sessions__status="scheduled", sessions__starts_at__gt=timezone.now())
        .order_by("pk")
        .first()
    )
    certificate = Certificate.objects.filter(status="valid").order_by("pk").first()

    # Fresh accounts each run: delete the last run's (and everything they made), then create, enroll, open attempts.
    User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
    password = make_password(LOGIN_PASSWORD)
    User.objects.bulk_create(
        User(email=f"load-{index:05d}@{BENCH_DOMAIN}", password=password) for index in range(accounts)
    )
    users = list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").order_by("email"))
    with transaction.atomic():
        Enrollment.objects.bulk_create(Enrollment(user=user, course=course, status="active") for user in users)
    if event is None:
        notes.append("no upcoming published event: the register step is skipped")
    if certificate is None:
        notes.append("no valid certificate: the verify step is skipped")

    client = Client()
    with override("en"):  # every address in English
        plan = Plan(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 80,
            catalogue="/en/courses/",
            course=page.url if page else course.url,
            library="/en/library/",
            lesson=lesson.url,
            activity_complete=reverse("courses:activity-complete", kwargs={"activity_id": lesson.pk}),
            webinars=reverse("webinars:event-list"),
            verify=reverse("certificates:verify-localised", kwargs={"code": certificate.code}) if certificate else None,
            login_email=users[0].email,
            register=reverse("webinars:event-register", kwargs={"event_uuid": event.uuid}) if event else "",
            notes=notes,
        )
        for user in users:
            attempt: Attempt = attempt_start(quiz=quiz, user=user, language="en")
            client.force_login(user)
            plan.accounts.append(
                {
                    "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "attempt": reverse("quizzes:attempt-page", kwargs={"attempt_uuid": attempt.uuid}),
                    "submit": reverse("quizzes:attempt-submit", kwargs={"attempt_uuid": attempt.uuid}),
                }
            )
            client.cookies.clear()
    connections.close_all()
    return plan


# --- a lean HTTP client (the client's own CPU time competes with the server's on the same machine) -------------


class Browser:
    def __init__(self, host: str, port: int, cookies: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.cookies = dict(cookies or {})
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = {"Accept-Encoding": "identity", "Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for retry in (0, 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.HTTPException, ConnectionError, OSError):
                self.connection.close()
                self.connection = None
                if retry:
                    raise
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    cookie_value = rest.split(";", 1)[0]
                    if "max-age=0" in value.lower() or cookie_value in {"", '""'}:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = cookie_value
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, content
        raise AssertionError("unreachable")


class FormFields(HTMLParser):
    """The answerable fields of a quiz attempt page: for each question's prefix, its sequence and its choices."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[tuple[str, str]]] = {}
        self.hidden: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"input", "textarea"}:
            return
        values = {key: value or "" for key, value in attrs}
        name = values.get("name", "")
        kind = values.get("type", "text" if tag == "input" else "textarea")
        if not name or kind in {"submit", "button"}:
            return
        if kind == "hidden":
            self.hidden[name] = values.get("value", "")
        elif kind in {"radio", "checkbox"}:
            self.fields.setdefault(name, []).append((kind, values.get("value", "")))
        else:
            self.fields.setdefault(name, []).append((kind, ""))


def answer_forms(html: str, csrf: str) -> list[dict[str, str]]:
    """Two versions of the page's form that differ in the first question's answer, so each save writes."""
    parser = FormFields()
    parser.feed(html)
    base = {name: value for name, value in parser.hidden.items() if name != "csrfmiddlewaretoken"}
    base["csrfmiddlewaretoken"] = csrf
    base["action"] = "save"
    forms = []
    for variant in (0, 1):
        form = dict(base)
        for name, choices in parser.fields.items():
            kind, _ = choices[0]
            if kind in {"radio", "checkbox"}:
                form[name] = choices[min(variant, len(choices) - 1)][1]
            else:
                form[name] = ("0.5", "1.5")[variant] if "number" in kind else ("one", "two")[variant]
        forms.append(form)
    return forms


# --- one step, driven by several processes ------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    method: str = "GET"
    path: str = ""
    expect: tuple[int, ...] = (200,)
    signed_in: bool = False
    kind: str = "plain"  # plain | login | complete | answer | submit | register


def client_loop(step: Step, plan: Plan, index: int, clients: int, start_at: float, seconds: float, queue: Any) -> None:
    mine = plan.accounts[index::clients]
    csrf = secrets.token_hex(16)  # an unmasked 32-character secret: Django accepts it as the form's token too
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}

    def browser_for(account: dict[str, str] | None) -> Browser:
        cookies = {"csrftoken": csrf}
        if account is not None:
            cookies["sessionid"] = account["session"]
        return Browser(plan.host, plan.port, cookies)

    browser = browser_for(mine[0] if step.signed_in else None)
    forms: list[dict[str, str]] = []
    sequence_names: list[str] = []
    if step.kind == "answer":
        status, html = browser.request("GET", mine[0]["attempt"])
        forms = answer_forms(html.decode(), csrf)
        sequence_names = [name for name in forms[0] if name.endswith("-seq")]
    consumable = iter(mine)  # submit and register use each account once
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    requests = 0
    while time.time() < deadline:
        method, path, form = step.method, step.path, None
        if step.kind == "login":
            browser = browser_for(None)
            form = {"csrfmiddlewaretoken": csrf, "username": plan.login_email, "password": LOGIN_PASSWORD}
        elif step.kind in {"complete", "register"} or (step.method == "POST" and step.kind == "plain"):
            form = {"csrfmiddlewaretoken": csrf}
        if step.kind == "answer":
            form = forms[requests % 2]
            path = mine[0]["attempt"]
        elif step.kind == "quiz page":
            path = mine[0]["attempt"]
        elif step.kind in {"submit", "register"}:
            account = next(consumable, None)
            if account is None:
                break  # every prepared account was used: the rate comes from the time it took
            browser = browser_for(account)
            path = account["submit"] if step.kind == "submit" else plan.register
            form = {"csrfmiddlewaretoken": csrf}
        began = time.perf_counter()
        try:
            status, _body = browser.request(method, path, form)
        except OSError:
            status = 0
        latencies.append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
        if status not in step.expect:
            errors += 1
        if step.kind == "answer" and status in step.expect:
            for name in sequence_names:  # the question's sequence moved on by one with the saved answer
                for version in forms:
                    version[name] = str(int(version[name]) + 1)
        requests += 1
    queue.put({"latencies": latencies, "errors": errors, "statuses": statuses, "ended": time.time()})


def server_cpu_seconds(pidfiles: dict[str, Path]) -> dict[str, dict[int, float]]:
    """CPU seconds so far of each server process (the one in the pid file and its children), by name and pid."""
    import psutil

    snapshot: dict[str, dict[int, float]] = {}
    for name, pidfile in pidfiles.items():
        times: dict[int, float] = {}
        try:
            parent = psutil.Process(int(pidfile.read_text().split()[0]))
            for process in [parent, *parent.children(recursive=True)]:
                try:
                    cpu = process.cpu_times()
                    times[process.pid] = cpu.user + cpu.system
                except psutil.Error:
                    pass
        except (OSError, ValueError, psutil.Error):
            pass
        snapshot[name] = times
    return snapshot


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two snapshots by the processes alive at the second one (a process that exited in
    between, e.g. a database connection closed, is left out: an undercount, never a negative)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def run_step(step: Step, plan: Plan, clients: int, seconds: float, pidfiles: dict[str, Path]) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.time() + 1.0 + clients * 0.1  # the processes start and read their pages first
    processes = [
        context.Process(target=client_loop, args=(step, plan, index, clients, start_at, seconds, queue))
        for index in range(clients)
    ]
    for process in processes:
        process.start()
    while time.time() < start_at:
        time.sleep(0.001)
    cpu_before = server_cpu_seconds(pidfiles)
    results = [queue.get(timeout=seconds + 120) for _ in processes]
    cpu_after = server_cpu_seconds(pidfiles)
    for process in processes:
        process.join()
    latencies = sorted(latency for result in results for latency in result["latencies"])
    elapsed = max(result["ended"] for result in results) - start_at
    count = len(latencies)
    statuses: dict[str, int] = {}
    for result in results:
        for status, number in result["statuses"].items():
            statuses[str(status)] = statuses.get(str(status), 0) + number

    def percentile(share: float) -> float:
        return latencies[min(count - 1, int(share * count))] * 1000 if count else 0.0

    cpu = {name: cpu_spent(cpu_before[name], cpu_after[name]) * 1000 / count if count else 0.0 for name in pidfiles}
    return {
        "step": step.name,
        "requests": count,
        "errors": sum(result["errors"] for result in results),
        "statuses": statuses,
        "seconds": round(elapsed, 2),
        "rps": round(count / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(0.50), 1),
        "p95_ms": round(percentile(0.95), 1),
        "p99_ms": round(percentile(0.99), 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if count else 0.0,
        "web_cpu_ms": round(cpu.get("web", 0.0), 2),
        "db_cpu_ms": round(cpu.get("db", 0.0), 2),
    }


def steps_for(plan: Plan) -> list[Step]:
    steps = [
        Step("home", path="/en/"),
        Step("catalogue", path=plan.catalogue),
        Step("course page", path=plan.course),
        Step("library", path=plan.library),
        Step("sign in", method="POST", path="/en/accounts/login/", expect=(302,), kind="login"),
        Step("dashboard", path="/en/dashboard/", signed_in=True),
        Step("lesson", path=plan.lesson, signed_in=True),
        Step("mark done", method="POST", path=plan.activity_complete, expect=(302,), signed_in=True, kind="complete"),
        Step("quiz page", signed_in=True, kind="quiz page"),
        Step("answer", method="POST", expect=(302,), signed_in=True, kind="answer"),
        Step("submit", method="POST", expect=(302,), signed_in=True, kind="submit"),
        Step("webinar list", path=plan.webinars),
    ]
    if plan.register:
        steps.append(Step("register", method="POST", expect=(302,), signed_in=True, kind="register"))
    if plan.verify:
        steps.append(Step("verify", path=plan.verify))
    return steps


def table(rows: list[dict[str, Any]]) -> str:
    header = (
        f"{'step':<14}{'req/s':>8}{'ratio':>7}{'target':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'web CPU ms':>12}{'db CPU ms':>11}{'errors':>8}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        target = row.get("target")
        mark = "" if target is None else (" ok" if row["ratio"] >= target else " !")
        lines.append(
            f"{row['step']:<14}{row['rps']:>8.1f}{row['ratio']:>7.3f}"
            f"{(f'{target:.2f}' + mark) if target is not None else '':>8}"
            f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}"
            f"{row['web_cpu_ms']:>12.2f}{row['db_cpu_ms']:>11.2f}{row['errors']:>8}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("SITE_URL", "http://127.0.0.1:8300"))
    parser.add_argument("--seconds", type=float, default=12.0, help="measured time per step")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument(
        "--accounts", type=int, default=600, help="prepared accounts (submit and register use one each)"
    )
    parser.add_argument("--json", default=str(ROOT / "var" / "bench" / "load.json"))
    parser.add_argument("--only", default="", help="comma-separated step names (the bare view is always measured)")
    parser.add_argument("--web-pidfile", default="", help="gunicorn's pid file, for CPU time per request")
    parser.add_argument("--db-pidfile", default="", help="PostgreSQL's postmaster.pid, for its CPU time")
    args = parser.parse_args()

    began = time.time()
    print(f"Preparing {args.accounts} accounts, their enrollments, quiz attempts and sessions ...", flush=True)
    plan = prepare(args.url, args.accounts)
    for note in plan.notes:
        print(f"note: {note}")
    pidfiles = {name: Path(path) for name, path in (("web", args.web_pidfile), ("db", args.db_pidfile)) if path}
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    steps = [step for step in steps_for(plan) if not wanted or step.name in wanted]
    bare = Step("bare Django", path="/health/")

    print(f"Warming up, then {args.seconds:g} s per step with {args.clients} clients ...", flush=True)
    for step in [bare, *steps]:  # one short pass: workers import, caches fill, connections open
        if step.kind not in {"submit", "register"}:  # those use up prepared accounts
            run_step(step, plan, args.clients, 1.0, pidfiles)
    rows = [run_step(bare, plan, args.clients, args.seconds, pidfiles)]
    print(f"  {rows[0]['step']}: {rows[0]['rps']} req/s", flush=True)
    for step in steps:
        row = run_step(step, plan, args.clients, args.seconds, pidfiles)
        print(f"  {step.name}: {row['rps']} req/s, p95 {row['p95_ms']} ms", flush=True)
        rows.append(row)
    last_bare = run_step(bare, plan, args.clients, args.seconds, pidfiles)
    last_bare["step"] = "bare (again)"
    rows.append(last_bare)
    bare_rps = (rows[0]["rps"] + last_bare["rps"]) / 2
    bare_cpu = (rows[0]["web_cpu_ms"] + last_bare["web_cpu_ms"]) / 2
    for row in rows:
        row["ratio"] = round(row["rps"] / bare_rps, 3) if bare_rps else 0.0
        row["cpu_ratio"] = round(bare_cpu / row["web_cpu_ms"], 3) if row["web_cpu_ms"] else None
        row["target"] = TARGETS.get(row["step"])
        row["met"] = None if row["target"] is None else row["ratio"] >= row["target"]

    print()
    print(table(rows))
    drift = abs(rows[0]["rps"] - last_bare["rps"]) / bare_rps * 100 if bare_rps else 0
    print(
        f"\nratio = requests per second / the bare Django view's ({bare_rps:.1f};"
        f" its first and last runs {drift:.0f}% apart);"
        f" {args.clients} clients, {args.seconds:g} s per step; CPU ms = server CPU time per request."
    )
    missed = [row["step"] for row in rows if row["met"] is False]
    print("targets: all met" if not missed else f"targets not met: {', '.join(missed)}")
    result = {
        "url": args.url,
        "clients": args.clients,
        "seconds_per_step": args.seconds,
        "bare_rps": bare_rps,
        "cpu_count": os.cpu_count(),
        "notes": plan.notes,
        "steps": rows,
        "duration_s": round(time.time() - began, 1),
        "plan": {key: value for key, value in asdict(plan).items() if key != "accounts"},
    }
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    print(f"written to {path} in {result['duration_s']} s")


if __name__ == "__main__":
    main()
