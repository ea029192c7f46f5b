"""Claims side by side: an event's page shows each source's claim about it (source, time,
figures, certainty, quote) with the differences the build found marked; a finding's page links to
the events it reports and to the other accounts of them; ``/disagreements`` lists every
disagreement of the release with its claims.

Everything is read from the release's store with a few queries, the IRI of the resource bound as
a substitution (never pasted into the query text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from dprk_ld.release.namespaces import DPRK, PREFIXES
from dprk_ld.site.render import render
from dprk_ld.site.state import Site
from dprk_ld.site.terms import Value

Q_CLAIM = """SELECT ?f ?source ?title ?certainty ?summary ?ident WHERE {
  ?f dcterms:source ?source ; dprk:summary ?summary ; dcterms:identifier ?ident .
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?f dprk:certainty/skos:prefLabel ?certainty FILTER(LANG(?certainty) = "en") }
} LIMIT 1"""
Q_TIMES = """SELECT ?f ?time ?label WHERE {
  { ?f dprk:time ?time OPTIONAL { ?time rdfs:label ?label } }
  UNION { ?f dprk:undatedReason ?reason BIND(CONCAT("undated: ", STR(?reason)) AS ?label) }
} ORDER BY ?label"""
Q_QUOTES = """SELECT ?f ?exact WHERE {
  ?f dprk:evidence ?e . ?e oa:hasTarget/oa:hasSelector ?sel . ?sel oa:exact ?exact
} ORDER BY ?e"""
Q_FIGURES = """SELECT ?f ?q ?value ?min ?max ?ordinal ?unit ?qualifier ?measure ?measureLabel ?period
       ?periodLabel (GROUP_CONCAT(STR(?alt); SEPARATOR=" or ") AS ?alts) WHERE {
  ?f dprk:quantity ?q .
  OPTIONAL { ?q dprk:value ?value } OPTIONAL { ?q dprk:minValue ?min } OPTIONAL { ?q dprk:maxValue ?max }
  OPTIONAL { ?q dprk:ordinal ?ordinal } OPTIONAL { ?q dprk:alternativeValue ?alt }
  OPTIONAL { ?q dprk:unit/skos:prefLabel ?unit FILTER(LANG(?unit) = "en") }
  OPTIONAL { ?q dprk:qualifier/skos:prefLabel ?qualifier FILTER(LANG(?qualifier) = "en") }
  OPTIONAL { ?q dprk:measure ?measure OPTIONAL { ?measure skos:prefLabel ?measureLabel
             FILTER(LANG(?measureLabel) = "en") } }
  OPTIONAL { ?q dprk:referencePeriod ?period OPTIONAL { ?period rdfs:label ?periodLabel } }
} GROUP BY ?f ?q ?value ?min ?max ?ordinal ?unit ?qualifier ?measure ?measureLabel ?period ?periodLabel
ORDER BY ?q"""
Q_DISAGREEMENTS_OF = """SELECT ?f ?d ?kind ?about ?period WHERE {
  ?d dprk:claim ?f ; dprk:differsIn ?k ; dprk:about ?about .
  BIND(STRAFTER(STR(?k), "difference-kinds/") AS ?kind)
  OPTIONAL { ?d dprk:referencePeriod ?period }
}"""
Q_EVENT_FINDINGS = """SELECT ?event ?f WHERE { ?f dprk:reports ?event ; dcterms:source ?s }
ORDER BY ?s ?f"""
Q_EVENTS_OF = """SELECT ?f ?event ?label ?other WHERE {
  ?f dprk:reports ?event . ?event rdfs:label ?label .
  OPTIONAL { ?other dprk:reports ?event FILTER(?other != ?f) }
} ORDER BY ?label ?other"""
Q_ALL_DISAGREEMENTS = """SELECT ?d ?label ?kind ?about ?aboutLabel ?periodLabel WHERE {
  ?d a dprk:Disagreement ; rdfs:label ?label ; dprk:differsIn ?k ; dprk:about ?about .
  BIND(STRAFTER(STR(?k), "difference-kinds/") AS ?kind)
  OPTIONAL { ?about rdfs:label|skos:prefLabel ?aboutLabel FILTER(LANG(?aboutLabel) = "en") }
  OPTIONAL { ?d dprk:referencePeriod/rdfs:label ?periodLabel }
} ORDER BY ?kind ?label"""
Q_CLAIMS_OF = "SELECT ?d ?f WHERE { ?d dprk:claim ?f } ORDER BY ?f"
Q_EVENT_DISAGREEMENTS = """SELECT DISTINCT ?event ?d ?label WHERE {
  { ?d dprk:about ?event } UNION { ?d dprk:claim ?f . ?f dprk:reports ?event }
  ?d a dprk:Disagreement ; rdfs:label ?label
} ORDER BY ?label"""


@dataclass
class Figure:
    text: str
    measure: Value | None = None
    period: str | None = None
    differs: bool = False


@dataclass
class Claim:
    """One finding as one source's claim: what the source says, when, how sure, in its words."""

    finding: Value
    source: Value
    summary: str
    certainty: str
    times: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    date_differs: bool = False


@dataclass
class Listed:
    """A disagreement of the ``/disagreements`` page."""

    href: str
    label: str
    kind: str
    about: Value
    period: str | None
    claims: list[Claim]


