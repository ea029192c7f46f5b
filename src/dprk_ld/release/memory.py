"""The store of the build's graphs, and the data graph as a view of the union.

The release's data (a million triples at a hundred times our size) is held once, in rdflib's
``SimpleMemory`` store (:class:`Triples`), which keeps no contexts: a third less time to fill and
to read than rdflib's default store, and less memory. Its length and its distinct subjects and
predicates are read off its indexes (:func:`distinct_subjects`), not counted triple by triple.
The ontology's triples are added to the same graph, which becomes the union the dumps hold, and
the data graph is that union without them (:class:`Without`), not a second copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node


class Triples(SimpleMemory):
    """rdflib's ``SimpleMemory`` store, whose length is counted from its index rather than by
    reading every triple."""

    def __len__(self, context: Any = None) -> int:
        spo: dict[Node, dict[Node, dict[Node, int]]] = self._SimpleMemory__spo  # type: ignore[attr-defined]
        return sum(len(objects) for po in spo.values() for objects in po.values())

    def by_predicate(self, p: Node) -> dict[Node, dict[Node, int]]:
        """The index of the triples with predicate ``p``: object -> subjects (as keys), in the
        order ``triples((None, p, None))`` gives them; read only."""
        pos: dict[Node, dict[Node, dict[Node, int]]] = self._SimpleMemory__pos  # type: ignore[attr-defined]
        return pos.get(p, {})


def distinct_subjects(graph: Graph) -> set[Node]:
    """The subjects of ``graph``, each once; read off the index of a graph in a :class:`Triples`
    store rather than from every triple."""
    if isinstance(graph.store, Triples) and type(graph) is Graph:
        spo = graph.store._SimpleMemory__spo  # type: ignore[attr-defined]
        return {s for s, po in spo.items() if any(po.values())}
    return set(graph.subjects())


def distinct_predicates(graph: Graph) -> set[Node]:
    """The predicates of ``graph``, each once (as :func:`distinct_subjects`)."""
    if isinstance(graph.store, Triples) and type(graph) is Graph:
        pos = graph.store._SimpleMemory__pos  # type: ignore[attr-defined]
        return {p for p, os in pos.items() if any(os.values())}
    return set(graph.predicates())


class Without(Graph):
    """``base`` without the triples of ``removed``, read only: the data graph of a release is the
    union of data and ontology without the ontology's own triples, so that the data is held
    once."""

    def __init__(self, base: Graph, removed: set[tuple[Node, Node, Node]]) -> None:
        super().__init__(identifier=base.identifier, namespace_manager=base.namespace_manager)
        self.whole, self.removed = base, removed

    def triples(self, pattern: Any) -> Iterator[Any]:  # type: ignore[override]
        removed = self.removed
        for t in self.whole.triples(pattern):
            if t not in removed:
                yield t

    def __len__(self) -> int:
        return len(self.whole) - len(self.removed)

    def add(self, triple: Any) -> Graph:
        raise TypeError("a view of the data graph is read only")

    def remove(self, triple: Any) -> Graph:
        raise TypeError("a view of the data graph is read only")


__all__ = ["Triples", "Without", "distinct_predicates", "distinct_subjects"]
