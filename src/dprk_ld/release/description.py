"""The description of a release (``void.ttl``): VoID and DCAT-AP 3.0.0, one graph made once.

The build makes it; the server loads it as the release's ``void`` graph and serves it unchanged
at ``/.well-known/void`` and as the dataset IRI's document, so what is served is what is dumped.

* VoID (:mod:`dprk_ld.release.void`): the figures of the graph the dumps hold, class partitions,
  linksets, example and root resources, vocabularies, dumps and SPARQL endpoint.
* DCAT-AP 3.0.0: the dataset with its publisher (a foaf:Agent named by ``publisher_of``), a
  contact point (a vcard:Kind: the publisher's mailbox, contact page or homepage), its theme,
  language and spatial coverage as ``data/dataset.yaml`` states them, its temporal coverage
  computed from the findings' times (:func:`temporal_coverage`), each dump as a
  ``dcat:Distribution`` (access and download URL, size, media type and file type, gzip as
  ``dcat:compressFormat`` with the media type of the RDF inside, SHA-256, license) and the SPARQL
  endpoint as a ``dcat:DataService`` with a distribution that reaches the data through it.

DCAT-AP's range shapes check the class of what a property points to, so every resource the
description points to is typed here with the class the profile asks for (a license is a
dct:LicenseDocument, a media type a dct:MediaType …). The controlled vocabularies are those the
profile names: IANA media types, and the EU vocabularies of file types, data themes, languages
and access rights; a code is used only where its IRI and label are known here.

The byte size is an xsd:decimal: the DCAT-AP 3.0.0 shapes ask for it (the 3.0.0 text says
xsd:nonNegativeInteger, a mismatch the profile's issue #422 records), and the query engine keeps
an xsd:decimal as written, where it would turn an xsd:nonNegativeInteger into an xsd:integer,
and the endpoint would then serve another literal than the dump holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

from dprk_ld import formats
from dprk_ld.curation.publisher import Publisher, publisher_of
from dprk_ld.release.dumps import DUMP, sha256
from dprk_ld.release.errors import ReleaseError
from dprk_ld.release.namespaces import BASE, DATASET_IRI, DPRK, ID, SPDX, VCARD
from dprk_ld.release.rdf import decimal_literal, new_graph
from dprk_ld.release.void import add_void

#: file name endings of the dumps (and their gzip): the dataset's distributions
DUMP_SUFFIXES = (*(f".{f.extension}" for f in formats.DUMPS),
                 *(f".{f.extension}.{formats.GZIP.extension}" for f in formats.DUMPS))

IANA = "https://www.iana.org/assignments/media-types/"
EU = "http://publications.europa.eu/resource/authority/"
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3, not in rdflib's DCAT namespace
ENDPOINT = BASE + "sparql"
#: the standard the endpoint follows
SPARQL_PROTOCOL = ("https://www.w3.org/TR/sparql11-protocol/", "SPARQL 1.1 Protocol")
PUBLIC = EU + "access-right/PUBLIC"  # anyone may query it, without an account
#: EU data themes (dcat:theme) by code, with their English labels
THEMES = {"JUST": "Justice, legal system and public safety", "SOCI": "Population and society",
          "INTR": "International issues"}
#: EU languages (dct:language) by the ISO 639-1 code dataset.yaml gives
LANGUAGES = {"en": "ENG"}
#: ADMS licence types of the licenses we know: license IRI -> (type IRI, label)
LICENCE_TYPES = {"https://creativecommons.org/licenses/by/4.0/":
                 ("http://purl.org/adms/licencetype/Attribution", "Attribution")}
#: what each dump holds, for its dct:description
CONTENT = {formats.NQUADS: "the data, ontology and shapes graphs of the release, each as a named graph"}
HOLDS = "the data graph and the ontology (with its vocabularies) of the release, as one graph"


def iana(media_type: str) -> URIRef:
    return URIRef(IANA + media_type)


def _typed(g: Graph, iri: str, cls: URIRef, label: str | None = None, lang: str | None = "en") -> URIRef:
    """``iri`` typed ``cls`` (and labelled, with skos:prefLabel for a concept)."""
    node = URIRef(iri)
    g.add((node, RDF.type, cls))
    if label is not None:
        g.add((node, SKOS.prefLabel if cls == SKOS.Concept else RDFS.label, Literal(label, lang=lang)))
    return node


def _codes(dataset: Mapping[str, object], key: str) -> list[str]:
    raw = dataset.get(key) or []
    return [str(v) for v in (raw if isinstance(raw, list) else [raw])]


def _known(dataset: Mapping[str, object], key: str, table: Mapping[str, object]) -> list[str]:
    """The codes dataset.yaml lists under ``key``; ReleaseError for a code not in ``table``."""
    codes = _codes(dataset, key)
    unknown = [c for c in codes if c not in table]
    if unknown:
        raise ReleaseError(f"data/dataset.yaml: {key}: unknown {', '.join(unknown)} "
                           f"(known: {', '.join(table)})")
    return codes


def temporal_coverage(graph: Graph) -> tuple[date, date] | None:
    """The first and last day the times of the findings cover (``dprk:earliest`` and
    ``dprk:latest`` of their ``dprk:time``), or None when no finding is dated."""
    times = {t for f in graph.subjects(RDF.type, DPRK.Finding) for t in graph.objects(f, DPRK.time)}
    firsts = [o.toPython() for t in times for o in graph.objects(t, DPRK.earliest)]
    lasts = [o.toPython() for t in times for o in graph.objects(t, DPRK.latest)]
    days = [d for d in (*firsts, *lasts) if isinstance(d, date)]
    if not days:
        return None
    start = min((d for d in firsts if isinstance(d, date)), default=min(days))
    end = max((d for d in lasts if isinstance(d, date)), default=max(days))
    return start, end


def add_agents(g: Graph, pub: Publisher) -> tuple[URIRef, URIRef]:
    """The publisher (a foaf:Agent and foaf:Organization) and its contact point (a vcard:Kind):
    its mailbox when it has one, its contact page, else its homepage."""
    agent = URIRef(DATASET_IRI + "#publisher")
    for cls in (FOAF.Agent, FOAF.Organization):
        g.add((agent, RDF.type, cls))
    g.add((agent, FOAF.name, Literal(pub.name)))
    g.add((agent, FOAF.homepage, _typed(g, pub.homepage, FOAF.Document)))
    if pub.email:
        g.add((agent, FOAF.mbox, URIRef(f"mailto:{pub.email}")))
    contact = URIRef(DATASET_IRI + "#contact")
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(pub.name)))
    if pub.email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{pub.email}")))
    if pub.contact_url or not pub.email:
        g.add((contact, VCARD.hasURL, URIRef(pub.contact_url or pub.homepage)))
    return agent, contact


def add_license(g: Graph, license_iri: str) -> URIRef:
    """The license as a dct:LicenseDocument, with its ADMS licence type when known."""
    node = _typed(g, license_iri, DCTERMS.LicenseDocument)
    if license_iri in LICENCE_TYPES:
        kind, label = LICENCE_TYPES[license_iri]
        g.add((node, DCTERMS.type, _typed(g, kind, SKOS.Concept, label)))
    return node


def add_coverage(g: Graph, ds: URIRef, graph: Graph, dataset: Mapping[str, object]) -> None:
    """Language, spatial coverage (places of the release named in dataset.yaml) and temporal
    coverage (computed from the findings)."""
    for code in _known(dataset, "language", LANGUAGES):
        g.add((ds, DCTERMS.language,
               _typed(g, f"{EU}language/{LANGUAGES[code]}", DCTERMS.LinguisticSystem)))
    for place in _codes(dataset, "spatial"):
        iri = ID[f"place/{place}"]
        if (iri, RDF.type, DPRK.Place) not in graph:
            raise ReleaseError(f"data/dataset.yaml: spatial: {place!r} is no place of the release")
        g.add((ds, DCTERMS.spatial, _typed(g, str(iri), DCTERMS.Location)))
    period = temporal_coverage(graph)
    if period is not None:
        node = URIRef(DATASET_IRI + "#period")
        g.add((ds, DCTERMS.temporal, node))
        g.add((node, RDF.type, DCTERMS.PeriodOfTime))
        g.add((node, DCAT.startDate, Literal(period[0].isoformat(), datatype=XSD.date)))
        g.add((node, DCAT.endDate, Literal(period[1].isoformat(), datatype=XSD.date)))


def _media(g: Graph, dist: URIRef, fmt: formats.Format, coding: str | None) -> None:
    g.add((dist, DCAT.mediaType, _typed(g, str(iana(fmt.media_type)), DCTERMS.MediaType)))
    if fmt.file_type:
        g.add((dist, DCTERMS.format,
               _typed(g, f"{EU}file-type/{fmt.file_type}", DCTERMS.MediaTypeOrExtent)))
    if coding:
        g.add((dist, DCAT.compressFormat,
               _typed(g, str(iana(formats.GZIP.media_type)), DCTERMS.MediaType)))


def add_distribution(g: Graph, name: str, data: bytes, license_node: URIRef | None) -> URIRef:
    """A dump as a dcat:Distribution: where to get it, what it holds, its size and checksum."""
    dist = URIRef(f"{BASE}dumps/{name}")
    fmt, coding = formats.content_of(name)
    assert fmt is not None, name  # a dump is of a known format
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(name)))
    what = f"The dataset in {fmt.label}: {CONTENT.get(fmt, HOLDS)}"
    g.add((dist, DCTERMS.description, Literal(what + (", compressed with gzip." if coding else "."),
                                              lang="en")))
    g.add((dist, DCAT.accessURL, dist))
    g.add((dist, DCAT.downloadURL, dist))
    _media(g, dist, fmt, coding)
    g.add((dist, DCAT.byteSize, decimal_literal(Decimal(len(data)))))
    if license_node is not None:
        g.add((dist, DCTERMS.license, license_node))
    ck = URIRef(f"{dist}#sha256")
    g.add((dist, SPDX.checksum, ck))
    g.add((ck, RDF.type, SPDX.Checksum))
    g.add((ck, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((ck, SPDX.checksumValue, Literal(sha256(data), datatype=XSD.hexBinary)))
    return dist


def add_service(g: Graph, ds: URIRef, common: list[tuple[URIRef, Node]],
                license_node: URIRef | None) -> URIRef:
    """The SPARQL endpoint as a dcat:DataService serving the dataset (its service description
    is what the endpoint answers without a query), and a distribution reached through it."""
    service = URIRef(ENDPOINT)
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("dprk-ld SPARQL endpoint", lang="en")))
    g.add((service, DCTERMS.description, Literal(
        "SPARQL 1.1 queries over the whole release, read-only, results in the SPARQL and RDF "
        "formats; without a query, the endpoint answers with its service description.", lang="en")))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.endpointDescription, service))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, _typed(g, SPARQL_PROTOCOL[0], DCTERMS.Standard,
                                               SPARQL_PROTOCOL[1])))
    if license_node is not None:
        g.add((service, DCTERMS.license, license_node))
    g.add((service, DCTERMS.accessRights, _typed(g, PUBLIC, DCTERMS.RightsStatement)))
    for p, o in common:
        g.add((service, p, o))
    dist = URIRef(DATASET_IRI + "#sparql")
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((dist, DCTERMS.description, Literal(
        "The dataset through its SPARQL endpoint (the union of its graphs).", lang="en")))
    g.add((dist, DCAT.accessURL, service))
    g.add((dist, DCAT.accessService, service))
    if license_node is not None:
        g.add((dist, DCTERMS.license, license_node))
    return service


def _dataset_node(g: Graph, dataset: Mapping[str, object]) -> URIRef:
    ds = URIRef(DATASET_IRI)
    title = str(dataset.get("title", "dprk-ld"))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(title, lang="en")))
    g.add((ds, RDFS.label, Literal(title, lang="en")))
    if dataset.get("description"):
        g.add((ds, DCTERMS.description, Literal(" ".join(str(dataset["description"]).split()), lang="en")))
    home = str(dataset.get("homepage", BASE))
    g.add((ds, FOAF.homepage, _typed(g, home, FOAF.Document)))
    g.add((ds, DCAT.landingPage, _typed(g, BASE, FOAF.Document)))
    if dataset.get("issued"):
        g.add((ds, DCTERMS.issued, Literal(str(dataset["issued"]), datatype=XSD.date)))
        g.add((ds, DCTERMS.modified, Literal(str(dataset["issued"]), datatype=XSD.date)))
    if dataset.get("version"):
        g.add((ds, DCAT_VERSION, Literal(str(dataset["version"]))))
    g.add((ds, DCTERMS.conformsTo, _typed(g, BASE + "shapes", DCTERMS.Standard,
                                          "dprk-ld SHACL shapes")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(ENDPOINT)))
    return ds


def describe(files: Mapping[str, bytes], graph: Graph, dataset: Mapping[str, object]) -> Graph:
    """The description of the release (see the module): ``files`` are the release's files by
    name (the dumps and their gzip become distributions), ``graph`` what the dumps hold,
    ``dataset`` data/dataset.yaml as read."""
    g = new_graph()
    g.bind("vcard", VCARD)
    ds = _dataset_node(g, dataset)
    license_node = add_license(g, str(dataset["license"])) if dataset.get("license") else None
    if license_node is not None:
        g.add((ds, DCTERMS.license, license_node))
    agent, contact = add_agents(g, publisher_of(dataset))
    keywords = [Literal(str(kw), lang="en") for kw in _codes(dataset, "keywords")]
    themes = [_typed(g, f"{EU}data-theme/{code}", SKOS.Concept, THEMES[code])
              for code in _known(dataset, "themes", THEMES)]
    common: list[tuple[URIRef, Node]] = [
        (DCTERMS.publisher, agent), (DCAT.contactPoint, contact),
        *((DCAT.keyword, kw) for kw in keywords), *((DCAT.theme, t) for t in themes)]
    for p, o in [*common, (DCTERMS.creator, agent)]:
        g.add((ds, p, o))
    add_coverage(g, ds, graph, dataset)
    for name, data in sorted(files.items()):
        if name.startswith(DUMP + ".") and name.endswith(DUMP_SUFFIXES):
            dist = add_distribution(g, name, data, license_node)
            g.add((ds, DCAT.distribution, dist))
            g.add((ds, VOID.dataDump, dist))
    add_service(g, ds, common, license_node)
    add_void(g, graph)
    return g


__all__ = ["DUMP_SUFFIXES", "LANGUAGES", "THEMES", "add_agents", "add_coverage", "add_distribution",
           "add_license", "add_service", "describe", "iana", "temporal_coverage"]
