"""Fixtures of the endpoint tests: the tiny fixture release and apps over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dprk_ld.testing.store_option import close_app, create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_DIST = FIXTURES / "dist"


@pytest.fixture(scope="session")
def fixture_dist() -> Path:
    """The tiny fixture release (22 triples, three findings); do not modify."""
    return FIXTURE_DIST


@pytest.fixture(scope="session")
def fixture_source() -> Path:
    """The TriG file the fixture release is made from (``make fixtures``)."""
    return FIXTURES / "release.trig"


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
