"""The guard between inline queries and forks: inline queries run side by side; a fork waits
for them and goes alone; a waiting fork is not starved by new inline queries."""

from __future__ import annotations

import threading
import time

from dprk_ld.endpoint.pool import _ForkGuard


def _hold_shared(guard: _ForkGuard, inside: threading.Barrier, release: threading.Event) -> None:
    with guard.shared():
        inside.wait(timeout=5)
        release.wait(timeout=5)


def test_inline_queries_share_the_guard() -> None:
    guard = _ForkGuard()
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
    guard = _ForkGuard()
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
            time.sleep(0.05)
            order.append("fork done")

    def late_reader() -> None:
        with guard.shared():
            order.append("late reader")

    forker = threading.Thread(target=fork)
    forker.start()
    time.sleep(0.05)
    assert not forked.is_set()  # the fork waits while a query reads
    late = threading.Thread(target=late_reader)
    late.start()
    time.sleep(0.05)
    assert order == []  # the late query waits behind the waiting fork
    release.set()
    for t in (reader, forker, late):
        t.join(timeout=5)
    assert order == ["fork", "fork done", "late reader"]
