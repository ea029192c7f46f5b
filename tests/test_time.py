"""Time entities (OWL-Time): canonical keys and IRIs, labels, the first and last day they cover,
and the triples each kind of time entity has (a calendar year, month or day; a period, open or not)."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from dprk_ld.curation.dates import Date, Period, simplest, years_of
from dprk_ld.release.namespaces import DPRK, TIME
from dprk_ld.release.time import add_time, time_iri, time_label

T = "https://w3id.org/dprk-ld/id/time/"


@pytest.mark.parametrize(
    ("when", "key", "label", "earliest", "latest"),
    [
        (Date("2024"), "2024", "2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        (Date("2024-02"), "2024-02", "February 2024", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (Date("2024-03-28"), "2024-03-28", "28 March 2024", dt.date(2024, 3, 28), dt.date(2024, 3, 28)),
        (Period(Date("2023-08-26"), Date("2025-06")), "2023-08-26--2025-06",
         "26 August 2023 to June 2025", dt.date(2023, 8, 26), dt.date(2025, 6, 30)),
        (Period(Date("2024-01"), Date("2024-06")), "2024-01--2024-06", "January to June 2024",
         dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        (Period(Date("2019"), Date("2020")), "2019--2020", "2019 to 2020", dt.date(2019, 1, 1),
         dt.date(2020, 12, 31)),
        (Period(Date("2011-12"), None), "2011-12--open", "from December 2011", dt.date(2011, 12, 1), None),
        (Period(None, Date("2020")), "open--2020", "until 2020", None, dt.date(2020, 12, 31)),
    ],
)
def test_keys_labels_and_bounds(when: Date | Period, key: str, label: str, earliest: dt.date | None,
                                latest: dt.date | None) -> None:
    assert when.key == key
    assert time_iri(when) == URIRef(T + key)
    assert time_label(when) == label
    assert (when.earliest, when.latest) == (earliest, latest)


def test_a_period_of_one_date_is_that_date() -> None:
    same = Period(Date("2024-07"), Date("2024-07"))
    assert same.key == "2024-07" and simplest(same) == Date("2024-07")
    assert time_iri(same) == time_iri(Date("2024-07"))
    assert years_of(Period(Date("2019"), Date("2021-06"))) == [2019, 2020, 2021]
    assert years_of(Date("2024-03")) == [2024]


def test_a_day_is_a_date_time_interval_with_its_description() -> None:
    g = Graph()
    node = add_time(g, Date("2024-03-28"))
    desc = g.value(node, TIME.hasDateTimeDescription)
    assert (node, RDF.type, TIME.DateTimeInterval) in g
    assert desc == URIRef(T + "2024-03-28#description")
    assert g.value(desc, TIME.unitType) == TIME.unitDay
    assert g.value(desc, TIME.year) == Literal("2024", datatype=XSD.gYear)
    assert g.value(desc, TIME.month) == Literal("--03", datatype=XSD.gMonth)
    assert g.value(desc, TIME.day) == Literal("---28", datatype=XSD.gDay)
    day = Literal("2024-03-28", datatype=XSD.date)
    assert g.value(node, DPRK.earliest) == g.value(node, DPRK.latest) == day
    assert g.value(node, RDFS.label) == Literal("28 March 2024", lang="en")


def test_a_year_has_no_month_or_day() -> None:
    g = Graph()
    desc = g.value(add_time(g, Date("2019")), TIME.hasDateTimeDescription)
    assert g.value(desc, TIME.unitType) == TIME.unitYear
    assert g.value(desc, TIME.month) is None and g.value(desc, TIME.day) is None


def test_a_period_is_started_and_finished_by_its_dates() -> None:
    g = Graph()
    node = add_time(g, Period(Date("2023-08-26"), Date("2025-06")))
    assert (node, RDF.type, TIME.ProperInterval) in g
    start, end = g.value(node, TIME.intervalStartedBy), g.value(node, TIME.intervalFinishedBy)
    assert (start, end) == (URIRef(T + "2023-08-26"), URIRef(T + "2025-06"))
    assert (start, RDF.type, TIME.DateTimeInterval) in g and (end, RDF.type, TIME.DateTimeInterval) in g
    assert g.value(node, DPRK.earliest) == Literal("2023-08-26", datatype=XSD.date)
    assert g.value(node, DPRK.latest) == Literal("2025-06-30", datatype=XSD.date)


def test_an_open_end_has_no_bound_there() -> None:
    g = Graph()
    node = add_time(g, Period(Date("2011-12"), None))
    assert node == URIRef(T + "2011-12--open")
    assert g.value(node, TIME.intervalStartedBy) == URIRef(T + "2011-12")
    assert g.value(node, TIME.intervalFinishedBy) is None
    assert g.value(node, DPRK.latest) is None
    assert g.value(node, DPRK.earliest) == Literal("2011-12-01", datatype=XSD.date)


def test_the_same_time_is_one_node_wherever_it_occurs() -> None:
    g = Graph()
    a = add_time(g, Date("2024"))
    b = add_time(g, Period(Date("2024"), Date("2024")))
    add_time(g, Period(Date("2024"), Date("2025")))
    assert a == b
    assert len(set(g.subjects(RDF.type, TIME.DateTimeInterval))) == 2  # 2024 and 2025
