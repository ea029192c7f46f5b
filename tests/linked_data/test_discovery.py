"""Discovery: VoID at /.well-known/void, sitemap.xml, robots.txt, and the dumps (types, lengths,
ETags, ranges, and nothing but the files of the release)."""

from __future__ import annotations

import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, OWL, RDF, VOID

from dprk_ld.site.discovery import document_paths, link_counts
from dprk_ld.testing import BASE, assert_error_shape
from dprk_ld.testing.store_option import close_app
from dprk_ld.web.documents import site_of

DATASET = URIRef(BASE + "dataset")


def void(client: FlaskClient) -> Graph:
    resp = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert resp.headers["Vary"] == "Accept"
    return Graph().parse(data=resp.data, format="turtle")


def test_void_describes_endpoint_dumps_examples_vocabularies(client: FlaskClient) -> None:
    g = void(client)
    assert (DATASET, RDF.type, VOID.Dataset) in g and (DATASET, RDF.type, DCAT.Dataset) in g
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    dumps = set(g.objects(DATASET, VOID.dataDump))
    assert URIRef(BASE + "dumps/dprk-ld.ttl") in dumps and URIRef(BASE + "dumps/dprk-ld.nt.gz") in dumps
    examples = {str(x) for x in g.objects(DATASET, VOID.exampleResource)}
    assert any("/id/finding/" in x for x in examples) and any("/id/place/" in x for x in examples)
    vocabularies = {str(x) for x in g.objects(DATASET, VOID.vocabulary)}
    assert "https://w3id.org/dprk-ld/ontology#" in vocabularies
    assert "http://www.w3.org/ns/oa#" in vocabularies


def test_void_linksets_count_the_links_in_the_release(client: FlaskClient, mini_store: ox.Store) -> None:
    g = void(client)
    linksets = list(g.subjects(RDF.type, VOID.Linkset))
    assert linksets
    described: dict[tuple[str, str], int] = {}
    for ls in linksets:
        assert g.value(ls, VOID.subjectsTarget) == DATASET
        target = g.value(ls, VOID.objectsTarget)
        space = str(g.value(target, VOID.uriSpace))
        described[(space, str(g.value(ls, VOID.linkPredicate)))] = int(g.value(ls, VOID.triples))
    # count them independently of the module under test
    same_as = ox.NamedNode(str(OWL.sameAs))
    wikidata = sum(1 for q in mini_store.quads_for_pattern(None, same_as, None)
                   if q.object.value.startswith("http://www.wikidata.org/entity/"))
    assert described[("http://www.wikidata.org/entity/", str(OWL.sameAs))] == wikidata == 1
    assert sum(link_counts(mini_store, BASE).values()) == sum(described.values())


def test_void_in_other_formats(client: FlaskClient) -> None:
    for accept, fmt in (("application/ld+json", "json-ld"), ("application/n-triples", "nt")):
        resp = client.get("/.well-known/void", headers={"Accept": accept})
        assert resp.status_code == 200
        assert (DATASET, RDF.type, VOID.Dataset) in Graph().parse(data=resp.data, format=fmt)
    html = client.get("/.well-known/void", headers={"Accept": "text/html"})
    assert html.headers["Content-Type"].startswith("text/html")


