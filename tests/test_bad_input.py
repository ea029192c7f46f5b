"""Every kind of bad input gets an error naming the file, the finding and the problem, and a failed
build leaves the previous release exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from dprk_ld.cli import main
from dprk_ld.curation.errors import Problem
from dprk_ld.curation.load import load_project
from dprk_ld.release.build import build_release
from dprk_ld.testing import edit_fixture as edit
from dprk_ld.testing import load_problems as problems

FINDINGS = "data/findings/mini.yaml"
ENTITIES = "data/entities/entities.yaml"




def only(root: Path) -> Problem:
    found = problems(root)
    assert len(found) == 1, found
    return found[0]


def test_the_fixture_itself_loads(mini: Path) -> None:
    project = load_project(mini)
    curated = [f for p in sorted((mini / "data/findings").glob("*.yaml"))
               for f in yaml.safe_load(p.read_text(encoding="utf-8"))["findings"]]
    assert len(project.findings) == len(curated) >= 10
    assert {f.section.id for f in project.findings if f.source == "mini"} == {
        "introduction",
        "freedom-of-expression-and-information",
        "forced-labor",
        "justice-and-accountability",
        "key-international-actors",
        "freedom-of-movement",
    }


def test_malformed_yaml(mini: Path) -> None:
    edit(mini, FINDINGS, "    kind: pattern\n", "    kind: pattern\n  bad indentation: [\n")
    p = only(mini)
    assert p.file == FINDINGS
    assert "malformed YAML" in p.message
    assert p.line is not None


def test_duplicate_yaml_key(mini: Path) -> None:
    edit(mini, FINDINGS, "    kind: pattern\n", "    kind: pattern\n    kind: incident\n")
    p = only(mini)
    assert "duplicate key 'kind'" in p.message


def test_unknown_field(mini: Path) -> None:
    edit(mini, FINDINGS, "    kind: pattern\n", "    kind: pattern\n    colour: red\n")
    p = only(mini)
    assert (p.file, p.item) == (FINDINGS, "media-controlled")
    assert "unknown field 'colour'" in p.message


def test_missing_field(mini: Path) -> None:
    edit(mini, FINDINGS, "    summary: All media is strictly controlled by the state.\n", "")
    p = only(mini)
    assert p.item == "media-controlled"
    assert "missing field 'summary'" in p.message


def test_field_required_by_kind(mini: Path) -> None:
    edit(mini, FINDINGS, "    kind: pattern\n", "    kind: statistic\n")
    p = only(mini)
    assert p.item == "media-controlled"
    assert "'quantities', required for a statistic" in p.message


def test_field_of_another_kind(mini: Path) -> None:
    edit(mini, FINDINGS, "    kind: pattern\n", "    kind: pattern\n    response: sanctions\n")
    assert "applies only to international-response" in only(mini).message


@pytest.mark.parametrize("bad", ['"2024-13"', '"2024-02-30"', '"July 2024"', '"2024-07-01T10:00"'])
def test_bad_date(mini: Path, bad: str) -> None:
    edit(mini, FINDINGS, 'date: "2024-07"', f"date: {bad}")
    p = only(mini)
    assert (p.item, p.file) == ("sd-card-sentences", FINDINGS)
    assert p.message.startswith("date:")


def test_period_that_ends_before_it_starts(mini: Path) -> None:
    edit(
        mini,
        FINDINGS,
        'period: {start: "2024-07", end: "2024-07"}',
        'period: {start: "2024-08", end: "2024-07"}',
    )
    assert "is after end" in only(mini).message


@pytest.mark.parametrize("term", ["months: 0.5", "years: 0", "months: -2"])
def test_sentence_term_that_is_no_whole_number_of_months(mini: Path, term: str) -> None:
    edit(mini, FINDINGS, "{convicted: a man, penalty: forced-labor, years: 7}",
         f"{{convicted: a man, penalty: forced-labor, {term}}}")
    p = only(mini)
    assert p.item == "sd-card-sentences"
    assert "a term is a positive whole number of months" in p.message


def test_unknown_concept(mini: Path) -> None:
    edit(mini, FINDINGS, "violations: [censorship]", "violations: [flying]")
    p = only(mini)
    assert p.item == "media-controlled"
    assert "unknown concept 'flying'" in p.message and "violation-types" in p.message


def test_unknown_place(mini: Path) -> None:
    edit(mini, FINDINGS, "places: [hoeryong]", "places: [atlantis]")
    p = only(mini)
    assert p.item == "hoeryong-trial"
    assert "places: unknown place 'atlantis'" in p.message


def test_entity_of_the_wrong_kind(mini: Path) -> None:
    edit(mini, FINDINGS, "places: [hoeryong]", "places: [dprk-courts]")
    assert "'dprk-courts' is a org, not a place" in only(mini).message


def test_duplicate_finding_identifier(mini: Path) -> None:
    edit(mini, FINDINGS, "  - id: media-controlled\n", "  - id: hoeryong-trial\n")
    p = only(mini)
    assert p.item == "hoeryong-trial"
    assert "duplicate identifier 'hoeryong-trial'" in p.message


def test_duplicate_entity_identifier(mini: Path) -> None:
    (mini / "data/entities/more.yaml").write_text(
        "places:\n  - {id: hoeryong, label: Hoeryong again, type: city, within: north-hamgyong}\n",
        encoding="utf-8",
    )
    p = only(mini)
    assert (p.file, p.item) == ("data/entities/more.yaml", "hoeryong")
    assert "duplicate identifier 'hoeryong' (also in data/entities/entities.yaml" in p.message


def test_quote_not_in_source(mini: Path) -> None:
    edit(mini, FINDINGS, '"All media is strictly controlled."', '"All media are strictly controlled."')
    p = only(mini)
    assert p.item == "media-controlled"
    assert "quote not found verbatim in mini.txt" in p.message


def test_quote_with_straight_apostrophe_gets_a_hint(mini: Path) -> None:
    edit(
        mini,
        FINDINGS,
        "  - id: media-controlled\n",
        "  - id: media-controlled\n    note: x\n",
    )
    edit(mini, FINDINGS, '"All media is strictly controlled."', '"The government cracks down on those"')
    assert load_project(mini)  # the curly-free quote exists verbatim: no problem
    edit(mini, FINDINGS, '"The government cracks down on those"', '"The Democratic People\'s Republic"')
    p = only(mini)
    assert "differs in quotes, dashes, case or spacing" in p.message


def test_ambiguous_quote(mini: Path) -> None:
    edit(mini, FINDINGS, '"All media is strictly controlled."', '"North Korea"')
    p = only(mini)
    assert "ambiguous" in p.message and "lengthen it" in p.message


def test_quote_from_the_junk_outside_the_body(mini: Path) -> None:
    edit(mini, FINDINGS, '"All media is strictly controlled."', '"Site navigation junk"')
    assert "outside the publisher's text" in only(mini).message


def test_external_id_not_in_the_reference_file(mini: Path) -> None:
    edit(
        mini,
        ENTITIES,
        "type: city, within: north-hamgyong}",
        "type: city, within: north-hamgyong, wikidata: Q999}",
    )
    p = only(mini)
    assert (p.file, p.item) == (ENTITIES, "hoeryong")
    assert "not in data/reference/external-ids.tsv" in p.message


def test_retired_identifier_may_not_be_minted(mini: Path) -> None:
    (mini / "data/retired.yaml").write_text(
        "retired:\n  - {id: finding/mini/media-controlled, reason: merged}\n", encoding="utf-8"
    )
    assert "is retired and may not be minted again" in only(mini).message


def test_every_problem_is_reported_not_only_the_first(mini: Path) -> None:
    edit(mini, FINDINGS, "violations: [censorship]", "violations: [flying]")
    edit(mini, FINDINGS, "places: [hoeryong]", "places: [atlantis]")
    assert len(problems(mini)) == 2


def _snapshot(dist: Path) -> dict[str, str]:
    return {
        str(p.relative_to(dist)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in dist.rglob("*")
        if p.is_file()
    }


def test_failed_build_leaves_the_release_untouched(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_release(mini)
    before = _snapshot(mini / "dist")
    edit(mini, FINDINGS, '"All media is strictly controlled."', '"Not in the text."')
    assert main(["build", "--root", str(mini), "-q"]) == 2
    err = capsys.readouterr().err
    assert "data/findings/mini.yaml" in err and "[media-controlled]" in err and "quote not found" in err
    assert _snapshot(mini / "dist") == before
    assert not [p for p in mini.iterdir() if p.name.startswith(".dist")]


def test_nonconforming_build_writes_nothing(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_release(mini)
    before = _snapshot(mini / "dist")
    # a concept without a definition passes the loader but not the shapes
    edit(
        mini,
        "ontology/vocab/penalties.ttl",
        'skos:definition "A death sentence or execution."@en',
        'skos:note "no definition"@en',
    )
    assert main(["build", "--root", str(mini), "-q"]) == 1
    err = capsys.readouterr().err
    assert "does not conform" in err and "vocab/penalties/death" in err and "English definition" in err
    assert _snapshot(mini / "dist") == before


def test_vanished_identifier_needs_retiring(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_release(mini)
    assert main(["record", "--root", str(mini)]) == 0  # published: its IRIs must keep answering
    edit(mini, FINDINGS, "  - id: media-controlled\n", "  - id: media-strictly-controlled\n")
    assert main(["build", "--root", str(mini), "-q"]) == 2
    assert ("'finding/mini/media-controlled' was published in release 0.0.1 "
            "(releases/0.0.1.json)") in capsys.readouterr().err
    (mini / "data/retired.yaml").write_text(
        "retired:\n"
        "  - {id: finding/mini/media-controlled, reason: renamed,\n"
        "     replaced_by: finding/mini/media-strictly-controlled}\n"
        "  - {id: evidence/mini/media-controlled/1, reason: renamed}\n",
        encoding="utf-8",
    )
    build_release(mini)
