"""The page of a series (``id/series/<measure>``, a ``qb:DataSet``): a chart that draws each figure
over its reference period, and a table of every point with its period, value, qualifier, unit,
source and quote.

The points are every figure of the series' measure (its observations, and the ranges and
alternatives that are not observations), read from the release's store with the series' IRI bound
as a substitution. On the chart a value is a bar over its period, a range or alternatives a band
from the lowest to the highest; figures of the same period and number from several sources are one
mark, with each source named in its tooltip, and one row each in the table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup, escape
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from dprk_ld.release.namespaces import PREFIXES, QB
from dprk_ld.site.state import Site
from dprk_ld.site.terms import Value

Q_POINTS = """SELECT ?series ?q ?finding ?ident ?value ?min ?max ?ordinal
       (GROUP_CONCAT(STR(?alt); SEPARATOR=" ") AS ?alts) ?unit ?qualifier ?period ?periodLabel
       ?earliest ?latest ?source ?sourceTitle WHERE {
  ?series dprk:measure ?measure .
  ?q dprk:measure ?measure ; dprk:referencePeriod ?period .
  ?finding dprk:quantity ?q ; dcterms:source ?source .
  OPTIONAL { ?q dprk:value ?value } OPTIONAL { ?q dprk:minValue ?min } OPTIONAL { ?q dprk:maxValue ?max }
  OPTIONAL { ?q dprk:ordinal ?ordinal } OPTIONAL { ?q dprk:alternativeValue ?alt }
  OPTIONAL { ?finding dcterms:identifier ?ident }
  OPTIONAL { ?period rdfs:label ?periodLabel }
  OPTIONAL { ?period dprk:earliest ?earliest }
  OPTIONAL { ?period dprk:latest ?latest }
  OPTIONAL { ?q dprk:unit/skos:prefLabel ?unit FILTER(LANG(?unit) = "en") }
  OPTIONAL { ?q dprk:qualifier/skos:prefLabel ?qualifier FILTER(LANG(?qualifier) = "en") }
  OPTIONAL { ?source dcterms:title ?sourceTitle }
} GROUP BY ?series ?q ?finding ?ident ?value ?min ?max ?ordinal ?unit ?qualifier ?period ?periodLabel
  ?earliest ?latest ?source ?sourceTitle
ORDER BY ?earliest ?latest ?period ?source ?q"""
Q_QUOTES = """SELECT ?series ?finding ?exact WHERE {
  ?series dprk:measure ?measure .
  ?finding dprk:quantity/dprk:measure ?measure ; dprk:evidence ?e .
  ?e oa:hasTarget/oa:hasSelector ?sel . ?sel oa:exact ?exact
} ORDER BY ?finding ?e"""
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 280, 70, 20, 16, 40


@dataclass
class Point:
    """One figure of a series: a value (an observation), a range, alternatives or a rank."""

    number: str  # as people read it: 1,000; 1–2; 40 or 50; no. 6
    low: Decimal | None  # the lowest and highest value it gives (None for a rank)
    high: Decimal | None
    period: Value
    earliest: dt.date | None
    latest: dt.date | None
    qualifier: str
    unit: str
    source: Value
    claim: Value
    quotes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """``more than 1,000 people``; no word for an exact figure, a range or alternatives."""
        plain = ("", "exactly", "range", "either")
        qualifier = "" if self.qualifier in plain else self.qualifier + " "
        return f"{qualifier}{self.number} {self.unit}".strip()


@dataclass
class SeriesView:
    points: list[Point]
    chart: Markup


def _rows(s: Site, query: str, series: str) -> list[dict[str, str]]:
    result = s.store.query(query, substitutions={ox.Variable("series"): ox.NamedNode(series)},
                           use_default_graph_as_union=True, prefixes=PREFIXES)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _number(r: dict[str, str]) -> tuple[str, Decimal | None, Decimal | None]:
    """A figure's number as people read it, and the lowest and highest value it gives."""
    values = [d for d in (_decimal(v) for v in r["alts"].split()) if d is not None]
    if values:
        return " or ".join(f"{v:,}" for v in values), min(values), max(values)
    lo, hi = _decimal(r["min"]), _decimal(r["max"])
    if lo is not None and hi is not None:
        return f"{lo:,}–{hi:,}", lo, hi
    value = _decimal(r["value"])
    if value is not None:
        return f"{value:,}", value, value
    return f"no. {r['ordinal']}", None, None


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def points_of(s: Site, series: str) -> list[Point]:
    """Every figure of the measure of ``series``, in the order of their reference periods."""
    quotes: dict[str, list[str]] = {}
    for r in _rows(s, Q_QUOTES, series):
        found = quotes.setdefault(r["finding"], [])
        if r["exact"] not in found:
            found.append(r["exact"])
    points = []
    for r in _rows(s, Q_POINTS, series):
        number, low, high = _number(r)
        period = Value(r["periodLabel"] or r["period"].rsplit("/", 1)[-1], href=s.href(r["period"]))
        points.append(Point(
            number=number, low=low, high=high, period=period,
            earliest=_day(r["earliest"]), latest=_day(r["latest"]), qualifier=r["qualifier"],
            unit=r["unit"], source=Value(r["sourceTitle"] or r["source"], href=s.href(r["source"])),
            claim=Value(r["ident"] or r["finding"], href=s.href(r["finding"])),
            quotes=quotes.get(r["finding"], [])))
    return points


