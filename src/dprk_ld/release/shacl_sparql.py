"""SPARQL-based constraints (``sh:sparql``) run on pyoxigraph, for all focus nodes at once.

pySHACL runs a SPARQL-based constraint once per focus node, on rdflib's engine, with ``$this``
bound in advance (``initBindings``): 34 s of CPU for the 20 constraints on our 18,000 triples
(bench/README.md, "Scale"), growing with the data at least as fast as it does. Here each
constraint's query, read and prepared by pySHACL (prefixes from ``sh:prefixes``, ``$PATH``
replaced; :class:`pyshacl.constraints.sparql.sparql_based_constraints.SPARQLBasedConstraint`),
runs on pyoxigraph once per batch of focus nodes: ``VALUES ?this { ... }`` opens the query's
WHERE group, so every pattern, filter and EXISTS of that group sees ``$this`` bound, as
pre-binding defines. That equals pre-binding only where ``$this`` stands in the WHERE group
itself, in an ``EXISTS`` or ``NOT EXISTS`` pattern, or in an ``OPTIONAL`` that holds triple
patterns only; a query using it anywhere else (a nested group, a sub-query, an aggregate,
LIMIT) runs once per focus node with oxigraph's substitution of ``$this`` instead. The
solutions are then made into validation results as pySHACL makes them (same messages, paths,
values), by pySHACL's own ``make_v_result``.

A query whose WHERE group is a pattern about ``$this`` and one ``FILTER NOT EXISTS`` runs as its
outer pattern, each solution checked by an ``ASK`` of the inner pattern with the solution's
bindings (:func:`not_exists`): pyoxigraph evaluates such a NOT EXISTS without those bindings, in a
time that grows with the square of the data; SPARQL defines it as exactly that substitution.

pyoxigraph keeps typed literals in their canonical form (``"1.0"^^xsd:decimal`` is read back as
``"1"``): a constraint that reports such a literal as its value reports the canonical form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import pyoxigraph as ox
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from dprk_ld.release.oxterms import from_ox, ox_triples, to_ox

#: focus nodes per query
BATCH = 4000
#: N-Triples lines parsed at a time into a store
LOAD_CHUNK = 100_000
_MASK = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^\s<>"{}|^`\\]*>|#[^\n]*')
_THIS = re.compile(r"[?$]this\b")
_KEYWORD = re.compile(r"[A-Za-z_]+")
_NOT_IN_OPTIONAL = re.compile(
    r"\b(FILTER|BIND|OPTIONAL|VALUES|MINUS|SERVICE|GRAPH|SELECT|UNION|EXISTS)\b", re.I)
_NOT_BATCHED = re.compile(
    r"\b(GROUP\s+BY|HAVING|LIMIT|OFFSET)\b|\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I)


class NotBatchable(Exception):
    """A query these rules cannot run (neither batched nor per focus node)."""


def to_store(graph: Graph, progress: Callable[[str], None] | None = None) -> ox.Store:
    """The triples of ``graph`` in an in-memory pyoxigraph store."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox_triples(graph))
    if progress:
        progress(f"{len(store)} triples in the query engine")
    return store


def store_of_lines(lines: list[bytes], progress: Callable[[str], None] | None = None) -> ox.Store:
    """An in-memory pyoxigraph store of N-Triples ``lines``, read by pyoxigraph's parser
    :data:`LOAD_CHUNK` at a time (no rdflib term made). Blank nodes keep their labels
    (``Store.load`` would give them new ones, one set per chunk)."""
    store = ox.Store()
    for i in range(0, len(lines), LOAD_CHUNK):
        store.bulk_extend(ox.parse(b"\n".join(lines[i:i + LOAD_CHUNK]), format=ox.RdfFormat.N_TRIPLES))
    if progress:
        progress(f"{len(store)} triples in the query engine")
    return store


def _masked(text: str) -> str:
    """The query with strings, IRIs and comments blanked out (same length), so that braces and
    keywords can be read off it."""
    return _MASK.sub(lambda m: " " * len(m.group(0)), text)


def _blocks(masked: str, start: int) -> list[tuple[str, int, int]]:
    """(kind, open, close) of each ``{`` block inside the group that opens at ``start``; kind is
    what introduces it: EXISTS, OPTIONAL or another group."""
    blocks, stack = [], []
    for i in range(start + 1, len(masked)):
        ch = masked[i]
        if ch == "{":
            words = _KEYWORD.findall(masked[max(start, i - 40):i])
            kind = words[-1].upper() if words and words[-1].upper() in ("EXISTS", "OPTIONAL") else "GROUP"
            stack.append((kind, i))
        elif ch == "}":
            if not stack:
                break
            kind, opened = stack.pop()
            blocks.append((kind, opened, i))
    return blocks


