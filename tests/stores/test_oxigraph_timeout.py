"""What Oxigraph's server's ``--timeout-s`` stops, and what it does not (a control of the store
itself, so that README.md and docs/stores.md say what is true of the version we test).

It stops a query that scans ``GRAPH ?g`` at its limit (the answer ends with "The SPARQL
operation has been cancelled"). It does not stop a count over inline data alone (VALUES), nor
the same scan over a dataset given by FROM: those run on at the store after the client has gone,
as long as they take. Over Oxigraph's server, the front's deadline answers the client, but
cannot end the store's work (docs/stores.md, "What the front cannot bound over Oxigraph").
Should a later Oxigraph stop them, these tests fail, and the documents must change.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dprk_ld.testing import CARTESIAN, processes
from dprk_ld.testing.stores import OxigraphServer

LIMIT = 1  # the store's --timeout-s
CLIENT_WAIT = 4 * LIMIT  # seconds the client waits for an answer
SCANS = " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(8))  # 22 ** 8 solutions
SCAN_GRAPHS = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {SCANS} }} }}"
SCAN_FROM = f"SELECT (COUNT(*) AS ?n) FROM <urn:x-test:g> WHERE {{ {SCANS} }}"


@pytest.fixture()
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A store of its own with a 1 s limit and 22 triples in one graph; stopped after the test
    (which ends whatever it still computes)."""
    with OxigraphServer(tmp_path / "store", timeout_s=LIMIT) as store:
        triples = " ".join(f"<urn:x-test:{i}> <urn:x-test:p{i % 3}> {i} ." for i in range(22))
        requests.post(store.endpoints.update_url, timeout=30,
                      data={"update": f"INSERT DATA {{ GRAPH <urn:x-test:g> {{ {triples} }} }}"}
                      ).raise_for_status()
        yield store


def ask(store: OxigraphServer, query: str) -> str | None:
    """The store's answer, or None when it has not answered within CLIENT_WAIT s (the client
    then closes the connection, as the front does at its deadline)."""
    try:
        reply = requests.post(store.endpoints.query_url, data={"query": query},
                              headers={"Accept": "application/sparql-results+json"},
                              timeout=CLIENT_WAIT)
    except requests.exceptions.Timeout:
        return None
    return reply.text


def busy(store: OxigraphServer, seconds: float = 2.0) -> float:
    """The share of one core the store's processes used over the next ``seconds``."""
    def ticks() -> int:
        table = processes()
        return sum(table[pid][3] for pid in store.group_members() if pid in table)

    before = ticks()
    time.sleep(seconds)
    return (ticks() - before) / (os.sysconf("SC_CLK_TCK") * seconds)


@pytest.mark.slow
def test_a_scan_of_graph_variables_is_stopped_at_the_limit(oxigraph: OxigraphServer) -> None:
    answer = ask(oxigraph, SCAN_GRAPHS)
    assert answer is not None and "operation has been cancelled" in answer
    assert busy(oxigraph) < 0.1  # the store stopped computing


@pytest.mark.slow
@pytest.mark.parametrize("query", [CARTESIAN, SCAN_FROM], ids=["values-only", "scan-from"])
def test_these_run_on_past_the_limit_after_the_client_left(oxigraph: OxigraphServer,
                                                         query: str) -> None:
    assert ask(oxigraph, query) is None  # not answered in four times the limit
    assert busy(oxigraph) > 0.3  # and still computing, the client gone
