"""Evaluation: a :class:`Job` (one checked query, picklable) run on a pyoxigraph store.

The web layer builds a job with :func:`job_for`; a query worker (``pool``) or, for a bounded
lookup, the request thread hands it to :func:`execute`, which serializes the result in the
engine (not term by term in Python) and cuts it at the row cap.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
    needs_count: bool = True

    @property
    def nbytes(self) -> int:
        """About the bytes the job holds (its strings), for the byte budget of a cache key."""
        graphs = (*(self.default_graphs or ()), *(self.named_graphs or ()))
        return len(self.query) + len(self.base_iri or "") + sum(len(g) for g in graphs) + 64


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: a body, or a query error (syntax) with its message."""

    body: bytes = b""
    truncated: bool = False
    error: str | None = None  # "syntax", "network" or "failed"
    message: str = ""


class _Stop(Exception):
    pass


class _LineCapWriter(io.RawIOBase):
    """Collects serialized bytes and stops the engine after ``limit`` lines."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.lines = 0
        self.parts: list[bytes] = []
        self.truncated = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if not chunk:
            return 0
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        # past the limit: a line more, or the start of one (a chunk may end inside a line)
        if self.lines > self.limit or (self.lines == self.limit and not chunk.endswith(b"\n")):
            self._cut()
            raise _Stop
        return len(chunk)

    def _cut(self) -> None:
        """Keep the first ``limit`` whole lines and nothing of the next."""
        body, end = b"".join(self.parts), -1
        for _ in range(self.limit):
            end = body.index(b"\n", end + 1)
        self.parts = [body[: end + 1]]
        self.lines = self.limit
        self.truncated = True

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def job_for(
    query: str,
    analysis: Analysis,
    offer: Format,
    default_graphs: Sequence[str],
    named_graphs: Sequence[str],
    base_iri: str | None,
    limits: Limits,
) -> Job:
    by_protocol = bool(default_graphs or named_graphs)
    needs_count = analysis.form != "ASK" and not (
        analysis.kind == "results"
        and analysis.top_limit is not None
        and analysis.top_limit <= limits.max_rows
    )
    return Job(
        query=query,
        kind=analysis.kind,
        format=str(offer.engine),
        default_graphs=tuple(default_graphs) if by_protocol else None,
        named_graphs=tuple(named_graphs) if by_protocol else None,
        union=not by_protocol and not analysis.dataset_clause,
        base_iri=base_iri,
        max_rows=limits.max_rows,
        needs_count=needs_count,
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
    try:
        result = store.query(job.query, base_iri=job.base_iri, **kwargs)
    except SyntaxError as exc:
        return Outcome(error="syntax", message=str(exc))
    except ValueError as exc:
        return Outcome(error="syntax", message=str(exc))

    if isinstance(result, ox.QueryBoolean):
        return Outcome(body=result.serialize(format=getattr(ox.QueryResultsFormat, job.format)))
    if isinstance(result, ox.QuerySolutions):
        target = getattr(ox.QueryResultsFormat, job.format)
        if not job.needs_count:
            return Outcome(body=result.serialize(format=target))
        writer = _LineCapWriter(job.max_rows + 1)  # the TSV header line, then one line a row
        truncated = _serialize_capped(result, writer, ox.QueryResultsFormat.TSV)
        tsv = writer.getvalue()
        if job.format == "TSV":
            return Outcome(body=tsv, truncated=truncated)
        body = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=target)
        return Outcome(body=body, truncated=truncated)
    # CONSTRUCT / DESCRIBE: N-Triples has one triple a line, so the cap counts triples
    writer = _LineCapWriter(job.max_rows)
    truncated = _serialize_capped(result, writer, ox.RdfFormat.N_TRIPLES)
    nt = writer.getvalue()
    if job.format in ("N_TRIPLES", "N_QUADS"):
        return Outcome(body=nt, truncated=truncated)
    graph = ox.Store()
    graph.load(nt, format=ox.RdfFormat.N_TRIPLES)
    target_rdf = getattr(ox.RdfFormat, job.format)
    body = graph.dump(format=target_rdf, from_graph=ox.DefaultGraph()) \
        if not target_rdf.supports_datasets else graph.dump(format=target_rdf)
    return Outcome(body=body or b"", truncated=truncated)


def _serialize_capped(result: Any, writer: _LineCapWriter, fmt: Any) -> bool:
    try:
        result.serialize(writer, format=fmt)
    except _Stop:
        return True
    except OSError as exc:  # the engine wraps errors raised by the writer
        if writer.truncated:
            return True
        raise exc
    return writer.truncated


_POSITION_RE = re.compile(r"error at (\d+):(\d+)")


def syntax_error(message: str) -> QueryError:
    details: dict[str, Any] = {}
    found = _POSITION_RE.search(message)
    if found:
        details = {"line": int(found.group(1)), "column": int(found.group(2))}
    return QueryError("query_syntax", message or "The query is not valid SPARQL.", details)


def body_of(outcome: Outcome) -> bytes:
    """The body of a successful outcome; the query error the outcome stands for, raised."""
    if outcome.error == "syntax":
        raise syntax_error(outcome.message)
    if outcome.error == "network":
        raise QueryError("service_refused", outcome.message)
    if outcome.error:
        raise internal_error()
    return outcome.body