def batched(text: str) -> int | None:
    """Where to put ``VALUES ?this {...}`` in ``text`` (after the ``{`` that opens its WHERE
    group) when that equals pre-binding ``$this``; None when it does not."""
    masked = _masked(text)
    select = re.search(r"\bSELECT\b", masked, re.I)
    if select is None or len(re.findall(r"\bSELECT\b", masked, re.I)) != 1 or _NOT_BATCHED.search(masked):
        return None
    opening = masked.find("{", select.end())
    if opening < 0 or not _THIS.search(masked[select.end():opening]):
        return None  # $this is not projected: which focus node a solution is of is lost
    blocks = _blocks(masked, opening)
    for m in _THIS.finditer(masked, opening):
        inside = [(k, a, b) for k, a, b in blocks if a < m.start() < b]
        if not inside or any(k == "EXISTS" for k, _, _ in inside):
            continue
        kind, a, b = min(inside, key=lambda block: block[2] - block[1])
        if len(inside) == 1 and kind == "OPTIONAL" and not _NOT_IN_OPTIONAL.search(masked[a + 1:b]) \
                and "{" not in masked[a + 1:b]:
            continue
        return None
    return opening + 1


def _chunks(nodes: list[Node], size: int) -> Iterator[list[Node]]:
    for i in range(0, len(nodes), size):
        yield nodes[i:i + size]


def _term_text(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    raise NotBatchable("a focus node that is not an IRI")


def solutions(store: ox.Store, text: str, focus: list[Node], back: dict[Node, Node] | None = None
              ) -> Iterator[tuple[Node, dict[str, Node]]]:
    """(focus node, bound variables) of every solution of the prepared query ``text`` for each
    focus node, ``$this`` pre-bound; ``back`` renames the store's blank nodes to the graph's."""
    term = _terms(back)
    forward = {node: label for label, node in (back or {}).items()}
    where = batched(text) if all(isinstance(f, URIRef) for f in focus) else None
    if where is not None:
        split = not_exists(text)
        for chunk in _chunks(focus, BATCH):
            values = " VALUES ?this { " + " ".join(_term_text(f) for f in chunk) + " } "
            if split is None:
                yield from _rows(store.query(text[:where] + values + text[where:]), None, term)
            else:
                yield from _rows_without(store, split, values, term)
        return
    if not _THIS.search(_masked(text)[: _masked(text).find("{")]):
        raise NotBatchable("$this is not projected")
    for f in focus:
        named = to_ox(forward.get(f, f))
        yield from _rows(store.query(text, substitutions={ox.Variable("this"): named}), f, term)


class NotExists(NamedTuple):
    """A query ``SELECT vars WHERE { outer FILTER NOT EXISTS { inner } }`` in parts."""

    prologue: str  # the prefixes before SELECT
    projected: list[str]  # the variables selected
    outer: str  # the WHERE group without its FILTER NOT EXISTS
    inner: str  # the pattern of the FILTER NOT EXISTS


_PROJECTION = re.compile(r"\s*SELECT((?:\s+[?$][A-Za-z_][A-Za-z_0-9]*)+)\s+WHERE\s*\{", re.I)
_FILTER_NOT_EXISTS = re.compile(r"\bFILTER\s+NOT\s+EXISTS\s*$", re.I)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z_0-9]*)")
_NOT_INSIDE = re.compile(r"\b(EXISTS|OPTIONAL|BIND|VALUES|MINUS|SERVICE|GRAPH|SELECT|UNION)\b", re.I)


def not_exists(text: str) -> NotExists | None:
    """The parts of ``text`` when its WHERE group is a basic graph pattern about ``$this`` alone
    (maybe empty: :func:`_about_this`) and one ``FILTER NOT EXISTS`` over a basic graph pattern
    with filters, and nothing follows the group; None for any other query.

    pyoxigraph evaluates such a NOT EXISTS without using the bindings of the solution it
    filters (a scan of every triple of its predicates for each solution, which grows with the
    square of the data), while the same pattern asked on its own with those bindings
    substituted is a few index lookups. SPARQL defines ``NOT EXISTS`` as exactly that: a solution
    is kept when the pattern, with the solution's bindings substituted, has no match. So each
    solution of the outer group is kept when ``ASK { inner }`` with its bindings is false
    (:func:`_rows_without`): the same solutions, in a small part of the time."""
    masked = _masked(text)
    select = re.search(r"\bSELECT\b", masked, re.I)
    head = _PROJECTION.match(masked, select.start()) if select else None
    if head is None or _NOT_BATCHED.search(masked):
        return None
    opening = head.end() - 1
    blocks = _blocks(masked, opening)
    close = _group_end(masked, opening)
    if close is None or masked[close + 1:].strip() or len(blocks) != 1:
        return None
    _, a, b = blocks[0]
    if not _FILTER_NOT_EXISTS.search(masked[opening + 1:a]):
        return None
    keyword = _FILTER_NOT_EXISTS.search(masked[opening + 1:a])
    assert keyword is not None
    start = opening + 1 + keyword.start()
    outside = masked[opening + 1:start] + masked[b + 1:close]
    if not _about_this(outside) or _NOT_IN_OPTIONAL.search(outside) or _NOT_INSIDE.search(masked[a + 1:b]):
        return None
    return NotExists(text[:select.start()], _VARIABLE.findall(head.group(1)),
                     text[opening + 1:start] + " " + text[b + 1:close], text[a + 1:b])


