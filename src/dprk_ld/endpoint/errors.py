"""The errors of the query service: a stable code, a sentence, and facts about the refusal.

The query service knows nothing of HTTP: it raises :class:`QueryError` with a ``code`` from
:data:`CODES`; the web layer turns it into its one error shape, the HTTP status following from
the code. A message never carries a traceback, a file path or an exception's repr: it is
written here or comes from the SPARQL parser (which only quotes the query text).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: every code the query service raises, with what it means
CODES: dict[str, str] = {
    "bad_request": "the request cannot be read",
    "query_syntax": "the query is not valid SPARQL",
    "missing_query": "no query was given",
    "repeated_parameter": "a parameter is given more than once",
    "invalid_parameter": "a parameter has a value that cannot be used",
    "invalid_encoding": "not UTF-8, or a NUL character",
    "query_too_deep": "brackets nest deeper than the limit",
    "query_too_complex": "operators chained longer than the limit",
    "update_refused": "an update (the service is read-only)",
    "service_refused": "SERVICE (the service makes no outbound request)",
    "query_too_large": "the query is larger than the limit",
    "payload_too_large": "the request body is larger than the limit",
    "uri_too_long": "the request URL is longer than the limit",
    "unsupported_media_type": "a body of a media type that is not accepted",
    "internal_error": "the service failed",
    "query_timeout": "stopped at the deadline",
    "query_memory": "stopped at the memory cap",
    "busy": "every query worker is busy",
    "too_many_requests": "the client is over its share of the query workers",
    "unavailable": "the service cannot answer now",
}


class QueryError(Exception):
    """A refusal or a failure of the query service, in words a client can act on."""

    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None,
                 retry_after: int | None = None) -> None:
        if code not in CODES:
            raise ValueError(f"unknown query error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.retry_after = retry_after


def refused(code: str, message: str, **details: Any) -> QueryError:
    return QueryError(code, message, details)


def update_refused() -> QueryError:
    return QueryError("update_refused", "This endpoint is read-only: SPARQL updates are refused.")


def too_large(limit: int, code: str = "payload_too_large") -> QueryError:
    what = "The query" if code == "query_too_large" else "The request body"
    return QueryError(code, f"{what} is larger than the limit of {limit} bytes.",
                      {"limit_bytes": limit})


def unsupported_media_type(message: str, supported: list[str] | tuple[str, ...]) -> QueryError:
    return QueryError("unsupported_media_type", message, {"supported": list(supported)})


def internal_error() -> QueryError:
    return QueryError("internal_error", "The server failed to answer this request.")


def unavailable(message: str, code: str = "unavailable", retry_after: int | None = None,
                **details: Any) -> QueryError:
    return QueryError(code, message, details, retry_after)
