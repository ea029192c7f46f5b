"""The query page (server side): the examples of queries/ one click away, the editor's assets."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from dprk_ld.release.examples import load_queries

QUERIES = Path(__file__).resolve().parents[2] / "queries"


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
    assert scripts == ["/static/sparql-highlight.js", "/static/query.js"]
    for src in scripts:
        with client.get(src) as resp:  # a static file: close it
            assert resp.status_code == 200 and b"function" in resp.get_data()
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
