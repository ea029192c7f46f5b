"""Reviewing candidates (`dprk-ld candidates list|check|accept|reject|edit`), that none is ever
published, and the evaluator's scores on a case small enough to count by hand."""

from __future__ import annotations

import gzip
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from dprk_ld.cli import main
from dprk_ld.curation.dates import Date
from dprk_ld.curation.ingest.evaluate import misses, score
from dprk_ld.curation.load import load_project
from dprk_ld.curation.model import Finding, Quantity, Quote, Section
from dprk_ld.release.build import build_release
from dprk_ld.testing import ingest_args

REPORT = """North Korea is one of the most repressive countries in the world.
In August, a court reportedly sentenced a man to 10 years of forced labor in Hoeryong.
Donate now to support our work.
"""
ASSESSMENT = "north-korea-one-most-repressive"
SENTENCE = "august-court-reportedly-sentenced-man"


def run(*args: str) -> int:
    return main(list(args))


def candidate_ids(root: Path, source: str = "new-report") -> list[str]:
    raw = yaml.safe_load((root / "data" / "candidates" / f"{source}.yaml").read_text(encoding="utf-8"))
    return [c["id"] for c in raw["candidates"]]


@pytest.fixture
def ingested(mini: Path, tmp_path: Path) -> Path:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    assert run(*ingest_args(mini, report)) == 0
    assert candidate_ids(mini) == [ASSESSMENT, SENTENCE]
    return mini


