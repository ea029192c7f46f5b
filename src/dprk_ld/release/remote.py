"""A release in an external SPARQL store (Virtuoso, Oxigraph's server ...), behind the part of
pyoxigraph's ``Store`` that the front uses, so that pages, dereferencing and the protocol run
over it unchanged: ``query`` (with the keyword arguments the front passes), ``quads_for_pattern``
and ``named_graphs``.

* Which release: the graph :data:`PUBLISHED` (``urn:x-dprk-ld:published``, written by
  ``dprk-ld publish``, never served) names its id and version (``dprk:releaseId``,
  ``dcat:version``) and its graphs; ETags derive from that id as they do from
  ``release.json``, and :func:`release_id_at` is what the front looks at to switch releases.
* Which graphs: the release's named graphs, as ``PUBLISHED`` lists them, and no other. Every
  query names them: ``use_default_graph_as_union`` sends them as ``default-graph-uri`` and as
  ``named-graph-uri`` (so that ``GRAPH ?g`` ranges over them only), never the store's own
  default graph (Virtuoso's holds its system graphs). A graph that is not one of them, asked by
  ``default_graph`` / ``named_graphs``, is an empty graph, as it is to the embedded store: the
  placeholder :data:`NO_GRAPH`, which no store holds, is sent in its place (so nothing is ever
  fetched, and nothing outside the release is seen).
* Blank nodes: a blank node of one answer cannot be named in the next request. The graphs that
  hold blank nodes (the ontology's lists, the shapes' ``sh:or``) are small: they are copied into
  a local store when the release is opened (in ordered pages: both stores name a blank node
  alike in every answer, by its id in the store), and every pattern over them is answered
  from it. Patterns over the other graphs are asked of the store (a subject's quads once, kept
  for the next patterns on it; a scan in ordered pages, so that no row limit loses any).
* The query's prologue (``BASE``, the prefixes it does not declare) goes on its first line;
  ``substitutions`` (the site's own queries only) become a ``VALUES`` block at the start of the
  ``WHERE`` clause.
* Results come as SPARQL JSON (solutions) or N-Triples (graphs), are read up to a byte cap, and
  are parsed by pyoxigraph into the same objects an in-process store gives, so the front's capped
  writer serializes them as it does its own. An answer the store cut (its row limit, our byte
  cap) is recorded (:meth:`RemoteStore.cut_results`): the endpoint marks it cut; any other caller
  gets :class:`StoreError` rather than an incomplete answer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pyoxigraph as ox

from dprk_ld.release.canonical import blank_prefix, relabelled
from dprk_ld.release.namespaces import BASE, GRAPH
from dprk_ld.release.remote_http import Endpoint, StoreError
from dprk_ld.release.remote_results import JSON_RESULTS, N_TRIPLES, Cut, read_result
from dprk_ld.release.served import ServedRelease

#: one media type a request (Virtuoso answers in the first type listed, or 406)
ACCEPT = JSON_RESULTS
GRAPH_ACCEPT = N_TRIPLES[0]
#: the default graph of a query that names none (embedded: the store's default graph, empty)
NO_GRAPH = "urn:x-dprk-ld:no-graph"
PAGE_ROWS = 10_000
SUBJECTS_KEPT = 4096
DPRK_RELEASE_ID = BASE + "ontology#releaseId"
DCAT_VERSION = "http://www.w3.org/ns/dcat#version"
#: the store's own record of the release it holds (see the module's docstring)
PUBLISHED = "urn:x-dprk-ld:published"
PUBLISHED_GRAPH = "urn:x-dprk-ld:graph"  # a graph of the release (its name, as published)
_PREFIX_RE = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_FIRST_LINE_RE = re.compile(r"error at 1:(\d+)")
_WHERE_RE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
#: the prologue of a query (comments, BASE, PREFIX) and the keyword of its form after it
_FORM_RE = re.compile(r"(?:\s+|#[^\n]*(?:\n|$)|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*"
                      r"(CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
#: the ``BASE`` declarations a query starts with (after blanks and comments)
_LEADING_BASE_RE = re.compile(r"(?:\s+|#[^\n]*\n)*BASE\s*<([^>]*)>(?:\s*BASE\s*<[^>]*>)*",
                              re.IGNORECASE)
_ABSOLUTE_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # an IRI with a scheme


class _Seen(threading.local):
    accept_cut = False
    cut: Cut | None = None


class RemoteStore:
    """The release's graphs in an external store, read through ``endpoint``."""

    def __init__(self, endpoint: Endpoint, graphs: Sequence[str], max_bytes: int,
                 base: str = BASE) -> None:
        self.endpoint = endpoint
        self.graphs = tuple(graphs)
        self.max_bytes = max_bytes
        self.base = base
        self.max_rows: int | None = None  # the store's row limit, once known (Virtuoso's)
        self.local = ox.Store()
        self.local_graphs: frozenset[str] = frozenset()
        self._seen = _Seen()
        self._subjects: OrderedDict[str, list[ox.Quad]] = OrderedDict()
        self._lock = threading.Lock()

    # -- the part of pyoxigraph's Store the front uses --

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return iter([ox.NamedNode(g) for g in self.graphs])

    def query(self, query: str, *, use_default_graph_as_union: bool = False,
              default_graph: Any = None, named_graphs: Any = None, base_iri: str | None = None,
              prefixes: Mapping[str, str] | None = None,
              substitutions: Mapping[Any, Any] | None = None) -> Any:
        """``query`` over the release's graphs in the store, as pyoxigraph's ``Store.query``."""
        if use_default_graph_as_union:
            default, named = self.graphs, self.graphs
        else:
            default = (NO_GRAPH,) if default_graph is None else self._checked(default_graph)
            named = self.graphs if named_graphs is None else self._checked(named_graphs)
        default, named = default or (NO_GRAPH,), named or (NO_GRAPH,)
        text = with_prologue(query, base_iri, prefixes)
        if substitutions:
            text = with_values(text, substitutions)
        try:
            result, cut = self._run(text, default, named)
        except StoreError as exc:
            if exc.kind == "syntax":  # told as the engine's, at its place in the text as sent
                raise SyntaxError(first_line_shifted(exc.message, len(text) - len(query))) \
                    from None
            raise
        if cut is not None:
            if not self._seen.accept_cut:
                raise StoreError("failed", "The store cut an answer the site needs whole.")
            self._seen.cut = cut
        return result

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any,
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        """The quads of the release matching the pattern (None: any), as pyoxigraph's."""
        graphs = self._graphs_for(graph_name)
        found: list[ox.Quad] = []
        for graph in graphs:
            if graph in self.local_graphs:
                found.extend(self.local.quads_for_pattern(subject, predicate, object,
                                                          ox.NamedNode(graph)))
        remote = tuple(g for g in graphs if g not in self.local_graphs)
        terms = (subject, predicate, object)
        if remote and not any(isinstance(t, ox.BlankNode) for t in terms):
            if isinstance(subject, ox.NamedNode):
                found.extend(q for q in self._subject(subject) if q.graph_name.value in remote
                             and _matches(q, predicate, object))
            else:
                found.extend(self._pattern(terms, remote))
        return iter(found)

    # -- cut answers --

    @contextmanager
    def cut_results(self) -> Iterator[_Seen]:
        """Within it, a cut answer is returned (and recorded in the value yielded) instead of
        refused: the endpoint marks it cut."""
        seen = self._seen
        seen.accept_cut, seen.cut = True, None
        try:
            yield seen
        finally:
            seen.accept_cut = False

    # -- inside --

    def _checked(self, graphs: Any) -> tuple[str, ...]:
        """The graphs asked, each not of the release replaced by :data:`NO_GRAPH` (empty)."""
        names = (g.value if isinstance(g, ox.NamedNode) else str(g) for g in graphs)
        return tuple(dict.fromkeys(n if n in self.graphs else NO_GRAPH for n in names))

    def _graphs_for(self, graph_name: Any) -> tuple[str, ...]:
        if graph_name is None:
            return self.graphs
        if isinstance(graph_name, ox.NamedNode) and graph_name.value in self.graphs:
            return (graph_name.value,)
        return ()  # the default graph holds nothing; other graphs are not the release's

    def _run(self, text: str, default: tuple[str, ...],
             named: tuple[str, ...]) -> tuple[Any, Cut | None]:
        accept = GRAPH_ACCEPT if _FORM_RE.match(text) else ACCEPT
        reply = self.endpoint.send(text, default, named, accept, self.max_bytes)
        if reply.max_rows is not None:
            self.max_rows = reply.max_rows
        return read_result(reply, self.max_bytes, self.max_rows)

    def _select_all(self, select: str, where: str, graphs: tuple[str, ...]) -> list[Any]:
        """Every row of ``SELECT select WHERE { where }`` over ``graphs``, in pages ordered by
        the variables, so that a store's row limit or our byte cap loses none."""
        rows: list[Any] = []
        page = min(PAGE_ROWS, self.max_rows or PAGE_ROWS)
        while True:
            text = (f"SELECT {select} WHERE {{ {where} }} ORDER BY {select} "
                    f"LIMIT {page} OFFSET {len(rows)}")
            result, cut = self._run(text, (NO_GRAPH,), graphs)
            got = list(result)
            rows.extend(got)
            if cut is None and len(got) < page:
                return rows
            if not got:
                raise StoreError("failed", "The store answers no row of a page.")
            if cut is not None and cut.cap == "rows":
                page = min(page, cut.limit)

    def _pattern(self, terms: tuple[Any, Any, Any], graphs: tuple[str, ...]) -> list[ox.Quad]:
        names = ("?s", "?p", "?o")
        parts = [str(t) if t is not None else n for t, n in zip(terms, names, strict=True)]
        unbound = [n for t, n in zip(terms, names, strict=True) if t is None]
        rows = self._select_all(" ".join([*unbound, "?g"]), "GRAPH ?g { " + " ".join(parts)
                                + " }", graphs)
        quads = []
        for row in rows:
            s, p, o = (t if t is not None else row[n[1:]] for t, n in zip(terms, names,
                                                                          strict=True))
            quads.append(ox.Quad(s, p, o, row["g"]))
        return quads

    def _subject(self, subject: ox.NamedNode) -> list[ox.Quad]:
        """Every quad of ``subject`` in the remote graphs, kept for the next patterns on it."""
        with self._lock:
            kept = self._subjects.get(subject.value)
            if kept is not None:
                self._subjects.move_to_end(subject.value)
                return kept
        remote = tuple(g for g in self.graphs if g not in self.local_graphs)
        quads = self._pattern((subject, None, None), remote) if remote else []
        with self._lock:
            self._subjects[subject.value] = quads
            while len(self._subjects) > SUBJECTS_KEPT:
                self._subjects.popitem(last=False)
        return quads

    def copy_blank_node_graphs(self) -> None:
        """Copy the release's graphs that hold blank nodes into the local store, each in pages
        of one ordered SELECT (Virtuoso cuts a CONSTRUCT at its row limit without a word; both
        stores name a blank node alike in every answer, by its id in the store)."""
        query = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o "
                 "FILTER(isBlank(?s) || isBlank(?o)) } }")
        result, _cut = self._run(query, (NO_GRAPH,), self.graphs)
        with_blanks = sorted(row["g"].value for row in result)
        for graph in with_blanks:
            node = ox.NamedNode(graph)
            rows = self._select_all("?s ?p ?o", f"GRAPH <{graph}> {{ ?s ?p ?o }}", (graph,))
            triples = relabelled([(r["s"], r["p"], r["o"]) for r in rows],
                                 blank_prefix(graph.removeprefix(str(GRAPH))))
            self.local.extend([ox.Quad(s, p, o, node) for s, p, o in triples])
        self.local_graphs = frozenset(with_blanks)


