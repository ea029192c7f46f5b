"""The checks a linked-data validator makes, on a sample of IRIs of every kind: no Accept, RDF
Accept headers, an HTML Accept, mixed q-values, explicit formats, redirects followed, and the RDF
parses and describes the IRI that was asked for."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from dprk_ld.testing import BASE, assert_error_shape, path_of

SAMPLE = [
    BASE + "id/finding/mini/sd-card-sentences",
    BASE + "id/evidence/mini/sd-card-sentences/1",
    BASE + "id/source/mini",
    BASE + "id/place/north-korea",
    BASE + "id/org/un-human-rights-council",
    BASE + "vocab/violation-types/censorship",
]
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
#: Accept header -> the media type that must come back
ACCEPT_TABLE = [
    (None, "text/html"),
    ("*/*", "text/html"),
    (BROWSER, "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("text/html;q=0.5, text/turtle", "text/turtle"),
    ("text/turtle;q=0.9, application/rdf+xml;q=0.5, text/html;q=0.1", "text/turtle"),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.3, */*;q=0.1", "application/rdf+xml"),
    ("text/*;q=0.5, application/ld+json", "application/ld+json"),
    ("application/ld+json;q=0.2, text/turtle;q=0.2, text/html;q=0.3", "text/html"),
    ("text/turtle;q=0, */*;q=0.5", "text/html"),
    ("text/html;q=0, */*", "text/turtle"),
    ("application/x-turtle", "text/turtle"),
    ("garbage, text/turtle", "text/turtle"),
]


def get(client: FlaskClient, iri: str, accept: str | None = None,
        query: str = "") -> tuple[object, list[int]]:
    """Dereference like a validator: GET the IRI and follow redirects; (final response, statuses)."""
    headers = {"Accept": accept} if accept is not None else {}
    resp = client.get(path_of(iri) + query, headers=headers, follow_redirects=True)
    statuses = [r.status_code for r in resp.history] + [resp.status_code]
    return resp, statuses


def parse(resp: object, media_type: str) -> Graph:
    return Graph().parse(data=resp.data, format=RDF_TYPES[media_type])  # type: ignore[attr-defined]


@pytest.mark.parametrize("iri", SAMPLE)
@pytest.mark.parametrize(("accept", "expected"), ACCEPT_TABLE)
def test_accept_headers(client: FlaskClient, iri: str, accept: str | None, expected: str) -> None:
    resp, statuses = get(client, iri, accept)
    assert statuses == [303, 200]
    assert resp.headers["Content-Type"].split(";")[0] == expected  # type: ignore[attr-defined]
    assert "Accept" in resp.headers["Vary"]  # type: ignore[attr-defined]
    ext = resp.headers["Content-Location"].rsplit(".", 1)[1]  # type: ignore[attr-defined]
    assert client.get(resp.headers["Content-Location"]).headers["Content-Type"] == \
        resp.headers["Content-Type"], ext  # type: ignore[attr-defined]


@pytest.mark.parametrize("iri", SAMPLE)
@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_the_rdf_parses_and_describes_the_iri(client: FlaskClient, iri: str, media_type: str) -> None:
    resp, _ = get(client, iri, media_type)
    g = parse(resp, media_type)
    node = URIRef(iri)
    assert (node, None, None) in g
    assert len(g) >= 3


@pytest.mark.parametrize(("fmt", "media_type"), [
    ("ttl", "text/turtle"), ("nt", "application/n-triples"), ("jsonld", "application/ld+json"),
    ("rdf", "application/rdf+xml"), ("html", "text/html"), ("text/turtle", "text/turtle"),
])
def test_an_explicit_format_wins_over_accept(client: FlaskClient, fmt: str, media_type: str) -> None:
    iri = SAMPLE[0]
    resp, statuses = get(client, iri, "text/html", f"?format={fmt}")
    assert statuses == [303, 200]
    assert resp.headers["Content-Type"].split(";")[0] == media_type  # type: ignore[attr-defined]


@pytest.mark.parametrize(("ext", "media_type"), [
    ("ttl", "text/turtle"), ("nt", "application/n-triples"), ("jsonld", "application/ld+json"),
    ("rdf", "application/rdf+xml"), ("html", "text/html")])
def test_variants_have_their_own_address(client: FlaskClient, ext: str, media_type: str) -> None:
    resp = client.get(f"/doc{path_of(SAMPLE[0])}.{ext}", headers={"Accept": "image/png"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].split(";")[0] == media_type


def test_nothing_acceptable_is_406_naming_the_offers(client: FlaskClient) -> None:
    resp, statuses = get(client, SAMPLE[0], "image/png")
    assert statuses == [303, 406]
    err = assert_error_shape(resp, 406, "not_acceptable")
    assert "text/turtle" in err["details"]["offered"] and "text/html" in err["details"]["offered"]
    assert_error_shape(client.get(f"/doc{path_of(SAMPLE[0])}?format=pdf"), 406, "not_acceptable")


def test_json_ld_is_json_with_a_context(client: FlaskClient) -> None:
    resp, _ = get(client, SAMPLE[0], "application/ld+json")
    data = json.loads(resp.data)  # type: ignore[attr-defined]
    assert "@context" in data


def test_conditional_requests(client: FlaskClient) -> None:
    doc = f"/doc{path_of(SAMPLE[0])}"
    first = client.get(doc, headers={"Accept": "text/turtle"})
    etag = first.headers["ETag"]
    again = client.get(doc, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304
    other = client.get(doc, headers={"Accept": "application/rdf+xml", "If-None-Match": etag})
    assert other.status_code == 200  # another variant has another tag


def test_the_html_page_links_its_data(client: FlaskClient) -> None:
    resp, _ = get(client, SAMPLE[0], BROWSER)
    html = resp.data.decode()  # type: ignore[attr-defined]
    assert 'rel="alternate" type="text/turtle"' in html
    assert '<script type="application/ld+json">' in html
