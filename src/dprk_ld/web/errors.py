"""One error shape for every HTTP error the web layer sends.

Every error, whatever its status, is one of three renderings of the same record:

JSON (``application/json``, the default)::

    {"error": {"status": 400,
               "code": "query_syntax",
               "title": "Bad Request",
               "message": "error at 1:22: expected ...",
               "details": {"line": 1, "column": 22}}}

Plain text (``text/plain``, when the client prefers it)::

    400 Bad Request (query_syntax)
    error at 1:22: expected ...
    line: 1
    column: 22

A browser, whose Accept header prefers ``text/html`` (or ``application/xhtml+xml``) over both,
gets the same record as a page of the site (``templates/error.html``: the site's navigation and
search box, the status, title, message, code and details, a link home), with the same status and
headers (``Allow``, ``Retry-After`` ...). Programs (``Accept: application/json``, a SPARQL
results type, ``*/*`` or no Accept at all) keep getting JSON: the choice is made by
:mod:`dprk_ld.web.conneg` among JSON, plain text and HTML, in that order of preference.

``status`` is the HTTP status, ``code`` a stable machine-readable reason (snake case, listed in
``CODES``), ``title`` the HTTP reason phrase, ``message`` one human sentence and ``details`` an
object (possibly empty) of extra facts such as the offered media types of a 406 or the limit a
413 exceeded. An error never carries a traceback, a file path or an exception's repr: messages
are written here or come from the SPARQL parser (which only quotes the query text).

Raise :class:`HttpError` (or use a helper below) anywhere in a request; :func:`register` turns
it, the query service's :class:`~dprk_ld.endpoint.errors.QueryError` (its code gives the status),
every Werkzeug HTTP exception and any unexpected exception into this shape.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Request, Response, request
from werkzeug.exceptions import HTTPException

from dprk_ld import formats
from dprk_ld.endpoint.errors import QueryError
from dprk_ld.site.render import render as render_template
from dprk_ld.web import conneg

log = logging.getLogger(__name__)

ERROR_JSON = formats.JSON
ERROR_TEXT = formats.TEXT
ERROR_HTML = formats.HTML
#: server preference first: JSON unless the client prefers text or a page
ERROR_OFFERS = (ERROR_JSON, ERROR_TEXT, ERROR_HTML)

#: every ``code`` the endpoint may send, with the status it goes with
CODES: dict[str, int] = {
    "bad_request": 400,
    "query_syntax": 400,
    "missing_query": 400,
    "repeated_parameter": 400,
    "invalid_parameter": 400,
    "invalid_encoding": 400,
    "query_too_deep": 400,
    "query_too_complex": 400,
    "update_refused": 403,
    "service_refused": 403,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "gone": 410,
    "payload_too_large": 413,
    "query_too_large": 413,
    "uri_too_long": 414,
    "unsupported_media_type": 415,
    "request_timeout": 408,
    "too_many_requests": 429,
    "headers_too_large": 431,
    "internal_error": 500,
    "query_timeout": 503,
    "query_memory": 503,
    "busy": 503,
    "unavailable": 503,
}


class HttpError(Exception):
    """An HTTP error in the project's one shape; raise it anywhere inside a request."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = int(status)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.headers: dict[str, str] = dict(headers or {})

    def record(self) -> dict[str, Any]:
        return error_record(self.status, self.code, self.message, self.details)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_record(
    status: int, code: str, message: str, details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON record of an error (the one documented shape)."""
    return {
        "error": {
            "status": status,
            "code": code,
            "title": _title(status),
            "message": message,
            "details": dict(details or {}),
        }
    }


def error_text(status: int, code: str, message: str, details: Mapping[str, Any] | None) -> str:
    lines = [f"{status} {_title(status)} ({code})", message]
    for key, value in (details or {}).items():
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def error_page(status: int, code: str, message: str, details: Mapping[str, Any] | None) -> str:
    """The error as a page of the site (``error.html``), for browsers."""
    shown = [(key, ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value))
             for key, value in (details or {}).items()]
    return render_template("error.html", status=status, title=_title(status), code=code,
                           message=message, details=shown)


def from_query_error(err: QueryError) -> HttpError:
    """The HTTP error of a refusal or failure of the query service (the status from its code)."""
    headers = {"Retry-After": str(err.retry_after)} if err.retry_after is not None else {}
    return HttpError(CODES.get(err.code, 500), err.code, err.message, err.details, headers)


def render_parts(
    err: HttpError, accept: str | None = None, format_param: str | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of ``err``: JSON unless the client prefers plain text or HTML;
    never 406 (and JSON when the page cannot be drawn)."""
    offer = conneg.negotiate_or_default(accept, ERROR_OFFERS, format_param)
    page = None
    if offer is ERROR_HTML:
        try:
            page = error_page(err.status, err.code, err.message, err.details).encode("utf-8")
        except Exception:
            log.exception("the error page of a %s could not be drawn", err.status)
    if page is not None:
        body, mime = page, ERROR_HTML.content_type
    elif offer is ERROR_TEXT:
        body = error_text(err.status, err.code, err.message, err.details).encode()
        mime = "text/plain; charset=utf-8"
    else:
        body = json.dumps(err.record(), ensure_ascii=False).encode()
        mime = "application/json"
    headers = [("Content-Type", mime), ("Cache-Control", "no-store")]
    headers.extend(err.headers.items())
    return err.status, headers, body


def render(err: HttpError, accept: str | None = None, format_param: str | None = None) -> Response:
    """The Flask response for ``err`` (see :func:`render_parts`)."""
    status, headers, body = render_parts(err, accept, format_param)
    return Response(body, status=status, headers=headers)


# --- helpers, one per kind of error -------------------------------------------------------------


def bad_request(message: str, code: str = "bad_request", **details: Any) -> HttpError:
    return HttpError(400, code, message, details)


def forbidden(message: str, code: str = "forbidden", **details: Any) -> HttpError:
    return HttpError(403, code, message, details)


def not_found(message: str = "No resource here.") -> HttpError:
    return HttpError(404, "not_found", message)


def method_not_allowed(allowed: Iterable[str]) -> HttpError:
    allowed = sorted(set(allowed))
    return HttpError(
        405,
        "method_not_allowed",
        "This method is not allowed here.",
        {"allowed": allowed},
        {"Allow": ", ".join(allowed)},
    )


def not_acceptable(offered: Iterable[str]) -> HttpError:
    offered = list(offered)
    return HttpError(
        406,
        "not_acceptable",
        "None of the media types offered here is acceptable to the client.",
        {"offered": offered},
    )


def payload_too_large(limit: int, code: str = "payload_too_large") -> HttpError:
    what = "The query" if code == "query_too_large" else "The request body"
    return HttpError(413, code, f"{what} is larger than the limit of {limit} bytes.",
                     {"limit_bytes": limit})


def uri_too_long(limit: int) -> HttpError:
    return HttpError(414, "uri_too_long", f"The request URL is longer than {limit} bytes; "
                     "send the query with POST.", {"limit_bytes": limit})


def unsupported_media_type(message: str, supported: Iterable[str]) -> HttpError:
    return HttpError(415, "unsupported_media_type", message, {"supported": list(supported)})


def service_unavailable(message: str, code: str = "unavailable", retry_after: int | None = None,
                        **details: Any) -> HttpError:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return HttpError(503, code, message, details, headers)


def internal_error() -> HttpError:
    return HttpError(500, "internal_error", "The server failed to answer this request.")


# --- wiring into Flask --------------------------------------------------------------------------

_WERKZEUG_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    410: "gone",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    431: "headers_too_large",
    503: "unavailable",
}

