"""A bare WSGI app for the benchmark's ceiling: pyoxigraph in the request thread, nothing else.

No pre-checks, no deadline, no memory cap, no worker process, no cache, no content negotiation:
the least any Python WSGI app can do to answer a SPARQL GET with SPARQL JSON from pyoxigraph.
It is not safe to expose and the project never serves it; ``bench/run.py --bare`` runs it under
Granian (same processes and threads as ours) to show what the Python WSGI layer alone costs
beside Oxigraph's own server. The release's N-Quads file is named by ``DPRK_LD_BENCH_NQ``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox

_STORE = ox.Store()
_STORE.bulk_load(path=os.environ["DPRK_LD_BENCH_NQ"], format=ox.RdfFormat.N_QUADS)
_JSON = ox.QueryResultsFormat.JSON


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    query = parse_qs(environ.get("QUERY_STRING", "")).get("query", ["ASK {}"])[0]
    result = _STORE.query(query, use_default_graph_as_union=True)
    body = result.serialize(format=_JSON)
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(body)))])
    return [body]
