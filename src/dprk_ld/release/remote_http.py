"""One request to an external SPARQL store, through SPARQLWrapper, and what its answer says.

:class:`Endpoint` sends a query (POST, form-encoded) with the graphs it may see as
``default-graph-uri`` / ``named-graph-uri`` and reads the answer within a deadline (the HTTP
timeout is also the total time the reading may take) and a byte cap (the rest of a longer answer
is never read). It tells the store's own limits from its answer:

* Virtuoso stops a query at its execution time (the ``timeout`` parameter, in milliseconds, sent
  to a Virtuoso store) and then answers 200 with what it found so far and the header
  ``X-SQL-State: S1TAT``; it refuses a query whose estimated cost is over its limit with a 500
  that says "estimated execution time". Both are told as a timeout (:class:`StoreError`), never
  served as a result.
* Virtuoso cuts a result at ``ResultSetMaxRows`` without a word in the body; it then sends
  ``X-SPARQL-MaxRows: N`` (also when a result holds exactly N rows): :attr:`Reply.max_rows`.

Credentials, when the store needs them, come from the caller (the environment), never from a
command line; a Virtuoso store gets them by digest authentication, another by basic.
"""

from __future__ import annotations

import contextlib
import re
import time
import urllib.error
import warnings
from dataclasses import dataclass
from http.client import HTTPException

from SPARQLWrapper import BASIC, DIGEST, POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    QueryBadFormed,
    SPARQLWrapperException,
)

TIMEOUT_STATE = "S1TAT"  # Virtuoso: "Returning incomplete results, query interrupted by timeout"
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
#: what a store says when it refuses a query for its cost or time (Virtuoso's words)
TIMEOUT_WORDS = ("estimated execution time", "SR171", "timed out", "timeout")
#: the limit a refusal by cost estimate states: "... exceeds the limit of 60 (sec)"
_LIMIT_RE = re.compile(r"limit of ([0-9]+(?:\.[0-9]+)?) \(sec\)", re.IGNORECASE)
CHUNK = 1 << 16
#: the store's time is a little shorter than ours, so that it stops first and says so
STORE_SHARE = 0.9


class StoreError(Exception):
    """The store failed to answer: ``kind`` is ``timeout``, ``syntax`` or ``failed``; the message
    is written here or quotes the store's first line (never a traceback). A timeout is the
    store's own (``by_store``: it refused the query for its cost estimate or stopped it at its
    time limit, ``limit_seconds`` when it said the limit) or our deadline's (the HTTP timeout)."""

    def __init__(self, kind: str, message: str, *, by_store: bool = False,
                 limit_seconds: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.by_store = by_store
        self.limit_seconds = limit_seconds


@dataclass(frozen=True)
class Reply:
    """A store's answer: its body (whole, or the first ``max_bytes`` when ``complete`` is
    False), its media type, and the row limit the store said it met."""

    body: bytes
    media_type: str
    complete: bool = True
    max_rows: int | None = None
    server: str = ""


@dataclass
class Endpoint:
    """A store's SPARQL query endpoint, as the front reaches it."""

    url: str
    timeout: float = 10.0  # seconds: the HTTP timeout, and the longest a read may take
    user: str | None = None
    password: str | None = None
    virtuoso: bool = False  # set by :meth:`probe` from the store's Server header

    def probe(self) -> str:
        """Ask the store a trivial question; learn whether it is Virtuoso; its Server header."""
        reply = self.send("ASK { }", (), (), "application/sparql-results+xml", 1 << 20)
        self.virtuoso = is_virtuoso(reply.server)
        return reply.server

    def _wrapper(self, query: str, default_graphs: tuple[str, ...],
                 named_graphs: tuple[str, ...], accept: str, timeout: float) -> SPARQLWrapper:
        sparql = SPARQLWrapper(self.url)
        sparql.setOnlyConneg(True)  # no format= parameters: the Accept header says it
        sparql.setMethod(POST)
        sparql.setRequestMethod(URLENCODED)
        with warnings.catch_warnings():  # it guesses the query's form from the text, and warns
            warnings.simplefilter("ignore")
            sparql.setQuery(query)
        sparql.queryType = SELECT  # always sent as ``query=``: the front never sends an update
        for graph in default_graphs:
            sparql.addDefaultGraph(graph)
        for graph in named_graphs:
            sparql.addNamedGraph(graph)
        if self.virtuoso:
            sparql.addParameter("timeout", str(max(1, int(timeout * STORE_SHARE * 1000))))
        sparql.addCustomHttpHeader("Accept", accept)
        sparql.timeout = timeout  # type: ignore[assignment]  # setTimeout keeps whole seconds
        if self.user and self.password:
            sparql.setCredentials(self.user, self.password)
            sparql.setHTTPAuth(DIGEST if self.virtuoso else BASIC)
        return sparql

    def send(self, query: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...],
             accept: str, max_bytes: int) -> Reply:
        """The store's answer to ``query`` over the graphs given; :class:`StoreError` when it
        fails, refuses it or passes the deadline."""
        end = time.monotonic() + self.timeout
        sparql = self._wrapper(query, default_graphs, named_graphs, accept, self.timeout)
        try:
            response = sparql.query().response
        except QueryBadFormed as exc:
            raise StoreError("syntax", _said(exc)) from None
        except EndPointInternalError as exc:
            said = _said(exc)
            if any(word.lower() in said.lower() for word in TIMEOUT_WORDS):
                raise StoreError("timeout", "The store refused the query for its time limit: "
                                 + said, by_store=True, limit_seconds=stated_limit(said)) \
                    from None
            raise StoreError("failed", "The store failed: " + said) from None
        except TimeoutError:
            raise StoreError("timeout", "The store did not answer within the deadline.") from None
        except (SPARQLWrapperException, urllib.error.URLError, HTTPException, OSError) as exc:
            if isinstance(getattr(exc, "reason", None), TimeoutError):
                raise StoreError("timeout", "The store did not answer within the deadline.") \
                    from None
            raise StoreError("failed", f"The store could not be reached ({type(exc).__name__}).") \
                from None
        try:
            return _read(response, end, max_bytes)
        finally:
            with contextlib.suppress(Exception):
                response.close()


