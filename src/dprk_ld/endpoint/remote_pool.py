"""The query service over an external store: the same jobs, rules and answers as the embedded
one, with the store doing the evaluation.

:class:`RemotePool` stands where :class:`~dprk_ld.endpoint.pool.QueryPool` stands (``run``,
``run_inline``, ``close``, ``config``): a query is evaluated by the store, so no query process is
forked (a forked worker cannot open a socket, see ``sandbox``); the request thread sends it and
waits, the deadline (``QUERY_TIMEOUT``) being the HTTP timeout and the store's own time limit
where it has one. The pool keeps the embedded pool's sharing rules: ``size`` queries at the store
at once per web process, ``max_waiting`` waiting (then 503), a heavy client never takes the last
``reserved`` places, a wait longer than ``queue_timeout`` is 503.

:func:`execute_remote` runs a job as :func:`~dprk_ld.endpoint.evaluate.execute` does, with two
additions: the query's own ``FROM`` / ``FROM NAMED`` graphs are sent as the protocol's graph
parameters (so the store checks and sees only the release's graphs: a remote graph is refused),
and an answer the store cut (its row limit) or the byte cap of its answer cut is marked cut like
one our writer cut, never served as whole.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from dprk_ld import formats
from dprk_ld.endpoint import cut, evaluate, remote_query
from dprk_ld.endpoint.errors import QueryError, internal_error, unavailable
from dprk_ld.endpoint.pool import PoolConfig
from dprk_ld.release.remote import Cut, RemoteStore, StoreError

log = logging.getLogger(__name__)

def execute_remote(store: RemoteStore, job: evaluate.Job,
                   judge: Callable[[evaluate.Job], str | None] = remote_query.syntax_error
                   ) -> evaluate.Outcome:
    """Run ``job`` on the store (see the module's docstring). ``judge`` says the embedded
    engine's refusal of its syntax, if any: in this thread by default (for a job bounded by
    construction, as the lookups are), else a :class:`~remote_query.SyntaxJudge`'s workers."""
    refused = judge(job)
    if refused is not None:
        return evaluate.Outcome(error="syntax", message=refused)
    tokens = remote_query.tokens_of(job)
    job = remote_query.dataset_of(job, tokens)
    job = remote_query.outside_graphs_emptied(job, tokens, store.graphs)
    with store.cut_results() as seen:
        outcome = evaluate.execute(store, job)
        store_cut = seen.cut
    if store_cut is None or outcome.error or outcome.cut:
        return outcome
    return marked(outcome, job, store_cut)


def marked(outcome: evaluate.Outcome, job: evaluate.Job, found: Cut) -> evaluate.Outcome:
    """``outcome`` marked cut as the store (or the byte cap on its answer) cut it."""
    results = job.kind == "results"
    among = formats.RESULTS if results else formats.GRAPHS
    unit = "rows" if results else "triples"
    fmt = formats.by_engine(job.format, among)
    cap = cut.ROWS if found.cap == "rows" else cut.BYTES
    limit = found.limit if cap == cut.ROWS else job.max_bytes
    body = outcome.body
    if fmt is not None:
        body = cut.mark(body, fmt, cut.Notice(cap, limit, found.kept, unit, job.limits_link))
    return evaluate.Outcome(body=body, cut=cap)


def timed_out(exc: StoreError, deadline: float) -> QueryError:
    """The 503 ``query_timeout`` of a query stopped by time. The limit it names is the one that
    stopped it: the store's own (it refused the query for its cost estimate, or stopped it at
    its time limit; its number when the store said it, as Virtuoso's refusal does), else our
    ``deadline``. Naming our deadline for the store's limit would mislead a client into waiting
    for a time the store never gives."""
    if not exc.by_store:
        return unavailable(f"The query was stopped at the deadline of {deadline:g} s "
                           f"({exc.message})", "query_timeout", retry_after=None,
                           limit_seconds=deadline)
    if exc.limit_seconds is None:
        return unavailable(f"The query was stopped at the store's time limit ({exc.message})",
                           "query_timeout", retry_after=None, limit_of="store")
    return unavailable(f"The query was stopped at the store's time limit of "
                       f"{exc.limit_seconds:g} s ({exc.message})", "query_timeout",
                       retry_after=None, limit_seconds=exc.limit_seconds, limit_of="store")


class RemotePool:
    """Queries sent to the store from the request threads, shared as the query workers are."""

    def __init__(self, store: RemoteStore, config: PoolConfig | None = None) -> None:
        self.store = store
        self.config = config or PoolConfig()
        self.judge = remote_query.SyntaxJudge(self.config.size)
        self.killed = 0  # queries stopped at the deadline
        self._free = max(1, self.config.size)
        self._waiting = 0
        self._closed = False
        self._cond = threading.Condition()

    @property
    def pids(self) -> list[int]:
        return []  # no query process: the store evaluates

    @property
    def free(self) -> int:
        """Places free now for a query at the store (as :attr:`QueryPool.free`)."""
        return self._free

    @property
    def reserved(self) -> int:
        return min(self.config.reserved, max(1, self.config.size) // 2)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self.judge.close()

    def _take(self, low_priority: bool) -> None:
        with self._cond:
            if self._closed:
                raise unavailable("The query service is shutting down.")
            if low_priority and self._free <= self.reserved:
                raise unavailable("The places left at the store are kept for clients that have "
                                  "used less of their share; try again shortly.", "busy",
                                  retry_after=2)
            if self._free <= 0 and self._waiting >= self.config.max_waiting:
                raise unavailable("Every place at the store is taken and the queue is full; try "
                                  "again shortly.", "busy", retry_after=2)
            self._waiting += 1
            try:
                if not self._cond.wait_for(lambda: self._free > 0 or self._closed,
                                           timeout=self.config.queue_timeout):
                    raise unavailable("Every place at the store is taken; try again shortly.",
                                      "busy", retry_after=5)
                if self._closed:
                    raise unavailable("The query service is shutting down.")
                self._free -= 1
            finally:
                self._waiting -= 1

    def _give_back(self) -> None:
        with self._cond:
            self._free += 1
            self._cond.notify()

    def run(self, job: Any, deadline: float | None = None, low_priority: bool = False,
            started: Any = None) -> evaluate.Outcome:
        """The store's answer to ``job`` (see :class:`~dprk_ld.endpoint.pool.QueryPool.run`)."""
        self._take(low_priority)
        try:
            if started is not None:
                started()
            return self._call(job, self.judge.refusal)
        finally:
            self._give_back()

    def run_inline(self, job: Any) -> evaluate.Outcome:
        """A bounded lookup: sent at once, without waiting for a place (its syntax judged in
        this thread: bounded on the store, it is bounded on an empty one)."""
        return self._call(job, remote_query.syntax_error)

    def _call(self, job: evaluate.Job, judge: Callable[[evaluate.Job], str | None]
              ) -> evaluate.Outcome:
        try:
            return execute_remote(self.store, job, judge)
        except StoreError as exc:
            if exc.kind == "timeout":
                self.killed += 1
                raise timed_out(exc, self.config.deadline) from None
            log.error("the store failed: %s", exc.message)
            raise unavailable("The store behind this endpoint failed to answer; try again "
                              "shortly.", retry_after=5) from None
        except QueryError:
            raise
        except Exception as exc:
            log.error("a query over the store failed with %s", type(exc).__name__)
            raise internal_error() from None


__all__ = ["RemotePool", "execute_remote", "marked", "timed_out"]
