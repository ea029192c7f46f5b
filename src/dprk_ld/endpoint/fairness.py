"""Fair sharing of the query workers between clients, as busy public endpoints do it.

A client (the web layer says who: User-Agent and address) may have at most ``concurrent`` queries
in the workers at once, and spend at most ``budget`` seconds of worker time per ``window``
seconds: a token bucket, filled at ``budget / window`` seconds per second up to ``budget``, and
charged what each query took. A client over either limit is refused at once with
``too_many_requests`` and a Retry-After: nothing waits. Cheap lookups never come here (they run
in the request thread). State is per process and bounded: at most ``max_clients`` clients are
remembered, the idlest forgotten first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from dprk_ld.endpoint.errors import QueryError


@dataclass
class _Account:
    balance: float  # seconds of worker time the client may still spend
    stamp: float  # when the balance was last brought up to date
    running: int = 0


class Fairness:
    """Per-client limits on the queries sent to workers."""

    def __init__(self, concurrent: int = 2, budget: float = 30.0, window: float = 60.0,
                 max_clients: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.concurrent, self.budget, self.window = concurrent, budget, window
        self.max_clients, self.clock = max_clients, clock
        self._accounts: OrderedDict[str, _Account] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def rate(self) -> float:
        """Seconds of budget given back per second."""
        return self.budget / self.window

    def _account(self, client: str, now: float) -> _Account:
        found = self._accounts.get(client)
        if found is None:
            found = self._accounts[client] = _Account(self.budget, now)
            while len(self._accounts) > self.max_clients:
                self._accounts.popitem(last=False)
        else:
            found.balance = min(self.budget, found.balance + (now - found.stamp) * self.rate)
            found.stamp = now
            self._accounts.move_to_end(client)
        return found

    def admit(self, client: str) -> None:
        """Count a query of ``client`` in, or refuse it (:class:`QueryError`, 429)."""
        with self._lock:
            account = self._account(client, self.clock())
            if account.running >= self.concurrent:
                raise QueryError("too_many_requests", f"This client already has {account.running} "
                                 "queries running; wait for one to finish.",
                                 {"limit_concurrent": self.concurrent}, retry_after=1)
            if account.balance < 0:
                wait = max(1, math.ceil(-account.balance / self.rate))
                raise QueryError("too_many_requests", f"This client used its {self.budget:g} s of "
                                 f"query time per {self.window:g} s; try again in {wait} s.",
                                 {"budget_seconds": self.budget, "window_seconds": self.window},
                                 retry_after=wait)
            account.running += 1

    def release(self, client: str, seconds: float) -> None:
        """Count a query of ``client`` out, charging the ``seconds`` it took."""
        with self._lock:
            account = self._account(client, self.clock())
            account.running = max(0, account.running - 1)
            account.balance -= seconds

    @contextmanager
    def share(self, client: str) -> Iterator[None]:
        """Admit ``client``'s query for the block; charge its duration after it (even a failure)."""
        self.admit(client)
        start = self.clock()
        try:
            yield
        finally:
            self.release(client, self.clock() - start)
