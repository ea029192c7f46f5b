"""Help for a curator whose data is refused: "did you mean", where a quote stops matching (at the
quote's own line), and concept ids found by label from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dprk_ld.cli import main
from dprk_ld.curation.suggest import close_to, did_you_mean, fold, where_it_stops
from dprk_ld.testing import edit_fixture, load_problems

FINDINGS = "data/findings/mini.yaml"


def messages(root: Path) -> list[str]:
    return [str(p) for p in load_problems(root)]


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert fold("Hoeryŏng") == fold("hoeryong") == "hoeryong"
    assert fold("forced-labor") == "forced labor"


@pytest.mark.parametrize(("value", "expected"), [
    ("forced-labour", ["forced-labor"]),  # a spelling
    ("forced labor", ["forced-labor"]),  # the id in words
    ("Forced Labour", ["forced-labor"]),  # the label, not the id
    ("executoin", ["execution"]),
])
def test_close_to_finds_by_id_and_by_label(value: str, expected: list[str]) -> None:
    choices = ["forced-labor", "overseas-forced-labor", "execution", "torture"]
    labels = {"forced-labor": "forced labour", "execution": "execution"}
    assert close_to(value, choices, labels)[:1] == expected


def test_nothing_close_says_nothing() -> None:
    assert did_you_mean("zzzz", ["forced-labor", "execution"]) == ""
    assert did_you_mean(None, ["x"]) == ""


def test_a_concept_given_by_its_label_is_pointed_to_its_id(mini: Path) -> None:
    edit_fixture(mini, FINDINGS, "violations: [censorship, forced-labor]",
                 "violations: [censorship, forced labour]")
    found = [m for m in messages(mini) if "unknown concept 'forced labour'" in m]
    assert found and "did you mean 'forced-labor'" in found[0], found


def test_a_mistyped_concept_with_nothing_close_points_to_the_command(mini: Path) -> None:
    edit_fixture(mini, FINDINGS, "violations: [censorship, forced-labor]",
                 "violations: [censorship, qqqqqq]")
    found = [m for m in messages(mini) if "unknown concept 'qqqqqq'" in m]
    assert found and "dprk-ld concepts WORDS --scheme violation-types" in found[0], found


def test_a_mistyped_field_and_entity_get_a_suggestion(mini: Path) -> None:
    edit_fixture(mini, FINDINGS, "    rights: [freedom-of-expression]",
                 "    rigths: [freedom-of-expression]")
    edit_fixture(mini, FINDINGS, "places: [hoeryong]", "places: [hoeryng]")
    text = "\n".join(messages(mini))
    assert "unknown field 'rigths'; did you mean 'rights'?" in text
    assert "unknown place 'hoeryng'; did you mean 'hoeryong'" in text


def test_a_quote_that_stops_matching_says_where_and_which_character(mini: Path) -> None:
    edit_fixture(mini, FINDINGS, '- "In August, a court reportedly sentenced a woman and her '
                 'parents to 10, 9 and 8 years', '- "In August, a court reportedly sentenced a '
                 'woman and her parents to 10, 9, and 8 years')
    problems = [p for p in load_problems(mini) if "quote not found" in p.message]
    assert len(problems) == 1, problems
    message = problems[0].message
    prefix = "In August, a court reportedly sentenced a woman and her parents to 10, 9"
    assert f"its first {len(prefix)} of" in message
    assert "the quote has ',' (U+002C COMMA) where the source has ' ' (U+0020 SPACE)" in message
    lines = (mini / FINDINGS).read_text(encoding="utf-8").splitlines()
    assert problems[0].line is not None
    assert "9, and 8 years" in lines[problems[0].line - 1]  # the quote's own line
    assert "- id:" not in lines[problems[0].line - 1]


def test_where_it_stops_needs_a_real_start() -> None:
    assert "not even its first words" in where_it_stops("abc def ghi jkl", "zzz yyy xxx www", 0, 15)


def test_the_concepts_command_finds_ids_by_label(capsys: pytest.CaptureFixture[str]) -> None:
    repo = Path(__file__).resolve().parents[1]
    assert main(["concepts", "forced", "labour", "--root", str(repo)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("violation-types/forced-labor\tforced labour")
    assert main(["concepts", "zzzq", "--root", str(repo)]) == 1
