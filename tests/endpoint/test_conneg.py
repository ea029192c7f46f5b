"""Content negotiation: q-values, wildcards, specificity, format= override, 406."""

from __future__ import annotations

import pytest

from dprk_ld.formats import CSV as CSV_OFFER
from dprk_ld.formats import GRAPHS as GRAPH_OFFERS
from dprk_ld.formats import JSON_RESULTS as JSON
from dprk_ld.formats import JSONLD, NTRIPLES, RDFXML, TSV, TURTLE, Format
from dprk_ld.formats import RESULTS as RESULTS_OFFERS
from dprk_ld.formats import XML_RESULTS as XML_OFFER
from dprk_ld.web import conneg


def pick(accept: str | None, offers=RESULTS_OFFERS, fmt: str | None = None) -> Format:
    return conneg.negotiate(accept, offers, fmt)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("text/csv", CSV_OFFER),
        ("text/tab-separated-values", TSV),
        ("application/sparql-results+xml", XML_OFFER),
        ("application/json", JSON),
        ("text/*", CSV_OFFER),
        ("text/*;q=0.5, text/tab-separated-values", TSV),
        ("application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.8", XML_OFFER),
        ("text/csv;q=0.1, */*;q=0.2", JSON),
        # specificity: text/csv;q=0 forbids CSV even though text/* allows text
        ("text/csv;q=0, text/*;q=0.9", TSV),
        # parameters other than q do not stop a match
        ("text/csv;charset=utf-8", CSV_OFFER),
        ("TEXT/CSV", CSV_OFFER),
        # unreadable ranges are skipped, not fatal
        ("garbage, text/csv", CSV_OFFER),
        ("text/csv;q=abc, text/tab-separated-values;q=0.5", TSV),
        ("text/csv;q=2, text/tab-separated-values", TSV),
        (";;;,,,", JSON),
        ("*/csv", JSON),
    ],
)
def test_negotiation(accept: str | None, expected: Format) -> None:
    assert pick(accept) is expected


def test_ties_go_to_the_more_specific_range_then_server_order() -> None:
    # both q=1; XML matched exactly, JSON only through */*
    assert pick("*/*, application/sparql-results+xml") is XML_OFFER
    # equal q and equal specificity: the server's first preference
    assert pick("text/csv, text/tab-separated-values") is CSV_OFFER


def test_graph_offers() -> None:
    assert pick(None, GRAPH_OFFERS) is TURTLE
    assert pick("application/n-triples", GRAPH_OFFERS) is NTRIPLES
    assert pick("application/ld+json", GRAPH_OFFERS) is JSONLD
    assert pick("application/rdf+xml", GRAPH_OFFERS) is RDFXML
    assert pick("application/turtle", GRAPH_OFFERS) is TURTLE
    # a browser: RDF/XML through application/xml beats */*
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert pick(browser, GRAPH_OFFERS) is RDFXML


def test_format_parameter_overrides_accept() -> None:
    assert pick("text/csv", fmt="json") is JSON
    assert pick("text/csv", fmt="tsv") is TSV
    assert pick(None, fmt="application/sparql-results+xml") is XML_OFFER
    assert pick(None, GRAPH_OFFERS, fmt="nt") is NTRIPLES
    assert pick(None, GRAPH_OFFERS, fmt="json") is JSONLD
    assert pick(None, GRAPH_OFFERS, fmt=" TTL ") is TURTLE


def test_not_acceptable_lists_the_offers() -> None:
    with pytest.raises(conneg.NotAcceptable) as info:
        pick("image/png")
    assert info.value.offered == [o.media_type for o in RESULTS_OFFERS]
    with pytest.raises(conneg.NotAcceptable):
        pick("text/csv;q=0, text/tab-separated-values;q=0, application/*;q=0")
    with pytest.raises(conneg.NotAcceptable) as info:
        pick(None, fmt="ttl")  # Turtle is not a format of SELECT results
    assert "text/csv" in info.value.offered


def test_negotiate_or_default_never_refuses() -> None:
    assert conneg.negotiate_or_default("image/png", RESULTS_OFFERS) is JSON
    assert conneg.negotiate_or_default("image/png", RESULTS_OFFERS, "nope") is JSON
    assert conneg.negotiate_or_default("text/csv", RESULTS_OFFERS, "nope") is CSV_OFFER


def test_parse_accept_is_bounded() -> None:
    ranges = conneg.parse_accept(",".join(["text/csv"] * 10_000))
    assert len(ranges) == conneg.MAX_ACCEPT_RANGES


def test_remembered_choices_follow_the_offers_not_just_the_header() -> None:
    """The same Accept header against two offer lists gets each list's own answer, every time
    (the memo is keyed by the offers too), and a refusal is remembered as a refusal."""
    for _ in range(3):
        assert pick("application/json", RESULTS_OFFERS) is JSON
        assert pick("application/json", GRAPH_OFFERS) is JSONLD
        with pytest.raises(conneg.NotAcceptable):
            pick("text/turtle", RESULTS_OFFERS)
        assert pick("text/turtle", GRAPH_OFFERS) is TURTLE
    # an equal list built anew (another object, maybe a reused id) is negotiated on its own
    fresh = [Format("text/csv", "A", "file"), Format("text/plain", "B", "file")]
    assert pick("text/plain", fresh).label == "B"
    fresh2 = [Format("text/plain", "C", "file"), Format("text/csv", "D", "file")]
    assert pick("text/plain", fresh2).label == "C"
