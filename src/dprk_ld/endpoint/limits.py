"""The limits the query service checks before and while it evaluates a query."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Limits checked before the engine sees a query (made from the settings by the web app)."""

    max_query_bytes: int = 64 * 1024
    max_depth: int = 64
    max_operators: int = 1000
    max_rows: int = 10_000
    max_result_bytes: int = 16 * 1024 * 1024  # of a result as TSV or N-Triples
    max_url_bytes: int = 200 * 1024
    max_body_bytes: int = 1024 * 1024
    max_params: int = 64
    max_graphs: int = 64
