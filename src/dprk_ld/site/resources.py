"""Dereferencing: every IRI the release mints answers on this server, for machines and people.

Four steps, as in a linked-data front end, each a plain function the tests call directly:

1. :func:`iri_for_path`: the IRI a request path stands for (the server's own address is mapped
   onto the configured base, ``BASE_IRI``); paths that cannot be a minted IRI are refused here.
2. :func:`exists`: an ``ASK`` with the IRI *bound* as a substitution (never pasted into the
   query text), or a named graph of the release.
3. :func:`describe`: the resource's triples, the parts it owns (``#period``, ``#quantity-1``, a
   finding's evidence and their selectors, a source's sections), what links to it, and the labels
   and types of everything it touches, so that a page can be drawn from the description alone.
4. :func:`serialize` by content negotiation (``conneg``), or an HTML page (``pages``).

Cool URIs: things (``/id/…``, ``/vocab/…``, ``/dataset``, ``/graph/…``) answer ``303 See Other``
to one generic document ``/doc/<path>``, which negotiates (``Vary: Accept``) between HTML,
Turtle, N-Triples, JSON-LD and RDF/XML and names the variant it chose in ``Content-Location``
(``/doc/<path>.ttl`` and the like, also addressable directly). The ontology and the shapes use
hash IRIs: ``/ontology`` and ``/shapes`` are documents and negotiate in place.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, redirect, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, VOID

from dprk_ld.endpoint import sparql
from dprk_ld.release.namespaces import DPRK, PREFIXES, SCHEMA
from dprk_ld.web import conneg
from dprk_ld.web.errors import HttpError, not_acceptable, not_found

#: no application/xhtml+xml alias: "text/html;q=0, */*" must not get HTML through the alias
HTML = conneg.Offer("text/html", names=("html", "htm"), key="HTML", charset=True)
RDF_OFFERS: tuple[conneg.Offer, ...] = (sparql.TURTLE, sparql.NTRIPLES, sparql.JSONLD, sparql.RDFXML)
OFFERS: tuple[conneg.Offer, ...] = (HTML, *RDF_OFFERS)
#: file extension of a variant -> its offer
EXTENSIONS: dict[str, conneg.Offer] = {
    "html": HTML,
    "ttl": sparql.TURTLE,
    "nt": sparql.NTRIPLES,
    "jsonld": sparql.JSONLD,
    "rdf": sparql.RDFXML,
}
RDFLIB_FORMAT = {"TURTLE": "turtle", "N_TRIPLES": "nt", "JSON_LD": "json-ld", "RDF_XML": "xml"}

#: documents of hash namespaces: path -> (namespace prefix, named graph holding it)
HASH_DOCUMENTS = {"ontology": ("ontology", "graph/ontology"), "shapes": ("shapes", "graph/shapes")}
#: a request path that can be a minted IRI: ASCII words, digits, dots, hyphens and slashes
PATH_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._~\-]|/(?!/))*$")
MAX_PATH = 512
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
MAX_TRIPLES = 20_000

LABEL_PROPS = (RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name)
NEIGHBOUR_PROPS = (RDF.type, *LABEL_PROPS, DPRK.summary, DCTERMS.identifier, DCTERMS.source,
                   DPRK.year, DPRK.section, SKOS.inScheme, SKOS.notation)


# --- the state of the linked-data layer of one app -------------------------------------------


@dataclass
class Site:
    """What the pages and documents of one app need: the store, the base, the release files."""

    store: Any
    base: str
    release_id: str
    dist: Path | None
    queries_dir: Path | None
    max_age: int = 300
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def dataset_iri(self) -> str:
        return self.base + "dataset"

    def cached(self, key: str, make: Any) -> Any:
        """A value computed once per app (the release never changes while it is served)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def local(self, iri: str) -> str | None:
        """The path on this server of an IRI under the base (with its fragment), else None."""
        if iri.startswith(self.base):
            return "/" + iri[len(self.base):]
        return None

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` points in our pages: our own path, or the IRI itself."""
        return self.local(iri) or iri

    def release_files(self) -> dict[str, dict[str, Any]]:
        """The files of the release that may be downloaded, by name (from release.json)."""
        def read() -> dict[str, dict[str, Any]]:
            if self.dist is None or not (self.dist / "release.json").is_file():
                return {}
            info = json.loads((self.dist / "release.json").read_text(encoding="utf-8"))
            files: dict[str, dict[str, Any]] = dict(info.get("files", {}))
            for extra, mtype in (("release.json", "application/json"), ("SHA256SUMS", "text/plain")):
                path = self.dist / extra
                if path.is_file():
                    data = path.read_bytes()
                    files[extra] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                                    "media_type": mtype}
            return files

        return self.cached("release_files", read)  # type: ignore[no-any-return]

    def source_text(self, source_id: str) -> str | None:
        name = f"sources/{source_id}.txt"
        if self.dist is None or name not in self.release_files():
            return None
        return self.cached("text:" + name,
                           lambda: (self.dist / name).read_text(encoding="utf-8"))  # type: ignore[operator]


def site() -> Site:
    return current_app.extensions["dprk_ld_site"]  # type: ignore[no-any-return]


def make_site(app: Flask) -> Site:
    endpoint = app.extensions["dprk_ld"]
    dist = Path(app.config["DIST"]).resolve() if app.config.get("DIST") else None
    queries = app.config.get("QUERIES_DIR")
    if queries is None:
        for candidate in ([dist.parent / "queries"] if dist else []) + [
                Path(__file__).resolve().parents[3] / "queries"]:
            if candidate.is_dir():
                queries = candidate
                break
    return Site(store=endpoint.release.store, base=endpoint.base_iri,
                release_id=endpoint.release.release_id, dist=dist,
                queries_dir=Path(queries) if queries else None, max_age=endpoint.max_age)


# --- 1. the IRI of a path ----------------------------------------------------------------------


def iri_for_path(base: str, path: str) -> str | None:
    """The IRI that ``path`` (without its leading slash) names under ``base``, or None when the
    path cannot be one we mint (odd characters, ``..``, empty segments, too long)."""
    if not path or len(path) > MAX_PATH or not PATH_RE.match(path):
        return None
    if any(seg in (".", "..") for seg in path.split("/")) or path.endswith("/"):
        return None
    return base + path


def split_variant(path: str) -> tuple[str, conneg.Offer | None]:
    """``id/place/x.ttl`` -> (``id/place/x``, Turtle); a path without a known extension as is."""
    stem, dot, ext = path.rpartition(".")
    if dot and ext in EXTENSIONS and stem and "/" not in ext:
        return stem, EXTENSIONS[ext]
    return path, None


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


def _to_rdflib(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def _owns(root: str, parent: str, predicate: str, obj: str) -> bool:
    """Whether the document of ``root`` also describes ``obj`` (reached from ``parent``)."""
    return (obj.startswith(parent + "#") or obj.startswith(root + "/")
            or (parent == root and predicate == str(DPRK.evidence)))


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def _triples(store: Any, s: Any = None, p: Any = None, o: Any = None) -> Iterable[tuple[Any, Any, Any]]:
    for q in store.quads_for_pattern(s, p, o):
        yield q.subject, q.predicate, q.object


def describe(store: Any, iri: str, base: str) -> Graph:
    """The description of ``iri``: see the module's docstring."""
    root = ox.NamedNode(iri)
    found: set[tuple[Any, Any, Any]] = set()
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


def _add_named_graph(store: Any, root: Any, found: set[tuple[Any, Any, Any]], base: str) -> None:
    if root not in set(store.named_graphs()):
        return
    size = sum(1 for _ in store.quads_for_pattern(None, None, None, root))
    found.add((root, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(VOID.Dataset))))
    found.add((root, ox.NamedNode(str(VOID.triples)),
               ox.Literal(str(size), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    found.add((root, ox.NamedNode(str(VOID.inDataset)), ox.NamedNode(base + "dataset")))


def _with_neighbours(store: Any, found: set[tuple[Any, Any, Any]], owned: set[Any], iri: str,
                     base: str, doc_iri: str | None) -> Graph:
    neighbours: set[Any] = set()
    for s, p, o in found:
        for term in (s, o, p):
            if isinstance(term, ox.NamedNode) and term not in owned:
                neighbours.add(term)
    extra: set[tuple[Any, Any, Any]] = set()
    props = [ox.NamedNode(str(p)) for p in NEIGHBOUR_PROPS]
    for n in sorted(neighbours, key=lambda t: t.value):
        for prop in props:
            for t in _triples(store, n, prop):
                extra.add(t)
        if len(extra) > MAX_TRIPLES:
            break
    g = new_graph()
    for s, p, o in found | extra:
        g.add((_to_rdflib(s), _to_rdflib(p), _to_rdflib(o)))
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
    found: set[tuple[Any, Any, Any]] = set()
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


# --- 4. serialize ------------------------------------------------------------------------------


def serialize(graph: Graph, offer: conneg.Offer) -> bytes:
    """The description in the offer's RDF syntax."""
    fmt = RDFLIB_FORMAT[str(offer.key)]
    if fmt == "json-ld":
        context = {k: v for k, v in PREFIXES.items() if k != "id"}
        context["schema"] = str(SCHEMA)
        data = graph.serialize(format="json-ld", context=context, auto_compact=True)
        return data.encode("utf-8")
    return graph.serialize(format=fmt, encoding="utf-8")


def pick(offer: conneg.Offer | None) -> conneg.Offer:
    """The offer to send: the one the path names, else by ``format=`` or the Accept header."""
    if offer is not None:
        return offer
    try:
        return conneg.negotiate(request.headers.get("Accept"), OFFERS, request.args.get("format"))
    except conneg.NotAcceptable as exc:
        raise not_acceptable(exc.offered) from None


def _etag(s: Site, path: str, offer: conneg.Offer) -> str:
    digest = hashlib.sha256(f"{s.release_id}\n{path}\n{offer.media_type}".encode())
    return digest.hexdigest()[:32]


def document_response(s: Site, path: str, graph: Graph, offer: conneg.Offer, negotiated: bool,
                      render_html: Any) -> Response:
    """The response for the document at ``/path`` (``path`` without extension)."""
    etag = _etag(s, path, offer)
    headers = {"Cache-Control": f"public, max-age={s.max_age}", "ETag": f'W/"{etag}"'}
    if negotiated:
        headers["Vary"] = "Accept"
        ext = next(e for e, o in EXTENSIONS.items() if o is offer)
        headers["Content-Location"] = f"/{path}.{ext}"
    headers["Link"] = ", ".join(f'</{path}.{e}>; rel="alternate"; type="{o.media_type}"'
                                for e, o in EXTENSIONS.items() if o is not offer)
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    body = render_html().encode("utf-8") if offer is HTML else serialize(graph, offer)
    return Response(body, content_type=offer.content_type, headers=headers)


# --- routes ------------------------------------------------------------------------------------


def thing(path: str) -> Response:
    """``/id/…``, ``/vocab/…`` and every other IRI of a thing: 303 to its document."""
    s = site()
    iri = iri_for_path(s.base, path)
    if iri is None or not exists(s.store, iri):
        raise not_found("No resource with this IRI in the release.")
    target = f"/doc/{path}"
    if request.args.get("format"):
        target += "?" + request.query_string.decode("latin-1")
    resp = redirect(target, 303)
    resp.headers["Cache-Control"] = f"public, max-age={s.max_age}"
    return resp


def document(path: str) -> Response:
    """``/doc/<path>[.<ext>]``: the description of the thing ``<path>`` names."""
    from dprk_ld.site import pages

    s = site()
    stem, explicit = split_variant(path)
    if stem in HASH_DOCUMENTS:
        return redirect(f"/{path}", 301)
    iri = iri_for_path(s.base, stem)
    if iri is None or not exists(s.store, iri):
        raise not_found("No resource with this IRI in the release.")
    offer = pick(explicit)
    graph = describe(s.store, iri, s.base)
    return document_response(s, f"doc/{stem}", graph, offer, explicit is None,
                             lambda: pages.resource_page(s, iri, graph))


def hash_document(name: str) -> Response:
    """``/ontology`` and ``/shapes`` (and their ``.ttl`` … variants): hash namespaces."""
    from dprk_ld.site import pages

    s = site()
    stem, explicit = split_variant(name)
    if stem not in HASH_DOCUMENTS:
        raise not_found()
    offer = pick(explicit)
    graph = s.cached(f"hashdoc:{stem}", lambda: describe_hash_document(s.store, s.base, stem))
    return document_response(s, stem, graph, offer, explicit is None,
                             lambda: pages.hash_document_page(s, stem, graph))


def blueprint() -> Blueprint:
    bp = Blueprint("resources", __name__)
    bp.add_url_rule("/doc/<path:path>", "document", document, methods=["GET", "HEAD"])
    for name in HASH_DOCUMENTS:
        for ext in ("", *(f".{e}" for e in EXTENSIONS)):
            bp.add_url_rule(f"/{name}{ext}", f"{name}{ext.replace('.', '_')}", hash_document,
                            methods=["GET", "HEAD"], defaults={"name": name + ext})
    bp.add_url_rule("/<path:path>", "thing", thing, methods=["GET", "HEAD"])
    return bp


def register(app: Flask) -> None:
    """Attach the linked-data layer's state and routes to ``app``."""
    app.extensions["dprk_ld_site"] = make_site(app)
    app.register_blueprint(blueprint())


__all__ = ["HTML", "OFFERS", "HttpError", "Site", "describe", "exists", "iri_for_path",
           "register", "serialize"]