def is_virtuoso(server: str) -> bool:
    """Whether a ``Server`` header names Virtuoso."""
    return server.strip().lower().startswith("virtuoso")


def stated_limit(said: str) -> float | None:
    """The time limit, in seconds, a store's refusal states ("... exceeds the limit of 60
    (sec)", Virtuoso's refusal by its cost estimate); None when it states none."""
    found = _LIMIT_RE.search(said)
    return float(found.group(1)) if found else None


def _said(exc: Exception) -> str:
    """The first line of what the store said with its error (SPARQLWrapper's message holds it)."""
    text = str(exc)
    text = text.split("Response:", 1)[-1].strip()
    if text.startswith(("b'", 'b"')):
        text = text[2:]
    line = text.replace("\\n", "\n").strip().splitlines()[0] if text.strip() else ""
    return line[:300]


def _read(response: object, end: float, max_bytes: int) -> Reply:
    """Read an answer until its end, the byte cap or the deadline."""
    headers = response.headers  # type: ignore[attr-defined]
    if (headers.get("X-SQL-State") or "").strip() == TIMEOUT_STATE:
        raise StoreError("timeout", "The store stopped the query at its time limit.",
                         by_store=True)
    parts: list[bytes] = []
    size = 0
    complete = True
    try:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise StoreError("timeout", "The store's answer did not arrive within the deadline.")
            with contextlib.suppress(Exception):
                response.fp.raw._sock.settimeout(left)  # type: ignore[attr-defined]
            chunk = response.read1(CHUNK)  # type: ignore[attr-defined]
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                complete = False
                break
    except TimeoutError:
        raise StoreError("timeout", "The store's answer did not arrive within the deadline.") \
            from None
    except (HTTPException, OSError):
        raise StoreError("failed", "The store's answer broke off.") from None
    body = b"".join(parts)
    max_rows = headers.get(MAX_ROWS_HEADER)
    return Reply(body=body if complete else body[:max_bytes],
                 media_type=(headers.get("Content-Type") or "").split(";")[0].strip().lower(),
                 complete=complete,
                 max_rows=int(max_rows) if max_rows and max_rows.strip().isdigit() else None,
                 server=headers.get("Server") or "")


__all__ = ["Endpoint", "Reply", "StoreError", "is_virtuoso", "stated_limit"]
