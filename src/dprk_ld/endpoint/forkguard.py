"""A guard between the queries a web process runs itself and the forks of its query workers."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator


class ForkGuard:
    """Many inline queries at once, or one fork alone.

    Inline queries (bounded lookups, run in request threads, the engine releasing the GIL) share
    the guard; a fork takes it alone, so that a worker never starts from a copy of a store that
    another thread is in the middle of reading. A waiting fork goes first: new inline queries
    wait until it is done, so a steady stream of lookups cannot starve a worker's replacement.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._forking = False
        self._waiting_forks = 0

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._forking or self._waiting_forks:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting_forks += 1
            while self._forking or self._readers:
                self._cond.wait()
            self._waiting_forks -= 1
            self._forking = True
        try:
            yield
        finally:
            with self._cond:
                self._forking = False
                self._cond.notify_all()
