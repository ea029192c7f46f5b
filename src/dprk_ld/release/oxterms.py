"""rdflib terms and triples as pyoxigraph's, and back: the build makes its graphs with rdflib and
hands them to pyoxigraph where speed counts (SHACL's SPARQL constraints, writing the dumps).

A literal keeps its lexical form here (``"1.0"^^xsd:decimal`` stays so); only a pyoxigraph
*store* would keep the canonical form instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
_XSD_STRING = str(XSD.string)


def to_ox(term: Node) -> OxTerm:
    """An rdflib IRI, blank node or literal as pyoxigraph's (a plain literal is an xsd:string)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if not isinstance(term, Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    if term.language:
        return ox.Literal(term, language=term.language)
    if term.datatype is not None:
        return ox.Literal(term, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term)


def from_ox(term: Any) -> Node:
    """A pyoxigraph term as rdflib's (an xsd:string as a plain literal, as rdflib keeps it)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    dtype = term.datatype.value
    return Literal(term.value) if dtype == _XSD_STRING else Literal(term.value, datatype=URIRef(dtype))


def ox_triples(triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[ox.Triple]:
    """The triples as pyoxigraph's; each IRI and blank node is made once."""
    made: dict[Node, OxTerm] = {}
    for s, p, o in triples:
        a = made.get(s)
        if a is None:
            a = made[s] = to_ox(s)
        b = made.get(p)
        if b is None:
            b = made[p] = to_ox(p)
        if isinstance(o, Literal):
            c = to_ox(o)
        else:
            c = made.get(o)
            if c is None:
                c = made[o] = to_ox(o)
        yield ox.Triple(a, b, c)


__all__ = ["from_ox", "ox_triples", "to_ox"]