def test_list_names_each_candidate(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run("candidates", "list", "new-report", "--root", str(ingested)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"new-report/{ASSESSMENT}\tassessment\tstated\tNorth Korea is one")
    assert lines[1].startswith(f"new-report/{SENTENCE}\tincident\treportedly\tIn August")


def test_check_explains_what_is_missing(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run("candidates", "check", "new-report", "--root", str(ingested)) == 1
    out = capsys.readouterr().out
    block = out.split(f"new-report/{SENTENCE}:")[1]
    assert "summary missing: write one in your own words" in block
    assert "no topic: give at least one topic id in topics" in block
    assert "sentence 1: missing 'convicted'" in block  # the loader's own rule, its own words
    assert out.rstrip().endswith("0 of 2 candidates can be accepted as they are")


def test_accept_is_refused_until_the_checks_pass_then_moves_the_candidate(
    ingested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = f"new-report/{ASSESSMENT}"
    assert run("candidates", "accept", ref, "--root", str(ingested)) == 2
    assert "summary missing" in capsys.readouterr().err
    assert not (ingested / "data" / "findings" / "new-report.yaml").exists()

    assert (
        run(
            "candidates",
            "edit",
            ref,
            "--set",
            "summary=North Korea: among the most repressive states.",
            "--set",
            "topics=[information-control]",
            "--root",
            str(ingested),
        )
        == 0
    )
    assert run("candidates", "accept", ref, "--as", "most-repressive", "--root", str(ingested)) == 0
    assert candidate_ids(ingested) == [SENTENCE]
    text = (ingested / "data" / "findings" / "new-report.yaml").read_text(encoding="utf-8")
    assert 'as_of: "2024"' in text and "topics: [information-control]" in text  # the style of data/
    raw = yaml.safe_load(text)
    assert raw["source"] == "new-report"
    [finding] = raw["findings"]
    assert finding["id"] == "most-repressive" and finding["summary"].startswith("North Korea: among")
    assert not {"candidate", "offsets", "why"} & set(finding)
    project = load_project(ingested)
    [loaded] = [f for f in project.findings if f.source == "new-report"]
    assert loaded.kind == "assessment" and loaded.quotes[0].exact.startswith("North Korea is one")
    assert str(loaded.as_of) == "2024" and loaded.time_basis == "inferred-from-coverage"


def test_accept_appends_to_a_curated_findings_file_keeping_it(mini: Path) -> None:
    quote = (
        "The government cracks down on those accessing unsanctioned content, particular of South "
        "Korean origin."
    )
    (mini / "data" / "candidates").mkdir()
    (mini / "data" / "candidates" / "mini.yaml").write_text(
        yaml.safe_dump(
            {
                "source": "mini",
                "candidates": [
                    {
                        "id": "crackdown",
                        "candidate": True,
                        "kind": "pattern",
                        "summary": "The state punishes access to unsanctioned content.",
                        "quotes": [quote],
                        "offsets": [[0, 1]],
                        "certainty": "stated",
                        "undated": "the source gives no date",
                        "topics": ["information-control"],
                        "why": {"kind": "default"},
                    }
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    findings = mini / "data" / "findings" / "mini.yaml"
    before = findings.read_text(encoding="utf-8")
    assert run("candidates", "accept", "mini/crackdown", "--root", str(mini)) == 0
    after = findings.read_text(encoding="utf-8")
    assert after.startswith(before) and "  - id: crackdown\n" in after[len(before) :]
    assert "crackdown" in {f.id for f in load_project(mini).findings if f.source == "mini"}
    assert run("candidates", "accept", "mini/crackdown", "--root", str(mini)) == 2  # gone from the list


def test_reject_drops_one_candidate(ingested: Path) -> None:
    assert run("candidates", "reject", f"new-report/{SENTENCE}", "--root", str(ingested)) == 0
    assert candidate_ids(ingested) == [ASSESSMENT]
    assert run("candidates", "reject", "new-report/no-such-candidate", "--root", str(ingested)) == 2


def test_edit_opens_the_editor_on_that_candidate_alone(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "text = p.read_text(encoding='utf-8')\n"
        f"assert text.count('id: ') == 1 and '{SENTENCE}' not in text\n"
        "p.write_text(text.replace('kind: assessment', 'kind: pattern'), encoding='utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    assert run("candidates", "edit", f"new-report/{ASSESSMENT}", "--root", str(ingested)) == 0
    raw = yaml.safe_load((ingested / "data" / "candidates" / "new-report.yaml").read_text(encoding="utf-8"))
    kinds = {c["id"]: c["kind"] for c in raw["candidates"]}
    assert kinds == {ASSESSMENT: "pattern", SENTENCE: "incident"}


def test_edit_set_parses_values_and_removes_empty_ones(ingested: Path) -> None:
    ref = f"new-report/{SENTENCE}"
    assert (
        run(
            "candidates",
            "edit",
            ref,
            "--set",
            "places=[hoeryong, north-hamgyong]",
            "--set",
            "why=",
            "--set",
            "summary=10",
            "--root",
            str(ingested),
        )
        == 0
    )
    raw = yaml.safe_load((ingested / "data" / "candidates" / "new-report.yaml").read_text(encoding="utf-8"))
    item = next(c for c in raw["candidates"] if c["id"] == SENTENCE)
    assert item["places"] == ["hoeryong", "north-hamgyong"] and "why" not in item
    assert item["summary"] == "10"  # a summary is text, never a number
    assert run("candidates", "edit", ref, "--set", "places", "--root", str(ingested)) == 2


def _published_bytes(dist: Path) -> bytes:
    data = b""
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        data += gzip.decompress(raw) if path.suffix == ".gz" else raw
    return data


def test_candidates_are_never_published(mini: Path, tmp_path: Path) -> None:
    (mini / "data" / "candidates").mkdir()
    (mini / "data" / "candidates" / "mini.yaml").write_text(
        yaml.safe_dump(
            {
                "source": "mini",
                "candidates": [
                    {
                        "id": "unpublished-candidate",
                        "candidate": True,
                        "kind": "pattern",
                        "summary": "Words that only a candidate holds, zebra-striped.",
                        "certainty": "stated",
                        "quotes": ["It jams Chinese mobile phone services at the border"],
                        "undated": "no date",
                        "topics": ["information-control"],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    built = build_release(mini, tmp_path / "dist")
    published = _published_bytes(tmp_path / "dist")
    assert built.findings == 15 and b"hoeryong-trial" in published  # the curated ones are there
    assert b"unpublished-candidate" not in published and b"zebra-striped" not in published


def test_evaluate_writes_candidates_where_told_and_prints_scores(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("ingest", "--evaluate", "mini", "--out", str(tmp_path / "out"), "--root", str(mini)) == 0
    out = capsys.readouterr().out
    assert out.startswith("mini: 10 curated findings,")
    assert "quotes found inside candidates: 1.000" in out
    assert (tmp_path / "out" / "mini.yaml").is_file() and not (mini / "data" / "candidates").exists()


# --- the scores, on a case counted by hand ------------------------------------------------------


def finding(
    fid: str, spans: list[tuple[int, int]], certainty: str = "stated", kind: str = "pattern", **fields: Any
) -> Finding:
    quotes = [Quote("x" * (b - a), a, b, "", "") for a, b in spans]
    return Finding(
        "s", fid, kind, "summary", quotes, certainty, Section("main", "Main", 0, 999), "f", **fields
    )


def test_the_scores_of_a_hand_made_case() -> None:
    findings = [
        finding(
            "f1",
            [(0, 50)],
            "reportedly",
            "incident",
            places=["hoeryong"],
            violations=["forced-labor", "censorship"],
            dates=[Date("2024-08")],
            perpetrators=["dprk-courts"],
            quantities=[Quantity("year", "exact", value=Decimal(10))],
        ),
        finding("f2", [(10, 30)], violations=["torture"], as_of=Date("2024")),
        finding("f3", [(100, 140)], places=["north-korea"]),
        finding("f4", [(300, 320)], places=["musan"], violations=["execution"]),
    ]
    candidates = [
        {
            "offsets": [[0, 60]],
            "kind": "incident",
            "certainty": "reportedly",
            "places": ["hoeryong", "china"],
            "violations": ["forced-labor"],
            "date": "2024-08",
            "perpetrators": ["dprk-courts"],
            "quantities": [{"value": 10, "unit": "year", "qualifier": "exact"}],
        },
        {"offsets": [[90, 130]], "kind": "pattern", "certainty": "alleged", "places": ["north-korea"]},
        {"offsets": [[200, 250]], "kind": "pattern", "certainty": "stated", "places": ["china"]},
    ]
    s = score("s", findings, candidates, org_ids={"dprk-courts"}, spatial={"north-korea"})
    assert s.quotes == 0.5  # f1 and f2 lie inside the first candidate; f3 sticks out; f4 is nowhere
    assert s.unmatched_candidates == 1  # the third
    assert s.certainty == 0.25 and s.kind == 0.5
    counts = {name: (t.tp, t.fp, t.fn) for name, t in s.fields.items()}
    assert counts == {
        "places": (2, 1, 1),  # hoeryong, north-korea; china; musan (of the unmatched f4)
        "places-specific": (1, 1, 1),
        "organizations": (1, 0, 0),
        "violations": (1, 0, 3),  # forced-labor; -; censorship and torture (f1 + f2), execution (f4)
        "dates": (1, 0, 1),  # date:2024-08; -; as_of:2024 of f2
        "dates-value": (1, 0, 1),  # 2024-08; -; 2024 of f2
        "figures": (1, 0, 0),
    }
    assert (s.fields["places"].precision, s.fields["violations"].recall) == (2 / 3, 0.25)


def test_the_date_score_with_and_without_the_field() -> None:
    """``dates`` counts the field that holds a time, ``dates-value`` only the time: the same year
    as ``date`` in a candidate and as ``as_of`` in the curated finding is a hit for the second
    only; another year is a miss for both."""
    findings = [
        finding("f1", [(0, 50)], as_of=Date("2024")),
        finding("f2", [(100, 150)], dates=[Date("2023")]),
    ]
    candidates = [
        {"offsets": [[0, 60]], "kind": "pattern", "certainty": "stated", "date": "2024"},
        {"offsets": [[90, 160]], "kind": "pattern", "certainty": "stated", "as_of": "2024"},
    ]
    s = score("s", findings, candidates, org_ids=set(), spatial=set())
    dates, values = s.fields["dates"], s.fields["dates-value"]
    assert (dates.tp, dates.fp, dates.fn) == (0, 2, 2)
    assert (values.tp, values.fp, values.fn) == (1, 1, 1)
    assert "dates-value precision 0.50 < 0.9" in misses(s) and "dates precision 0.00 < 0.9" in misses(s)
