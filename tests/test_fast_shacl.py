"""The fast SHACL path (`run_shacl`) gives exactly the results of pySHACL over the whole graph
(`run_pyshacl`): on the tiny fixture release, on every broken case of tests/shape_cases.yaml, on
cases that break what those do not (ill-typed literals, languages, a subclass of a target class),
and on all the cases at once. And it is the fast path that runs: every shape of ours compiles to
the fast checks and every SPARQL constraint runs batched."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from dprk_ld.release.namespaces import PREFIXES, SHAPES
from dprk_ld.release.shacl_core import Checker, Index, Unsupported
from dprk_ld.release.shacl_sparql import batched
from dprk_ld.release.validate import beyond_core, run_pyshacl, run_shacl

REPO = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((Path(__file__).parent / "shape_cases.yaml").read_text(encoding="utf-8"))
NS = {**PREFIXES, "shapes": str(SHAPES), "ex": "https://example.org/"}
ID = "https://w3id.org/dprk-ld/id/"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

#: broken data the shape cases do not make: (name, SPARQL update)
EXTRA = [
    # (not an offset: rdflib's SPARQL engine, under pySHACL, fails on one in the selectors' arithmetic)
    ("a section order that is not an integer, typed as one", f"""
        DELETE {{ ?s dprk:sectionOrder ?n }} INSERT {{ ?s dprk:sectionOrder "first"^^xsd:integer }}
        WHERE {{ BIND(<{ID}source/mini/section/introduction> AS ?s) ?s dprk:sectionOrder ?n }}"""),
    ("a summary in French", f"""
        DELETE {{ ?f dprk:summary ?s }}
        INSERT {{ ?f dprk:summary "Les médias sont contrôlés par l'État."@fr }}
        WHERE {{ BIND(<{ID}finding/mini/media-controlled> AS ?f) ?f dprk:summary ?s }}"""),
    ("a summary in British English, of nine letters", f"""
        DELETE {{ ?f dprk:summary ?s }} INSERT {{ ?f dprk:summary "Censored."@en-GB }}
        WHERE {{ BIND(<{ID}finding/mini/media-controlled> AS ?f) ?f dprk:summary ?s }}"""),
    ("a place with two Korean preferred labels",
     f'INSERT DATA {{ <{ID}place/hoeryong> skos:prefLabel "회령"@ko, "회령시"@ko }}'),
    ("a body that ends after the text", f"""
        DELETE {{ ?t dprk:bodyEnd ?e }} INSERT {{ ?t dprk:bodyEnd 99999999 }}
        WHERE {{ BIND(<{ID}source/mini/text> AS ?t) ?t dprk:bodyEnd ?e }}"""),
    # (not a time entity's earliest day: pySHACL's sh:lessThanOrEquals fails on one)
    ("a publication date that is no date", f"""
        DELETE {{ ?s dcterms:issued ?d }} INSERT {{ ?s dcterms:issued "2024-13-45"^^xsd:date }}
        WHERE {{ BIND(<{ID}source/mini> AS ?s) ?s dcterms:issued ?d }}"""),
    ("a finding of a subclass of dprk:Finding, with nothing else",
     f"INSERT DATA {{ ex:Claim rdfs:subClassOf dprk:Finding . <{ID}finding/mini/bare> a ex:Claim }}"),
    ("evidence of two findings", f"""
        INSERT DATA {{ <{ID}finding/mini/hoeryong-trial>
                       dprk:evidence <{ID}evidence/mini/media-controlled/1> }}"""),
]


def broken(base: Graph, *updates: str) -> Graph:
    graph = Graph()
    for t in base:
        graph.add(t)
    for update in updates:
        graph.update(update, initNs=NS)
    return graph


def active_only(shapes: Graph, keep: set[URIRef]) -> Graph:
    """The shapes with every targeted node shape not in ``keep`` deactivated."""
    g = Graph()
    for t in shapes:
        g.add(t)
    for s in set(shapes.subjects(RDF.type, SH.NodeShape)) - keep:
        if any(shapes.value(s, p) is not None for p in TARGETS):
            g.add((s, SH.deactivated, Literal(True)))
    return g


def same(graph: Graph, shapes: Graph) -> tuple[bool, int]:
    """Both ways give the same results (the fast one never handing the whole graph to pySHACL);
    whether the graph conforms, and how many results."""
    said: list[str] = []
    reference, fast = run_pyshacl(graph, shapes), run_shacl(graph, shapes, said.append)
    assert fast == reference
    assert not [line for line in said if "whole graph" in line]
    return reference[0], len(reference[1])


def test_our_shapes_take_the_fast_path(shapes: Graph, release_graph: Graph) -> None:
    assert not beyond_core(shapes)
    sg = ShapesGraph(shapes + Graph())  # a copy: pySHACL adds triples of its own
    checker = Checker(sg, Index(release_graph))
    targeted = [s for s in sg.shapes if any(any(True for _ in t) for t in s.target())]
    assert len(targeted) > 30
    for shape in targeted:
        checker.conforms(shape.node)  # raises Unsupported for what the fast checks do not cover
    queries = [str(q) for q in shapes.objects(None, SH.select)]
    assert len(queries) == 20
    assert all(batched(q) is not None for q in queries)


def test_the_fixture_conforms_both_ways(shapes: Graph, release_graph: Graph) -> None:
    assert same(release_graph, shapes) == (True, 0)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['shape']}: {c['reason']}" for c in CASES])
def test_a_shape_case_gives_the_same_results(case: dict, shapes: Graph, release_graph: Graph) -> None:  # type: ignore[type-arg]
    keep = {URIRef(str(SHAPES) + case["shape"])}
    if case.get("via"):
        keep.add(URIRef(str(SHAPES) + case["via"]))
    conforms, found = same(broken(release_graph, case["update"]), active_only(shapes, keep))
    assert not conforms and found > 0


@pytest.mark.parametrize(("name", "update"), EXTRA, ids=[name for name, _ in EXTRA])
def test_other_broken_data_gives_the_same_results(name: str, update: str, shapes: Graph,
                                                  release_graph: Graph) -> None:
    conforms, found = same(broken(release_graph, update), shapes)
    assert not conforms and found > 0


def test_every_case_at_once_gives_the_same_results(shapes: Graph, release_graph: Graph) -> None:
    updates = [c["update"] for c in CASES] + [u for _, u in EXTRA]
    conforms, found = same(broken(release_graph, *updates), shapes)
    assert not conforms and found > len(CASES)


def test_a_parameter_the_fast_checks_lack_is_left_to_pyshacl(release_graph: Graph) -> None:
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        @prefix dprk: <https://w3id.org/dprk-ld/ontology#> .
        ex:Closed a sh:NodeShape ; sh:targetClass dprk:Topic ; sh:closed true ;
            sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) .
    """, format="turtle")
    sg = ShapesGraph(shapes)
    with pytest.raises(Unsupported):
        Checker(sg, Index(release_graph)).conforms(URIRef("https://example.org/Closed"))
    conforms, found = same(release_graph, shapes)
    assert not conforms and found > 0


