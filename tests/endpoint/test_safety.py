"""Every safety rule of the endpoint, each with a test that fails without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from typing import Any
from urllib.parse import quote

import pytest

from dprk_ld.testing import CARTESIAN, ConnectionCounter, CountingPool, assert_error_shape, service_queries
from dprk_ld.testing.store_option import store_kind

FORM = "application/x-www-form-urlencoded"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
VALUES = " ".join(str(i) for i in range(100))
# an ORDER BY over the product of CARTESIAN materializes it: memory grows until something stops it
SORTED = ("SELECT ?a WHERE { " + " ".join(f"VALUES ?{v} {{ {VALUES} }}" for v in "abcde")
          + " } ORDER BY DESC(?e) LIMIT 1")


def q(text: str) -> str:
    return "/sparql?query=" + quote(text)


def count_all(client) -> int:
    resp = client.get(q(COUNT_ALL))
    assert resp.status_code == 200
    return int(json.loads(resp.data)["results"]["bindings"][0]["n"]["value"])


# --- no outbound request, ever ------------------------------------------------------------------

@pytest.mark.embedded_only(reason="control: pyoxigraph in process fetching SERVICE")
def test_the_listener_sees_what_the_engine_would_do() -> None:
    """Control: pyoxigraph on its own does connect for SERVICE; so the refusal matters."""
    with ConnectionCounter() as listener:
        code = (
            "import pyoxigraph as ox\n"
            "try:\n"
            f"    list(ox.Store().query('SELECT * WHERE {{ SERVICE <{listener.url}> "
            "{ ?s ?p ?o } }'))\n"
            "except Exception:\n"
            "    pass\n"
        )
        subprocess.run([sys.executable, "-c", code], timeout=60, check=True)
    assert listener.count >= 1  # counted when the listener closed, the backlog too


def test_service_is_refused_in_every_form(client) -> None:
    with ConnectionCounter() as listener:
        for query in service_queries(listener.url):
            for resp in (
                client.get(q(query)),
                client.post("/sparql", data="query=" + quote(query), content_type=FORM),
                client.post("/sparql", data=query.encode(),
                            content_type="application/sparql-query"),
            ):
                assert_error_shape(resp, 403, "service_refused")
    assert listener.count == 0  # counted when the listener closed, the backlog too


def test_service_as_a_plain_word_is_not_refused(client) -> None:
    for query in [
        "SELECT ?service WHERE { BIND(1 AS ?service) }",
        'SELECT * WHERE { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) }',
        "SELECT * WHERE { BIND(<http://example.org/SERVICE> AS ?x) }",
        "PREFIX service: <http://example.org/> SELECT * WHERE { BIND(service:x AS ?x) }",
        "SELECT * WHERE { BIND(1 AS ?x) } # SERVICE <http://127.0.0.1:9/> { }",
    ]:
        assert client.get(q(query)).status_code == 200, query


def test_graph_selection_never_fetches(client) -> None:
    with ConnectionCounter() as listener:
        url = listener.url
        for path in (
            q(f"SELECT (COUNT(*) AS ?n) FROM <{url}> WHERE {{ ?s ?p ?o }}"),
            q(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
            q(COUNT_ALL) + "&default-graph-uri=" + quote(url),
            q(COUNT_ALL) + "&named-graph-uri=" + quote(url),
            q("SELECT (COUNT(*) AS ?n) FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
        ):
            resp = client.get(path)
            assert resp.status_code == 200
            assert json.loads(resp.data)["results"]["bindings"][0]["n"]["value"] == "0"
    assert listener.count == 0


# --- read-only ----------------------------------------------------------------------------------

def test_updates_are_refused_by_every_route_and_change_nothing(client) -> None:
    before = count_all(client)
    with ConnectionCounter() as listener:
        update = "INSERT DATA { GRAPH <http://example.org/g> { <http://a> <http://b> <http://c> } }"
        load = f"LOAD <{listener.url}>"
        attempts = [
            client.post("/sparql", data="update=" + quote(update), content_type=FORM),
            client.post("/sparql", data=update.encode(), content_type="application/sparql-update"),
            client.post("/sparql", data=load.encode(), content_type="application/sparql-update"),
            client.get("/sparql?update=" + quote("CLEAR ALL")),
            client.get(q(update)),
            client.get(q("PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }")),
            client.get(q(load)),
            client.get(q("CLEAR ALL")),
            client.get(q("drop all")),
            client.post("/sparql", data="query=" + quote("CLEAR ALL"), content_type=FORM),
            client.post("/sparql", data=b"DROP ALL", content_type="application/sparql-query"),
            client.get(q("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")),
            client.get(q(COUNT_ALL) + "&using-graph-uri=http%3A%2F%2Fg"),
            client.get(q("\\u0049NSERT DATA { <http://a> <http://b> <http://c> }")),
        ]
        for resp in attempts:
            assert_error_shape(resp, 403, "update_refused")
    assert listener.count == 0
    assert count_all(client) == before == 22


# --- deadline, memory cap, a killable worker ----------------------------------------------------

@pytest.mark.embedded_only(reason="the forked query pool kills and replaces its worker process")
def test_deadline_kills_the_worker_and_a_fresh_one_replaces_it(app_factory) -> None:
    app = app_factory(QUERY_TIMEOUT=2.0, QUERY_WORKERS=2)
    client = app.test_client()
    pool = app.extensions["dprk_ld"].pool
    old_pids = set(pool.pids)
    resp = client.post("/sparql", data=CARTESIAN.encode(), content_type="application/sparql-query")
    err = assert_error_shape(resp, 503, "query_timeout")
    assert err["details"]["limit_seconds"] == 2.0  # stopped by this deadline, not another limit
    # the stuck worker was killed and replaced
    assert pool.killed == 1
    assert len(old_pids - set(pool.pids)) == 1
    assert len(pool.pids) == 2
    dead = (old_pids - set(pool.pids)).pop()
    assert not os.path.exists(f"/proc/{dead}") or _is_zombie(dead)
    assert count_all(client) == 22  # the pool still works


def test_a_stuck_query_does_not_hold_up_the_others(app_factory) -> None:
    """While a worker is stuck in the engine, a lookup (run in the web process) and a query (run
    by the other worker) are answered. Its deadline is far off, so the stuck query is certainly
    still running when they are answered; closing the pool stops it. Over an external store,
    closing the pool cannot stop a request the store is answering: there the deadline is 15 s
    (the others still come back at once), and the stuck query ends at it."""
    embedded = store_kind() == "embedded"
    app = app_factory(QUERY_TIMEOUT=600 if embedded else 15, QUERY_WORKERS=2)
    pool = app.extensions["dprk_ld"].pool
    spy = CountingPool(app)
    answers: dict[str, Any] = {}

    def ask(name: str, method: str, path: str, data: bytes | None = None) -> None:
        # each its own client: one client has one query in the workers at a time
        answers[name] = app.test_client().open(path, method=method, data=data,
                                               content_type="application/sparql-query",
                                               headers={"User-Agent": name})

    stuck = threading.Thread(target=ask, args=("stuck", "POST", "/sparql", CARTESIAN.encode()),
                             daemon=True)
    stuck.start()
    assert spy.entered.wait(timeout=60), "the stuck query never reached the pool"
    def ask_the_others() -> None:
        ask("lookup", "GET", q("SELECT * WHERE { ?s ?p ?o } LIMIT 3"))
        ask("count", "GET", q(COUNT_ALL))

    others = threading.Thread(target=ask_the_others, daemon=True)
    others.start()
    others.join(timeout=60)  # a safety net: they come back at once unless they wait for it
    try:
        assert not others.is_alive(), "the other queries waited for the stuck one"
        assert answers["lookup"].status_code == 200
        assert json.loads(answers["count"].data)["results"]["bindings"][0]["n"]["value"] == "22"
        assert spy.calls == 2  # the stuck query and the count went to the workers, one each
        assert stuck.is_alive() and "stuck" not in answers  # the stuck query still runs
    finally:
        if embedded:
            pool.close()  # kills the stuck worker: its request ends
        stuck.join(timeout=60)
    assert_error_shape(answers["stuck"], 503, None if embedded else "query_timeout")


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.embedded_only(reason="QUERY_MEMORY_MB is a limit of the forked query processes")
def test_the_memory_cap_stops_a_query(app_factory) -> None:
    app = app_factory(QUERY_TIMEOUT=60, QUERY_MEMORY_MB=150, QUERY_WORKERS=1)
    client = app.test_client()
    pool = app.extensions["dprk_ld"].pool
    old_pids = set(pool.pids)
    resp = client.post("/sparql", data=SORTED.encode(), content_type="application/sparql-query")
    # the cap stopped it, not the deadline (that would be query_timeout)
    err = assert_error_shape(resp, 503, "query_memory")
    assert err["details"]["limit_mib"] == 150
    assert pool.killed == 1 and not old_pids & set(pool.pids)  # the worker was replaced
    assert count_all(client) == 22


def test_the_deadline_is_configurable_and_normal_queries_pass(app_factory) -> None:
    app = app_factory(QUERY_TIMEOUT=0.5)
    client = app.test_client()
    assert count_all(client) == 22
    err = assert_error_shape(client.get(q(CARTESIAN)), 503, "query_timeout")
    assert err["details"]["limit_seconds"] == 0.5
    assert app.extensions["dprk_ld"].pool.killed == 1


# --- limits checked before the engine -----------------------------------------------------------

def test_query_size_limit(app_factory) -> None:
    client = app_factory(MAX_QUERY_BYTES=1000).test_client()
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1000
    assert_error_shape(client.get(q(big)), 413, "query_too_large")
    assert_error_shape(client.post("/sparql", data=big.encode(),
                                   content_type="application/sparql-query"), 413)
    assert_error_shape(client.post("/sparql", data="query=" + quote(big), content_type=FORM), 413)
    assert client.get(q("SELECT * WHERE { ?s ?p ?o } LIMIT 1")).status_code == 200


def test_body_size_limit(app_factory) -> None:
    client = app_factory(MAX_BODY_BYTES=10_000).test_client()
    resp = client.post("/sparql", data="query=" + "x" * 20_000, content_type=FORM)
    assert_error_shape(resp, 413, "payload_too_large")


@pytest.mark.embedded_only(reason="control: pyoxigraph in process crashing")
def test_the_engine_crashes_on_deep_nesting_without_the_check() -> None:
    """Control: this is why nesting depth is checked before the engine."""
    code = ("import pyoxigraph as ox\n"
            "ox.Store().query('SELECT * WHERE ' + '{' * 5000 + '}' * 5000)\n")
    proc = subprocess.run([sys.executable, "-c", code], timeout=60, capture_output=True)
    assert proc.returncode != 0


@pytest.mark.parametrize("opener,closer", [("{", "}"), ("(", ")"), ("[", "]")])
def test_nesting_depth_limit(app, client, opener: str, closer: str) -> None:
    pids = set(app.extensions["dprk_ld"].pool.pids)
    # each a query the grammar allows, nested past the limit: groups, brackets in an expression,
    # blank node property lists
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    if opener == "(":
        deep = "SELECT * WHERE { FILTER " + opener * 5000 + "1" + closer * 5000 + " }"
    elif opener == "[":
        deep = "SELECT * WHERE { ?s ?p " + "[ ?p " * 5000 + "1" + " ]" * 5000 + " }"
    err = assert_error_shape(client.get(q(deep)), 400, "query_too_deep")
    assert err["details"]["limit"] == 64
    assert set(app.extensions["dprk_ld"].pool.pids) == pids  # no worker died
    # brackets inside strings, IRIs and comments are not nesting
    fine = 'SELECT * WHERE { BIND("' + "{" * 500 + '" AS ?x) } # ' + "{" * 500
    assert client.get(q(fine)).status_code == 200


def test_row_limit_truncates_visibly(app_factory) -> None:
    client = app_factory(MAX_ROWS=5).test_client()
    everything = "SELECT * WHERE { ?s ?p ?o }"
    for accept, count in [
        ("application/sparql-results+json",
         lambda d: len(json.loads(d)["results"]["bindings"])),
        ("application/sparql-results+xml", lambda d: d.count(b"<result>")),
        ("text/csv", lambda d: d.count(b"\r\n") - 1),
        ("text/tab-separated-values", lambda d: d.count(b"\n") - 1),
    ]:
        resp = client.get(q(everything), headers={"Accept": accept})
        assert resp.status_code == 200
        assert resp.headers["X-SPARQL-Truncated"] == "true"
        assert "truncated" in resp.headers["Warning"]
        assert count(resp.data) == 5, accept
    graph = client.get(q("CONSTRUCT WHERE { ?s ?p ?o }"),
                       headers={"Accept": "application/n-triples"})
    assert graph.headers["X-SPARQL-Truncated"] == "true"
    lines = graph.data.splitlines()  # five triples, and the comment that says they were cut
    assert len([line for line in lines if not line.startswith(b"#")]) == 5
    assert lines[0].startswith(b"# Truncated") and b"MAX_ROWS" in lines[0]
    turtle = client.get(q("CONSTRUCT WHERE { ?s ?p ?o }"), headers={"Accept": "text/turtle"})
    assert turtle.headers["X-SPARQL-Truncated"] == "true"
    # within the limit: no signal
    for query in ("SELECT * WHERE { ?s ?p ?o } LIMIT 3",
                  "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
                  "SELECT ?f WHERE { ?f a <https://w3id.org/dprk-ld/ontology#Finding> }",
                  "ASK { ?s ?p ?o }"):
        resp = client.get(q(query))
        assert resp.status_code == 200
        assert "X-SPARQL-Truncated" not in resp.headers, query
        assert resp.headers["X-SPARQL-Max-Rows"] == "5"


# --- malformed input: always a 4xx, never a 500 -------------------------------------------------

def test_bad_utf8_and_nul(client) -> None:
    for resp in (
        client.get("/sparql?query=ASK%20%7B%7D%FF"),
        client.get("/sparql?query=%C3%28"),
        client.post("/sparql", data=b"query=ASK%20%7B%7D%FF", content_type=FORM),
        client.post("/sparql", data=b"ASK {} \xff\xfe", content_type="application/sparql-query"),
        client.get("/sparql?query=ASK%20%7B%7D%00"),
        client.post("/sparql", data=b"ASK {}\x00", content_type="application/sparql-query"),
        client.get("/sparql?default-graph-uri=%FF&query=ASK%7B%7D"),
    ):
        assert_error_shape(resp, 400, "invalid_encoding")


def test_huge_urls_and_many_parameters(app_factory) -> None:
    client = app_factory(MAX_URL_BYTES=4096).test_client()
    assert_error_shape(client.get(q("ASK {}") + "&x=" + "y" * 5000), 414, "uri_too_long")
    many = "&".join(f"p{i}=1" for i in range(200))
    assert_error_shape(client.get(q("ASK {}") + "&" + many), 400, "invalid_parameter")
    graphs = "&".join("default-graph-uri=http%3A%2F%2Fg" + str(i) for i in range(65))
    assert_error_shape(client.get(q("ASK {}") + "&" + graphs), 400)


@pytest.mark.parametrize("accept", [
    "*/*;q=abc", "text/csv;q=", ";", ",,,,", "\u00e9/\u00e9", "a" * 10_000,
    ", ".join(["text/x-nothing"] * 5000), "*/*;q=0", "application/json;q=0.5;q=0.6",
    "text/csv;charset=\"unterminated", "*", "/", "text/", "/csv",
])
def test_odd_accept_headers(client, accept: str) -> None:
    resp = client.get(q("SELECT * WHERE { ?s ?p ?o } LIMIT 1"), headers={"Accept": accept})
    assert resp.status_code in (200, 406), (accept, resp.status_code)
    if resp.status_code == 406:
        assert_error_shape(resp, 406, "not_acceptable")
    sd = client.get("/sparql", headers={"Accept": accept})
    assert sd.status_code in (200, 406)


@pytest.mark.parametrize("path", [
    "/sparql/../../etc/passwd", "/static/../app.py", "/static/%2e%2e/app.py",
    "/static/..%2f..%2fpyproject.toml", "/static/%00", "/sparql%00", "//etc/passwd",
    "/static/../../../../etc/passwd", "/static/query.js%00.txt", "/sparql/", "/%2e%2e/%2e%2e/",
    "/static/" + "a/" * 500,
])
def test_path_tricks(client, path: str) -> None:
    resp = client.get(path)
    assert 400 <= resp.status_code < 500, (path, resp.status_code)
    assert b"root:" not in resp.data and b"[project]" not in resp.data
    resp.close()


def test_odd_content_types(client) -> None:
    for ctype in ("", "garbage", "application/sparql-query; charset", "multipart/form-data",
                  "application/x-www-form-urlencoded; charset=\u00e9", "application/json"):
        resp = client.post("/sparql", data=b"query=ASK%7B%7D", headers={"Content-Type": ctype})
        assert 400 <= resp.status_code < 500, (ctype, resp.status_code)


def _long_literals_store(triples: int, size: int) -> Any:
    import pyoxigraph as ox

    store = ox.Store()
    for i in range(triples):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"),
                          ox.NamedNode("http://example.org/text"),
                          ox.Literal(f"{i} " + "long \"quoted\" text\n" * (size // 20))))
    return store


@pytest.mark.parametrize("accept", ["application/n-triples", "text/turtle",
                                    "application/ld+json", "application/rdf+xml"])
def test_a_cut_graph_is_a_whole_document(app_factory, accept: str) -> None:
    """Cut at the row cap, a CONSTRUCT of long literals (written by the engine in many chunks,
    lines split across them) is still a document that parses, with whole triples only."""
    from rdflib import Graph

    app = app_factory(STORE=_long_literals_store(60, 5000), MAX_ROWS=25)
    resp = app.test_client().get(q("CONSTRUCT WHERE { ?s ?p ?o }"), headers={"Accept": accept})
    assert resp.status_code == 200, resp.data[:300]
    assert resp.headers["X-SPARQL-Truncated"] == "true"
    graph = Graph().parse(data=resp.data, format={"application/n-triples": "nt",
                                                  "text/turtle": "turtle",
                                                  "application/ld+json": "json-ld",
                                                  "application/rdf+xml": "xml"}[accept])
    assert len(graph) == 25
    assert all(str(o).endswith("text\n") for o in graph.objects())


def test_cut_results_are_whole_rows(app_factory) -> None:
    app = app_factory(STORE=_long_literals_store(60, 5000), MAX_ROWS=25)
    for accept in ("text/tab-separated-values", "application/sparql-results+json"):
        resp = app.test_client().get(q("SELECT ?s ?o WHERE { ?s ?p ?o }"),
                                     headers={"Accept": accept})
        assert resp.status_code == 200 and resp.headers["X-SPARQL-Truncated"] == "true"
        if accept.startswith("application"):
            rows = json.loads(resp.data)["results"]["bindings"]
            assert len(rows) == 25 and all(r["o"]["value"].endswith("text\n") for r in rows)
        else:
            assert resp.data.count(b"\n") == 26 and resp.data.endswith(b"\n")