def test_sitemap_lists_every_document(client: FlaskClient, ld_app: Flask) -> None:
    resp = client.get("/sitemap.xml")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(resp.data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [el.text or "" for el in root.findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs))
    assert all(loc.startswith("http://127.0.0.1:5000/") for loc in locs)  # the default PUBLIC_URL
    paths = {loc.removeprefix("http://127.0.0.1:5000") for loc in locs}
    assert {"/", "/sparql", "/ontology", "/doc/id/finding/mini/hoeryong-trial", "/doc/id/place/hoeryong",
            "/doc/vocab/violation-types/censorship"} <= paths
    documents = document_paths(site_of(ld_app))
    for path in documents[:: max(1, len(documents) // 25)]:
        assert client.get(path).status_code == 200, path


def test_robots(client: FlaskClient) -> None:
    resp = client.get("/robots.txt")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = resp.data.decode()
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in text
    assert "Disallow: /sparql?" in text


def release_files(dist: Path) -> dict[str, dict[str, object]]:
    return json.loads((dist / "release.json").read_text())["files"]  # type: ignore[no-any-return]


def fetch(client: FlaskClient, method: str, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a request, the response closed (it may hold an open file)."""
    with client.open(path, method=method, headers=headers) as resp:
        return resp.status_code, dict(resp.headers), resp.get_data()


@pytest.mark.parametrize("name", ["dprk-ld.ttl", "dprk-ld.nt", "dprk-ld.jsonld", "dprk-ld.nq",
                                  "dprk-ld.ttl.gz", "void.ttl", "shapes.ttl", "sources/mini.txt"])
def test_dumps_have_type_length_and_etag(client: FlaskClient, mini_release: Path, name: str) -> None:
    meta = release_files(mini_release)[name]
    status, headers, body = fetch(client, "GET", f"/dumps/{name}")
    assert status == 200
    # a gzip dump is sent as the Turtle it holds, gzip-coded, its bytes unchanged
    # (tests/linked_data/test_served_description.py)
    gzipped = name.endswith(".gz")
    assert headers["Content-Type"].split(";")[0] == ("text/turtle" if gzipped else meta["media_type"])
    assert int(headers["Content-Length"]) == meta["bytes"] == len(body)
    assert hashlib.sha256(body).hexdigest() == meta["sha256"]
    assert headers["ETag"] == f'"{meta["sha256"]}"'
    assert headers["Accept-Ranges"] == "bytes"
    assert headers.get("Content-Encoding") == ("gzip" if gzipped else None)
    assert fetch(client, "GET", f"/dumps/{name}", **{"If-None-Match": headers["ETag"]})[0] == 304
    status, head, body = fetch(client, "HEAD", f"/dumps/{name}")
    assert status == 200 and int(head["Content-Length"]) == meta["bytes"] and body == b""


def test_release_json_and_checksums_are_downloadable(client: FlaskClient, mini_release: Path) -> None:
    for name in ("release.json", "SHA256SUMS"):
        status, _headers, body = fetch(client, "GET", f"/dumps/{name}")
        assert status == 200 and body == (mini_release / name).read_bytes()


def test_ranges(client: FlaskClient, mini_release: Path) -> None:
    data = (mini_release / "dprk-ld.nt").read_bytes()
    status, headers, body = fetch(client, "GET", "/dumps/dprk-ld.nt", Range="bytes=10-99")
    assert status == 206
    assert body == data[10:100]
    assert headers["Content-Range"] == f"bytes 10-99/{len(data)}"
    assert int(headers["Content-Length"]) == 90
    status, _headers, body = fetch(client, "GET", "/dumps/dprk-ld.nt", Range="bytes=-20")
    assert status == 206 and body == data[-20:]
    assert fetch(client, "GET", "/dumps/dprk-ld.nt", Range=f"bytes={len(data) + 10}-")[0] == 416
    # a range with an If-Range of another version sends the whole file
    status, _headers, body = fetch(client, "GET", "/dumps/dprk-ld.nt",
                                   Range="bytes=0-9", **{"If-Range": '"stale"'})
    assert status == 200 and body == data


def test_only_the_files_of_the_release_are_served(mini_release: Path, tmp_path: Path,
                                                  ld_app_factory: Callable[..., Flask]) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(mini_release, dist)
    (dist / "secret.txt").write_text("not published")
    (dist / "sources" / "draft.txt").write_text("not published")
    client = ld_app_factory(dist).test_client()
    for name in ("secret.txt", "sources/draft.txt", "../secret.txt", "sources"):
        assert_error_shape(client.get(f"/dumps/{name}"), 404, "not_found")
    assert fetch(client, "GET", "/dumps/dprk-ld.ttl")[0] == 200


def test_an_app_over_a_store_has_no_dumps(mini_store: ox.Store) -> None:
    from dprk_ld.testing.store_option import create_app

    app = create_app({"STORE": mini_store, "QUERY_WORKERS": 1})
    try:
        client = app.test_client()
        assert_error_shape(client.get("/dumps/dprk-ld.ttl"), 404, "not_found")
        assert client.get("/").status_code == 200
        assert client.get("/doc/id/place/hoeryong").status_code == 200
    finally:
        close_app(app)
