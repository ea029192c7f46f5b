"""HTML pages for people: the landing page, a page per resource, the ontology documentation.

Every page is drawn from RDF: a resource page from the description ``resources.describe`` gives
(embedded in the page as JSON-LD), the landing page from the release's VoID/DCAT graph and a few
counting queries, the ontology documentation from the ontology graph itself. Charts are small SVG
bar charts drawn here; no script or style comes from anywhere but this package.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request
from markupsafe import Markup, escape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from dprk_ld.release.namespaces import DPRK, OA, PREFIXES
from dprk_ld.site.resources import HTML, LABEL_PROPS, Site, serialize, site

CONTEXT_CHARS = 600  # characters of source text shown around a quote
DESCRIPTION_PROPS = (DPRK.summary, SKOS.definition, DCTERMS.description, RDFS.comment)
HIDDEN_PROPS = {RDF.type, RDFS.label, SKOS.prefLabel, *DESCRIPTION_PROPS}


# --- terms as people read them -----------------------------------------------------------------


def compact(iri: str) -> str:
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
        query = ("SELECT ?s ?l WHERE { VALUES ?p { rdfs:label skos:prefLabel dcterms:title } "
                 "?s ?p ?l FILTER(LANG(?l) = 'en' || LANG(?l) = '') }")
        for row in s.store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES):
            found.setdefault(row["s"].value, row["l"].value)
        return found

    return s.cached("labels", build)  # type: ignore[no-any-return]


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
    text = str(prop)
    return Row(labels(s).get(text, compact(text)), s.href(text), text)


def rows_of(s: Site, g: Graph, node: Any, owner: str, depth: int = 0,
            hidden: set[Any] | None = None) -> list[Row]:
    hidden = HIDDEN_PROPS if hidden is None else hidden
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for p, o in g.predicate_objects(node):
        if p not in hidden:
            grouped[p].append(o)
    rows = []
    for p in sorted(grouped, key=lambda x: labels(s).get(str(x), compact(str(x)))):
        row = prop_row(s, p)
        values = [value_of(s, g, o, owner, depth) for o in grouped[p]]
        row.values = sorted(values, key=lambda v: v.text.lower())
        rows.append(row)
    return rows


# --- a resource's page -------------------------------------------------------------------------


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


def _int(g: Graph, node: Any, prop: URIRef) -> int | None:
    for v in g.objects(node, prop):
        try:
            return int(str(v))
        except ValueError:
            return None
    return None


def evidence_of(s: Site, g: Graph, finding: URIRef) -> list[Evidence]:
    """The quotes of a finding, each with the text that stands around it in its source."""
    found = []
    for ev in sorted(g.objects(finding, DPRK.evidence), key=str):
        for target in g.objects(ev, OA.hasTarget):
            exact, start, end, text_iri = "", None, None, None
            for sel in g.objects(target, OA.hasSelector):
                if (sel, RDF.type, OA.TextQuoteSelector) in g:
                    exact = str(next(iter(g.objects(sel, OA.exact)), ""))
                if (sel, RDF.type, OA.TextPositionSelector) in g:
                    start, end = _int(g, sel, OA.start), _int(g, sel, OA.end)
            text_iri = next(iter(g.objects(target, OA.hasSource)), None)
            item = Evidence(str(ev), exact, start, end, href=s.href(str(ev)))
            if text_iri is not None:
                source_iri = str(text_iri).rsplit("/", 1)[0]
                item.source_href = s.href(source_iri)
                sid = source_iri.rsplit("/", 1)[-1]
                text = s.source_text(sid)
                if text is not None:
                    item.text_href = f"/dumps/sources/{sid}.txt"
                    if start is not None and end is not None and text[start:end] == exact:
                        item.before = _clip_before(text[max(0, start - CONTEXT_CHARS):start])
                        item.after = _clip_after(text[end:end + CONTEXT_CHARS])
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
                   key=lambda sec: _int(g, sec, DPRK.sectionOrder) or 0)
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
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for subj, p in g.subject_predicates(node):
        if p != FOAF.primaryTopic and subj not in skip and not str(subj).startswith(str(node) + "#"):
            grouped[p].append(subj)
    rows = []
    for p in sorted(grouped, key=lambda x: labels(s).get(str(x), compact(str(x)))):
        row = prop_row(s, p)
        row.values = sorted((Value(label_of(g, x, s), href=s.href(str(x)))
                             for x in set(grouped[p])), key=lambda v: v.text.lower())
        rows.append(row)
    return rows


def embedded_jsonld(g: Graph) -> Markup:
    from dprk_ld.site.resources import RDF_OFFERS

    data = serialize(g, RDF_OFFERS[2]).decode("utf-8")
    return Markup(data.replace("</", "<\\/"))


def resource_page(s: Site, iri: str, g: Graph) -> str:
    node = URIRef(iri)
    types = sorted(g.objects(node, RDF.type), key=str)
    description = [str(v) for p in DESCRIPTION_PROPS for v in g.objects(node, p)
                   if not isinstance(v, Literal) or v.language in (None, "en")]
    kind = next((t for t in types if t != DPRK.Finding and str(t).startswith(str(DPRK))), None)
    is_finding = (node, RDF.type, DPRK.Finding) in g
    is_source = (node, RDF.type, DPRK.SourceDocument) in g
    hidden = set(HIDDEN_PROPS)
    if is_finding:
        hidden.add(DPRK.evidence)
    if is_source:
        hidden.add(DCTERMS.hasPart)
    skip = set(g.objects(node, DPRK.evidence))
    incoming = incoming_of(s, g, node, skip)
    if is_source:
        incoming = [r for r in incoming if r.iri not in (str(DCTERMS.source), str(DCTERMS.isPartOf))]
    other_labels = sorted({str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in g.objects(node, p)}
                          - {label_of(g, node, s)})
    path = s.local(iri) or ""
    return render_template(
        "resource.html",
        iri=iri,
        doc=f"/doc{path}",
        title=label_of(g, node, s) if not is_finding else _finding_title(g, node),
        types=[value_of(s, g, t, iri) for t in types],
        kind=value_of(s, g, kind, iri) if kind is not None else None,
        description=description,
        other_labels=other_labels,
        rows=rows_of(s, g, node, iri, hidden=hidden),
        incoming=incoming,
        evidence=evidence_of(s, g, node) if is_finding else [],
        sections=sections_of(s, g, node) if is_source else [],
        jsonld=embedded_jsonld(g),
        alternates=_alternates(f"/doc{path}"),
    )


def _finding_title(g: Graph, node: URIRef) -> str:
    ident = next(iter(g.objects(node, DCTERMS.identifier)), None)
    return f"Finding {ident}" if ident else "Finding"


def _alternates(doc: str) -> list[tuple[str, str, str]]:
    return [("Turtle", "text/turtle", f"{doc}.ttl"), ("N-Triples", "application/n-triples", f"{doc}.nt"),
            ("JSON-LD", "application/ld+json", f"{doc}.jsonld"),
            ("RDF/XML", "application/rdf+xml", f"{doc}.rdf")]


# --- the ontology, documented from itself ------------------------------------------------------


@dataclass
class TermDoc:
    anchor: str
    iri: str
    label: str
    definition: str
    rows: list[Row]


def _terms(s: Site, g: Graph, kind: URIRef, ns: str) -> list[TermDoc]:
    out = []
    for term in sorted(set(g.subjects(RDF.type, kind)), key=str):
        if not isinstance(term, URIRef) or not str(term).startswith(ns):
            continue
        definition = " ".join(str(v) for p in (SKOS.definition, RDFS.comment) for v in g.objects(term, p))
        hidden = {*HIDDEN_PROPS, RDFS.isDefinedBy}
        out.append(TermDoc(str(term)[len(ns):], str(term), label_of(g, term, s), definition,
                           rows_of(s, g, term, str(term), hidden=hidden)))
    return out


def hash_document_page(s: Site, name: str, g: Graph) -> str:
    if name == "shapes":
        shapes = []
        sh = "http://www.w3.org/ns/shacl#"
        for shape in sorted(set(g.subjects(RDF.type, URIRef(sh + "NodeShape"))), key=str):
            targets = [value_of(s, g, t, str(shape)) for t in g.objects(shape, URIRef(sh + "targetClass"))]
            shapes.append((str(shape).rpartition("#")[2], label_of(g, shape, s), targets))
        return render_template("shapes.html", shapes=shapes, alternates=_alternates("/shapes"),
                               turtle=serialize(g, _turtle()).decode("utf-8"))
    ns = str(DPRK)
    onto = URIRef(ns[:-1])
    schemes = s.cached("schemes", lambda: _schemes(s))
    return render_template(
        "ontology.html",
        title=label_of(g, onto, s),
        iri=ns,
        description=[str(v) for v in g.objects(onto, DCTERMS.description)],
        meta=rows_of(s, g, onto, str(onto)),
        classes=_terms(s, g, OWL.Class, ns),
        object_properties=_terms(s, g, OWL.ObjectProperty, ns),
        datatype_properties=_terms(s, g, OWL.DatatypeProperty, ns),
        schemes=schemes,
        alternates=_alternates("/ontology"),
        jsonld=embedded_jsonld(g),
    )


def _turtle() -> Any:
    from dprk_ld.site.resources import RDF_OFFERS

    return RDF_OFFERS[0]


def _schemes(s: Site) -> list[tuple[Value, int]]:
    query = ("SELECT ?scheme ?label (COUNT(?c) AS ?n) WHERE { ?scheme a skos:ConceptScheme ; "
             "skos:prefLabel ?label . OPTIONAL { ?c skos:inScheme ?scheme } FILTER(LANG(?label) = 'en') }"
             " GROUP BY ?scheme ?label ORDER BY ?label")
    rows = s.store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    return [(Value(r["label"].value, href=s.href(r["scheme"].value)), int(r["n"].value)) for r in rows]


# --- the landing page --------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    href: str | None = None


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
        w = max(1.0, plot * b.count / biggest)
        name = escape(b.label if len(b.label) <= 40 else b.label[:39] + "…")
        text = f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{name}</text>'
        if b.href:
            text = f'<a href="{escape(b.href)}">{text}</a>'
        parts.append(
            f'<g class="bar">{text}<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}">'
            f'<title>{escape(b.label)}: {b.count}</title></rect>'
            f'<text class="count" x="{label_w + w + 4:.1f}" y="{y + 15}">{b.count}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


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
    "year": ("Findings per year",
             "SELECT ?k ?label (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a dprk:Finding ; dprk:year ?k . "
             "BIND(STR(?k) AS ?label) } GROUP BY ?k ?label ORDER BY ?label"),
}


def figures(s: Site) -> dict[str, tuple[str, list[Bar]]]:
    """The counts the landing page charts (by source, kind, violation type, year)."""
    def compute() -> dict[str, tuple[str, list[Bar]]]:
        out: dict[str, tuple[str, list[Bar]]] = {}
        for key, (title, query) in FIGURE_QUERIES.items():
            bars = []
            for r in s.store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES):
                k = r["k"]
                href = s.href(k.value) if isinstance(k, ox.NamedNode) else None
                bars.append(Bar(r["label"].value, int(r["n"].value), href))
            out[key] = (title, bars)
        return out

    return s.cached("figures", compute)  # type: ignore[no-any-return]


def dataset_info(s: Site) -> dict[str, Any]:
    """Title, description, license, version … of the dataset, from its VoID/DCAT description."""
    def read() -> dict[str, Any]:
        ds = ox.NamedNode(s.dataset_iri)
        info: dict[str, Any] = {}
        for q in s.store.quads_for_pattern(ds, None, None):
            key = compact(q.predicate.value)
            info.setdefault(key, q.object.value)
        return info

    return s.cached("dataset_info", read)  # type: ignore[no-any-return]


def browse_index(s: Site) -> list[tuple[str, list[Value]]]:
    """Every source and entity of the release, by class, for people and crawlers."""
    def build() -> list[tuple[str, list[Value]]]:
        classes = [("Sources", DPRK.SourceDocument), ("Places", DPRK.Place),
                   ("Organizations", URIRef("http://www.w3.org/ns/org#Organization")),
                   ("Persons", FOAF.Person), ("Legal instruments", DPRK.LegalInstrument),
                   ("Topics", DPRK.Topic), ("Concept schemes", SKOS.ConceptScheme)]
        out = []
        names = labels(s)
        for title, cls in classes:
            items = []
            for q in s.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls))):
                iri = q.subject.value
                if iri.startswith(s.base):
                    items.append(Value(names.get(iri, iri.rsplit("/", 1)[-1]), href=s.href(iri)))
            out.append((title, sorted({v.href: v for v in items}.values(), key=lambda v: v.text.lower())))
        return out

    return s.cached("browse", build)  # type: ignore[no-any-return]


def schema_org(s: Site, info: dict[str, Any], dumps: list[dict[str, Any]]) -> Markup:
    """The schema.org ``Dataset`` record of the landing page, as JSON-LD."""
    root = request.host_url.rstrip("/")
    record: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": s.dataset_iri,
        "name": info.get("dcterms:title", "dprk-ld"),
        "description": info.get("dcterms:description", ""),
        "url": root + "/",
        "sameAs": s.dataset_iri,
        "license": info.get("dcterms:license"),
        "version": info.get("dcat:version"),
        "datePublished": info.get("dcterms:issued"),
        "creator": {"@type": "Organization", "name": info.get("dcterms:publisher", "dprk-ld contributors")},
        "keywords": [str(k) for k in _keywords(s)],
        "isAccessibleForFree": True,
        "inLanguage": "en",
        "spatialCoverage": {"@type": "Place", "name": "North Korea"},
        "distribution": [
            {"@type": "DataDownload", "name": d["name"], "encodingFormat": d["media_type"],
             "contentUrl": f"{root}/dumps/{d['name']}", "contentSize": f"{d['bytes']} B",
             "sha256": d["sha256"]} for d in dumps],
    }
    text = json.dumps({k: v for k, v in record.items() if v not in (None, "")}, ensure_ascii=False, indent=1)
    return Markup(text.replace("</", "<\\/"))


def _keywords(s: Site) -> list[str]:
    ds = ox.NamedNode(s.dataset_iri)
    kw = ox.NamedNode("http://www.w3.org/ns/dcat#keyword")
    return sorted({q.object.value for q in s.store.quads_for_pattern(ds, kw, None)})


def dumps_list(s: Site) -> list[dict[str, Any]]:
    files = s.release_files()
    return [{"name": name, **meta} for name, meta in sorted(files.items())
            if not name.startswith("sources/")]


def landing() -> Response:
    s = site()
    info = dataset_info(s)
    dumps = dumps_list(s)
    figs = figures(s)
    charts = [(key, title, bar_chart(title, bars[:20] if key == "violation" else bars), bars)
              for key, (title, bars) in figs.items()]
    total = sum(b.count for b in figs["source"][1])
    body = render_template(
        "landing.html",
        info=info,
        dataset_iri=s.dataset_iri,
        total=total,
        charts=charts,
        dumps=dumps,
        texts=[n for n in s.release_files() if n.startswith("sources/")],
        browse=browse_index(s),
        schema_org=schema_org(s, info, dumps),
        host=request.host_url.rstrip("/"),
        examples=example_queries(s)[:5],
    )
    return Response(body, content_type=HTML.content_type,
                    headers={"Cache-Control": f"public, max-age={s.max_age}"})


def example_queries(s: Site) -> list[Any]:
    from dprk_ld.release.examples import load_queries

    if s.queries_dir is None:
        return []
    return s.cached("examples", lambda: load_queries(s.queries_dir))  # type: ignore[no-any-return]


def blueprint() -> Blueprint:
    bp = Blueprint("pages", __name__)
    bp.add_url_rule("/", "landing", landing, methods=["GET", "HEAD"])

    @bp.app_template_global("example_queries")
    def _examples() -> list[Any]:
        return example_queries(site())

    @bp.app_template_global("examples_json")
    def _examples_json(examples: list[Any]) -> Markup:
        data = {q.id: {"title": q.title, "description": q.description, "text": q.text} for q in examples}
        return Markup(json.dumps(data, ensure_ascii=False).replace("</", "<\\/"))

    @bp.app_template_global("site_base")
    def _site_base() -> str:
        return site().base

    return bp


__all__ = ["Bar", "bar_chart", "blueprint", "figures", "hash_document_page", "resource_page"]
