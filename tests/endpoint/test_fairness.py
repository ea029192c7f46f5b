"""Fair sharing: per-client concurrency and time budget (429), a bounded queue (503), long
runners at a lower CPU priority, and who a client is."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from dprk_ld.endpoint.errors import QueryError
from dprk_ld.endpoint.fairness import SLOTS, Fairness, ledger_file
from dprk_ld.endpoint.pool import PoolConfig, QueryPool
from dprk_ld.testing import CARTESIAN, CountingPool, assert_error_shape
from dprk_ld.web.clients import client_of

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_client_over_its_concurrency_is_refused_at_once() -> None:
    fair = Fairness(concurrent=2, budget=30, window=60, clock=Clock())
    fair.admit("a")
    fair.admit("a")
    with pytest.raises(QueryError) as refused:
        fair.admit("a")
    assert (refused.value.code, refused.value.retry_after) == ("too_many_requests", 1)
    fair.admit("b")  # another client is not affected
    fair.release("a", 0.5)
    fair.admit("a")


def test_a_client_over_its_budget_waits_until_it_is_given_back() -> None:
    clock = Clock()
    fair = Fairness(concurrent=5, budget=30, window=60, clock=clock)  # 0.5 s back per second
    with fair.share("a") as ticket:
        clock.now += 5  # waiting for a worker is not charged
        ticket.started()
        clock.now += 40  # one query of 40 s: 10 s over the budget
    with pytest.raises(QueryError) as refused:
        fair.admit("a")
    assert refused.value.code == "too_many_requests"
    assert refused.value.retry_after == 20  # 10 s of budget at 0.5 s a second
    clock.now += 21
    fair.admit("a")


def test_clients_remembered_are_bounded_and_running_ones_kept() -> None:
    clock = Clock()
    fair = Fairness(concurrent=1, clock=clock)
    fair.admit("busy")
    for i in range(SLOTS * 2):
        clock.now += 0.001
        fair.admit(f"client {i}")
        fair.release(f"client {i}", 0.1)
    assert fair.remembered() == SLOTS
    assert fair.running("busy") == 1  # the idlest are displaced, not one with a query running
    with pytest.raises(QueryError):
        fair.admit("busy")


def test_a_client_that_spent_its_share_is_heavy() -> None:
    clock = Clock()
    fair = Fairness(concurrent=5, budget=30, window=60, clock=clock, heavy_after=1.0)
    with fair.share("a") as ticket:
        ticket.started()
        clock.now += 0.5
    assert ticket.heavy is False
    with fair.share("a") as ticket:
        ticket.started()
        clock.now += 2.0
    assert ticket.heavy is False  # told at admission: it had spent 0.5 s then
    with fair.share("a") as ticket:
        pass
    assert ticket.heavy is True
    clock.now += 10  # 5 s given back: light again
    assert fair.admit("a") is False


def test_a_count_of_running_queries_goes_stale() -> None:
    clock = Clock()
    fair = Fairness(concurrent=1, clock=clock, stale_after=100)
    fair.admit("a")  # its process died before it released
    with pytest.raises(QueryError):
        fair.admit("a")
    clock.now += 101
    fair.admit("a")


def _admit_in_a_child(ledger: Any, client: str, done: Any) -> None:
    fair = Fairness(concurrent=1, ledger=ledger)
    fair.admit(client)
    done.set()


def test_processes_sharing_a_ledger_count_a_client_once(tmp_path) -> None:
    ledger = ledger_file(str(tmp_path))
    ctx = multiprocessing.get_context("fork")
    done = ctx.Event()
    child = ctx.Process(target=_admit_in_a_child, args=(ledger, "shared", done))
    child.start()
    child.join(30)
    assert done.is_set()
    here = Fairness(concurrent=1, ledger=ledger)
    with pytest.raises(QueryError) as refused:
        here.admit("shared")  # its query in the other process counts here
    assert refused.value.code == "too_many_requests"
    here.admit("another")
    alone = Fairness(concurrent=1)  # no ledger: a process counts alone
    alone.admit("shared")
    with pytest.raises(ValueError, match="not a client ledger"):
        Fairness(ledger=tmp_path / "empty").admit("x") if (tmp_path / "empty").touch() is None \
            else None


def test_who_a_client_is() -> None:
    env = {"REMOTE_ADDR": "10.0.0.1", "HTTP_USER_AGENT": "bot/1",
           "HTTP_X_FORWARDED_FOR": "203.0.113.9, 192.0.2.1"}
    assert client_of(env, frozenset()) == "10.0.0.1 bot/1"  # the header is not believed
    assert client_of(env, frozenset({"10.0.0.1"})) == "192.0.2.1 bot/1"
    assert client_of(env, frozenset({"10.0.0.1", "192.0.2.1"})) == "203.0.113.9 bot/1"
    assert client_of({**env, "HTTP_USER_AGENT": "x" * 10_000}, frozenset()).endswith("x" * 200)


def _stuck(client: Any, agent: str, out: dict[str, Any]) -> threading.Thread:
    def run() -> None:
        out["resp"] = client.post("/sparql", data=CARTESIAN, content_type="application/sparql-query",
                                  headers={"User-Agent": agent})
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_over_its_share_a_client_gets_429_and_others_are_answered(app_factory) -> None:
    app = app_factory(QUERY_WORKERS=2, QUERY_TIMEOUT=600, CLIENT_QUERIES=1)
    counter = CountingPool(app)
    client = app.test_client()
    stuck: dict[str, Any] = {}
    _stuck(client, "greedy", stuck)
    assert counter.entered.wait(60)
    again = client.get("/sparql?query=" + quote(COUNT), headers={"User-Agent": "greedy"})
    assert_error_shape(again, 429, "too_many_requests")
    assert again.headers["Retry-After"] == "1"
    other = client.get("/sparql?query=" + quote(COUNT), headers={"User-Agent": "polite"})
    assert other.status_code == 200
    lookup = client.get("/sparql?query=" + quote("SELECT * { ?s ?p ?o } LIMIT 2"),
                        headers={"User-Agent": "greedy"})
    assert lookup.status_code == 200  # lookups do not count against the share
    assert "resp" not in stuck
    app.extensions["dprk_ld"].pool.close()


def test_a_full_queue_is_503_at_once(app_factory) -> None:
    app = app_factory(QUERY_WORKERS=1, QUERY_TIMEOUT=600, QUEUE_MAX=0, QUEUE_TIMEOUT=30)
    counter = CountingPool(app)
    client = app.test_client()
    stuck: dict[str, Any] = {}
    _stuck(client, "one", stuck)
    assert counter.entered.wait(60)
    for _ in range(50):  # the worker is taken once the stuck query's request holds it
        if app.extensions["dprk_ld"].pool.free == 0:
            break
        time.sleep(0.1)
    resp = client.get("/sparql?query=" + quote(COUNT), headers={"User-Agent": "two"})
    body = assert_error_shape(resp, 503, "busy")
    assert "queue is full" in body["message"]  # refused at once, not after waiting
    assert resp.headers["Retry-After"] == "2"
    assert "resp" not in stuck
    app.extensions["dprk_ld"].pool.close()


def _sleep(_store: Any, seconds: float) -> tuple[int, int]:
    """Sleep, then say which worker ran it and at what niceness its evaluating thread ended."""
    time.sleep(seconds)
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.embedded_only(reason="QueryPool's worker processes' CPU priority")
def test_a_long_runner_loses_cpu_priority_and_gets_it_back() -> None:
    pool = QueryPool(ox.Store(), _sleep, PoolConfig(size=1, renice_after=0.2))
    try:
        seen: dict[str, int] = {}

        def watch() -> None:
            for _ in range(100):
                pid = next(iter(pool.pids))
                nice = os.getpriority(os.PRIO_PROCESS, pid)
                if nice > 0:
                    seen["nice"] = nice
                    return
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        pid, ended_at = pool.run(3.0)
        watcher.join()
        assert seen.get("nice") == 19
        assert ended_at == 19  # the thread that evaluates, not only the worker's first thread
        # the worker runs the next query at the normal priority (restored, or a fresh one)
        assert os.getpriority(os.PRIO_PROCESS, next(iter(pool.pids))) == 0
        again, nice = pool.run(0.0)
        assert again in (pid, next(iter(pool.pids))) and nice == 0
    finally:
        pool.close()


@pytest.mark.embedded_only(reason="QueryPool's worker processes' CPU priority")
def test_a_heavy_clients_query_starts_at_low_priority() -> None:
    pool = QueryPool(ox.Store(), _niceness, PoolConfig(size=1, reserved=0, renice_after=60))
    try:
        assert pool.run(None) == 0
        assert pool.run(None, low_priority=True) == 19
        assert pool.run(None) == 0  # given back at the normal priority
    finally:
        pool.close()


def _niceness(_store: Any, _job: Any) -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.embedded_only(reason="QueryPool's reserved worker processes, driven directly")
def test_a_heavy_client_never_takes_the_reserved_workers() -> None:
    pool = QueryPool(ox.Store(), _niceness, PoolConfig(size=4, reserved=2, renice_after=60))
    try:
        assert pool.run(None, low_priority=True) == 19  # four free: a heavy job may take one
        held = [pool._take(), pool._take()]  # two busy: two free, both kept for the others
        with pytest.raises(QueryError) as refused:
            pool.run(None, low_priority=True)
        assert (refused.value.code, refused.value.retry_after) == ("busy", 2)
        assert pool.run(None) == 0  # a light job takes one of them
        for worker in held:
            pool._give_back(worker)
        # never more than half of a small pool is kept back
        assert QueryPool.reserved.fget(_Sized(1, 2)) == 0  # type: ignore[attr-defined]
        assert QueryPool.reserved.fget(_Sized(2, 2)) == 1  # type: ignore[attr-defined]
    finally:
        pool.close()


class _Sized:
    """Stands for a pool in the test of ``QueryPool.reserved``: only its config."""

    def __init__(self, size: int, reserved: int) -> None:
        self.config = PoolConfig(size=size, reserved=reserved)


def _pid(_store: Any, _job: Any) -> int:
    return os.getpid()


@pytest.mark.embedded_only(reason="QueryPool recycling its worker processes")
def test_a_worker_is_replaced_after_its_share_of_jobs() -> None:
    pool = QueryPool(ox.Store(), _pid, PoolConfig(size=1, reserved=0, recycle_after=3))
    try:
        first = [pool.run(None) for _ in range(3)]
        assert len(set(first)) == 1  # one worker ran three jobs
        assert pool.run(None) not in first  # then a fresh one took its place
        assert len(pool.pids) == 1
    finally:
        pool.close()


def _grow(_store: Any, megabytes: int) -> int:
    """Write ``megabytes`` of pages of its own, kept (as a worker's heap keeps what it wrote)."""
    _KEPT.append(bytearray(megabytes * 1024 * 1024))
    return os.getpid()


_KEPT: list[bytearray] = []


@pytest.mark.embedded_only(reason="QueryPool recycling its worker processes")
def test_a_worker_that_grew_its_own_pages_is_replaced() -> None:
    pool = QueryPool(ox.Store(), _grow, PoolConfig(size=1, reserved=0,
                                                   recycle_private=16 * 1024 * 1024))
    try:
        first = pool.run(1)
        assert pool.run(1) == first  # 2 MiB of its own: kept
        assert pool.run(24) == first  # this job ran there, then the worker is replaced
        assert pool.run(1) != first
    finally:
        pool.close()
