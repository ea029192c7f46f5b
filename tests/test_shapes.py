"""Each SHACL node shape has a conforming example (the tiny fixture release, which holds a focus node of
every shape) and at least one non-conforming example that fails for the stated reason. The cases are
generated from tests/shape_cases.yaml, one test per case."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from dprk_ld.release.namespaces import PREFIXES, SHAPES
from dprk_ld.release.validate import Violation, run_shacl

REPO = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((Path(__file__).parent / "shape_cases.yaml").read_text(encoding="utf-8"))
NS = {**PREFIXES, "shapes": str(SHAPES)}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def expand(term: str) -> str:
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    prefix, local = term.split(":", 1)
    return NS[prefix] + local


def node_shapes(shapes: Graph) -> set[URIRef]:
    return {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}


def only_active(shapes: Graph, active: URIRef) -> Graph:
    """The shapes graph with every targeted node shape but `active` deactivated."""
    g = Graph()
    for t in shapes:
        g.add(t)
    for s in node_shapes(shapes):
        if s != active and any(shapes.value(s, p) is not None for p in TARGETS):
            g.add((s, SH.deactivated, Literal(True)))
    return g


def owned_by(shapes: Graph, source: str | None, shape: URIRef, via: URIRef | None) -> bool:
    """Whether a result's source shape is `shape`, one of its property shapes, or (for a value shape
    reached with sh:node) a property shape of `via` that points at `shape`."""
    if source is None:
        return False
    src = URIRef(source) if not source.startswith("n") or "://" in source else BNode(source)
    owner = via or shape
    if src == owner:
        return True
    if src in set(shapes.objects(owner, SH.property)):
        return via is None or (src, SH.node, shape) in shapes
    return False


def test_the_fixture_conforms_and_exercises_every_shape(shapes: Graph, release_graph: Graph) -> None:
    conforms, results = run_shacl(release_graph, shapes)
    assert conforms, results[:5]
    for s in node_shapes(shapes):
        for cls in shapes.objects(s, SH.targetClass):
            assert (None, RDF.type, cls) in release_graph, f"no focus node of {s} in the fixture"


def test_every_node_shape_has_a_failing_case(shapes: Graph) -> None:
    covered = {expand("shapes:" + c["shape"]) for c in CASES}
    missing = sorted(str(s) for s in node_shapes(shapes) if str(s) not in covered)
    assert not missing, f"shapes without a non-conforming example: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c['shape']}: {c['reason']}" for c in CASES])
def test_case_fails_for_the_stated_reason(case: dict, shapes: Graph, release_graph: Graph) -> None:  # type: ignore[type-arg]
    shape = URIRef(expand("shapes:" + case["shape"]))
    via = URIRef(expand("shapes:" + case["via"])) if case.get("via") else None
    graph = Graph()
    for t in release_graph:
        graph.add(t)
    before = len(graph)
    graph.update(case["update"], initNs=NS)
    assert len(graph) != before or case["update"].count("INSERT") + case["update"].count("DELETE") > 1, (
        "the update changed nothing"
    )
    conforms, results = run_shacl(graph, only_active(shapes, via or shape))
    assert not conforms
    want = case["expect"]

    def matches(v: Violation) -> bool:
        return (
            v.focus == expand(want["focus"])
            and v.component == want["component"]
            and ("path" not in want or v.path == expand(want["path"]))
            and ("value" not in want or v.value == expand(want["value"]))
            and owned_by(shapes, v.shape, shape, via)
        )

    assert any(matches(v) for v in results), results
