"""No network from evaluation, by construction: query workers cannot open sockets, and the web
process only ever evaluates a lookup it wrote itself from typed terms."""

from __future__ import annotations

import contextlib
import os
import socket
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from dprk_ld import formats
from dprk_ld.endpoint import evaluate, precheck
from dprk_ld.endpoint.errors import QueryError
from dprk_ld.endpoint.limits import Limits
from dprk_ld.endpoint.pool import PoolConfig, QueryPool
from dprk_ld.endpoint.sandbox import network_filter
from dprk_ld.testing import ConnectionCounter, assert_error_shape, service_queries


def try_the_network(_store: Any, port: int) -> list[str]:
    """Run in a worker: every way to reach a socket, and what each gave."""
    seen = []
    for attempt in (lambda: socket.socket(),
                    lambda: socket.socketpair(),
                    lambda: socket.create_connection(("127.0.0.1", port), timeout=2)):
        try:
            attempt()
            seen.append("opened")
        except OSError as exc:
            seen.append(type(exc).__name__)
    return seen


@pytest.mark.embedded_only(reason="the seccomp sandbox of the forked query processes")
def test_a_query_worker_cannot_open_a_socket() -> None:
    with ConnectionCounter() as listener:
        pool = QueryPool(ox.Store(), try_the_network, PoolConfig(size=1))
        try:
            assert pool.run(listener.port) == ["PermissionError"] * 3
        finally:
            pool.close()
    assert listener.count == 0
    # and this process (the parent, the tests) still can: the filter is the worker's alone
    socket.socket().close()


@pytest.mark.embedded_only(reason="the forked query processes' descriptors")
def test_a_query_worker_keeps_no_descriptor_of_the_web_process() -> None:
    """A worker forked while the web process holds sockets (its listener, clients' connections)
    closes its copies: a copy kept open would keep a connection alive after the web process
    closed it, and the client would wait on it forever."""
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    pool = QueryPool(ox.Store(), lambda _store, _job: None, PoolConfig(size=1))
    try:
        pool.run(None)  # the worker is up and has answered
        [pid] = pool.pids
        kinds = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        ours = {f"socket:[{os.fstat(s.fileno()).st_ino}]" for s in (listener, client, accepted)}
        assert not ours & set(kinds), kinds
        assert len(kinds) <= 4, kinds  # stdin, stdout, stderr and its pipe to the web process
        # and the web process closing its side is seen by the client at once
        accepted.close()
        client.settimeout(5)
        assert client.recv(1) == b""
    finally:
        pool.close()
        for s in (client, listener):
            s.close()


def raw_job(query: str) -> evaluate.Job:
    """A job straight from the text, with no pre-check at all (as if the pre-check were fooled):
    not even its parse, which refuses some of these texts outright."""
    analysis = precheck.Analysis(form=query.split()[0].upper())
    return evaluate.job_for(query, analysis, formats.JSON_RESULTS if analysis.kind == "results"
                            else formats.TURTLE, [], [], None, Limits())


@pytest.mark.embedded_only(reason="the seccomp sandbox of the forked query processes")
def test_service_in_every_form_reaches_nothing_even_unchecked() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p"), ox.Literal("o")))
    with ConnectionCounter() as listener:
        queries = service_queries(listener.url)
        queries.append(f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}")
        queries.append(f"SELECT * FROM NAMED <{listener.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
        pool = QueryPool(store, evaluate.execute, PoolConfig(size=1, deadline=20))
        try:
            for query in queries:
                # a refusal, an evaluation error or an empty answer: never a call
                with contextlib.suppress(QueryError):
                    evaluate.body_of(pool.run(raw_job(query)))
        finally:
            pool.close()
    assert listener.count == 0


@pytest.mark.parametrize("form", range(4))
def test_the_glued_forms_are_refused_before_the_engine(client, form: int) -> None:
    with ConnectionCounter() as listener:
        query = service_queries(listener.url)[-4 + form]
        resp = client.get("/sparql?query=" + quote(query))
    assert_error_shape(resp, 403, "service_refused")
    assert listener.count == 0


@pytest.mark.embedded_only(reason="the embedded engine's inline lookups in the web process")
def test_the_web_process_runs_only_what_it_wrote(app_factory) -> None:
    app = app_factory()
    pool = app.extensions["dprk_ld"].pool
    ran: list[str] = []
    inline = pool.run_inline

    def spy(job: evaluate.Job) -> Any:
        ran.append(job.query)
        return inline(job)

    pool.run_inline = spy
    client = app.test_client()
    text = ("BASE <http://elsewhere/> PREFIX x: <http://x/> "
            "select $o where{<https://w3id.org/dprk-ld/id/finding/f1>?p $o.}limit 3 # SERVICE")
    assert client.get("/sparql?query=" + quote(text)).status_code == 200
    assert ran == ["SELECT ?o WHERE { <https://w3id.org/dprk-ld/id/finding/f1> ?p ?o } LIMIT 3"]
    # a lookup that cannot be written from typed terms (a prefixed name, a literal) is a worker's
    for other in ("PREFIX x: <https://w3id.org/dprk-ld/id/> SELECT * { x:f1 ?p ?o }",
                  'SELECT * { ?s ?p "o" }'):
        assert client.get("/sparql?query=" + quote(other)).status_code == 200
    assert len(ran) == 1


def test_long_chains_are_refused_before_the_engine(client) -> None:
    chain = "SELECT * { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(1002)) + " }"
    err = assert_error_shape(client.get("/sparql?query=" + quote(chain)), 400,
                             "query_too_complex")
    assert err["details"]["limit"] == 1000 and "1001 operators" in err["message"]
    for sign in ("||", "&&", "+", "/"):
        text = "ASK { FILTER(" + sign.join(["1"] * 1002) + ") }"
        assert_error_shape(client.post("/sparql", data=text,
                                       content_type="application/sparql-query"),
                           400, "query_too_complex")
    # SPARQL 1.1 takes one unary operator before an operand ([118]): "!!x" is no query, though
    # the engine would read it (and recurse once per "!")
    text = "ASK { FILTER(" + "!" * 1001 + "true) }"
    err = assert_error_shape(client.post("/sparql", data=text,
                                         content_type="application/sparql-query"),
                             400, "query_syntax")
    assert err["details"] == {"line": 1, "column": 15, "token": "!"}  # the second "!"


@pytest.mark.embedded_only(reason="the embedded engine's crash on long operator chains")
def test_chains_under_the_limit_do_not_crash_a_worker(app_factory) -> None:
    """The worker evaluates on a large stack: what the pre-check lets through, it survives."""
    app = app_factory(QUERY_TIMEOUT=60)
    pool = app.extensions["dprk_ld"].pool
    client = app.test_client()
    for text in ("SELECT * { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(990)) + " } LIMIT 1",
                 "ASK { FILTER(" + "&&".join(["true"] * 999) + ") }",
                 "ASK { FILTER(" + "!(" * 30 + "true" + ")" * 30 + ") }",
                 "ASK { FILTER(" + "||".join(["false"] * 499) + ") }"):
        resp = client.post("/sparql", data=text, content_type="application/sparql-query")
        assert resp.status_code == 200, resp.data[:200]
    assert pool.killed == 0


@pytest.mark.embedded_only(reason="the seccomp sandbox of the forked query processes")
def test_the_filter_knows_its_machines() -> None:
    assert len(network_filter("x86_64")) % 8 == 0
    assert len(network_filter("aarch64")) % 8 == 0
    with pytest.raises(OSError):
        network_filter("sparc")
