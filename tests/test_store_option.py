"""The pytest option ``--store`` (dprk_ld.testing.store_option): embedded-only tests are
deselected under an external store and counted in the summary (under xdist too); a ready store
becomes a release folder; the pool gives an app a store holding its release."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from dprk_ld.release.namespaces import GRAPH
from dprk_ld.release.remote import PUBLISHED
from dprk_ld.testing.store_option import StorePool, write_release

GRAPH_ID = "https://w3id.org/dprk-ld/ontology#releaseId"
FIXTURE_DIST = Path(__file__).resolve().parent / "endpoint" / "fixtures" / "dist"
SUITE = '''
import pytest

def test_over_any_store():
    assert True

@pytest.mark.embedded_only(reason="a reason of its own")
def test_of_the_engine():
    assert True
'''
INI = '''[pytest]
markers =
    embedded_only(reason): about the embedded engine
addopts = -p dprk_ld.testing.store_option -p no:randomly -p no:cacheprovider
'''


def run_suite(tmp_path: Path, *args: str) -> str:
    (tmp_path / "test_suite.py").write_text(SUITE, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text(INI, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=tmp_path, text=True,
                          capture_output=True, timeout=120,
                          env={**os.environ, "PYTEST_ADDOPTS": ""})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_embedded_runs_everything(tmp_path: Path) -> None:
    out = run_suite(tmp_path)
    assert "2 passed" in out and "deselected" not in out


def test_an_external_store_deselects_and_counts_them(tmp_path: Path) -> None:
    out = run_suite(tmp_path, "--store", "oxigraph")
    assert "1 passed, 1 deselected" in out
    assert "1 tests deselected as embedded_only" in out and "a reason of its own" in out


def test_the_count_comes_back_from_xdist_workers(tmp_path: Path) -> None:
    out = run_suite(tmp_path, "--store", "virtuoso", "-n", "2")
    assert "1 passed" in out
    assert "1 tests deselected as embedded_only" in out and "a reason of its own" in out


def test_a_ready_store_becomes_a_release_folder(tmp_path: Path) -> None:
    store = ox.Store()
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    named = ox.NamedNode("http://example.org/g")
    store.add(ox.Quad(s, p, ox.Literal("in the default graph")))
    store.add(ox.Quad(ox.BlankNode("b7"), p, ox.Literal("named"), named))
    dist = write_release(store, "some-release", "1.0", tmp_path / "dist")
    quads = set(ox.parse(path=str(dist / "dprk-ld.nq"), format=ox.RdfFormat.N_QUADS,
                         rename_blank_nodes=False))
    assert quads == {ox.Quad(s, p, ox.Literal("in the default graph"), ox.NamedNode(GRAPH["data"])),
                     ox.Quad(ox.BlankNode("b7"), p, ox.Literal("named"), named)}
    assert json.loads((dist / "release.json").read_text()) == {"release_id": "some-release",
                                                                "version": "1.0"}


def test_the_pool_shares_a_release_and_never_swaps_one_in_use(tmp_path: Path) -> None:
    other_store = ox.Store()
    other_store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                            ox.Literal("other"), ox.NamedNode(GRAPH["data"])))
    other = write_release(other_store, "other", None, tmp_path / "other")
    pool = StorePool("oxigraph")
    try:
        first = pool.take(FIXTURE_DIST)
        assert pool.take(FIXTURE_DIST) is first  # the same release: the same store
        second = pool.take(other)
        assert second is not first  # the fixture's store is in use: not swapped
        ids = {s: s.query(f"SELECT ?id WHERE {{ GRAPH <{PUBLISHED}> {{ ?d <{GRAPH_ID}> ?id }} }}")
               for s in (first, second)}
        assert [row["id"]["value"] for row in ids[second]["results"]["bindings"]] == ["other"]
        fixture_id = json.loads((FIXTURE_DIST / "release.json").read_text())["release_id"]
        assert [row["id"]["value"] for row in ids[first]["results"]["bindings"]] == [fixture_id]
        servers = list(pool.servers)
    finally:
        pool.close()
    assert len(servers) == 2 and all(server.group_members() == [] for server in servers)


def test_a_ready_store_keeps_the_release_id_its_void_names(tmp_path: Path) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/dprk-ld/dataset"), ox.NamedNode(GRAPH_ID),
                      ox.Literal("built-id"), ox.NamedNode(GRAPH["void"])))
    named = write_release(store, None, None, tmp_path / "named")
    assert json.loads((named / "release.json").read_text())["release_id"] == "built-id"
    given = write_release(store, "given-id", None, tmp_path / "given")
    assert json.loads((given / "release.json").read_text())["release_id"] == "given-id"
    bare = write_release(ox.Store(), None, None, tmp_path / "bare")
    assert json.loads((bare / "release.json").read_text())["release_id"] == "unversioned"
