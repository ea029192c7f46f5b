"""The pages of the hash namespaces: the ontology documented from itself, and the shapes.

:func:`hash_document_page` renders the description
:func:`dprk_ld.site.describe.describe_hash_document` gives: for the ontology, its classes and
properties with their labels, definitions and fields, and the concept schemes of the release;
for the shapes, each shape with the classes it applies to, and the shapes' Turtle.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from dprk_ld import formats
from dprk_ld.release.namespaces import DPRK, PREFIXES
from dprk_ld.site.graphs import serialize
from dprk_ld.site.render import alternates, embedded_jsonld, render
from dprk_ld.site.state import Site
from dprk_ld.site.terms import HIDDEN_PROPS, Row, Value, label_of, rows_of, value_of

SH = "http://www.w3.org/ns/shacl#"
SCHEMES_QUERY = (
    "SELECT ?scheme ?label (COUNT(?c) AS ?n) WHERE { ?scheme a skos:ConceptScheme ; "
    "skos:prefLabel ?label . OPTIONAL { ?c skos:inScheme ?scheme } FILTER(LANG(?label) = 'en') }"
    " GROUP BY ?scheme ?label ORDER BY ?label")


@dataclass
class TermDoc:
    anchor: str
    iri: str
    label: str
    definition: str
    rows: list[Row]


def terms_of(s: Site, g: Graph, kind: URIRef, ns: str) -> list[TermDoc]:
    """The documentation of every term of namespace ``ns`` typed ``kind``, by IRI."""
    out = []
    hidden = {*HIDDEN_PROPS, RDFS.isDefinedBy}
    for term in sorted(set(g.subjects(RDF.type, kind)), key=str):
        if not isinstance(term, URIRef) or not str(term).startswith(ns):
            continue
        definition = " ".join(str(v) for p in (SKOS.definition, RDFS.comment) for v in g.objects(term, p))
        out.append(TermDoc(str(term)[len(ns):], str(term), label_of(g, term, s), definition,
                           rows_of(s, g, term, str(term), hidden=hidden)))
    return out


def schemes(s: Site) -> list[tuple[Value, int]]:
    """The concept schemes of the release, with the number of concepts in each."""
    def build() -> list[tuple[Value, int]]:
        rows = s.store.query(SCHEMES_QUERY, use_default_graph_as_union=True, prefixes=PREFIXES)
        return [(Value(r["label"].value, href=s.href(r["scheme"].value)), int(r["n"].value))
                for r in rows]

    return s.cached("schemes", build)


def shapes_page(s: Site, g: Graph) -> str:
    """The page of the shapes: each shape and the classes it applies to, then the Turtle."""
    shapes = []
    for shape in sorted(set(g.subjects(RDF.type, URIRef(SH + "NodeShape"))), key=str):
        targets = [value_of(s, g, t, str(shape)) for t in g.objects(shape, URIRef(SH + "targetClass"))]
        shapes.append((str(shape).rpartition("#")[2], label_of(g, shape, s), targets))
    return render("shapes.html", shapes=shapes, alternates=alternates("/shapes"),
                  turtle=serialize(g, formats.TURTLE).decode("utf-8"))


def ontology_page(s: Site, g: Graph) -> str:
    """The ontology documented from its own graph."""
    ns = str(DPRK)
    onto = URIRef(ns[:-1])
    return render(
        "ontology.html",
        title=label_of(g, onto, s),
        iri=ns,
        description=[str(v) for v in g.objects(onto, DCTERMS.description)],
        meta=rows_of(s, g, onto, str(onto)),
        classes=terms_of(s, g, OWL.Class, ns),
        object_properties=terms_of(s, g, OWL.ObjectProperty, ns),
        datatype_properties=terms_of(s, g, OWL.DatatypeProperty, ns),
        schemes=schemes(s),
        alternates=alternates("/ontology"),
        jsonld=embedded_jsonld(g),
    )


def hash_document_page(s: Site, name: str, g: Graph) -> str:
    """The page of the hash document ``name`` (``ontology`` or ``shapes``)."""
    return shapes_page(s, g) if name == "shapes" else ontology_page(s, g)


__all__ = ["TermDoc", "hash_document_page", "ontology_page", "schemes", "shapes_page", "terms_of"]
