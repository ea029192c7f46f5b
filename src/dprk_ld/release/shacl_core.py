"""Which focus nodes may fail the core (non-SPARQL) constraints of a shape, found fast.

pySHACL walks every focus node through its generic machinery: its core checks took 3.8 s of CPU
on our 18,000 triples and 96 s on ten times as many (bench/README.md, "Scale"). Here each shape
is compiled once into plain Python checks over per-predicate indexes of the data graph, and every
focus node of every targeted shape is run through them. The answer is only *which* (shape, focus
node) pairs may not conform; :mod:`dprk_ld.release.validate` has pySHACL itself validate exactly
those pairs, so the results
(messages, paths, values) are pySHACL's. A pair flagged wrongly costs a little time; a pair
missed would be a result dropped, so each check below follows the component of
``pyshacl/constraints/core`` it stands for, term for term (rdflib terms, rdflib equality), and a
shape that uses a parameter or a path not handled here raises :class:`Unsupported`: the caller
hands that shape whole to pySHACL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS
from pyshacl.rdfutil.compare import compare_literal
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from dprk_ld.release.shacl_index import Index

Values = set[Any]
#: a compiled component: (focus node, its value nodes) -> whether they satisfy it
Check = Callable[[Node, Values], bool]

#: the parameters handled here (and sh:sparql, which validate.py runs on pyoxigraph)
HANDLED = frozenset({
    SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.languageIn, SH.pattern,
    SH.flags, SH.minLength, SH.minInclusive, SH.uniqueLang, SH.lessThan, SH.lessThanOrEquals,
    SH.hasValue, SH["in"], SH.node, SH.property, SH["or"], SH["and"], SH.xone, SH["not"],
    SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.sparql,
})
KINDS = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
#: the Python value a well-typed literal of these datatypes has (others are not checked)
PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: dt.date, XSD.time: dt.time,
    XSD.dateTime: dt.datetime,
}


class Unsupported(Exception):
    """A shape uses something these checks do not cover (pySHACL must check it)."""


def _datatype_ok(v: Node, dtype: Node) -> bool:
    """sh:datatype as pySHACL's DatatypeConstraintComponent decides it."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == dtype:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _python_type_ok(v, dtype)
    if dtype == RDFS.Literal:
        return True
    if dtype == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and dtype == XSD.string:
        return _python_type_ok(v, dtype)
    if dtype == RDF.langString and v.language:
        return _python_type_ok(v, dtype)
    return False


def _python_type_ok(v: Literal, dtype: Node) -> bool:
    wanted = PYTHON_TYPES.get(dtype)
    return wanted is None or isinstance(v.value, wanted)


def _as_string(v: Node) -> str:
    """The string a string-based constraint reads (``value_node_to_string`` of pySHACL)."""
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


def _language_ok(v: Node, wanted: set[str]) -> bool:
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = str(v.language).lower()
    return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted


def _min_inclusive_ok(v: Node, bound: Literal) -> bool:
    if not isinstance(v, Literal) or isinstance(bound.value, str) != isinstance(v.value, str):
        return False
    try:
        return compare_literal(v, bound) >= 0
    except (TypeError, NotImplementedError):
        return False


def _order_ok(v: Node, others: Iterable[Node], strict: bool) -> bool:
    """sh:lessThan (strict) or sh:lessThanOrEquals, compared as pySHACL compares them; anything it
    would refuse (a blank node, a comparison Python cannot make) counts as failing here."""
    try:
        left, left_str = _comparable(v)
        for other in others:
            right, right_str = _comparable(other)
            if left_str != right_str or not (left < right if strict else left <= right):
                return False
    except (TypeError, ValueError):
        return False
    return True


def _comparable(v: Node) -> tuple[Any, bool]:
    if isinstance(v, BNode):
        raise ValueError("a blank node is not compared")
    if isinstance(v, URIRef):
        return str(v), True
    if isinstance(v, Literal) and isinstance(v.value, str):
        return v.value, True
    return v, False


def _one(values: list[Node], name: str) -> Node:
    if len(values) != 1:
        raise Unsupported(f"{name} given {len(values)} times")
    return values[0]


