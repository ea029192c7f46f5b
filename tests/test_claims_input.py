"""The checks of a finding's time and figures (docs/claims-model.md, sections 1 and 2): exactly one
of date, period, as_of and undated; a topic; a measure of the right kind and a reference period on
every figure; ranks and alternatives. Each error names the file, the finding and its line; the rules
curation is still filling in carry their rule, which ``dprk-ld check-claims`` counts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dprk_ld.cli import main
from dprk_ld.curation.dates import Date, Period
from dprk_ld.curation.errors import Problem
from dprk_ld.curation.load import load_project
from dprk_ld.curation.missing import only_pending, pending_report
from dprk_ld.testing import edit_fixture as edit
from dprk_ld.testing import load_problems as problems

FINDINGS = "data/findings/mini.yaml"
MEASURES = "ontology/vocab/measures.ttl"
TREATIES = "{measure: human-rights-treaties-ratified, value: 5, unit: count, qualifier: exact, counted: human rights treaties ratified}"  # noqa: E501




def only(root: Path, item: str) -> Problem:
    """The one problem of the load, which names the mini findings file, ``item`` and its line."""
    found = problems(root)
    assert len(found) == 1, found
    p = found[0]
    assert (p.file, p.item) == (FINDINGS, item) and p.line, p
    assert f"{FINDINGS}:{p.line} [{item}]" in str(p)
    return p


def figure(root: Path, new: str) -> None:
    """Replace the figure of finding five-treaties-ratified."""
    edit(root, FINDINGS, TREATIES, new)


# --- time ------------------------------------------------------------------------------------------


def test_two_kinds_of_time_are_refused(mini: Path) -> None:
    edit(mini, FINDINGS, 'date: "2024-07"\n', 'date: "2024-07"\n    as_of: "2024"\n')
    p = only(mini, "sd-card-sentences")
    assert "give one of date, period, as_of or undated, not date and as_of" in p.message
    assert p.rule is None


def test_a_finding_without_time_or_undated_is_pending(mini: Path) -> None:
    edit(mini, FINDINGS, "    undated: the source gives no date\n    violations: [censorship]\n",
         "    violations: [censorship]\n")
    p = only(mini, "media-controlled")
    assert p.rule == "time" and "no time" in p.message
    assert only_pending([p])


def test_undated_needs_a_reason(mini: Path) -> None:
    edit(mini, FINDINGS, "undated: the source gives no date\n    violations: [censorship]",
         "undated: true\n    violations: [censorship]")
    assert "undated: say in a few words why" in only(mini, "media-controlled").message


def test_time_basis_only_with_a_time(mini: Path) -> None:
    edit(mini, FINDINGS, "undated: the source gives no date\n    violations: [censorship]",
         "undated: the source gives no date\n    time_basis: inferred-from-context\n"
         "    violations: [censorship]")
    assert "time_basis applies only to a finding with a time" in only(mini, "media-controlled").message


def test_time_basis_is_a_concept(mini: Path) -> None:
    edit(mini, FINDINGS, "time_basis: inferred-from-coverage\n    quantities:",
         "time_basis: guessed\n    quantities:")
    p = only(mini, "ilo-non-membership")
    assert "time_basis: unknown concept 'guessed' (not in scheme 'time-bases')" in p.message


def test_a_finding_without_a_topic_is_pending(mini: Path) -> None:
    edit(mini, FINDINGS, "    violations: [censorship]\n    topics: [information-control]\n",
         "    violations: [censorship]\n")
    p = only(mini, "media-controlled")
    assert p.rule == "topic" and "no topic" in p.message


def test_the_times_are_read(mini: Path) -> None:
    project = load_project(mini)
    by_id = {f.id: f for f in project.findings if f.source == "mini"}
    assert by_id["media-controlled"].undated == "the source gives no date"
    assert by_id["media-controlled"].times == []
    assert by_id["ilo-non-membership"].time_basis == "inferred-from-coverage"
    assert by_id["ilo-non-membership"].times == [Date("2024")]
    assert by_id["sd-card-sentences"].time_basis == "stated"
    # a period from a month to the same month is that month
    assert by_id["lender-sentence-years"].times == [Date("2024-07")]
    first_half = by_id["arrivals-2024-first-half"]
    assert first_half.period == Period(Date("2024-01"), Date("2024-06"))
    assert first_half.quantities[0].period == first_half.period  # taken from the finding


# --- figures ---------------------------------------------------------------------------------------


def test_a_figure_without_a_measure_is_pending(mini: Path) -> None:
    figure(mini, "{value: 5, unit: count, qualifier: exact, counted: treaties}")
    p = only(mini, "five-treaties-ratified")
    assert p.rule == "measure" and p.message.startswith("quantity 1: no measure")


def test_an_unknown_measure(mini: Path) -> None:
    figure(mini, TREATIES.replace("human-rights-treaties-ratified", "treaties-galore"))
    p = only(mini, "five-treaties-ratified")
    assert "unknown measure 'treaties-galore' (not in ontology/vocab/measures.ttl)" in p.message
    assert p.rule is None


@pytest.mark.parametrize(("unit", "kind"), [("year", "duration"), ("year-of-age", "age"), ("usd", "amount")])
def test_a_unit_of_another_kind_than_the_measure(mini: Path, unit: str, kind: str) -> None:
    figure(mini, TREATIES.replace("unit: count", f"unit: {unit}"))
    p = only(mini, "five-treaties-ratified")
    assert f"unit {unit!r} is for a measure of kind {kind!r}" in p.message
    assert "measure 'human-rights-treaties-ratified' is of kind 'count'" in p.message


def test_an_age_is_in_years_of_age(mini: Path) -> None:
    (mini / "ontology/vocab/ages.ttl").write_text(
        "@base <https://w3id.org/dprk-ld/vocab/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix dprk: <https://w3id.org/dprk-ld/ontology#> .\n"
        '<measures/age-of-victim> a skos:Concept ; skos:inScheme <measures> ; skos:prefLabel "age"@en ;\n'
        '    skos:definition "How old the victim was."@en ; dprk:measureKind <measure-kinds/age> .\n',
        encoding="utf-8")
    figure(mini, "{measure: age-of-victim, value: 47, unit: year-of-age, qualifier: exact}")
    assert load_project(mini)
    edit(mini, FINDINGS, "unit: year-of-age", "unit: year")
    assert "unit 'year' is for a measure of kind 'duration'" in only(mini, "five-treaties-ratified").message


def test_a_measure_without_a_kind(mini: Path) -> None:
    edit(mini, MEASURES, "dprk:measureKind <measure-kinds/count> .", ".")
    found = [p for p in problems(mini) if p.file == MEASURES]
    assert found and "has no dprk:measureKind" in found[0].message
    assert found[0].item and found[0].item.startswith("measures/")


def test_a_figure_takes_the_one_time_of_its_finding_or_gives_its_own(mini: Path) -> None:
    edit(mini, FINDINGS, 'date: "2019"\n', 'date: ["2019", "2020"]\n')
    edit(mini, FINDINGS, 'period: "2019", value: 1000', "value: 1000")
    p = only(mini, "arrivals-2019")
    assert p.rule == "period"
    assert "quantity 1: no period, and the finding has 2 dates to take it from" in p.message
    edit(mini, FINDINGS, "{measure: arrivals-in-south-korea, value: 1000",
         '{measure: arrivals-in-south-korea, period: {start: "2019", end: "2020"}, value: 1000')
    found = {f.id: f for f in load_project(mini).findings}
    assert found["arrivals-2019"].quantities[0].period == Period(Date("2019"), Date("2020"))


def test_an_undated_finding_has_no_time_to_give(mini: Path) -> None:
    edit(mini, FINDINGS, 'as_of: "2024"\n    time_basis: inferred-from-coverage\n    instruments: [iccpr]',
         "undated: the source gives no date\n    instruments: [iccpr]")
    p = only(mini, "five-treaties-ratified")
    assert p.rule == "period" and "the finding is undated" in p.message


def test_a_bad_period_is_reported_once(mini: Path) -> None:
    edit(mini, FINDINGS, 'period: {start: "2024-07", end: "2024-07"}',
         'period: {start: "2024-08", end: "2024-07"}')
    assert "period: start 2024-08 is after end 2024-07" in only(mini, "lender-sentence-years").message


def test_ranks_and_alternatives(mini: Path) -> None:
    figure(mini, "{measure: human-rights-treaties-ratified, ordinal: 6, unit: count, qualifier: exact, "
                 "counted: treaties}")
    q = next(f for f in load_project(mini).findings if f.id == "five-treaties-ratified").quantities[0]
    assert (q.ordinal, q.value) == (6, None)
    edit(mini, FINDINGS, "ordinal: 6, unit: count, qualifier: exact",
         "alternatives: [5, 6], unit: count, qualifier: either")
    q = next(f for f in load_project(mini).findings if f.id == "five-treaties-ratified").quantities[0]
    assert q.alternatives == (Decimal(5), Decimal(6)) and q.qualifier == "either"


@pytest.mark.parametrize(("numbers", "message"), [
    ("alternatives: [5, 6], unit: count, qualifier: exact", "alternatives go with qualifier either"),
    ("value: 5, unit: count, qualifier: either", "alternatives go with qualifier either"),
    ("alternatives: [5, 5], unit: count, qualifier: either", "two or more different values"),
    ("ordinal: 0, unit: count, qualifier: exact", "ordinal 0 is no rank"),
    ("ordinal: 6, value: 6, unit: count, qualifier: exact", "not value and ordinal"),
    ("min: 5, max: 6, unit: count, qualifier: exact", "min and max go with qualifier range"),
    ("min: 6, max: 5, unit: count, qualifier: range", "a range needs min <= max"),
    ("unit: count, qualifier: exact", "not none"),
])
def test_bad_numbers(mini: Path, numbers: str, message: str) -> None:
    figure(mini, f"{{measure: human-rights-treaties-ratified, {numbers}, counted: treaties}}")
    p = only(mini, "five-treaties-ratified")
    assert p.message.startswith("quantity 1: ") and message in p.message


def test_one_figure_per_measure_period_and_unit(mini: Path) -> None:
    figure(mini, TREATIES + "\n      - " + TREATIES.replace("value: 5", "value: 6"))
    p = only(mini, "five-treaties-ratified")
    assert "quantity 2: quantity 1 already gives measure 'human-rights-treaties-ratified'" in p.message
    # the same figure in another unit is another figure (a sum in won and in dollars)
    edit(mini, FINDINGS, "value: 6, unit: count", "value: 6, unit: person")
    assert load_project(mini)


# --- what is left to curate ------------------------------------------------------------------------


def test_check_claims_counts_what_is_left(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-claims", "--root", str(mini)]) == 0
    assert "every finding has a time" in capsys.readouterr().out
    edit(mini, FINDINGS, "    undated: the source gives no date\n    violations: [censorship]\n"
         "    topics: [information-control]\n", "    violations: [censorship]\n")
    figure(mini, "{value: 5, unit: count, qualifier: exact, counted: treaties}")
    assert main(["check-claims", "--root", str(mini), "--list"]) == 1
    out = capsys.readouterr().out
    assert "time        1  findings without a time" in out and "topic       1" in out
    assert "measure     1  quantities without a measure (in 1 findings)" in out
    assert f"{FINDINGS}: time 1, topic 1, measure 1" in out
    assert "[media-controlled]: no topic" in out and "[five-treaties-ratified]: quantity 1: no measure" in out
    # another problem too: it is printed in full, and the exit code says so
    edit(mini, FINDINGS, "violations: [censorship]", "violations: [flying]")
    assert main(["check-claims", "--root", str(mini)]) == 2
    assert "unknown concept 'flying'" in capsys.readouterr().err


def test_the_pending_report_without_problems() -> None:
    assert pending_report([]).startswith("claims: every finding has a time")


def test_stats_count_years_from_the_findings_own_times(mini: Path) -> None:
    from dprk_ld.release.stats import compute

    per_year = compute(load_project(mini))["findings per year"]
    assert per_year["2014"] >= 1 and per_year["2019"] >= 1
    assert "2025" not in per_year  # the year the report was published dates nothing
    assert per_year["undated"] == sum(1 for f in load_project(mini).findings if f.undated)
