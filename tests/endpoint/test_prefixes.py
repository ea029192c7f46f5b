"""The prefixes every query may use undeclared, the syntax errors that point to a fix, and the
vocabulary the query page completes: over the protocol (the fixture release), in the service
description, and as plain functions."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib

from dprk_ld.endpoint import evaluate, precheck, prefixes
from dprk_ld.endpoint.errors import QueryError
from dprk_ld.endpoint.limits import Limits
from dprk_ld.endpoint.vocabulary import prefixed, vocabulary
from dprk_ld.release.namespaces import PREFIXES
from dprk_ld.release.store import open_release
from dprk_ld.testing import assert_error_shape

DPRK = PREFIXES["dprk"]
#: the three findings of the fixture release, by the dataset's prefix and by a full IRI
UNDECLARED = "SELECT ?f WHERE { ?f a dprk:Finding } ORDER BY ?f"
FULL = f"SELECT ?f WHERE {{ ?f a <{DPRK}Finding> }} ORDER BY ?f"
SH = "http://www.w3.org/ns/shacl#"


def q(text: str) -> str:
    return "/sparql?query=" + quote(text)


def found(resp) -> list[str]:
    assert resp.status_code == 200, resp.data[:300]
    return [b["f"]["value"] for b in json.loads(resp.data)["results"]["bindings"]]


def syntax_error(client, text: str) -> dict:
    return assert_error_shape(client.get(q(text)), 400, "query_syntax")


# --- pre-declared prefixes over the protocol --------------------------------------------------------

def test_a_query_without_prefix_lines_uses_the_datasets_prefixes(client) -> None:
    expected = found(client.get(q(FULL)))
    assert len(expected) == 3
    assert found(client.get(q(UNDECLARED))) == expected
    # POSTed, as a form and as a body, and with a prefix of the table other than dprk:
    assert found(client.post("/sparql", data={"query": UNDECLARED})) == expected
    assert found(client.post("/sparql", data=UNDECLARED.encode(),
                             content_type="application/sparql-query")) == expected
    labels = client.get(q("SELECT ?l WHERE { dprk:Finding rdfs:label ?l }"))
    assert json.loads(labels.data)["results"]["bindings"][0]["l"]["value"] == "Finding"


def test_the_querys_own_declarations_win(client) -> None:
    elsewhere = "PREFIX dprk: <http://example.org/nothing#>\n" + UNDECLARED
    assert found(client.get(q(elsewhere))) == []
    same = f"PREFIX dprk: <{DPRK}>\n" + UNDECLARED
    assert len(found(client.get(q(same)))) == 3
    # a BASE of the query's own, with the prefixes still declared
    based = "BASE <https://w3id.org/dprk-ld/>\nSELECT ?f WHERE { ?f a <ontology#Finding>, dprk:Finding }"
    assert len(found(client.get(q(based)))) == 3


def test_errors_are_placed_in_the_clients_own_text(client) -> None:
    err = syntax_error(client, "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}")
    assert err["details"]["line"] == 3 and err["details"]["column"] == 15
    assert err["message"].startswith("error at 3:15: ") and err["details"]["token"] == ")"
    assert "found ')'" in err["message"]


def test_the_precheck_and_the_engine_agree_with_the_prefixes_declared() -> None:
    texts = [UNDECLARED, FULL, "ASK { ?s skos:prefLabel ?o ; dcterms:title ?t }",
             "SELECT * WHERE { ?s foo:p ?o }", "PREFIX foo: <http://x/> SELECT * { ?s foo:p ?o }",
             "PREFIX dprk: <http://x/> ASK { ?s dprk:p ?o }", "SELECT * WHERE { ?s : ?o }",
             "CONSTRUCT { ?s a prov:Entity } WHERE { ?s a dprk:Finding }"]
    for text in texts:
        try:
            precheck.check_query(text, Limits(), prefixes.DECLARED)
            ours = "query"
        except QueryError as exc:
            assert exc.code == "query_syntax"
            ours = "syntax"
        try:
            ox.Store().query(text, prefixes=prefixes.DECLARED)
            theirs = "query"
        except SyntaxError:
            theirs = "syntax"
        assert ours == theirs, text
    # without the prefixes (as every other caller of the pre-check), nothing is declared
    with pytest.raises(QueryError, match="the prefix of dprk:Finding is not declared"):
        precheck.check_query(UNDECLARED, Limits())


# --- errors that point to the fix --------------------------------------------------------------

def test_an_undeclared_prefix_names_the_declaration_to_add(client) -> None:
    err = syntax_error(client, "SELECT * WHERE {\n  ?s a sh:NodeShape ;\n     foo:bar ?o }")
    assert err["message"] == "error at 2:8: unknown prefix `sh:` -- add PREFIX sh: <" + SH + ">"
    assert err["details"] == {"line": 2, "column": 8, "token": "sh:NodeShape", "prefix": "sh",
                              "namespace": SH}
    err = syntax_error(client, "SELECT * WHERE { ?s foo:bar ?o }")
    assert err["message"] == "error at 1:21: unknown prefix `foo:` -- add PREFIX foo: <...>"
    assert "namespace" not in err["details"] and err["details"]["prefix"] == "foo"
    err = syntax_error(client, "SELECT * WHERE { ?s dprkk:summary ?o }")
    assert err["message"].endswith("add PREFIX dprkk: <...> (or did you mean `dprk:`?)")


def test_a_well_known_prefix_is_named_from_the_table_or_the_common_list() -> None:
    assert prefixes.namespace_of("dprk") == DPRK  # the dataset's table
    assert prefixes.namespace_of("dc") == "http://purl.org/dc/elements/1.1/"
    assert prefixes.namespace_of("nothing-like-it") is None
    err = prefixes.explain(QueryError("query_syntax", "error at 1:21: the prefix of dprk:x is "
                                      "not declared", {"line": 1, "column": 21}),
                           "SELECT * WHERE { ?s dprk:x ?o }", {})
    assert err.message == f"error at 1:21: unknown prefix `dprk:` -- add PREFIX dprk: <{DPRK}>"


def test_other_syntax_errors_are_one_line_with_the_place_and_the_text_there(client) -> None:
    err = syntax_error(client, "SELECT * WHERE { ?s ?p ?o }\nLIMT 3")
    assert err["message"] == "error at 2:1: `LIMT` is not SPARQL -- did you mean LIMIT?"
    assert err["details"]["token"] == "LIMT"
    err = syntax_error(client, "SELECT * WHERE { ?s ?p ?o ")
    assert err["message"].startswith("error at 1:27: expected") and "\n" not in err["message"]
    err = syntax_error(client, "SELECT * WHERE { ?s ?p ?o } ORDER BY ~?s")
    assert err["message"].startswith("error at 1:38: `~` is not SPARQL here")


#: a query SPARQL 1.1 allows and the engine refuses, so that its own message comes back (joined,
#: so that the grammar test, which reads the queries written in this module, leaves it alone)
ENGINE_REFUSES = " ".join(("DESCRIBE", "?s ?s WHERE { ?s ?p ?o }"))


def test_the_engines_refusal_is_one_line_with_its_reason_never_its_ranges(client) -> None:
    with pytest.raises(SyntaxError) as raw:
        ox.Store().query(ENGINE_REFUSES)
    err = syntax_error(client, ENGINE_REFUSES)
    assert err["message"].startswith("error at 1:") and "\n" not in err["message"]
    assert "the query engine cannot read the query" in err["message"]
    assert "..=" not in err["message"] and "\\u{" not in err["message"]
    assert err["details"]["detail"].startswith(str(raw.value)[:12])
    # a message of the engine with its lists of characters: a reason kept, the lists not
    message = ("error at 2:1: expected one of \"$\", \"(\", The SELECT contains a variable that "
               "is unbound, ['A' ..= 'Z' | '\\u{00C0}'..='\\u{00D6}'\n| '\\u{00D8}'..='\\u{00F6}'"
               "], [_]" + ", x" * 200)
    made = evaluate.syntax_error(message, "SELECT ?k\nWHERE { ?s ?p ?o }")
    assert made.message == ("error at 2:1: the query engine cannot read the query: The SELECT "
                            "contains a variable that is unbound (at `WHERE`)")
    assert made.details["line"] == 2 and made.details["column"] == 1
    detail = made.details["detail"]
    assert "..=" not in detail and "\n" not in detail and len(detail) <= evaluate.MAX_DETAIL


# --- the service description --------------------------------------------------------------------

def test_the_service_description_lists_the_declared_prefixes(client) -> None:
    resp = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=resp.data, format="turtle")
    rows = graph.query(f"""SELECT ?prefix ?namespace WHERE {{
        ?service a <http://www.w3.org/ns/sparql-service-description#Service> ;
                 <{SH}declare> ?d .
        ?d a <{SH}PrefixDeclaration> ; <{SH}prefix> ?prefix ; <{SH}namespace> ?namespace }}""")
    listed = {str(r[0]): str(r[1]) for r in rows}
    assert listed == PREFIXES
    types = {r[0].datatype for r in graph.query(f"SELECT ?n WHERE {{ ?d <{SH}namespace> ?n }}")}
    assert types == {rdflib.XSD.anyURI}


# --- the vocabulary the query page completes -----------------------------------------------------

def counts(store: ox.Store, query: str) -> dict[str, int]:
    return {row[0].value: int(row[1].value) for row in
            store.query(query, use_default_graph_as_union=False)}


def test_the_vocabulary_lists_what_the_release_uses(fixture_dist: Path) -> None:
    store = open_release(fixture_dist)
    made = vocabulary(store, PREFIXES)
    assert made["prefixes"] == PREFIXES
    by_engine = counts(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                              "GROUP BY ?p")
    assert {t["iri"]: t["count"] for t in made["properties"]} == by_engine
    assert [t["count"] for t in made["properties"]] == sorted(by_engine.values(), reverse=True)
    classes = counts(store, "SELECT ?c (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c")
    assert {t["iri"]: t["count"] for t in made["classes"]} == classes
    finding = next(t for t in made["classes"] if t["iri"] == DPRK + "Finding")
    assert finding == {"iri": DPRK + "Finding", "name": "dprk:Finding", "count": 3,
                       "label": "Finding", "comment": None}
    assert made["concepts"] == []  # the fixture has no SKOS concept


def test_prefixed_names_for_completion_are_names_a_query_can_hold() -> None:
    table = {"vocab": "https://w3id.org/dprk-ld/vocab/", "id": "https://w3id.org/dprk-ld/id/",
             "base": "https://w3id.org/dprk-ld/"}
    assert prefixed("https://w3id.org/dprk-ld/vocab/rights/life", table) == "vocab:rights\\/life"
    assert prefixed("https://w3id.org/dprk-ld/id/x", table) == "id:x"  # the longest namespace
    assert prefixed("https://w3id.org/dprk-ld/vocab/a.", table) is None  # no trailing dot
    assert prefixed("http://example.org/x", table) is None
    # each is read back by the pre-check and the engine as the same IRI
    for iri in ("https://w3id.org/dprk-ld/vocab/rights/life", "https://w3id.org/dprk-ld/id/x"):
        text = f"SELECT ?x WHERE {{ BIND({prefixed(iri, table)} AS ?x) }}"
        precheck.check_query(text, Limits(), table)
        assert [r["x"].value for r in ox.Store().query(text, prefixes=table)] == [iri]


def test_the_vocabulary_is_served_once_per_release(client) -> None:
    resp = client.get("/sparql/vocabulary.json")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/json"
    data = json.loads(resp.data)
    assert set(data) == {"prefixes", "properties", "classes", "concepts"}
    assert "dprk:Finding" in [t["name"] for t in data["classes"]]
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/sparql/vocabulary.json", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304
