"""The landing page: what the dataset is, its figures, how to query it, its downloads, its
license and how to cite it, and an index of every source and entity.

Everything comes from the release: its VoID/DCAT description, a few counting queries, the files
of ``release.json`` and the example queries. The page also carries a schema.org ``Dataset``
record for search engines (:func:`schema_org`), drawn from the same description: the same
publisher and contact, the same temporal coverage (as an ISO 8601 interval), the places of the
spatial coverage with their checked links, and each dump the site serves with its size and
SHA-256; only schema.org terms, and ``includedInDataCatalog`` left out (no catalog lists it).
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS

from dprk_ld.release.description import DCAT_VERSION, EU, IANA, LANGUAGES
from dprk_ld.release.examples import ExampleQuery, load_queries
from dprk_ld.release.namespaces import DPRK, ORG, QB, SPDX, VCARD
from dprk_ld.release.versions import HAS_CURRENT_VERSION, HAS_VERSION, VERSION
from dprk_ld.site.charts import bar_chart, figures
from dprk_ld.site.cite import cite_view
from dprk_ld.site.discovery import void_graph
from dprk_ld.site.render import render, script_json
from dprk_ld.site.state import Site
from dprk_ld.site.terms import Value, compact, labels

DCAT_KEYWORD = "http://www.w3.org/ns/dcat#keyword"
EU_LANGUAGE = EU + "language/"
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
        g = void_graph(s)  # the publisher is a node there: its name
        agent = g.value(URIRef(s.dataset_iri), DCTERMS.publisher)
        name = g.value(agent, FOAF.name) if agent is not None else None
        if name is not None:
            info["dcterms:publisher"] = str(name)
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


def _organization(g: Graph, ds: URIRef) -> dict[str, Any] | None:
    """The publisher as a schema.org Organization, with the dataset's contact point."""
    agent = g.value(ds, DCTERMS.publisher)
    if agent is None:
        return None
    org: dict[str, Any] = {"@type": "Organization", "name": str(g.value(agent, FOAF.name))}
    if g.value(agent, FOAF.homepage) is not None:
        org["url"] = str(g.value(agent, FOAF.homepage))
    contact = g.value(ds, DCAT.contactPoint)
    if contact is not None:
        point: dict[str, Any] = {"@type": "ContactPoint", "name": str(g.value(contact, VCARD.fn))}
        mail = g.value(contact, VCARD.hasEmail)
        if mail is not None:
            point["email"] = str(mail).removeprefix("mailto:")
        if g.value(contact, VCARD.hasURL) is not None:
            point["url"] = str(g.value(contact, VCARD.hasURL))
        org["contactPoint"] = point
    return org


def _places(s: Site, g: Graph, ds: URIRef) -> list[dict[str, Any]]:
    """The places of the spatial coverage, named, with the links the release checked."""
    names = labels(s)
    places = []
    for place in sorted(g.objects(ds, DCTERMS.spatial)):
        found = s.store.quads_for_pattern(ox.NamedNode(str(place)), ox.NamedNode(str(OWL.sameAs)), None)
        same = sorted({q.object.value for q in found if isinstance(q.object, ox.NamedNode)})
        places.append({"@type": "Place", "@id": str(place), "name": names.get(str(place), str(place)),
                       **({"sameAs": same} if same else {})})
    return places


def _downloads(s: Site, g: Graph, ds: URIRef) -> list[dict[str, Any]]:
    """Each dump of the description that this site serves, as a DataDownload."""
    served = s.release_files()
    downloads = []
    for dist in g.objects(ds, DCAT.distribution):
        name = str(g.value(dist, DCTERMS.title))
        if g.value(dist, DCAT.downloadURL) is None or name not in served:
            continue
        media = str(g.value(dist, DCAT.mediaType)).removeprefix(IANA)
        downloads.append({"@type": "DataDownload", "name": name, "encodingFormat": media,
                          "contentUrl": s.absolute(f"/dumps/{name}"),
                          "contentSize": f"{int(g.value(dist, DCAT.byteSize).toPython())} B",
                          "sha256": str(g.value(g.value(dist, SPDX.checksum), SPDX.checksumValue))})
    return sorted(downloads, key=lambda d: d["name"])


def _coverage_period(g: Graph, ds: URIRef) -> str | None:
    """The temporal coverage as an ISO 8601 interval (``1970-01-01/2025-12-31``)."""
    period = g.value(ds, DCTERMS.temporal)
    start, end = (g.value(period, DCAT.startDate), g.value(period, DCAT.endDate)) if period else (None, None)
    return f"{start}/{end}" if start is not None and end is not None else None


def schema_org(s: Site) -> Markup:
    """The schema.org ``Dataset`` record of the landing page, as JSON-LD (its URLs at the site's
    public address), from the release's description."""
    g = void_graph(s)
    ds = URIRef(s.dataset_iri)
    codes = {EU_LANGUAGE + eu: code for code, eu in LANGUAGES.items()}  # the IRI -> BCP 47
    record: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": s.dataset_iri,
        "name": str(g.value(ds, DCTERMS.title) or "dprk-ld"),
        "description": str(g.value(ds, DCTERMS.description) or ""),
        "url": s.public_url,
        "license": g.value(ds, DCTERMS.license),
        "version": g.value(ds, DCAT_VERSION),
        "datePublished": g.value(ds, DCTERMS.issued),
        "dateModified": g.value(ds, DCTERMS.modified),
        "publisher": _organization(g, ds),
        "creator": _organization(g, ds),
        "keywords": sorted(str(k) for k in g.objects(ds, DCAT.keyword)),
        "isAccessibleForFree": True,
        "inLanguage": [codes[str(x)] for x in sorted(g.objects(ds, DCTERMS.language))
                       if str(x) in codes] or None,
        "temporalCoverage": _coverage_period(g, ds),
        "spatialCoverage": _places(s, g, ds) or None,
        "distribution": _downloads(s, g, ds),
    }
    text = json.dumps({k: (v if isinstance(v, dict | list | bool) else str(v))
                       for k, v in record.items() if v not in (None, "")},
                      ensure_ascii=False, indent=1)
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


def release_history(s: Site) -> list[dict[str, Any]]:
    """Every version of the dataset, newest first, as the description states them
    (release/versions.py): version, date, what changed, and whether it is the one served."""
    g = void_graph(s)
    ds = URIRef(s.dataset_iri)
    current = g.value(ds, HAS_CURRENT_VERSION)
    out = []
    for node in g.objects(ds, HAS_VERSION):
        version = str(g.value(node, VERSION) or "")
        out.append({"version": version, "issued": str(g.value(node, DCTERMS.issued) or ""),
                    "changes": str(g.value(node, DCTERMS.description) or ""),
                    "iri": str(node), "current": node == current,
                    "key": tuple(int(p) if p.isdigit() else 0 for p in version.split("."))})
    return sorted(out, key=lambda v: v["key"], reverse=True)


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
        schema_org=schema_org(s),
        endpoint=s.absolute("/sparql"),
        examples=example_queries(s)[:5],
        cite=cite_view(s, s.dataset_iri),
        history=release_history(s),
    )


__all__ = ["browse_index", "dataset_info", "dumps_list", "example_queries", "keywords",
           "landing_page", "release_history", "schema_org", "source_texts"]
