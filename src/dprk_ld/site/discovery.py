"""Discovery: how programs and crawlers find the dataset and its parts.

* ``/.well-known/void``: the release's VoID/DCAT description (its own graph in the store), with
  what only the running release can say: example resources, the vocabularies used, the root
  resources, and one VoID linkset per external dataset and link predicate, with its triple count.
* ``/sitemap.xml`` (every document of the release) and ``/robots.txt``.
* ``/dumps/<file>``: the release files named in ``release.json``, and no other path, with their
  media type, length, a strong ETag (their SHA-256), ``Last-Modified`` and byte ranges.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox
from flask import Blueprint, Response, request, send_file
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF, VOID

from dprk_ld.release.dumps import LINK_PREDICATES, count_links
from dprk_ld.release.namespaces import DPRK, GRAPH, OA
from dprk_ld.site.resources import HTML, RDF_OFFERS, Site, new_graph, serialize, site
from dprk_ld.web import conneg
from dprk_ld.web.errors import not_acceptable, not_found

VOID_OFFERS: tuple[conneg.Offer, ...] = (*RDF_OFFERS, HTML)
EXAMPLE_CLASSES = (DPRK.Finding, DPRK.SourceDocument, DPRK.Place, FOAF.Person, OA.Annotation)


def link_counts(store: Any, base: str) -> Counter[tuple[str, str]]:
    """Link triples from our IRIs to each external dataset, by (target key, predicate IRI)."""
    triples = (
        (q.subject.value, pred, q.object.value)
        for pred in LINK_PREDICATES
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None)
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
    )
    return count_links(triples, base)


def void_graph(s: Site) -> Graph:
    """The release's VoID description (with its linksets, made by the build) and what the served
    release adds to it: example and root resources, vocabularies."""
    def build() -> Graph:
        g = new_graph()
        g.bind("void", VOID)
        for q in s.store.quads_for_pattern(None, None, None, ox.NamedNode(str(GRAPH["void"]))):
            g.add(_triple(q))
        ds = URIRef(s.dataset_iri)
        for cls in EXAMPLE_CLASSES:
            for q in s.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                               ox.NamedNode(str(cls))):
                if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(s.base):
                    g.add((ds, VOID.exampleResource, URIRef(q.subject.value)))
                    break
        for q in s.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                           ox.NamedNode(str(DPRK.SourceDocument))):
            g.add((ds, VOID.rootResource, URIRef(q.subject.value)))
        g.add((ds, VOID.rootResource, URIRef(s.base + "ontology")))
        for ns in ("http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/2002/07/owl#",
                   "http://www.w3.org/ns/shacl#", "http://purl.org/ontology/bibo/"):
            g.add((ds, VOID.vocabulary, URIRef(ns)))
        return g

    return s.cached("void", build)  # type: ignore[no-any-return]


def _triple(q: Any) -> tuple[Any, Any, Any]:
    from dprk_ld.site.resources import _to_rdflib

    return _to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)


def well_known_void() -> Response:
    from dprk_ld.site import pages

    s = site()
    try:
        offer = conneg.negotiate(request.headers.get("Accept"), VOID_OFFERS, request.args.get("format"))
    except conneg.NotAcceptable as exc:
        raise not_acceptable(exc.offered) from None
    g = void_graph(s)
    headers = {"Vary": "Accept", "Cache-Control": f"public, max-age={s.max_age}",
               "ETag": f'W/"void-{s.release_id[:24]}-{offer.names[0]}"'}
    if request.if_none_match.contains_weak(headers["ETag"][3:-1]):
        return Response(status=304, headers=headers)
    body = pages.resource_page(s, s.dataset_iri, g).encode("utf-8") if offer is HTML else serialize(g, offer)
    return Response(body, content_type=offer.content_type, headers=headers)


def document_paths(s: Site) -> list[str]:
    """The path of every document of the release: one per thing it mints (not its hash parts)."""
    def build() -> list[str]:
        paths: set[str] = set()
        for q in s.store.quads_for_pattern(None, None, None):
            for term in (q.subject, q.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(s.base) and "#" not in term.value:
                    rest = term.value[len(s.base):]
                    if rest.startswith(("id/", "vocab/")) or rest == "dataset":
                        paths.add("/doc/" + rest)
        return sorted(paths)

    return s.cached("document_paths", build)  # type: ignore[no-any-return]


def sitemap() -> Response:
    s = site()
    host = request.host_url.rstrip("/")
    paths = ["/", "/sparql", "/ontology", "/shapes", *document_paths(s)][:50_000]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines.extend(f"<url><loc>{xml_escape(host + p)}</loc></url>" for p in paths)
    lines.append("</urlset>")
    return Response("\n".join(lines) + "\n", content_type="application/xml; charset=utf-8",
                    headers={"Cache-Control": f"public, max-age={s.max_age}"})


def robots() -> Response:
    host = request.host_url.rstrip("/")
    text = ("User-agent: *\n"
            "Allow: /\n"
            "# query results are endless: crawl the documents, or download the dumps\n"
            "Disallow: /sparql?\n"
            f"Sitemap: {host}/sitemap.xml\n")
    return Response(text, content_type="text/plain; charset=utf-8")


def dump(name: str) -> Response:
    s = site()
    files = s.release_files()
    meta = files.get(name)
    if meta is None or s.dist is None:
        raise not_found("No such file in the release.")
    path = (s.dist / name).resolve()
    if s.dist not in path.parents or not path.is_file():
        raise not_found("No such file in the release.")
    mimetype = str(meta.get("media_type") or "application/octet-stream")
    resp = send_file(path, mimetype=mimetype, conditional=True, etag=str(meta["sha256"]),
                     max_age=s.max_age, download_name=name.rsplit("/", 1)[-1])
    resp.headers["Accept-Ranges"] = "bytes"
    if name.endswith(".gz"):
        resp.headers.pop("Content-Encoding", None)
    return resp


def blueprint() -> Blueprint:
    bp = Blueprint("discovery", __name__)
    bp.add_url_rule("/.well-known/void", "void", well_known_void, methods=["GET", "HEAD"])
    bp.add_url_rule("/sitemap.xml", "sitemap", sitemap, methods=["GET", "HEAD"])
    bp.add_url_rule("/robots.txt", "robots", robots, methods=["GET", "HEAD"])
    bp.add_url_rule("/dumps/<path:name>", "dump", dump, methods=["GET", "HEAD"])
    return bp


__all__ = ["blueprint", "document_paths", "link_counts", "void_graph"]
