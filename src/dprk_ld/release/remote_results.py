"""Reading a store's answer into the objects an in-process pyoxigraph store gives.

Solutions come as SPARQL JSON (pyoxigraph's XML reader trims a literal's outer spaces), graphs
as N-Triples. An answer read only up to the byte cap is closed after its last whole row (or
line) and said cut (:class:`Cut`); so is one that reached the store's row limit. Virtuoso's ways
are read as any store's: its blank node ids (``nodeID://b1``), its ASK answered as a one-column
SELECT. Virtuoso's rewritten literals (an ``xsd:duration`` as a number of months, an
``xsd:boolean`` as ``1``/``0``) are given back in the form that was published, in solutions and
triples alike (:mod:`~dprk_ld.release.virtuoso_literals`). An answer that does not read as its
media type is the store's failure (:class:`~dprk_ld.release.remote_http.StoreError`), never a
result.

The answers are :class:`Solutions` and :class:`Triples`, plain Python objects that read and
serialize as pyoxigraph's ``QuerySolutions`` and ``QueryTriples`` do. pyoxigraph's own may not
be dropped on another thread than the one that made them ("is unsendable, but is being dropped
on another thread"), and an answer the front keeps (a reference cycle the collector frees in
whichever thread it runs) would be: these hold the rows and the body, and make pyoxigraph's
objects only inside a call, dropped before it returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from dprk_ld.release import virtuoso_literals
from dprk_ld.release.remote_http import Reply, StoreError, is_virtuoso

#: solutions come as SPARQL JSON (pyoxigraph's XML reader trims a literal's outer spaces)
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = ("application/n-triples", "text/plain", "text/ntriples")
ASK_VARIABLE = "__ASK_RETVAL"  # Virtuoso answers ASK as a one-column SELECT of 1 or nothing
BOOLEAN_JSON = b'{"head":{},"boolean":%s}'
_JSON_TOKEN_RE = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}]')  # a string (skipped whole) or a brace
#: Virtuoso names a blank node ``nodeID://b1``, which pyoxigraph does not read as an id
_VIRTUOSO_BNODE_RE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
CANCELLED = b"operation has been cancelled"  # Oxigraph's server, at its --timeout-s


class Solutions:
    """A SELECT's solutions: ``variables``, the rows (pyoxigraph's ``QuerySolution``, which may
    cross threads) and ``serialize`` as ``QuerySolutions`` has them."""

    def __init__(self, body: bytes) -> None:
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        try:
            self.variables: list[ox.Variable] = list(parsed.variables)
            self.rows: list[ox.QuerySolution] = list(parsed)
        finally:
            del parsed
        self._body = body

    def __iter__(self) -> Iterator[ox.QuerySolution]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def serialize(self, output: Any = None, format: Any = None) -> bytes | None:
        parsed = ox.parse_query_results(self._body, format=ox.QueryResultsFormat.JSON)
        try:
            return parsed.serialize(output, format=format)
        finally:
            del parsed


class Triples:
    """A CONSTRUCT's or DESCRIBE's triples (distinct, as a store's graph holds them): iterated
    and serialized as pyoxigraph's ``QueryTriples``."""

    def __init__(self, body: bytes) -> None:
        self.triples: list[ox.Triple] = list(dict.fromkeys(
            ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)

    def serialize(self, output: Any = None, format: Any = None) -> bytes | None:
        return ox.serialize(self.triples, output, format=format)


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
            raise StoreError("timeout", "The store stopped the query at its time limit.",
                             by_store=True) from None
        raise StoreError("failed", "The store's answer could not be read.") from None


def _read_result(reply: Reply, max_bytes: int, known_rows: int | None) -> tuple[Any, Cut | None]:
    body = reply.body
    if is_virtuoso(reply.server):
        body = virtuoso_literals.restore(body, reply.media_type)
    if reply.media_type == JSON_RESULTS:
        body = _VIRTUOSO_BNODE_RE.sub(rb"\1", body)
        kept = 0
        if not reply.complete:
            body, kept = json_prefix(body)
        head = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)  # rows: lazily
        if isinstance(head, ox.QueryBoolean):
            return head, None
        del head
        result: Solutions | Triples = Solutions(body)
        if [v.value for v in result.variables] == [ASK_VARIABLE]:
            answer = any(row[0] is not None and row[0].value == "1" for row in result)
            return ox.parse_query_results(BOOLEAN_JSON % (b"true" if answer else b"false"),
                                          format=ox.QueryResultsFormat.JSON), None
        if reply.complete:
            kept = len(result)
    elif reply.media_type in N_TRIPLES:
        if not reply.complete:
            body = body[:body.rfind(b"\n") + 1]
        result = Triples(body)
        kept = sum(1 for line in body.splitlines() if line.strip()
                   and not line.lstrip().startswith(b"#"))
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


__all__ = ["JSON_RESULTS", "N_TRIPLES", "Cut", "Solutions", "Triples", "json_prefix", "read_result"]
