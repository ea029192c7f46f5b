"""The build's graph store and views: a graph in :class:`Triples` counts and lists its subjects
and predicates as rdflib does, removed triples included, and :class:`Without` is the graph
without the given triples, read only."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from dprk_ld.release.memory import Triples, Without, distinct_predicates, distinct_subjects
from dprk_ld.release.shacl_index import Index

EX = "https://example.org/"


def made(store: bool) -> Graph:
    g = Graph(store=Triples()) if store else Graph()
    a, b, c, p, q = (URIRef(EX + n) for n in "abcpq")
    for t in [(a, p, b), (a, p, b), (a, q, Literal(1)), (b, p, c), (c, q, BNode("x")), (BNode("x"), p, a)]:
        g.add(t)
    g.remove((b, p, c))
    g.remove((c, q, BNode("x")))
    return g


def test_counts_are_rdflibs() -> None:
    fast, plain = made(True), made(False)
    assert len(fast) == len(plain) == 3
    assert distinct_subjects(fast) == distinct_subjects(plain) == set(plain.subjects())
    assert distinct_predicates(fast) == set(plain.predicates())
    assert len(distinct_subjects(fast)) == 2  # b and c had their only triples removed


def test_without_is_the_graph_minus_the_triples() -> None:
    whole = made(True)
    gone = {(URIRef(EX + "a"), URIRef(EX + "q"), Literal(1))}
    part = Without(whole, gone)
    assert set(part) == set(whole) - gone
    assert len(part) == 2
    assert next(iter(gone)) not in part
    assert set(part.triples((URIRef(EX + "a"), None, None))) == {
        (URIRef(EX + "a"), URIRef(EX + "p"), URIRef(EX + "b"))}
    assert set(distinct_subjects(part)) == {URIRef(EX + "a"), BNode("x")}
    with pytest.raises(TypeError):
        part.add((URIRef(EX + "a"), URIRef(EX + "p"), URIRef(EX + "c")))


def test_the_shacl_index_reads_the_store_as_rdflib_does() -> None:
    fast, plain = made(True), made(False)
    for p in (URIRef(EX + "p"), URIRef(EX + "q"), URIRef(EX + "none")):
        assert Index(fast).out(p) == Index(plain).out(p)
        assert Index(fast).into(p) == Index(plain).into(p)
    assert Index(fast).out(URIRef(EX + "p")) == {URIRef(EX + "a"): [URIRef(EX + "b")],
                                                 BNode("x"): [URIRef(EX + "a")]}
