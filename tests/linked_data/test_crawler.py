"""A crawler that knows one finding's IRI reaches the whole dataset by following links."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, SKOS

from dprk_ld.release.namespaces import DPRK, OA, ORG
from dprk_ld.release.store import open_release
from dprk_ld.testing import BASE, subjects_of_type

START = "id/finding/{}"
TARGET_CLASSES = [DPRK.Finding, DPRK.SourceDocument, DPRK.Place, ORG.Organization, FOAF.Person,
                  DPRK.LegalInstrument, DPRK.Topic, OA.Annotation, SKOS.Concept, SKOS.ConceptScheme]
NOT_DOCUMENTS = ("dumps/", "sparql", "doc/", "static/")


def everything(store: ox.Store) -> set[str]:
    return {iri for cls in TARGET_CLASSES for iri in subjects_of_type(store, str(cls))}


def crawl_rdf(client: FlaskClient, start: str) -> set[str]:
    """Follow every link in the Turtle of each document, mapping the base onto the server."""
    seen = {start}
    queue = deque([start])
    while queue:
        iri = queue.popleft()
        resp = client.get("/" + iri[len(BASE):], headers={"Accept": "text/turtle"}, follow_redirects=True)
        assert resp.status_code == 200, iri
        g = Graph().parse(data=resp.data, format="turtle")
        for s, _p, o in g:
            for term in (s, o):
                if not isinstance(term, URIRef):
                    continue
                found = str(term).split("#", 1)[0]
                rest = found[len(BASE):]
                if found.startswith(BASE) and rest and not rest.startswith(NOT_DOCUMENTS) \
                        and found not in seen:
                    seen.add(found)
                    queue.append(found)
    return seen


def crawl_html(client: FlaskClient, start_path: str) -> set[str]:
    """Follow the same-site links of each page, as a person (or a search engine) would."""
    seen = {start_path}
    queue = deque([start_path])
    while queue:
        path = queue.popleft()
        resp = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
        assert resp.status_code == 200, path
        for href in re.findall(r'href="(/[^"#?]*)', resp.data.decode()):
            if href.startswith(("/dumps/", "/static/", "/sparql", "/doc/")) or href in seen:
                continue
            seen.add(href)
            queue.append(href)
    return {BASE + p[1:] for p in seen}


def test_rdf_crawler_reaches_every_finding_and_entity(client: FlaskClient, mini_store: ox.Store) -> None:
    reached = crawl_rdf(client, BASE + START.format("mini/media-controlled"))
    missing = everything(mini_store) - reached
    assert not missing, sorted(missing)


def test_html_crawler_reaches_every_finding_and_entity(client: FlaskClient, mini_store: ox.Store) -> None:
    reached = crawl_html(client, "/id/finding/mini/media-controlled")
    missing = everything(mini_store) - reached
    assert not missing, sorted(missing)


@pytest.mark.slow
def test_rdf_crawler_reaches_the_whole_real_release(real_app: Flask, real_release: Path) -> None:
    store = open_release(real_release)
    first = subjects_of_type(store, str(DPRK.Finding))[0]
    reached = crawl_rdf(real_app.test_client(), first)
    targets = everything(store)
    assert len(targets) > 1000
    missing = targets - reached
    assert not missing, sorted(missing)[:20]
