"""Evaluation: a :class:`Job` (one checked query, picklable) run on a pyoxigraph store.

The web layer builds a job with :func:`job_for`; a query worker (``pool``) or, for a bounded
lookup, the request thread hands it to :func:`execute`, which serializes the result in the
engine (not term by term in Python) and cuts it at the row or byte cap (``cut``): the engine is
stopped there, so a result is never built past the caps, and a cut document says it was cut.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dprk_ld import formats
from dprk_ld.endpoint import cut, prefixes
from dprk_ld.endpoint.errors import QueryError, internal_error
from dprk_ld.endpoint.limits import Limits
from dprk_ld.endpoint.precheck import Analysis
from dprk_ld.formats import Format


@dataclass(frozen=True)
class Job:
    """One query to run, with everything the worker needs (picklable)."""

    query: str
    kind: str  # "results" or "graph"
    format: str  # QueryResultsFormat / RdfFormat attribute name
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union: bool = True
    base_iri: str | None = None
    max_rows: int = 10_000
    max_bytes: int = 16 * 1024 * 1024
    #: the page that explains the limits, linked from a cut document (never from a request)
    limits_link: str | None = None
    #: (prefix, namespace) declared before the query's own prologue (``prefixes.DECLARED``)
    prefixes: tuple[tuple[str, str], ...] = ()

    @property
    def nbytes(self) -> int:
        """About the bytes the job holds (its strings), for the byte budget of a cache key."""
        graphs = (*(self.default_graphs or ()), *(self.named_graphs or ()))
        return (len(self.query) + len(self.base_iri or "") + len(self.limits_link or "")
                + sum(len(g) for g in graphs) + sum(len(p) + len(n) for p, n in self.prefixes)
                + 64)


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: a body, or a query error (syntax) with its message."""

    body: bytes = b""
    cut: str | None = None  # the cap the result was cut at: cut.ROWS or cut.BYTES
    error: str | None = None  # "syntax", "network" or "failed"
    message: str = ""

    @property
    def truncated(self) -> bool:
        return self.cut is not None