@pytest.mark.parametrize(("query", "batches"), [
    ("SELECT $this WHERE { $this a ?t . FILTER NOT EXISTS { $this ?p ?o . FILTER(?o = $this) } }", True),
    ("SELECT $this WHERE { OPTIONAL { $this <https://example.org/p> ?o } FILTER(!BOUND(?o)) }", True),
    ("SELECT $this WHERE { OPTIONAL { $this <https://example.org/p> ?o FILTER(?o > 1) } }", False),
    ("SELECT $this WHERE { { $this a ?t } UNION { ?x a ?t } }", False),
    ("SELECT ?value WHERE { $this <https://example.org/p> ?value }", False),
    ("SELECT $this (COUNT(?o) AS ?n) WHERE { $this <https://example.org/p> ?o } GROUP BY $this", False),
    ('SELECT $this WHERE { $this <https://example.org/p> "{ $this }" }', True),
])
def test_only_a_query_where_values_equals_pre_binding_is_batched(query: str, batches: bool) -> None:
    assert (batched(query) is not None) == batches


def test_validation_says_how_it_goes(shapes: Graph, release_graph: Graph) -> None:
    said: list[str] = []
    run_shacl(release_graph, shapes, said.append)
    core = [line for line in said if line.startswith("core constraints ")]
    sparql = [line for line in said if line.startswith("SPARQL constraints ")]
    assert len(core) > 30 and core[-1].startswith(f"core constraints {len(core)}/{len(core)}:")
    assert sparql and sparql[-1].startswith(f"SPARQL constraints {len(sparql)}/{len(sparql)}:")
    assert any("triples in the query engine" in line for line in said)
