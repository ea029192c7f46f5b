"""The caps of a result (MAX_RESULT_BYTES, MAX_ROWS): past one, a result is cut after its last
whole row or triple, is still a whole document in every format, and says it was cut: in its
headers always, inside the document where the format has room. The capped writer holds no more
than the byte cap and one chunk."""

from __future__ import annotations

import csv
import io
import json
import random
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from flask import Flask
from rdflib import Dataset
from rdflib.query import Result

from dprk_ld.endpoint import cut
from dprk_ld.testing.store_option import close_app, create_app

CAP = 30_000  # bytes: about five of the long rows below
PUBLIC = "https://data.example.org/"
LINK = PUBLIC + "sparql#limits"
EX = "http://example.org/"
SRX = "{http://www.w3.org/2005/sparql-results#}"
SELECT = "SELECT ?s ?o WHERE { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o }"
#: accept -> rdflib's name of the format
RESULTS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
           "text/csv": "csv", "text/tab-separated-values": "tsv"}
GRAPHS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
          "application/rdf+xml": "xml", "application/n-quads": "nquads", "application/trig": "trig"}
ENGINE = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES",
          "application/ld+json": "JSON_LD", "application/rdf+xml": "RDF_XML",
          "application/n-quads": "N_QUADS", "application/trig": "TRIG"}
#: subject -> its one long literal (about 5 kB, with quotes and newlines to escape)
TEXTS = {f"{EX}s{i}": f"{i} " + 'long "quoted" text\n' * 250 for i in range(60)}


def q(text: str) -> str:
    return "/sparql?query=" + quote(text)


def long_store() -> ox.Store:
    store = ox.Store()
    for s, text in TEXTS.items():
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(EX + "text"), ox.Literal(text)))
    return store


@pytest.fixture(scope="module")
def capped() -> Iterator[Flask]:
    app = create_app({"STORE": long_store(), "QUERY_WORKERS": 1, "MAX_RESULT_BYTES": CAP,
                      "PUBLIC_URL": PUBLIC})
    yield app
    close_app(app)


def get(app: Flask, query: str, accept: str) -> Any:
    # a hostile Host header: nothing of it may reach the answer
    resp = app.test_client().get(q(query), headers={"Accept": accept, "Host": "evil.example"})
    assert resp.status_code == 200, resp.data[:300]
    assert b"evil.example" not in resp.data and "evil.example" not in str(resp.headers)
    return resp


def assert_cut_by_bytes(resp: Any) -> None:
    assert resp.headers["X-SPARQL-Truncated"] == "true"
    assert resp.headers["X-SPARQL-Truncated-By"] == "bytes"
    assert resp.headers["X-SPARQL-Max-Result-Bytes"] == str(CAP)
    assert resp.headers["Warning"].startswith("199 ")
    assert f"{CAP} bytes (MAX_RESULT_BYTES)" in resp.headers["Warning"]
    assert resp.headers["Link"] == f'<{LINK}>; rel="help"'


def rows_of(data: bytes, accept: str) -> list[tuple[str, str]]:
    """The (subject, text) rows of a SELECT result, read by rdflib (and by pyoxigraph, which
    must agree, where it reads the format)."""
    read = Result.parse(io.BytesIO(data), format=RESULTS[accept])
    rows = [(str(r[0]), str(r[1])) for r in read]  # type: ignore[index]
    if accept != "text/csv":  # pyoxigraph does not read CSV
        engine = {"json": "JSON", "xml": "XML", "tsv": "TSV"}[RESULTS[accept]]
        solutions = ox.parse_query_results(data, getattr(ox.QueryResultsFormat, engine))
        assert [(s["s"].value, s["o"].value) for s in solutions] == rows  # type: ignore[union-attr]
    else:
        assert list(csv.reader(io.StringIO(data.decode())))[1:] == [list(r) for r in rows]
    return rows


def triples_of(data: bytes, accept: str) -> set[tuple[str, str]]:
    """The (subject, text) of each triple of a graph, read by rdflib and by pyoxigraph."""
    dataset = Dataset()
    dataset.parse(data=data, format=GRAPHS[accept])
    by_rdflib = {(str(s), str(o)) for s, _p, o, _g in dataset.quads((None, None, None, None))}
    by_engine = {(t.subject.value, t.object.value)
                 for t in ox.parse(data, format=getattr(ox.RdfFormat, ENGINE[accept]))}
    assert by_rdflib == by_engine
    return by_engine


