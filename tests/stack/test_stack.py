"""`make stack` (scripts/stack.sh): the production settings on one machine come up, serve, run jobs, and go down
leaving nothing behind. Real PostgreSQL, Redis, Celery and gunicorn, each on a free loopback port."""

import os
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from shutil import which

import pytest

from tests.conftest import missing_service

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def stack_dir():
    """Under the checkout, not pytest's temporary folder: PostgreSQL runs as its own user when the tests run as root,
    and must reach its data directory."""
    path = ROOT / ".services" / f"test-stack-{os.getpid()}"
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


@pytest.fixture
def stack(stack_dir):
    if not which("redis-server") or not (which("pg_ctl") or list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))):
        missing_service("PostgreSQL and Redis servers (for make stack)")
    ports = {"PORT": free_port(), "STACK_PG_PORT": free_port(), "STACK_REDIS_PORT": free_port()}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TEST_REDIS_URL"}
    }
    env.update({key: str(value) for key, value in ports.items()})
    env.update({"STACK_DIR": str(stack_dir), "STACK_SEED": "0", "WEB_WORKERS": "2", "CELERY_CONCURRENCY": "1"})

    def run(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "scripts/stack.sh", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )

    started = run("start")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield ports, env, run
    finally:
        run("stop")


def test_stack_serves_with_production_settings_runs_jobs_and_stops_cleanly(stack, stack_dir):
    ports, env, run = stack
    base = f"http://127.0.0.1:{ports['PORT']}"

    status, headers, body = fetch(f"{base}/health/")
    assert (status, body) == (200, b"ok\n")

    # A page through the whole middleware stack, in Arabic, with production's headers (DEBUG off).
    status, headers, body = fetch(f"{base}/ar/accounts/login/")
    assert status == 200
    assert b'dir="rtl"' in body
    assert headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self';" in headers["Content-Security-Policy"]  # core/security.py, no 'unsafe-inline'
    assert "camera=()" in headers["Permissions-Policy"]
    status, _headers, body = fetch(f"{base}/en/no-such-page-here/")
    assert status == 404 and b"Traceback" not in body

    # Static files: hashed names from the manifest, compressed, cached for a year.
    status, _headers, body = fetch(f"{base}/en/accounts/login/")
    stylesheet = next(part for part in body.decode().split('"') if part.startswith("/static/core/site."))
    assert stylesheet != "/static/core/site.css"  # the manifest's hashed name
    status, headers, _body = fetch(f"{base}{stylesheet}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]

    # The Celery worker answers on the stack's Redis.
    shell_env = {**env, **dict(line.split("=", 1) for line in _exports(run("env").stdout))}
    ping = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "celery", "-A", "config", "inspect", "ping", "-t", "10"],
        cwd=ROOT,
        env=shell_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "pong" in ping.stdout, ping.stdout + ping.stderr

    stopped = run("stop")
    assert stopped.returncode == 0, stopped.stderr
    for port in ports.values():
        assert not listening(port), f"something still listens on {port} after make stack-stop"
    leftover = subprocess.run(["pgrep", "-f", str(stack_dir)], capture_output=True, text=True)
    assert leftover.stdout.strip() == "", f"processes left running: {leftover.stdout}"
    assert not list(stack_dir.rglob("*.pid")), "pid files left behind"


def _exports(text: str) -> list[str]:
    """`scripts/stack.sh env` prints export NAME='value' lines."""
    return [line.removeprefix("export ").replace("'", "") for line in text.splitlines() if line.startswith("export ")]