def _matches(quad: ox.Quad, predicate: Any, obj: Any) -> bool:
    return (predicate is None or quad.predicate == predicate) and (obj is None
                                                                  or quad.object == obj)


def with_prologue(query: str, base_iri: str | None, prefixes: Mapping[str, str] | None) -> str:
    """``query`` with ``BASE`` and the ``prefixes`` it does not declare itself, on its first line
    (so that a store's line numbers stay those of the text as sent). Virtuoso 7 refuses a
    ``BASE`` after a ``PREFIX`` or another ``BASE``: the prefixes go after the query's own
    leading ``BASE``, and ours is left out when the query's is absolute (it wins anyway)."""
    own = {m.group(1) or "" for m in _PREFIX_RE.finditer(query)}
    declared = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in (prefixes or {}).items() if p not in own)
    lead = _LEADING_BASE_RE.match(query)
    cut = lead.end() if lead else 0
    body = query[:cut] + " " + declared + " " + query[cut:] if cut and declared else \
        (declared + " " + query if declared else query)
    if not base_iri or (lead is not None and _ABSOLUTE_RE.match(lead.group(1))):
        return body
    return f"BASE <{base_iri}> " + body


def first_line_shifted(message: str, by: int) -> str:
    """A store's syntax error at ``error at 1:C`` told at ``1:C-by`` (the prologue the front put
    on the first line, ``by`` characters, moved it)."""
    found = _FIRST_LINE_RE.search(message)
    if found is None or int(found.group(1)) <= by:
        return message
    return message[:found.start(1)] + str(int(found.group(1)) - by) + message[found.end(1):]


