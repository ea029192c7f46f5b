"""The guard between inline queries and forks: inline queries run side by side; a fork waits
for them and goes alone; a waiting fork is not starved by new inline queries."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest

from dprk_ld.endpoint.forkguard import ForkGuard

pytestmark = pytest.mark.embedded_only(reason="the embedded engine's fork guard")


class _WatchedCondition(threading.Condition):
    """The guard's condition, counting (by thread name) the times a thread began to wait on it:
    the guard waits only when it must, so a test can wait for a thread to be held back instead of
    sleeping."""

    def __init__(self) -> None:
        super().__init__(threading.Lock())
        self.waits: Counter[str] = Counter()
        self._changed = threading.Condition()

    def wait(self, timeout: float | None = None) -> bool:
        with self._changed:
            self.waits[threading.current_thread().name] += 1
            self._changed.notify_all()
        return super().wait(timeout)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5) -> None:
        """Until ``predicate()`` (checked whenever a thread begins to wait), at most ``timeout``."""
        with self._changed:
            self._changed.wait_for(predicate, timeout)


def _hold_shared(guard: ForkGuard, inside: threading.Barrier, release: threading.Event) -> None:
    with guard.shared():
        inside.wait(timeout=5)
        release.wait(timeout=5)


def test_inline_queries_share_the_guard() -> None:
    guard = ForkGuard()
    inside = threading.Barrier(3)  # two holders and this thread: both inside at once
    release = threading.Event()
    threads = [threading.Thread(target=_hold_shared, args=(guard, inside, release))
               for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait(timeout=5)  # raises BrokenBarrierError if the second holder could not enter
    release.set()
    for t in threads:
        t.join(timeout=5)


def test_a_fork_waits_for_inline_queries_and_then_blocks_new_ones() -> None:
    guard = ForkGuard()
    cond = guard._cond = _WatchedCondition()  # see who is held back, instead of sleeping
    order: list[str] = []
    inside = threading.Barrier(2)
    release = threading.Event()
    reader = threading.Thread(target=_hold_shared, args=(guard, inside, release))
    reader.start()
    inside.wait(timeout=5)

    forked = threading.Event()

    def fork() -> None:
        with guard.exclusive():
            order.append("fork")
            forked.set()
            # the late reader, woken when the first one left, must wait again while the fork runs
            cond.wait_until(lambda: cond.waits["late"] >= 2 or "late reader" in order)
            order.append("fork done")

    def late_reader() -> None:
        with guard.shared():
            order.append("late reader")

    forker = threading.Thread(target=fork, name="fork")
    forker.start()
    cond.wait_until(lambda: cond.waits["fork"] >= 1 or forked.is_set())
    assert not forked.is_set()  # the fork waits while a query reads
    late = threading.Thread(target=late_reader, name="late")
    late.start()
    cond.wait_until(lambda: cond.waits["late"] >= 1 or bool(order))
    assert order == []  # the late query waits behind the waiting fork
    release.set()
    for t in (reader, forker, late):
        t.join(timeout=5)
    assert order == ["fork", "fork done", "late reader"]