@pytest.mark.parametrize("accept", list(RESULTS))
def test_results_past_the_byte_cap_are_cut_whole_and_say_so(capped: Flask, accept: str) -> None:
    tsv = get(capped, SELECT, "text/tab-separated-values").data
    assert len(tsv) <= CAP and tsv.endswith(b"\n")
    resp = get(capped, SELECT, accept)
    assert_cut_by_bytes(resp)
    rows = rows_of(resp.data, accept)
    assert 0 < len(rows) < len(TEXTS) and len(rows) == tsv.count(b"\n") - 1  # the same rows
    assert all(TEXTS[s] == text for s, text in rows)  # every value whole
    data = resp.data
    if accept == "application/sparql-results+json":
        assert json.loads(data)["head"] == {"vars": ["s", "o"], "link": [LINK]}
    elif accept == "application/sparql-results+xml":
        head = ET.fromstring(data).find(SRX + "head")
        assert head is not None
        assert [(e.tag, e.get("href")) for e in head][-1] == (SRX + "link", LINK)
        assert data.index(b"<!-- Truncated") < data.index(b"<sparql")
        assert b"MAX_RESULT_BYTES" in data[:data.index(b"<sparql")]
    else:  # CSV, TSV: no comments in the syntax, the headers only
        assert b"Truncated" not in data and b"MAX_RESULT_BYTES" not in data


@pytest.mark.parametrize("accept", list(GRAPHS))
def test_graphs_past_the_byte_cap_are_cut_whole_and_say_so(capped: Flask, accept: str) -> None:
    nt = get(capped, CONSTRUCT, "application/n-triples").data
    comment, _, lines = nt.partition(b"\n")
    assert len(lines) <= CAP and lines.endswith(b" .\n")
    resp = get(capped, CONSTRUCT, accept)
    assert_cut_by_bytes(resp)
    triples = triples_of(resp.data, accept)
    assert 0 < len(triples) < len(TEXTS) and len(triples) == lines.count(b"\n")
    assert all(TEXTS[s] == text for s, text in triples)
    data = resp.data
    if GRAPHS[accept] in ("turtle", "nt", "nquads", "trig"):
        first = data.split(b"\n", 1)[0]
        assert first == comment and first.startswith(b"# Truncated")
        assert b"MAX_RESULT_BYTES" in first and LINK.encode() in first
        assert f"first {len(triples)} triples".encode() in first
    elif accept == "application/rdf+xml":
        declaration, notice = data.split(b"\n")[:2]
        assert declaration.startswith(b"<?xml") and notice.startswith(b"<!-- Truncated")
        assert b"MAX_RESULT_BYTES" in notice and LINK.encode() in notice
    else:  # JSON-LD: no comments, and a property would be one more triple: the headers only
        assert b"Truncated" not in data


def test_a_limit_under_the_row_cap_still_meets_the_byte_cap(capped: Flask) -> None:
    """LIMIT 50 asks for fewer rows than MAX_ROWS, and long values still stop at the byte cap;
    so do strings made longer than the cap by CONCAT: the first row is past it, none is sent."""
    resp = get(capped, "SELECT ?s ?o WHERE { ?s ?p ?o } LIMIT 50", "application/sparql-results+json")
    assert_cut_by_bytes(resp)
    assert 0 < len(json.loads(resp.data)["results"]["bindings"]) < 50
    longer = ("SELECT ?s (CONCAT(?o, ?o, ?o, ?o, ?o, ?o, ?o) AS ?x) WHERE { ?s ?p ?o } LIMIT 3")
    resp = get(capped, longer, "application/sparql-results+json")
    assert_cut_by_bytes(resp)
    assert json.loads(resp.data)["results"]["bindings"] == []
    tsv = get(capped, longer, "text/tab-separated-values").data
    assert tsv == b"?s\t?x\n"  # the header, whole


def test_within_the_caps_nothing_says_cut(capped: Flask) -> None:
    for query, accept in [("SELECT ?s WHERE { ?s ?p ?o }", "application/sparql-results+json"),
                          (f"CONSTRUCT {{ ?s a <{EX}Thing> }} WHERE {{ ?s ?p ?o }}", "text/turtle"),
                          ("ASK { ?s ?p ?o }", "application/sparql-results+xml")]:
        resp = get(capped, query, accept)
        assert resp.headers["X-SPARQL-Max-Result-Bytes"] == str(CAP)
        for header in ("X-SPARQL-Truncated", "X-SPARQL-Truncated-By", "Warning", "Link"):
            assert header not in resp.headers, (query, header)
        assert b"Truncated" not in resp.data and LINK.encode() not in resp.data


