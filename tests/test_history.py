"""Versioned releases: a release is published by recording it under releases/; only recorded
IRIs must keep being minted (or be retired); a version names one content for good; `dprk-ld
diff` lists findings added, changed field by field, and retired; the history is data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dprk_ld.cli import main
from dprk_ld.release.build import build_release
from dprk_ld.release.history import Record, read_records
from dprk_ld.release.namespaces import DPRK
from dprk_ld.release.versions import PREVIOUS_VERSION, history_graph, version_iri
from dprk_ld.testing import edit_fixture

FINDINGS = "data/findings/mini.yaml"
RENAME = ("  - id: media-controlled\n", "  - id: media-strictly-controlled\n")


def test_a_draft_never_recorded_may_be_renamed(mini: Path) -> None:
    build_release(mini)
    edit_fixture(mini, FINDINGS, *RENAME)
    build_release(mini)  # no record: nothing was published, nothing to retire
    assert not (mini / "releases").exists()


def test_record_writes_the_release_once_per_version(
        mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_release(mini)
    assert main(["record", "--root", str(mini)]) == 0
    record = json.loads((mini / "releases" / "0.0.1.json").read_text(encoding="utf-8"))
    info = json.loads((mini / "dist" / "release.json").read_text(encoding="utf-8"))
    assert record["release_id"] == info["release_id"] and record["version"] == "0.0.1"
    assert "finding/mini/media-controlled" in record["minted"]
    assert set(record["findings"]) == set(info["finding_digests"])
    assert len(record["findings"]) == info["findings"] > 0
    assert main(["record", "--root", str(mini)]) == 0
    assert "already recorded" in capsys.readouterr().out

    edit_fixture(mini, FINDINGS, "summary: All media is strictly controlled by the state.",
                 "summary: The state strictly controls all media.")
    assert main(["record", "--root", str(mini)]) == 2  # the release is stale
    assert "run `dprk-ld build` first" in capsys.readouterr().err
    build_release(mini)
    assert main(["record", "--root", str(mini)]) == 2  # same version, other content
    assert "version 0.0.1 was published with other content" in capsys.readouterr().err

    edit_fixture(mini, "data/dataset.yaml", "version: 0.0.1", "version: 0.0.2")
    build_release(mini)
    assert main(["record", "--root", str(mini)]) == 0
    assert [r.version for r in read_records(mini)] == ["0.0.1", "0.0.2"]


def test_a_version_below_the_last_is_refused(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_fixture(mini, "data/dataset.yaml", "version: 0.0.1", "version: 0.2.0")
    build_release(mini)
    assert main(["record", "--root", str(mini)]) == 0
    edit_fixture(mini, "data/dataset.yaml", "version: 0.2.0", "version: 0.1.9")
    build_release(mini)
    assert main(["record", "--root", str(mini)]) == 2
    assert "0.1.9 is not above the last published, 0.2.0" in capsys.readouterr().err


def test_retired_iris_carry_their_reason_and_last_release(mini: Path) -> None:
    build_release(mini)
    assert main(["record", "--root", str(mini)]) == 0
    edit_fixture(mini, FINDINGS, *RENAME)
    (mini / "data/retired.yaml").write_text(
        "retired:\n"
        "  - {id: finding/mini/media-controlled, reason: renamed,\n"
        "     replaced_by: finding/mini/media-strictly-controlled}\n"
        "  - {id: evidence/mini/media-controlled/1, reason: renamed}\n", encoding="utf-8")
    build_release(mini)
    info = json.loads((mini / "dist" / "release.json").read_text(encoding="utf-8"))
    assert {"id": "finding/mini/media-controlled", "reason": "renamed",
            "replaced_by": "finding/mini/media-strictly-controlled",
            "last_published": "0.0.1"} in info["retired"]


def test_diff_lists_added_changed_field_by_field_and_retired(
        mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_release(mini)
    old = tmp_path / "old"
    shutil.copytree(mini / "dist", old)
    edit_fixture(mini, FINDINGS, "summary: All media is strictly controlled by the state.",
                 "summary: The state strictly controls all media.")
    edit_fixture(mini, FINDINGS, "  - id: hoeryong-trial\n", "  - id: hoeryong-public-trial\n")
    build_release(mini)
    shutil.rmtree(old / "sources")  # only the dump is read
    (old / "dprk-ld.nq").unlink()  # and the compressed one serves as well
    assert main(["diff", str(old), str(mini / "dist")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("1 added, 1 changed, 1 retired")
    assert "+ mini/hoeryong-public-trial" in out and "- mini/hoeryong-trial" in out
    changed = out[out.index("~ mini/media-controlled"):]
    assert "dprk:summary:" in changed
    assert '- "All media is strictly controlled by the state."@en' in changed
    assert '+ "The state strictly controls all media."@en' in changed
    assert main(["diff", str(tmp_path / "nowhere"), str(mini / "dist")]) == 2


def _record(version: str, findings: dict[str, str]) -> Record:
    return Record(version, "2026-01-01", "id-" + version, 10, findings, [])


def test_the_history_is_data() -> None:
    records = [_record("0.1.0", {"a/x": "1", "a/y": "2"}), _record("0.2.0", {"a/x": "1", "a/y": "3",
                                                                           "a/z": "4"})]
    current = _record("0.3.0", {"a/x": "1", "a/z": "4"})
    g = history_graph(records, current)
    from rdflib.namespace import PROV

    v2, v3 = version_iri("0.2.0"), version_iri("0.3.0")
    assert (v3, PREVIOUS_VERSION, v2) in g and (v3, PROV.wasRevisionOf, v2) in g
    assert {str(o).rsplit("/", 2)[-2:][1] for o in g.objects(v2, DPRK.findingAdded)} == {"z"}
    assert {str(o).rsplit("/", 1)[-1] for o in g.objects(v2, DPRK.findingChanged)} == {"y"}
    assert {str(o).rsplit("/", 1)[-1] for o in g.objects(v3, DPRK.findingRetired)} == {"y"}
    assert not list(g.objects(version_iri("0.1.0"), PREVIOUS_VERSION))
