"""The requests OpenRefine sends, replayed against an app over the real release; every answer is
checked against the Reconciliation Service API 0.2's own JSON schemas (and every request we
replay against the schema of requests, so that the replay is what a client may send).

OpenRefine: fetches the manifest (and, when that fails, again with a JSONP ``callback``), guesses
a column's type with a batch of queries without a type and ``limit`` 3, reconciles the column
with a form POST of ``queries=`` (with the chosen type, or without), completes a type, an entity
or a property as the user types (suggest), shows a preview card on hover, asks which properties
a type has and fetches their values (``extend=``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient

from dprk_ld.testing import BASE

Validate = Callable[[str, Any], list[str]]
PUBLIC = "http://127.0.0.1:5000/"  # the app's public address when none is configured
JSONP_RE = re.compile(r"/\*\*/([A-Za-z0-9_.$]+)\((.*)\);", re.DOTALL)
COLUMN = ["Hoeryong", "Kim Jong Un", "Pyongyang", "Ministry of State Security", "Seoul"]


def json_of(resp: Any, validate: Validate, schema: str) -> Any:
    assert resp.status_code == 200, resp.data[:500]
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    data = json.loads(resp.data)
    assert validate(schema, data) == []
    return data


@pytest.fixture(scope="module")
def manifest(real_client: FlaskClient, validate: Validate) -> dict[str, Any]:
    return json_of(real_client.get("/reconcile"), validate, "manifest.json")  # type: ignore[no-any-return]


def local(url: str) -> str:
    """The path of one of the manifest's URLs on the app under test."""
    assert url.startswith(PUBLIC), url
    return "/" + url[len(PUBLIC):]


def post_queries(client: FlaskClient, validate: Validate, queries: dict[str, Any]) -> dict[str, Any]:
    assert validate("reconciliation-query.json", queries) == []
    resp = client.post("/reconcile", data={"queries": json.dumps(queries)})
    found = json_of(resp, validate, "reconciliation-result-batch.json")
    assert set(found) == set(queries)
    return found  # type: ignore[no-any-return]


# --- the manifest ------------------------------------------------------------------------------


def test_the_manifest_says_where_everything_is(manifest: dict[str, Any]) -> None:
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == BASE
    types = {t["id"] for t in manifest["defaultTypes"]}
    assert {BASE + "ontology#Place", BASE + "ontology#Finding", BASE + "vocab/institutions",
            "http://xmlns.com/foaf/0.1/Person", "http://www.w3.org/ns/org#Organization",
            "http://www.w3.org/2004/02/skos/core#Concept", BASE + "ontology#Event"} <= types
    for service in (*manifest["suggest"].values(), manifest["extend"]["propose_properties"]):
        assert service["service_url"] == PUBLIC + "reconcile"
    assert manifest["preview"]["url"].startswith(PUBLIC)
    assert manifest["view"]["url"].startswith(PUBLIC)


def test_the_manifest_as_jsonp(real_client: FlaskClient, manifest: dict[str, Any],
                               validate: Validate) -> None:
    resp = real_client.get("/reconcile?callback=jQuery34108_1700000000000")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/javascript")
    found = JSONP_RE.fullmatch(resp.data.decode("utf-8"))
    assert found and found.group(1) == "jQuery34108_1700000000000"
    data = json.loads(found.group(2))
    assert validate("manifest.json", data) == [] and data == manifest


# --- reconciling a column ----------------------------------------------------------------------


def test_guessing_a_columns_type(real_client: FlaskClient, validate: Validate) -> None:
    queries = {f"q{i}": {"query": text, "limit": 3} for i, text in enumerate(COLUMN)}
    found = post_queries(real_client, validate, queries)
    for answer in found.values():
        assert 1 <= len(answer["result"]) <= 3
        assert all(c["type"] for c in answer["result"])


def test_reconciling_a_column_with_a_type(real_client: FlaskClient, validate: Validate,
                                          manifest: dict[str, Any]) -> None:
    place = next(t["id"] for t in manifest["defaultTypes"] if t["name"] == "Place")
    queries = {f"q{i}": {"query": text, "type": place, "type_strict": "should"}
               for i, text in enumerate(["Hoeryong", "Pyongyang", "Hoeryŏng", "Musan"])}
    found = post_queries(real_client, validate, queries)
    for answer in found.values():
        assert answer["result"]
        assert all(place in [t["id"] for t in c["type"]] for c in answer["result"])
        assert all(0 <= c["score"] <= 100 for c in answer["result"])
    assert found["q0"]["result"][0]["id"] == found["q2"]["result"][0]["id"]


def test_reconciling_a_column_without_a_type(real_client: FlaskClient, validate: Validate) -> None:
    queries = {f"q{i}": {"query": text} for i, text in enumerate(COLUMN)}
    found = post_queries(real_client, validate, queries)
    assert all(answer["result"] for answer in found.values())


def test_queries_in_the_query_string(real_client: FlaskClient, validate: Validate) -> None:
    queries = {"q0": {"query": "Hoeryong"}}
    by_get = json_of(real_client.get("/reconcile", query_string={"queries": json.dumps(queries)}),
                     validate, "reconciliation-result-batch.json")
    assert by_get == post_queries(real_client, validate, queries)


def test_a_column_of_wikidata_ids(real_client: FlaskClient, validate: Validate) -> None:
    """Reconciling with a property: the Wikidata id the release publishes for a place finds it
    again, alone or with its name."""
    row = extension(real_client, validate, [BASE + "id/place/north-korea"], ["wikidata"])
    qid = row[BASE + "id/place/north-korea"]["wikidata"][0]["str"]
    queries = {"q0": {"properties": [{"pid": "wikidata", "v": qid}]},
               "q1": {"query": "North Korea", "type": "place",
                      "properties": [{"pid": "wikidata", "v": qid}]}}
    found = post_queries(real_client, validate, queries)
    for answer in found.values():
        assert answer["result"][0]["id"] == BASE + "id/place/north-korea"
        assert answer["result"][0]["match"] is True


