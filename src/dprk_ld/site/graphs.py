"""RDF plumbing of the site: the store's terms as rdflib terms, new graphs, serialization.

The store (pyoxigraph) answers the lookups; the descriptions are rdflib graphs, which the pages
read and which :func:`serialize` writes in any syntax of :data:`dprk_ld.formats.DOCUMENTS`.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from dprk_ld.formats import Format
from dprk_ld.release.namespaces import PREFIXES, SCHEMA
from dprk_ld.release.turtle import turtle

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: Any) -> Node:
    """The rdflib term of a pyoxigraph term (IRI, blank node or literal)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):  # as the store has it: rdflib would rewrite some (PT0S)
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"unexpected term {term!r}")


def to_rdflib_triple(quad: Any) -> tuple[Node, Node, Node]:
    """The rdflib triple of a pyoxigraph quad (its graph dropped)."""
    return to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def jsonld_context() -> dict[str, str]:
    """The context a JSON-LD description is compacted with (the project's prefixes)."""
    context = {k: v for k, v in PREFIXES.items() if k != "id"}
    context["schema"] = str(SCHEMA)
    return context


def serialize(graph: Graph, fmt: Format) -> bytes:
    """The graph in the syntax of ``fmt`` (one with an rdflib serializer)."""
    if fmt.rdflib is None:
        raise ValueError(f"{fmt.label} is not an RDF syntax")
    if fmt.rdflib == "json-ld":
        data = graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
        return data.encode("utf-8")
    if fmt.rdflib == "turtle":
        return turtle(graph)  # rdflib's, without rewriting a literal
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


__all__ = ["new_graph", "serialize", "to_rdflib", "to_rdflib_triple"]
