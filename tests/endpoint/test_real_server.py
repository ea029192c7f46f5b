"""Real clients against a real server process (`dprk-ld serve`, Granian) on loopback."""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import rdflib
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from dprk_ld.testing import CARTESIAN, ConnectionCounter, ServerProcess, service_queries
from dprk_ld.testing.store_option import serve_options

pytestmark = pytest.mark.server

FINDING = "https://w3id.org/dprk-ld/ontology#Finding"
SELECT = f"SELECT ?f ?label WHERE {{ ?f a <{FINDING}> ; " \
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?f"
CONSTRUCT = f"CONSTRUCT {{ ?f ?p ?o }} WHERE {{ ?f a <{FINDING}> ; ?p ?o }}"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(fixture_dist: Path) -> Iterator[ServerProcess]:
    with serve_options(fixture_dist) as store:  # over the session's store (--store)
        srv = ServerProcess(fixture_dist, query_timeout="3", query_workers="2", threads="8",
                            **store)
        yield srv
        srv.stop()


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
          method: str | None = None) -> tuple[int, Any, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b"Connection: close" not in request:
                head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(body) >= length[0]:
                    break
        return b"".join(chunks)


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


# --- SPARQLWrapper in every format ---------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(server: ServerProcess, method: str) -> None:
    client = SPARQLWrapper(server.url)
    client.setMethod(method)
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    labels = [b["label"]["value"] for b in result["results"]["bindings"]]
    assert labels[0] == "Forced labour in detention" and len(labels) == 3


def test_sparqlwrapper_select_xml_csv_tsv(server: ServerProcess) -> None:
    client = SPARQLWrapper(server.url)
    client.setQuery(SELECT)
    client.setReturnFormat(XML)
    doc = client.query().convert()
    assert len(doc.getElementsByTagName("result")) == 3
    client.setReturnFormat(CSV)
    table = list(csv.reader(io.StringIO(client.query().convert().decode())))
    assert table[0] == ["f", "label"] and len(table) == 4
    client.setReturnFormat(TSV)
    lines = client.query().convert().decode().splitlines()
    assert lines[0] == "?f\t?label" and len(lines) == 4


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(server: ServerProcess, fmt: str) -> None:
    client = SPARQLWrapper(server.url)
    client.setQuery(f"ASK {{ ?s a <{FINDING}> }}")
    client.setReturnFormat(fmt)
    result = client.query().convert()
    if fmt == JSON:
        assert result["boolean"] is True
    elif fmt == XML:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert result.strip() == b"true"


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
@pytest.mark.parametrize("query", [CONSTRUCT, "DESCRIBE <https://w3id.org/dprk-ld/id/finding/f1>"])
def test_sparqlwrapper_graphs(server: ServerProcess, fmt: str, query: str) -> None:
    client = SPARQLWrapper(server.url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    graph = result if isinstance(result, rdflib.Graph) else rdflib.Graph().parse(
        data=result, format="json-ld" if fmt == JSONLD else "turtle")
    assert len(graph) == (12 if query == CONSTRUCT else 4)


# --- curl ----------------------------------------------------------------------------------------

def curl(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("curl")
    assert exe, "curl is needed (installed by .ci/run)"
    return subprocess.run([exe, "-sS", *args], capture_output=True, text=True, timeout=60,
                          check=True)


def test_curl(server: ServerProcess) -> None:
    out = curl("-H", "Accept: text/csv", "--data-urlencode", f"query={SELECT}", server.url)
    assert out.stdout.splitlines()[0] == "f,label"
    out = curl("-G", "--data-urlencode", "query=ASK {}", server.url)
    assert json.loads(out.stdout) == {"head": {}, "boolean": True}
    out = curl("-H", "Content-Type: application/sparql-query", "--data-binary", SELECT,
               "-H", "Accept: text/tab-separated-values", server.url)
    assert len(out.stdout.splitlines()) == 4
    out = curl("-i", server.url)  # the service description, in Turtle for curl's */*
    assert "text/turtle" in out.stdout and "sd:Service" in out.stdout
    out = curl("-o", "/dev/null", "-w", "%{http_code}", "--data-urlencode", "update=CLEAR ALL",
               server.url)
    assert out.stdout == "403"


# --- rdflib's SPARQLStore ------------------------------------------------------------------------

def test_rdflib_sparqlstore(server: ServerProcess) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.url)
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(SELECT))
    assert [str(r.label) for r in rows][1] == "Public executions reported"
    assert graph.query(f"ASK {{ ?s a <{FINDING}> }}").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) == 12
    assert len(list(graph.triples((None, rdflib.RDF.type, rdflib.URIRef(FINDING))))) == 3
    store.close()


