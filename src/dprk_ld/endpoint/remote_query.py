"""A client's query made ready for an external store, so that every store gives the answer the
embedded front gives (docs/stores.md, entries 2, 4 and 6):

* **Its syntax is judged by the embedded engine's parser** (pyoxigraph's) before anything is
  sent: a query the embedded front refuses is refused with the same message and position,
  whatever a store's own parser lets through (Virtuoso 7 answers ``?s ?p "a"@en-a`` and
  ``DESCRIBE ?s ?s``). pyoxigraph 0.5 has no call that only parses: the query is asked of an
  empty in-memory store, which evaluates some queries at once (aggregates, ASK, VALUES of
  constants: a cross product of VALUES runs for hours). So it is asked in a probe worker
  (:class:`SyntaxJudge`), killed when it is still at work after :data:`PROBE_SECONDS`: by
  then it has parsed.
* **Its own dataset becomes protocol graphs**: ``FROM`` / ``FROM NAMED`` are sent as
  ``default-graph-uri`` / ``named-graph-uri`` (which override them, as the protocol says: the
  same dataset), so that the store sees only the release's graphs.
* **A ``GRAPH <iri> { P }`` outside the query's named graphs is sent as ``{ P FILTER(false) }``**
  (no solution, P's variables in scope, as the embedded engine answers it). Virtuoso 7, given
  a protocol dataset, treats a GRAPH pattern on a constant graph outside it as an empty pattern
  (one solution, so ``ASK { GRAPH <elsewhere> { <a> <b> "c" } }`` answered true); the embedded
  engine and Oxigraph's server do not. (Naming a placeholder graph instead, added to the named
  graphs, is not the same: ``GRAPH <placeholder> { }`` then has one solution. One case differs
  from the embedded engine: pyoxigraph 0.5 answers a ``GRAPH ?g`` nested inside a GRAPH on an
  absent graph, where the rewrite, as SPARQL 1.1 section 18.6 says, gives nothing.) A query so
  rewritten is sent with its codepoint escapes replaced (the lexer's places are in that text;
  the grammar reads it so anyway).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urljoin

import pyoxigraph as ox

from dprk_ld.endpoint import evaluate, precheck
from dprk_ld.endpoint import prefixes as declared_prefixes
from dprk_ld.endpoint.errors import QueryError
from dprk_ld.endpoint.pool import PoolConfig, QueryPool
from dprk_ld.endpoint.sparql_lexer import Source

_ESCAPE_RE = re.compile(r"\\(.)")
#: seconds a probe worker may take to judge a query's syntax (a parse takes milliseconds)
PROBE_SECONDS = 1.0
PROBE_MEMORY = 256 * 1024 * 1024  # bytes a probe worker may grow by


@dataclass(frozen=True)
class Token:
    """A token of the query: its kind, its text, where it is, and the IRI it names (resolved
    against the prefixes and base declared before it) or None."""

    kind: str
    text: str
    start: int
    end: int
    iri: str | None


def tokens_of(job: evaluate.Job) -> list[Token]:
    """The query's tokens (the pre-check's lexer), IRIs and prefixed names resolved; their
    places are in :func:`read_text` (the text with its codepoint escapes replaced)."""
    prefixes: dict[str, str] = dict(job.prefixes)
    lexed = precheck.analyse(job.query, None, prefixes).lexed
    if prefixes:  # read after the declarations' line: the query's own tokens, at their places
        shift = len(declared_prefixes.preamble(prefixes))
        lexed = [(k, v, start - shift, end - shift) for k, v, start, end in lexed
                 if start >= shift]
    base = job.base_iri or ""
    found: list[Token] = []
    for i, (kind, value, start, end) in enumerate(lexed):
        iri = _iri(kind, value, prefixes, base) if kind in ("iri", "pname_ln", "pname_ns") \
            else None
        if kind == "PREFIX" and i + 2 < len(lexed):
            prefixes[lexed[i + 1][1][:-1]] = urljoin(base, lexed[i + 2][1][1:-1])
        elif kind == "BASE" and i + 1 < len(lexed):
            base = urljoin(base, lexed[i + 1][1][1:-1])
        found.append(Token(kind, value, start, end, iri))
    return found


def read_text(query: str) -> str:
    """``query`` as the lexer read it: its codepoint escapes (``\\u0047``) replaced."""
    return Source(query).text


def _iri(kind: str, term: str, prefixes: dict[str, str], base: str) -> str:
    if kind == "iri":
        return urljoin(base, term[1:-1])
    prefix, _colon, local = term.partition(":")
    if prefix not in prefixes:  # the parser refuses the text: so is the graph
        return term
    return prefixes[prefix] + _ESCAPE_RE.sub(r"\1", local)


def syntax_error(job: evaluate.Job) -> str | None:
    """pyoxigraph's refusal of the query, as the embedded front tells it; None when it parses.
    The query is asked of an empty in-memory store, which may evaluate it (an aggregate, an
    ASK, constants in VALUES are evaluated at once): run it only where it can be stopped
    (:class:`SyntaxJudge`)."""
    prefixes = dict(job.prefixes) or None
    try:
        answer = ox.Store().query(job.query, base_iri=job.base_iri, prefixes=prefixes)
    except (SyntaxError, ValueError) as exc:
        return str(exc)
    del answer  # made and dropped in this thread, never read
    return None


def probe(_store: object, job: evaluate.Job) -> evaluate.Outcome:
    """In a probe worker: the query's syntax error, or an empty outcome when it parses."""
    message = syntax_error(job)
    return evaluate.Outcome(error="syntax", message=message) if message is not None \
        else evaluate.Outcome()


