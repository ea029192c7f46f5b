"""The plain functions over the tiny fixture release: names and keys, the index, scores, property
constraints, the match rule, extension and suggest, and what the inputs refuse."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from dprk_ld.reconciliation.extend import extend, propose_properties
from dprk_ld.reconciliation.index import NameIndex, build_index
from dprk_ld.reconciliation.inputs import (
    MAX_LIMIT,
    MAX_QUERIES,
    MAX_TEXT,
    BadInput,
    Query,
    check_callback,
    parse_batch,
    parse_extension,
)
from dprk_ld.reconciliation.kinds import kind_of, prop_of
from dprk_ld.reconciliation.match import MIN_SCORE, reconcile
from dprk_ld.reconciliation.names import key, shorten, words
from dprk_ld.reconciliation.service import preview_html
from dprk_ld.reconciliation.suggest import rank, suggest_entities
from dprk_ld.testing import BASE

HOERYONG = BASE + "id/place/hoeryong"
NORTH_KOREA = BASE + "id/place/north-korea"
KIM = BASE + "id/person/kim-jong-un"
KWANLISO = BASE + "vocab/institutions/kwanliso"
TRIAL = BASE + "id/finding/mini/hoeryong-trial"
# made-up test entities, added to a copy of the tiny release (never published)
TOWN = BASE + "id/place/example-town"
TOWN_OFFICE = BASE + "id/org/example-town-office"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def ask(index: NameIndex, text: str = "", **fields: object) -> list[tuple[str, float, bool]]:
    """(id, score, match) of each candidate of one query."""
    query = parse_batch(json.dumps({"q": {"query": text, **fields} if text else fields}))["q"]
    return [(c["id"], c["score"], c["match"]) for c in reconcile(index, query)["result"]]


@pytest.fixture()
def made_up(mini_store: ox.Store) -> NameIndex:
    """The tiny release and two made-up entities: a place with a hidden name, coordinates and a
    label that needs escaping, and an organization whose other name is the place's name."""
    g = ox.NamedNode(BASE + "graph/data")

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        mini_store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, g))

    add(TOWN, RDF_TYPE, ox.NamedNode(BASE + "ontology#Place"))
    add(TOWN, SKOS + "prefLabel", ox.Literal("Example Town <b>&</b>", language="en"))
    add(TOWN, SKOS + "altLabel", ox.Literal("Example Town", language="en"))
    add(TOWN, SKOS + "hiddenLabel", ox.Literal("Exampel Toun", language="ko-latn"))
    add(TOWN, GEO + "lat", ox.Literal("41.5"))
    add(TOWN, GEO + "long", ox.Literal("129.25"))
    add(TOWN_OFFICE, RDF_TYPE, ox.NamedNode("http://www.w3.org/ns/org#Organization"))
    add(TOWN_OFFICE, SKOS + "prefLabel", ox.Literal("Office of Example Town", language="en"))
    add(TOWN_OFFICE, SKOS + "altLabel", ox.Literal("Example Town", language="en"))
    return build_index(mini_store)


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["Hoeryong", "Hoeryŏng", "hoe-ryong", "HOE RYONG", "Hoeryong."])
def test_spellings_share_one_key(variant: str) -> None:
    assert key(variant) == "hoeryong"


def test_keys_keep_hangul_and_tell_names_apart() -> None:
    assert key("회령") == "회령" and key(" 회 령 ") == "회령"
    assert key("Kim Jong-un") == key("kim jong un") != key("Kim Jong Il")
    assert words("Workers’ Party of Korea") == ("workers", "party", "of", "korea")
    assert key("Hoeryong") != key("Hoeryang")


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("a  b\nc") == "a b c"
    cut = shorten("word " * 100, 30)
    assert len(cut) <= 30 and cut.endswith("…") and "wor…" not in cut


# --- the index ---------------------------------------------------------------------------------


def test_index_reads_names_kinds_and_values(mini_index: NameIndex) -> None:
    korea = mini_index.get(NORTH_KOREA)
    assert korea is not None and korea.name == "North Korea" and korea.is_a("place")
    assert ("조선민주주의인민공화국", "ko") in {(n.text, n.lang) for n in korea.names}
    assert [v.text for v in korea.values["wikidata"]] == ["Q423"]
    assert [v.text for v in korea.values["geonames"]] == ["1873107"]
    hoeryong = mini_index.get(HOERYONG)
    assert hoeryong is not None
    assert [v.id for v in hoeryong.values["located_in"]] == [BASE + "id/place/north-hamgyong"]
    assert TRIAL in [v.id for v in hoeryong.values["findings"]]
    assert "North Hamgyong" in hoeryong.description


def test_a_finding_is_named_by_its_summary(mini_index: NameIndex) -> None:
    trial = mini_index.get(TRIAL)
    assert trial is not None and trial.is_a("finding")
    assert trial.name.startswith("In August a court reportedly sentenced")
    assert [v.id for v in trial.values["place"]] == [HOERYONG]
    assert {n.text for n in trial.names} >= {"hoeryong-trial", "mini/hoeryong-trial"}


