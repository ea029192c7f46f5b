"""The pre-checks on the parse: query form, top-level LIMIT and dataset clause, depth, lookup shape."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from dprk_ld.endpoint import lookup, precheck
from dprk_ld.endpoint.errors import QueryError
from dprk_ld.endpoint.limits import Limits
from dprk_ld.testing import CountingPool


def analysis(text: str) -> precheck.Analysis:
    return precheck.analyse(text)


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * {}", "SELECT"),
    ("prefix ex: <http://x/> base <http://y/> ask {}", "ASK"),
    ("# comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x>", "DESCRIBE"),
    ("PREFIX ex: <http://x/> INSERT DATA { ex:a ex:b ex:c }", "INSERT"),
    ("load <http://x>", "LOAD"),
])
def test_query_form(text: str, form: str) -> None:
    assert analysis(text).form == form


def test_top_limit_and_dataset_clause() -> None:
    found = analysis("SELECT * FROM <g> WHERE { { SELECT * { ?s ?p ?o } LIMIT 5 } } LIMIT 20")
    assert found.top_limit == 20 and found.dataset_clause
    found = analysis("SELECT * WHERE { { SELECT * { ?s ?p ?o } LIMIT 5 } }")
    assert found.top_limit is None and not found.dataset_clause


def test_depth_ignores_strings_iris_comments() -> None:
    assert analysis("SELECT * { { { } } }").max_depth == 3
    assert analysis('SELECT * { BIND("{{{{" AS ?x) } # {{{{').max_depth == 2
    assert analysis("SELECT * { FILTER(?a<?b) }").max_depth == 2


@pytest.mark.parametrize(("text", "simple"), [
    ("SELECT ?p ?o WHERE { <http://x> ?p ?o } LIMIT 10", True),
    ("PREFIX ex: <http://x/> SELECT * { ex:a a ?t . }", True),
    ('SELECT ?s { ?s ?p "x"@en-GB }', True),
    ('SELECT ?s { ?s ?p "x"^^<http://dt> } OFFSET 5 LIMIT 3', True),
    ("ASK { ?s ?p ?o }", True),
    ("SELECT DISTINCT ?p { ?s ?p ?o }", False),
    ("SELECT * { ?s ?p ?o . ?o ?q ?r }", False),
    ("SELECT * { ?s <p>* ?o }", False),
    ("SELECT * { ?s ?p ?o FILTER(?o) }", False),
    ("SELECT * FROM <http://g> { ?s ?p ?o }", False),
    ("SELECT * { ?s ?p ?o } ORDER BY ?s", False),
    ("SELECT * { ?s ?p ?o } OFFSET 100000", False),
    ("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", False),
    ("SELECT * { ?s ?p ?o ; ?q ?r }", False),
    ("SELECT * { GRAPH ?g { ?s ?p ?o } }", False),
    ("SELECT * { ?s ?p ?o } VALUES ?s { <http://a> }", False),
    ("CONSTRUCT WHERE { ?s ?p ?o }", False),
    ("SELECT * { ?s ^<http://p> ?o }", False),
])
def test_single_pattern_shape(text: str, simple: bool) -> None:
    assert (lookup.read(analysis(text).tokens, 10_000) is not None) is simple


def test_lookups_skip_the_worker_and_the_rest_use_it(app_factory) -> None:
    app = app_factory()
    client = app.test_client()
    counter = CountingPool(app)
    resp = client.get("/sparql?query=" + quote(
        "SELECT ?p ?o WHERE { <https://w3id.org/dprk-ld/id/finding/f1> ?p ?o }"))
    assert len(json.loads(resp.data)["results"]["bindings"]) == 4
    assert counter.calls == 0
    resp = client.get("/sparql?query=" + quote(
        "SELECT DISTINCT ?p WHERE { <https://w3id.org/dprk-ld/id/finding/f1> ?p ?o }"))
    assert len(json.loads(resp.data)["results"]["bindings"]) == 4
    assert counter.calls == 1


def test_lookups_can_be_sent_to_the_workers_too(app_factory) -> None:
    app = app_factory(INLINE_LOOKUPS="false")
    counter = CountingPool(app)
    app.test_client().get("/sparql?query=" + quote("ASK { ?s ?p ?o }"))
    assert counter.calls == 1


FAST = [
    "SELECT ?p ?o WHERE { <https://w3id.org/dprk-ld/id/x> ?p ?o } LIMIT 50 # 12",
    "select * { ?s a ?o }",
    "  SELECT ?s ?p ?o\n{\t?s ?p <http://x/é> . }\nlimit 7\n",
    "SELECT $s WHERE{<http://a> <http://b> $s}",
]
ALSO_BOUNDED = [
    'SELECT ?p ?o WHERE { <http://x> ?p "a" }',
    "SELECT * { ?s ?p ?o } LIMIT 5 OFFSET 5",
    "PREFIX ex: <http://x/> SELECT * { ex:a ?p ?o }",
    "ASK { ?s ?p ?o }",
]


@pytest.mark.parametrize("text", FAST + ALSO_BOUNDED)
def test_lookups_are_bounded(text: str) -> None:
    assert precheck.check_query(text, Limits()).bounded(10_000)


NOT_BOUNDED = [
    "SELECT ?p ?o WHERE { <http://x\\u0020> ?p ?o }",
    "SELECT ?p ?o WHERE { <http://x> ?p ?o . ?o ?q ?r }",
    "SELECT DISTINCT ?p { ?s ?p ?o }",
    "SELECT * { ?s A ?o }",
    "SELECT * { ?s <p>* ?o }",
    "SELECT * FROM <http://g> { ?s ?p ?o }",
    "SELECT * { ?s ?p ?o FILTER(true) }",
    "SELECT * { ?s ?p ?o } OFFSET 50000",
    "SELECT ?p ?o WHERE { <http://x> ?p ?o } LIMIT 50 # 1\nSERVICE <http://evil> {}",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
]


@pytest.mark.parametrize("text", NOT_BOUNDED)
def test_other_queries_are_not_bounded(text: str) -> None:
    try:
        found = precheck.check_query(text, Limits())
    except QueryError:
        return  # refused outright (SERVICE, update)
    assert not found.bounded(10_000)
