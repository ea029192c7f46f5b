"""The HTML pages: landing page (figures, charts, dumps, license, citation, schema.org), resource
pages (a finding's quote in context, sources, places, actors, concepts listing their findings),
and the ontology documented from the ontology graph itself."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pyoxigraph as ox
import yaml
from flask.testing import FlaskClient

from dprk_ld.release.namespaces import DPRK
from dprk_ld.site.charts import Bar, bar_chart
from dprk_ld.testing import BASE, path_of

MINI_FINDINGS = Path(__file__).resolve().parents[1] / "fixtures" / "mini" / "data" / "findings" / "mini.yaml"


def page(client: FlaskClient, path: str) -> str:
    resp = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
    assert resp.status_code == 200, (path, resp.status_code)
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    return resp.data.decode()


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_bar_chart_draws_one_bar_per_row_scaled_to_the_largest() -> None:
    svg = str(bar_chart("t", [Bar("a", 10), Bar("b <&>", 5, "/x"), Bar("c", 1)]))
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]
    assert len(widths) == 3
    assert widths[0] == max(widths) and abs(widths[1] - widths[0] / 2) < 0.2
    assert "b &lt;&amp;&gt;" in svg and 'href="/x"' in svg


def test_landing_page(client: FlaskClient, mini_release: Path) -> None:
    body = page(client, "/")
    assert "mini: a test release" in body
    # the four figures, each with a chart of as many bars as the figure has rows
    for key in ("source", "kind", "violation", "year"):
        figure = re.search(rf'<figure class="figure" id="chart-{key}">(.*?)</figure>', body, re.S)
        assert figure, key
        assert len(re.findall(r"<rect ", figure.group(1))) >= 1
    kinds = re.search(r'id="chart-kind">(.*?)</figure>', body, re.S).group(1)  # type: ignore[union-attr]
    curated = yaml.safe_load((MINI_FINDINGS).read_text(encoding="utf-8"))["findings"]
    assert len(re.findall(r"<rect ", kinds)) == len({f["kind"] for f in curated})
    # the dumps with their sizes and checksums, as release.json gives them
    info = json.loads((mini_release / "release.json").read_text())
    for name in ("dprk-ld.ttl", "dprk-ld.nq.gz"):
        meta = info["files"][name]
        assert f'href="/dumps/{name}"' in body
        assert meta["sha256"] in body and f"{meta['bytes']:,}" in body
    assert "creativecommons.org/licenses/by/4.0" in body
    assert "How to query" in body and "/sparql" in body
    assert "Version 0.0.1" in body  # how to cite


def test_landing_page_has_schema_org_dataset(client: FlaskClient) -> None:
    body = page(client, "/")
    found = re.search(r'<script type="application/ld\+json" id="schema-org">(.*?)</script>', body, re.S)
    assert found
    record = json.loads(found.group(1))
    assert record["@type"] == "Dataset" and record["@context"] == "https://schema.org/"
    assert record["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert record["name"] and record["description"] and record["version"] == "0.0.1"
    downloads = {d["name"]: d for d in record["distribution"]}
    assert downloads["dprk-ld.ttl"]["encodingFormat"] == "text/turtle"
    assert downloads["dprk-ld.ttl"]["contentUrl"].endswith("/dumps/dprk-ld.ttl")


def test_finding_page_shows_the_quote_in_its_source(client: FlaskClient, mini_release: Path) -> None:
    body = page(client, "/id/finding/mini/hoeryong-trial")
    source = (mini_release / "sources" / "mini.txt").read_text(encoding="utf-8")
    quotes = re.findall(r'<blockquote class="in-context">(.*?)</blockquote>', body, re.S)
    assert len(quotes) == 2
    exact = ("In August, a court reportedly sentenced a woman and her parents to 10, 9 and 8 years "
             "of forced labor")
    first = quotes[0]
    assert f'<mark class="exact">{html.escape(exact)}</mark>' in first
    shown = text_of(first)
    assert exact in shown and len(shown) > len(exact)
    assert shown in source  # the context is the source's own text, unchanged
    # structured fields and links
    assert 'href="/id/place/hoeryong"' in body and 'href="/id/org/dprk-courts"' in body
    assert "P10Y" in body  # the sentences
    assert 'href="/dumps/sources/mini.txt"' in body


def test_source_page_lists_its_findings_by_section(client: FlaskClient) -> None:
    body = page(client, "/id/source/mini")
    sections = re.findall(r"<h3><a href=\"/id/source/mini/section/([a-z-]+)\">", body)
    assert sections[:2] == ["introduction", "freedom-of-expression-and-information"]
    for f in ("hoeryong-trial", "sd-card-sentences", "media-controlled", "coi-crimes-against-humanity"):
        assert f'href="/id/finding/mini/{f}"' in body


def test_place_actor_and_concept_pages_list_their_findings(client: FlaskClient) -> None:
    for path, finding in [("/id/place/hoeryong", "hoeryong-trial"),
                          ("/id/org/dprk-courts", "sd-card-sentences"),
                          ("/vocab/violation-types/censorship", "media-controlled"),
                          ("/id/topic/information-control", "sd-card-sentences")]:
        body = page(client, path)
        incoming = body.split("Referred to by", 1)[1]
        assert f'href="/id/finding/mini/{finding}"' in incoming, path


def test_external_links_are_shown(client: FlaskClient) -> None:
    body = page(client, "/id/place/north-korea")
    assert 'href="http://www.wikidata.org/entity/Q423"' in body
    assert 'href="https://sws.geonames.org/1873107/"' in body


def test_ontology_is_documented_from_the_ontology_graph(client: FlaskClient, mini_store: ox.Store) -> None:
    body = page(client, "/ontology")
    graph = ox.NamedNode(BASE + "graph/ontology")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    owl = "http://www.w3.org/2002/07/owl#"
    terms = {q.subject.value for kind in ("Class", "ObjectProperty", "DatatypeProperty")
             for q in mini_store.quads_for_pattern(None, rdf_type, ox.NamedNode(owl + kind), graph)
             if q.subject.value.startswith(str(DPRK))}
    assert len(terms) > 40
    for term in terms:
        local = term[len(str(DPRK)):]
        assert f'id="{local}"' in body, local
    # a term's label and definition come from the graph
    label = next(mini_store.quads_for_pattern(
        ox.NamedNode(str(DPRK.Finding)), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        None, graph)).object.value
    assert label in body


def test_shapes_page(client: FlaskClient) -> None:
    body = page(client, "/shapes")
    assert "FindingShape" in body or "Shape" in body
    assert path_of(BASE + "shapes") == "/shapes"
