"""A query stopped by time over an external store names the limit that stopped it, without a
store: the store's own (Virtuoso's refusal by its cost estimate states it; its stop at its time
limit and Oxigraph's server's do not) or our deadline (the HTTP timeout). The error kind is
``query_timeout`` in every case."""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from dprk_ld.endpoint import remote_pool
from dprk_ld.endpoint.errors import QueryError
from dprk_ld.endpoint.pool import PoolConfig
from dprk_ld.release.remote_http import Endpoint, Reply, StoreError, stated_limit
from dprk_ld.release.remote_results import read_result
from dprk_ld.testing.remote import fake_store

ESTIMATE = (b"Virtuoso 42000 Error The estimated execution time 10981 (sec) exceeds the limit of "
            b"60 (sec).\n\nSPARQL query:\nSELECT (COUNT(*) AS ?n) WHERE { ... }")
TRANSACTION = b"Virtuoso 40001 Error SR171: Transaction timed out\n"
JSON = "application/sparql-results+json"
ROW = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"1"}}]}}'


class _Store(BaseHTTPRequestHandler):
    """A store answering each path as one of Virtuoso's ways of stopping a query."""

    def do_POST(self) -> None:  # http.server calls it by this name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/slow":
            time.sleep(2)
        status, body = {"/estimate": (500, ESTIMATE), "/transaction": (500, TRANSACTION)}.get(
            self.path, (200, ROW))
        self.send_response(status)
        self.send_header("Server", "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu")
        self.send_header("Content-Type", JSON if status == 200 else "text/plain")
        if self.path == "/stopped":
            self.send_header("X-SQL-State", "S1TAT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def store_url() -> Iterator[str]:
    with fake_store(_Store) as url:
        yield url


def _store_error(url: str, timeout: float = 10.0) -> StoreError:
    with pytest.raises(StoreError) as raised:
        Endpoint(url, timeout=timeout, virtuoso=True).send("SELECT * {}", (), (), JSON, 1 << 20)
    return raised.value


def _refusal(exc: StoreError, deadline: float = 600.0) -> QueryError:
    """The front's answer to a query the store failed with ``exc`` (through RemotePool)."""
    pool = remote_pool.RemotePool(None, PoolConfig(deadline=deadline))  # type: ignore[arg-type]

    def fail(*_args: Any) -> Any:
        raise exc

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(remote_pool, "execute_remote", fail)
            with pytest.raises(QueryError) as raised:
                pool.run(object())
    finally:
        pool.close()
    assert pool.killed == 1
    assert raised.value.code == "query_timeout" and raised.value.retry_after is None
    return raised.value


def test_a_refusal_by_the_stores_cost_estimate_names_the_stores_limit(store_url: str) -> None:
    exc = _store_error(store_url + "/estimate")
    assert (exc.kind, exc.by_store, exc.limit_seconds) == ("timeout", True, 60.0)
    error = _refusal(exc)
    assert error.details == {"limit_seconds": 60.0, "limit_of": "store"}
    assert error.message.startswith("The query was stopped at the store's time limit of 60 s (")
    assert "600" not in error.message and "exceeds the limit of 60 (sec)" in error.message


def test_a_stop_at_the_stores_time_limit_names_no_number(store_url: str) -> None:
    stopped = _store_error(store_url + "/stopped")  # Virtuoso's 200 with X-SQL-State S1TAT
    transaction = _store_error(store_url + "/transaction")  # its SR171
    with pytest.raises(StoreError) as cancelled:  # Oxigraph's server at its --timeout-s
        read_result(Reply(ROW[:40] + b"The SPARQL operation has been cancelled", JSON), 1 << 20)
    for exc in (stopped, transaction, cancelled.value):
        assert (exc.kind, exc.by_store, exc.limit_seconds) == ("timeout", True, None)
        error = _refusal(exc)
        assert error.details == {"limit_of": "store"}
        assert error.message.startswith("The query was stopped at the store's time limit (")
        assert "600" not in error.message


def test_our_deadline_is_named_when_it_stopped_the_query(store_url: str) -> None:
    exc = _store_error(store_url + "/slow", timeout=0.5)
    assert (exc.kind, exc.by_store, exc.limit_seconds) == ("timeout", False, None)
    error = _refusal(exc, deadline=0.5)
    assert error.details == {"limit_seconds": 0.5}
    assert error.message.startswith("The query was stopped at the deadline of 0.5 s (")


def test_the_stated_limit_is_read_only_where_the_store_states_one() -> None:
    assert stated_limit(ESTIMATE.decode()) == 60.0
    assert stated_limit("... exceeds the limit of 2.5 (sec).") == 2.5
    assert stated_limit(TRANSACTION.decode()) is None
