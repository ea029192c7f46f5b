"""The fixture release of the endpoint tests (fixtures/dist) is what its source (fixtures/release.trig)
makes: never edited by hand, never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dprk_ld.release.store import open_release
from dprk_ld.testing import fixture_release_files, write_fixture_release

COMMAND = "make fixtures"

pytestmark = pytest.mark.embedded_only(reason="the fixture release's own build")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_the_committed_fixture_release_is_not_stale(fixture_source: Path, fixture_dist: Path,
                                                     tmp_path: Path) -> None:
    write_fixture_release(fixture_source, tmp_path / "dist")
    fresh, committed = files_of(tmp_path / "dist"), files_of(fixture_dist)
    differ = sorted(name for name in fresh.keys() | committed.keys()
                    if fresh.get(name) != committed.get(name))
    assert not differ, (f"{fixture_dist} is stale ({', '.join(differ)} differ from what "
                        f"{fixture_source.name} makes): run `{COMMAND}`")


def test_the_fixture_release_is_a_release(fixture_source: Path, fixture_dist: Path) -> None:
    files = fixture_release_files(fixture_source)
    info = json.loads(files["release.json"])
    assert info["triples"] == 22
    assert info["files"]["dprk-ld.nq"]["bytes"] == len(files["dprk-ld.nq"])
    store = open_release(fixture_dist)
    assert len(store) == info["triples"]
    graphs = {g.value.rsplit("/", 1)[-1] for g in store.named_graphs()}
    assert graphs == {"data", "ontology", "shapes", "void"}
