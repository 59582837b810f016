"""One `make stack` (production settings, real PostgreSQL, Redis, Celery worker and beat, gunicorn) for the whole
tests/fault package, seeded once by tests/fault/seed.py and stopped (its folder removed) after the last test. Each
scenario restores whatever service it stopped before it ends, and uses its own teachers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.fault.helpers import ACCOUNTS_PER_SCENARIO, STACK_SETTINGS, FaultStack
from tests.stack.helpers import ROOT, Stack, stack_dir_for

SCENARIOS = 3


@pytest.fixture(scope="package")
def fault_stack():
    directory = stack_dir_for("test-fault")
    stack = Stack(
        directory,
        **STACK_SETTINGS,
        EMAIL_URL=f"file://{directory / 'mail'}",
        MEDIA_ROOT=str(directory / "media"),
    )
    fault = None
    try:
        stack.start()
        plan_path = directory / "plan.json"
        seeded = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.fault.seed",
                str(plan_path),
                "--accounts",
                str(ACCOUNTS_PER_SCENARIO * SCENARIOS),
            ],
            cwd=ROOT,
            env=stack.shell_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        fault = FaultStack(stack=stack, plan=json.loads(plan_path.read_text()))
        yield fault
    finally:
        if fault is not None:
            fault.stop_loads()
        stack.stop()
        stack.remove()