def test_institutions_have_their_korean_names_and_romanizations(mini_index: NameIndex) -> None:
    camp = mini_index.get(KWANLISO)
    assert camp is not None and camp.is_a("institution") and camp.is_a("concept")
    assert {(n.text, n.lang) for n in camp.names} >= {("관리소", "ko"), ("kwanliso", "ko-latn")}


def test_hidden_names_and_coordinates(made_up: NameIndex) -> None:
    town = made_up.get(TOWN)
    assert town is not None
    assert ("Exampel Toun", "ko-latn", False) in {(n.text, n.lang, n.preferred) for n in town.names}
    assert [v.text for v in town.values["coordinates"]] == ["41.5,129.25"]
    assert town.values["romanized"][0].text == "Exampel Toun"


# --- scores and the match rule -----------------------------------------------------------------


def test_exact_names_score_100_and_match(mini_index: NameIndex) -> None:
    for text in ("Hoeryong", "Hoeryŏng", "hoe-ryong"):
        assert ask(mini_index, text)[0] == (HOERYONG, 100.0, True)
    assert ask(mini_index, "Kim Jong Un", type="person") == [(KIM, 100.0, True)]
    assert ask(mini_index, "조선민주주의인민공화국")[0] == (NORTH_KOREA, 100.0, True)


def test_other_names_score_95(mini_index: NameIndex) -> None:
    found = ask(mini_index, "kwanliso", type="institution")
    assert found[0] == (KWANLISO, 95.0, True) and not any(m for _, _, m in found[1:])


def test_near_misses_score_under_90_and_never_match(mini_index: NameIndex) -> None:
    found = ask(mini_index, "Hoeryung", type="place")
    assert found[0][0] == HOERYONG and MIN_SCORE <= found[0][1] < 90 and not found[0][2]
    assert ask(mini_index, "Zzyzx Qwerty") == []


def test_findings_match_on_their_summary(mini_index: NameIndex) -> None:
    found = ask(mini_index, "public trial Hoeryong forced labor", type="finding")
    assert found[0][0] == TRIAL and not found[0][2]
    summary = mini_index.entries[TRIAL].values["summary"][0].text
    assert ask(mini_index, summary.upper(), type="finding")[0] == (TRIAL, 100.0, True)
    assert ask(mini_index, "hoeryong-trial")[0] == (TRIAL, 95.0, True)


def test_a_name_two_entities_share_matches_neither(made_up: NameIndex) -> None:
    both = ask(made_up, "Example Town")
    assert {(i, s) for i, s, _ in both[:2]} == {(TOWN, 95.0), (TOWN_OFFICE, 95.0)}
    assert not any(m for _, _, m in both)
    assert ask(made_up, "Example Town", type="place")[0] == (TOWN, 95.0, True)


def test_types_filter_candidates(mini_index: NameIndex) -> None:
    assert ask(mini_index, "Hoeryong", type="organization") == []
    assert all(mini_index.entries[i].is_a("finding")
               for i, _, _ in ask(mini_index, "Hoeryong", type=BASE + "ontology#Finding"))
    every = ask(mini_index, "political prison camp", type=["institution", "concept"],
                type_strict="all")
    assert every[0][0] == KWANLISO


# --- property constraints ----------------------------------------------------------------------


def test_a_verified_property_keeps_the_match(mini_index: NameIndex) -> None:
    for given in ("Q423", "http://www.wikidata.org/entity/Q423", {"id": "Q423", "name": "x"}):
        props = [{"pid": "wikidata", "v": given}]
        assert ask(mini_index, "North Korea", type="place", properties=props)[0] == \
            (NORTH_KOREA, 100.0, True)


def test_a_contradicted_property_drops_the_candidate(mini_index: NameIndex) -> None:
    props = [{"pid": "wikidata", "v": "Q1"}]
    assert NORTH_KOREA not in [i for i, _, _ in ask(mini_index, "North Korea", properties=props)]


def test_a_property_without_a_value_lowers_the_score(mini_index: NameIndex) -> None:
    props = [{"pid": "wikidata", "v": "Q1"}]  # Hoeryong has no Wikidata id in the tiny release
    assert ask(mini_index, "Hoeryong", type="place", properties=props) == [(HOERYONG, 90.0, False)]


def test_a_query_of_properties_alone(mini_index: NameIndex) -> None:
    assert ask(mini_index, properties=[{"pid": "geonames", "v": "1873107"}]) == \
        [(NORTH_KOREA, 100.0, True)]
    by_source = ask(mini_index, type="finding",
                    properties=[{"pid": "source", "v": BASE + "id/source/mini"}], limit=100)
    assert TRIAL in [i for i, _, _ in by_source] and not any(m for _, _, m in by_source)
    assert all(i.startswith(BASE + "id/finding/mini/") for i, _, _ in by_source)


