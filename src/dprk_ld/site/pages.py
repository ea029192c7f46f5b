"""A resource's page for people, drawn from its description alone.

:func:`resource_page` renders the description :func:`dprk_ld.site.describe.describe` gives
(embedded in the page as JSON-LD): the resource's fields, a finding's quotes in the text that
stands around them in their source, a source's findings section by section, and what refers to
the resource; a series of figures adds its chart and points (:mod:`~dprk_ld.site.series`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from dprk_ld.release.namespaces import DPRK, OA
from dprk_ld.site.cite import cite_view
from dprk_ld.site.claims import claims_view
from dprk_ld.site.render import alternates, embedded_jsonld, render
from dprk_ld.site.series import series_view
from dprk_ld.site.state import Site
from dprk_ld.site.terms import (
    DESCRIPTION_PROPS,
    HIDDEN_PROPS,
    Row,
    Value,
    label_of,
    prop_row,
    rows_of,
    sort_key,
    value_of,
)

CONTEXT_CHARS = 600  # characters of source text shown around a quote


@dataclass
class Evidence:
    iri: str
    exact: str
    start: int | None
    end: int | None
    before: str = ""
    after: str = ""
    href: str | None = None
    source_href: str | None = None
    text_href: str | None = None


def int_of(g: Graph, node: Any, prop: URIRef) -> int | None:
    """The first value of ``prop`` as an integer (None if absent or not a number)."""
    for v in g.objects(node, prop):
        try:
            return int(str(v))
        except ValueError:
            return None
    return None


def _selected(g: Graph, target: Any) -> tuple[str, int | None, int | None]:
    """(exact text, start, end) of a quote's selectors."""
    exact, start, end = "", None, None
    for sel in g.objects(target, OA.hasSelector):
        if (sel, RDF.type, OA.TextQuoteSelector) in g:
            exact = str(next(iter(g.objects(sel, OA.exact)), ""))
        if (sel, RDF.type, OA.TextPositionSelector) in g:
            start, end = int_of(g, sel, OA.start), int_of(g, sel, OA.end)
    return exact, start, end


def _in_context(s: Site, item: Evidence, text_iri: Any) -> None:
    """Link the quote to its source, and set the text around it when the source is archived."""
    source_iri = str(text_iri).rsplit("/", 1)[0]
    item.source_href = s.href(source_iri)
    sid = source_iri.rsplit("/", 1)[-1]
    text = s.source_text(sid)
    if text is None:
        return
    item.text_href = f"/dumps/sources/{sid}.txt"
    start, end = item.start, item.end
    if start is not None and end is not None and text[start:end] == item.exact:
        item.before = _clip_before(text[max(0, start - CONTEXT_CHARS):start])
        item.after = _clip_after(text[end:end + CONTEXT_CHARS])


def evidence_of(s: Site, g: Graph, finding: URIRef) -> list[Evidence]:
    """The quotes of a finding, each with the text that stands around it in its source."""
    found = []
    for ev in sorted(g.objects(finding, DPRK.evidence), key=str):
        for target in g.objects(ev, OA.hasTarget):
            exact, start, end = _selected(g, target)
            item = Evidence(str(ev), exact, start, end, href=s.href(str(ev)))
            text_iri = next(iter(g.objects(target, OA.hasSource)), None)
            if text_iri is not None:
                _in_context(s, item, text_iri)
            found.append(item)
    return found


def _clip_before(text: str) -> str:
    """The start of the paragraph a quote stands in (cut at a word if the paragraph is long)."""
    cut = text.rfind("\n")
    return text[cut + 1:] if cut >= 0 else ("…" + text[text.find(" ") + 1:] if text else "")


def _clip_after(text: str) -> str:
    """The rest of the paragraph after a quote."""
    cut = text.find("\n")
    return text[:cut] if cut >= 0 else (text[:text.rfind(" ")] + "…" if text else "")


