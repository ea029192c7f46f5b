"""The SPARQL 1.1 Protocol, request side: what a request asks for, read strictly.

:func:`read_request` turns the parts of an HTTP request (method, raw query string, Content-Type,
a way to read the body) into a :class:`ProtocolRequest`, framework-neutral. Strict, as the
protocol allows: a parameter the endpoint reads given twice, a query both in the URL and the body,
a body of another media type or charset, invalid UTF-8 or a NUL character are refused, never
guessed at. Updates are refused by every route.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from dprk_ld.endpoint.errors import (
    QueryError,
    refused,
    too_large,
    unsupported_media_type,
    update_refused,
)
from dprk_ld.endpoint.limits import Limits

SPARQL_QUERY_TYPE = "application/sparql-query"
SPARQL_UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_POST_TYPES = (FORM_TYPE, SPARQL_QUERY_TYPE)

#: parameters this endpoint reads; any of them given twice is a 400 (``format`` may repeat when
#: every value names the same format, as SPARQLWrapper sends ``format=tsv&format=text/tab...``)
SINGLE_PARAMS = ("query", "update")
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
MAX_FORMATS = 4


@dataclass
class ProtocolRequest:
    """What a SPARQL protocol request asks for, before any check of the query itself."""

    query: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: tuple[str, ...] = ()

    @property
    def format(self) -> str | None:
        return self.formats[0] if self.formats else None


def parse_pairs(raw: bytes, where: str, limits: Limits) -> list[tuple[str, str]]:
    """Strictly parse ``application/x-www-form-urlencoded`` bytes (URL query or POST body).

    Decoding is the standard library's (``unquote_to_bytes``); werkzeug's form parser, which
    Flask uses for ``request.args``, replaces invalid UTF-8 where the protocol wants a 400, so
    the splitting and the strict UTF-8 and NUL checks are ours.
    """
    pairs: list[tuple[str, str]] = []
    if not raw:
        return pairs
    for chunk in raw.split(b"&"):
        if not chunk:
            continue
        if len(pairs) >= limits.max_params:
            raise refused("invalid_parameter", f"Too many parameters in the {where}.",
                          limit=limits.max_params)
        name_b, _, value_b = chunk.partition(b"=")
        try:
            name = unquote_to_bytes(name_b.replace(b"+", b" ")).decode("utf-8")
            value = unquote_to_bytes(value_b.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise refused("invalid_encoding",
                          f"The {where} is not valid UTF-8 once percent-decoded.") from exc
        if "\x00" in name or "\x00" in value:
            raise refused("invalid_encoding", f"The {where} holds a NUL character.")
        pairs.append((name, value))
    return pairs


def _charset_ok(content_type: str) -> bool:
    """True unless the raw Content-Type names a charset other than UTF-8 (or a broken one)."""
    for param in content_type.split(";")[1:]:
        name, sep, value = param.partition("=")
        if name.strip().lower() != "charset":
            continue
        if not sep or value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


def _decode_body(body: bytes, what: str) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refused("invalid_encoding", f"The {what} is not valid UTF-8.") from exc
    if "\x00" in text:
        raise refused("invalid_encoding", f"The {what} holds a NUL character.")
    return text


def _read_post(content_type: str | None, get_body: Callable[[], bytes], limits: Limits,
               params: dict[str, list[str]]) -> str | None:
    """Read a POST body into ``params`` (a form) or return it (a direct query)."""
    if not content_type:
        raise unsupported_media_type(
            "A POST needs a Content-Type: application/x-www-form-urlencoded or "
            "application/sparql-query.", QUERY_POST_TYPES)
    mimetype = content_type.split(";", 1)[0].strip().lower()
    if mimetype == SPARQL_UPDATE_TYPE:
        raise update_refused()
    if mimetype not in QUERY_POST_TYPES:
        raise unsupported_media_type(f"Content-Type {mimetype or content_type!r} is not accepted "
                                     "here.", QUERY_POST_TYPES)
    if not _charset_ok(content_type):
        raise unsupported_media_type("Only the UTF-8 charset is accepted.",
                                     [f"{t}; charset=utf-8" for t in QUERY_POST_TYPES])
    body = get_body()
    if mimetype == FORM_TYPE:
        for name, value in parse_pairs(body, "request body", limits):
            params.setdefault(name, []).append(value)
        return None
    if len(body) > limits.max_query_bytes:
        raise too_large(limits.max_query_bytes, "query_too_large")
    return _decode_body(body, "query")


def read_request(method: str, raw_query_string: bytes, content_type: str | None,
                 get_body: Callable[[], bytes], limits: Limits) -> ProtocolRequest:
    """Read the SPARQL protocol parameters of a request.

    ``get_body`` is called (with no argument) only for POST and returns the body bytes.
    """
    if len(raw_query_string) > limits.max_url_bytes:
        raise QueryError("uri_too_long", f"The request URL is longer than "
                         f"{limits.max_url_bytes} bytes; send the query with POST.",
                         {"limit_bytes": limits.max_url_bytes})
    params: dict[str, list[str]] = {}
    for name, value in parse_pairs(raw_query_string, "URL query string", limits):
        params.setdefault(name, []).append(value)
    direct = _read_post(content_type, get_body, limits, params) if method == "POST" else None
    if any(name in params for name in UPDATE_PARAMS):
        raise update_refused()
    for name in SINGLE_PARAMS:
        if len(params.get(name, ())) > 1:
            raise refused("repeated_parameter", f"Parameter {name!r} is given more than once.",
                          parameter=name)
    req = ProtocolRequest()
    if direct is not None:
        if "query" in params:
            raise refused("repeated_parameter", "The query is given both in the body and as a "
                          "'query' parameter.", parameter="query")
        req.query = direct
    elif "query" in params:
        req.query = params["query"][0]
    if req.query is not None and len(req.query.encode("utf-8")) > limits.max_query_bytes:
        raise too_large(limits.max_query_bytes, "query_too_large")
    req.default_graphs = graph_list(params.get("default-graph-uri", []), limits)
    req.named_graphs = graph_list(params.get("named-graph-uri", []), limits)
    req.formats = tuple(params.get("format", ()))
    if len(req.formats) > MAX_FORMATS:
        raise refused("repeated_parameter", "Too many 'format' parameters.", parameter="format")
    return req


_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")


def graph_list(values: Sequence[str], limits: Limits) -> list[str]:
    """The graph IRIs of ``default-graph-uri`` / ``named-graph-uri``, each once, all absolute."""
    if len(values) > limits.max_graphs:
        raise refused("invalid_parameter", "Too many graph IRIs.", limit=limits.max_graphs)
    out: list[str] = []
    for value in values:
        if not _IRI_RE.match(value):
            raise refused("invalid_parameter", f"{value!r} is not an absolute IRI.")
        if value not in out:
            out.append(value)
    return out