def test_a_row_cut_names_the_row_cap(app_factory: Any) -> None:
    app = app_factory(STORE=long_store(), MAX_ROWS=3, PUBLIC_URL=PUBLIC)
    resp = get(app, SELECT, "application/sparql-results+json")
    assert resp.headers["X-SPARQL-Truncated-By"] == "rows"
    assert "3 rows (MAX_ROWS)" in resp.headers["Warning"]
    data = json.loads(resp.data)
    assert len(data["results"]["bindings"]) == 3 and data["head"]["link"] == [LINK]
    first = get(app, CONSTRUCT, "text/turtle").data.split(b"\n", 1)[0]
    assert first.startswith(b"# Truncated") and b"3 triples (MAX_ROWS)" in first


def test_the_cut_headers_can_be_read_from_other_origins(capped: Flask) -> None:
    resp = get(capped, SELECT, "application/sparql-results+json")
    exposed = {h.strip() for h in resp.headers["Access-Control-Expose-Headers"].split(",")}
    for header in ("X-SPARQL-Truncated", "X-SPARQL-Truncated-By", "X-SPARQL-Max-Rows",
                   "X-SPARQL-Max-Result-Bytes", "Warning", "Link"):
        assert header in exposed and header in resp.headers


def test_the_link_points_at_the_limits_on_the_query_page(capped: Flask) -> None:
    page = capped.test_client().get("/sparql", headers={"Accept": "text/html"}).data.decode()
    assert '<section id="limits">' in page and LINK.endswith("/sparql#limits")
    assert f"{CAP} bytes" in page and "MAX_RESULT_BYTES" in page


# --- the writer ---------------------------------------------------------------------------------

class Recording(cut.CappedWriter):
    """A capped writer that notes each chunk, and what it holds after each write."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chunks: list[int] = []
        self.holding: list[int] = []

    def write(self, data: Any) -> int:
        if self.cut is None:
            self.chunks.append(len(bytes(data)))
        try:
            return super().write(data)
        finally:
            self.holding.append(self.held)


@pytest.mark.parametrize("fmt", [ox.QueryResultsFormat.TSV, ox.RdfFormat.N_TRIPLES])
def test_the_writer_holds_no_more_than_the_cap_and_one_chunk(fmt: Any) -> None:
    store = ox.Store()
    for i in range(2000):  # about 10 MB as TSV or N-Triples
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"),
                          ox.Literal(f"{i} " + "x" * 5000)))
    query = "SELECT * WHERE { ?s ?p ?o }" if fmt == ox.QueryResultsFormat.TSV else CONSTRUCT
    cap = 100_000
    writer = Recording(10_000, cap, min_lines=1)
    cut.serialize(store.query(query), writer, fmt)
    assert writer.cut == cut.BYTES
    assert max(writer.holding) <= cap + max(writer.chunks)
    assert sum(writer.chunks) <= cap + max(writer.chunks)  # the engine stopped there
    # what the engine writes once stopped (a flush of its buffer) is refused
    after = writer.holding[len(writer.chunks) - 1:]
    value = writer.getvalue()
    assert set(after) == {len(value)} and len(value) <= cap and value.endswith(b"\n")
    assert len(value) > cap - 5100  # as many whole lines as fit


def reference(lines: list[bytes], max_lines: int, max_bytes: int,
              min_lines: int) -> tuple[bytes, str | None]:
    """What a cut keeps, line by line: the longest run of lines within both caps."""
    kept: list[bytes] = []
    for i, line in enumerate(lines):
        if i >= max_lines:
            return b"".join(kept), cut.ROWS
        if sum(map(len, kept)) + len(line) > max_bytes and i >= min_lines:
            return b"".join(kept), cut.BYTES
        kept.append(line)
    return b"".join(kept), None


def test_the_writer_keeps_the_whole_lines_within_both_caps() -> None:
    rng = random.Random(7)
    for _ in range(400):
        lines = [b"x" * rng.randrange(0, 60) + b"\n" for _ in range(rng.randrange(1, 40))]
        body = b"".join(lines)
        max_lines, max_bytes = rng.randrange(0, 45), rng.randrange(0, len(body) + 20)
        min_lines = rng.choice((0, 1))
        writer = Recording(max_lines, max_bytes, min_lines)
        start = 0
        while start < len(body):  # chunks that split lines anywhere, as the engine's do
            end = start + rng.randrange(1, 90)
            try:
                writer.write(body[start:end])
            except cut.Stop:
                break
            start = end
        expected = reference(lines, max_lines, max_bytes, min_lines)
        assert (writer.getvalue(), writer.cut) == expected, (max_lines, max_bytes, min_lines)
        assert all(held <= max(max_bytes, len(lines[0])) + 90 for held in writer.holding)
