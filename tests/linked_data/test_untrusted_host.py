"""The Host header is never trusted: every absolute URL of the site comes from its configuration
(``PUBLIC_URL``), so a request with a forged Host (or X-Forwarded-Host, Forwarded) gets the same
pages, sitemap, robots.txt, documents and headers as any other, which caches may share.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dprk_ld.site.discovery import document_paths
from dprk_ld.web.documents import public_address, site_of

EVIL = "evil.example"
FORGED = {"Host": EVIL, "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https",
          "Forwarded": f"host={EVIL};proto=https"}
PUBLIC = "https://dprk-ld.example.org/"
HTML = {"Accept": "text/html"}
TURTLE = {"Accept": "text/turtle"}
#: every page that says an absolute URL, and the other kinds of response, with the Accept header
REQUESTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("/", HTML), ("/sparql", HTML), ("/sparql", TURTLE), ("/sitemap.xml", {}),
    ("/robots.txt", {}), ("/.well-known/void", HTML), ("/.well-known/void", TURTLE),
    ("/ontology", HTML), ("/shapes", HTML), ("/doc/id/place/hoeryong", HTML),
    ("/doc/id/place/hoeryong", TURTLE), ("/id/place/hoeryong", HTML),
    ("/id/finding/mini/hoeryong-trial?format=ttl", {}), ("/doc/dataset.jsonld", {}),
    ("/sparql?query=" + quote("ASK {}"), {}), ("/dumps/dprk-ld.ttl", {}), ("/no/such/thing", HTML),
)


@pytest.fixture(scope="module")
def public_app(mini_release: Path) -> Iterator[Flask]:
    from dprk_ld.testing.store_option import close_app, create_app

    application = create_app({"DIST": mini_release, "QUERY_WORKERS": 1, "PUBLIC_URL": PUBLIC})
    yield application
    close_app(application)


def get(client: FlaskClient, path: str, headers: dict[str, str], forge: bool = True) -> Any:
    """The response to a GET, read and closed; with ``forge``, from a client lying about the
    host."""
    if forge:
        resp = client.get(path, headers={**headers, **FORGED}, base_url=f"http://{EVIL}/")
    else:
        resp = client.get(path, headers=headers)
    resp.get_data()
    resp.close()
    return resp


def assert_not_repeated(resp: Any, where: str) -> None:
    assert resp.status_code < 500, (where, resp.status_code)
    assert EVIL not in resp.get_data().decode("utf-8", "replace").lower(), where
    for name, value in resp.headers.items():
        assert EVIL not in value.lower(), (where, name, value)


@pytest.mark.parametrize(("path", "headers"), REQUESTS, ids=[f"{p} {h}" for p, h in REQUESTS])
def test_a_forged_host_is_never_repeated(client: FlaskClient, path: str,
                                         headers: dict[str, str]) -> None:
    resp = get(client, path, headers)
    assert_not_repeated(resp, path)
    honest = get(client, path, headers, forge=False)
    assert resp.status_code == honest.status_code
    assert resp.data == honest.data, path  # what a cache keeps is the same for every Host
    assert {k: v for k, v in resp.headers.items() if k != "Date"} == \
        {k: v for k, v in honest.headers.items() if k != "Date"}


def test_no_document_repeats_a_forged_host(client: FlaskClient, ld_app: Flask) -> None:
    paths = document_paths(site_of(ld_app))
    assert paths
    for path in paths:
        assert_not_repeated(get(client, path, HTML), path)


def test_absolute_urls_are_the_configured_public_address(public_app: Flask) -> None:
    client = public_app.test_client()
    sitemap = get(client, "/sitemap.xml", {}).get_data(as_text=True)
    assert f"<loc>{PUBLIC}doc/id/place/hoeryong</loc>" in sitemap
    assert f"<loc>{PUBLIC}sparql</loc>" in sitemap
    robots = get(client, "/robots.txt", {}).get_data(as_text=True)
    assert f"Sitemap: {PUBLIC}sitemap.xml" in robots
    landing = get(client, "/", HTML).get_data(as_text=True)
    assert f'"url": "{PUBLIC}"' in landing
    assert f'"contentUrl": "{PUBLIC}dumps/dprk-ld.ttl"' in landing
    assert f"<code>{PUBLIC}sparql</code>" in landing
    query_page = get(client, "/sparql", HTML).get_data(as_text=True)
    assert f"<code>{PUBLIC}sparql</code>" in query_page
    assert 'action="/sparql"' in query_page  # the page's own links are paths


def test_the_default_public_address_is_the_servers_own(client: FlaskClient) -> None:
    robots = get(client, "/robots.txt", {}, forge=False).get_data(as_text=True)
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in robots


@pytest.mark.parametrize(("config", "expected"), [
    ({}, "http://127.0.0.1:5000/"),
    ({"HOST": "0.0.0.0", "PORT": 8080}, "http://127.0.0.1:8080/"),
    ({"HOST": "::1", "PORT": 8080}, "http://[::1]:8080/"),
    ({"PUBLIC_URL": "https://Example.org"}, "https://example.org/"),
    ({"PUBLIC_URL": "http://example.org:8080/", "HOST": "10.0.0.1"}, "http://example.org:8080/"),
])
def test_public_address(config: dict[str, Any], expected: str) -> None:
    assert public_address(config) == expected


@pytest.mark.parametrize("bad", ["example.org", "https://example.org/sub/", "https://example.org/#x",
                                 "javascript:alert(1)", "https://a@example.org/", "http://x</loc>/"])
def test_a_public_address_that_is_no_site_address_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        public_address({"PUBLIC_URL": bad})

