"""The SPARQL 1.1 Service Description of the endpoint, in every RDF format it offers.

It says what the endpoint is (``sd:endpoint``), what it speaks (SPARQL 1.1 Query only, no
update, no federation), what it returns (``sd:resultFormat``) and what it serves: the default
graph is the union of the named graphs of the release (``sd:UnionDefaultGraph``), each named
graph listed with its size.

It also lists the prefixes every query may use undeclared (``prefixes.DECLARED``). The service
description vocabulary has no term for them, so they are told the way SHACL declares prefixes
(section 5.2.1 of the SHACL Recommendation): ``sh:declare`` from the service to one
``sh:PrefixDeclaration`` per prefix, with ``sh:prefix`` (a string) and ``sh:namespace`` (an
``xsd:anyURI``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from dprk_ld import formats
from dprk_ld.endpoint.prefixes import DECLARED

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: what a query may return, from the one registry of formats
RESULT_FORMATS = tuple(f.w3c for f in (*formats.RESULTS, *formats.GRAPHS) if f.w3c)

PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID, "dcterms": DCTERMS, "sh": SH}


@dataclass
class ServiceDescription:
    endpoint: str
    dataset: str
    graphs: Mapping[str, int]
    title: str = "dprk-ld SPARQL endpoint"
    version: str | None = None
    #: the prefixes a query may use without declaring them
    prefixes: Mapping[str, str] = field(default_factory=lambda: dict(DECLARED))
    _cache: dict[str, bytes] = field(default_factory=dict)

    def quads(self) -> list[ox.Quad]:
        nn = ox.NamedNode
        g = ox.DefaultGraph()
        service = nn(self.endpoint)
        dataset = nn(self.dataset)
        out: list[ox.Quad] = []

        def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode
                | ox.Literal) -> None:
            out.append(ox.Quad(s, nn(p), o, g))

        add(service, RDF_TYPE, nn(SD + "Service"))
        add(service, SD + "endpoint", service)
        add(service, DCTERMS + "title", ox.Literal(self.title))
        add(service, SD + "supportedLanguage", nn(SD + "SPARQL11Query"))
        add(service, SD + "feature", nn(SD + "UnionDefaultGraph"))
        for fmt in RESULT_FORMATS:
            add(service, SD + "resultFormat", nn(FORMATS + fmt))
        add(service, SD + "defaultDataset", dataset)
        add(dataset, RDF_TYPE, nn(SD + "Dataset"))
        if self.version:
            add(dataset, "http://www.w3.org/2002/07/owl#versionInfo", ox.Literal(self.version))
        default = ox.BlankNode("defaultGraph")
        add(dataset, SD + "defaultGraph", default)
        add(default, RDF_TYPE, nn(SD + "Graph"))
        add(default, VOID + "triples", ox.Literal(str(sum(self.graphs.values())),
                                                 datatype=nn("http://www.w3.org/2001/XMLSchema#integer")))
        for index, (name, size) in enumerate(sorted(self.graphs.items())):
            named = ox.BlankNode(f"namedGraph{index}")
            graph = ox.BlankNode(f"graph{index}")
            add(dataset, SD + "namedGraph", named)
            add(named, RDF_TYPE, nn(SD + "NamedGraph"))
            add(named, SD + "name", nn(name))
            add(named, SD + "graph", graph)
            add(graph, RDF_TYPE, nn(SD + "Graph"))
            add(graph, VOID + "triples", ox.Literal(
                str(size), datatype=nn("http://www.w3.org/2001/XMLSchema#integer")))
        out.extend(self.prefix_quads(service))
        return out

    def prefix_quads(self, service: ox.NamedNode) -> list[ox.Quad]:
        """``service sh:declare [ a sh:PrefixDeclaration; sh:prefix ...; sh:namespace ... ]``
        for each prefix a query may use undeclared."""
        nn, g = ox.NamedNode, ox.DefaultGraph()
        out: list[ox.Quad] = []
        for index, (name, iri) in enumerate(sorted(self.prefixes.items())):
            node = ox.BlankNode(f"prefix{index}")
            out.append(ox.Quad(service, nn(SH + "declare"), node, g))
            out.append(ox.Quad(node, nn(RDF_TYPE), nn(SH + "PrefixDeclaration"), g))
            out.append(ox.Quad(node, nn(SH + "prefix"), ox.Literal(name), g))
            out.append(ox.Quad(node, nn(SH + "namespace"),
                               ox.Literal(iri, datatype=nn(XSD + "anyURI")), g))
        return out

    def serialize(self, fmt: str) -> bytes:
        """The description in ``fmt`` (an ``RdfFormat`` attribute name), computed once."""
        cached = self._cache.get(fmt)
        if cached is None:
            rdf_format = getattr(ox.RdfFormat, fmt)
            quads = self.quads()
            if not rdf_format.supports_datasets:
                items: list[ox.Quad] | list[ox.Triple] = [q.triple for q in quads]
            else:
                items = quads
            kwargs = {"prefixes": PREFIXES} if fmt in ("TURTLE", "TRIG", "RDF_XML") else {}
            cached = ox.serialize(items, format=rdf_format, **kwargs) or b""
            self._cache[fmt] = cached
        return cached
