"""The rules of the ingest's second session: clauses cut into candidates of their own, the time of
a sentence that names none (tense, pointing back, a paragraph on a dated document, what is said
with no time), times left out (asides, plans), two dates as a period, ordinals and ``twice`` as
figures, a figure's unit carried past a verb, and places (owners, descriptions, causes, places
carried by a pronoun). Each test states the rule and a case where it holds or does not."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dprk_ld.curation.ingest.clauses import clauses
from dprk_ld.curation.ingest.evaluate import candidate_values
from dprk_ld.curation.ingest.figures import figures_in
from dprk_ld.curation.ingest.lexicon import Lexicon
from dprk_ld.curation.ingest.pipeline import candidates_for
from dprk_ld.curation.ingest.timing import Told, past_tense, stated_time, undated_time
from dprk_ld.curation.ingest.when import times_in

MORE_ENTITIES = """places:
  - {id: china, label: China, type: country}
  - {id: russia, label: Russia, type: country}
  - {id: ukraine, label: Ukraine, type: country}
  - {id: musan, label: Musan County, alt: [Musan county], type: county, within: north-hamgyong}
  - {id: sinuiju, label: Sinuiju, type: city, within: north-korea}
  - {id: dandong, label: Dandong, type: city, within: china}
  - {id: northern-border, label: the northern border, type: region, within: north-korea}
organizations:
  - {id: china-government, label: Government of China, type: state, country: china}
  - {id: russia-government, label: Government of Russia, type: state, country: russia}
"""


@pytest.fixture
def lexicon(mini: Path) -> Lexicon:
    """The tiny project's lexicon, with a few more places and states."""
    (mini / "data" / "entities" / "more.yaml").write_text(MORE_ENTITIES, encoding="utf-8")
    return Lexicon.load(mini)


def ingest_text(text: str, lexicon: Lexicon, covers: str = "2024") -> list[dict[str, Any]]:
    _, found = candidates_for(text, (covers, covers), "test-publisher", lexicon, ["north-korea"])
    return found


def quotes(items: list[dict[str, Any]]) -> list[str]:
    return [c["quotes"][0] for c in items]


def time_of(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in ("date", "period", "as_of", "undated") if k in item}


def cut(sentence: str) -> list[str]:
    times = [(f.start, f.end) for f in times_in(sentence, "2024", None)]
    return [sentence[c.start : c.end] for c in clauses(sentence, times)]


# --- clauses ---------------------------------------------------------------------------------------


def test_a_sentence_is_cut_before_but_and_after_a_semicolon() -> None:
    assert cut("Some diplomats returned in 2023, but most aid groups remained unable to return.") == [
        "Some diplomats returned in 2023,",
        "but most aid groups remained unable to return.",
    ]
    assert cut("Most who flee are women; they face trafficking and exploitation there.") == [
        "Most who flee are women;",
        "they face trafficking and exploitation there.",
    ]
    assert cut("It was bad, but not worse.") == ["It was bad, but not worse."]  # a clause of 3 words


def test_two_times_are_cut_apart_at_compared_to_reported_that_and_a_new_subject() -> None:
    assert cut("In 2019, over 1,000 people arrived compared to 105 between January and June 2024.") == [
        "In 2019, over 1,000 people arrived",
        "compared to 105 between January and June 2024.",
    ]
    assert cut("In March, the group reported that restrictions between 2020 and 2023 blocked income.") == [
        "In March, the group reported that",
        "restrictions between 2020 and 2023 blocked income.",
    ]
    assert cut("Diplomats returned in December 2023 and a German delegation visited in February.") == [
        "Diplomats returned in December 2023",
        "and a German delegation visited in February.",
    ]
    assert cut("The country was hit by droughts in May, and flooding in July and August.") == [
        "The country was hit by droughts in May,",
        "and flooding in July and August.",
    ]
    # no cut where what follows "and" shares the subject, nor with one time only
    one = "In January, it restarted rail trade and opened a center constructed in March-April 2021."
    assert cut(one) == [one]
    assert cut("In March, the group reported that restrictions blocked most income.") == [
        "In March, the group reported that restrictions blocked most income."
    ]


