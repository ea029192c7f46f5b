"""A client's query made ready for an external store, without a store: its syntax judged by the
embedded engine's parser (same verdict, same message), its own dataset sent as protocol graphs,
a ``GRAPH <iri>`` outside its named graphs sent as the empty placeholder graph, with the same
answers over a store that behaves."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dprk_ld.endpoint import evaluate, precheck
from dprk_ld.endpoint.limits import Limits
from dprk_ld.endpoint.remote_query import (
    SyntaxJudge,
    dataset_of,
    outside_graphs_emptied,
    syntax_error,
    tokens_of,
)
from dprk_ld.formats import JSON_RESULTS, TURTLE
from dprk_ld.testing import CARTESIAN

G = "https://w3id.org/dprk-ld/graph/"
RELEASE = (G + "data", G + "void")


def _job(query: str, prefixes: dict[str, str] | None = None, named: list[str] | None = None
         ) -> evaluate.Job:
    analysis = precheck.check_query(query, Limits(), prefixes)
    return evaluate.job_for(query, analysis, JSON_RESULTS if analysis.kind == "results" else TURTLE,
                            [], named or [], "https://w3id.org/dprk-ld/", Limits(), None, prefixes)


def test_a_querys_own_dataset_becomes_protocol_graphs() -> None:
    job = _job("PREFIX gr: <https://w3id.org/dprk-ld/graph/>\n"
               "SELECT * FROM gr:data FROM NAMED <graph/shapes> FROM <http://elsewhere/g> "
               "WHERE { ?s ?p \"FROM <http://not/this>\" }")
    job = dataset_of(job, tokens_of(job))
    assert job.default_graphs == (G + "data", "http://elsewhere/g")
    assert job.named_graphs == (G + "shapes",)
    assert not job.union
    declared = _job("SELECT * FROM NAMED x:a { ?s ?p ?o }", {"x": "http://x/"})
    declared = dataset_of(declared, tokens_of(declared))
    assert (declared.default_graphs, declared.named_graphs) == ((), ("http://x/a",))
    union = _job("SELECT * { ?s ?p ?o }")
    assert dataset_of(union, tokens_of(union)) is union and union.union


PREFIXES = {"dprk": "https://w3id.org/dprk-ld/ontology#"}


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "a"@en-a }',  # Virtuoso 7 answers these two
    "DESCRIBE ?s ?s WHERE { ?s ?p ?o }",
    'ASK { ?s dprk:p "a"@en-a }',
    'ASK { ?s ?p ?o FILTER(?o = "a"@en-a) }',
])
def test_a_query_the_embedded_engine_refuses_is_refused_with_its_message(query: str) -> None:
    job = _job(query, PREFIXES)  # the pre-check passes it: the engine's parser refuses it
    embedded = evaluate.execute(ox.Store(), job)
    assert embedded.error == "syntax"
    assert syntax_error(job) == embedded.message


@pytest.mark.parametrize("query", [
    "ASK { ?s ?p ?o }", "ASK WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT * { ?s dprk:p ?o }", "DESCRIBE <x>", "CONSTRUCT WHERE { ?s ?p ?o }",
    "ask {} VALUES ?x { 1 }",
])
def test_a_query_the_embedded_engine_parses_passes(query: str) -> None:
    job = _job(query, PREFIXES)
    assert evaluate.execute(ox.Store(), job).error is None
    assert syntax_error(job) is None


def test_a_graph_outside_the_named_graphs_is_sent_as_a_group_with_no_solution() -> None:
    query = ("PREFIX gr: <https://w3id.org/dprk-ld/graph/> SELECT * WHERE { "
             "GRAPH <http://elsewhere/g> { ?s ?p ?o } GRAPH gr:data { ?s ?p ?o } "
             "GRAPH ?g { ?s ?p ?o } GRAPH gr:void { ?s ?p \"GRAPH <http://x> {\" } }")
    union = _job(query)
    sent = outside_graphs_emptied(union, tokens_of(union), RELEASE)
    assert sent.query == query.replace("GRAPH <http://elsewhere/g> { ?s ?p ?o }",
                                       " { ?s ?p ?o  FILTER(false) }")
    assert (sent.union, sent.default_graphs, sent.named_graphs) == (True, None, None)
    named = _job(query, named=[G + "data"])
    sent = outside_graphs_emptied(named, tokens_of(named), RELEASE)
    assert sent.query.endswith(' { ?s ?p "GRAPH <http://x> {"  FILTER(false) } }')
    assert sent.named_graphs == (G + "data",)
    inside = _job("SELECT * { GRAPH <graph/data> { ?s ?p ?o } }")
    assert outside_graphs_emptied(inside, tokens_of(inside), RELEASE) is inside


@pytest.mark.parametrize("query", [
    "ASK { GRAPH <http://elsewhere/g> { <http://a> <http://b> \"c\" } }",
    "ASK { GRAPH <http://elsewhere/g> { } }",
    "SELECT * { GRAPH <http://elsewhere/g> { { ?s ?p ?o } UNION { ?s ?q ?v } } }",
    "SELECT * { ?s ?p ?o MINUS { GRAPH <http://elsewhere/g> { ?s ?p ?o } } }",
    "SELECT * { { GRAPH <http://elsewhere/g> { ?s ?p ?o } } UNION { GRAPH ?g { ?s ?p ?o } } }",
    "SELECT ?s (COUNT(*) AS ?n) { ?s ?p ?o OPTIONAL { GRAPH <graph/void> { ?s ?q ?v } } } "
    "GROUP BY ?s ORDER BY ?s",
])
def test_the_rewritten_query_gives_the_same_answer(query: str) -> None:
    store = ox.Store()
    for graph in (*RELEASE, "http://elsewhere/g"):
        store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("c"),
                          ox.NamedNode(graph)))
    for named in (None, [G + "data"]):
        job = _job(query, named=named)
        if named is None:  # as the store is asked: the release's graphs, never the others
            job = evaluate.Job(**{**job.__dict__, "union": False, "default_graphs": RELEASE,
                                  "named_graphs": RELEASE})
        sent = outside_graphs_emptied(job, tokens_of(job), RELEASE)
        assert sent.query != job.query or "elsewhere" not in query
        assert evaluate.execute(store, sent).body == evaluate.execute(store, job).body


def test_the_judge_stops_a_query_the_engine_would_evaluate_and_judges_it_parsed() -> None:
    """An aggregate over a cross product of VALUES is evaluated at once by pyoxigraph (for hours):
    the judge's worker is killed at its deadline and the query judged to parse; its verdicts
    on other queries are the engine's."""
    judge = SyntaxJudge(1)
    try:
        heavy = _job(CARTESIAN)
        assert judge.refusal(heavy) is None
        assert judge.pool.killed == 1
        bad = _job('SELECT * WHERE { ?s ?p "a"@en-a }')
        assert judge.refusal(bad) == evaluate.execute(ox.Store(), bad).message
        assert judge.refusal(_job("ASK { ?s ?p ?o }")) is None
        assert judge.pool.killed == 1
    finally:
        judge.close()
