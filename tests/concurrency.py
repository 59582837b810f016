"""Threads released together, for the tests that check an invariant under simultaneous requests (against
PostgreSQL). Each thread closes its database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection


def run_together(targets: Sequence[Callable[[], Any]]) -> tuple[list[Any], list[Exception]]:
    """Run each target in its own thread, all released at the same moment by a barrier; return their results
    and the exceptions they raised (in the order they finished)."""
    barrier = threading.Barrier(len(targets))
    results: list[Any] = []
    errors: list[Exception] = []

    def run(target: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as error:  # handed to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return results, errors


def together(targets: Sequence[Callable[[], Any]]) -> list[Any]:
    """``run_together`` for targets that must all succeed: their results."""
    results, errors = run_together(targets)
    assert errors == []
    return results
