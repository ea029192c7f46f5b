"""Discovery over HTTP: how programs and crawlers find the dataset and its parts.

* ``/.well-known/void``: the release's VoID/DCAT description, negotiated (Turtle, N-Triples,
  JSON-LD, RDF/XML or an HTML page), with a weak ETag.
* ``/sitemap.xml`` and ``/robots.txt``, with the site's configured public address (never the
  request's Host).
* ``/dumps/<file>``: the release files named in ``release.json``, and no other path, with their
  media type, length, a strong ETag (their SHA-256), ``Last-Modified`` and byte ranges.

What they say is made by :mod:`dprk_ld.site.discovery`.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request, send_file

from dprk_ld import formats
from dprk_ld.formats import Format
from dprk_ld.site.discovery import release_file, robots_txt, sitemap_xml, void_graph
from dprk_ld.site.graphs import serialize
from dprk_ld.site.pages import resource_page
from dprk_ld.web.documents import cache_control, choose, current_site, install
from dprk_ld.web.errors import not_found

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


def dump(name: str) -> Response:
    """``/dumps/<name>``: a file of the release (conditional requests and ranges included)."""
    s = current_site()
    found = release_file(s, name)
    if found is None:
        raise not_found("No such file in the release.")
    path, meta = found
    mimetype = str(meta.get("media_type") or "application/octet-stream")
    resp = send_file(path, mimetype=mimetype, conditional=True, etag=str(meta["sha256"]),
                     max_age=s.max_age, download_name=name.rsplit("/", 1)[-1])
    resp.headers["Accept-Ranges"] = "bytes"
    if name.endswith(".gz"):
        resp.headers.pop("Content-Encoding", None)
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