def with_values(query: str, substitutions: Mapping[Any, Any]) -> str:
    """``query`` with each variable of ``substitutions`` bound first in its WHERE clause (a
    ``VALUES`` block): the front's own queries only, never a client's text."""
    block = " ".join(f"VALUES ?{var.value} {{ {term} }}" for var, term in substitutions.items()
                     if not isinstance(term, ox.BlankNode))
    found = _WHERE_RE.search(query) or re.search(r"\{", query)
    if found is None:
        raise ValueError("no group to bind the substitutions in")
    return query[:found.end()] + " " + block + " " + query[found.end():]


# -- the release in the store --------------------------------------------------------------------

def release_id_at(endpoint: Endpoint) -> tuple[str, str | None] | None:
    """The release id (and version) the store's :data:`PUBLISHED` graph names."""
    query = (f"SELECT ?id ?version WHERE {{ GRAPH <{PUBLISHED}> {{ <{PUBLISHED}> "
             f"<{DPRK_RELEASE_ID}> ?id OPTIONAL {{ <{PUBLISHED}> <{DCAT_VERSION}> ?version }} }} }}")
    reply = endpoint.send(query, (NO_GRAPH,), (PUBLISHED,), ACCEPT, 1 << 20)
    result, _cut = read_result(reply, 1 << 20)
    rows = sorted((row["id"].value, row["version"].value if row["version"] else None)
                  for row in result)
    return rows[0] if rows else None


