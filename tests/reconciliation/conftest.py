"""Fixtures of the reconciliation tests: the API's own JSON schemas, indexes and apps over the tiny
fixture release and over the real one.

The Reconciliation Service API 0.2 schemas and examples are read from
``../shared/reconciliation-api/0.2/`` beside the clone (or wherever ``DPRK_LD_RECONCILIATION_DIR``
says); when they are missing, the tests that need them FAIL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from dprk_ld.reconciliation.index import NameIndex, build_index
from dprk_ld.release.store import open_release
from dprk_ld.web.app import close_app, create_app

SPEC_DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "reconciliation-api" / "0.2"
#: the $id under which the 0.2 schemas refer to each other
SCHEMAS = "https://reconciliation-api.github.io/specs/0.2/schemas/"


def spec_dir() -> Path:
    """Where the API's schemas and examples are (DPRK_LD_RECONCILIATION_DIR, else ../shared/...)."""
    return Path(os.environ.get("DPRK_LD_RECONCILIATION_DIR", str(SPEC_DEFAULT)))


def schema_registry(folder: Path) -> Registry:
    """Every schema of ``folder/schemas`` under its own ``$id`` (the Swagger 2.0 schema the
    manifest's ``authentication`` refers to included)."""
    resources = []
    for path in sorted((folder / "schemas").glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents,
                                                                  default_specification=DRAFT7)))
    return Registry().with_resources(resources)


Validate = Callable[[str, Any], list[str]]


def examples() -> list[Path | None]:
    """Every example of the API (``examples/<folder>/<valid|invalid>/<name>.json``); [None]
    when there are none, so that the test given them fails."""
    found = sorted((spec_dir() / "examples").glob("*/*/*.json"))
    return list(found) or [None]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes ``example`` runs once per example of the API."""
    if "example" in metafunc.fixturenames:
        metafunc.parametrize("example", examples(), ids=lambda p: "/".join(p.parts[-3:]) if p
                             else "missing")


@pytest.fixture(scope="session")
def spec() -> Path:
    """The folder of the API's schemas and examples (it may be missing: tests check)."""
    return spec_dir()


@pytest.fixture(scope="session")
def validate() -> Validate:
    """``validate(ref, instance)``: the errors of ``instance`` against a schema of the API
    (``ref`` a file name such as ``manifest.json``, with an optional ``#/pointer``, or a full
    ``$id``); an empty list when it is valid. Fails when the schemas are missing."""
    folder = spec_dir()
    assert (folder / "schemas" / "manifest.json").is_file(), \
        f"Reconciliation API 0.2 schemas not found in {folder}/schemas"
    registry = schema_registry(folder)

    def check(ref: str, instance: Any) -> list[str]:
        target = ref if "://" in ref else SCHEMAS + ref
        validator = Draft7Validator({"$ref": target}, registry=registry)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(instance)]

    return check


@pytest.fixture(scope="session")
def mini_index(mini_release: Path) -> NameIndex:
    return build_index(open_release(mini_release))


@pytest.fixture()
def mini_store(mini_release: Path) -> ox.Store:
    """A fresh store of the tiny release, safe to add to."""
    return open_release(mini_release)


def _app(**config: Any) -> Flask:
    return create_app({"QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10, **config})


@pytest.fixture(scope="session")
def real_client(real_release: Path) -> Iterator[FlaskClient]:
    """A test client of an app over the real release (one for the session)."""
    application = _app(DIST=real_release)
    yield application.test_client()
    close_app(application)


@pytest.fixture(scope="module")
def mini_client(mini_release: Path) -> Iterator[FlaskClient]:
    """A test client of an app over the tiny release."""
    application = _app(DIST=mini_release)
    yield application.test_client()
    close_app(application)


@pytest.fixture()
def store_client() -> Iterator[Callable[[ox.Store], FlaskClient]]:
    """Test clients of apps over ready stores; every app is closed after the test."""
    made: list[Flask] = []

    def factory(store: ox.Store) -> FlaskClient:
        application = _app(STORE=store, RELEASE_ID="test")
        made.append(application)
        return application.test_client()

    yield factory
    for application in made:
        close_app(application)
