"""The landing page's figures: counts of findings by source, kind, violation type and year (the
calendar years their own times touch; undated findings are in none), and the small SVG bar charts
that draw them (no script, nothing loaded from elsewhere)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from markupsafe import Markup, escape

from dprk_ld.release.namespaces import PREFIXES
from dprk_ld.site.state import Site
from dprk_ld.site.terms import labels

#: figure key -> (title, query giving ?k, ?label and the count ?n of each bar)
FIGURE_QUERIES = {
    "source": ("Findings per source",
               "SELECT ?k ?label (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a dprk:Finding ; dcterms:source ?k . "
               "?k dcterms:title ?label } GROUP BY ?k ?label ORDER BY ?label"),
    "kind": ("Findings per kind",
             "SELECT ?k ?label (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a dprk:Finding, ?k . "
             "FILTER(?k != dprk:Finding) ?k rdfs:label ?label } GROUP BY ?k ?label ORDER BY DESC(?n) ?label"),
    "violation": ("Findings per violation type",
                  "SELECT ?k ?label (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a dprk:Finding ; "
                  "dprk:violationType ?k . ?k skos:prefLabel ?label FILTER(LANG(?label) = 'en') } "
                  "GROUP BY ?k ?label ORDER BY DESC(?n) ?label"),
}
#: every time of every finding, with the first and last day it can cover
YEARS_QUERY = ("SELECT DISTINCT ?f ?e ?l WHERE { ?f a dprk:Finding ; dprk:time ?t . "
               "OPTIONAL { ?t dprk:earliest ?e } OPTIONAL { ?t dprk:latest ?l } }")


@dataclass
class Bar:
    label: str
    count: int
    href: str | None = None


#: figure key -> (title, bars)
Figures = dict[str, tuple[str, list[Bar]]]


def bar_chart(title: str, bars: Sequence[Bar], width: int = 640) -> Markup:
    """A horizontal bar chart as inline SVG (one bar a row, counts at the end of the bars)."""
    row, label_w, top = 22, 260, 8
    height = top * 2 + row * max(1, len(bars))
    biggest = max((b.count for b in bars), default=1) or 1
    plot = width - label_w - 60
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, b in enumerate(bars):
        y = top + i * row
        w = max(1.0, plot * b.count / biggest) if b.count > 0 else 0.0
        name = escape(b.label if len(b.label) <= 40 else b.label[:39] + "…")
        text = f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{name}</text>'
        if b.href:
            text = f'<a href="{escape(b.href)}">{text}</a>'
        # a row of 0 has no bar, only its count, so that no sliver reads as "a few"
        rect = (f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}">'
                f'<title>{escape(b.label)}: {b.count}</title></rect>' if b.count > 0 else "")
        parts.append(f'<g class="bar">{text}{rect}'
                     f'<text class="count" x="{label_w + w + 4:.1f}" y="{y + 15}">{b.count}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def year_bars(s: Site) -> list[Bar]:
    """Findings per calendar year: a finding counts in every year one of its times touches (a
    period open at one end, in the year of the end it has); every year from the first to the
    last has its bar, 0 for a year without findings, so that a gap shows as a gap; a bar links to
    its year's time entity when the release has one."""
    per_year: dict[int, set[str]] = {}
    for r in s.store.query(YEARS_QUERY, use_default_graph_as_union=True, prefixes=PREFIXES):
        ends = [int(r[v].value[:4]) for v in ("e", "l") if r[v] is not None]
        if ends:
            for year in range(min(ends), max(ends) + 1):
                per_year.setdefault(year, set()).add(r["f"].value)
    names = labels(s)
    bars = []
    for year in range(min(per_year, default=0), max(per_year, default=-1) + 1):
        iri = f"{s.base}id/time/{year:04d}"
        bars.append(Bar(f"{year:04d}", len(per_year.get(year, ())),
                        s.href(iri) if iri in names else None))
    return bars


def figures(s: Site) -> Figures:
    """The counts the landing page charts (by source, kind, violation type, year)."""
    def compute() -> Figures:
        out: Figures = {}
        for key, (title, query) in FIGURE_QUERIES.items():
            bars = []
            for r in s.store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES):
                k = r["k"]
                href = s.href(k.value) if isinstance(k, ox.NamedNode) else None
                bars.append(Bar(r["label"].value, int(r["n"].value), href))
            out[key] = (title, bars)
        out["year"] = ("Findings per year", year_bars(s))
        return out

    return s.cached("figures", compute)


__all__ = ["FIGURE_QUERIES", "YEARS_QUERY", "Bar", "Figures", "bar_chart", "figures", "year_bars"]
