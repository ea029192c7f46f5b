"""Fixtures of the linked-data tests: apps over the tiny fixture release (and the real one)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from dprk_ld.release.store import open_release
from dprk_ld.testing.store_option import close_app, create_app


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


@pytest.fixture()
def ld_app_factory() -> Iterator[Callable[..., Flask]]:
    """Build apps over a release folder, with other config; all are closed after the test."""
    made: list[Flask] = []

    def factory(dist: Path, **config: object) -> Flask:
        application = make_app(dist, **config)
        made.append(application)
        return application

    yield factory
    for application in made:
        close_app(application)


@pytest.fixture(scope="module")
def real_app(real_release: Path) -> Iterator[Flask]:
    """An app over the real release (see ``real_release``)."""
    application = make_app(real_release)
    yield application
    close_app(application)


@pytest.fixture(scope="session")
def mini_store(mini_release: Path) -> ox.Store:
    return open_release(mini_release)



@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium for the module's tests (dprk_ld.testing.chromium)."""
    from dprk_ld.testing import chromium

    with chromium() as drv:
        yield drv
