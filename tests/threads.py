"""Work started in several threads at the same moment, as several app instances or sessions do:
the tests of locks, leases and single-flight preparation share it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def at_once(count: int, work: Callable[[], T], timeout: float = 120) -> list[T | Exception]:
    """``work()`` in ``count`` threads released together: each result, or what it raised (a
    thread's exception would otherwise be lost), in the order they finished."""
    barrier = threading.Barrier(count)
    results: list[T | Exception] = []

    def one() -> None:
        barrier.wait()
        try:
            results.append(work())
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results
