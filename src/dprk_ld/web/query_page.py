"""The query page, server side: the editor with the examples, the limits and the prefixes a query
may use undeclared; opened with a query (a browser's ``/sparql?query=...``, or the form sent
without scripts), that query in the editor and its first rows in a plain table with download
links, so that the page works as a plain form. Its scripts then run the query again (the
answer is in the result cache by then) and show every row in their own table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import render_template

from dprk_ld import formats
from dprk_ld.endpoint.errors import QueryError

#: rows of a result shown in the page as sent (the script pages through all of them)
PAGE_ROWS = 100
#: characters of a graph (Turtle) shown in the page as sent
PAGE_CHARS = 20_000
#: what a run from the page may be downloaded as, by the kind of query
DOWNLOADS = {"results": (formats.CSV, formats.TSV, formats.JSON_RESULTS, formats.XML_RESULTS),
             "graph": (formats.TURTLE, formats.NTRIPLES, formats.JSONLD, formats.RDFXML)}


@dataclass
class Cell:
    text: str = ""
    href: str | None = None
    title: str | None = None


@dataclass
class Table:
    """A result as the page shows it before its script runs."""

    vars: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None
    text: str | None = None  # a graph, as Turtle (its first PAGE_CHARS characters)
    more: bool = False  # the graph goes on past ``text``


def display_name(iri: str, prefixes: Mapping[str, str]) -> str:
    """``iri`` shortened by the longest namespace of ``prefixes`` it starts with (for reading,
    not for pasting into a query), else as it is."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns) and len(iri) > len(ns)),
               key=len, default=None)
    if best is None:
        return iri
    name = next(p for p, ns in prefixes.items() if ns == best)
    return f"{name}:{iri[len(best):]}"


def local_href(iri: str, base: str) -> str:
    """The link of an IRI: under the site's base, the path on this site; else the IRI."""
    return "/" + iri[len(base):] if base and iri.startswith(base) else iri


def _cell(term: Mapping[str, str] | None, base: str, prefixes: Mapping[str, str]) -> Cell:
    if not term:
        return Cell()
    if term.get("type") == "uri":
        return Cell(display_name(term["value"], prefixes), local_href(term["value"], base),
                    term["value"])
    if term.get("type") == "bnode":
        return Cell("_:" + term["value"])
    title = "@" + term["xml:lang"] if term.get("xml:lang") else term.get("datatype")
    return Cell(term.get("value", ""), None, title)


def results_table(body: bytes, kind: str, base: str, prefixes: Mapping[str, str],
                  limit: int = PAGE_ROWS) -> Table:
    """The first ``limit`` rows of a result (SPARQL JSON, or Turtle for a graph)."""
    if kind == "graph":
        text = body.decode("utf-8", "replace")
        return Table(text=text[:PAGE_CHARS], more=len(text) > PAGE_CHARS)
    data: dict[str, Any] = json.loads(body)
    if isinstance(data.get("boolean"), bool):
        return Table(boolean=data["boolean"])
    names: list[str] = list(data.get("head", {}).get("vars", []))
    bindings: list[dict[str, Any]] = data.get("results", {}).get("bindings", [])
    rows = [[_cell(b.get(v), base, prefixes) for v in names] for b in bindings[:limit]]
    return Table(vars=names, rows=rows, total=len(bindings))


def downloads(query: str, kind: str) -> list[tuple[str, str, str]]:
    """(name, link, file name) of each download of ``query``'s result, through the endpoint."""
    return [(f.label, "/sparql?" + urlencode({"query": query, "format": f.names[0]}),
             f"query-results.{f.extension}") for f in DOWNLOADS[kind]]


def render(svc: Any, query: str | None = None, table: Table | None = None,
           error: QueryError | None = None, kind: str = "results", cut: str | None = None,
           status: int | None = None) -> str:
    """The page of the endpoint ``svc`` (a ``sparql.SparqlService``), with ``query`` in the
    editor and, once run, its ``table`` or its ``error``."""
    return render_template(
        "query.html",
        graphs=sorted(svc.release.graphs.items()),
        version=svc.release.version,
        max_rows=svc.limits.max_rows,
        max_result_bytes=svc.limits.max_result_bytes,
        timeout=svc.pool.config.deadline,
        prefixes=sorted(svc.prefixes.items()),
        query=query,
        table=table,
        error=error,
        error_status=status,
        cut=cut,
        downloads=downloads(query, kind) if query is not None and table is not None else [],
    )


__all__ = ["Cell", "Table", "display_name", "downloads", "local_href", "render", "results_table"]
