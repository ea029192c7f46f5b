"""The VoID part of the release's description: figures, partitions, links, entry points.

Everything here is counted from the graph the dumps hold (the union of data and ontology), in
the terms of the VoID vocabulary (W3C Note, 2011):

* ``void:triples``, ``void:distinctSubjects`` and ``void:properties``: its triples, the distinct
  subjects (IRIs and blank nodes) and the distinct predicates;
* ``void:entities``: VoID counts as an entity a resource that has an IRI, whose IRI is in the
  dataset's IRI space (``void:uriSpace``, a common prefix of its entities' IRIs) and that the
  dataset describes, that is, which is the subject of one of its triples; an IRI that is only
  ever an object (an external link target, a concept of another vocabulary) is not described
  here and is not counted (:func:`entities_in`); a class partition counts the same way among
  the members of its class;
* linksets (:func:`count_links`, :func:`add_linksets`): one per dataset we link to and link
  predicate, with the number of link triples from our IRIs into its IRI space;
* entry points: one example resource of each main class (the first IRI in order), the root
  resources (the sources and the ontology) and the vocabularies whose terms the graph uses as
  predicates or classes (:func:`vocabularies_of`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS, VOID, XSD

from dprk_ld.release.memory import distinct_predicates, distinct_subjects
from dprk_ld.release.namespaces import BASE, DATASET_IRI, DPRK, GRAPH, ID, OA, PREFIXES, VOCAB

#: the class partitions of the description: fragment of their IRI -> class
CLASS_PARTITIONS: dict[str, URIRef] = {
    "findings": DPRK.Finding, "evidence": OA.Annotation, "sources": DPRK.SourceDocument}
#: classes of which the description names an example resource
EXAMPLE_CLASSES = (DPRK.Finding, DPRK.SourceDocument, DPRK.Place, FOAF.Person, OA.Annotation)
#: namespaces we mint that are not vocabularies (their terms are things, concepts or graphs)
NOT_VOCABULARIES = (str(ID), str(VOCAB), str(GRAPH))

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


def integer(n: int) -> Literal:
    """A count, as VoID types it (xsd:integer, which the query engine keeps as it is)."""
    return Literal(n, datatype=XSD.integer)


def described(graph: Graph, space: str) -> set[URIRef]:
    """The resources ``graph`` describes (subjects) whose IRI is in ``space``."""
    return {s for s in distinct_subjects(graph) if isinstance(s, URIRef) and str(s).startswith(space)}


def entities_in(graph: Graph, space: str) -> int:
    """VoID's entity count of ``graph`` with the IRI space ``space`` (see the module)."""
    return len(described(graph, space))


def add_figures(g: Graph, graph: Graph, dataset_iri: str = DATASET_IRI, space: str = str(ID)) -> None:
    """The dataset's IRI space and its VoID figures, counted from ``graph``."""
    ds = URIRef(dataset_iri)
    g.add((ds, VOID.uriSpace, Literal(space)))
    g.add((ds, VOID.triples, integer(len(graph))))
    g.add((ds, VOID.entities, integer(entities_in(graph, space))))
    g.add((ds, VOID.distinctSubjects, integer(len(distinct_subjects(graph)))))
    g.add((ds, VOID.properties, integer(len(distinct_predicates(graph)))))


def class_partitions(g: Graph, graph: Graph, classes: dict[str, URIRef] | None = None,
                     dataset_iri: str = DATASET_IRI, space: str = str(ID)) -> None:
    """One ``void:classPartition`` per class, with the number of its entities."""
    ds = URIRef(dataset_iri)
    entities = described(graph, space)
    for key, cls in sorted((classes or CLASS_PARTITIONS).items()):
        part = URIRef(f"{dataset_iri}#{key}")
        members = {s for s in graph.subjects(RDF.type, cls) if s in entities}
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, integer(len(members))))


def vocabularies_of(graph: Graph) -> list[str]:
    """The namespaces (of :data:`PREFIXES`) whose terms ``graph`` uses as predicates or classes,
    but those we mint things in."""
    terms = {str(p) for p in distinct_predicates(graph)} | {str(c) for c in graph.objects(None, RDF.type)}
    spaces = sorted((ns for ns in PREFIXES.values() if ns not in NOT_VOCABULARIES),
                    key=len, reverse=True)  # the longest namespace a term is in
    used = set()
    for term in terms:
        found = next((ns for ns in spaces if term.startswith(ns)), None)
        if found is not None:
            used.add(found)
    return sorted(used)


def add_entry_points(g: Graph, graph: Graph, dataset_iri: str = DATASET_IRI) -> None:
    """Example resources (one per class of :data:`EXAMPLE_CLASSES`), root resources (the
    sources and the ontology) and the vocabularies the graph uses."""
    ds = URIRef(dataset_iri)
    for cls in EXAMPLE_CLASSES:
        members = sorted(str(s) for s in graph.subjects(RDF.type, cls)
                         if isinstance(s, URIRef) and str(s).startswith(BASE))
        if members:
            g.add((ds, VOID.exampleResource, URIRef(members[0])))
    for source in graph.subjects(RDF.type, DPRK.SourceDocument):
        if isinstance(source, URIRef):
            g.add((ds, VOID.rootResource, source))
    g.add((ds, VOID.rootResource, URIRef(BASE + "ontology")))
    for ns in vocabularies_of(graph):
        g.add((ds, VOID.vocabulary, URIRef(ns)))


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
        g.add((ls, VOID.triples, integer(n)))
        g.add((ls, DCTERMS.title, Literal(f"Links to {title} ({pred.rsplit('#', 1)[-1]})", lang="en")))


def add_void(g: Graph, graph: Graph, dataset_iri: str = DATASET_IRI) -> None:
    """All of the VoID part: figures, class partitions, entry points and linksets."""
    add_figures(g, graph, dataset_iri)
    class_partitions(g, graph, dataset_iri=dataset_iri)
    add_entry_points(g, graph, dataset_iri)
    links = (t for p in LINK_PREDICATES for t in graph.triples((None, URIRef(p), None)))
    add_linksets(g, count_links((str(s), str(p), str(o)) for s, p, o in links
                                if isinstance(s, URIRef) and isinstance(o, URIRef)), dataset_iri)


__all__ = ["CLASS_PARTITIONS", "EXAMPLE_CLASSES", "LINK_PREDICATES", "LINK_TARGETS", "add_entry_points",
           "add_figures", "add_linksets", "add_void", "class_partitions", "count_links", "described",
           "entities_in", "integer", "vocabularies_of"]
