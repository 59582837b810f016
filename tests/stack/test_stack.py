"""`make stack` (scripts/stack.sh): the production settings on one machine come up, serve, run jobs, and go down
leaving nothing behind. Real PostgreSQL, Redis, Celery and gunicorn, each on a free loopback port."""

import subprocess

import pytest

from tests.stack.helpers import ROOT, Stack, exports, fetch, listening, stack_dir_for


@pytest.fixture
def stack_dir():
    path = stack_dir_for("test-stack")
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


@pytest.fixture
def stack(stack_dir):
    stack = Stack(stack_dir)
    try:
        stack.start()
        yield stack.ports, stack.env, stack.run
    finally:
        stack.stop()


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
    shell_env = {**env, **dict(line.split("=", 1) for line in exports(run("env").stdout))}
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