def _ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the years between two days (at most about a dozen of them)."""
    years = list(range(first.year + (first.month > 1 or first.day > 1), last.year + 1))
    step = max(1, len(years) // 12 + 1) if len(years) > 12 else 1
    return [dt.date(y, 1, 1) for y in years[::step]]


def series_chart(title: str, points: list[Point]) -> Markup:
    """An inline SVG: each figure drawn as a bar over its reference period, at the height of its
    value (an open end drawn to the edge); figures of the same period and value are one bar."""
    points = [p for p in points if p.high is not None]
    days = [d for p in points for d in (p.earliest, p.latest) if d is not None]
    if not days:
        return Markup("")
    first, last = min(days), max(days) + dt.timedelta(days=1)
    top = max((p.high for p in points if p.high is not None), default=Decimal(1)) or Decimal(1)
    span = (last - first).days or 1

    def x(d: dt.date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (d - first).days / span

    def y(v: Decimal) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * float(1 - v / (top * Decimal("1.1")))

    parts = [f'<svg class="chart series" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    base = HEIGHT - BOTTOM
    parts.append(f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" '
                 'stroke="currentColor"/>')
    for tick in _ticks(first, last):
        parts.append(f'<text class="tick" x="{x(tick):.1f}" y="{base + 16}" '
                     f'text-anchor="middle">{tick.year}</text>')
    for value in (Decimal(0), top):
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y(value) + 4:.1f}" '
                     f'text-anchor="end">{value:,}</text>')
    parts.extend(_marks(points, x, y, first, last))
    parts.append("</svg>")
    return Markup("".join(parts))


def _marks(points: list[Point], x: Any, y: Any, first: dt.date, last: dt.date) -> list[str]:
    """One mark per reference period and number (a bar for a value, a band for a range or
    alternatives), its tooltip naming every source that gives it."""
    groups: dict[tuple[str, str], list[Point]] = {}
    for p in points:
        groups.setdefault((p.period.text, p.number), []).append(p)
    marks = []
    for (period, _), same in groups.items():
        p = same[0]
        assert p.low is not None and p.high is not None
        start = x(p.earliest or first)
        end = x((p.latest or last - dt.timedelta(days=1)) + dt.timedelta(days=1))
        top, bottom = y(p.high) - 3, y(p.low) + 3
        tip = f"{period}: " + "; ".join(f"{q.text} ({q.source.text})" for q in same)
        many = f" ×{len(same)}" if len(same) > 1 else ""
        band = ' fill-opacity="0.5"' if p.low != p.high else ""  # a range or alternatives
        marks.append(f'<g class="point"><rect x="{start:.1f}" y="{top:.1f}" '
                     f'width="{max(2.0, end - start):.1f}" height="{bottom - top:.1f}"{band}>'
                     f'<title>{escape(tip)}</title></rect><text class="count" x="{start:.1f}" '
                     f'y="{top - 3:.1f}">{escape(p.text)}{many}</text></g>')
    return marks


def series_view(s: Site, iri: str, g: Graph) -> SeriesView | None:
    """The chart and points of the page of ``iri`` if it is a series (described by ``g``)."""
    if (URIRef(iri), RDF.type, QB.DataSet) not in g:
        return None
    points = points_of(s, iri)
    return SeriesView(points, series_chart("Figures by reference period", points))


__all__ = ["Point", "SeriesView", "points_of", "series_chart", "series_view"]
