"""SHACL validation of the release graph, with a report a curator can act on.

:func:`run_shacl` gives the results pySHACL gives (:func:`run_pyshacl`, which runs pySHACL over the
whole graph), in a small part of its time, in three moves:

1. the core constraints of every targeted shape are compiled into plain checks
   (:mod:`dprk_ld.release.shacl_core`) and every focus node is run through them: this finds the
   (shape, focus node) pairs that may not conform, usually none;
2. pySHACL itself validates exactly those pairs (its ``Shape.validate`` on the focus nodes
   found), so that their results are its own;
3. the SPARQL-based constraints run on pyoxigraph for all focus nodes of a shape at once
   (:mod:`dprk_ld.release.shacl_sparql`), and their solutions become results through pySHACL's
   own result maker.

A shape with a parameter or path the checks of step 1 do not cover has all its focus nodes
validated in step 2; a shapes graph with anything beyond SHACL Core and SPARQL-based constraints
(rules, custom components, SPARQL targets ...) or a SPARQL constraint that cannot be run as step 3
runs them goes to pySHACL whole. tests/test_fast_shacl.py checks that both ways give the same
results on broken data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from pyshacl.graph_abstraction import DataGraph
from pyshacl.pytypes import SHACLExecutor
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from dprk_ld.release.namespaces import BASE, ID, SHAPES
from dprk_ld.release.nogc import collector_paused
from dprk_ld.release.shacl_core import Checker, Index, Unsupported
from dprk_ld.release.shacl_sparql import NotBatchable, constraint_results, to_store

#: what a validation reports its progress to (a line of text each time)
Progress = Callable[[str], None]
#: what pySHACL's fast path does not cover: a shapes graph with any of these goes to pySHACL whole
BEYOND_CORE = frozenset({
    SH.rule, SH.target, SH.expression, SH.condition, SH.parameter, SH.entailment, SH.js,
    SH.jsFunctionName, SH.jsLibrary, SH.validator, SH.nodeValidator, SH.propertyValidator,
    SH.ask, SH.construct, SH.shapesGraph,
})
BEYOND_CORE_TYPES = frozenset({
    SH.ConstraintComponent, SH.SPARQLFunction, SH.SPARQLTarget, SH.SPARQLTargetType, SH.JSTarget,
    SH.JSConstraint, SH.SPARQLAskValidator, SH.SPARQLSelectValidator,
})


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    value: str | None
    shape: str | None
    component: str
    severity: str

    def where(self, locate: dict[str, str] | None = None) -> str:
        hint = ""
        if locate:
            base = self.focus.split("#", 1)[0]
            for key in (self.focus, base):
                if key in locate:
                    hint = f" ({locate[key]})"
                    break
        return f"{short(self.focus)}{hint}"


def short(iri: str | None) -> str:
    if iri is None:
        return "-"
    for prefix, ns in (("id:", str(ID)), ("shapes:", str(SHAPES)), ("dprk-ld:", BASE)):
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


def load_shapes(root: Path) -> Graph:
    g = Graph()
    for path in sorted((root / "shapes").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _violation(fields: dict[Node, list[Node]], shapes: Graph) -> Violation:
    """A result from its properties (sh:focusNode ... with all their values). Of several messages
    (pySHACL gives a SPARQL constraint's result the constraint's and the shape's), those that are
    not the source shape's own are kept: they say more."""

    def one(p: URIRef) -> str | None:
        values = fields.get(p)
        return str(values[0]) if values else None

    messages = sorted({str(m) for m in fields.get(SH.resultMessage, [])})
    source = fields.get(SH.sourceShape, [None])[0]
    own = {str(m) for m in shapes.objects(source, SH.message)} if source is not None else set()
    return Violation(
        focus=one(SH.focusNode) or "?",
        path=one(SH.resultPath),
        message=" / ".join([m for m in messages if m not in own] or messages),
        value=one(SH.value),
        shape=one(SH.sourceShape),
        component=(one(SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1],
        severity=(one(SH.resultSeverity) or "").rsplit("#", 1)[-1],
    )


def _sorted(results: list[Violation]) -> list[Violation]:
    return sorted(results, key=lambda v: (v.focus, v.path or "", v.component, v.value or "", v.message,
                                          v.shape or ""))


def run_pyshacl(data: Graph, shapes: Graph) -> tuple[bool, list[Violation]]:
    """pySHACL over the whole graph, as it is (the reference :func:`run_shacl` equals)."""
    conforms, report, _ = shacl_validate(
        _context_aware(data), shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False,
        abort_on_first=False, meta_shacl=False,
    )
    assert isinstance(report, Graph)
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        fields: dict[Node, list[Node]] = {}
        for p, o in report.predicate_objects(r):
            fields.setdefault(p, []).append(o)
        results.append(_violation(fields, shapes))
    return bool(conforms), _sorted(results)


def _from_pyshacl(results: Iterable[tuple[Any, ...]], shapes: Graph) -> list[Violation]:
    """Violations from pySHACL's results as its shapes make them: (text, node, triples), where an
    object may be (graph, node). The triples of one may hold other results too (those of a
    nested shape, its sh:detail): each is a result of its own, as in pySHACL's report graph."""
    found = []
    for _, _, triples in results:
        by_node: dict[Node, dict[Node, list[Node]]] = {}
        for s, p, o in triples:
            by_node.setdefault(s, {}).setdefault(p, []).append(o[1] if isinstance(o, tuple) else o)
        found += [_violation(fields, shapes) for fields in by_node.values()
                  if SH.ValidationResult in fields.get(RDF.type, [])]
    return found


def beyond_core(shapes: Graph) -> bool:
    """Whether the shapes use something :func:`run_shacl` leaves to pySHACL whole: SHACL-AF, a
    custom component, or SPARQL constraints in a shape that another shape checks values against
    (sh:node, sh:or ...; they run apart, for the focus nodes of its targets only)."""
    return any(p in BEYOND_CORE for p in set(shapes.predicates())) or \
        any(t in BEYOND_CORE_TYPES for t in set(shapes.objects(None, RDF.type))) or \
        any(_used_inside(shapes, s) for s in set(shapes.subjects(SH.sparql, None)))


def run_shacl(data: Graph, shapes: Graph, progress: Progress | None = None, store: ox.Store | None = None,
              back: dict[Node, Node] | None = None) -> tuple[bool, list[Violation]]:
    """Validate ``data`` against ``shapes``: whether it conforms, and every result, sorted.
    ``store``: the triples of ``data`` already in pyoxigraph, for the SPARQL-based constraints
    (``back`` names each of its blank nodes as ``data`` does)."""
    if beyond_core(shapes):
        if progress:
            progress("the shapes go beyond what the fast path covers: pySHACL checks the whole graph")
        return run_pyshacl(data, shapes)
    try:
        with collector_paused():
            results = _fast(data, shapes, progress or (lambda line: None), store, back)
    except NotBatchable as exc:
        if progress:
            progress(f"{exc}: pySHACL checks the whole graph")
        return run_pyshacl(data, shapes)
    return not results, _sorted(results)


def _targeted(sg: ShapesGraph) -> list[Any]:
    """The active shapes with targets, in a fixed order."""
    active = (s for s in sg.shapes if not s.deactivated and any(any(True for _ in t) for t in s.target()))
    return sorted(active, key=lambda s: str(s.node))


def _core_graph(shapes: Graph, targeted: Iterable[Node]) -> Graph:
    """A copy of the shapes without the SPARQL-based constraints of ``targeted`` (run apart)."""
    top = set(targeted)
    core = Graph()
    for prefix, ns in shapes.namespaces():
        core.bind(prefix, ns)
    for t in shapes:
        if not (t[1] == SH.sparql and t[0] in top):
            core.add(t)
    return core


def _fast(data: Graph, shapes: Graph, progress: Progress, given: ox.Store | None = None,
          back: dict[Node, Node] | None = None) -> list[Violation]:
    full = ShapesGraph(_core_graph(shapes, []))  # a copy: pySHACL adds triples of its own to it
    targeted = _targeted(full)
    core = ShapesGraph(_core_graph(shapes, [s.node for s in targeted]))
    focus, pending = _core_checks(data, core, targeted, progress)
    dg = functools.cache(lambda: _data_graph(data))  # made only if something fails
    results: list[Violation] = []
    with_sparql = [s for s in targeted if (s.node, SH.sparql, None) in shapes and focus[s.node]]
    if with_sparql:
        store = given if given is not None else to_store(data, progress)
        for n, shape in enumerate(with_sparql, 1):
            results += _from_pyshacl(constraint_results(shape, focus[shape.node], store, dg, back=back),
                                     shapes)
            progress(f"SPARQL constraints {n}/{len(with_sparql)}: {short(str(shape.node))}")
        del store
    return results + _recheck(core, dg, pending, shapes)


def _context_aware(data: Graph) -> Graph:
    """``data`` in a store that keeps contexts, as pySHACL needs: a graph in rdflib's
    ``SimpleMemory`` (the build's, for speed) is copied."""
    if data.store.context_aware:
        return data
    copy = Graph()
    for t in data:
        copy.add(t)
    return copy


def _data_graph(data: Graph) -> DataGraph:
    """pySHACL's view of ``data``."""
    return DataGraph.from_rdflib(_context_aware(data))


def _used_inside(shapes: Graph, node: Node) -> bool:
    """Whether another shape checks its value nodes against ``node`` (sh:node, sh:or ...)."""
    return any((None, p, node) in shapes for p in (SH.node, SH.property, SH.qualifiedValueShape,
                                                     SH["not"], RDF.first))


def _core_checks(data: Graph, core: ShapesGraph, targeted: list[Any], progress: Progress
                 ) -> tuple[dict[Node, list[Node]], list[tuple[Any, list[Node]]]]:
    """Every shape's focus nodes, and those that may fail its core constraints (all of them for
    a shape the fast checks do not cover)."""
    index = Index(data)
    checker = Checker(core, index)
    focus: dict[Node, list[Node]] = {}
    pending: list[tuple[Any, list[Node]]] = []
    for n, shape in enumerate(targeted, 1):
        nodes = focus[shape.node] = sorted(index.focus_nodes(shape), key=str)
        try:
            ok = checker.conforms(shape.node)
            failing = [f for f in nodes if not ok(f)]
        except Unsupported as exc:
            progress(f"{short(str(shape.node))}: {exc}; pySHACL checks its {len(nodes)} focus nodes")
            failing = nodes
        pending.append((shape, failing))
        progress(f"core constraints {n}/{len(targeted)}: {short(str(shape.node))}, {len(nodes)} "
                 f"focus nodes{f', {len(failing)} to check with pySHACL' if failing else ''}")
    return focus, pending


def _recheck(core: ShapesGraph, dg: Callable[[], DataGraph], pending: list[tuple[Any, list[Node]]],
             shapes: Graph) -> list[Violation]:
    """pySHACL's results for the (shape, focus nodes) found failing, or not checked, by the fast
    checks: the shape's own ``validate`` on just those focus nodes."""
    executor = SHACLExecutor(advanced_mode=False, abort_on_first=False, allow_infos=False,
                             allow_warnings=False)
    found: list[Violation] = []
    for shape, focus in pending:
        if focus:
            _, reports = core.lookup_shape_from_node(shape.node).validate(executor, dg(), focus=focus)
            found += _from_pyshacl(reports, shapes)
    return found


def format_report(
    conforms: bool, results: list[Violation], locate: dict[str, str] | None = None, limit: int = 200
) -> str:
    if conforms:
        return "conforms: the release graph satisfies every shape."
    lines = [f"does not conform: {len(results)} SHACL result(s)."]
    for v in results[:limit]:
        path = short(v.path) if v.path else "(node)"
        value = f" value={short(v.value)}" if v.value is not None else ""
        lines.append(f"  {v.severity}: {v.where(locate)} {path}: {v.message} [{v.component}]{value}")
    if len(results) > limit:
        lines.append(f"  ... and {len(results) - limit} more")
    return "\n".join(lines)


def release_graph(dist: Path) -> Graph:
    """The graphs of a built release (its N-Quads dump), merged into one."""
    data = Dataset()
    data.parse(dist / "dprk-ld.nq", format="nquads")
    union = Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    return union