def test_a_findings_source_by_name_or_identifier(mini_index: NameIndex) -> None:
    for source in ("mini", "Mini report (test fixture)", {"id": BASE + "id/source/mini"}):
        props = [{"pid": "source", "v": source}]
        assert ask(mini_index, "Hoeryong trial", type="finding", properties=props)[0][0] == TRIAL
    props = [{"pid": "source", "v": "mini-b"}]
    assert TRIAL not in [i for i, _, _ in ask(mini_index, "Hoeryong trial", properties=props)]


def test_limit_cuts_the_candidates(mini_index: NameIndex) -> None:
    assert len(ask(mini_index, "North", limit=1)) == 1
    assert len(ask(mini_index, "North", limit=5)) > 1


# --- extension, suggest, preview ---------------------------------------------------------------


def test_extension_writes_entities_as_cells_and_strings_as_str(mini_index: NameIndex) -> None:
    request = parse_extension(json.dumps({"ids": [HOERYONG, "unknown"], "properties": [
        {"id": "located_in"}, {"id": "findings", "settings": {"limit": "1"}}, {"id": "label_en"}]}))
    answer = extend(mini_index, request)
    row = answer["rows"][HOERYONG]
    assert row["located_in"] == [{"id": BASE + "id/place/north-hamgyong",
                                  "name": "North Hamgyong Province"}]
    assert len(row["findings"]) == 1 and row["label_en"] == [{"str": "Hoeryong"}]
    assert answer["rows"]["unknown"] == {"located_in": [], "findings": [], "label_en": []}
    assert answer["meta"][1]["type"]["id"] == kind_of("finding").iri  # type: ignore[union-attr]


def test_properties_are_proposed_per_type() -> None:
    for_places = {p["id"] for p in propose_properties("place", 100)["properties"]}
    for_findings = {p["id"] for p in propose_properties("finding", 100)["properties"]}
    assert {"coordinates", "located_in", "wikidata"} <= for_places
    assert "summary" not in for_places and {"summary", "source"} <= for_findings
    with pytest.raises(BadInput):
        propose_properties("nothing", 5)


def test_suggest_ranks_name_starts_first(mini_index: NameIndex) -> None:
    assert rank("hoe", [("hoeryong",)]) == 0 and rank("ryong", [("hoe", "ryong")]) == 1
    assert rank("x", [("hoeryong",)]) is None
    found = suggest_entities(mini_index, "Hoe", (), 0, 10)["result"]
    assert found[0]["id"] == HOERYONG
    assert TRIAL in [r["id"] for r in found]
    page2 = suggest_entities(mini_index, "Hoe", (), 1, 1)["result"]
    assert page2 == found[1:2]


def test_the_preview_escapes_every_text(made_up: NameIndex) -> None:
    town = made_up.get(TOWN)
    assert town is not None
    html = preview_html(town, "http://127.0.0.1:5000/", BASE)
    assert "Example Town &lt;b&gt;&amp;&lt;/b&gt;" in html and "<b>" not in html
    assert 'href="http://127.0.0.1:5000/id/place/example-town"' in html


# --- what the inputs refuse --------------------------------------------------------------------


@pytest.mark.parametrize(("batch", "parameter"), [
    ("{", "queries"),
    ("[]", "queries"),
    (json.dumps({f"q{i}": {"query": "x"} for i in range(MAX_QUERIES + 1)}), "queries"),
    (json.dumps({"q": {"query": "x" * (MAX_TEXT + 1)}}), "queries"),
    (json.dumps({"q": {"limit": 1}}), "queries"),
    (json.dumps({"q": {"query": "x", "props": []}}), "queries"),
    (json.dumps({"q": {"query": "x", "type": "nothing"}}), "type"),
    (json.dumps({"q": {"query": "x", "limit": 0}}), "limit"),
    (json.dumps({"q": {"query": "x", "limit": MAX_LIMIT + 1}}), "limit"),
    (json.dumps({"q": {"query": "x", "limit": 2.5}}), "limit"),
    (json.dumps({"q": {"query": "x", "type_strict": "some"}}), "queries"),
    (json.dumps({"q": {"query": "x", "properties": [{"pid": "nothing", "v": "y"}]}}), "properties"),
    (json.dumps({"q": {"query": "x", "properties": [{"pid": "wikidata", "v": None}]}}), "properties"),
    ("[" * 100_000, "queries"),
])
def test_bad_batches_are_refused(batch: str, parameter: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse_batch(batch)
    assert refused.value.parameter == parameter and refused.value.message


def test_the_inputs_read_what_openrefine_sends() -> None:
    batch = parse_batch(json.dumps({"q0": {"query": " Hoeryong ", "type": "place",
                                           "type_strict": "should", "limit": "3"}}))
    assert batch["q0"] == Query("Hoeryong", (kind_of("place"),), False, 3, ())  # type: ignore[arg-type]
    assert prop_of("wikidata") is not None and prop_of("nothing") is None
    assert check_callback("jQuery34_1.a$") == "jQuery34_1.a$"
    for bad in ("alert(1)", "a b", "x;y", "", "é", "a" * 101):
        with pytest.raises(BadInput):
            check_callback(bad)
