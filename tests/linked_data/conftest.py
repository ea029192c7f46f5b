"""Fixtures of the linked-data tests: apps over the tiny fixture release (and the real one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from dprk_ld.release.store import open_release
from dprk_ld.web.app import close_app, create_app

BASE = "https://w3id.org/dprk-ld/"


def make_app(dist: Path, **config: object) -> Flask:
    return create_app({"DIST": dist, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10, **config})


@pytest.fixture(scope="module")
def ld_app(mini_release: Path) -> Iterator[Flask]:
    application = make_app(mini_release)
    yield application
    close_app(application)


@pytest.fixture()
def client(ld_app: Flask) -> FlaskClient:
    return ld_app.test_client()


@pytest.fixture(scope="session")
def mini_store(mini_release: Path) -> ox.Store:
    return open_release(mini_release)


def subjects_of_type(store: ox.Store, cls: str) -> list[str]:
    """IRIs under the base typed ``cls`` (a full IRI)."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return sorted({q.subject.value for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(cls))
                   if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE)})


def path_of(iri: str) -> str:
    assert iri.startswith(BASE), iri
    return "/" + iri[len(BASE):]
