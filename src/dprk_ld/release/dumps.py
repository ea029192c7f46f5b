"""Serialize the release: deterministic dumps, their gzip, checksums and the VoID/DCAT description.

Two builds of the same input give byte-identical dumps: data nodes are never blank and the few
blank nodes of OWL and SHACL lists are given canonical labels (call `canonical` first), N-Triples and
N-Quads lines are sorted, JSON-LD is rdflib's with its nodes and values put in order by us, Turtle
comes from rdflib's sorted serializer (with every literal as it is, :mod:`dprk_ld.release.turtle`),
and gzip files carry no name and no time stamp. The dumps' syntaxes, extensions and media types
are those of :data:`dprk_ld.formats.DUMPS`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VOID, XSD

from dprk_ld import formats
from dprk_ld.curation.publisher import publisher_of
from dprk_ld.release.namespaces import BASE, DATASET_IRI, GRAPH, ID, PREFIXES, SPDX
from dprk_ld.release.rdf import new_graph
from dprk_ld.release.turtle import turtle

DUMP = "dprk-ld"
#: file name endings of the data dumps (and their gzip) in the VoID description
DUMP_SUFFIXES = (*(f".{f.extension}" for f in formats.DUMPS), f".{formats.GZIP.extension}")


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes (OWL and SHACL lists only) labelled from their content, so
    that their labels are the same in every build. Data nodes never are blank."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    result = new_graph()
    for prefix, ns in graph.namespaces():
        result.bind(prefix, ns, override=True)
    for triple in to_canonical_graph(graph):
        result.add(triple)
    return result


def _nt_lines(graph: Graph) -> list[str]:
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({line for line in text.splitlines() if line.strip()})


def ntriples(graph: Graph) -> bytes:
    return ("\n".join(_nt_lines(graph)) + "\n").encode("utf-8")


def nquads(graphs: dict[str, Graph]) -> bytes:
    lines: list[str] = []
    for name in sorted(graphs):
        iri = GRAPH[name]
        lines.extend(f"{line[:-1].rstrip()} <{iri}> ." for line in _nt_lines(graphs[name]))
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


#: the JSON-LD dump's context: every prefix but ``id:`` (our resources keep their whole IRIs)
JSONLD_CONTEXT = {prefix: ns for prefix, ns in sorted(PREFIXES.items()) if prefix != "id"}


def _json_key(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def jsonld(graph: Graph) -> bytes:
    """The graph as JSON-LD by rdflib's serializer, compacted with :data:`JSONLD_CONTEXT`.

    rdflib writes the nodes of ``@graph``, and the values of a property, in the order it meets them
    in the store, which differs from process to process (hash seeds). The order is ours: nodes by
    ``@id``, each property's values by their JSON text, object keys sorted. The members of an
    ``@list`` keep their order, which is their meaning."""
    doc: dict[str, Any] = json.loads(graph.serialize(format="json-ld", context=JSONLD_CONTEXT))
    nodes: list[dict[str, Any]] = doc.get("@graph", [doc])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list) and key != "@context":
                node[key] = sorted(value, key=_json_key)
    if "@graph" in doc:
        doc["@graph"] = sorted(nodes, key=lambda node: str(node.get("@id", "")))
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def write_dumps(union: Graph, graphs: dict[str, Graph]) -> dict[str, bytes]:
    """The dumps of the release by file name, one for each format of :data:`formats.DUMPS`: the
    union graph in each, but N-Quads, which keeps ``graphs`` (name -> graph) apart."""
    writers: dict[formats.Format, Callable[[], bytes]] = {
        formats.TURTLE: lambda: turtle(union),
        formats.NTRIPLES: lambda: ntriples(union),
        formats.JSONLD: lambda: jsonld(union),
        formats.NQUADS: lambda: nquads(graphs),
    }
    return {f"{DUMP}.{f.extension}": writers[f]() for f in formats.DUMPS}


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entities_in(graph: Graph, space: str) -> int:
    """VoID's entity count: the resources described in ``graph`` whose IRI starts with ``space``
    (the dataset's ``void:uriSpace``)."""
    return len({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(space)})


@dataclass(frozen=True)
class FileInfo:
    name: str
    sha256: str
    size: int
    media_type: str


def describe(
    files: dict[str, bytes], graph: Graph, dataset: dict[str, object]
) -> Graph:
    """The VoID/DCAT description of the release: what it holds, its dumps and their checksums.

    The figures are VoID's: ``void:triples`` of ``graph`` (what the dumps hold), its distinct
    subjects and properties, and its entities, the resources whose IRI is in ``void:uriSpace``."""
    g = new_graph()
    ds = URIRef(DATASET_IRI)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(str(dataset.get("title", "dprk-ld")), lang="en")))
    g.add((ds, RDFS.label, Literal(str(dataset.get("title", "dprk-ld")), lang="en")))
    if dataset.get("description"):
        g.add((ds, DCTERMS.description, Literal(" ".join(str(dataset["description"]).split()), lang="en")))
    g.add((ds, DCTERMS.license, URIRef(str(dataset.get("license")))))
    g.add((ds, DCTERMS.publisher, Literal(publisher_of(dataset).name)))
    g.add((ds, FOAF.homepage, URIRef(str(dataset.get("homepage", BASE)))))
    if dataset.get("issued"):
        g.add((ds, DCTERMS.issued, Literal(str(dataset["issued"]), datatype=XSD.date)))
        g.add((ds, DCTERMS.modified, Literal(str(dataset["issued"]), datatype=XSD.date)))
    g.add((ds, URIRef(str(DCAT) + "version"), Literal(str(dataset.get("version", "")))))
    for kw in dataset.get("keywords", []) or []:  # type: ignore[union-attr]
        g.add((ds, DCAT.keyword, Literal(str(kw), lang="en")))
    g.add((ds, VOID.uriSpace, Literal(str(ID))))
    g.add((ds, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(entities_in(graph, str(ID)), datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(len(set(graph.subjects())), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(set(graph.predicates())), datatype=XSD.integer)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(BASE + "sparql")))
    g.add((ds, DCAT.landingPage, URIRef(BASE)))
    for ns in ("dprk", "oa", "prov", "dcterms", "skos", "org", "foaf", "dcat", "owl"):
        g.add((ds, VOID.vocabulary, URIRef(PREFIXES[ns])))
    for name, data in sorted(files.items()):
        dist = URIRef(f"{BASE}dumps/{name}")
        g.add((ds, DCAT.distribution, dist))
        if name.endswith(DUMP_SUFFIXES):
            g.add((ds, VOID.dataDump, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(name)))
        g.add((dist, DCAT.downloadURL, dist))
        g.add(
            (dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{formats.media_type_of(name)}"))
        )
        # xsd:integer: the query engine stores xsd:nonNegativeInteger as xsd:integer
        g.add((dist, DCAT.byteSize, Literal(len(data), datatype=XSD.integer)))
        g.add((dist, DCTERMS.license, URIRef(str(dataset.get("license")))))
        ck = URIRef(f"{dist}#sha256")
        g.add((dist, SPDX.checksum, ck))
        g.add((ck, RDF.type, SPDX.Checksum))
        g.add((ck, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((ck, SPDX.checksumValue, Literal(sha256(data), datatype=XSD.hexBinary)))
    return g


#: datasets we link to: key -> (title, IRI space, homepage)
LINK_TARGETS: dict[str, tuple[str, str, str]] = {
    "wikidata": ("Wikidata", "http://www.wikidata.org/entity/", "https://www.wikidata.org/"),
    "geonames": ("GeoNames", "https://sws.geonames.org/", "https://www.geonames.org/"),
}
#: link predicates -> the slug of their linkset IRIs
LINK_PREDICATES: dict[str, str] = {
    str(OWL.sameAs): "sameas",
    str(SKOS.exactMatch): "exactmatch",
    str(SKOS.closeMatch): "closematch",
}


def count_links(triples: Iterable[tuple[str, str, str]], base: str = BASE) -> Counter[tuple[str, str]]:
    """Distinct link triples from our IRIs (under ``base``) to each dataset we link to, by
    (dataset key, predicate IRI); ``triples`` are (subject, predicate, object) IRIs as strings."""
    counts: Counter[tuple[str, str]] = Counter()
    for s, p, o in set(triples):
        if p not in LINK_PREDICATES or not s.startswith(base):
            continue
        for key, (_title, space, _home) in LINK_TARGETS.items():
            if o.startswith(space):
                counts[(key, p)] += 1
    return counts


def add_linksets(g: Graph, counts: Counter[tuple[str, str]], dataset_iri: str = DATASET_IRI) -> None:
    """One void:Linkset per dataset we link to and link predicate, with its triple count."""
    ds = URIRef(dataset_iri)
    for (key, pred), n in sorted(counts.items()):
        title, space, home = LINK_TARGETS[key]
        target = URIRef(f"{dataset_iri}#target-{key}")
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCTERMS.title, Literal(title, lang="en")))
        g.add((target, VOID.uriSpace, Literal(space)))
        g.add((target, FOAF.homepage, URIRef(home)))
        ls = URIRef(f"{dataset_iri}#links-{key}-{LINK_PREDICATES[pred]}")
        g.add((ds, VOID.subset, ls))
        g.add((ls, RDF.type, VOID.Linkset))
        g.add((ls, VOID.subjectsTarget, ds))
        g.add((ls, VOID.objectsTarget, target))
        g.add((ls, VOID.linkPredicate, URIRef(pred)))
        g.add((ls, VOID.triples, Literal(n, datatype=XSD.integer)))
        g.add((ls, DCTERMS.title, Literal(f"Links to {title} ({pred.rsplit('#', 1)[-1]})", lang="en")))


def class_partitions(g: Graph, graph: Graph, classes: dict[str, URIRef]) -> None:
    """Add VoID class partitions (entity counts per class) to the description graph."""
    ds = URIRef(DATASET_IRI)
    for key, cls in sorted(classes.items()):
        part = URIRef(f"{DATASET_IRI}#{key}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(len(set(graph.subjects(RDF.type, cls))), datatype=XSD.integer)))
