"""The SPARQL 1.1 Protocol, query side, through Flask's test client over the fixture release."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib

from dprk_ld.testing import assert_error_shape

DATA = "https://w3id.org/dprk-ld/graph/data"
ONTOLOGY = "https://w3id.org/dprk-ld/graph/ontology"
FINDINGS = "SELECT ?f ?label WHERE { ?f a <https://w3id.org/dprk-ld/ontology#Finding> ; " \
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?f"
FORM = "application/x-www-form-urlencoded"


def rows(resp) -> list[dict]:
    return json.loads(resp.data)["results"]["bindings"]


def q(text: str) -> str:
    return "/sparql?query=" + quote(text)


def test_get_select_json(client) -> None:
    resp = client.get(q(FINDINGS))
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/sparql-results+json"
    found = rows(resp)
    assert [b["f"]["value"].rsplit("/", 1)[-1] for b in found] == ["f1", "f2", "f3"]
    assert found[0]["label"] == {"type": "literal", "value": "Forced labour in detention",
                                 "xml:lang": "en"}
    assert resp.headers["Vary"] == "Accept"


def test_post_form_and_direct_give_the_same_answer(client) -> None:
    by_get = client.get(q(FINDINGS)).data
    by_form = client.post("/sparql", data="query=" + quote(FINDINGS), content_type=FORM)
    by_direct = client.post("/sparql", data=FINDINGS.encode(),
                            content_type="application/sparql-query")
    assert by_form.status_code == by_direct.status_code == 200
    assert json.loads(by_form.data) == json.loads(by_direct.data) == json.loads(by_get)
    charset = client.post("/sparql", data=FINDINGS.encode(),
                          content_type="application/sparql-query; charset=UTF-8")
    assert charset.status_code == 200


@pytest.mark.parametrize(
    ("accept", "ctype", "parse"),
    [
        ("application/sparql-results+json", "application/sparql-results+json",
         ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml",
         ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8",
         ox.QueryResultsFormat.TSV),
    ],
)
def test_select_in_every_results_format(client, accept: str, ctype: str, parse) -> None:
    resp = client.get(q(FINDINGS), headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == ctype
    solutions = list(ox.parse_query_results(resp.data, parse))
    assert len(solutions) == 3
    assert solutions[2]["label"] == ox.Literal(
        'Restrictions on movement été "quoted"', language="en")


def test_select_csv(client) -> None:
    resp = client.get(q(FINDINGS), headers={"Accept": "text/csv"})
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert table[0] == ["f", "label"]
    assert table[3][1] == 'Restrictions on movement été "quoted"'
    assert len(table) == 4


@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
def test_ask_in_every_results_format(client, accept: str) -> None:
    yes = client.get(q("ASK { ?s a <https://w3id.org/dprk-ld/ontology#Finding> }"),
                     headers={"Accept": accept})
    no = client.get(q("ASK { ?s a <https://w3id.org/dprk-ld/ontology#Nothing> }"),
                    headers={"Accept": accept})
    assert yes.status_code == no.status_code == 200
    assert yes.headers["Content-Type"].split(";")[0] == accept
    assert yes.data != no.data
    assert b"true" in yes.data and b"false" in no.data


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graph_results_in_every_format(client, accept: str, rdflib_format: str, form: str) -> None:
    if form == "CONSTRUCT":
        query = "CONSTRUCT { ?f ?p ?o } WHERE { " \
            "?f a <https://w3id.org/dprk-ld/ontology#Finding> ;" \
            " ?p ?o }"
    else:
        query = "DESCRIBE <https://w3id.org/dprk-ld/id/finding/f1>"
    resp = client.get(q(query), headers={"Accept": accept})
    assert resp.status_code == 200, resp.data
    assert resp.headers["Content-Type"].split(";")[0] == accept
    if rdflib_format in ("nquads", "trig"):
        graph = rdflib.Dataset()
        graph.parse(data=resp.data, format=rdflib_format)
        triples = list(graph.quads((None, None, None, None)))
    else:
        graph = rdflib.Graph()
        graph.parse(data=resp.data, format=rdflib_format)
        triples = list(graph)
    assert len(triples) == (12 if form == "CONSTRUCT" else 4)


def test_format_parameter_overrides_accept(client) -> None:
    resp = client.get(q(FINDINGS) + "&format=csv", headers={"Accept": "application/json"})
    assert resp.headers["Content-Type"].startswith("text/csv")
    resp = client.post("/sparql", data="format=xml&query=" + quote(FINDINGS), content_type=FORM)
    assert resp.headers["Content-Type"] == "application/sparql-results+xml"


def test_unacceptable_format_is_406_listing_the_offers(client) -> None:
    err = assert_error_shape(client.get(q(FINDINGS), headers={"Accept": "image/png"}), 406,
                             "not_acceptable")
    assert err["details"]["offered"] == ["application/sparql-results+json",
                                         "application/sparql-results+xml", "text/csv",
                                         "text/tab-separated-values"]
    err = assert_error_shape(client.get(q("CONSTRUCT WHERE { ?s ?p ?o }") + "&format=csv"), 406)
    assert "text/turtle" in err["details"]["offered"]


def test_exactly_one_query(client) -> None:
    assert_error_shape(client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), 400,
                       "repeated_parameter")
    assert_error_shape(client.post("/sparql?query=ASK%7B%7D", data="query=ASK%7B%7D",
                                   content_type=FORM), 400, "repeated_parameter")
    assert_error_shape(client.post("/sparql?query=ASK%7B%7D", data=b"ASK {}",
                                   content_type="application/sparql-query"), 400,
                       "repeated_parameter")
    assert_error_shape(client.post("/sparql", data="", content_type=FORM), 400, "missing_query")
    assert_error_shape(client.get("/sparql?default-graph-uri=http://a/"), 400, "missing_query")
    assert_error_shape(client.get(q("ASK {}") + "&format=json&format=xml"), 400,
                       "repeated_parameter")
    assert_error_shape(client.get("/sparql?query="), 400, "missing_query")


def test_post_media_types(client) -> None:
    assert_error_shape(client.post("/sparql", data=b"ASK {}"), 415, "unsupported_media_type")
    err = assert_error_shape(client.post("/sparql", data=b"ASK {}", content_type="text/plain"),
                             415)
    assert FORM in err["details"]["supported"]
    assert_error_shape(client.post("/sparql", data="ASK {}".encode("utf-16"),
                                   content_type="application/sparql-query; charset=UTF-16"), 415)
    assert_error_shape(client.post("/sparql", data="query=ASK%7B%7D",
                                   content_type=FORM + "; charset=latin-1"), 415)


def test_syntax_error_has_the_parsers_message_and_position(client) -> None:
    err = assert_error_shape(client.get(q("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}")),
                             400, "query_syntax")
    line, column = err["details"]["line"], err["details"]["column"]
    assert line >= 3 and column >= 1  # the error is past the first two lines
    assert f"error at {line}:{column}:" in err["message"]


def test_dataset_default_is_the_union_of_graphs(client) -> None:
    # the class label lives in the ontology graph, findings in the data graph
    query = "SELECT ?label WHERE { ?f a ?c . ?c <http://www.w3.org/2000/01/rdf-schema#label> " \
        "?label } LIMIT 1"
    assert rows(client.get(q(query)))[0]["label"]["value"] == "Finding"


def test_dataset_chosen_by_protocol_and_from(client) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    n_all = int(rows(client.get(q(count)))[0]["n"]["value"])
    n_data = int(rows(client.get(q(count) + "&default-graph-uri=" + quote(DATA)))[0]["n"]["value"])
    n_both = int(rows(client.get(q(count) + "&default-graph-uri=" + quote(DATA)
                                 + "&default-graph-uri=" + quote(ONTOLOGY)))[0]["n"]["value"])
    n_from = int(rows(client.get(q(f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}> "
                                   "WHERE { ?s ?p ?o }")))[0]["n"]["value"])
    assert (n_all, n_data, n_both, n_from) == (22, 15, 18, 3)
    # a graph not in the store is empty, never fetched
    assert rows(client.get(q(count) + "&default-graph-uri=" + quote("http://example.org/x")))[
        0]["n"]["value"] == "0"
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    got = rows(client.get(q(named) + "&named-graph-uri=" + quote(ONTOLOGY)))
    assert [b["g"]["value"] for b in got] == [ONTOLOGY]
    assert_error_shape(client.get(q(count) + "&default-graph-uri=not%20an%20iri"), 400,
                       "invalid_parameter")


def test_relative_iris_resolve_against_the_public_base(client) -> None:
    got = rows(client.get(q("SELECT ?label WHERE { <id/finding/f2> "
                            "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")))
    assert got[0]["label"]["value"] == "Public executions reported"


def test_service_description_by_negotiation(client) -> None:
    resp = client.get("/sparql")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=resp.data, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef("https://w3id.org/dprk-ld/sparql")
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Update) not in graph
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert names == {DATA, ONTOLOGY, "https://w3id.org/dprk-ld/graph/shapes",
                     "https://w3id.org/dprk-ld/graph/void"}
    for accept, fmt in [("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
                        ("application/n-triples", "nt")]:
        resp = client.get("/sparql", headers={"Accept": accept})
        assert resp.headers["Content-Type"].split(";")[0] == accept
        assert len(rdflib.Graph().parse(data=resp.data, format=fmt)) == len(graph)


def test_browsers_get_the_query_page(client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = client.get("/sparql", headers={"Accept": browser})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    page = resp.get_data(as_text=True)
    assert "<form" in page and 'name="query"' in page
    assert "https://" not in page.split("<body>")[0].replace("https://w3id.org", "")  # no CDN
    for asset in ("query.js", "query.css"):
        static = client.get(f"/static/{asset}")
        assert static.status_code == 200 and static.data
        static.close()


def test_cors_is_open_for_reads(client) -> None:
    resp = client.get(q("ASK {}"), headers={"Origin": "https://elsewhere.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    pre = client.options("/sparql", headers={
        "Origin": "https://elsewhere.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200 and pre.data == b""  # Flask's OPTIONS, with our CORS headers
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"].lower()
    assert pre.headers["Access-Control-Max-Age"] == "86400"
    assert "X-SPARQL-Truncated" in resp.headers["Access-Control-Expose-Headers"]
    assert pre.headers["Access-Control-Allow-Origin"] == "*"


def test_a_repeated_get_is_replayed_as_it_was_first_sent(client) -> None:
    """The replay of a cached answer (before Flask builds a request) sends what the view sent:
    status, headers, body; 304 on a matching If-None-Match; no body for HEAD."""
    url = q(FINDINGS) + "&x=replay"
    first = client.get(url, headers={"Accept": "text/csv"})
    again = client.get(url, headers={"Accept": "text/csv"})
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert sorted(again.headers.items()) == sorted(first.headers.items())
    head = client.head(url, headers={"Accept": "text/csv"})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(first.data))
    etag = first.headers["ETag"]
    cond = client.get(url, headers={"Accept": "text/csv", "If-None-Match": f'"x", {etag}'})
    assert cond.status_code == 304 and cond.data == b"" and cond.headers["ETag"] == etag
    other = client.get(url, headers={"Accept": "application/sparql-results+json"})
    assert other.headers["Content-Type"].startswith("application/sparql-results+json")


def test_head_and_other_methods(client) -> None:
    head = client.head(q("ASK {}"))
    assert head.status_code == 200 and head.data == b""
    for method in ("PUT", "DELETE", "PATCH"):
        assert_error_shape(client.open(q("ASK {}"), method=method), 405, "method_not_allowed")


def test_format_may_repeat_when_the_values_agree(client) -> None:
    # SPARQLWrapper sends format=tsv&format=text/tab-separated-values
    resp = client.get(q(FINDINGS) + "&format=tsv&format=text%2Ftab-separated-values")
    assert resp.headers["Content-Type"].startswith("text/tab-separated-values")
    resp = client.get(q("CONSTRUCT WHERE { ?s ?p ?o }") + "&format=json-ld&format="
                      + quote("application/ld+json,application/x-json+ld"))
    assert resp.headers["Content-Type"] == "application/ld+json"
    assert_error_shape(client.get(q(FINDINGS) + "&format=tsv&format=csv"), 400,
                       "repeated_parameter")


def test_unknown_parameters_are_ignored(client) -> None:
    # SPARQLWrapper sends output= and results= besides format=
    resp = client.get(q("ASK {}") + "&output=json&results=json&timeout=5")
    assert resp.status_code == 200