@dataclass
class ClaimsView:
    """What a resource page adds: an event's claims side by side, or a finding's events."""

    claims: list[Claim] = field(default_factory=list)
    disagreements: list[Value] = field(default_factory=list)
    events: list[tuple[Value, list[Value]]] = field(default_factory=list)  # event, other accounts


def select(s: Site, query: str, **bound: str) -> list[dict[str, str]]:
    """The rows of a SELECT over the release (values as text, '' when unbound); ``bound`` names
    the variables bound to IRIs (each must be in the query's projection)."""
    subs: dict[Any, Any] = {ox.Variable(k): ox.NamedNode(v) for k, v in bound.items()}
    result = s.store.query(query, substitutions=subs, use_default_graph_as_union=True,
                           prefixes=PREFIXES)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def _number(r: dict[str, str]) -> str:
    if r["alts"]:
        return r["alts"]
    if r["ordinal"]:
        return f"no. {r['ordinal']}"
    if r["min"] or r["max"]:
        return f"{r['min']}–{r['max']}"
    return r["value"]


def _figures(s: Site, f: str, differ: set[tuple[str, str]]) -> list[Figure]:
    figures = []
    for r in select(s, Q_FIGURES, f=f):
        qualifier = "" if r["qualifier"] in ("range", "either") else r["qualifier"] + " "
        text = f"{qualifier}{_number(r)} {r['unit']}".strip()
        measure = Value(r["measureLabel"] or r["measure"].rsplit("/", 1)[-1], href=s.href(r["measure"])) \
            if r["measure"] else None
        figures.append(Figure(text, measure, r["periodLabel"] or None,
                              (r["measure"], r["period"]) in differ))
    return figures


def claim_of(s: Site, f: str, event: str | None = None) -> Claim | None:
    """The claim of finding ``f``; differences marked where a disagreement (about ``event``, for
    dates) names it."""
    found = select(s, Q_CLAIM, f=f)
    if not found:
        return None
    r = found[0]
    disagreements = select(s, Q_DISAGREEMENTS_OF, f=f)
    values = {(d["about"], d["period"]) for d in disagreements if d["kind"] == "value"}
    dates = any(d["kind"] == "date" and (event is None or d["about"] == event) for d in disagreements)
    return Claim(
        finding=Value(r["ident"], href=s.href(f)),
        source=Value(r["title"] or r["source"], href=s.href(r["source"])),
        summary=r["summary"], certainty=r["certainty"],
        times=[t["label"] or t["time"].rsplit("/", 1)[-1] for t in select(s, Q_TIMES, f=f)],
        figures=_figures(s, f, values),
        quotes=[q["exact"] for q in select(s, Q_QUOTES, f=f)],
        date_differs=dates)


def event_claims(s: Site, event: str) -> ClaimsView:
    """The claims of the findings that report ``event``, source by source."""
    claims = [c for c in (claim_of(s, r["f"], event) for r in select(s, Q_EVENT_FINDINGS, event=event))
              if c is not None]
    return ClaimsView(claims=claims, disagreements=[
        Value(r["label"], href=s.href(r["d"])) for r in select(s, Q_EVENT_DISAGREEMENTS, event=event)])


def finding_events(s: Site, finding: str) -> ClaimsView:
    """The events a finding reports, each with the other findings that report it."""
    events: dict[str, tuple[Value, list[Value]]] = {}
    for r in select(s, Q_EVENTS_OF, f=finding):
        others = events.setdefault(r["event"], (Value(r["label"], href=s.href(r["event"])), []))[1]
        if r["other"]:
            others.append(Value(r["other"].rsplit("/", 2)[-2] + "/" + r["other"].rsplit("/", 1)[-1],
                                href=s.href(r["other"])))
    return ClaimsView(events=list(events.values()))


def claims_view(s: Site, iri: str, g: Graph) -> ClaimsView | None:
    """What the page of ``iri`` (described by ``g``) shows of claims: an event's claims, a
    finding's events; None for anything else, or a finding that reports no event."""
    node = URIRef(iri)
    if (node, RDF.type, DPRK.Event) in g:
        return event_claims(s, iri)
    if (node, RDF.type, DPRK.Finding) in g and (node, DPRK.reports, None) in g:
        return finding_events(s, iri)
    return None


def all_disagreements(s: Site) -> list[Listed]:
    """Every disagreement of the release, with its claims."""
    def build() -> list[Listed]:
        found = []
        for r in select(s, Q_ALL_DISAGREEMENTS):
            event = r["about"] if r["kind"] == "date" else None
            claims = [claim_of(s, c["f"], event) for c in select(s, Q_CLAIMS_OF, d=r["d"])]
            found.append(Listed(s.href(r["d"]), r["label"], r["kind"],
                                Value(r["aboutLabel"] or r["about"], href=s.href(r["about"])),
                                r["periodLabel"] or None, [c for c in claims if c is not None]))
        return found

    return s.cached("disagreements", build)


def disagreements_page(s: Site) -> str:
    """``/disagreements``: every disagreement the build found, each with its claims."""
    return render("disagreements.html", disagreements=all_disagreements(s))


__all__ = ["Claim", "ClaimsView", "Figure", "Listed", "all_disagreements", "claim_of", "claims_view",
           "disagreements_page", "event_claims", "finding_events", "select"]
