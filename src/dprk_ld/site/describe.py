"""Dereferencing, as plain functions: every IRI the release mints has a description.

Three steps, as in a linked-data front end (the web layer adds HTTP around them):

1. :func:`iri_for_path`: the IRI a request path stands for (the path is mapped onto the
   configured base); paths that cannot be a minted IRI are refused here.
2. :func:`exists`: an ``ASK`` with the IRI *bound* as a substitution (never pasted into the
   query text), or a named graph of the release.
3. :func:`describe`: the resource's triples, the parts it owns (``#period``, ``#quantity-1``, a
   finding's evidence and their selectors, a source's sections), what links to it, and the labels
   and types of everything it touches, so that a page can be drawn from the description alone.
   The ontology and the shapes use hash IRIs: :func:`describe_hash_document` describes every
   term of their namespace at once.

A document is sent in one of :data:`VARIANTS` (``/doc/<path>.ttl`` names one by its extension,
see :func:`split_variant`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, VOID

from dprk_ld import formats
from dprk_ld.formats import Format
from dprk_ld.release.namespaces import DPRK
from dprk_ld.site.graphs import new_graph, to_rdflib

#: the syntaxes of a document, the server's preference first (HTML for people, then data)
VARIANTS: tuple[Format, ...] = (formats.HTML, *formats.DOCUMENTS)
#: documents of hash namespaces: path -> (namespace prefix, named graph holding it)
HASH_DOCUMENTS = {"ontology": ("ontology", "graph/ontology"), "shapes": ("shapes", "graph/shapes")}
#: a request path that can be a minted IRI: ASCII words, digits, dots, hyphens and slashes
PATH_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._~\-]|/(?!/))*$")
MAX_PATH = 512
MAX_TRIPLES = 20_000
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

LABEL_PROPS = (RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name)
NEIGHBOUR_PROPS = (RDF.type, *LABEL_PROPS, DPRK.summary, DCTERMS.identifier, DCTERMS.source,
                   DPRK.time, DPRK.section, SKOS.inScheme, SKOS.notation)

Triple = tuple[Any, Any, Any]


# --- 1. the IRI of a path ----------------------------------------------------------------------


def iri_for_path(base: str, path: str) -> str | None:
    """The IRI that ``path`` (without its leading slash) names under ``base``, or None when the
    path cannot be one we mint (odd characters, ``..``, empty segments, too long)."""
    if not path or len(path) > MAX_PATH or not PATH_RE.match(path):
        return None
    if any(seg in (".", "..") for seg in path.split("/")) or path.endswith("/"):
        return None
    return base + path


def split_variant(path: str) -> tuple[str, Format | None]:
    """``id/place/x.ttl`` -> (``id/place/x``, Turtle); a path without a known extension as is."""
    stem, dot, ext = path.rpartition(".")
    found = formats.by_extension(ext, VARIANTS) if dot and stem and "/" not in ext else None
    return (stem, found) if found is not None else (path, None)


def variant_path(path: str, fmt: Format) -> str:
    """The path of one variant of the document at ``path``: ``/doc/id/x`` -> ``/doc/id/x.ttl``."""
    return f"{path}.{fmt.extension}"


# --- 2. does it exist --------------------------------------------------------------------------

ASK_EXISTS = "ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"


def exists(store: Any, iri: str) -> bool:
    """Whether the release says anything of ``iri`` (or it names one of the release's graphs)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    found = store.query(ASK_EXISTS, substitutions={ox.Variable("iri"): node},
                        use_default_graph_as_union=True)
    return bool(found) or node in set(store.named_graphs())


# --- 3. describe it ----------------------------------------------------------------------------


def _owns(root: str, parent: str, predicate: str, obj: str) -> bool:
    """Whether the document of ``root`` also describes ``obj`` (reached from ``parent``)."""
    return (obj.startswith(parent + "#") or obj.startswith(root + "/")
            or (parent == root and predicate == str(DPRK.evidence)))


def _triples(store: Any, s: Any = None, p: Any = None, o: Any = None) -> Iterable[Triple]:
    for q in store.quads_for_pattern(s, p, o):
        yield q.subject, q.predicate, q.object


