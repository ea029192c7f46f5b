"""The site's documents over HTTP: every IRI the release mints answers, for machines and people.

Cool URIs: things (``/id/…``, ``/vocab/…``, ``/dataset``, ``/graph/…``) answer ``303 See Other``
to one generic document ``/doc/<path>``, which negotiates (``Vary: Accept``) between HTML,
Turtle, N-Triples, JSON-LD and RDF/XML and names the variant it chose in ``Content-Location``
(``/doc/<path>.ttl`` and the like, also addressable directly). The ontology and the shapes use
hash IRIs: ``/ontology`` and ``/shapes`` are documents and negotiate in place. Every document
has a weak ETag (the release, the path and the syntax) and ``Link`` headers to its other
variants. The documents of the dataset, a finding and a source also offer their citation
(:data:`dprk_ld.formats.CITATIONS`: text, BibTeX, RIS, CSL-JSON; ``/doc/<path>.bib`` and the
like), sent with a ``Content-Disposition`` file name.

This module also keeps the app's :class:`~dprk_ld.site.state.Site` record (:func:`install`,
:func:`site_of`, :func:`current_site`), which the site's other views use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from flask import Blueprint, Flask, Response, redirect, request
from rdflib import Graph

from dprk_ld import formats
from dprk_ld.formats import Format
from dprk_ld.site.cite import citation, filename, kind_of, split_citation, work_of
from dprk_ld.site.describe import (
    HASH_DOCUMENTS,
    VARIANTS,
    describe,
    describe_hash_document,
    exists,
    iri_for_path,
    split_variant,
    variant_path,
)
from dprk_ld.site.discovery import void_graph
from dprk_ld.site.graphs import serialize
from dprk_ld.site.ontology import hash_document_page
from dprk_ld.site.pages import resource_page
from dprk_ld.site.state import Site, find_queries_dir, local_url, public_root
from dprk_ld.web import conneg, reload
from dprk_ld.web.errors import not_acceptable, not_found
from dprk_ld.web.retired import answer_retired

SITE_KEY = "dprk_ld_site"
METHODS = ["GET", "HEAD"]
NO_RESOURCE = "No resource with this IRI in the release."
#: what the document of a citable resource offers: its description, then its citation
CITABLE: tuple[Format, ...] = (*VARIANTS, *formats.CITATIONS)


# --- the app's site ----------------------------------------------------------------------------


def public_address(config: Mapping[str, Any]) -> str:
    """The site's public address: ``PUBLIC_URL``, else the server's own (``http://HOST:PORT/``);
    ValueError naming the setting when it is no site address."""
    given = config.get("PUBLIC_URL")
    if not given:
        return local_url(str(config.get("HOST") or "127.0.0.1"), int(config.get("PORT") or 5000))
    try:
        return public_root(str(given))
    except ValueError as exc:
        raise ValueError(f"PUBLIC_URL: {exc}") from None


def make_site(endpoint: Any, config: Mapping[str, Any]) -> Site:
    """The site of an endpoint (its store, base and release) in an app of ``config``: its
    release folder and queries, its public address."""
    dist = Path(config["DIST"]).resolve() if config.get("DIST") else None
    queries = config.get("QUERIES_DIR")
    return Site(store=endpoint.release.store, base=endpoint.base_iri,
                release_id=endpoint.release.release_id, dist=dist,
                queries_dir=Path(queries) if queries else find_queries_dir(dist),
                max_age=endpoint.max_age, public_url=public_address(config))


def install(app: Flask) -> Site:
    """Give ``app`` its site record (once; the site's views share it)."""
    if SITE_KEY not in app.extensions:
        app.extensions[SITE_KEY] = make_site(app.extensions["dprk_ld"], app.config)
    return site_of(app)


def site_of(app: Flask) -> Site:
    """The site record of ``app`` (see :func:`install`)."""
    return cast(Site, app.extensions[SITE_KEY])


def current_site() -> Site:
    """The site of the release this request is answered from (see ``reload``)."""
    return cast(Site, reload.current()[1])


# --- negotiation and the response of a document ------------------------------------------------


def choose(offers: tuple[Format, ...]) -> Format:
    """The format to send, by ``format=`` or the Accept header; 406 when none is acceptable."""
    try:
        chosen = conneg.negotiate(request.headers.get("Accept"), offers, request.args.get("format"))
    except conneg.NotAcceptable as exc:
        raise not_acceptable(exc.offered) from None
    return cast(Format, chosen)


def cache_control(s: Site) -> str:
    return f"public, max-age={s.max_age}"


def _etag(s: Site, path: str, fmt: Format) -> str:
    digest = hashlib.sha256(f"{s.release_id}\n{path}\n{fmt.media_type}".encode())
    return digest.hexdigest()[:32]


def _headers(s: Site, path: str, fmt: Format, negotiated: bool,
             variants: tuple[Format, ...]) -> dict[str, str]:
    headers = {"Cache-Control": cache_control(s), "ETag": f'W/"{_etag(s, path, fmt)}"'}
    if negotiated:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = variant_path(f"/{path}", fmt)
    headers["Link"] = ", ".join(f'<{variant_path(f"/{path}", f)}>; rel="alternate"; type="{f.media_type}"'
                                for f in variants if f is not fmt)
    return headers


def document_response(s: Site, path: str, graph: Graph, fmt: Format, negotiated: bool,
                      render_html: Callable[[], str],
                      variants: tuple[Format, ...] = VARIANTS) -> Response:
    """The response for the document at ``/path`` (``path`` without extension) in ``fmt``."""
    etag = _etag(s, path, fmt)
    headers = _headers(s, path, fmt, negotiated, variants)
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    body = render_html().encode("utf-8") if fmt is formats.HTML else serialize(graph, fmt)
    return Response(body, content_type=fmt.content_type, headers=headers)


def citation_response(s: Site, path: str, iri: str, fmt: Format, negotiated: bool) -> Response:
    """The citation of ``iri``, the document at ``/path``, in ``fmt``: a file to save (the text
    citation is shown in place)."""
    work = work_of(s, iri)
    if work is None:
        raise not_found(NO_RESOURCE)
    etag = _etag(s, path, fmt)
    headers = _headers(s, path, fmt, negotiated, CITABLE)
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    resp = Response(citation(work, fmt), content_type=fmt.content_type, headers=headers)
    resp.headers.set("Content-Disposition", "inline" if fmt is formats.BIBLIOGRAPHY else "attachment",
                     filename=filename(work, fmt))
    return resp


# --- views ---------------------------------------------------------------------------------------


def thing(path: str) -> Response:
    """``/id/…``, ``/vocab/…`` and every other IRI of a thing: 303 to its document."""
    s = current_site()
    iri = iri_for_path(s.base, path)
    # a retired IRI is never minted again, though the history may still name it
    moved = answer_retired(s, path, document=False)
    if moved is not None:
        return moved
    if iri is None or not exists(s.store, iri):
        raise not_found(NO_RESOURCE)
    target = f"/doc/{path}"
    if request.args.get("format"):
        target += "?" + request.query_string.decode("latin-1")
    resp = redirect(target, 303)
    resp.headers["Cache-Control"] = cache_control(s)
    return resp


def document(path: str) -> Response:
    """``/doc/<path>[.<ext>]``: the description of the thing ``<path>`` names."""
    s = current_site()
    stem, explicit = split_variant(path)
    if explicit is None:
        stem, explicit = split_citation(path)
    if stem in HASH_DOCUMENTS:
        return redirect(f"/{path}", 301)
    iri = iri_for_path(s.base, stem)
    moved = answer_retired(s, stem, document=True)
    if moved is not None:
        return moved
    if iri is None or not exists(s.store, iri):
        raise not_found(NO_RESOURCE)
    offers = CITABLE if kind_of(s, iri) is not None else VARIANTS
    if explicit is not None and explicit not in offers:
        raise not_found(NO_RESOURCE)  # a citation of what cannot be cited
    fmt = explicit if explicit is not None else choose(offers)
    if fmt in formats.CITATIONS:
        return citation_response(s, f"doc/{stem}", iri, fmt, explicit is None)
    # the dataset's document is the release's description, as dumped (void.ttl)
    graph = void_graph(s) if iri == s.dataset_iri else describe(s.store, iri, s.base)
    return document_response(s, f"doc/{stem}", graph, fmt, explicit is None,
                             lambda: resource_page(s, iri, graph), offers)


def hash_document(name: str) -> Response:
    """``/ontology`` and ``/shapes`` (and their ``.ttl`` … variants): hash namespaces."""
    s = current_site()
    stem, explicit = split_variant(name)
    if stem not in HASH_DOCUMENTS:
        raise not_found()
    fmt = explicit if explicit is not None else choose(VARIANTS)
    graph = s.cached(f"hashdoc:{stem}", lambda: describe_hash_document(s.store, s.base, stem))
    return document_response(s, stem, graph, fmt, explicit is None,
                             lambda: hash_document_page(s, stem, graph))


def blueprint() -> Blueprint:
    bp = Blueprint("documents", __name__)
    bp.add_url_rule("/doc/<path:path>", "document", document, methods=METHODS)
    for name in HASH_DOCUMENTS:
        for ext in ("", *(f".{f.extension}" for f in VARIANTS)):
            bp.add_url_rule(f"/{name}{ext}", f"{name}{ext.replace('.', '_')}", hash_document,
                            methods=METHODS, defaults={"name": name + ext})
    bp.add_url_rule("/<path:path>", "thing", thing, methods=METHODS)
    return bp


def register(app: Flask) -> None:
    """Give ``app`` its site and the routes of the documents (``/doc/…``, ``/ontology``,
    ``/shapes`` and every other path as the IRI of a thing)."""
    install(app)
    app.register_blueprint(blueprint())


__all__ = ["choose", "citation_response", "current_site", "document_response", "install",
           "public_address", "register", "site_of"]
