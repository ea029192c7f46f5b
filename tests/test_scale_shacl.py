"""How the build runs SHACL at scale gives the results it gave before:

* with the graph in the build's store (rdflib's ``SimpleMemory``, whose indexes the fast checks
  read), and the SPARQL-based constraints on a pyoxigraph store loaded from the union's
  N-Triples lines (made once, for the dumps too; blank nodes carry their canonical labels there
  and are named back as the graph names them), every broken case of tests/shape_cases.yaml gives
  the results of the graph in rdflib's default store;
* a query ``SELECT ... WHERE { pattern FILTER NOT EXISTS { pattern } }`` evaluated solution by
  solution (the outer pattern, then ``ASK`` of the inner with the solution's bindings) gives the
  solutions pyoxigraph gives for the query itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from rdflib import BNode, Graph, URIRef

from dprk_ld.release.dumps import canonical, nt_lines
from dprk_ld.release.memory import Triples
from dprk_ld.release.namespaces import PREFIXES
from dprk_ld.release.rdf import new_graph
from dprk_ld.release.shacl_sparql import not_exists, solutions, store_of_lines
from dprk_ld.release.validate import run_pyshacl, run_shacl

REPO = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((REPO / "tests" / "shape_cases.yaml").read_text(encoding="utf-8"))
ID = "https://w3id.org/dprk-ld/id/"
DISAGREEMENT = f"<{ID}disagreement/date-cb78defa6d79>"


def broken(base: Graph, update: str) -> Graph:
    graph = Graph()
    for t in base:
        graph.add(t)
    graph.update(update, initNs=PREFIXES)
    return graph


def as_built(plain: Graph, shapes: Graph) -> tuple[bool, list[Any]]:
    """run_shacl as the build runs it: the graph in the build's store, the SPARQL constraints on
    a pyoxigraph store loaded from its canonical N-Triples lines."""
    graph = new_graph(simple=True)
    for t in plain:
        graph.add(t)
    assert isinstance(graph.store, Triples)
    view = canonical(graph)
    store = store_of_lines(nt_lines(view))
    back = {label: node for node, label in view.labels().items()}
    return run_shacl(graph, shapes, None, store, back)


def test_the_cases_break_sparql_constraints() -> None:
    assert len([c for c in CASES if c["expect"].get("component") == "SPARQLConstraintComponent"]) >= 15


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["reason"])
def test_a_store_of_the_lines_gives_the_same_results(case: dict[str, Any], shapes: Graph,
                                                     release_graph: Graph) -> None:
    graph = broken(release_graph, case["update"])
    built = as_built(graph, shapes)
    assert built == run_shacl(graph, shapes)
    assert not built[0]


def test_a_blank_node_in_a_result_is_named_as_the_graph_names_it(shapes: Graph,
                                                                 release_graph: Graph) -> None:
    graph = broken(release_graph, f"INSERT DATA {{ {DISAGREEMENT} dprk:claim [ a dprk:Finding ] }}")
    built = as_built(graph, shapes)
    assert built == run_pyshacl(graph, shapes)
    blank = {str(b) for b in graph.all_nodes() if isinstance(b, BNode)}
    assert any(v.value in blank for v in built[1] if v.component == "SPARQLConstraintComponent")


QUERIES = {
    "no outer pattern": """SELECT $this WHERE { FILTER NOT EXISTS {
        $this dprk:claim ?a , ?b . ?a dcterms:source ?sa . ?b dcterms:source ?sb . FILTER (?sa != ?sb) } }""",
    "an outer pattern, a value": """SELECT $this ?value WHERE {
        $this dprk:about ?event ; dprk:claim ?value . FILTER NOT EXISTS { ?value dprk:reports ?event } }""",
    "some solutions kept": """SELECT $this ?c WHERE {
        $this dprk:claim ?c . FILTER NOT EXISTS { ?c dprk:reports ?e . ?e a dprk:Event } }""",
    "a filter inside": """SELECT $this ?c WHERE {
        $this dprk:claim ?c .
        FILTER NOT EXISTS { ?c dcterms:source ?s . FILTER (STRENDS(STR(?s), "mini")) } }""",
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_not_exists_solution_by_solution_equals_the_query(name: str, release_graph: Graph) -> None:
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    text = prologue + QUERIES[name]
    assert not_exists(text) is not None
    store = store_of_lines(nt_lines(canonical(release_graph)))
    focus = sorted({s for s in release_graph.subjects() if isinstance(s, URIRef)
                    and str(s).startswith(ID + "disagreement/")}, key=str)
    assert focus
    where = text.index("{", text.index("SELECT")) + 1
    values = " VALUES ?this { " + " ".join(f"<{f}>" for f in focus) + " } "
    direct = store.query(text[:where] + values + text[where:])
    names = [v.value for v in direct.variables]
    expected = sorted(tuple(str(row[n]) for n in names) for row in direct)
    found = sorted(tuple(str(ox_of(bound.get(n))) for n in names)
                   for _, bound in solutions(store, text, focus))
    assert found == expected
    if name == "some solutions kept":
        assert 0 < len(found) < sum(1 for f in focus for _ in release_graph.objects(f, URIRef(
            PREFIXES["dprk"] + "claim")))


def ox_of(term: Any) -> Any:
    return ox.NamedNode(str(term)) if isinstance(term, URIRef) else term


@pytest.mark.parametrize("query", [
    "SELECT $this WHERE { $this <p> ?x }",
    "SELECT DISTINCT $this WHERE { FILTER NOT EXISTS { $this <p> ?x } }",
    "SELECT $this WHERE { FILTER NOT EXISTS { $this <p> ?x } } LIMIT 5",
    "SELECT $this WHERE { $this <q> ?y FILTER (?y > 1) FILTER NOT EXISTS { $this <p> ?x } }",
    "SELECT $this WHERE { FILTER NOT EXISTS { $this <p> ?x OPTIONAL { ?x <q> ?y } } }",
    "SELECT $this WHERE { FILTER NOT EXISTS { $this <p> ?x FILTER EXISTS { ?x <q> ?y } } }",
    "SELECT $this WHERE { { $this <q> ?y } FILTER NOT EXISTS { $this <p> ?x } }",
    "SELECT $this WHERE { FILTER NOT EXISTS { $this <p> ?x } FILTER NOT EXISTS { $this <q> ?x } }",
    "SELECT $this ?v WHERE { ?v <p> ?x FILTER NOT EXISTS { ?x <q> ?y } }",
    "SELECT $this ?v WHERE { $this <p> ?x . ?v <p> ?x FILTER NOT EXISTS { ?x <q> ?y } }",
])
def test_other_queries_are_run_as_they_are(query: str) -> None:
    """Not of that form, or an outer pattern not about $this alone (many solutions to check one
    by one, where pyoxigraph is faster by itself)."""
    assert not_exists(query) is None


def test_a_blank_node_in_lines_loaded_apart_stays_one_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dprk_ld.release.shacl_sparql.LOAD_CHUNK", 1)
    store = store_of_lines([b"_:cb1 <https://example.org/p> <https://example.org/a> .",
                            b"<https://example.org/b> <https://example.org/q> _:cb1 ."])
    rows = list(store.query("SELECT ?b WHERE { ?b <https://example.org/q> ?x . ?x ?p ?a }"))
    assert [str(r["b"]) for r in rows] == ["<https://example.org/b>"]
    assert {str(q.subject) for q in store} == {"_:cb1", "<https://example.org/b>"}