def sections_of(s: Site, g: Graph, source: URIRef) -> list[tuple[Value, list[Value]]]:
    """A source's sections in order, each with the findings that stand in it."""
    order = sorted(g.objects(source, DCTERMS.hasPart),
                   key=lambda sec: int_of(g, sec, DPRK.sectionOrder) or 0)
    by_section: dict[Any, list[Any]] = defaultdict(list)
    for f in g.subjects(DCTERMS.source, source):
        if (f, RDF.type, DPRK.Finding) in g:
            by_section[next(iter(g.objects(f, DPRK.section)), None)].append(f)
    out = []
    for sec in order:
        findings = sorted(by_section.get(sec, []), key=str)
        out.append((Value(label_of(g, sec, s), href=s.href(str(sec))),
                    [Value(label_of(g, f, s), href=s.href(str(f))) for f in findings]))
    return out


def incoming_of(s: Site, g: Graph, node: URIRef, skip: set[Any]) -> list[Row]:
    """What refers to ``node`` (not its own parts, nor those in ``skip``), by property."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for subj, p in g.subject_predicates(node):
        if p != FOAF.primaryTopic and subj not in skip and not str(subj).startswith(str(node) + "#"):
            grouped[p].append(subj)
    rows = []
    for p in sorted(grouped, key=sort_key(s)):
        row = prop_row(s, p)
        row.values = sorted((Value(label_of(g, x, s), href=s.href(str(x)))
                             for x in set(grouped[p])), key=lambda v: v.text.lower())
        rows.append(row)
    return rows


def resource_page(s: Site, iri: str, g: Graph) -> str:
    """The HTML page of the resource ``iri``, from its description ``g``."""
    node = URIRef(iri)
    types = sorted(g.objects(node, RDF.type), key=str)
    kind = next((t for t in types if t != DPRK.Finding and str(t).startswith(str(DPRK))), None)
    is_finding = (node, RDF.type, DPRK.Finding) in g
    is_source = (node, RDF.type, DPRK.SourceDocument) in g
    hidden = set(HIDDEN_PROPS)
    if is_finding:
        hidden.add(DPRK.evidence)
    if is_source:
        hidden.add(DCTERMS.hasPart)
    incoming = incoming_of(s, g, node, set(g.objects(node, DPRK.evidence)))
    if is_source:
        incoming = [r for r in incoming if r.iri not in (str(DCTERMS.source), str(DCTERMS.isPartOf))]
    doc = f"/doc{s.local(iri) or ''}"
    return render(
        "resource.html",
        iri=iri,
        doc=doc,
        title=label_of(g, node, s) if not is_finding else _finding_title(g, node),
        types=[value_of(s, g, t, iri) for t in types],
        kind=value_of(s, g, kind, iri) if kind is not None else None,
        description=_description(g, node),
        other_labels=_other_labels(s, g, node),
        rows=rows_of(s, g, node, iri, hidden=hidden),
        incoming=incoming,
        claims=claims_view(s, iri, g),
        series=series_view(s, iri, g),
        evidence=evidence_of(s, g, node) if is_finding else [],
        sections=sections_of(s, g, node) if is_source else [],
        jsonld=embedded_jsonld(g),
        alternates=alternates(doc),
        cite=cite_view(s, iri) if is_finding or is_source else None,
    )


def _description(g: Graph, node: URIRef) -> list[str]:
    return [str(v) for p in DESCRIPTION_PROPS for v in g.objects(node, p)
            if not isinstance(v, Literal) or v.language in (None, "en")]


def _other_labels(s: Site, g: Graph, node: URIRef) -> list[str]:
    return sorted({str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in g.objects(node, p)}
                  - {label_of(g, node, s)})


def _finding_title(g: Graph, node: URIRef) -> str:
    ident = next(iter(g.objects(node, DCTERMS.identifier)), None)
    return f"Finding {ident}" if ident else "Finding"


__all__ = ["Evidence", "evidence_of", "incoming_of", "int_of", "resource_page", "sections_of"]