def test_clauses_become_candidates_with_their_own_time_figures_and_source(lexicon: Lexicon) -> None:
    items = ingest_text(
        "In 2019, over 1,000 North Koreans arrived in Hoeryong compared to 105 between January and "
        "June 2024. In February, the International Labour Organization reported that the courts "
        "sentenced 12 people in 2023.",
        lexicon,
    )
    assert quotes(items) == [
        "In 2019, over 1,000 North Koreans arrived in Hoeryong",
        "compared to 105 between January and June 2024.",
        "In February, the International Labour Organization reported that",
        "the courts sentenced 12 people in 2023.",
    ]
    assert [time_of(c) for c in items] == [
        {"date": "2019"},
        {"period": {"start": "2024-01", "end": "2024-06"}},
        {"date": "2024-02"},
        {"date": "2023"},
    ]
    # the clause keeps the unit of the figure before it, and the place of the clause before
    assert items[1]["quantities"] == [{"value": 105, "unit": "person", "qualifier": "exact"}]
    assert items[1]["places"] == ["hoeryong"]
    # what the ILO reported keeps the ILO as its source
    assert items[3]["certainty"] == "attributed" and items[3]["according_to"] == ["ilo"]


def test_an_opening_event_and_what_happened_before_a_time(lexicon: Lexicon) -> None:
    items = ingest_text(
        "Since the partial reopening of the borders on 26 August 2023, Chinese authorities have "
        "returned more than 800 people. The team was established in October 2024 after Russia vetoed "
        "a resolution on the panel.",
        lexicon,
    )
    assert [time_of(c) for c in items] == [
        {"date": "2023-08-26"},
        {"period": {"start": "2023-08-26"}},
        {"date": "2024-10"},
        {"period": {"end": "2024-10"}},
    ]
    assert quotes(items)[3] == "after Russia vetoed a resolution on the panel."


# --- the time of a sentence that names none ------------------------------------------------------


def test_the_tense_decides_between_date_and_as_of() -> None:
    for past in (
        "Authorities maintained increased road checkpoints.",
        "There were several reports of shootings.",
        "This highlighted the government’s control.",
        "It stopped the trains after an outbreak.",
        "North Korea’s expanded cooperation with Russia, including troops, provided an example.",
        "The deployment, in which Russia has committed war crimes, was carried out in exchange.",
    ):
        assert past_tense(past), past
    for present in (
        "Travel abroad without prior approval is illegal.",
        "Accessing other unsanctioned media is illegal and considered anti-socialist.",
        "The government cracks down on those accessing unsanctioned content.",
        "Persons accused of crimes have been subject to abduction.",
        "It said that people are controlled and exploited.",
        "The government requires forced, uncompensated labor.",
    ):
        assert not past_tense(present), present
    told = Told()
    assert undated_time("Authorities maintained checkpoints.", "pattern", "2022", told)[0] == {
        "date": "2022",
        "time_basis": "inferred-from-coverage",
    }
    assert undated_time("The camps remain open.", "pattern", "2022", told)[0] == {
        "as_of": "2022",
        "time_basis": "inferred-from-coverage",
    }


def test_what_should_be_done_and_what_someone_has_said_are_undated() -> None:
    told = Told()
    for text, demanded in (
        ("Refugees should be protected.", False),
        ("The authorities must allow aid workers back.", True),
        ("The UN Secretary-General has also documented torture.", False),
        ("As highlighted by the inquiry, China considers them migrants.", False),
        ("Some groups allege the number is much higher.", False),
    ):
        fields, _, carried = undated_time(text, "pattern", "2024", told, demanded)
        assert "undated" in fields and not carried, text
    # "must" with no one named before it is a fact, not a demand
    fields, _, _ = undated_time("Most North Koreans must perform unpaid labor.", "pattern", "2022", told)
    assert fields == {"as_of": "2022", "time_basis": "inferred-from-coverage"}


def test_times_carried_from_what_a_sentence_points_back_to(lexicon: Lexicon) -> None:
    text = (
        "In a landmark report issued in February 2014, the Commission of Inquiry (CoI) found crimes.\n"
        "The inquiry’s report detailed the abuses committed by the government. "
        "Detentions are characterized by central coordination. "
        "The CoI reported that the government targets suspects.\n"
        "In April, the council adopted a resolution on the country since 2014. "
        "The resolution also increased the resources. "
        "This places it among the few. "
        "The camps were still open by that time. "
        "Prior to that, the council had never addressed the abuses."
    )
    items = ingest_text(text, lexicon)
    assert [time_of(c) for c in items] == [
        {"date": "2014-02"},
        {"date": "2014-02"},  # "The inquiry’s report": the report of the paragraph before, told in the past
        {"as_of": "2014-02"},  # the paragraph opens on that report: what it found, a state
        {"as_of": "2014-02"},  # "The CoI": the sentence that names it; what it reported is a state
        {"date": "2024-04"},
        {"date": "2024-04"},  # "The resolution": the one adopted in April, not "since 2014"
        {"as_of": "2024-04"},  # "This": the sentence before, a state
        {"as_of": "2024-04"},  # "by that time"
        {"period": {"end": "2024-04"}},  # "Prior to that"
    ]
    assert all(c["time_basis"] == "inferred-from-context" for c in items[1:4] + items[5:])
    # without the document, the paragraph's sentences get the covered year
    alone = ingest_text("Detentions are characterized by central coordination.", lexicon)
    assert time_of(alone[0]) == {"as_of": "2024"}