_GENERIC_MESSAGES = {
    400: "The request is malformed.",
    404: "No resource here.",
    405: "This method is not allowed here.",
    410: "This resource was here once and is no longer.",
    413: "The request body is too large.",
    414: "The request URL is too long.",
    431: "The request headers are too large.",
}


def from_werkzeug(exc: HTTPException) -> HttpError:
    status = exc.code or 500
    code = _WERKZEUG_CODES.get(status, "internal_error" if status >= 500 else "bad_request")
    # Werkzeug's descriptions are generic English and never name files; still prefer ours.
    message = _GENERIC_MESSAGES.get(status) or _title(status)
    headers: dict[str, str] = {}
    details: dict[str, Any] = {}
    if status == 405:
        allowed = getattr(exc, "valid_methods", None) or []
        details["allowed"] = sorted(allowed)
        if allowed:
            headers["Allow"] = ", ".join(sorted(allowed))
    return HttpError(status, code, message, details, headers)


def _safe_accept(req: Request) -> tuple[str | None, str | None]:
    try:
        accept = req.headers.get("Accept")
    except Exception:  # pragma: no cover - headers are always readable in practice
        accept = None
    return accept, None


def register(app: Flask) -> None:
    """Make every error of ``app`` use the one shape."""

    @app.errorhandler(HttpError)
    def _http_error(err: HttpError) -> Response:
        return render(err, *_safe_accept(request))

    @app.errorhandler(QueryError)
    def _query_error(err: QueryError) -> Response:
        return render(from_query_error(err), *_safe_accept(request))

    @app.errorhandler(HTTPException)
    def _werkzeug_error(exc: HTTPException) -> Response:
        return render(from_werkzeug(exc), *_safe_accept(request))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error while answering %s", request.path)
        return render(internal_error(), *_safe_accept(request))
