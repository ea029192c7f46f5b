"""`dprk-ld serve --store URL`: the same front over an external SPARQL store (Oxigraph's server
and Virtuoso 7) as over the embedded store, for the real release published into each: the same
answers to the protocol in every format, the same pages and documents (blank nodes included), the
same ETags (from the release id) and 304s, the same refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from SPARQLWrapper import JSON, SPARQLWrapper

from dprk_ld import formats
from dprk_ld.formats import Format
from dprk_ld.release.namespaces import GRAPH
from dprk_ld.testing import (
    ConnectionCounter,
    assert_error_shape,
    free_port,
    service_queries,
    stop_group,
)
from dprk_ld.testing.remote import answer_value, graph_terms, publish_into, solution_rows
from dprk_ld.testing.stores import OxigraphServer, VirtuosoServer
from dprk_ld.web.app import close_app, create_app

ONTOLOGY, SHAPES = GRAPH["ontology"], GRAPH["shapes"]
FINDING = "https://w3id.org/dprk-ld/id/finding/hrw-wr-2025/hoeryong-public-trial-sentences"
ORDERED = {
    "findings": "SELECT ?f ?summary WHERE { ?f a dprk:Finding ; dprk:summary ?summary } "
                "ORDER BY ?f LIMIT 40",
    "labels": "SELECT ?c ?label WHERE { ?c skos:prefLabel ?label } ORDER BY ?c ?label LIMIT 300",
    "typed": "SELECT ?q ?v WHERE { ?q dprk:value ?v } ORDER BY DESC(?v) ?q LIMIT 50",
}
UNORDERED = {
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "union": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "blank": f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o FILTER(isBlank(?s)) }} }}",
    "from": f"SELECT (COUNT(*) AS ?n) FROM <{SHAPES}> WHERE {{ ?s ?p ?o }}",
    "ask-yes": "ASK { ?f a dprk:Finding }",
    "ask-no": "ASK { ?f a dprk:NoSuchClass }",
}
GRAPH_QUERIES = {
    "construct": f"CONSTRUCT {{ <{FINDING}> ?p ?o }} WHERE {{ <{FINDING}> ?p ?o }}",
    "shapes": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SHAPES}> {{ ?s ?p ?o }} }}",
    "named": f"CONSTRUCT {{ ?s ?p ?o }} FROM NAMED <{ONTOLOGY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
}
# a finding with figures (Virtuoso 7 gives an xsd:duration back as a number of months, "P10Y"
# as "120": a finding with sentence terms would differ for that reason alone)
PAGES = ["/doc/id/place/hoeryong",
         "/doc/id/finding/hrw-wr-2019/women-in-official-posts-cedaw-report-2016",
         "/ontology", "/shapes", "/doc/dataset"]
RELEASE_ID = "<https://w3id.org/dprk-ld/ontology#releaseId>"
DATASET = "<https://w3id.org/dprk-ld/dataset>"


@pytest.fixture(scope="module")
def oxigraph_release(oxigraph_server: OxigraphServer, real_release: Path) -> str:
    """The real release, published into the session's Oxigraph server; its query URL."""
    return publish_into(oxigraph_server, real_release)


@pytest.fixture(scope="module")
def virtuoso_release(virtuoso_server: VirtuosoServer, real_release: Path) -> str:
    """The real release, published into the session's Virtuoso; its query URL."""
    return publish_into(virtuoso_server, real_release)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store_url(request: pytest.FixtureRequest) -> str:
    """The query URL of a store holding the real release."""
    return str(request.getfixturevalue(f"{request.param}_release"))


@pytest.fixture(scope="module")
def fronts(store_url: str, real_release: Path) -> Iterator[tuple[Flask, Flask]]:
    """(the embedded front, the front over the store) of the same release."""
    url = store_url
    # the release's files (dumps, archived texts) beside the store, as `serve --store` has them
    remote = create_app({"STORE_URL": url, "DIST": real_release, "QUERY_WORKERS": 2})
    # the same limits (a store's own row limit lowers the front's): the same ETags
    embedded = create_app({"DIST": real_release, "QUERY_WORKERS": 1,
                           "MAX_ROWS": remote.extensions["dprk_ld"].limits.max_rows})
    yield embedded, remote
    close_app(embedded)
    close_app(remote)


