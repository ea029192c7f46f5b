"""SPARQL queries on a built release, and a plain-text table of their answers (`dprk-ld query`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from dprk_ld.release.namespaces import PREFIXES

RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML}


def read_query(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    if arg.startswith("@"):
        text = Path(arg[1:]).read_text(encoding="utf-8")
        return text
    return arg


def run_query(store: ox.Store, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Evaluate over the union of the release's graphs, with the project's prefixes predeclared."""
    return store.query(query, use_default_graph_as_union=True, prefixes=dict(PREFIXES))


def term_text(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return f"<{iri}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(solutions: ox.QuerySolutions, out: list[str]) -> int:
    names = [v.value for v in solutions.variables]
    rows = [[term_text(sol[n]) for n in names] for sol in solutions]
    widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]

    def fmt(cells: list[str]) -> str:
        return " | ".join(
            (c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    out.append(fmt(names))
    out.append("-+-".join("-" * w for w in widths))
    out.extend(fmt(r) for r in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return len(rows)
