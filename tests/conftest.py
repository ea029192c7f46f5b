"""Fixtures shared by the build tests: the repository, a tiny project, and one build of the real data."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from dprk_ld.release.build import build_release
from dprk_ld.release.validate import load_shapes

#: `--store {embedded,oxigraph,virtuoso}`: the endpoint and linked-data suites over that store
pytest_plugins = ["dprk_ld.testing.store_option"]

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def make_project(dest: Path, data: Path) -> Path:
    """A project folder: the repository's ontology and shapes, with the given data/ folder (and the
    vocabulary files of an ``ontology/vocab/`` folder beside it, added to the repository's)."""
    shutil.copytree(REPO / "ontology", dest / "ontology")
    shutil.copytree(REPO / "shapes", dest / "shapes")
    shutil.copytree(data, dest / "data")
    for extra in sorted((data.parent / "ontology" / "vocab").glob("*.ttl")):
        shutil.copy(extra, dest / "ontology" / "vocab" / extra.name)
    return dest


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the tiny fixture project, safe to modify."""
    return make_project(tmp_path / "mini", MINI / "data")


@pytest.fixture(scope="session")
def mini_copier(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Makes a fresh copy of the tiny fixture project, for fixtures wider than one test."""
    return lambda name: make_project(tmp_path_factory.mktemp(name) / "mini", MINI / "data")


@pytest.fixture(scope="session")
def mini_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny fixture project, built once; do not modify."""
    root = make_project(tmp_path_factory.mktemp("mini-release"), MINI / "data")
    build_release(root)
    return root / "dist"


@pytest.fixture(scope="session")
def real_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data of data/, built once into a temporary folder."""
    dist = tmp_path_factory.mktemp("real") / "dist"
    build_release(REPO, dist)
    return dist


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The SHACL shapes of the project (each test module its own copy)."""
    return load_shapes(REPO)


@pytest.fixture(scope="module")
def release_graph(mini_release: Path) -> Graph:
    """The union graph of the mini release, read from its N-Triples dump (per test module)."""
    return Graph().parse(mini_release / "dprk-ld.nt", format="nt")