class Checker:
    """Compiles the shapes of a pySHACL ShapesGraph into checks over an :class:`Index`."""

    def __init__(self, sg: ShapesGraph, index: Index) -> None:
        self.sg, self.index, self.graph = sg, index, sg.graph
        _ = sg.shapes  # gathers the shapes, so that lookup_shape_from_node finds them
        self._compiled: dict[Node, Callable[[Node], bool]] = {}
        self._memo: dict[Node, dict[Node, bool]] = {}
        self._compiling: set[Node] = set()

    def conforms(self, shape_node: Node) -> Callable[[Node], bool]:
        """Whether a focus node conforms to the core constraints of a shape (top-level
        sh:sparql excluded: it is checked apart)."""
        if shape_node not in self._compiled:
            if shape_node in self._compiling:
                raise Unsupported("a shape that refers to itself")
            self._compiling.add(shape_node)
            try:
                self._compiled[shape_node] = self._compile(shape_node)
            finally:
                self._compiling.discard(shape_node)
        return self._compiled[shape_node]

    def _nested(self, shape_node: Node) -> Callable[[Node], bool]:
        """Conformance of a value node to a shape it is checked against (sh:node, sh:or ...),
        remembered per node: the same few values recur across thousands of focus nodes."""
        if self._sparql_of(shape_node):
            raise Unsupported("SPARQL constraints in a nested shape")
        check = self.conforms(shape_node)
        memo = self._memo.setdefault(shape_node, {})

        def nested(v: Node) -> bool:
            if v not in memo:
                memo[v] = check(v)
            return memo[v]
        return nested

    def _sparql_of(self, node: Node) -> bool:
        return (node, SH.sparql, None) in self.graph

    def _compile(self, node: Node) -> Callable[[Node], bool]:
        try:
            shape = self.sg.lookup_shape_from_node(node)
        except KeyError as exc:
            raise Unsupported(f"{node} is not a shape") from exc
        if shape.deactivated:
            return lambda focus: True
        params = {p for p in self.graph.predicates(node) if p in ALL_CONSTRAINT_PARAMETERS}
        if params - HANDLED:
            raise Unsupported(f"parameters {sorted(params - HANDLED)}")
        values = self._values(shape)
        checks = [c for p in sorted(params) for c in self._component(shape, p)]

        def conforms(focus: Node) -> bool:
            found = values(focus)
            return all(check(focus, found) for check in checks)
        return conforms

    def _values(self, shape: Any) -> Callable[[Node], Values]:
        if not shape.is_property_shape:
            return lambda focus: {focus}
        path = shape.path()
        if isinstance(path, URIRef):
            out = self.index.out(path)
            return lambda focus: set(out.get(focus, ()))
        inverse = list(self.graph.objects(path, SH.inversePath))
        alone = len(set(self.graph.predicates(path))) == 1
        if len(inverse) == 1 and isinstance(inverse[0], URIRef) and alone:
            into = self.index.into(inverse[0])
            return lambda focus: set(into.get(focus, ()))
        raise Unsupported(f"path {path}")

    def _objects(self, shape: Any, p: Node) -> list[Node]:
        return list(self.graph.objects(shape.node, p))

    def _list(self, node: Node) -> list[Node]:
        return list(self.graph.items(node))

    def _component(self, shape: Any, p: Node) -> list[Check]:
        """The checks of parameter ``p`` of ``shape`` (none for a parameter read by another)."""
        args = self._objects(shape, p)
        builders: dict[Node, Callable[[Any, list[Node]], list[Check]]] = {
            SH.minCount: self._cardinality, SH.maxCount: self._cardinality,
            SH["class"]: self._class, SH.datatype: self._datatype, SH.nodeKind: self._node_kind,
            SH.languageIn: self._language_in, SH.pattern: self._pattern,
            SH.minLength: self._min_length, SH.minInclusive: self._min_inclusive,
            SH.uniqueLang: self._unique_lang, SH.lessThan: self._order,
            SH.lessThanOrEquals: self._order, SH.hasValue: self._has_value, SH["in"]: self._in,
            SH.node: self._node, SH.property: self._property, SH["or"]: self._logical,
            SH["and"]: self._logical, SH.xone: self._logical, SH["not"]: self._logical,
            SH.qualifiedValueShape: self._qualified,
        }
        build = builders.get(p)
        return build(shape, [p, *args]) if build else []

    # --- components; each gets [parameter, *its values] -------------------------------------

    def _cardinality(self, shape: Any, args: list[Node]) -> list[Check]:
        p, n = args[0], int(_one(args[1:], str(args[0])).value)  # type: ignore[attr-defined]
        if p == SH.minCount:
            return [lambda f, vs: len(vs) >= n]
        return [lambda f, vs: len(vs) <= n]

    def _class(self, shape: Any, args: list[Node]) -> list[Check]:
        is_instance = self.index.is_instance
        return [lambda f, vs, c=c: all(is_instance(v, c) for v in vs) for c in args[1:]]

    def _datatype(self, shape: Any, args: list[Node]) -> list[Check]:
        dtype = _one(args[1:], "sh:datatype")
        return [lambda f, vs: all(_datatype_ok(v, dtype) for v in vs)]

    def _node_kind(self, shape: Any, args: list[Node]) -> list[Check]:
        kinds = KINDS[_one(args[1:], "sh:nodeKind")]  # type: ignore[index]
        return [lambda f, vs: all(isinstance(v, kinds) for v in vs)]

    def _language_in(self, shape: Any, args: list[Node]) -> list[Check]:
        wanted = {str(lang).lower() for lang in self._list(_one(args[1:], "sh:languageIn"))}
        return [lambda f, vs: all(_language_ok(v, wanted) for v in vs)]

    def _pattern(self, shape: Any, args: list[Node]) -> list[Check]:
        flags = 0
        given = self._objects(shape, SH.flags)
        if given:
            text = str(given[0]).lower()
            flags = (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
        patterns = [re.compile(str(p.value) if p.value is not None and len(p.value) > 1 else str(p), flags)  # type: ignore[attr-defined]
                    for p in args[1:]]
        return [lambda f, vs, rx=rx: all(not isinstance(v, BNode) and rx.search(_as_string(v)) for v in vs)
                for rx in patterns]

    def _min_length(self, shape: Any, args: list[Node]) -> list[Check]:
        n = int(_one(args[1:], "sh:minLength").value)  # type: ignore[attr-defined]
        return [lambda f, vs: n == 0 or all(not isinstance(v, BNode) and len(_as_string(v)) >= n for v in vs)]

    def _min_inclusive(self, shape: Any, args: list[Node]) -> list[Check]:
        return [lambda f, vs, b=b: all(_min_inclusive_ok(v, b) for v in vs) for b in args[1:]]

    def _unique_lang(self, shape: Any, args: list[Node]) -> list[Check]:
        if not any(getattr(a, "value", False) is True for a in args[1:]):
            return []

        def unique(f: Node, vs: Values) -> bool:
            langs = [str(v.language).lower() for v in vs if isinstance(v, Literal) and v.language]
            return len(langs) == len(set(langs))
        return [unique]

    def _order(self, shape: Any, args: list[Node]) -> list[Check]:
        strict = args[0] == SH.lessThan
        checks: list[Check] = []
        for other in args[1:]:
            out = self.index.out(other)
            checks.append(lambda f, vs, out=out: all(_order_ok(v, out.get(f, ()), strict) for v in vs))
        return checks

    def _has_value(self, shape: Any, args: list[Node]) -> list[Check]:
        return [lambda f, vs, hv=hv: any(v == hv for v in vs) for hv in args[1:]]

    def _in(self, shape: Any, args: list[Node]) -> list[Check]:
        allowed = set(self._list(_one(args[1:], "sh:in")))
        return [lambda f, vs: all(v in allowed for v in vs)]

    def _node(self, shape: Any, args: list[Node]) -> list[Check]:
        checks: list[Check] = []
        for n in args[1:]:
            ok = self._nested(n)
            checks.append(lambda f, vs, ok=ok: all(ok(v) for v in vs))
        return checks

    def _property(self, shape: Any, args: list[Node]) -> list[Check]:
        checks = []
        for node in args[1:]:
            if self._sparql_of(node):
                raise Unsupported("SPARQL constraints in a property shape")
            ok = self.conforms(node)
            checks.append(lambda f, vs, ok=ok: all(ok(v) for v in vs))
        return checks

    def _logical(self, shape: Any, args: list[Node]) -> list[Check]:
        p, checks = args[0], []
        for arg in args[1:]:
            if p == SH["not"]:
                ok = self._nested(arg)
                checks.append(lambda f, vs, ok=ok: not any(ok(v) for v in vs))
                continue
            members = [self._nested(m) for m in self._list(arg)]
            if p == SH["or"]:
                checks.append(lambda f, vs, ms=members: all(any(m(v) for m in ms) for v in vs))
            elif p == SH["and"]:
                checks.append(lambda f, vs, ms=members: all(all(m(v) for m in ms) for v in vs))
            else:
                checks.append(lambda f, vs, ms=members: all(sum(m(v) for m in ms) == 1 for v in vs))
        return checks

    def _qualified(self, shape: Any, args: list[Node]) -> list[Check]:
        if any(getattr(d, "value", False) is True
               for d in self._objects(shape, SH.qualifiedValueShapesDisjoint)):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        low = [int(x.value) for x in self._objects(shape, SH.qualifiedMinCount)]  # type: ignore[attr-defined]
        high = [int(x.value) for x in self._objects(shape, SH.qualifiedMaxCount)]  # type: ignore[attr-defined]
        checks: list[Check] = []
        for q in args[1:]:
            ok = self._nested(q)

            def counted(f: Node, vs: Values, ok: Callable[[Node], bool] = ok) -> bool:
                n = sum(1 for v in vs if ok(v))
                return all(n >= m for m in low) and all(n <= m for m in high)
            checks.append(counted)
        return checks


__all__ = ["HANDLED", "Checker", "Index", "Unsupported"]
