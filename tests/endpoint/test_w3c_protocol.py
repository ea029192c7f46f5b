"""The W3C SPARQL 1.1 Protocol test suite, one test per manifest entry.

The suite sits in ``../shared/w3c/sparql11-protocol/`` beside the clone (or wherever
``DPRK_LD_W3C_DIR`` says); if it is missing the tests FAIL. Each entry's data files are loaded
into a store as the named graphs the manifest names (the server never fetches anything). Query
tests and bad-request tests must pass as written; update tests must get 403 and change nothing
(their follow-up ASK must answer false).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, Namespace
from rdflib.collection import Collection

from dprk_ld.testing.store_option import close_app, create_app

W3C_DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "w3c" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def w3c_dir() -> Path:
    """Where the W3C SPARQL 1.1 Protocol suite is (DPRK_LD_W3C_DIR, else ../shared/...)."""
    return Path(os.environ.get("DPRK_LD_W3C_DIR", str(W3C_DEFAULT)))


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    boolean: bool | None
    fmt: str | None


@dataclass
class Entry:
    name: str
    title: str
    graphs: list[tuple[Path, str]] = field(default_factory=list)
    requests: list[HttpRequest] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        """An update test (not a bad-request one): its update must get 403."""
        return self.name.startswith("update_")


def load_manifest() -> list[Entry]:
    folder = w3c_dir()
    manifest = folder / "manifest.ttl"
    if not manifest.is_file():
        return []
    graph = rdflib.Graph()
    graph.parse(manifest, format="turtle", publicID=manifest.as_uri())
    (head,) = graph.subjects(RDF.type, MF.Manifest)
    entries: list[Entry] = []
    for node in Collection(graph, graph.value(head, MF.entries)):
        name = str(node).rsplit("#", 1)[-1]
        entry = Entry(name, str(graph.value(node, MF.name)))
        for gd in graph.objects(node, UT.graphData):
            data = Path(str(graph.value(gd, UT.graph)).removeprefix("file://"))
            entry.graphs.append((folder / data.name, str(graph.value(gd, RDFS.label))))
        action = graph.value(node, MF.action)
        for req in Collection(graph, graph.value(action, HT.requests)):
            headers: dict[str, str] = {}
            hlist = graph.value(req, HT.headers)
            if hlist is not None:
                for h in Collection(graph, hlist):
                    headers[str(graph.value(h, HT.fieldName)).lower()] = str(
                        graph.value(h, HT.fieldValue))
            body = None
            body_node = graph.value(req, HT.body)
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            resp = graph.value(req, HT.resp)
            statuses = {str(s).rsplit("#", 1)[-1] for s in graph.objects(resp, MF.expectedStatus)}
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            path = str(graph.value(req, HT.absolutePath))
            assert path.startswith("/sparql/")
            entry.requests.append(HttpRequest(
                method=str(graph.value(req, HT.methodName)),
                path="/sparql" + path[len("/sparql/"):],
                headers=headers,
                body=body,
                statuses=statuses,
                boolean=None if boolean is None else bool(boolean.toPython()),
                fmt=None if fmt is None else str(fmt),
            ))
        entries.append(entry)
    return entries


ENTRIES = load_manifest()


def test_the_w3c_suite_is_there() -> None:
    """Fails (never skips) when the suite is missing: set DPRK_LD_W3C_DIR or add shared/."""
    assert (w3c_dir() / "manifest.ttl").is_file(), f"W3C protocol suite not found at {w3c_dir()}"
    assert len(ENTRIES) >= 30


def _status_class(code: int) -> str:
    return f"StatusCode{code // 100}xx"


def _boolean_of(resp: Any) -> bool:
    ctype = resp.headers["Content-Type"].split(";")[0]
    if ctype == "application/sparql-results+json":
        return bool(json.loads(resp.data)["boolean"])
    if ctype == "application/sparql-results+xml":
        parsed = ox.parse_query_results(resp.data, ox.QueryResultsFormat.XML)
        return bool(parsed)
    raise AssertionError(f"a boolean result came as {ctype}")


def _check_format(resp: Any, fmt: str) -> None:
    ctype = resp.headers["Content-Type"].split(";")[0]
    if fmt == "boolean":
        assert ctype in ("application/sparql-results+json", "application/sparql-results+xml")
    elif fmt == "tabular":
        assert ctype in RESULT_TYPES
        if ctype == "application/sparql-results+json":
            assert "bindings" in json.loads(resp.data)["results"]
    elif fmt == "RDF":
        assert ctype in RDF_TYPES, ctype
        rdflib.Graph().parse(data=resp.data, format=RDF_TYPES[ctype])
    else:  # pragma: no cover - the manifest has no other format
        raise AssertionError(fmt)


# a missing suite must FAIL, not skip: an empty parametrization would be skipped silently
PARAMS: list[Entry | None] = list(ENTRIES) or [None]


@pytest.mark.parametrize("entry", PARAMS, ids=[e.name if e else "suite-missing" for e in PARAMS])
def test_w3c_protocol(entry: Entry | None) -> None:
    assert entry is not None, f"W3C protocol suite not found at {w3c_dir()}"
    store = ox.Store()
    for data, graph_name in entry.graphs:
        store.load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_name))
    before = sorted(str(q) for q in store)
    app = create_app({"STORE": store, "RELEASE_ID": "w3c-" + entry.name, "QUERY_WORKERS": 1})
    try:
        client = app.test_client()
        for index, req in enumerate(entry.requests):
            resp = client.open(req.path, method=req.method, data=req.body, headers=req.headers)
            if entry.is_update:
                if index == 0:
                    assert resp.status_code == 403, (resp.status_code, resp.data)
                    assert json.loads(resp.data)["error"]["code"] == "update_refused"
                else:  # the follow-up query sees that nothing changed
                    assert resp.status_code == 200, resp.data
                    assert _boolean_of(resp) is False
                continue
            assert _status_class(resp.status_code) in req.statuses, (
                resp.status_code, resp.data[:300])
            if req.fmt is not None:
                _check_format(resp, req.fmt)
            if req.boolean is not None:
                assert _boolean_of(resp) is req.boolean
    finally:
        close_app(app)
    assert sorted(str(q) for q in store) == before
