"""Starting `make stack` (scripts/stack.sh) from a test: the production settings on free loopback ports, in a folder
of its own under .services/, stopped afterwards. Used by tests/stack and tests/fault."""

from __future__ import annotations

import os
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from shutil import which

from tests.conftest import missing_service

ROOT = Path(__file__).resolve().parents[2]
# The test process's own settings and services, which the stack must not inherit.
NOT_INHERITED = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TEST_REDIS_URL"}


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


def stack_dir_for(name: str) -> Path:
    """Under the checkout, not pytest's temporary folder: PostgreSQL runs as its own user when the tests run as root,
    and must reach its data directory."""
    return ROOT / ".services" / f"{name}-{os.getpid()}"


def require_servers() -> None:
    if not which("redis-server") or not (which("pg_ctl") or list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))):
        missing_service("PostgreSQL and Redis servers (for make stack)")


class Stack:
    """One `make stack` on free ports. ``env`` is what scripts/stack.sh runs with; ``shell_env`` adds the
    stack's own environment (``scripts/stack.sh env``: settings module, database, Redis, secret key) for commands
    run against it."""

    def __init__(self, directory: Path, **settings: str | int) -> None:
        require_servers()
        self.dir = directory
        self.ports = {"PORT": free_port(), "STACK_PG_PORT": free_port(), "STACK_REDIS_PORT": free_port()}
        self.env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
        self.env.update({key: str(value) for key, value in self.ports.items()})
        self.env.update({"STACK_DIR": str(directory), "STACK_SEED": "0", "WEB_WORKERS": "2", "CELERY_CONCURRENCY": "1"})
        self.env.update({key: str(value) for key, value in settings.items()})
        self.url = f"http://127.0.0.1:{self.ports['PORT']}"
        self._shell_env: dict[str, str] | None = None

    def run(self, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "scripts/stack.sh", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def script(self, name: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
        """One of scripts/pg.sh, redis.sh, celery.sh with the settings stack.sh gives it."""
        env = {**self.shell_env, "PG_PORT": self.ports["STACK_PG_PORT"], "REDIS_PORT": self.ports["STACK_REDIS_PORT"]}
        env.update({"PG_DIR": str(self.dir / "pg"), "REDIS_DIR": str(self.dir / "redis"), "PG_FAST": "0"})
        env.update({"CELERY_DIR": str(self.dir / "celery"), "CELERY_NAME": "stack", "CELERY_BEAT": "1"})
        env.update({"REDIS_PERSIST": self.env.get("REDIS_PERSIST", "1")})
        env = {key: str(value) for key, value in env.items()}
        return subprocess.run(
            ["bash", f"scripts/{name}.sh", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )

    @property
    def shell_env(self) -> dict[str, str]:
        if self._shell_env is None:
            self._shell_env = {**self.env, **dict(line.split("=", 1) for line in exports(self.run("env").stdout))}
        return self._shell_env

    def start(self) -> None:
        started = self.run("start")
        assert started.returncode == 0, started.stdout + started.stderr

    def stop(self) -> subprocess.CompletedProcess:
        return self.run("stop")

    def remove(self) -> None:
        subprocess.run(["rm", "-rf", str(self.dir)], check=False)


def exports(text: str) -> list[str]:
    """`scripts/stack.sh env` prints export NAME='value' lines."""
    return [line.removeprefix("export ").replace("'", "") for line in text.splitlines() if line.startswith("export ")]