def test_an_acronym_points_back_only_when_it_stands_alone(lexicon: Lexicon) -> None:
    items = ingest_text(
        "In January 2023, the UN office found violations. The UN Secretary-General noted the torture.",
        lexicon,
    )
    assert time_of(items[1]) == {"date": "2024"}  # not January 2023: "UN" is part of a longer name
    assert items[1]["time_basis"] == "inferred-from-coverage"


def test_asides_and_plans_give_no_time_and_two_dates_in_order_are_a_period() -> None:
    def values(sentence: str) -> list[Any]:
        return [f.value for f in times_in(sentence, "2022", None)]

    assert values(
        "In December 2021, COVAX—an initiative created in April 2020 to buy vaccines—gave doses."
    ) == ["2021-12"]
    assert values("In August, North Korea announced plans to open the country to tourism in December.") == [
        "2022-08"
    ]
    assert values("Plans to open in December were made.") == ["2022-12"]  # the only time: kept
    found = times_in("It stopped the trains in April and restarted them in September.", "2022", None)
    assert stated_time(found, "context")[0] == {
        "period": {"start": "2022-04", "end": "2022-09"},
        "time_basis": "inferred-from-coverage",
    }
    found = times_in("It restarted them in September after stopping them in April.", "2022", None)
    assert stated_time(found, "context")[0]["date"] == ["2022-09", "2022-04"]  # not in order: two dates


# --- figures ---------------------------------------------------------------------------------------


def test_ordinals_and_twice_are_figures() -> None:
    def figures(sentence: str) -> list[dict[str, object]]:
        return [f.as_yaml() for f in figures_in(sentence, []) if not f.penalty]

    assert figures("It conducted its sixth nuclear test.") == [
        {"ordinal": 6, "unit": "count", "qualifier": "exact"}
    ]
    assert figures("It was adopted for the fourth consecutive year.") == [
        {"ordinal": 4, "unit": "count", "qualifier": "exact"}
    ]
    assert figures("They met twice and then only once.") == [
        {"value": 2, "unit": "count", "qualifier": "exact"},
        {"value": 1, "unit": "count", "qualifier": "exact"},
    ]
    for none in (
        "Its first report came out.",
        "The 60th session met.",
        "It was twice as large.",
        "Once there, he left.",
    ):
        assert figures(none) == [], none
    # the scores compare a candidate's rank with a curated one's
    assert candidate_values({"offsets": [], "quantities": figures("its sixth nuclear test")}, set(), set())[
        "figures"
    ] == {"#6 count exact"}


def test_a_figure_keeps_the_unit_of_the_one_before_past_any_verb() -> None:
    found = figures_in("Over 1,000 refugees tried to leave, but only 195 did so.", [])
    assert [(f.value, f.unit) for f in found] == [(Decimal(1000), "person"), (Decimal(195), "person")]
    found = figures_in("only 42 households were left.", [], unit_before="person")
    assert [(f.value, f.unit) for f in found] == [(Decimal(42), "count")]  # a noun after it: no carry
    found = figures_in("only 42 reached the south.", [], unit_before="person")
    assert [(f.value, f.unit) for f in found] == [(Decimal(42), "person")]


# --- places ----------------------------------------------------------------------------------------


def test_places_owners_descriptions_and_causes(lexicon: Lexicon) -> None:
    def places(sentence: str) -> list[str]:
        return ingest_text(sentence, lexicon)[0].get("places", [])

    assert places("Vaccinations started in the northern border city of Sinuiju in August.") == ["sinuiju"]
    assert places("North Korea’s role in Russia’s aggression against Ukraine rests on forced labor.") == [
        "ukraine"
    ]
    # a state named as doing it: its country is where
    assert places("Russia committed torture against prisoners of war.") == ["russia"]
    assert places("Goods were transferred between North Korea and Russia.") == ["north-korea", "russia"]
    assert places("It stopped the trains after a Covid-19 outbreak in Dandong.") == []
    assert places("It stopped the trains in Dandong.") == ["dandong"]


def test_a_sentence_pointing_back_takes_the_places_of_the_one_before(lexicon: Lexicon) -> None:
    items = ingest_text(
        "In August, workers in Musan county were mobilized for forced labor. They reportedly escaped "
        "because of hunger. Others stayed.\nThey were punished.",
        lexicon,
    )
    assert [c.get("places") for c in items] == [["musan"], ["musan"], None, None]
    assert items[1]["why"]["places"].startswith("none named")