def _ask(client: FlaskClient, query: str, fmt: Format, **params: str) -> bytes:
    resp = client.get("/sparql?" + urlencode({"query": query, **params}),
                      headers={"Accept": fmt.media_type})
    assert resp.status_code == 200, resp.data[:400]
    assert "X-SPARQL-Truncated" not in resp.headers
    return resp.data


@pytest.mark.parametrize("fmt", formats.RESULTS, ids=lambda f: f.extension)
def test_solutions_are_the_embedded_fronts(fronts: tuple[Flask, Flask], fmt: Format) -> None:
    embedded, remote = (app.test_client() for app in fronts)
    for name, query in {**ORDERED, **UNORDERED}.items():
        ordered = name in ORDERED
        if query.startswith("ASK") and fmt in (formats.CSV, formats.TSV):
            continue
        here = answer_value(_ask(embedded, query, fmt), fmt, ordered)
        there = answer_value(_ask(remote, query, fmt), fmt, ordered)
        assert here == there, name


def test_graph_parameters_select_the_same_graphs(fronts: tuple[Flask, Flask]) -> None:
    embedded, remote = (app.test_client() for app in fronts)
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } "
             "GROUP BY ?g")
    for params in ({"default-graph-uri": str(GRAPH["ontology"])},
                   {"named-graph-uri": str(GRAPH["shapes"])},
                   {"default-graph-uri": str(GRAPH["data"]), "named-graph-uri": str(GRAPH["void"])}):
        here = answer_value(_ask(embedded, query, formats.JSON_RESULTS, **params),
                            formats.JSON_RESULTS, False)
        there = answer_value(_ask(remote, query, formats.JSON_RESULTS, **params),
                             formats.JSON_RESULTS, False)
        assert here == there and len(here) > 1, params


@pytest.mark.parametrize("fmt", formats.GRAPHS, ids=lambda f: f.extension)
def test_graphs_are_the_embedded_fronts(fronts: tuple[Flask, Flask], fmt: Format) -> None:
    embedded, remote = (app.test_client() for app in fronts)
    for name, query in GRAPH_QUERIES.items():
        here = answer_value(_ask(embedded, query, fmt), fmt, False)
        there = answer_value(_ask(remote, query, fmt), fmt, False)
        assert here and here == there, name


def test_describe_holds_what_the_resource_says(fronts: tuple[Flask, Flask]) -> None:
    """A store describes in its own way (Virtuoso's DESCRIBE is not Oxigraph's): the front's
    answer holds at least every triple of the resource, as the embedded DESCRIBE does."""
    embedded, remote = (app.test_client() for app in fronts)
    own = graph_terms(_ask(embedded, GRAPH_QUERIES["construct"], formats.NTRIPLES),
                      formats.NTRIPLES)
    for client in (embedded, remote):
        described = graph_terms(_ask(client, f"DESCRIBE <{FINDING}>", formats.NTRIPLES),
                                formats.NTRIPLES)
        assert own <= described


@pytest.mark.parametrize("path", PAGES)
def test_documents_and_pages_are_the_embedded_fronts(fronts: tuple[Flask, Flask], path: str) -> None:
    """The same triples (the dataset's document names the release, with dprk:releaseId, on
    both), the same ETags, the same pages."""
    embedded, remote = (app.test_client() for app in fronts)
    for fmt in (formats.NTRIPLES, formats.TURTLE):
        here = embedded.get(path, headers={"Accept": fmt.media_type})
        there = remote.get(path, headers={"Accept": fmt.media_type})
        assert here.status_code == there.status_code == 200
        named = {t for t in graph_terms(there.data, fmt) if t[:2] == (DATASET, RELEASE_ID)}
        assert len(named) == (1 if path == "/doc/dataset" else 0)
        assert graph_terms(here.data, fmt) == graph_terms(there.data, fmt)
        assert here.headers["ETag"] == there.headers["ETag"]  # from the same release id
    page = remote.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.data == embedded.get(path, headers={"Accept": "text/html"}).data


def test_the_home_page_and_an_ontology_term_page(fronts: tuple[Flask, Flask]) -> None:
    embedded, remote = (app.test_client() for app in fronts)
    for path in ("/", "/ontology"):
        here, there = (c.get(path, headers={"Accept": "text/html"}) for c in (embedded, remote))
        assert here.status_code == there.status_code == 200
        assert here.data == there.data


