"""Discovery over HTTP: how programs and crawlers find the dataset and its parts.

* ``/.well-known/void``: the release's VoID/DCAT description, negotiated (Turtle, N-Triples,
  JSON-LD, RDF/XML or an HTML page), with a weak ETag.
* ``/sitemap.xml`` and ``/robots.txt``, with the site's configured public address (never the
  request's Host).
* ``/dumps/<file>``: the release files named in ``release.json``, and no other path, with their
  media type, length, a strong ETag (their SHA-256), ``Last-Modified`` and byte ranges. A
  compressed dump (``dprk-ld.ttl.gz``) is sent as what it holds (``text/turtle``) with
  ``Content-Encoding: gzip``: its bytes unchanged (what ``curl`` saves is what SHA256SUMS and
  the DCAT checksum describe), and an RDF client reads it as Turtle. A client whose
  ``Accept-Encoding`` refuses gzip (Python's urllib, and so rdflib, sends ``identity``) gets the
  same content uncompressed rather than a 406: the dump without ``.gz``, whose bytes are the
  gzip's content (the build checks it), with its own length and ETag.

What they say is made by :mod:`dprk_ld.site.discovery`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, request, send_file

from dprk_ld import formats
from dprk_ld.formats import Format
from dprk_ld.site.discovery import release_file, robots_txt, sitemap_xml, void_graph
from dprk_ld.site.graphs import serialize
from dprk_ld.site.pages import resource_page
from dprk_ld.site.state import Site
from dprk_ld.web.documents import cache_control, choose, current_site, install
from dprk_ld.web.errors import HttpError, not_found

#: the VoID description is data first (Turtle when the client does not say)
VOID_OFFERS: tuple[Format, ...] = (*formats.DOCUMENTS, formats.HTML)
METHODS = ["GET", "HEAD"]


def well_known_void() -> Response:
    """``/.well-known/void``: the release's VoID description in the negotiated syntax."""
    s = current_site()
    fmt = choose(VOID_OFFERS)
    g = void_graph(s)
    etag = f"void-{s.release_id[:24]}-{fmt.names[0]}"
    headers = {"Vary": "Accept", "Cache-Control": cache_control(s), "ETag": f'W/"{etag}"'}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    body = resource_page(s, s.dataset_iri, g).encode("utf-8") if fmt is formats.HTML else serialize(g, fmt)
    return Response(body, content_type=fmt.content_type, headers=headers)


def sitemap() -> Response:
    """``/sitemap.xml``: the site's pages and every document of the release."""
    s = current_site()
    return Response(sitemap_xml(s), content_type="application/xml; charset=utf-8",
                    headers={"Cache-Control": cache_control(s)})


def robots() -> Response:
    """``/robots.txt``."""
    s = current_site()
    return Response(robots_txt(s), content_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": cache_control(s)})


def gzip_acceptable(header: str | None) -> bool:
    """Whether a request's ``Accept-Encoding`` lets gzip be sent (RFC 9110, 12.5.3): without the
    header, any coding is; else gzip (or its alias x-gzip), or failing them ``*``, with q > 0."""
    if header is None:
        return True
    listed = {coding.lower(): q for coding, q in request.accept_encodings}
    return next((listed[c] > 0 for c in ("gzip", "x-gzip", "*") if c in listed), False)


def _uncompressed(s: Site, name: str) -> tuple[str, Any, dict[str, Any]]:
    """The dump that ``name`` (a ``.gz``) compresses, for a client that refuses gzip."""
    plain = name.rsplit(".", 1)[0]
    found = release_file(s, plain)
    if found is None:  # every .gz of a release has its plain dump; a 406 if one had not
        raise HttpError(406, "not_acceptable", "This file is only sent gzip-compressed.",
                        {"content_encoding": "gzip"})
    return plain, *found


def dump(name: str) -> Response:
    """``/dumps/<name>``: a file of the release (conditional requests and ranges included); a
    compressed dump as what it holds, with its content coding (see the module)."""
    s = current_site()
    found = release_file(s, name)
    if found is None:
        raise not_found("No such file in the release.")
    path, meta = found
    inner, coding = formats.content_of(name)
    sent = name
    if coding is not None and not gzip_acceptable(request.headers.get("Accept-Encoding")):
        sent, path, meta = _uncompressed(s, name)
        inner, coding = formats.content_of(sent)
    mimetype = (inner.media_type if coding and inner
                else str(meta.get("media_type") or "application/octet-stream"))
    resp = send_file(path, mimetype=mimetype, conditional=True, etag=str(meta["sha256"]),
                     max_age=s.max_age, download_name=sent.rsplit("/", 1)[-1])
    resp.headers["Accept-Ranges"] = "bytes"
    resp.headers.pop("Content-Encoding", None)
    if coding is not None:
        resp.headers["Content-Encoding"] = coding
    if name.endswith(tuple(f".{ext}" for ext in formats.CODINGS)):
        resp.headers.add("Vary", "Accept-Encoding")
        if sent != name:
            resp.headers["Content-Location"] = f"/dumps/{sent}"
    return resp


def register(app: Flask) -> None:
    """The routes of ``/.well-known/void``, ``/sitemap.xml``, ``/robots.txt`` and ``/dumps/…``."""
    install(app)
    bp = Blueprint("discovery", __name__)
    bp.add_url_rule("/.well-known/void", "void", well_known_void, methods=METHODS)
    bp.add_url_rule("/sitemap.xml", "sitemap", sitemap, methods=METHODS)
    bp.add_url_rule("/robots.txt", "robots", robots, methods=METHODS)
    bp.add_url_rule("/dumps/<path:name>", "dump", dump, methods=METHODS)
    app.register_blueprint(bp)


__all__ = ["VOID_OFFERS", "register"]
