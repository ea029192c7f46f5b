"""The Reconciliation Service API 0.2 over HTTP: OpenRefine links other datasets' records to ours.

* ``GET /reconcile`` (no parameters): the manifest; ``queries=`` (GET or POST, in the query
  string or the form): a batch of reconciliation queries; ``extend=``: data extension.
* ``/reconcile/suggest/entity``, ``/suggest/type``, ``/suggest/property`` (``prefix``,
  ``cursor``, ``limit``; entities also ``type``), ``/reconcile/propose_properties`` (``type``,
  ``limit``), ``/reconcile/preview?id=`` (an HTML card) and ``/reconcile/view?id=`` (303 to the
  entity's page).

Everything is answered by the plain functions of :mod:`dprk_ld.reconciliation` from the name
index of the release this request is served from (built once per release, kept in its site's
cache). A GET may ask for JSONP with ``callback`` (a name of letters, digits, ``_``, ``.`` and
``$``). A parameter given twice, or in both the query string and the form, is refused; every
refusal is a 400 in the one error shape (:mod:`dprk_ld.web.errors`) naming the parameter.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, redirect, request

from dprk_ld import formats
from dprk_ld.reconciliation.extend import extend, propose_properties
from dprk_ld.reconciliation.index import Entry, NameIndex, build_index
from dprk_ld.reconciliation.inputs import (
    BadInput,
    check_callback,
    parse_batch,
    parse_cursor,
    parse_extension,
    parse_limit,
    parse_prefix,
    parse_types,
)
from dprk_ld.reconciliation.kinds import PROPERTIES
from dprk_ld.reconciliation.match import reconcile_batch
from dprk_ld.reconciliation.service import manifest, preview_html
from dprk_ld.reconciliation.suggest import suggest_entities, suggest_properties, suggest_types
from dprk_ld.web.documents import cache_control, current_site
from dprk_ld.web.errors import HttpError, bad_request, not_found, render

INDEX_KEY = "reconciliation_index"
METHODS = ["GET", "HEAD"]
#: the preview is a self-contained card: no script, no other resource, only its own style
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def name_index() -> NameIndex:
    """The name index of the release this request is served from (built on first use)."""
    site = current_site()
    return site.cached(INDEX_KEY, lambda: build_index(site.store, site.base))


def refused(exc: BadInput) -> HttpError:
    return bad_request(exc.message, code="invalid_parameter", **exc.details)


def param(name: str) -> str | None:
    """A parameter given at most once, in the query string or (POST) the form."""
    given = request.args.getlist(name)
    if request.method == "POST":
        given += request.form.getlist(name)
    if len(given) > 1:
        raise bad_request(f"The parameter {name} is given more than once.",
                          code="repeated_parameter", parameter=name)
    return given[0] if given else None


def answer(data: Any) -> Response:
    """``data`` as JSON, or as JSONP for a GET with ``callback``; a GET may be cached."""
    body = json.dumps(data, ensure_ascii=False)
    mime = formats.JSON.content_type
    headers = {}
    if request.method in METHODS:
        headers["Cache-Control"] = cache_control(current_site())
        callback = param("callback")
        if callback is not None:
            body = f"/**/{check_callback(callback)}({body});"
            mime = formats.JAVASCRIPT.content_type
    return Response(body, content_type=mime, headers=headers)


def reconcile() -> Response:
    """``/reconcile``: the manifest, a batch of queries, or a data extension."""
    queries, wanted = param("queries"), param("extend")
    if queries is not None and wanted is not None:
        raise bad_request("Give either queries or extend, not both.", code="invalid_parameter",
                          parameter="extend")
    if queries is not None:
        return answer(reconcile_batch(name_index(), parse_batch(queries)))
    if wanted is not None:
        return answer(extend(name_index(), parse_extension(wanted)))
    site = current_site()
    return answer(manifest(site.public_url, site.base))


def _entry() -> Entry:
    iri = param("id")
    if iri is None or not iri.strip():
        raise bad_request("The id parameter is missing.", code="invalid_parameter", parameter="id")
    found = name_index().get(iri.strip())
    if found is None:
        raise not_found("No entity of the reconciliation service has this id.")
    return found


def preview() -> Response:
    """``/reconcile/preview?id=``: a small HTML card of an entity."""
    site = current_site()
    body = preview_html(_entry(), site.public_url, site.base)
    return Response(body, content_type=formats.HTML.content_type,
                    headers={"Cache-Control": cache_control(site),
                             "Content-Security-Policy": PREVIEW_POLICY})


def view() -> Response:
    """``/reconcile/view?id=``: 303 to the entity's page on this site."""
    site = current_site()
    resp = redirect(site.href(_entry().iri), 303)
    resp.headers["Cache-Control"] = cache_control(site)
    return resp


def _page() -> tuple[str, int, int]:
    return (parse_prefix(param("prefix")), parse_cursor(param("cursor")),
            parse_limit("limit", param("limit")))


def suggest_entity() -> Response:
    prefix, cursor, limit = _page()
    type_id = param("type")
    kinds = parse_types("type", type_id) if type_id else ()
    return answer(suggest_entities(name_index(), prefix, kinds, cursor, limit))


def suggest_type() -> Response:
    return answer(suggest_types(*_page()))


def suggest_property() -> Response:
    return answer(suggest_properties(*_page()))


def propose() -> Response:
    """``/reconcile/propose_properties``: the properties of a type, for data extension."""
    limit = parse_limit("limit", param("limit"), default=len(PROPERTIES))
    return answer(propose_properties(param("type"), limit))


def register(app: Flask) -> None:
    """The routes of ``/reconcile`` and its paths."""
    bp = Blueprint("reconciliation", __name__, url_prefix="/reconcile")
    bp.add_url_rule("", "reconcile", reconcile, methods=[*METHODS, "POST"])
    bp.add_url_rule("/preview", "preview", preview, methods=METHODS)
    bp.add_url_rule("/view", "view", view, methods=METHODS)
    bp.add_url_rule("/suggest/entity", "suggest_entity", suggest_entity, methods=METHODS)
    bp.add_url_rule("/suggest/type", "suggest_type", suggest_type, methods=METHODS)
    bp.add_url_rule("/suggest/property", "suggest_property", suggest_property, methods=METHODS)
    bp.add_url_rule("/propose_properties", "propose", propose, methods=METHODS)

    @bp.errorhandler(BadInput)
    def _bad_input(exc: BadInput) -> Response:
        return render(refused(exc), request.headers.get("Accept"))

    app.register_blueprint(bp)


__all__ = ["name_index", "register"]