def test_etags_come_from_the_release_id_and_give_304(fronts: tuple[Flask, Flask]) -> None:
    embedded, remote = fronts
    assert embedded.extensions["dprk_ld"].release.release_id == \
        remote.extensions["dprk_ld"].release.release_id
    client = remote.test_client()
    url = "/sparql?query=" + quote(ORDERED["findings"])
    first = client.get(url, headers={"Accept": "text/csv"})
    assert first.headers["ETag"] == embedded.test_client().get(
        url, headers={"Accept": "text/csv"}).headers["ETag"]
    again = client.get(url, headers={"Accept": "text/csv", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    post = client.post("/sparql", data={"query": ORDERED["findings"]},
                       headers={"Accept": "text/csv", "If-None-Match": first.headers["ETag"]})
    assert post.status_code == 200 and post.data == first.data


def test_service_is_refused_and_other_graphs_are_empty(fronts: tuple[Flask, Flask]) -> None:
    """Both stores would evaluate SERVICE: the front refuses it before the store sees it (no
    connection reaches the service named). A graph that is not the release's is an empty graph,
    as it is to the embedded front: the answers are the embedded front's, and nothing is
    fetched from it."""
    embedded, remote = (app.test_client() for app in fronts)
    with ConnectionCounter() as witness:
        for query in service_queries(witness.url):
            resp = remote.post("/sparql", data={"query": query},
                               headers={"Accept": "application/json"})
            assert_error_shape(resp, 403, "service_refused")
        elsewhere = witness.url + "g"
        asked = [
            {"query": f"SELECT * FROM <{elsewhere}> WHERE {{ ?s ?p ?o }}"},
            {"query": f"SELECT * FROM NAMED <{elsewhere}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
            {"query": f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH['data']}> FROM <{elsewhere}> "
                      "WHERE { ?s ?p ?o }"},
            {"query": f"ASK {{ GRAPH <{elsewhere}> {{ }} }}"},
            {"query": "SELECT * { ?s ?p ?o } LIMIT 1", "default-graph-uri": elsewhere},
        ]
        for params in asked:
            here, there = (c.get("/sparql?" + urlencode(params),
                                 headers={"Accept": "application/sparql-results+json"})
                           for c in (embedded, remote))
            assert here.status_code == there.status_code == 200, there.data[:300]
            rows = [solution_rows(r.data, formats.JSON_RESULTS) for r in (here, there)]
            if isinstance(rows[0], list) and isinstance(rows[1], list):  # SELECT * names in any order
                rows = [(sorted(r[0]), sorted(r[1:])) for r in rows]  # type: ignore[index]
            assert rows[0] == rows[1], params
    assert witness.count == 0


def test_too_big_and_too_deep_are_refused_as_embedded(fronts: tuple[Flask, Flask]) -> None:
    for query, status, code in (
            ("SELECT * { ?s ?p ?o FILTER(?o != \"" + "x" * 70_000 + "\") }", 413,
             "query_too_large"),
            ("SELECT * { " + "{ " * 80 + "?s ?p ?o" + " }" * 80 + " }", 400, "query_too_deep")):
        for app in fronts:
            resp = app.test_client().post("/sparql", data={"query": query},
                                          headers={"Accept": "application/json"})
            assert_error_shape(resp, status, code)


@pytest.mark.server
def test_serve_store_is_a_server_that_sparqlwrapper_reads(store_url: str, real_release: Path,
                                                          tmp_path: Path) -> None:
    """`dprk-ld serve --store URL` as a real process: the count of findings through
    SPARQLWrapper is the embedded front's, and a page answers."""
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DPRK_LD_")}
    proc = subprocess.Popen([sys.executable, "-m", "dprk_ld.cli", "serve", "--store", store_url,
                             "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                             "--query-workers", "2"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        endpoint = f"http://127.0.0.1:{port}/sparql"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(endpoint, timeout=2) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        sparql = SPARQLWrapper(endpoint)
        sparql.setReturnFormat(JSON)
        sparql.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?f a dprk:Finding }")
        found = sparql.queryAndConvert()["results"]["bindings"][0]["n"]["value"]
        embedded = create_app({"DIST": real_release, "QUERY_WORKERS": 1})
        try:
            expected = json.loads(embedded.test_client().get(
                "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?f a dprk:Finding }"),
                headers={"Accept": "application/sparql-results+json"}).data)
        finally:
            close_app(embedded)
        assert found == expected["results"]["bindings"][0]["n"]["value"]
        assert int(found) > 300
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/doc/id/place/hoeryong.ttl",
                                    timeout=10) as resp:
            assert b"hoeryong" in resp.read().lower()
    finally:
        stop_group(proc)
        log.close()