# --- suggest, preview, view --------------------------------------------------------------------


@pytest.mark.parametrize(("which", "prefix", "schema"), [
    ("entity", "Hoe", "suggest-entities-response.json"),
    ("type", "pla", "suggest-types-response.json"),
    ("property", "wiki", "suggest-properties-response.json"),
])
def test_suggest(real_client: FlaskClient, validate: Validate, manifest: dict[str, Any],
                 which: str, prefix: str, schema: str) -> None:
    service = manifest["suggest"][which]
    path = local(service["service_url"] + service["service_path"])
    found = json_of(real_client.get(path, query_string={"prefix": prefix}), validate, schema)
    assert found["result"]
    first = found["result"][0]
    assert first["name"].casefold().startswith(prefix.casefold()) or \
        first["id"].casefold().startswith(prefix.casefold())
    everything = json_of(real_client.get(path, query_string={"prefix": "", "limit": 100}),
                         validate, schema)["result"]
    second = json_of(real_client.get(path, query_string={"prefix": "", "cursor": 1, "limit": 2}),
                     validate, schema)["result"]
    assert second == everything[1:3]


def test_suggest_entities_of_a_type(real_client: FlaskClient, validate: Validate) -> None:
    found = json_of(real_client.get("/reconcile/suggest/entity",
                                    query_string={"prefix": "Kim", "type": "person"}),
                    validate, "suggest-entities-response.json")["result"]
    assert BASE + "id/person/kim-jong-un" in [r["id"] for r in found]
    assert all("http://xmlns.com/foaf/0.1/Person" in [t["id"] for t in r["notable"]] for r in found)


class Card(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_preview_card(real_client: FlaskClient, manifest: dict[str, Any]) -> None:
    iri = BASE + "id/place/hoeryong"
    resp = real_client.get(local(manifest["preview"]["url"].replace("{{id}}", iri)))
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    html = resp.data.decode("utf-8")
    card = Card()
    card.feed(html)
    assert "script" not in card.tags and "Hoeryong" in "".join(card.text)
    width, height = manifest["preview"]["width"], manifest["preview"]["height"]
    assert f"width:{width}px" in html and f"height:{height}px" in html


def test_the_view_link(real_client: FlaskClient, manifest: dict[str, Any]) -> None:
    iri = BASE + "id/place/hoeryong"
    resp = real_client.get(local(manifest["view"]["url"].replace("{{id}}", iri)))
    assert resp.status_code == 303 and resp.headers["Location"] == "/id/place/hoeryong"
    assert real_client.get(resp.headers["Location"]).status_code == 303  # the thing's IRI


# --- data extension ----------------------------------------------------------------------------


def extension(client: FlaskClient, validate: Validate, ids: list[str],
              props: list[str]) -> dict[str, Any]:
    request = {"ids": ids, "properties": [{"id": p} for p in props]}
    assert validate("data-extension-query.json", request) == []
    found = json_of(client.post("/reconcile", data={"extend": json.dumps(request)}), validate,
                    "data-extension-response.json")
    assert [m["id"] for m in found["meta"]] == props and set(found["rows"]) == set(ids)
    return found["rows"]  # type: ignore[no-any-return]


def test_proposing_and_fetching_properties(real_client: FlaskClient, validate: Validate,
                                           manifest: dict[str, Any]) -> None:
    service = manifest["extend"]["propose_properties"]
    place = BASE + "ontology#Place"
    proposed = json_of(real_client.get(local(service["service_url"] + service["service_path"]),
                                       query_string={"type": place}),
                       validate, "https://reconciliation-api.github.io/specs/draft/schemas/"
                                 "data-extension-property-proposal.json")
    props = [p["id"] for p in proposed["properties"]]
    assert {"wikidata", "geonames", "coordinates", "label_ko", "label_en", "kind",
            "findings"} <= set(props)
    ids = [BASE + "id/place/north-korea", BASE + "id/place/hoeryong"]
    rows = extension(real_client, validate, ids, props)
    korea = rows[ids[0]]
    assert korea["label_en"] == [{"str": "North Korea"}]
    assert korea["wikidata"] and korea["geonames"] and korea["label_ko"]
    assert {"str": "Place"} in korea["kind"]
    findings = rows[ids[1]]["findings"]
    assert findings and all(set(f) == {"id", "name"} for f in findings)
    for cell in findings:  # reconciled cells that point to our finding IRIs
        assert cell["id"].startswith(BASE + "id/finding/")
        assert real_client.get("/reconcile/preview", query_string={"id": cell["id"]}).status_code == 200


def test_a_findings_source_and_places(real_client: FlaskClient, validate: Validate) -> None:
    finding = BASE + "id/finding/hrw-wr-2025/hoeryong-public-trial-sentences"
    row = extension(real_client, validate, [finding], ["source", "place", "kind", "summary"])[finding]
    assert row["source"] == [{"id": BASE + "id/source/hrw-wr-2025", "name": row["source"][0]["name"]}]
    assert {"id": BASE + "id/place/hoeryong", "name": "Hoeryong"} in row["place"]
    assert row["summary"][0]["str"] and len(row["kind"]) == 2


def test_the_landing_page_links_the_service(real_client: FlaskClient,
                                            manifest: dict[str, Any]) -> None:
    page = real_client.get("/").data.decode("utf-8")
    assert 'href="/reconcile"' in page and f"<code>{PUBLIC}reconcile</code>" in page
    anchor = manifest["documentation"].split("#", 1)[1]
    assert f'id="{anchor}"' in page
