"""CORS: anyone may read what this service answers, from any origin, without credentials.

One fixed policy, set by :func:`add_headers` on every response: ``Access-Control-Allow-Origin:
*``, the headers of ours a client may read (ETag, the SPARQL caps and truncation), and, on a
preflight (``OPTIONS`` with ``Access-Control-Request-Method``), the methods and request headers
allowed and how long to remember them.

flask-cors does this too, but it measurably falls short here: it matches resource patterns and
rebuilds its headers on every response, which took a Flask "hello world" from 70 to 93 us of CPU
per request on our 2-core machine (bench/README.md), a third of the cost of a cached SPARQL
answer. With one policy for every path, the headers are constants.
"""

from __future__ import annotations

from flask import Response, request

#: what a script of another origin may read: beyond the safelisted ones (Content-Type among
#: them), the ETag, the caps, and what tells a cut result (``sparql.cut_headers``)
EXPOSED = ("ETag, Content-Type, X-SPARQL-Truncated, X-SPARQL-Truncated-By, X-SPARQL-Max-Rows, "
           "X-SPARQL-Max-Result-Bytes, Warning, Link")
#: on every response
HEADERS: tuple[tuple[str, str], ...] = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", EXPOSED),
    ("X-Content-Type-Options", "nosniff"),
)
#: on a preflight
PREFLIGHT: tuple[tuple[str, str], ...] = (
    ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Content-Type, If-None-Match"),
    ("Access-Control-Max-Age", "86400"),
)


def add_headers(resp: Response) -> Response:
    """An ``after_request`` hook: the CORS headers (and ``nosniff``) on ``resp``."""
    headers = resp.headers
    for name, value in HEADERS:
        headers.setdefault(name, value)
    if request.method == "OPTIONS" and \
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.environ:
        for name, value in PREFLIGHT:
            headers[name] = value
    return resp
