"""Dereferencing: every IRI the release mints answers (303 to its document, or a hash document),
unknown IRIs are 404 in the one error shape, and no path reaches anything we do not publish."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from dprk_ld.release.namespaces import DPRK, OA
from dprk_ld.site.describe import describe, exists, iri_for_path, split_variant
from dprk_ld.testing import BASE, assert_error_shape, path_of, subjects_of_type

FINDING = BASE + "id/finding/mini/hoeryong-trial"

#: one IRI of every kind the release mints
MINTED = [
    FINDING,
    BASE + "id/evidence/mini/hoeryong-trial/1",
    BASE + "id/source/mini",
    BASE + "id/source/mini/text",
    BASE + "id/source/mini/section/forced-labor",
    BASE + "id/place/hoeryong",
    BASE + "id/org/dprk-courts",
    BASE + "id/person/kim-jong-un",
    BASE + "id/instrument/iccpr",
    BASE + "id/topic/information-control",
    BASE + "vocab/violation-types/forced-labor",
    BASE + "vocab/violation-types",
    BASE + "dataset",
    BASE + "graph/data",
]


def test_iri_for_path_maps_the_path_onto_the_base() -> None:
    assert iri_for_path(BASE, "id/place/hoeryong") == BASE + "id/place/hoeryong"
    assert iri_for_path("http://localhost:5000/", "id/x") == "http://localhost:5000/id/x"


@pytest.mark.parametrize("path", [
    "", "../etc/passwd", "id/../../etc/passwd", "id//place", "id/place/", "id/<x>", "id/place/a b",
    "id/place/%2e%2e", "id/é", "id/place/x\x00", "/id/place/x", "x" * 600, "id/./place",
])
def test_iri_for_path_refuses_what_cannot_be_minted(path: str) -> None:
    assert iri_for_path(BASE, path) is None


def test_split_variant() -> None:
    assert split_variant("id/place/x.ttl")[0] == "id/place/x"
    assert split_variant("id/place/x.jsonld")[1] is not None
    assert split_variant("ontology/0.1.0") == ("ontology/0.1.0", None)
    assert split_variant("id/place/x") == ("id/place/x", None)


def test_exists_binds_the_iri(mini_store: ox.Store) -> None:
    assert exists(mini_store, FINDING)
    assert exists(mini_store, BASE + "graph/ontology")  # a named graph of the release
    assert not exists(mini_store, BASE + "id/place/nowhere")
    # an IRI that would break a query pasted together from text is just not found
    assert not exists(mini_store, BASE + "id/x> ?p ?o } UNION { ?s ?p <x")
    assert not exists(mini_store, "not an iri")


def test_describe_a_finding_holds_its_parts_and_neighbours(mini_store: ox.Store) -> None:
    g = describe(mini_store, FINDING, BASE)
    f = URIRef(FINDING)
    assert (f, RDF.type, DPRK.Finding) in g
    evidence = set(g.objects(f, DPRK.evidence))
    assert len(evidence) == 2
    for ev in evidence:
        target = g.value(ev, OA.hasTarget)
        selectors = set(g.objects(target, OA.hasSelector))
        assert {g.value(s, RDF.type) for s in selectors} == {OA.TextQuoteSelector, OA.TextPositionSelector}
        assert any(g.value(s, OA.exact) for s in selectors)
    sentences = set(g.objects(f, DPRK.sentence))
    assert len(sentences) == 3
    assert all(g.value(s, DPRK["term"]) is not None for s in sentences)
    place = URIRef(BASE + "id/place/hoeryong")
    assert g.value(place, RDFS.label) is not None  # what it links to is labelled
    assert g.value(URIRef(BASE + "vocab/certainty/reportedly"), SKOS.prefLabel) is not None


def test_describe_a_place_lists_what_refers_to_it(mini_store: ox.Store) -> None:
    g = describe(mini_store, BASE + "id/place/north-hamgyong", BASE)
    place = URIRef(BASE + "id/place/north-hamgyong")
    assert (URIRef(BASE + "id/place/hoeryong"), DPRK.locatedIn, place) in g
    assert (place, DPRK.locatedIn, URIRef(BASE + "id/place/north-korea")) in g


@pytest.mark.parametrize("iri", MINTED)
def test_every_kind_of_iri_redirects_to_its_document(client: FlaskClient, iri: str) -> None:
    resp = client.get(path_of(iri), headers={"Accept": "text/turtle"})
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/doc" + path_of(iri)
    doc = client.get(resp.headers["Location"], headers={"Accept": "text/turtle"})
    assert doc.status_code == 200
    g = Graph().parse(data=doc.data, format="turtle")
    assert (URIRef(iri), None, None) in g or (None, None, URIRef(iri)) in g


def test_every_finding_and_entity_of_the_release_resolves(client: FlaskClient, mini_store: ox.Store) -> None:
    classes = [str(DPRK.Finding), str(DPRK.Place), "http://www.w3.org/ns/org#Organization",
               "http://xmlns.com/foaf/0.1/Person", str(DPRK.LegalInstrument), str(DPRK.Topic),
               str(DPRK.SourceDocument), str(OA.Annotation), str(SKOS.Concept)]
    iris = [iri for cls in classes for iri in subjects_of_type(mini_store, cls)]
    assert len(iris) > 50
    for iri in iris:
        resp = client.get(path_of(iri))
        assert resp.status_code == 303, iri
        assert client.get(resp.headers["Location"]).status_code == 200, iri


@pytest.mark.parametrize("name", ["ontology", "shapes"])
def test_hash_namespaces_are_documents(client: FlaskClient, name: str) -> None:
    resp = client.get("/" + name, headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert resp.headers["Vary"] == "Accept"
    g = Graph().parse(data=resp.data, format="turtle")
    prefix = BASE + name + "#"
    assert any(str(s).startswith(prefix) for s in g.subjects())
    assert client.get(f"/doc/{name}").status_code == 301


def test_every_ontology_term_is_in_its_document(client: FlaskClient, mini_store: ox.Store) -> None:
    g = Graph().parse(data=client.get("/ontology.ttl").data, format="turtle")
    graph = ox.NamedNode(BASE + "graph/ontology")
    terms = {q.subject.value for q in mini_store.quads_for_pattern(None, None, None, graph)
             if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(str(DPRK))}
    assert len(terms) > 50
    assert terms <= {str(s) for s in g.subjects()}


@pytest.mark.parametrize("path", [
    "/id/place/nowhere", "/id/finding/mini/nothing", "/vocab/violation-types/nothing",
    "/doc/id/place/nowhere", "/doc/id/place/nowhere.ttl", "/ontology/nothing-here", "/nothing",
])
def test_unknown_iris_are_404_in_the_error_shape(client: FlaskClient, path: str) -> None:
    assert_error_shape(client.get(path, headers={"Accept": "application/json"}), 404, "not_found")


@pytest.mark.parametrize("path", [
    "/../pyproject.toml", "/doc/../../pyproject.toml", "/id/%2e%2e/%2e%2e/pyproject.toml",
    "/doc/%2e%2e%2fpyproject.toml", "/dumps/../release.json", "/dumps/%2e%2e/pyproject.toml",
    "/dumps/sources/../../pyproject.toml", "/dumps//etc/passwd", "/dumps/%2fetc%2fpasswd",
    "/static/../app.py", "/static/%2e%2e/app.py", "/doc/id/place/hoeryong%00.ttl",
    "/id/place/hoeryong/../../../etc/passwd", "/dumps/sources", "/dumps/", "/doc/",
    "/templates/base.html", "/dumps/dprk-ld.nq/../release.json",
])
def test_no_path_reaches_unpublished_files(client: FlaskClient, path: str) -> None:
    resp = client.get(path)
    assert resp.status_code in (301, 303, 308, 400, 404), (path, resp.status_code)
    if resp.status_code in (301, 303, 308):
        follow = client.get(resp.headers["Location"])
        assert follow.status_code in (400, 404), (path, resp.headers["Location"])
    body = resp.data
    assert b"[project]" not in body and b"root:" not in body and b"def create_app" not in body


def test_only_get_and_head(client: FlaskClient) -> None:
    assert client.head(path_of(FINDING)).status_code == 303
    assert client.head("/doc" + path_of(FINDING)).status_code == 200
    assert_error_shape(client.post(path_of(FINDING)), 405, "method_not_allowed")
    assert_error_shape(client.delete("/doc" + path_of(FINDING)), 405, "method_not_allowed")


def test_a_configured_base_maps_the_servers_own_address(
        mini_release: Path, ld_app_factory: Callable[..., Flask]) -> None:
    client = ld_app_factory(mini_release, BASE_IRI="https://example.org/other/").test_client()
    # the release's IRIs are not under this base: nothing of them is found
    assert client.get("/id/place/hoeryong").status_code == 404
