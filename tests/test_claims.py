"""Events, relations between findings, disagreements, organization successions and penalties in
law (docs/claims-model.md, sections 3 to 6): the rules that find disagreements, the errors that
name the file and the item, and the RDF of the tiny fixture."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from dprk_ld.curation.dates import Date, Period, When, parse_date
from dprk_ld.curation.disagreements import (
    compatible,
    date_disagreements,
    overlap,
    span,
    stable_id,
    value_disagreements,
)
from dprk_ld.curation.errors import DataError, Problem
from dprk_ld.curation.load import load_project
from dprk_ld.curation.model import Event, Finding, Quantity, Section
from dprk_ld.release.namespaces import DPRK, ID, ORG, VOCAB
from dprk_ld.release.rdf import data_graph
from dprk_ld.testing import edit_fixture as edit

EVENTS = "data/events.yaml"
MINI = "data/findings/mini.yaml"
MINI_B = "data/findings/mini-b.yaml"
ENTITIES = "data/entities/entities.yaml"


# --- the rules, on findings made here ---------------------------------------------------------


def when(text: str) -> When:
    """``2024-03`` is a date, ``2023-08-26--2025-06`` (``open`` for an open end) a period."""
    if "--" not in text:
        return parse_date(text)
    start, end = text.split("--")
    return Period(None if start == "open" else parse_date(start), None if end == "open" else parse_date(end))


def finding(source: str, fid: str, *times: str, quantities: tuple[Quantity, ...] = ()) -> Finding:
    parsed = [when(t) for t in times]
    return Finding(source=source, id=fid, kind="context", summary="a claim", quotes=[],
                   certainty="stated", section=Section("s", "S", 0, 1),
                   file=f"data/findings/{source}.yaml",
                   dates=[t for t in parsed if isinstance(t, Date)],
                   period=next((t for t in parsed if isinstance(t, Period)), None),
                   quantities=list(quantities))


def fig(qualifier: str, value: str | None = None, *, lo: str | None = None, hi: str | None = None,
        alternatives: tuple[str, ...] = (), ordinal: int | None = None, unit: str = "person",
        measure: str = "arrivals", period: str | None = "2019") -> Quantity:
    return Quantity(unit, qualifier, Decimal(value) if value else None,
                    Decimal(lo) if lo else None, Decimal(hi) if hi else None,
                    measure=measure, period=when(period) if period else None, ordinal=ordinal,
                    alternatives=tuple(Decimal(a) for a in alternatives))


@pytest.mark.parametrize(("a", "b", "shared"), [
    ("2024-03", "2024-04", False),
    ("2024-03-31", "2024-04-01", False),
    ("2024", "2024-04", True),
    ("2023-08-26--2025-06", "2024", True),
    ("2023-08-26--2025-06", "2025-07", False),
    ("2011-12--open", "2020", True),  # open at its end: reaches every later time
    ("2011-12--open", "2011-11", False),
    ("open--2010", "2011", False),
    ("open--2010", "1990", True),
])
def test_times_overlap_from_their_first_to_their_last_day(a: str, b: str, shared: bool) -> None:
    assert overlap(span(when(a)), span(when(b))) is shared
    assert overlap(span(when(b)), span(when(a))) is shared


@pytest.mark.parametrize(("a", "b", "agree"), [
    (fig("exact", "1000"), fig("exact", "1000"), True),
    (fig("exact", "1000"), fig("exact", "1001"), False),
    (fig("more-than", "1000"), fig("exact", "1000"), False),  # more than 1000 excludes 1000
    (fig("more-than", "1000"), fig("exact", "1047"), True),
    (fig("at-least", "1000"), fig("exact", "1000"), True),
    (fig("fewer-than", "1000"), fig("exact", "1000"), False),
    (fig("up-to", "1000"), fig("exact", "1000"), True),
    (fig("more-than", "1000"), fig("fewer-than", "1000"), False),
    (fig("more-than", "1000"), fig("up-to", "1000"), False),
    (fig("at-least", "1000"), fig("up-to", "1000"), True),
    (fig("more-than", "1000"), fig("more-than", "5000"), True),
    (fig("about", "1000"), fig("about", "1100"), True),  # 100 apart: 10 % of 1100 is 110
    (fig("about", "1000"), fig("about", "1112"), False),  # 112 apart: 10 % of 1112 is 111.2
    (fig("about", "1000"), fig("about", "1200"), False),
    (fig("almost", "1000"), fig("about", "1050"), True),
    (fig("about", "1000"), fig("exact", "1090"), True),
    (fig("about", "1000"), fig("exact", "1150"), False),
    (fig("almost", "1000"), fig("exact", "1000"), True),
    (fig("almost", "1000"), fig("exact", "1010"), False),
    (fig("almost", "1000"), fig("more-than", "1000"), False),
    (fig("range", lo="10", hi="20"), fig("exact", "15"), True),
    (fig("range", lo="10", hi="20"), fig("exact", "25"), False),
    (fig("range", lo="10", hi="20"), fig("range", lo="20", hi="30"), True),  # they share 20
    (fig("range", lo="10", hi="19"), fig("range", lo="20", hi="30"), False),
    (fig("range", lo="10", hi="20"), fig("more-than", "20"), False),
    (fig("either", alternatives=("40", "50")), fig("exact", "50"), True),
    (fig("either", alternatives=("40", "50")), fig("exact", "45"), False),
    (fig("exact", ordinal=6), fig("exact", ordinal=5), False),
    (fig("exact", ordinal=6), fig("exact", ordinal=6), True),
    (fig("some-new-qualifier", "3"), fig("exact", "1000"), True),  # allows any value
])
def test_figures_agree_when_some_value_fits_both(a: Quantity, b: Quantity, agree: bool) -> None:
    assert compatible(a, b) is agree
    assert compatible(b, a) is agree


def test_a_date_disagreement_needs_two_sources_and_times_that_do_not_overlap() -> None:
    fs = {f.key: f for f in [
        finding("hrw", "april", "2024-04"), finding("gcr2p", "march", "2024-03"),
        finding("hrw", "march-too", "2024-03"), finding("un", "year", "2024"),
        finding("other", "undated")]}
    event = Event("resolution", "A resolution", list(fs), EVENTS)
    [found] = date_disagreements([event], fs)
    # the same source's March and April are no disagreement, and 2024 overlaps both months
    assert (found.differs_in, found.about) == ("date", "resolution")
    assert found.claims == ("gcr2p/march", "hrw/april")
    assert found.id == stable_id("date", "resolution", "", ["hrw/april", "gcr2p/march"])
    assert date_disagreements([Event("e", "E", ["hrw/april", "un/year"], EVENTS)], fs) == []
    assert date_disagreements([Event("e", "E", ["hrw/april", "hrw/march-too"], EVENTS)], fs) == []


def test_states_and_as_of_times_make_no_date_disagreement() -> None:
    """A state reported as holding in 2020 by one source and in 2022 by another is no clash: as_of
    times are not compared, nor the dated claims of an event marked as a state."""
    law_2020, law_2022 = finding("hrw", "law-2020", "2020"), finding("un", "law-2022", "2022")
    held = finding("gcr2p", "held", "2022")
    held.as_of, held.dates = held.dates[0], []
    fs = {f.key: f for f in (law_2020, law_2022, held)}
    as_event = Event("law", "A law", ["hrw/law-2020", "un/law-2022"], EVENTS)
    assert len(date_disagreements([as_event], fs)) == 1  # dated claims of an event: compared
    as_state = Event("law", "A law", ["hrw/law-2020", "un/law-2022"], EVENTS, state=True)
    assert date_disagreements([as_state], fs) == []
    assert date_disagreements([Event("e", "E", ["hrw/law-2020", "gcr2p/held"], EVENTS)], fs) == []


def test_a_value_disagreement_needs_the_same_measure_unit_and_period() -> None:
    fs = [finding("a", "more", "2019", quantities=(fig("more-than", "1000"),)),
          finding("b", "exact", "2019", quantities=(fig("exact", "1000"),)),
          finding("c", "other-year", "2020", quantities=(fig("exact", "1", period="2020"),)),
          finding("d", "other-unit", "2019", quantities=(fig("exact", "1", unit="count"),)),
          finding("e", "other-measure", "2019", quantities=(fig("exact", "1", measure="other"),)),
          finding("f", "months", quantities=(fig("exact", "1", period="2019-01--2019-12"),)),
          # no period of its own: the finding's one time is its reference period
          finding("g", "from-finding", "2019", quantities=(fig("about", "2000", period=None),))]
    [found] = value_disagreements(fs)
    assert (found.differs_in, found.about, found.unit) == ("value", "arrivals", "person")
    assert found.period == Date("2019")
    assert found.claims == ("a/more", "b/exact", "g/from-finding")
    assert value_disagreements(fs[2:]) == []


def test_the_id_of_a_disagreement_is_derived_from_what_it_is() -> None:
    one = stable_id("date", "e", "", ["b/y", "a/x"])
    assert one == stable_id("date", "e", "", ["a/x", "b/y"])
    assert one.startswith("date-") and len(one) == len("date-") + 12
    assert len({one, stable_id("value", "e", "", ["a/x", "b/y"]), stable_id("date", "e", "", ["a/x", "c/z"]),
                stable_id("date", "f", "", ["a/x", "b/y"])}) == 4


# --- errors in the curated input name the file, the item and the line ---------------------------



def only(root: Path) -> Problem:
    with pytest.raises(DataError) as info:
        load_project(root)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def test_the_fixture_has_its_events_and_builds_without_events_yaml(mini: Path) -> None:
    project = load_project(mini)
    assert [(e.id, e.findings) for e in project.events] == [
        ("hrc-resolution-2024", ["mini/hrc-resolution-2024-04", "mini-b/hrc-resolution-march-2024"])]
    (mini / EVENTS).unlink()
    project = load_project(mini)
    assert project.events == []
    assert not list(data_graph(project).subjects(RDF.type, DPRK.Event))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("mini-b/hrc-resolution-march-2024]", "mini-b/hrc-resolution-may-2024]",
     "unknown finding 'mini-b/hrc-resolution-may-2024'"),
    ("mini-b/hrc-resolution-march-2024]", "hrc-resolution-march-2024]", "is not <source>/<id>"),
    ("mini-b/hrc-resolution-march-2024]", "mini/hrc-resolution-2024-04]", "is named twice"),
    ("    label: Human Rights Council resolution on North Korea, 2024\n", "", "missing field 'label'"),
    ("    label: Human", "    date: 2024\n    label: Human", "unknown field 'date'"),
])
def test_a_bad_event_is_named_with_its_file_and_line(mini: Path, old: str, new: str, message: str) -> None:
    edit(mini, EVENTS, old, new)
    p = only(mini)
    assert (p.file, p.item, p.line) == (EVENTS, "hrc-resolution-2024", 3)
    assert message in p.message


def test_an_event_id_is_given_once(mini: Path) -> None:
    text = (mini / EVENTS).read_text(encoding="utf-8")
    (mini / EVENTS).write_text(text + text.split("events:\n", 1)[1], encoding="utf-8")
    p = only(mini)
    assert (p.file, p.item) == (EVENTS, "hrc-resolution-2024")
    assert "duplicate event id 'hrc-resolution-2024' (first at line 3)" in p.message


@pytest.mark.parametrize(("new", "message"), [
    ("refers_to: [sd-card-sentence]",
     "refers_to: unknown finding 'sd-card-sentence' (no finding 'mini/sd-card-sentence')"),
    ("refers_to: [lender-sentence-years]", "refers_to: a finding cannot name itself"),
    ("refers_to: [SD card]", "refers_to: 'SD card' is no finding id"),
    ("follows: [mini-c/hrc-resolution-march-2024]",
     "follows: unknown finding 'mini-c/hrc-resolution-march-2024'"),
])
def test_a_bad_relation_is_named_with_its_finding(mini: Path, new: str, message: str) -> None:
    edit(mini, MINI, "refers_to: [sd-card-sentences]", new)
    p = only(mini)
    assert (p.file, p.item) == (MINI, "lender-sentence-years")
    assert p.line is not None
    assert message in p.message


def test_a_relation_may_name_a_finding_of_another_source(mini: Path) -> None:
    edit(mini, MINI, "refers_to: [sd-card-sentences]",
         "refers_to: [sd-card-sentences, mini-b/hrc-resolution-march-2024]")
    g = data_graph(load_project(mini))
    other = ID["finding/mini-b/hrc-resolution-march-2024"]
    assert (ID["finding/mini/lender-sentence-years"], DPRK.refersTo, other) in g


def test_a_penalty_in_law_stands_on_a_legal_qualification_or_a_law(mini: Path) -> None:
    edit(mini, MINI_B, "    perpetrators: [ministry-of-social-security]\n",
         "    perpetrators: [ministry-of-social-security]\n    penalty: death\n")
    p = only(mini)
    assert (p.file, p.item) == (MINI_B, "ministry-applies-law-to-returnees")
    assert "penalty (the penalty a law sets) applies only to" in p.message


def test_a_finding_about_a_law_may_say_its_penalty(mini: Path) -> None:
    edit(mini, MINI_B, "    perpetrators: [ministry-of-social-security]\n",
         "    perpetrators: [ministry-of-social-security]\n    penalty: death\n"
         "    instruments: [dprk-criminal-law]\n")
    g = data_graph(load_project(mini))
    assert (ID["finding/mini-b/ministry-applies-law-to-returnees"], DPRK.penaltyInLaw,
            VOCAB["penalties/death"]) in g


def test_a_finding_may_name_a_body_it_concerns(mini: Path) -> None:
    """``concerns``: a body the finding is about in no other role (here, the ministry)."""
    edit(mini, MINI_B, "    perpetrators: [ministry-of-social-security]\n",
         "    concerns: [ministry-of-social-security]\n")
    g = data_graph(load_project(mini))
    finding = ID["finding/mini-b/ministry-applies-law-to-returnees"]
    assert (finding, DPRK.concerns, ID["org/ministry-of-social-security"]) in g
    edit(mini, MINI_B, "    concerns: [ministry-of-social-security]\n", "    concerns: [no-such-body]\n")
    assert "no-such-body" in only(mini).message


def test_a_penalty_comes_from_the_penalties_scheme(mini: Path) -> None:
    edit(mini, MINI_B, "    penalty: death\n", "    penalty: hanging\n")
    p = only(mini)
    assert p.item == "leaving-without-permission-punishable-by-death"
    assert "penalty: unknown concept 'hanging'" in p.message


@pytest.mark.parametrize(("new", "message"), [
    ("succeeded_by: ministry-of-social-securty",
     "succeeded_by: unknown organization 'ministry-of-social-securty'"),
    ("succeeded_by: hoeryong", "succeeded_by: a place, not an organization: 'hoeryong'"),
    ("succeeded_by: ministry-of-peoples-security", "an organization cannot succeed itself"),
    ("succeeded_by: ministry-of-social-security, succession_date: 2020-13",
     "succession_date: '2020-13': no month 13"),
])
def test_a_bad_succession_is_named_with_its_organization(mini: Path, new: str, message: str) -> None:
    edit(mini, ENTITIES, "succeeded_by: ministry-of-social-security", new)
    p = only(mini)
    assert (p.file, p.item) == (ENTITIES, "ministry-of-peoples-security")
    assert message in p.message


def test_a_succession_chain_does_not_loop(mini: Path) -> None:
    edit(mini, ENTITIES, "label: Ministry of Social Security,",
         "label: Ministry of Social Security, succeeded_by: ministry-of-peoples-security,")
    with pytest.raises(DataError) as info:
        load_project(mini)
    assert {(p.item, p.message) for p in info.value.problems} == {
        ("ministry-of-peoples-security", "the succeeded_by chain loops"),
        ("ministry-of-social-security", "the succeeded_by chain loops")}


def test_a_dated_succession_has_its_time(mini: Path) -> None:
    edit(mini, ENTITIES, "succeeded_by: ministry-of-social-security",
         "succeeded_by: ministry-of-social-security, succession_date: \"2020-05\"")
    g = data_graph(load_project(mini))
    change = ID["org-change/ministry-of-peoples-security--ministry-of-social-security"]
    assert (change, DPRK.time, ID["time/2020-05"]) in g
    assert (ID["time/2020-05"], RDFS.label, None) in g  # the time entity is minted too


# --- the RDF of the fixture ------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph(mini_release: Path) -> Graph:
    return Graph().parse(mini_release / "dprk-ld.nt", format="nt")


def test_an_event_and_the_findings_that_report_it(graph: Graph) -> None:
    event = ID["event/hrc-resolution-2024"]
    assert (event, RDF.type, DPRK.Event) in graph
    label = Literal("Human Rights Council resolution on North Korea, 2024", lang="en")
    assert graph.value(event, RDFS.label) == label
    assert set(graph.subjects(DPRK.reports, event)) == {
        ID["finding/mini/hrc-resolution-2024-04"], ID["finding/mini-b/hrc-resolution-march-2024"]}


def test_the_disagreements_of_the_fixture(graph: Graph) -> None:
    found = {}
    for d in graph.subjects(RDF.type, DPRK.Disagreement):
        kind = str(graph.value(d, DPRK.differsIn)).rsplit("/", 1)[-1]
        found[kind] = (graph.value(d, DPRK.about), graph.value(d, DPRK.referencePeriod),
                       {str(c).rsplit("finding/", 1)[-1] for c in graph.objects(d, DPRK.claim)})
        assert str(d).startswith(str(ID["disagreement/" + kind + "-"]))
        assert graph.value(d, RDFS.label) is not None
    assert found == {
        "date": (ID["event/hrc-resolution-2024"], None,
                 {"mini/hrc-resolution-2024-04", "mini-b/hrc-resolution-march-2024"}),
        # more than 1,000 (mini) and exactly 1,000 (mini-b) in 2019
        "value": (VOCAB["measures/arrivals-in-south-korea"], ID["time/2019"],
                  {"mini/arrivals-2019", "mini-b/arrivals-2019-exactly-1000"}),
    }


def test_relations_between_findings(graph: Graph) -> None:
    def f(key: str) -> URIRef:
        return ID[f"finding/{key}"]

    assert (f("mini/lender-sentence-years"), DPRK.refersTo, f("mini/sd-card-sentences")) in graph
    resolution = f("mini-b/hrc-resolution-march-2024")
    assert (f("mini-b/high-commissioner-update"), DPRK.follows, resolution) in graph
    law = f("mini-b/leaving-without-permission-punishable-by-death")
    ministry = f("mini-b/ministry-applies-law-to-returnees")
    assert (law, DPRK.sameSentenceAs, ministry) in graph and (ministry, DPRK.sameSentenceAs, law) in graph
    assert (law, DPRK.penaltyInLaw, VOCAB["penalties/death"]) in graph
    assert not list(graph.objects(ministry, DPRK.penaltyInLaw))


def test_an_organization_succeeded_by_another(graph: Graph) -> None:
    old, new = ID["org/ministry-of-peoples-security"], ID["org/ministry-of-social-security"]
    change = ID["org-change/ministry-of-peoples-security--ministry-of-social-security"]
    assert (old, DPRK.succeededBy, new) in graph
    assert (change, RDF.type, ORG.ChangeEvent) in graph
    assert (change, ORG.originalOrganization, old) in graph
    assert (change, ORG.resultingOrganization, new) in graph
    assert not list(graph.objects(change, DPRK.time))  # no date: no source gives one
