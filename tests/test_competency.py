"""The competency questions (shared/competency-questions.md), each answered by its query in queries/,
run on a build of the real data and checked against what the sources say."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_ld.release.examples import load_queries
from dprk_ld.release.query import run_query
from dprk_ld.release.store import open_release

REPO = Path(__file__).resolve().parents[1]
QUERIES = {q.id: q for q in load_queries(REPO / "queries")}
ID = "https://w3id.org/dprk-ld/id/"
VOCAB = "https://w3id.org/dprk-ld/vocab/"


@pytest.fixture(scope="module")
def store(real_release: Path) -> ox.Store:
    return open_release(real_release)


def rows(store: ox.Store, qid: str) -> list[dict[str, str]]:
    result = run_query(store, QUERIES[qid].text)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (sol[n].value if sol[n] is not None else "") for n in names} for sol in result]


def short(iri: str) -> str:
    return iri.removeprefix(ID).removeprefix(VOCAB)


def test_every_query_has_a_title_and_description() -> None:
    assert len(QUERIES) >= 12
    for q in QUERIES.values():
        assert q.title and len(q.description) > 30


def test_q1_sources(store: ox.Store) -> None:
    got = {
        short(r["source"]): (r["publisher"], r["issued"], r["coversStart"], r["coversEnd"], r["address"])
        for r in rows(store, "01-sources")
    }
    hrw = "Human Rights Watch"
    assert got == {
        "source/hrw-wr-2019": (
            hrw,
            "2019",
            "2018",
            "2018",
            "https://www.hrw.org/world-report/2019/country-chapters/north-korea",
        ),
        "source/hrw-wr-2021": (
            hrw,
            "2021",
            "2020",
            "2020",
            "https://www.hrw.org/world-report/2021/country-chapters/north-korea",
        ),
        "source/hrw-wr-2023": (
            hrw,
            "2023",
            "2022",
            "2022",
            "https://www.hrw.org/world-report/2023/country-chapters/north-korea",
        ),
        "source/hrw-wr-2025": (
            hrw,
            "2025",
            "2024",
            "2024",
            "https://www.hrw.org/world-report/2025/country-chapters/north-korea",
        ),
        "source/gcr2p-dprk-2025": (
            "Global Centre for the Responsibility to Protect",
            "2025",
            "2025",
            "2025",
            "https://www.globalr2p.org/countries/democratic-peoples-republic-of-korea/",
        ),
    }


def test_q2_arrivals_in_south_korea(store: ox.Store) -> None:
    got = {
        (short(r["source"]), r["period"], r["start"], r["end"], float(r["value"]), r["qualifier"])
        for r in rows(store, "02-arrivals-in-south-korea")
    }
    assert got == {
        ("source/hrw-wr-2021", "2019", "2019-01-01", "2019-12-31", 1000.0, "more than"),
        ("source/hrw-wr-2023", "2019", "2019-01-01", "2019-12-31", 1000.0, "more than"),
        ("source/hrw-wr-2025", "2019", "2019-01-01", "2019-12-31", 1000.0, "more than"),
        ("source/hrw-wr-2021", "January to September 2020", "2020-01-01", "2020-09-30", 195.0, "exactly"),
        ("source/hrw-wr-2023", "January to September 2022", "2022-01-01", "2022-09-30", 42.0, "exactly"),
        ("source/hrw-wr-2025", "January to June 2024", "2024-01-01", "2024-06-30", 105.0, "exactly"),
    }
    for r in rows(store, "02-arrivals-in-south-korea"):
        assert r["quote"], r


def test_q3_forced_labor_newest_first(store: ox.Store) -> None:
    found = rows(store, "03-forced-labor")
    assert {short(r["source"]) for r in found} == {
        "source/hrw-wr-2019",
        "source/hrw-wr-2021",
        "source/hrw-wr-2023",
        "source/hrw-wr-2025",
        "source/gcr2p-dprk-2025",
    }
    years = [int(r["year"]) for r in found if r["year"]]
    assert years == sorted(years, reverse=True) and len(years) > len(found) / 2
    assert all(r["year"] for r in found[: len(years)])  # undated findings come last
    assert all(r["quote"] for r in found)
    assert any("musan" in r["finding"] for r in found)


def test_q4_institutions(store: ox.Store) -> None:
    got = {
        short(r["institution"]): (r["hangul"], set(r["romanizations"].split(", ")))
        for r in rows(store, "04-institutions")
    }
    assert got == {
        "institutions/kwanliso": ("관리소", {"kwanliso"}),
        "institutions/kyohwaso": ("교화소", {"kyohwaso"}),
        "institutions/rodong-dallyeondae": ("로동단련대", {"rodong dallyeondae", "rodong danryeondae"}),
        "institutions/kuryujang": ("구류장", {"kuryujang"}),
        "institutions/dolgyeokdae": ("돌격대", {"dolgyeokdae", "dolyeokdae"}),
    }


def test_q4_every_romanization_is_used_by_a_source() -> None:
    texts = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "data" / "sources").glob("*.txt"))
    for r in (
        "kwanliso",
        "kyohwaso",
        "rodong dallyeondae",
        "rodong danryeondae",
        "kuryujang",
        "dolgyeokdae",
        "dolyeokdae",
    ):
        assert r in texts


def test_q5_incidents_in_north_hamgyong(store: ox.Store) -> None:
    found = rows(store, "05-incidents-in-north-hamgyong")
    places = {r["place"] for r in found}
    assert places == {"Hoeryong", "Musan County"}
    trial = [r for r in found if r["place"] == "Hoeryong"]
    assert len(trial) == 1 and trial[0]["date"] == "August 2024"
    assert any(r["date"] == "August 2024" and r["place"] == "Musan County" for r in found)


def test_q5_the_trial_records_its_sentences(store: ox.Store) -> None:
    trial = ID + "finding/hrw-wr-2025/hoeryong-public-trial-sentences"
    labor = VOCAB + "penalties/forced-labor"
    q = f"SELECT ?term WHERE {{ <{trial}> dprk:sentence ?s . ?s dprk:term ?term ; dprk:penalty <{labor}> }}"
    result = run_query(store, q)
    assert isinstance(result, ox.QuerySolutions)
    assert sorted(sol["term"].value for sol in result) == ["P10Y", "P8Y", "P9Y"]


def test_q6_us_sanctions_2019(store: ox.Store) -> None:
    found = rows(store, "06-us-human-rights-sanctions-2019")
    officials = {r["target"] for r in found if r["targetType"] == "official"}
    institutions = {r["target"] for r in found if r["targetType"] == "institution"}
    assert officials == {"Kim Jong Un", "Choe Pu Il", "Ri Song Chol", "Kang Song Nam", "Kim Yo Jong"}
    assert institutions == {
        "Ministry of People’s Security",
        "Ministry of State Security",
        "Military Security Command",
        "Ministry of Labor",
    }
    assert {frozenset(r["dates"].split("; ")) for r in found} == {
        frozenset({"July 2016", "January 2017", "October 2017"})
    }
    finding = found[0]["finding"]
    q = f"SELECT ?v WHERE {{ <{finding}> dprk:quantity ?q . ?q dprk:value ?v }}"
    result = run_query(store, q)
    assert isinstance(result, ox.QuerySolutions)
    assert sorted(float(sol["v"].value) for sol in result) == [10.0, 25.0]


def test_q7_un_resolutions(store: ox.Store) -> None:
    got = {(short(r["source"]), r["body"], r["date"]) for r in rows(store, "07-un-resolutions")}
    for expected in [
        ("source/hrw-wr-2019", "UN Human Rights Council", "23 March 2018"),
        ("source/hrw-wr-2021", "UN Human Rights Council", "22 June 2020"),
        ("source/hrw-wr-2021", "Third Committee of the UN General Assembly", "November 2020"),
        ("source/hrw-wr-2023", "UN General Assembly", "16 December 2021"),
        ("source/hrw-wr-2023", "UN Human Rights Council", "1 April 2022"),
        ("source/hrw-wr-2025", "UN Human Rights Council", "April 2024"),
        ("source/gcr2p-dprk-2025", "UN Human Rights Council", "March 2024"),
    ]:
        assert expected in got


def test_q8_coi_crimes_differ_by_source(store: ox.Store) -> None:
    got = {
        short(r["source"]): set(r["acts"].split("; ")) for r in rows(store, "08-coi-crimes-against-humanity")
    }
    gcr2p, hrw2019 = got["source/gcr2p-dprk-2025"], got["source/hrw-wr-2019"]
    for act in ("persecution", "forcible transfer of population", "knowingly causing prolonged starvation"):
        assert act in gcr2p and act not in hrw2019
    for act in (
        "extermination",
        "murder",
        "enslavement",
        "torture",
        "imprisonment",
        "rape",
        "forced abortion",
    ):
        assert act in hrw2019 and act in gcr2p
    assert len(gcr2p) > len(hrw2019)


def test_q9_treaties_ratified_side_by_side(store: ox.Store) -> None:
    found = [
        r
        for r in rows(store, "09-claims-side-by-side")
        if r["measure"] == "Human rights treaties ratified by North Korea"
    ]
    # a change over time, not a clash: each count holds as of its own year
    assert {(short(r["source"]), r["period"], float(r["value"])) for r in found} == {
        ("source/hrw-wr-2021", "2020", 5.0),
        ("source/hrw-wr-2023", "2022", 6.0),
    }
    for r in found:
        ask = f"ASK {{ <{r['finding']}> dprk:asOf/rdfs:label ?l FILTER(STR(?l) = \"{r['period']}\") }}"
        result = run_query(store, ask)
        assert isinstance(result, ox.QueryBoolean) and bool(result), r


def test_q10_certainty(store: ox.Store) -> None:
    got = {
        (short(r["source"]), r["group"], r["certainty"]): int(r["findings"])
        for r in rows(store, "10-certainty")
    }
    assert got[("source/hrw-wr-2025", "established by the publisher", "confirmed by the publisher")] == 1
    assert got[("source/hrw-wr-2025", "reported by others", "reportedly")] >= 4
    assert got[("source/hrw-wr-2025", "reported by others", "reported by media")] >= 1
    assert {g for (_, g, _) in got} <= {
        "established by the publisher",
        "reported by others",
        "alleged",
        "hedged by the publisher",
    }


def test_q11_quotes_and_offsets(store: ox.Store, real_release: Path) -> None:
    found = rows(store, "11-quote-and-offsets")
    assert len(found) == 2
    text = (real_release / "sources" / "hrw-wr-2025.txt").read_text(encoding="utf-8")
    for r in found:
        assert text[int(r["start"]) : int(r["end"])] == r["quote"]
        assert r["text"] == ID + "source/hrw-wr-2025/text"


def test_q12_women_and_girls(store: ox.Store) -> None:
    found = rows(store, "12-women-and-girls")
    assert len({short(r["source"]) for r in found}) == 5
    assert any(r["finding"].endswith("hrw-wr-2025/covid-restrictions-harmed-women") for r in found)


def test_the_pilot_release_is_large_enough(store: ox.Store) -> None:
    result = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QuerySolutions)
    assert int(next(iter(result))["n"].value) >= 1000


def test_q13_arrivals_as_one_series(store: ox.Store) -> None:
    found = rows(store, "13-series-arrivals")
    assert [(r["period"], float(r["value"]), r["qualifier"]) for r in found] == [
        ("2019", 1000.0, "more than"),
        ("2019", 1000.0, "more than"),
        ("2019", 1000.0, "more than"),
        ("January to September 2020", 195.0, "exactly"),
        ("January to September 2022", 42.0, "exactly"),
        ("January to June 2024", 105.0, "exactly"),
    ]
    assert {short(r["source"]) for r in found[:3]} == {
        "source/hrw-wr-2021", "source/hrw-wr-2023", "source/hrw-wr-2025"}
    # the three figures for 2019 are one point of the series: one reference period, one IRI
    result = run_query(store, """SELECT DISTINCT ?p WHERE {
        ?o qb:dataSet <https://w3id.org/dprk-ld/id/series/arrivals-in-south-korea> ;
           dprk:referencePeriod ?p ; dprk:value ?v }""")
    assert isinstance(result, ox.QuerySolutions)
    assert sorted(short(sol["p"].value) for sol in result) == [
        "time/2019", "time/2020-01--2020-09", "time/2022-01--2022-09", "time/2024-01--2024-06"]


def test_no_finding_takes_its_year_from_the_report(store: ox.Store) -> None:
    """Every finding has its own time or says it is undated, and every figure a measure and a
    reference period; no year is derived from the period a report covers."""
    result = run_query(store, """SELECT ?f WHERE { ?f a dprk:Finding .
        FILTER NOT EXISTS { ?f dprk:time ?t } FILTER NOT EXISTS { ?f dprk:undated true } }""")
    assert isinstance(result, ox.QuerySolutions) and not list(result)
    result = run_query(store, """SELECT ?q WHERE { ?q a dprk:Quantity .
        FILTER (NOT EXISTS { ?q dprk:measure ?m } || NOT EXISTS { ?q dprk:referencePeriod ?p }) }""")
    assert isinstance(result, ox.QuerySolutions) and not list(result)
    result = run_query(store, "ASK { ?f dprk:year ?y } ")
    assert isinstance(result, ox.QueryBoolean) and not bool(result)


def test_the_veto_is_dated_2024_wherever_it_is_dated(store: ox.Store) -> None:
    """Every account of Russia's veto of the Panel of Experts' mandate that has a time puts it in
    2024 (or, where the source only says it came before October 2024, no later than that)."""
    result = run_query(store, """SELECT ?f ?t ?first ?last WHERE {
        ?f dprk:reports <https://w3id.org/dprk-ld/id/event/russia-veto-panel-of-experts> .
        OPTIONAL { ?f dprk:time ?t OPTIONAL { ?t dprk:earliest ?first }
                   OPTIONAL { ?t dprk:latest ?last } } }""")
    assert isinstance(result, ox.QuerySolutions)
    found = [{k: (s[k].value if s[k] is not None else None) for k in ("f", "t", "first", "last")}
             for s in result]
    assert {short(r["f"]) for r in found} == {
        "finding/gcr2p-dprk-2025/russia-veto-panel-of-experts-mandate",
        "finding/hrw-wr-2025/russia-veto-panel-of-experts"}
    for r in found:
        if r["t"] is None:
            continue
        assert r["last"] is not None and r["last"].startswith("2024"), r
        assert r["first"] is None or r["first"].startswith("2024"), r
    assert any(r["first"] for r in found)  # one account dates it within 2024