# --- protocol details over real HTTP -------------------------------------------------------------

def test_etag_304_and_cors_over_http(server: ServerProcess) -> None:
    url = server.url + "?query=" + quote(SELECT)
    status, headers, body = fetch(url, headers={"Origin": "https://elsewhere.example"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    etag = headers["ETag"]
    status, headers, body = fetch(url, headers={"If-None-Match": etag})
    assert status == 304 and body == b""
    status, headers, _ = fetch(server.url, method="OPTIONS", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"})
    assert status == 200 and "POST" in headers["Access-Control-Allow-Methods"]


def test_errors_over_http_have_the_shape(server: ServerProcess) -> None:
    status, _, body = fetch(server.url + "?query=" + quote("SELECT * {"))
    assert status == 400
    assert json.loads(body)["error"]["code"] == "query_syntax"
    status, _, body = fetch(server.url, method="PUT", data=b"x")
    assert status == 405 and json.loads(body)["error"]["code"] == "method_not_allowed"


# --- safety over real HTTP -----------------------------------------------------------------------

def test_no_outbound_connection_ever(server: ServerProcess) -> None:
    with ConnectionCounter() as listener:
        for query in service_queries(listener.url):
            status, _, body = fetch(server.url + "?query=" + quote(query))
            assert status == 403, (query, body)
            status, _, _ = fetch(server.url, data=query.encode(),
                                 headers={"Content-Type": "application/sparql-query"})
            assert status == 403
        for path in ("?query=" + quote(f"ASK FROM <{listener.url}> {{ ?s ?p ?o }}"),
                     "?query=ASK%7B%3Fs%3Fp%3Fo%7D&default-graph-uri=" + quote(listener.url),
                     "?query=ASK%7B%3Fs%3Fp%3Fo%7D&named-graph-uri=" + quote(listener.url)):
            status, _, body = fetch(server.url + path)
            assert status == 200 and json.loads(body)["boolean"] is False
        status, _, _ = fetch(server.url, data=f"LOAD <{listener.url}>".encode(),
                             headers={"Content-Type": "application/sparql-update"})
        assert status == 403
    assert listener.count == 0  # counted when the listener closed, the backlog too


def test_a_stuck_query_is_stopped_at_the_deadline(server: ServerProcess) -> None:
    status, _, body = fetch(server.url, data=CARTESIAN.encode(),
                            headers={"Content-Type": "application/sparql-query"})
    assert status == 503
    error = json.loads(body)["error"]
    assert error["code"] == "query_timeout" and error["details"]["limit_seconds"] == 3
    status, _, _ = fetch(server.url + "?query=" + quote("ASK {}"))
    assert status == 200


@pytest.mark.embedded_only(reason="the forked query processes' CPU, seen from outside")
def test_lookups_are_answered_while_a_query_is_stuck(fixture_dist: Path) -> None:
    """A server whose deadline is far off: once a query worker is seen busy with the stuck query
    (it uses CPU, idle workers do not), lookups and other queries are answered, and the stuck
    query is still unanswered. Stopping the server ends it."""
    srv = ServerProcess(fixture_dist, query_timeout="600", query_workers="2", threads="8")
    result: dict[str, object] = {}

    def heavy() -> None:
        try:
            result["status"], _, _ = fetch(srv.url, data=CARTESIAN.encode(),
                                           headers={"Content-Type": "application/sparql-query"})
        except (OSError, http.client.HTTPException) as exc:  # the server stopped under it
            result["error"] = exc

    thread = threading.Thread(target=heavy, daemon=True)
    half_a_second = os.sysconf("SC_CLK_TCK") // 2  # of CPU time
    try:
        before = srv.query_worker_cpu()
        thread.start()
        busy = 0
        deadline = time.monotonic() + 60  # a safety net, not a measure
        while busy < half_a_second and time.monotonic() < deadline:
            time.sleep(0.1)
            now = srv.query_worker_cpu()
            busy = max((t - before.get(pid, 0) for pid, t in now.items()), default=0)
        assert busy >= half_a_second, "no query worker took up the stuck query"
        for i in range(5):
            status, _, _ = fetch(srv.url + "?query=" + quote(f"SELECT * {{ ?s ?p ?o }} LIMIT {i}"))
            assert status == 200
            # another client: one client has one query in the workers at a time
            status, _, body = fetch(srv.url + "?query=" + quote(COUNT_ALL),
                                    headers={"User-Agent": f"another-{i}"})
            assert status == 200 and b'"22"' in body
        assert thread.is_alive() and not result  # the stuck query is still running
    finally:
        srv.stop()
    thread.join(timeout=60)


def test_malformed_requests_get_4xx(server: ServerProcess) -> None:
    port = server.port
    cases = [
        b"GET /sparql?query=ASK%7B%7D%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /sparql?query=ASK\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /sparql?query=ASK%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /static/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /static/..%2f..%2f..%2fpyproject.toml HTTP/1.1\r\nHost: x\r\n"
        b"Connection: close\r\n\r\n",
        b"GET /sparql?query=" + b"A" * 300_000
        + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 600_000
        + b"\r\nConnection: close\r\n\r\n",
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-H%d: v\r\n" % i for i in range(5000)) + b"Connection: close\r\n\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 6\r\nConnection: close\r\n\r\nASK {\x00",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 2000000\r\nConnection: close\r\n\r\n" + b"#" * 2_000_000,
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: \xff\xfe;q=\x01\r\n"
        b"Connection: close\r\n\r\n",
    ]
    for request in cases:
        response = raw_request(port, request)
        if response:  # the server may also just close a connection it cannot read
            code = status_of(response)
            assert 400 <= code < 500 or (code == 200 and b"Accept: \xff" in request), (
                request[:80], response[:200])
            assert b"root:" not in response and b"Traceback" not in response
    status, _, _ = fetch(server.url + "?query=" + quote("ASK {}"))
    assert status == 200  # still serving


def _web_processes(srv: ServerProcess) -> list[int]:
    from dprk_ld.testing import processes

    return [pid for pid, (ppid, *_) in processes().items() if ppid == srv.proc.pid]


def test_web_processes_count_a_client_once(fixture_dist: Path) -> None:
    """Two web processes share one ledger: a client limited to one query at a time gets one, on
    whichever process its connections land (six connections: all on one process 1 time in 32)."""
    with serve_options(fixture_dist) as store:
        # the deadline is the time the other five requests have to arrive while the first runs
        _count_a_client_once(ServerProcess(fixture_dist, workers="2", query_timeout="8",
                                           query_workers="2", client_queries="1", **store))


def _count_a_client_once(srv: ServerProcess) -> None:
    try:
        ledgers = set()
        for pid in _web_processes(srv):
            maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
            mapped = {line.split(None, 5)[-1] for line in maps if "dprk-ld-ledger-" in line}
            assert len(mapped) == 1, mapped
            ledgers |= mapped
        assert len(ledgers) == 1, ledgers  # both processes map the same file
        ledger = Path(ledgers.pop())
        assert ledger.is_file()
        statuses: list[int] = []

        def send() -> None:
            statuses.append(fetch(srv.url, CARTESIAN.encode(), {
                "Content-Type": "application/sparql-query", "User-Agent": "one-client"})[0])

        threads = [threading.Thread(target=send) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(statuses) == [429] * 5 + [503], statuses  # one ran to its deadline
    finally:
        srv.stop()
    assert not ledger.exists()  # the server removes the file it made
