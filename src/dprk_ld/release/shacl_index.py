"""Per-predicate indexes of a data graph, for the fast SHACL checks (:mod:`.shacl_core`): the
value nodes of a path, SHACL instances of a class, focus nodes of a shape's targets."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from dprk_ld.release.memory import Triples


class Index:
    """Per-predicate adjacency of an rdflib graph, built for a predicate when first asked for."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._out: dict[Node, dict[Node, list[Node]]] = {}
        self._in: dict[Node, dict[Node, list[Node]]] = {}
        self._supers: dict[Node, frozenset[Node]] = {}

    def out(self, p: Node) -> dict[Node, list[Node]]:
        if p not in self._out:
            found: dict[Node, list[Node]] = defaultdict(list)
            store = self.graph.store
            if isinstance(store, Triples) and type(self.graph) is Graph:  # the build's: its index
                for o, subjects in store.by_predicate(p).items():
                    for s in subjects:
                        found[s].append(o)
            else:
                for s, o in self.graph.subject_objects(p):
                    found[s].append(o)
            self._out[p] = dict(found)
        return self._out[p]

    def into(self, p: Node) -> dict[Node, list[Node]]:
        if p not in self._in:
            found: dict[Node, list[Node]] = defaultdict(list)
            for s, objects in self.out(p).items():
                for o in objects:
                    found[o].append(s)
            self._in[p] = dict(found)
        return self._in[p]

    def supers(self, cls: Node) -> frozenset[Node]:
        """``cls`` and every class it is an rdfs:subClassOf*, as pySHACL's sh:class reads it."""
        if cls not in self._supers:
            seen, todo = {cls}, [cls]
            up = self.out(RDFS.subClassOf)
            while todo:
                for parent in up.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self._supers[cls] = frozenset(seen)
        return self._supers[cls]

    def is_instance(self, node: Node, cls: Node) -> bool:
        if isinstance(node, Literal):
            return False
        return any(t == cls or cls in self.supers(t) for t in self.out(RDF.type).get(node, ()))

    def instances(self, cls: Node) -> set[Node]:
        """The SHACL instances of ``cls``: typed with it or with one of its subclasses."""
        classes, todo = {cls}, [cls]
        down = self.into(RDFS.subClassOf)
        while todo:
            for child in down.get(todo.pop(), ()):
                if child not in classes:
                    classes.add(child)
                    todo.append(child)
        typed = self.into(RDF.type)
        return {s for c in classes for s in typed.get(c, ())}

    def focus_nodes(self, shape: Any) -> set[Node]:
        """The focus nodes of a pySHACL shape's targets, found as ``Shape.focus_nodes`` does."""
        nodes, classes, implicit, objects_of, subjects_of = shape.target()
        found: set[Node] = set(nodes)
        for cls in {*classes, *implicit}:
            found |= self.instances(cls)
        for p in subjects_of:
            found.update(self.out(p))
        for p in objects_of:
            found.update(self.into(p))
        return found


__all__ = ["Index"]