class SyntaxJudge:
    """Probe workers (killable processes, as the query workers are) that judge a query's syntax
    by :func:`syntax_error`. A query still running after :data:`PROBE_SECONDS` has been parsed
    (the engine parses the whole text before it evaluates anything): the worker is killed and
    replaced, and the query is judged to parse."""

    def __init__(self, size: int) -> None:
        self.pool = QueryPool(None, probe, PoolConfig(
            size=max(1, size), deadline=PROBE_SECONDS, queue_timeout=PROBE_SECONDS * 10,
            memory_cap=PROBE_MEMORY))

    def refusal(self, job: evaluate.Job) -> str | None:
        """The engine's refusal of ``job``'s query; None when it parses."""
        try:
            outcome = self.pool.run(job)
        except QueryError as exc:
            if exc.code in ("query_timeout", "query_memory"):  # it was being evaluated
                return None
            raise
        return outcome.message if outcome.error == "syntax" else None

    def close(self) -> None:
        self.pool.close()


def dataset_of(job: evaluate.Job, tokens: list[Token]) -> evaluate.Job:
    """``job`` with its query's ``FROM`` / ``FROM NAMED`` graphs as protocol graphs; unchanged
    when it has none, or when the protocol gave graphs (which override them)."""
    if job.union or job.default_graphs is not None or job.named_graphs is not None:
        return job
    default: list[str] = []
    named: list[str] = []
    for i, token in enumerate(tokens):
        if token.kind == "FROM" and i + 1 < len(tokens):
            is_named = tokens[i + 1].kind == "NAMED"
            graph = tokens[i + 2] if is_named and i + 2 < len(tokens) else tokens[i + 1]
            (named if is_named else default).append(graph.iri or graph.text)
    if not default and not named:
        return job
    return replace(job, default_graphs=tuple(default), named_graphs=tuple(named))


def outside_graphs_emptied(job: evaluate.Job, tokens: list[Token],
                           graphs: tuple[str, ...]) -> evaluate.Job:
    """``job`` with each ``GRAPH <iri> { P }`` whose IRI is not among its named graphs (of the
    release's ``graphs``) sent as ``{ P FILTER(false) }``: no solution, P's variables in scope."""
    named = set(graphs) if job.union or job.named_graphs is None \
        else set(job.named_graphs) & set(graphs)
    edits: list[tuple[int, int, str]] = []
    for i in range(1, len(tokens) - 1):
        graph, iri, opening = tokens[i - 1], tokens[i], tokens[i + 1]
        if graph.kind != "GRAPH" or iri.iri is None or iri.iri in named or opening.kind != "{":
            continue
        closing = _closing(tokens, i + 1)
        edits += [(graph.start, iri.end, ""), (closing.start, closing.start, " FILTER(false) ")]
    if not edits:
        return job
    text = read_text(job.query)
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return replace(job, query=text)


def _closing(tokens: list[Token], opening: int) -> Token:
    """The token that closes the brace at ``opening``."""
    depth = 0
    for token in tokens[opening:]:
        depth += {"{": 1, "}": -1}.get(token.kind, 0)
        if depth == 0:
            return token
    raise ValueError("an unclosed group")  # the pre-check refuses such a query first


__all__ = ["SyntaxJudge", "Token", "dataset_of", "outside_graphs_emptied", "probe", "syntax_error",
           "tokens_of"]
