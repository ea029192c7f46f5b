"""Reading a store's answer into the objects an in-process pyoxigraph store gives.

Solutions come as SPARQL JSON (pyoxigraph's XML reader trims a literal's outer spaces), graphs
as N-Triples. An answer read only up to the byte cap is closed after its last whole row (or
line) and said cut (:class:`Cut`); so is one that reached the store's row limit. Virtuoso's ways
are read as any store's: its blank node ids (``nodeID://b1``), its ASK answered as a one-column
SELECT. An answer that does not read as its media type is the store's failure
(:class:`~dprk_ld.release.remote_http.StoreError`), never a result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from dprk_ld.release.remote_http import Reply, StoreError

#: solutions come as SPARQL JSON (pyoxigraph's XML reader trims a literal's outer spaces)
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = ("application/n-triples", "text/plain", "text/ntriples")
ASK_VARIABLE = "__ASK_RETVAL"  # Virtuoso answers ASK as a one-column SELECT of 1 or nothing
BOOLEAN_JSON = b'{"head":{},"boolean":%s}'
_JSON_TOKEN_RE = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}]')  # a string (skipped whole) or a brace
#: Virtuoso names a blank node ``nodeID://b1``, which pyoxigraph does not read as an id
_VIRTUOSO_BNODE_RE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
CANCELLED = b"operation has been cancelled"  # Oxigraph's server, at its --timeout-s


@dataclass(frozen=True)
class Cut:
    """An answer the store (or our byte cap) cut: at ``cap`` (``rows`` or ``bytes``), ``limit``
    rows or bytes, ``kept`` rows (or triples) in it."""

    cap: str
    limit: int
    kept: int


def read_result(reply: Reply, max_bytes: int,
                known_rows: int | None = None) -> tuple[Any, Cut | None]:
    """The pyoxigraph result of a store's answer, and how it was cut (None: whole).
    ``known_rows``: the store's row limit, when known; an answer that reaches it may be cut
    (Virtuoso says so of solutions only, not of a CONSTRUCT's triples). An answer that does not
    read as its media type is the store's failure (Oxigraph's server, stopped at its
    ``--timeout-s``, ends a begun answer with "The SPARQL operation has been cancelled")."""
    try:
        return _read_result(reply, max_bytes, known_rows)
    except (SyntaxError, ValueError):
        if CANCELLED in reply.body[-200:]:
            raise StoreError("timeout", "The store stopped the query at its time limit.") \
                from None
        raise StoreError("failed", "The store's answer could not be read.") from None


def _read_result(reply: Reply, max_bytes: int, known_rows: int | None) -> tuple[Any, Cut | None]:
    body = reply.body
    if reply.media_type == JSON_RESULTS:
        body = _VIRTUOSO_BNODE_RE.sub(rb"\1", body)
        kept = 0
        if not reply.complete:
            body, kept = json_prefix(body)
        result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if isinstance(result, ox.QueryBoolean):
            return result, None
        if \
                [v.value for v in result.variables] == [ASK_VARIABLE]:
            answer = any(row[0] is not None and row[0].value == "1" for row in result)
            return ox.parse_query_results(BOOLEAN_JSON % (b"true" if answer else b"false"),
                                          format=ox.QueryResultsFormat.JSON), None
        if reply.complete:
            kept = len(list(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)))
    elif reply.media_type in N_TRIPLES:
        if not reply.complete:
            body = body[:body.rfind(b"\n") + 1]
        graph = ox.Store()
        graph.load(body, format=ox.RdfFormat.N_TRIPLES)
        kept = sum(1 for line in body.splitlines() if line.strip()
                   and not line.lstrip().startswith(b"#"))
        result = graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    else:
        raise StoreError("failed", f"The store answered in {reply.media_type or 'no media type'}"
                         ", not SPARQL JSON or N-Triples.")
    if not reply.complete:
        return result, Cut("bytes", max_bytes, kept)
    limit = reply.max_rows or known_rows
    if limit is not None and kept >= limit:
        return result, Cut("rows", limit, kept)
    return result, None


def json_prefix(body: bytes) -> tuple[bytes, int]:
    """SPARQL JSON results cut short: the whole rows of ``body`` (the start of a document),
    closed into a document of their own, and their number."""
    start = body.find(b'"bindings"')
    start = body.find(b"[", start) if start >= 0 else -1
    if start < 0:
        raise StoreError("failed", "The store's answer is too large to read its head.")
    depth, ends = 0, [start + 1]
    for match in _JSON_TOKEN_RE.finditer(body, start + 1):  # strings skipped whole
        token = match.group()
        if token == b"{":
            depth += 1
        elif token == b"}":
            depth -= 1
            if depth == 0:
                ends.append(match.end())
    # a brace in the string the cut broke off may pass for a row's end: the last end that
    # makes a document
    for rows in range(len(ends) - 1, -1, -1):
        closed = body[:ends[rows]] + b"]}}"
        try:
            for _row in ox.parse_query_results(closed, format=ox.QueryResultsFormat.JSON):
                pass  # rows are read lazily: an error shows while they are
        except SyntaxError:
            continue
        return closed, rows
    raise StoreError("failed", "The store's answer could not be read.")


__all__ = ["JSON_RESULTS", "N_TRIPLES", "Cut", "json_prefix", "read_result"]
