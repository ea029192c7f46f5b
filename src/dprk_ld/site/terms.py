"""Terms as people read them: compact names, labels, and the rows and values of a page.

A page shows a description as :class:`Row` objects (a property and its values); a
:class:`Value` is a literal, a link (to our own path, or outside), or the nested rows of a part
the resource owns (``#quantity-1`` and the like).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from dprk_ld.release.namespaces import DPRK, PREFIXES
from dprk_ld.site.describe import LABEL_PROPS
from dprk_ld.site.state import Site

DESCRIPTION_PROPS = (DPRK.summary, SKOS.definition, DCTERMS.description, RDFS.comment)
HIDDEN_PROPS = {RDF.type, RDFS.label, SKOS.prefLabel, *DESCRIPTION_PROPS}
LABELS_QUERY = ("SELECT ?s ?l WHERE { VALUES ?p { rdfs:label skos:prefLabel dcterms:title } "
                "?s ?p ?l FILTER(LANG(?l) = 'en' || LANG(?l) = '') }")


def compact(iri: str) -> str:
    """``prefix:local`` for an IRI in a known namespace (the longest one), else the IRI."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def _pick_literal(values: Iterable[Any]) -> str | None:
    english, plain, other = None, None, None
    for v in values:
        if not isinstance(v, Literal):
            continue
        if v.language == "en":
            english = english or str(v)
        elif v.language is None:
            plain = plain or str(v)
        else:
            other = other or str(v)
    return english or plain or other


def label_of(g: Graph, node: Any, s: Site | None = None) -> str:
    """The label people read for ``node``: from the graph, the release, or its IRI."""
    for prop in LABEL_PROPS:
        found = _pick_literal(g.objects(node, prop))
        if found:
            return found
    summary = _pick_literal(g.objects(node, DPRK.summary))
    if summary:
        return summary if len(summary) <= 160 else summary[:157].rstrip() + "…"
    if s is not None and isinstance(node, URIRef):
        known = labels(s).get(str(node))
        if known:
            return known
    if isinstance(node, URIRef):
        text = str(node)
        return compact(text) if not text.startswith(s.base if s else "\0") else (
            text.rstrip("/").rsplit("/", 1)[-1].replace("#", " · "))
    return str(node)


def labels(s: Site) -> dict[str, str]:
    """English labels of everything in the release that has one (terms of the ontology too)."""
    def build() -> dict[str, str]:
        found: dict[str, str] = {}
        for row in s.store.query(LABELS_QUERY, use_default_graph_as_union=True, prefixes=PREFIXES):
            found.setdefault(row["s"].value, row["l"].value)
        return found

    return s.cached("labels", build)


@dataclass
class Value:
    text: str
    href: str | None = None
    note: str | None = None  # language or datatype
    rows: list[Row] | None = None  # the parts a resource owns (#quantity-1 …)
    external: bool = False


@dataclass
class Row:
    label: str
    href: str | None
    iri: str
    values: list[Value] = field(default_factory=list)


def value_of(s: Site, g: Graph, term: Any, owner: str, depth: int = 0) -> Value:
    """How ``term`` shows on the page of ``owner``: text, a link, or the rows of a part."""
    if isinstance(term, Literal):
        note = f"@{term.language}" if term.language else (
            compact(str(term.datatype)) if term.datatype and term.datatype != XSD.string else None)
        return Value(str(term), note=note)
    if isinstance(term, BNode) or (isinstance(term, URIRef) and str(term).startswith(owner + "#")
                                   and depth < 3):
        return Value(label_of(g, term, s), rows=rows_of(s, g, term, owner, depth + 1))
    text = str(term)
    return Value(label_of(g, term, s), href=s.href(text), external=not text.startswith(s.base),
                 note=None)


def prop_row(s: Site, prop: URIRef) -> Row:
    """An empty row for a property, labelled and linked."""
    text = str(prop)
    return Row(labels(s).get(text, compact(text)), s.href(text), text)


def sort_key(s: Site) -> Any:
    """Properties in the order of their labels."""
    names = labels(s)
    return lambda x: names.get(str(x), compact(str(x)))


def rows_of(s: Site, g: Graph, node: Any, owner: str, depth: int = 0,
            hidden: set[Any] | None = None) -> list[Row]:
    """The rows of what ``node`` says, by property, without the ``hidden`` properties."""
    hidden = HIDDEN_PROPS if hidden is None else hidden
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for p, o in g.predicate_objects(node):
        if p not in hidden:
            grouped[p].append(o)
    rows = []
    for p in sorted(grouped, key=sort_key(s)):
        row = prop_row(s, p)
        values = [value_of(s, g, o, owner, depth) for o in grouped[p]]
        row.values = sorted(values, key=lambda v: v.text.lower())
        rows.append(row)
    return rows


__all__ = ["DESCRIPTION_PROPS", "HIDDEN_PROPS", "Row", "Value", "compact", "label_of", "labels",
           "prop_row", "rows_of", "sort_key", "value_of"]
