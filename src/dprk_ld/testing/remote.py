"""Helpers for testing the front over an external store against the embedded one: answers read
into comparable values (solutions as rows of N-Triples terms, blank nodes as one mark; graphs as
sets of N-Triples terms, blank nodes labelled canonically), whatever the format they came in.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph

from dprk_ld import formats
from dprk_ld.formats import Format

Row = tuple[str, ...]
Terms = tuple[str, str, str]
BLANK = "_:"  # every blank node of a solution: labels differ between stores and are no answer

__all__ = ["BLANK", "answer_value", "fake_store", "graph_terms", "publish_into", "solution_rows"]


@contextmanager
def fake_store(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A store that answers as ``handler`` says (a store's answers no real one gives at will:
    a refusal, a stop at its time limit), on a free loopback port in a thread; yields its base
    URL (no trailing /)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return BLANK
    return str(term)


def solution_rows(body: bytes, fmt: Format) -> list[Row] | bool:
    """The rows of SELECT results in ``fmt`` (each a tuple of N-Triples terms, in the order
    sent), or the boolean of an ASK. CSV has no types: its cells are kept as text."""
    if fmt is formats.CSV:
        lines = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        return [tuple(BLANK if c.startswith("_:") else c for c in line) for line in lines]
    parsed = ox.parse_query_results(body, format=getattr(ox.QueryResultsFormat, str(fmt.engine)))
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    names = [v.value for v in parsed.variables]
    return [tuple(names)] + [tuple(_term(row[n]) for n in names) for row in parsed]


def graph_terms(body: bytes, fmt: Format) -> set[Terms]:
    """The triples of a graph in ``fmt`` (of a dataset's every graph, for N-Quads and TriG) as
    N-Triples terms, blank nodes labelled from their content (rdflib's canonical labelling)."""
    previous = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False  # literals compared as they are written
    try:
        if fmt.datasets:
            dataset = Dataset()
            dataset.parse(data=body, format=str(fmt.rdflib))
            graph = Graph()
            for s, p, o, _g in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph = Graph().parse(data=body, format=str(fmt.rdflib))
        return {(s.n3(), p.n3(), o.n3()) for s, p, o in to_canonical_graph(graph)}
    finally:
        rdflib.NORMALIZE_LITERALS = previous


def answer_value(body: bytes, fmt: Format, ordered: bool) -> Any:
    """An answer as a value to compare: rows in order (``ordered``) or as a sorted list, a
    boolean, or a set of triples."""
    if fmt.kind == "results":
        rows = solution_rows(body, fmt)
        if isinstance(rows, bool) or ordered:
            return rows
        return [rows[0], *sorted(rows[1:])]
    return graph_terms(body, fmt)


def publish_into(server: Any, dist: Path) -> str:
    """Publish the release built in ``dist`` into ``server`` (a
    :class:`dprk_ld.testing.stores.StoreServer`, with ``dprk-ld publish``); the store's query
    URL."""
    server.load(dist)
    return str(server.endpoints.query_url)
