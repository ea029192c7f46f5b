"""Figures as W3C Data Cube series: a measure with figures for two or more reference periods gets a
qb:DataSet; each of its figures with a value is a qb:Observation with every dimension and attribute of
the one structure; other measures get none."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from dprk_ld.curation.load import load_project
from dprk_ld.release.build import ontology_graph
from dprk_ld.release.cube import recurring_measures, series_iri
from dprk_ld.release.namespaces import DPRK, ID, QB, VOCAB
from dprk_ld.release.rdf import data_graph

SERIES = ID["series/arrivals-in-south-korea"]
FINDINGS = "data/findings/mini.yaml"


def test_a_recurring_measure_is_a_series(mini_release: Path) -> None:
    g = Graph().parse(mini_release / "dprk-ld.nt", format="nt")
    assert set(g.subjects(RDF.type, QB.DataSet)) == {SERIES}
    assert g.value(SERIES, QB.structure) == DPRK.FigureStructure
    assert g.value(SERIES, DPRK.measure) == VOCAB["measures/arrivals-in-south-korea"]
    observations = set(g.subjects(QB.dataSet, SERIES))
    assert URIRef(ID["finding/mini/arrivals-2019"] + "#quantity-1") in observations
    assert len(observations) >= 2
    for obs in observations:
        assert (obs, RDF.type, QB.Observation) in g and (obs, RDF.type, DPRK.Quantity) in g
        finding = g.value(obs, DPRK.claim)
        assert (finding, DPRK.quantity, obs) in g
        assert g.value(obs, DCTERMS.source) == g.value(finding, DCTERMS.source)
        assert g.value(obs, DPRK.measure) == g.value(SERIES, DPRK.measure)
        for prop in (DPRK.referencePeriod, DPRK.value, DPRK.unit, DPRK.qualifier):
            assert g.value(obs, prop) is not None, (obs, prop)
    periods = {g.value(obs, DPRK.referencePeriod) for obs in observations}
    assert {ID["time/2019"], ID["time/2024-01--2024-06"]} <= periods


def test_the_structure_names_every_component(mini_release: Path) -> None:
    g = Graph().parse(mini_release / "dprk-ld.nt", format="nt")
    components = set(g.objects(DPRK.FigureStructure, QB.component))
    assert all(isinstance(c, URIRef) for c in components)  # no blank nodes in the release
    found = {(p, g.value(c, p)) for c in components for p in (QB.dimension, QB.measure, QB.attribute)
             if g.value(c, p) is not None}
    assert found == {
        (QB.dimension, DPRK.referencePeriod), (QB.dimension, DPRK.claim), (QB.measure, DPRK.value),
        (QB.attribute, DPRK.unit), (QB.attribute, DPRK.qualifier), (QB.attribute, DCTERMS.source)}
    assert (DPRK.claim, RDF.type, QB.DimensionProperty) in g


def test_a_measure_of_one_period_is_no_series(mini: Path) -> None:
    project = load_project(mini)
    assert "arrivals-in-south-korea" in recurring_measures(project)
    assert "human-rights-treaties-ratified" not in recurring_measures(project)  # one period: 2024
    g = data_graph(project)
    assert (series_iri("human-rights-treaties-ratified"), RDF.type, QB.DataSet) not in g
    treaties = URIRef(ID["finding/mini/five-treaties-ratified"] + "#quantity-1")
    assert (treaties, RDF.type, QB.Observation) not in g
    assert g.value(treaties, DPRK.referencePeriod) == ID["time/2024"]


def test_a_range_is_in_its_series_but_no_observation(mini: Path) -> None:
    path = mini / FINDINGS
    text = path.read_text(encoding="utf-8")
    old = "period: \"2019\", value: 1000, unit: person, qualifier: more-than"
    assert old in text
    new = "period: \"2019\", min: 1000, max: 1100, unit: person, qualifier: range"
    path.write_text(text.replace(old, new), encoding="utf-8")
    project = load_project(mini)
    g = data_graph(project)
    ranged = URIRef(ID["finding/mini/arrivals-2019"] + "#quantity-1")
    assert (SERIES, RDF.type, QB.DataSet) in g  # still two periods
    assert (ranged, RDF.type, QB.Observation) not in g and g.value(ranged, QB.dataSet) is None


def test_the_ontology_declares_the_structure(mini: Path) -> None:
    g = ontology_graph(mini)
    assert (DPRK.FigureStructure, RDF.type, QB.DataStructureDefinition) in g
    for term in (DPRK.time, DPRK.asOf, DPRK.undated, DPRK.undatedReason, DPRK.timeBasis, DPRK.earliest,
                 DPRK.latest, DPRK.measure, DPRK.referencePeriod, DPRK.ordinal, DPRK.alternativeValue,
                 DPRK.measureKind):
        assert (term, URIRef("http://www.w3.org/2000/01/rdf-schema#isDefinedBy"), None) in g, term
    for gone in (DPRK.eventDate, DPRK.year):
        assert not list(g.triples((gone, None, None))), gone
