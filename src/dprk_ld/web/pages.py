"""The site's pages over HTTP: the landing page at ``/``, and what the app's own templates need
of the site (the query page's examples, the site's base, its public address, the paths of static
files).

The landing page is drawn by :func:`dprk_ld.site.landing.landing_page`; here it gets its caching
headers. No page depends on the request's Host header: absolute URLs start with the configured
public address (``PUBLIC_URL``, :func:`public_url`).
"""

from __future__ import annotations

import json

from flask import Blueprint, Flask, Response, request
from markupsafe import Markup

from dprk_ld import formats
from dprk_ld.release.examples import ExampleQuery
from dprk_ld.site.cite import corrections_page
from dprk_ld.site.claims import disagreements_page
from dprk_ld.site.landing import example_queries, landing_page
from dprk_ld.site.render import script_json, static
from dprk_ld.site.search import SearchInputError, check_page, check_query, search_json, search_page
from dprk_ld.web.documents import cache_control, choose, current_site, install
from dprk_ld.web.errors import bad_request

#: the search's results: JSON for programs (no Accept, ``*/*``), a page for browsers
SEARCH_OFFERS = (formats.JSON, formats.HTML)


def public_url(path: str = "/") -> str:
    """The absolute URL of a path of the current app's site, at its configured public address
    (``public_url("/sparql")``: the endpoint's address to show on a page); never the request's
    Host."""
    return current_site().absolute(path)


def landing() -> Response:
    """``/``: the landing page."""
    s = current_site()
    return Response(landing_page(s), content_type=formats.HTML.content_type,
                    headers={"Cache-Control": cache_control(s)})


def disagreements() -> Response:
    """``/disagreements``: every disagreement between sources that the build found."""
    s = current_site()
    return Response(disagreements_page(s), content_type=formats.HTML.content_type,
                    headers={"Cache-Control": cache_control(s)})


def corrections() -> Response:
    """``/corrections?about=<IRI>``: how to report a correction (to what ``about`` names)."""
    s = current_site()
    return Response(corrections_page(s, request.args.get("about")),
                    content_type=formats.HTML.content_type,
                    headers={"Cache-Control": cache_control(s)})


def search() -> Response:
    """``/search?q=…&page=…``: labels and summaries matching every word of ``q``
    (:mod:`dprk_ld.site.search`), as JSON or a page; 400 when ``q`` or ``page`` is out of bounds."""
    s = current_site()
    try:
        query = check_query(request.args.get("q"))
        page = check_page(request.args.get("page"))
    except SearchInputError as exc:
        raise bad_request(exc.message, "invalid_parameter", parameter=exc.parameter,
                          **exc.details) from None
    fmt = choose(SEARCH_OFFERS)
    headers = {"Cache-Control": cache_control(s), "Vary": "Accept"}
    if fmt is formats.HTML:
        return Response(search_page(s, query, page), content_type=fmt.content_type, headers=headers)
    return Response(json.dumps(search_json(s, query, page), ensure_ascii=False),
                    content_type=fmt.content_type, headers=headers)


def current_examples() -> list[ExampleQuery]:
    """The example queries of the current app's site."""
    return example_queries(current_site())


def site_base() -> str:
    """The base of the current app's IRIs."""
    return current_site().base


def examples_json(examples: list[ExampleQuery]) -> Markup:
    """The example queries by id, as JSON for the query page's script."""
    data = {q.id: {"title": q.title, "description": q.description, "text": q.text} for q in examples}
    return script_json(json.dumps(data, ensure_ascii=False))


def register(app: Flask) -> None:
    """The landing page, the search, and the template globals of the app's pages:
    ``example_queries()``, ``examples_json(examples)``, ``site_base()``, ``public_url(path)`` and
    ``static(filename)``."""
    install(app)
    bp = Blueprint("pages", __name__)
    bp.add_url_rule("/", "landing", landing, methods=["GET", "HEAD"])
    bp.add_url_rule("/disagreements", "disagreements", disagreements, methods=["GET", "HEAD"])
    bp.add_url_rule("/search", "search", search, methods=["GET", "HEAD"])
    bp.add_url_rule("/corrections", "corrections", corrections, methods=["GET", "HEAD"])
    app.register_blueprint(bp)
    app.add_template_global(current_examples, "example_queries")
    app.add_template_global(examples_json, "examples_json")
    app.add_template_global(site_base, "site_base")
    app.add_template_global(public_url, "public_url")
    app.add_template_global(static, "static")


__all__ = ["corrections", "current_examples", "disagreements", "examples_json", "landing",
           "public_url", "register", "search", "site_base"]
