"""bench/synth.py makes a project N times ours that `dprk-ld build` builds and that conforms to the
shapes: at factor 2, twice our findings and about twice our triples (the ontology and the
vocabularies are not copied), each copy's relations and events naming that copy's findings; and
the build says how it goes, step by step, on stderr."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from dprk_ld.cli import main
from dprk_ld.cli.progress import StepPrinter
from dprk_ld.curation.load import load_project
from dprk_ld.curation.relations import RELATION_FIELDS, related
from dprk_ld.release.build import Step

REPO = Path(__file__).resolve().parents[1]


def _synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth", REPO / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def doubled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "x2"
    _synth().synthesize(2, root)
    return root


def test_factor_two_builds_conforms_and_doubles(doubled: Path, real_release: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--root", str(doubled)]) == 0
    said = capsys.readouterr().err
    assert "[3/5] validating against the SHACL shapes ... done conforms" in said
    ours = json.loads((real_release / "release.json").read_text(encoding="utf-8"))
    made = json.loads((doubled / "dist" / "release.json").read_text(encoding="utf-8"))
    assert made["findings"] == 2 * ours["findings"]
    # the ontology, vocabularies, entities and times are shared by the copies
    assert 1.6 * ours["triples"] < made["triples"] < 2 * ours["triples"]
    texts = [len(list((dist / "sources").glob("*.txt"))) for dist in (real_release, doubled / "dist")]
    assert texts[1] == 2 * texts[0]


def test_each_copy_names_its_own_findings(doubled: Path) -> None:
    ours = sorted(p.stem for p in (REPO / "data" / "sources").glob("*.yaml"))
    copies = sorted(p.stem for p in (doubled / "data" / "sources").glob("*.yaml"))
    assert copies == sorted(ours + [f"{s}-copy2" for s in ours])
    events = yaml.safe_load((doubled / "data" / "events.yaml").read_text(encoding="utf-8"))["events"]
    second = [e for e in events if e["id"].endswith("-copy2")]
    assert second and len(second) * 2 == len(events)
    assert all(key.split("/")[0].endswith("-copy2") for e in second for key in e["findings"])
    project = load_project(doubled)
    copy = {f.key: f.source.endswith("-copy2") for f in project.findings}
    pairs = [(f.key, key) for f in project.findings for name in RELATION_FIELDS for key in related(f, name)]
    assert pairs and all(copy[a] == copy[b] for a, b in pairs)
    synth = _synth()
    assert synth.renamed("hrw-wr-2019", 1) == "hrw-wr-2019"
    assert synth._key("hrw-wr-2019/un-vote", 3) == "hrw-wr-2019-copy3/un-vote"
    assert synth._key("un-vote", 3) == "un-vote"


def test_a_folder_in_use_is_refused(doubled: Path) -> None:
    with pytest.raises(FileExistsError):
        _synth().synthesize(2, doubled)


def test_progress_within_a_step_is_printed_at_most_once_a_second() -> None:
    out = io.StringIO()
    printer = StepPrinter(out, every=0.0)
    printer(Step(3, 5, "validating", "start"))
    printer(Step(3, 5, "validating", "progress", "shape 1/2", 0.5))
    printer(Step(3, 5, "validating", "done", "conforms", 1.0))
    printer(Step(4, 5, "writing", "start"))
    printer(Step(4, 5, "writing", "done", "", 0.1))
    assert out.getvalue().splitlines() == [
        "[3/5] validating ...", "      shape 1/2 (0.5s)", "[3/5] validating ... done conforms (1.0s)",
        "[4/5] writing ... done (0.1s)"]
    quiet = io.StringIO()
    slow = StepPrinter(quiet, every=3600.0)
    slow(Step(1, 1, "x", "start"))
    slow(Step(1, 1, "x", "progress", "never shown", 0.1))
    slow(Step(1, 1, "x", "done", "", 0.2))
    assert quiet.getvalue() == "[1/1] x ... done (0.2s)\n"
