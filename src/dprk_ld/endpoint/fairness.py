"""Fair sharing of the query workers between clients, as busy public endpoints do it.

A client (the web layer says who: User-Agent and address) may have at most ``concurrent`` queries
in the workers at once, and spend at most ``budget`` seconds of worker time per ``window``
seconds: a token bucket, filled at ``budget / window`` seconds per second up to ``budget``, and
charged what each query took. A client over either limit is refused at once with
``too_many_requests`` and a Retry-After: nothing waits. Cheap lookups never come here (they run
in the request thread). A client that has already spent more than ``heavy_after`` seconds of its
budget is *heavy*: its next query starts at a low CPU priority (see ``pool``), instead of
getting the normal priority for its first second again.

The accounts live in a fixed table of :data:`SLOTS` slots in shared memory (``mmap``), so that
the server's web processes count one client once: :func:`ledger_file` makes the file they share
(``dprk-ld serve`` does, before it starts them); without a file the table is private to the
process. The table is bounded: a client hashes to a run of :data:`PROBES` slots and, when they are
all taken, displaces the idlest of them. A count of running queries older than ``stale_after``
seconds (a web process that died mid-query) is forgotten.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import math
import mmap
import os
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dprk_ld.endpoint.errors import QueryError

#: one account: key digest (0 = free), balance, stamp of the balance, running, last admitted
_SLOT = struct.Struct("<Qddqd")
SLOTS = 8192
PROBES = 16
TABLE_BYTES = SLOTS * _SLOT.size


def ledger_file(folder: str | None = None) -> Path:
    """A new, empty ledger file for the server's processes to share (its creator removes it)."""
    handle, name = tempfile.mkstemp(prefix="dprk-ld-ledger-", dir=folder)
    with os.fdopen(handle, "wb") as fh:
        fh.truncate(TABLE_BYTES)
    return Path(name)


def _digest(client: str) -> int:
    raw = hashlib.blake2b(client.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(raw, "little") or 1


class _Table:
    """The slots, in a shared file mapping or in this process's memory, and their lock."""

    def __init__(self, path: Path | None) -> None:
        self._thread_lock = threading.Lock()  # flock does not exclude threads of one process
        self._fd: int | None = None
        if path is None:
            self.memory = mmap.mmap(-1, TABLE_BYTES)
            return
        self._fd = os.open(path, os.O_RDWR)
        if os.fstat(self._fd).st_size < TABLE_BYTES:
            os.close(self._fd)
            raise ValueError(f"{path} is not a client ledger (too short)")
        self.memory = mmap.mmap(self._fd, TABLE_BYTES)

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._thread_lock:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)

    def read(self, index: int) -> tuple[int, float, float, int, float]:
        return _SLOT.unpack_from(self.memory, index * _SLOT.size)  # type: ignore[return-value]

    def write(self, index: int, key: int, balance: float, stamp: float, running: int,
              admitted: float) -> None:
        _SLOT.pack_into(self.memory, index * _SLOT.size, key, balance, stamp, running, admitted)

    def close(self) -> None:
        with contextlib.suppress(BufferError, ValueError):
            self.memory.close()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


class Fairness:
    """Per-client limits on the queries sent to workers."""

    def __init__(self, concurrent: int = 2, budget: float = 30.0, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, ledger: Path | None = None,
                 heavy_after: float = 1.0, stale_after: float = 600.0) -> None:
        self.concurrent, self.budget, self.window = concurrent, budget, window
        self.clock, self.heavy_after, self.stale_after = clock, heavy_after, stale_after
        self._table = _Table(ledger)

    @property
    def rate(self) -> float:
        """Seconds of budget given back per second."""
        return self.budget / self.window

    def _slot(self, key: int) -> tuple[int, bool]:
        """The slot of ``key`` (found, True) or the one it takes (free or idlest, False)."""
        start = key % SLOTS
        chosen, chosen_stamp = start, math.inf
        for step in range(PROBES):
            index = (start + step) % SLOTS
            found, _balance, stamp, running, _admitted = self._table.read(index)
            if found == key:
                return index, True
            idle_stamp = -math.inf if found == 0 else stamp + (1e12 if running > 0 else 0)
            if idle_stamp < chosen_stamp:
                chosen, chosen_stamp = index, idle_stamp
        return chosen, False

    def _account(self, client: str, now: float) -> tuple[int, int, float, int, float]:
        """The slot, key, balance (brought up to date), running count and last admission."""
        key = _digest(client)
        index, found = self._slot(key)
        if not found:
            return index, key, self.budget, 0, now
        _key, balance, stamp, running, admitted = self._table.read(index)
        balance = min(self.budget, balance + max(0.0, now - stamp) * self.rate)
        if running and now - admitted > self.stale_after:
            running = 0
        return index, key, balance, running, admitted

    def admit(self, client: str) -> bool:
        """Count a query of ``client`` in, or refuse it (:class:`QueryError`, 429); whether the
        client is heavy (has spent more than ``heavy_after`` s of its budget)."""
        with self._table.locked():
            now = self.clock()
            index, key, balance, running, _admitted = self._account(client, now)
            if running >= self.concurrent:
                raise QueryError("too_many_requests", f"This client already has {running} "
                                 "queries running; wait for one to finish.",
                                 {"limit_concurrent": self.concurrent}, retry_after=1)
            if balance < 0:
                wait = max(1, math.ceil(-balance / self.rate))
                raise QueryError("too_many_requests", f"This client used its {self.budget:g} s of "
                                 f"query time per {self.window:g} s; try again in {wait} s.",
                                 {"budget_seconds": self.budget, "window_seconds": self.window},
                                 retry_after=wait)
            self._table.write(index, key, balance, now, running + 1, now)
            return self.budget - balance > self.heavy_after

    def release(self, client: str, seconds: float) -> None:
        """Count a query of ``client`` out, charging the ``seconds`` it took."""
        with self._table.locked():
            now = self.clock()
            index, key, balance, running, admitted = self._account(client, now)
            self._table.write(index, key, balance - seconds, now, max(0, running - 1), admitted)

    def running(self, client: str) -> int:
        """The queries of ``client`` counted in now."""
        with self._table.locked():
            return self._account(client, self.clock())[3]

    def remembered(self) -> int:
        """How many clients the table holds (bounded by :data:`SLOTS`)."""
        with self._table.locked():
            return sum(1 for i in range(SLOTS) if self._table.read(i)[0])

    @contextmanager
    def share(self, client: str) -> Iterator[Ticket]:
        """Admit ``client``'s query for the block, which gets a :class:`Ticket` (whether the
        client is heavy; ``started()`` to call when a worker takes the query); after the block
        (even a failure), charge the time from ``started()`` on: waiting for a worker is free."""
        ticket = Ticket(self.admit(client), self.clock)
        try:
            yield ticket
        finally:
            self.release(client, ticket.elapsed())

    def close(self) -> None:
        self._table.close()


class Ticket:
    """One admitted query: whether its client is heavy, and when a worker took it."""

    def __init__(self, heavy: bool, clock: Callable[[], float]) -> None:
        self.heavy, self.clock = heavy, clock
        self.start: float | None = None

    def started(self) -> None:
        self.start = self.clock()

    def elapsed(self) -> float:
        return 0.0 if self.start is None else self.clock() - self.start
