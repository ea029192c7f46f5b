"""The site layer without a web app: its functions take a Site record and return text, bytes or
graphs, and none of its modules imports Flask or the web layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, VOID

from dprk_ld import formats
from dprk_ld.site import describe as describe_module
from dprk_ld.site.describe import describe
from dprk_ld.site.discovery import release_file, robots_txt, sitemap_xml, void_graph
from dprk_ld.site.graphs import serialize
from dprk_ld.site.landing import landing_page
from dprk_ld.site.ontology import hash_document_page
from dprk_ld.site.pages import resource_page
from dprk_ld.site.state import Site
from dprk_ld.testing import BASE

SITE_PACKAGE = Path(describe_module.__file__).parent
FINDING = BASE + "id/finding/mini/hoeryong-trial"
FORBIDDEN = ("flask", "werkzeug", "dprk_ld.web", "dprk_ld.endpoint")


@pytest.fixture()
def site(mini_store: ox.Store, mini_release: Path) -> Site:
    return Site(store=mini_store, base=BASE, release_id="test", dist=mini_release.resolve(),
                queries_dir=None, public_url="http://example.org/")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted(SITE_PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_the_site_knows_nothing_of_http(path: Path) -> None:
    for name in imported_modules(path):
        assert not name.startswith(FORBIDDEN), (path.name, name)


def test_pages_render_without_an_app(site: Site) -> None:
    page = resource_page(site, FINDING, describe(site.store, FINDING, BASE))
    assert '<mark class="exact">' in page
    assert '<link rel="stylesheet" href="/static/site.css">' in page
    assert 'href="/doc/id/finding/mini/hoeryong-trial.ttl"' in page
    landing = landing_page(site)
    assert '"contentUrl": "http://example.org/dumps/dprk-ld.ttl"' in landing
    ontology = hash_document_page(site, "ontology", Graph())
    assert "<h1>" in ontology


@pytest.mark.parametrize("fmt", formats.DOCUMENTS, ids=lambda f: f.label)
def test_a_description_in_every_document_syntax(site: Site, fmt: formats.Format) -> None:
    data = serialize(describe(site.store, FINDING, BASE), fmt)
    assert (URIRef(FINDING), None, None) in Graph().parse(data=data, format=fmt.rdflib)


def test_discovery_texts(site: Site) -> None:
    assert (URIRef(site.dataset_iri), RDF.type, VOID.Dataset) in void_graph(site)
    sitemap = sitemap_xml(site)
    assert "<loc>http://example.org/doc/id/place/hoeryong</loc>" in sitemap
    assert "Sitemap: http://example.org/sitemap.xml" in robots_txt(site)


def test_only_release_files_are_found(site: Site) -> None:
    found = release_file(site, "dprk-ld.ttl")
    assert found is not None and found[0].is_file()
    for name in ("../release.json", "sources", "dprk-ld.nq/../release.json", "/etc/passwd", "secret.txt"):
        assert release_file(site, name) is None, name
