"""The landing page: what the dataset is, its figures, how to query it, its downloads, its
license and how to cite it, and an index of every source and entity.

Everything comes from the release: its VoID/DCAT description, a few counting queries, the files
of ``release.json`` and the example queries. The page also carries a schema.org ``Dataset``
record for search engines.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup
from rdflib import URIRef
from rdflib.namespace import FOAF, RDF, SKOS

from dprk_ld.release.examples import ExampleQuery, load_queries
from dprk_ld.release.namespaces import DPRK, ORG, QB
from dprk_ld.site.charts import bar_chart, figures
from dprk_ld.site.render import render, script_json
from dprk_ld.site.state import Site
from dprk_ld.site.terms import Value, compact, labels

DCAT_KEYWORD = "http://www.w3.org/ns/dcat#keyword"
#: the index of the landing page: heading -> class
BROWSE_CLASSES: tuple[tuple[str, URIRef], ...] = (
    ("Sources", DPRK.SourceDocument), ("Places", DPRK.Place), ("Organizations", ORG.Organization),
    ("Persons", FOAF.Person), ("Legal instruments", DPRK.LegalInstrument), ("Topics", DPRK.Topic),
    ("Series of figures", QB.DataSet), ("Concept schemes", SKOS.ConceptScheme))
MAX_VIOLATION_BARS = 20


def dataset_info(s: Site) -> dict[str, Any]:
    """Title, description, license, version … of the dataset, from its VoID/DCAT description."""
    def read() -> dict[str, Any]:
        info: dict[str, Any] = {}
        for q in s.store.quads_for_pattern(ox.NamedNode(s.dataset_iri), None, None):
            info.setdefault(compact(q.predicate.value), q.object.value)
        return info

    return s.cached("dataset_info", read)


def _members(s: Site, cls: URIRef, names: dict[str, str]) -> list[Value]:
    items = []
    for q in s.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls))):
        iri = q.subject.value
        if iri.startswith(s.base):
            items.append(Value(names.get(iri, iri.rsplit("/", 1)[-1]), href=s.href(iri)))
    return sorted({v.href: v for v in items}.values(), key=lambda v: v.text.lower())


def browse_index(s: Site) -> list[tuple[str, list[Value]]]:
    """Every source and entity of the release, by class, for people and crawlers."""
    def build() -> list[tuple[str, list[Value]]]:
        names = labels(s)
        return [(title, _members(s, cls, names)) for title, cls in BROWSE_CLASSES]

    return s.cached("browse", build)


def keywords(s: Site) -> list[str]:
    """The dataset's DCAT keywords, sorted."""
    found = s.store.quads_for_pattern(ox.NamedNode(s.dataset_iri), ox.NamedNode(DCAT_KEYWORD), None)
    return sorted({q.object.value for q in found})


def schema_org(s: Site, info: dict[str, Any], dumps: list[dict[str, Any]]) -> Markup:
    """The schema.org ``Dataset`` record of the landing page, as JSON-LD (its URLs at the site's
    public address)."""
    record: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": s.dataset_iri,
        "name": info.get("dcterms:title", "dprk-ld"),
        "description": info.get("dcterms:description", ""),
        "url": s.public_url,
        "sameAs": s.dataset_iri,
        "license": info.get("dcterms:license"),
        "version": info.get("dcat:version"),
        "datePublished": info.get("dcterms:issued"),
        "creator": {"@type": "Organization", "name": info.get("dcterms:publisher", "dprk-ld contributors")},
        "keywords": keywords(s),
        "isAccessibleForFree": True,
        "inLanguage": "en",
        "spatialCoverage": {"@type": "Place", "name": "North Korea"},
        "distribution": [
            {"@type": "DataDownload", "name": d["name"], "encodingFormat": d["media_type"],
             "contentUrl": s.absolute(f"/dumps/{d['name']}"), "contentSize": f"{d['bytes']} B",
             "sha256": d["sha256"]} for d in dumps],
    }
    text = json.dumps({k: v for k, v in record.items() if v not in (None, "")}, ensure_ascii=False, indent=1)
    return script_json(text)


def dumps_list(s: Site) -> list[dict[str, Any]]:
    """The release's downloads (not the archived source texts), by name, with their metadata."""
    return [{"name": name, **meta} for name, meta in sorted(s.release_files().items())
            if not name.startswith("sources/")]


def source_texts(s: Site) -> list[str]:
    """The names of the archived source texts the release publishes."""
    return [n for n in s.release_files() if n.startswith("sources/")]


def example_queries(s: Site) -> list[ExampleQuery]:
    """The example queries of the site's queries folder (none without one)."""
    folder = s.queries_dir
    if folder is None:
        return []
    return s.cached("examples", lambda: load_queries(folder))


def landing_page(s: Site) -> str:
    """The landing page (its absolute URLs at the site's public address)."""
    info = dataset_info(s)
    dumps = dumps_list(s)
    figs = figures(s)
    charts = [(key, title, bar_chart(title, bars[:MAX_VIOLATION_BARS] if key == "violation" else bars),
               bars) for key, (title, bars) in figs.items()]
    return render(
        "landing.html",
        info=info,
        dataset_iri=s.dataset_iri,
        total=sum(b.count for b in figs["source"][1]),
        charts=charts,
        dumps=dumps,
        texts=source_texts(s),
        browse=browse_index(s),
        schema_org=schema_org(s, info, dumps),
        endpoint=s.absolute("/sparql"),
        examples=example_queries(s)[:5],
    )


__all__ = ["browse_index", "dataset_info", "dumps_list", "example_queries", "keywords",
           "landing_page", "schema_org", "source_texts"]
