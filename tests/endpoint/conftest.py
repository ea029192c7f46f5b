"""Fixtures of the endpoint tests: the tiny fixture release, apps over it, the W3C suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dprk_ld.web.app import close_app, create_app

HERE = Path(__file__).resolve().parent
FIXTURE_DIST = HERE / "fixtures" / "dist"
REPO = HERE.parents[1]
W3C_DEFAULT = REPO.parent / "shared" / "w3c" / "sparql11-protocol"


def w3c_dir() -> Path:
    """Where the W3C SPARQL 1.1 Protocol suite is (DPRK_LD_W3C_DIR, else ../shared/...)."""
    return Path(os.environ.get("DPRK_LD_W3C_DIR", str(W3C_DEFAULT)))


def make_app(**config: Any) -> Flask:
    base: dict[str, Any] = {"DIST": FIXTURE_DIST, "QUERY_WORKERS": 2, "QUERY_TIMEOUT": 10}
    base.update(config)
    return create_app(base)


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    application = make_app()
    yield application
    close_app(application)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def app_factory() -> Iterator[Any]:
    """Build apps with other config; all are closed after the test."""
    made: list[Flask] = []

    def factory(**config: Any) -> Flask:
        application = make_app(**config)
        made.append(application)
        return application

    yield factory
    for application in made:
        close_app(application)