def describe(store: Any, iri: str, base: str) -> Graph:
    """The description of ``iri``: see the module's docstring."""
    root = ox.NamedNode(iri)
    found: set[Triple] = set()
    owned: set[Any] = {root}
    queue: list[Any] = [root]
    while queue and len(found) < MAX_TRIPLES:
        node = queue.pop()
        parent = node.value.split("#", 1)[0] if isinstance(node, ox.NamedNode) else iri
        for t in _triples(store, node):
            found.add(t)
            obj = t[2]
            if obj in owned:
                continue
            if isinstance(obj, ox.BlankNode) or (
                    isinstance(obj, ox.NamedNode) and _owns(iri, parent, t[1].value, obj.value)):
                owned.add(obj)
                queue.append(obj)
    for t in _triples(store, None, None, root):
        found.add(t)
    _add_named_graph(store, root, found, base)
    doc = base + "doc/" + iri[len(base):] if iri.startswith(base) else None
    return _with_neighbours(store, found, owned, iri, base, doc)


def _add_named_graph(store: Any, root: Any, found: set[Triple], base: str) -> None:
    if root not in set(store.named_graphs()):
        return
    size = sum(1 for _ in store.quads_for_pattern(None, None, None, root))
    found.add((root, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(VOID.Dataset))))
    found.add((root, ox.NamedNode(str(VOID.triples)),
               ox.Literal(str(size), datatype=ox.NamedNode(XSD_INTEGER))))
    found.add((root, ox.NamedNode(str(VOID.inDataset)), ox.NamedNode(base + "dataset")))


def _with_neighbours(store: Any, found: set[Triple], owned: set[Any], iri: str, base: str,
                     doc_iri: str | None) -> Graph:
    neighbours: set[Any] = set()
    for s, p, o in found:
        for term in (s, o, p):
            if isinstance(term, ox.NamedNode) and term not in owned:
                neighbours.add(term)
    extra: set[Triple] = set()
    props = [ox.NamedNode(str(p)) for p in NEIGHBOUR_PROPS]
    for n in sorted(neighbours, key=lambda t: t.value):
        for prop in props:
            for t in _triples(store, n, prop):
                extra.add(t)
        if len(extra) > MAX_TRIPLES:
            break
    g = new_graph()
    # in the order of their N-Triples, not of a set: a document's bytes are then the same from
    # every process, hash seed and store (whose answers come in orders of their own)
    for s, p, o in sorted(found | extra, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        g.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    if doc_iri is not None:
        doc = URIRef(doc_iri)
        g.add((doc, RDF.type, FOAF.Document))
        g.add((doc, FOAF.primaryTopic, URIRef(iri)))
        g.add((doc, VOID.inDataset, URIRef(base + "dataset")))
    return g


def describe_hash_document(store: Any, base: str, name: str) -> Graph:
    """The document of a hash namespace (``ontology``, ``shapes``): every subject in it, with
    the blank nodes they use, and the labels of what they refer to."""
    prefix, graph_name = HASH_DOCUMENTS[name]
    doc_iri = base + prefix
    graph = ox.NamedNode(base + graph_name)
    found: set[Triple] = set()
    owned: set[Any] = set()
    for q in store.quads_for_pattern(None, None, None, graph):
        s = q.subject
        if isinstance(s, ox.NamedNode) and (s.value == doc_iri or s.value.startswith(doc_iri + "#")
                                            or s.value.startswith(doc_iri + "/")):
            found.add((s, q.predicate, q.object))
            owned.add(s)
    queue = [o for (_s, _p, o) in found if isinstance(o, ox.BlankNode)]
    while queue:
        node = queue.pop()
        if node in owned:
            continue
        owned.add(node)
        for t in _triples(store, node):
            found.add(t)
            if isinstance(t[2], ox.BlankNode):
                queue.append(t[2])
    found.add((ox.NamedNode(doc_iri), ox.NamedNode(str(VOID.inDataset)), ox.NamedNode(base + "dataset")))
    return _with_neighbours(store, found, owned, doc_iri, base, None)


__all__ = ["HASH_DOCUMENTS", "LABEL_PROPS", "VARIANTS", "describe", "describe_hash_document",
           "exists", "iri_for_path", "split_variant", "variant_path"]
