"""The front over an external store keeps every limit, and uses the store's own where it has
them: Oxigraph's server stopped at its ``--timeout-s``, Virtuoso at its execution time (the
``timeout`` the front sends) and at its result rows (``ResultSetMaxRows``, which it meets without
a word in the body); our deadline as the HTTP timeout; a cut answer marked cut; the fair share
of each client (429); a new release in the store switching the front and its ETags."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask

from dprk_ld.release.remote import PUBLISHED
from dprk_ld.testing import CountingPool, assert_error_shape
from dprk_ld.testing.remote import publish_into
from dprk_ld.testing.stores import OxigraphServer, StoreServer, VirtuosoServer
from dprk_ld.web.app import close_app, create_app

#: runs for many seconds on either store, over the release's data (so that both stores check
#: their clocks while they run it; Oxigraph's server does not while it joins VALUES alone)
HEAVY = ("SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f "
         "FILTER(STR(?c) = CONCAT(STR(?f), \"-no-such-suffix\")) }")
EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
STORE_ROWS = 500  # the limited Virtuoso's ResultSetMaxRows
STORE_SECONDS = 2  # the limited Oxigraph's --timeout-s


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory,
            real_release: Path) -> Iterator[dict[str, StoreServer]]:
    """An Oxigraph server with a timeout and a Virtuoso with a small row limit, each holding
    the real release."""
    virtuoso = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-limited"), max_seconds=60)
    stores: dict[str, StoreServer] = {
        "oxigraph": OxigraphServer(tmp_path_factory.mktemp("oxigraph-limited"),
                                   timeout_s=STORE_SECONDS),
        "virtuoso": virtuoso}
    try:
        for store in stores.values():
            store.start()
            publish_into(store, real_release)
        # publish reads every graph back whole: the row limit is set after it (a restart)
        virtuoso.stop()
        virtuoso.max_rows = STORE_ROWS
        virtuoso.start()
        yield stores
    finally:
        for store in stores.values():
            store.stop()


@pytest.fixture()
def front(limited: dict[str, StoreServer]) -> Iterator[Any]:
    made: list[Flask] = []

    def make(name: str, **config: Any) -> Flask:
        app = create_app({"STORE_URL": limited[name].endpoints.query_url, "QUERY_WORKERS": 2,
                          **config})
        made.append(app)
        return app

    yield make
    for app in made:
        close_app(app)


def _get(app: Flask, query: str, accept: str = "application/sparql-results+json",
         agent: str = "tester") -> Any:
    return app.test_client().get("/sparql?query=" + quote(query),
                                 headers={"Accept": accept, "User-Agent": agent})


def test_virtuosos_row_limit_becomes_the_fronts_and_a_cut_answer_says_so(front: Any) -> None:
    app = front("virtuoso")
    assert app.extensions["dprk_ld"].limits.max_rows == STORE_ROWS - 1  # one below the store's
    resp = _get(app, EVERYTHING)
    assert resp.status_code == 200
    assert resp.headers["X-SPARQL-Truncated"] == "true"
    assert resp.headers["X-SPARQL-Truncated-By"] == "rows"
    assert resp.headers["X-SPARQL-Max-Rows"] == str(STORE_ROWS - 1)
    body = json.loads(resp.data)
    assert len(body["results"]["bindings"]) == STORE_ROWS - 1
    assert body["head"]["link"]  # the notice: where the limits are told
    graph = _get(app, ALL_TRIPLES, "application/n-triples")
    assert graph.headers["X-SPARQL-Truncated"] == "true"
    lines = graph.data.decode().splitlines()
    assert lines[0].startswith("# Truncated")
    assert len([line for line in lines if line and not line.startswith("#")]) == STORE_ROWS - 1
    small = _get(app, "SELECT ?s WHERE { ?s a dprk:Finding } LIMIT 10")
    assert "X-SPARQL-Truncated" not in small.headers
    assert len(json.loads(small.data)["results"]["bindings"]) == 10


def test_a_store_cut_met_unannounced_is_marked_cut(front: Any) -> None:
    """A front that did not learn the store's row limit at its start (the limit was raised to
    ours by the test) still marks the store's cut: Virtuoso's header says it met its limit."""
    app = front("virtuoso", MAX_ROWS=STORE_ROWS * 4)
    svc = app.extensions["dprk_ld"]
    svc.limits = replace(svc.limits, max_rows=STORE_ROWS * 4)
    resp = _get(app, EVERYTHING, "text/csv")
    assert resp.status_code == 200
    assert resp.headers["X-SPARQL-Truncated"] == "true"
    assert resp.data.decode().count("\r\n") == STORE_ROWS + 1  # the header and the store's rows


def test_the_byte_cap_holds_over_a_store(front: Any) -> None:
    app = front("oxigraph", MAX_RESULT_BYTES=4000)
    resp = _get(app, EVERYTHING, "text/tab-separated-values")
    assert resp.headers["X-SPARQL-Truncated-By"] == "bytes"
    assert len(resp.data) <= 4000


def test_the_stores_own_time_limit_is_a_timeout(front: Any) -> None:
    for app in (front("oxigraph", QUERY_TIMEOUT=30), front("virtuoso", QUERY_TIMEOUT=3)):
        started = time.monotonic()
        resp = _get(app, HEAVY)
        took = time.monotonic() - started
        body = assert_error_shape(resp, 503, "query_timeout")
        assert "store" in body["message"]
        assert took < 8, took  # the store stopped it (Oxigraph at 2 s, Virtuoso at 2.7 s)


def test_our_deadline_is_the_http_timeout(front: Any, oxigraph_server: OxigraphServer,
                                          real_release: Path) -> None:
    """Oxigraph's server without a timeout of its own: the front stops waiting at its deadline."""
    url = publish_into(oxigraph_server, real_release)
    app = create_app({"STORE_URL": url, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 1.5})
    try:
        started = time.monotonic()
        resp = _get(app, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        took = time.monotonic() - started
        body = assert_error_shape(resp, 503, "query_timeout")
        assert 1.4 < took < 5, (took, body)
    finally:
        close_app(app)


def test_over_its_share_a_client_gets_429_and_others_are_answered(front: Any) -> None:
    app = front("virtuoso", QUERY_TIMEOUT=4, CLIENT_QUERIES=1)
    counter = CountingPool(app)
    stuck: dict[str, Any] = {}

    def run() -> None:
        stuck["resp"] = _get(app, HEAVY, agent="greedy")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert counter.entered.wait(30)
    time.sleep(0.2)
    again = _get(app, "SELECT (COUNT(*) AS ?n) WHERE { ?s a dprk:Finding }", agent="greedy")
    assert_error_shape(again, 429, "too_many_requests")
    other = _get(app, "SELECT (COUNT(*) AS ?n) WHERE { ?s a dprk:Finding }", agent="polite")
    assert other.status_code == 200
    assert "resp" not in stuck  # the greedy query is still at the store
    thread.join(30)
    assert_error_shape(stuck["resp"], 503, "query_timeout")


def test_a_new_release_in_the_store_switches_the_front(front: Any,
                                                       limited: dict[str, StoreServer]) -> None:
    store = limited["oxigraph"]
    app = front("oxigraph", RELOAD_SECONDS=0.2)
    client = app.test_client()
    url = "/sparql?query=" + quote("SELECT ?f WHERE { ?f a dprk:Finding } LIMIT 3")
    first = client.get(url)
    old_id = app.extensions["dprk_ld"].release.release_id
    page = client.get("/doc/id/place/hoeryong", headers={"Accept": "text/turtle"})
    void = dataset = PUBLISHED  # the store's record of the release it holds
    release_id = "https://w3id.org/dprk-ld/ontology#releaseId"
    store.update(f'DELETE {{ GRAPH <{void}> {{ <{dataset}> <{release_id}> ?id }} }} '
                 f'INSERT {{ GRAPH <{void}> {{ <{dataset}> <{release_id}> "a-new-release" }} }} '
                 f'WHERE {{ GRAPH <{void}> {{ <{dataset}> <{release_id}> ?id }} }}')
    try:
        deadline = time.monotonic() + 10
        while app.extensions["dprk_ld"].release.release_id == old_id:
            assert time.monotonic() < deadline, "the front did not switch"
            client.get("/sparql")  # a request looks for a new release
            time.sleep(0.1)
        assert app.extensions["dprk_ld"].release.release_id == "a-new-release"
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
        new_page = client.get("/doc/id/place/hoeryong", headers={"Accept": "text/turtle"})
        assert new_page.headers["ETag"] != page.headers["ETag"]
    finally:
        store.update(f'DELETE {{ GRAPH <{void}> {{ <{dataset}> <{release_id}> ?id }} }} '
                     f'INSERT {{ GRAPH <{void}> {{ <{dataset}> <{release_id}> "{old_id}" }} }} '
                     f'WHERE {{ GRAPH <{void}> {{ <{dataset}> <{release_id}> ?id }} }}')