def job_for(
    query: str,
    analysis: Analysis,
    offer: Format,
    default_graphs: Sequence[str],
    named_graphs: Sequence[str],
    base_iri: str | None,
    limits: Limits,
    limits_link: str | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> Job:
    """The job of a checked query, ``prefixes`` declared before its own. Every result goes
    through the capped writer, a LIMIT under the row cap too: the byte cap holds whatever the
    rows are."""
    by_protocol = bool(default_graphs or named_graphs)
    return Job(
        query=query,
        kind=analysis.kind,
        format=str(offer.engine),
        default_graphs=tuple(default_graphs) if by_protocol else None,
        named_graphs=tuple(named_graphs) if by_protocol else None,
        union=not by_protocol and not analysis.dataset_clause,
        base_iri=base_iri,
        max_rows=limits.max_rows,
        max_bytes=limits.max_result_bytes,
        limits_link=limits_link,
        prefixes=tuple((prefixes or {}).items()),
    )


def execute(store: Any, job: Job) -> Outcome:
    """Run ``job`` on a pyoxigraph store and serialize its result (in the engine, not per term).

    In a worker the engine cannot reach the network (``sandbox``): a query that makes it try
    (SERVICE that slipped past the pre-check) fails with an OSError, which is told as a refusal."""
    try:
        return _execute(store, job)
    except OSError:
        return Outcome(error="network", message="The query asked for a remote service or graph; "
                       "this endpoint never makes an outbound request.")


def _execute(store: Any, job: Job) -> Outcome:
    """Run ``job`` on a pyoxigraph store and serialize its result (in the engine, not per term)."""
    import pyoxigraph as ox

    kwargs: dict[str, Any] = {}
    if job.default_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    if job.union:
        kwargs["use_default_graph_as_union"] = True
    if job.prefixes:
        kwargs["prefixes"] = dict(job.prefixes)
    try:
        result = store.query(job.query, base_iri=job.base_iri, **kwargs)
    except SyntaxError as exc:
        return Outcome(error="syntax", message=str(exc))
    except ValueError as exc:
        return Outcome(error="syntax", message=str(exc))

    if isinstance(result, ox.QueryBoolean):
        return Outcome(body=result.serialize(format=getattr(ox.QueryResultsFormat, job.format)))
    if hasattr(result, "variables"):  # pyoxigraph's QuerySolutions, or a store's answer's
        return _solutions(result, job)
    return _graph(result, job)


def _solutions(result: Any, job: Job) -> Outcome:
    """SELECT: TSV, one line a row after the header, cut at the caps, then in the format asked."""
    import pyoxigraph as ox

    writer = cut.CappedWriter(job.max_rows + 1, job.max_bytes, min_lines=1)
    cut.serialize(result, writer, ox.QueryResultsFormat.TSV)
    body = writer.getvalue()
    if job.format != "TSV":
        body = ox.parse_query_results(body, ox.QueryResultsFormat.TSV).serialize(
            format=getattr(ox.QueryResultsFormat, job.format))
    return _finish(body, job, writer, formats.RESULTS, "rows", writer.lines - 1)


def _graph(result: Any, job: Job) -> Outcome:
    """CONSTRUCT / DESCRIBE: N-Triples has one triple a line, so the row cap counts triples."""
    import pyoxigraph as ox

    writer = cut.CappedWriter(job.max_rows, job.max_bytes)
    cut.serialize(result, writer, ox.RdfFormat.N_TRIPLES)
    body = writer.getvalue()
    if job.format not in ("N_TRIPLES", "N_QUADS"):
        graph = ox.Store()
        graph.load(body, format=ox.RdfFormat.N_TRIPLES)
        target = getattr(ox.RdfFormat, job.format)
        body = (graph.dump(format=target) if target.supports_datasets
                else graph.dump(format=target, from_graph=ox.DefaultGraph())) or b""
    return _finish(body, job, writer, formats.GRAPHS, "triples", writer.lines)


def _finish(body: bytes, job: Job, writer: cut.CappedWriter, among: tuple[Format, ...],
            unit: str, kept: int) -> Outcome:
    """The outcome of a result written through ``writer``: when cut, the notice in the body."""
    if writer.cut is None:
        return Outcome(body=body)
    limit = job.max_rows if writer.cut == cut.ROWS else job.max_bytes
    fmt = formats.by_engine(job.format, among)
    if fmt is not None:
        body = cut.mark(body, fmt, cut.Notice(writer.cut, limit, max(kept, 0), unit,
                                              job.limits_link))
    return Outcome(body=body, cut=writer.cut)


_POSITION_RE = re.compile(r"error at (\d+):(\d+)")
#: a sentence among the engine's list of what it expected ("Duplicated variable name in SELECT")
_SENTENCE_RE = re.compile(r"(?:one of |, )([A-Z][A-Za-z*]*(?: [^,\[\]\"'\n]+)+)")
#: a class of characters in the engine's list ("['A' ..= 'Z' | '\u{00C0}'..='\u{00D6}' ...]")
_RANGES_RE = re.compile(r"\[[^\[\]]*\.\.=[^\[\]]*\]")
MAX_DETAIL = 300


def syntax_error(message: str, query: str | None = None) -> QueryError:
    """The error of a text the engine refused that the pre-check let through: one line with the
    position, the text there (from ``query``) and the engine's reason when it gives one in
    words, never its list of the characters it expected; its message, cut short, in
    ``details.detail``."""
    details: dict[str, Any] = {}
    reason = _SENTENCE_RE.search(message)
    said = "the query engine cannot read the query" + (
        f": {reason.group(1).strip()}" if reason else "")
    found = _POSITION_RE.search(message)
    if found:
        line, column = int(found.group(1)), int(found.group(2))
        details = {"line": line, "column": column}
        token = prefixes.token_at(query, line, column) if query is not None else ""
        details["token"] = token
        said = f"error at {line}:{column}: {said}" + (f" (at `{token}`)" if token else "")
    else:
        said = said[0].upper() + said[1:] + "."
    detail = " ".join(_RANGES_RE.sub("[characters]", message).split())
    if detail:
        details["detail"] = detail if len(detail) <= MAX_DETAIL else \
            detail[:MAX_DETAIL - 1] + "\u2026"
    return QueryError("query_syntax", said, details)


def body_of(outcome: Outcome, query: str | None = None) -> bytes:
    """The body of a successful outcome; the query error the outcome stands for, raised (a
    syntax error at its place in ``query``)."""
    if outcome.error == "syntax":
        raise syntax_error(outcome.message, query)
    if outcome.error == "network":
        raise QueryError("service_refused", outcome.message)
    if outcome.error:
        raise internal_error()
    return outcome.body
