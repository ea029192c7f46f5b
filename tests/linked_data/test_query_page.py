"""The query page (server side): the examples of queries/ one click away, the editor's assets."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient

from dprk_ld.endpoint.prefixes import DECLARED
from dprk_ld.release.examples import load_queries

QUERIES = Path(__file__).resolve().parents[2] / "queries"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SOURCES = ("SELECT ?s ?title WHERE { ?s a dprk:SourceDocument ; dcterms:title ?title } "
           "ORDER BY ?s")


def query_page(client: FlaskClient) -> str:
    resp = client.get("/sparql", headers={"Accept": "text/html"})
    assert resp.status_code == 200
    return resp.data.decode()


def test_every_example_is_one_click_away(client: FlaskClient) -> None:
    body = query_page(client)
    examples = load_queries(QUERIES)
    assert len(examples) >= 10
    buttons = re.findall(r'<button type="button" class="example" data-example="([^"]+)"', body)
    assert buttons == [q.id for q in examples]
    embedded = re.search(r'<script type="application/json" id="examples">(.*?)</script>', body, re.S)
    assert embedded
    data = json.loads(embedded.group(1))
    for q in examples:
        assert data[q.id]["text"] == q.text and data[q.id]["title"] == q.title


def test_editor_and_scripts_are_served_from_the_package(client: FlaskClient) -> None:
    body = query_page(client)
    assert '<textarea id="query" name="query"' in body and 'id="highlight"' in body
    scripts = re.findall(r'<script src="([^"]+)"', body)
    assert scripts == ["/static/sparql-highlight.js", "/static/query-terms.js",
                       "/static/query-complete.js", "/static/query-table.js", "/static/query.js"]
    for src in scripts:
        with client.get(src) as resp:  # a static file: close it
            assert resp.status_code == 200 and b"function" in resp.get_data()
            assert len(resp.get_data(as_text=True).splitlines()) <= 600  # split past that
    assert "http://" not in "".join(scripts) and "https://" not in "".join(scripts)  # no CDN


def test_no_page_loads_anything_from_elsewhere(client: FlaskClient) -> None:
    for path in ("/", "/sparql", "/ontology", "/doc/id/place/hoeryong"):
        body = client.get(path, headers={"Accept": "text/html"}).data.decode()
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", body):
            for url in re.findall(r'(?:src|href)="([^"]+)"', tag):
                assert url.startswith("/") or 'rel="alternate"' in tag, (path, tag)


def test_the_page_tells_the_limits_and_has_room_for_a_cut_notice(
        ld_app_factory: Callable[..., Flask], mini_release: Path) -> None:
    client = ld_app_factory(mini_release, MAX_ROWS=77, MAX_RESULT_BYTES=12345).test_client()
    body = query_page(client)
    limits = re.search(r'<section id="limits">(.*?)</section>', body, re.S)
    assert limits, "no limits section for a cut result to link to"
    text = " ".join(limits.group(1).split())
    assert "77 rows" in text and "MAX_ROWS" in text
    assert "12345 bytes" in text and "MAX_RESULT_BYTES" in text
    assert "X-SPARQL-Truncated" in text and 'href="#limits"' in body
    assert re.search(r'<p id="cut-notice"[^>]*\bhidden\b', body)
    with client.get("/static/query.js") as resp:  # the notice is filled from the headers
        script = resp.get_data(as_text=True)
    assert "X-SPARQL-Truncated-By" in script and 'getElementById("cut-notice")' in script


def editor_text(body: str) -> str:
    found = re.search(r'<textarea id="query"[^>]*>\n(.*?)</textarea>', body, re.S)
    assert found, "no editor"
    return html.unescape(found.group(1))


def test_the_page_lists_the_prefixes_every_query_may_use(client: FlaskClient) -> None:
    body = query_page(client)
    section = re.search(r'<section id="prefixes">(.*?)</section>', body, re.S)
    assert section
    listed = dict(re.findall(r"<th scope=\"row\"><code>([^<]+):</code></th><td><code>([^<]+)</code>",
                             section.group(1)))
    assert listed == DECLARED and 'href="#prefixes"' in body
    embedded = re.search(r'<script type="application/json" id="prefix-table">(.*?)</script>',
                         body, re.S)
    assert embedded and json.loads(embedded.group(1)) == DECLARED


def test_a_browser_opening_a_query_gets_the_page_with_its_rows(client: FlaskClient) -> None:
    resp = client.get("/sparql?query=" + quote(SOURCES), headers={"Accept": BROWSER})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert resp.headers["Vary"] == "Accept"
    body = resp.get_data(as_text=True)
    assert editor_text(body) == SOURCES and 'data-run="true"' in body  # the script runs it
    rows = re.findall(r"<tr><td[^>]*><a href=\"(/id/source/[^\"]+)\">id:source/", body)
    data = client.get("/sparql?query=" + quote(SOURCES)).get_json()  # no Accept: results
    expected = [b["s"]["value"] for b in data["results"]["bindings"]]
    assert len(rows) == len(expected) == 2
    assert ["https://w3id.org/dprk-ld" + path for path in rows] == expected
    assert re.search(r'<p id="status" role="status">2 rows</p>', body)
    # the plain form's downloads: the same query through the endpoint
    links = [html.unescape(h) for h in re.findall(r'<a href="([^"]+)" download=', body)]
    assert [re.search(r"format=(\w+)", h).group(1) for h in links] == ["csv", "tsv", "json", "xml"]
    with client.get(links[0]) as got:
        table = list(csv.reader(io.StringIO(got.get_data(as_text=True))))
    assert [r[0] for r in table[1:]] == expected


def test_clients_of_results_still_get_results(client: FlaskClient) -> None:
    for accept in (None, "*/*", "application/sparql-results+json", "application/json",
                   "application/sparql-results+json, */*;q=0.5", "text/html;q=0.5, */*"):
        headers = {"Accept": accept} if accept else {}
        resp = client.get("/sparql?query=" + quote(SOURCES), headers=headers)
        assert resp.status_code == 200, accept
        assert resp.headers["Content-Type"] == "application/sparql-results+json", accept
    csv_resp = client.get("/sparql?query=" + quote(SOURCES), headers={"Accept": "text/csv"})
    assert csv_resp.headers["Content-Type"].startswith("text/csv")
    graph = client.get("/sparql?query=" + quote("CONSTRUCT WHERE { ?s a dprk:SourceDocument }"),
                       headers={"Accept": "*/*"})
    assert graph.headers["Content-Type"].startswith("text/turtle")
    # POST is for programs: never the page
    posted = client.post("/sparql", data={"query": SOURCES}, headers={"Accept": BROWSER})
    assert posted.headers["Content-Type"] == "application/sparql-results+xml"  # application/xml


def test_the_form_works_without_scripts(client: FlaskClient) -> None:
    body = query_page(client)
    form = re.search(r'<form id="query-form" method="get" action="/sparql"(.*?)</form>', body, re.S)
    assert form and 'name="query"' in form.group(1) and 'name="format"' in form.group(1)
    assert '<option value="">table (in this page)</option>' in form.group(1)
    # "in this page": an empty format, as the form sends it, is the page for a browser...
    sent = client.get("/sparql?query=" + quote(SOURCES) + "&format=", headers={"Accept": BROWSER})
    assert sent.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "2 rows" in sent.get_data(as_text=True)
    # ... and a format chosen in the form gives that format
    as_csv = client.get("/sparql?query=" + quote(SOURCES) + "&format=csv",
                        headers={"Accept": BROWSER})
    assert as_csv.headers["Content-Type"].startswith("text/csv")


def test_a_query_in_error_shows_the_page_with_the_message(client: FlaskClient) -> None:
    resp = client.get("/sparql?query=" + quote("SELECT * WHERE {\n ?s foo:p ?o }"),
                      headers={"Accept": BROWSER})
    assert resp.status_code == 400 and resp.headers["Content-Type"].startswith("text/html")
    body = resp.get_data(as_text=True)
    status = re.search(r'<p id="status" role="status" class="error">(.*?)</p>', body, re.S)
    assert status
    assert html.unescape(status.group(1)) == ("400 query_syntax: error at 2:5: unknown prefix "
                                              "`foo:` -- add PREFIX foo: <...>")
    assert editor_text(body) == "SELECT * WHERE {\n ?s foo:p ?o }"


def test_a_long_result_shows_its_first_rows_in_the_page(client: FlaskClient) -> None:
    numbers = " ".join(str(i) for i in range(1, 151))
    query = f"SELECT ?n WHERE {{ VALUES ?n {{ {numbers} }} }}"
    body = client.get("/sparql?query=" + quote(query), headers={"Accept": BROWSER}).get_data(
        as_text=True)
    assert len(re.findall(r"<tr><td", body)) == 100
    assert "The first 100 of 150 rows" in body and '150 rows</p>' in body
