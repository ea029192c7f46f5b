"""Served = dumped: what /sparql and /doc/ say of the release is what its dumps say, literal by
literal (datatype, lexical form and language tag included).

The query engine keeps some literals only in a canonical form (xsd:nonNegativeInteger becomes
xsd:integer, "2.0"^^xsd:decimal becomes "2", "P18M" becomes "P1Y6M", language tags go to lower
case), so the release makes only literals the engine keeps; these tests compare the two sides
exactly: rdflib reads both without normalizing literals, and triples are compared as N-Triples
terms (blank nodes labelled canonically).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from dprk_ld.curation.model import Sentence
from dprk_ld.release.namespaces import GRAPH
from dprk_ld.release.rdf import decimal_literal
from dprk_ld.site.discovery import document_paths
from dprk_ld.web.documents import site_of

Terms = tuple[str, str, str]
EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@pytest.fixture(autouse=True)
def exact_literals(monkeypatch: pytest.MonkeyPatch) -> None:
    """rdflib reads literals as they are written (it would rewrite "PT0S" as "P0D", for one)."""
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)


def terms(graph: Graph) -> set[Terms]:
    """The triples of ``graph`` as N-Triples terms, blank nodes labelled from their content."""
    return {(s.n3(), p.n3(), o.n3()) for s, p, o in to_canonical_graph(graph)}


def dumped_graphs(dist: Path) -> dict[str, set[Terms]]:
    """Every graph of the release as its files say it: the N-Quads dump and the VoID file."""
    dataset = Dataset()
    dataset.parse(dist / "dprk-ld.nq", format="nquads")
    graphs = {str(g.identifier): terms(g) for g in dataset.graphs() if len(g)}
    graphs[str(GRAPH["void"])] = terms(Graph().parse(dist / "void.ttl", format="turtle"))
    return graphs


def served_graph(client: FlaskClient, name: str) -> set[Terms]:
    """The graph ``name`` as /sparql gives it (one CONSTRUCT, in N-Triples)."""
    resp = client.get(f"/sparql?query={quote(EVERYTHING)}&default-graph-uri={quote(name)}",
                      headers={"Accept": "application/n-triples"})
    assert resp.status_code == 200, resp.data[:300]
    assert "X-SPARQL-Truncated" not in resp.headers
    return terms(Graph().parse(data=resp.data.decode("utf-8"), format="nt"))


@pytest.fixture(params=["mini_release", "real_release"])
def release(request: pytest.FixtureRequest,
            ld_app_factory: Callable[..., Flask]) -> Iterator[tuple[Path, Flask]]:
    dist: Path = request.getfixturevalue(request.param)
    yield dist, ld_app_factory(dist, MAX_ROWS=1_000_000)


def test_every_graph_served_is_the_graph_dumped(release: tuple[Path, Flask]) -> None:
    dist, app = release
    dumped = dumped_graphs(dist)
    served_names = set(app.extensions["dprk_ld"].release.graphs)
    assert served_names == set(dumped)
    client = app.test_client()
    for name, triples in sorted(dumped.items()):
        served = served_graph(client, name)
        assert served == triples, (name, sorted(served - triples)[:5], sorted(triples - served)[:5])


def test_every_dump_says_the_same_literals(mini_release: Path) -> None:
    """The Turtle, N-Triples and JSON-LD dumps hold the data and ontology graphs of the N-Quads."""
    dataset = Dataset()
    dataset.parse(mini_release / "dprk-ld.nq", format="nquads")
    union = Graph()
    for name in ("data", "ontology"):
        for triple in dataset.graph(GRAPH[name]):
            union.add(triple)
    expected = terms(union)
    for name, syntax in (("dprk-ld.nt", "nt"), ("dprk-ld.ttl", "turtle"),
                         ("dprk-ld.jsonld", "json-ld")):
        assert terms(Graph().parse(mini_release / name, format=syntax)) == expected, name


def test_documents_say_the_literals_of_the_dumps(ld_app: Flask, mini_release: Path) -> None:
    """Every literal of every /doc/ document (N-Triples and Turtle) is the dump's: a document
    may add what it says of itself, never another form of a value the release holds."""
    dumped = set().union(*dumped_graphs(mini_release).values())
    said = {(s, p) for s, p, _ in dumped}
    client = ld_app.test_client()
    paths = document_paths(site_of(ld_app))
    assert paths
    for path in paths:
        docs = [client.get(f"{path}.{ext}") for ext in ("nt", "ttl")]
        assert [d.status_code for d in docs] == [200, 200], path
        nt, ttl = (terms(Graph().parse(data=d.data.decode("utf-8"), format=f))
                   for d, f in zip(docs, ("nt", "turtle"), strict=True))
        assert nt == ttl, (path, sorted(nt ^ ttl)[:5])
        for s, p, o in nt:
            if o.startswith('"') and (s, p) in said:
                assert (s, p, o) in dumped, (path, s, p, o)


def kept_by_the_engine(literal: Literal) -> bool:
    store = ox.Store()
    datatype = ox.NamedNode(str(literal.datatype)) if literal.datatype else None
    store.add(ox.Quad(ox.NamedNode("http://s"), ox.NamedNode("http://p"),
                      ox.Literal(str(literal), datatype=datatype, language=literal.language)))
    kept = next(iter(store)).object
    return bool(kept.value == str(literal) and kept.language == literal.language
                and (datatype is None or kept.datatype == datatype))


@pytest.mark.parametrize("value", ["0", "-0.0", "2", "2.0", "1.50", "0.25", "1000", "-3.10",
                                   "12345678901234567890.5"])
def test_decimals_are_made_as_the_engine_keeps_them(value: str) -> None:
    made = decimal_literal(Decimal(value))
    assert Decimal(str(made)) == Decimal(value) and kept_by_the_engine(made), str(made)


@pytest.mark.parametrize(("years", "months", "expected"), [
    ("7", None, "P7Y"), ("1.5", None, "P1Y6M"), ("0.25", None, "P3M"), (None, "6", "P6M"),
    (None, "12", "P1Y"), (None, "18", "P1Y6M"), (None, "30", "P2Y6M")])
def test_sentence_terms_are_made_as_the_engine_keeps_them(
        years: str | None, months: str | None, expected: str) -> None:
    sentence = Sentence("a man", "forced-labor", Decimal(years) if years else None,
                        Decimal(months) if months else None)
    assert sentence.duration == expected
    assert kept_by_the_engine(Literal(expected, datatype=URIRef(str(rdflib.XSD.duration))))