def _about_this(outer: str) -> bool:
    """Whether the (masked) outer pattern is empty or states properties of ``$this`` alone (one
    subject, ``$this``): then each focus node has few solutions to check one by one. Other
    patterns may have many (a scan of the whole graph), which pyoxigraph filters faster itself."""
    text = outer.strip()
    return not text or (_THIS.match(text) is not None and "." not in text.rstrip(". \n\t"))


def _group_end(masked: str, opening: int) -> int | None:
    """Where the group that opens at ``opening`` closes."""
    depth = 0
    for i in range(opening, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[i], 0)
        if depth == 0:
            return i
    return None


def _terms(back: dict[Node, Node] | None) -> Callable[[Any], Node]:
    """pyoxigraph's terms as rdflib's, blank nodes renamed by ``back``."""
    if not back:
        return from_ox
    return lambda t: back.get(term, term) if isinstance(term := from_ox(t), BNode) else term


def _rows_without(store: ox.Store, split: NotExists, values: str, term: Callable[[Any], Node]
                  ) -> Iterator[tuple[Node, dict[str, Node]]]:
    """The solutions of a :func:`not_exists` query for the focus nodes of ``values``: those of
    its outer group for which its inner pattern, their bindings substituted, has no match."""
    ask = f"{split.prologue} ASK {{ {split.inner} }}"
    used = set(_VARIABLE.findall(_masked(split.inner)))
    outer = store.query(f"{split.prologue} SELECT * WHERE {{ {values} {split.outer} }}")
    names = [v.value for v in outer.variables]
    for row in outer:
        bound = {ox.Variable(n): row[n] for n in names if n in used and row[n] is not None}
        if not store.query(ask, substitutions=bound):
            kept = {n: term(row[n]) for n in split.projected if n in names and row[n] is not None}
            yield kept["this"], kept


def _rows(result: Any, focus: Node | None, term: Callable[[Any], Node]
          ) -> Iterator[tuple[Node, dict[str, Node]]]:
    names = [v.value for v in result.variables]
    for row in result:
        bound = {name: term(row[name]) for name in names if row[name] is not None}
        yield (focus if focus is not None else bound["this"]), bound


def _violations(rows: Iterable[dict[str, Node]]) -> list[tuple[Any, ...]]:
    """What pySHACL's ``_validate_sparql_query`` makes of one focus node's solutions."""
    found: list[tuple[Any, ...]] = []
    failed = False
    for row in rows:
        bound = dict(row)
        if bound.pop("failure", None) is not None:
            if not failed:
                found.append((True, bound))
                failed = True
            continue
        p, v, t = bound.pop("path", None), bound.pop("value", None), bound.pop("this", None)
        if (p is not None or v is not None or t is not None) and (t, p, v, bound) not in found:
            found.append((t, p, v, bound))
    return found


def constraint_results(shape: Any, focus: list[Node], store: ox.Store, data: Callable[[], Any],
                       progress: Callable[[str], None] | None = None,
                       back: dict[Node, Node] | None = None) -> list[tuple[Any, ...]]:
    """The validation results (pySHACL's (text, node, triples)) of the SPARQL-based constraints
    of a pySHACL shape on its focus nodes; ``data`` gives pySHACL's data graph, asked for only
    when a result is made."""
    constraint = SPARQLBasedConstraint(shape)
    results: list[tuple[Any, ...]] = []
    for helper in sorted(constraint.sparql_constraints, key=lambda h: str(h.select_text)):
        if helper.deactivated:
            continue
        binds, text = helper.pre_bind_variables(URIRef("urn:x-dprk-ld:focus"))
        if set(binds) - {"this"}:
            raise NotBatchable(f"pre-bound variables {sorted(binds)}")
        text = helper.apply_prefixes(text)
        by_focus: dict[Node, list[dict[str, Node]]] = {}
        for f, row in solutions(store, text, focus, back):
            by_focus.setdefault(f, []).append(row)
        kwargs = {"source_constraint": helper.node, "extra_messages": helper.messages or None}
        for f, rows in by_focus.items():
            results.extend(_results(constraint, shape, data(), f, _violations(rows), kwargs))
        if progress:
            progress(f"SPARQL constraint of {shape.node}: {len(by_focus)} focus nodes fail")
    return results


def _results(constraint: Any, shape: Any, data: Any, f: Node, found: list[tuple[Any, ...]],
             kwargs: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """pySHACL's ``_evaluate_sparql_constraint`` for one focus node."""
    default = None if shape.is_property_shape else f
    for v in found:
        if len(v) == 2:
            yield constraint.make_v_result(data, f, value_node=default, bound_vars=v[1], **kwargs)
        else:
            t, p, value, bound = v
            value = default if value is None else value
            yield constraint.make_v_result(data, t or f, value_node=value, result_path=p,
                                           bound_vars=(t, p, value, bound), **kwargs)


__all__ = ["BATCH", "NotBatchable", "NotExists", "batched", "constraint_results", "not_exists", "solutions",
           "store_of_lines", "to_store"]
