"""A graph's blank nodes labelled from their content (rdflib's canonical labels), without
copying the graph.

Data nodes are never blank; the few blank nodes of a release are those of OWL and SHACL lists and
restrictions, and only the triples that hold one decide its label (rdflib's canonicalization
colours a blank node by the triples it stands in). So the labels are computed on those triples
alone, and :class:`Canonical` is a read-only view that renames them on the way out: the labels
are rdflib's ``to_canonical_graph`` labels for the whole graph, at the cost of the few triples
that hold a blank node instead of a copy of a graph of a million triples.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.compare import _TripleCanonicalizer
from rdflib.paths import Path
from rdflib.term import Node

from dprk_ld.release.oxterms import from_ox

Triple = tuple[Node, Node, Node]
#: the label prefix of each graph's blank nodes in the release: the shapes' have one of their own,
#: as in the N-Quads dump one label names one node across all graphs, and the ontology's and the
#: shapes' canonical labels may coincide (rdflib gives some node of many graphs the hash ``0``)
SHAPES_BLANK_PREFIX = "cs"
BLANK_PREFIX = "cb"


def blank_prefix(graph_name: str) -> str:
    """The label prefix of the blank nodes of the release graph ``graph_name`` (``shapes``...)."""
    return SHAPES_BLANK_PREFIX if graph_name == "shapes" else BLANK_PREFIX


class _Labeller(_TripleCanonicalizer):
    """rdflib's canonicalizer, keeping the labels it gives."""

    labels: dict[Node, str]

    def _canonicalize_bnodes(self, triple: Any, labels: dict[Node, str]) -> Any:
        self.labels = labels
        return super()._canonicalize_bnodes(triple, labels)


def _has_blank(t: Triple) -> bool:
    return isinstance(t[0], BNode) or isinstance(t[2], BNode)


def canonical_labels(triples: Iterable[Triple], prefix: str = "cb") -> dict[Node, BNode]:
    """The canonical blank node (``<prefix><hash>``) of each blank node of ``triples`` (the
    triples that hold one). Labels are unique within one call only: rdflib gives some node of
    many graphs the hash ``0``, so graphs that share one file (N-Quads) need prefixes of their
    own."""
    sub = Graph()
    for t in triples:
        sub.add(t)
    if len(sub) == 0:
        return {}
    labeller = _Labeller(sub)
    for _ in labeller.canonical_triples():
        pass
    return {node: BNode(f"{prefix}{label}") for node, label in labeller.labels.items()
            if isinstance(node, BNode)}


def relabelled(triples: list[tuple[Any, Any, Any]], prefix: str = BLANK_PREFIX
               ) -> list[tuple[Any, Any, Any]]:
    """pyoxigraph ``triples`` of one graph, their blank nodes given the labels the release's
    dumps give them (their canonical labels after ``prefix``), whatever labels a store gave them:
    so a copy read from a store describes, orders and serializes as the release itself."""
    mine = {term: from_ox(term) for t in triples for term in (t[0], t[2])
            if isinstance(term, ox.BlankNode)}
    labels = canonical_labels(((from_ox(a), from_ox(b), from_ox(c)) for a, b, c in triples
                               if a in mine or c in mine), prefix)
    new = {term: ox.BlankNode(str(labels[node])) for term, node in mine.items()}
    return [(new.get(a, a), b, new.get(c, c)) for a, b, c in triples]


class Canonical(Graph):
    """``base`` with canonical blank node labels, read only. Reading it whole streams ``base``
    once (the triples with a blank node come last); a pattern lookup finds the labels first."""

    def __init__(self, base: Graph, prefix: str = "cb") -> None:
        super().__init__(identifier=base.identifier)
        self._base = base
        self._prefix = prefix
        self._labels: dict[Node, BNode] | None = None
        self._back: dict[Node, Node] = {}

    def _set(self, labels: dict[Node, BNode]) -> dict[Node, BNode]:
        self._labels = labels
        self._back = {new: old for old, new in labels.items()}
        return labels

    def labels(self) -> dict[Node, BNode]:
        if self._labels is None:
            return self._set(canonical_labels((t for t in self._base if _has_blank(t)),
                                              self._prefix))
        return self._labels

    def triples(self, pattern: Any) -> Iterator[Any]:  # type: ignore[override]
        s, p, o = pattern
        if isinstance(p, Path):
            for a, b in p.eval(self, s, o):
                yield a, p, b
            return
        if s is None and p is None and o is None and self._labels is None:
            yield from self._stream()
            return
        labels, back = self.labels(), self._back
        lookup = (back.get(s, s) if s is not None else None, p, back.get(o, o) if o is not None else None)
        for a, b, c in self._base.triples(lookup):
            yield labels.get(a, a), b, labels.get(c, c)

    def _stream(self) -> Iterator[Triple]:
        held = []
        for t in self._base:
            if _has_blank(t):
                held.append(t)
            else:
                yield t
        labels = self._set(canonical_labels(held, self._prefix))
        for a, b, c in held:
            yield labels.get(a, a), b, labels.get(c, c)

    def __len__(self) -> int:
        return len(self._base)

    def add(self, triple: Any) -> Graph:
        raise TypeError("a canonical view is read only")

    def remove(self, triple: Any) -> Graph:
        raise TypeError("a canonical view is read only")


__all__ = ["BLANK_PREFIX", "SHAPES_BLANK_PREFIX", "Canonical", "blank_prefix", "canonical_labels",
           "relabelled"]
