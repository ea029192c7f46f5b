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

pyoxigraph keeps typed literals in their canonical form (``"1.0"^^xsd:decimal`` is read back as
``"1"``): a constraint that reports such a literal as its value reports the canonical form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from rdflib import Graph, URIRef
from rdflib.term import Node

from dprk_ld.release.oxterms import from_ox, ox_triples, to_ox

#: focus nodes per query
BATCH = 4000
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


def solutions(store: ox.Store, text: str, focus: list[Node]) -> Iterator[tuple[Node, dict[str, Node]]]:
    """(focus node, bound variables) of every solution of the prepared query ``text`` for each
    focus node, ``$this`` pre-bound."""
    where = batched(text) if all(isinstance(f, URIRef) for f in focus) else None
    if where is not None:
        for chunk in _chunks(focus, BATCH):
            values = " VALUES ?this { " + " ".join(_term_text(f) for f in chunk) + " } "
            yield from _rows(store.query(text[:where] + values + text[where:]), None)
        return
    if not _THIS.search(_masked(text)[: _masked(text).find("{")]):
        raise NotBatchable("$this is not projected")
    for f in focus:
        yield from _rows(store.query(text, substitutions={ox.Variable("this"): to_ox(f)}), f)


def _rows(result: Any, focus: Node | None) -> Iterator[tuple[Node, dict[str, Node]]]:
    names = [v.value for v in result.variables]
    for row in result:
        bound = {name: from_ox(row[name]) for name in names if row[name] is not None}
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


def constraint_results(shape: Any, focus: list[Node], store: ox.Store, data: Any,
                       progress: Callable[[str], None] | None = None) -> list[tuple[Any, ...]]:
    """The validation results (pySHACL's (text, node, triples)) of the SPARQL-based constraints
    of a pySHACL shape on its focus nodes."""
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
        for f, row in solutions(store, text, focus):
            by_focus.setdefault(f, []).append(row)
        kwargs = {"source_constraint": helper.node, "extra_messages": helper.messages or None}
        for f, rows in by_focus.items():
            results.extend(_results(constraint, shape, data, f, _violations(rows), kwargs))
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


__all__ = ["BATCH", "NotBatchable", "batched", "constraint_results", "solutions", "to_store"]