def release_graphs(endpoint: Endpoint) -> dict[str, int]:
    """The release's named graphs in the store, as :data:`PUBLISHED` lists them, with their
    sizes (0 for a graph it lists that holds nothing)."""
    listed = (f"SELECT DISTINCT ?g WHERE {{ GRAPH <{PUBLISHED}> {{ <{PUBLISHED}> "
              f"<{PUBLISHED_GRAPH}> ?g }} }}")
    result, _cut = read_result(endpoint.send(listed, (NO_GRAPH,), (PUBLISHED,), ACCEPT, 1 << 22),
                               1 << 22)
    graphs = sorted(row["g"].value for row in result)
    if not graphs:
        return {}
    values = " ".join(f"<{g}>" for g in graphs)
    query = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g "
             "{ ?s ?p ?o } } GROUP BY ?g")
    reply = endpoint.send(query, (NO_GRAPH,), tuple(graphs), ACCEPT, 1 << 22)
    result, _cut = read_result(reply, 1 << 22)
    counted = {row["g"].value: int(row["n"].value) for row in result}
    return {g: counted.get(g, 0) for g in graphs}


def open_remote(endpoint: Endpoint, max_bytes: int, base: str = BASE,
                max_rows: int | None = None) -> ServedRelease:
    """The release the store at ``endpoint`` holds, served through a :class:`RemoteStore`.
    ``max_rows``: probe whether the store cuts results below it (its row limit is then
    :attr:`RemoteStore.max_rows`)."""
    endpoint.probe()
    for _attempt in range(3):  # a release published meanwhile: read it again
        found = release_id_at(endpoint)
        if found is None:
            raise StoreError("failed", f"The store at {endpoint.url} holds no release (no "
                             f"graph <{PUBLISHED}> naming one): publish one with "
                             "`dprk-ld publish --to`.")
        sizes = release_graphs(endpoint)
        store = RemoteStore(endpoint, sorted(sizes), max_bytes, base)
        if max_rows is not None:  # learn the store's row limit, if it has one below ours
            store._run(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {max_rows + 1}",
                       (NO_GRAPH,), store.graphs)
        store.copy_blank_node_graphs()
        if release_id_at(endpoint) == found:
            return ServedRelease(store, found[0], found[1], sizes, None)
    raise StoreError("failed", "The store's release changed while it was read.")


__all__ = ["NO_GRAPH", "PUBLISHED", "PUBLISHED_GRAPH", "Cut", "RemoteStore", "StoreError", "open_remote",
           "release_graphs", "release_id_at"]
