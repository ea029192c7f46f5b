"""What changed between two releases: findings added, changed (property by property) and
retired. A finding is its own triples and those of the nodes minted under it (its evidence, its
quantities): every subject under ``id/finding/<source>/<id>`` or ``id/evidence/<source>/<id>/``.
The same grouping gives each finding's digest, which the release records keep (history.py), so
a build can tell which findings changed since the last published release without its files.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dprk_ld.release.namespaces import GRAPH, ID, PREFIXES

FINDING, EVIDENCE = f"{ID}finding/", f"{ID}evidence/"
Triple = tuple[str, str, str]  # subject, predicate, object, each in N-Triples syntax


def finding_of(subject: str) -> tuple[str, str] | None:
    """``(key, part)`` for a subject minted under a finding: part '' for the finding itself,
    ``evidence/1`` or ``quantity/1`` for a node under it; None for anything else."""
    for base, kind in ((FINDING, ""), (EVIDENCE, "evidence/")):
        if subject.startswith(base):
            parts = subject[len(base):].replace("#", "/").split("/")
            if len(parts) >= 2:
                rest = "/".join(parts[2:])
                return f"{parts[0]}/{parts[1]}", (kind + rest).strip("/")
    return None


def by_finding(triples: Iterable[Triple]) -> dict[str, list[tuple[str, str, str]]]:
    """The triples of each finding, as ``(part, predicate, object)``."""
    grouped: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for s, p, o in triples:
        found = finding_of(s.strip("<>"))
        if found:
            grouped[found[0]].append((found[1], p, o))
    return grouped


def digests(triples: Iterable[Triple]) -> dict[str, str]:
    """A digest of each finding's triples (sorted, so the order of a dump does not matter)."""
    return {key: hashlib.sha256("\n".join(sorted(" ".join(t) for t in rows)).encode()).hexdigest()[:20]
            for key, rows in by_finding(triples).items()}


def data_triples(folder: Path) -> Iterator[Triple]:
    """The data graph's triples of the release in ``folder`` (its ``dprk-ld.nq`` or ``.nq.gz``)."""
    nq = folder / "dprk-ld.nq"
    if not nq.is_file() and not (folder / "dprk-ld.nq.gz").is_file():
        raise FileNotFoundError(f"{folder}: no dprk-ld.nq or dprk-ld.nq.gz (not a release folder)")
    data = nq.read_bytes() if nq.is_file() else gzip.decompress((folder / "dprk-ld.nq.gz").read_bytes())
    return triples_of(data)


def triples_of(data: bytes) -> Iterator[Triple]:
    """The data graph's triples of a release's N-Quads dump."""
    graph = str(GRAPH["data"])
    for quad in ox.parse(data, ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value == graph:
            yield str(quad.subject), str(quad.predicate), str(quad.object)


def short(term: str) -> str:
    """An IRI in N-Triples syntax as a prefixed name where one of ours fits."""
    if term.startswith("<") and term.endswith(">"):
        iri = term[1:-1]
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and "/" not in iri[len(ns):]:
                return f"{prefix}:{iri[len(ns):]}"
    return term


@dataclass
class Change:
    key: str
    fields: list[tuple[str, list[str], list[str]]] = field(default_factory=list)  # (field, was, now)


@dataclass
class Diff:
    added: list[str]
    retired: list[str]
    changed: list[Change]


def diff(old: Iterable[Triple], new: Iterable[Triple]) -> Diff:
    """Findings added, retired, and changed field by field (a field: a part and a property)."""
    before, after = by_finding(old), by_finding(new)
    changed = []
    for key in sorted(set(before) & set(after)):
        if sorted(before[key]) == sorted(after[key]):
            continue
        was, now = _fields(before[key]), _fields(after[key])
        change = Change(key)
        for name in sorted(set(was) | set(now)):
            if was.get(name) != now.get(name):
                change.fields.append((name, sorted(was.get(name, set())), sorted(now.get(name, set()))))
        changed.append(change)
    return Diff(sorted(set(after) - set(before)), sorted(set(before) - set(after)), changed)


def _fields(rows: list[tuple[str, str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for part, p, o in rows:
        out[(f"{part} " if part else "") + short(p)].add(short(o))
    return out


def report(result: Diff, old_name: str, new_name: str) -> str:
    """The diff as text for a curator (and for a release note)."""
    lines = [f"{old_name} -> {new_name}: {len(result.added)} added, {len(result.changed)} changed, "
             f"{len(result.retired)} retired"]
    lines += [f"+ {key}" for key in result.added]
    lines += [f"- {key}" for key in result.retired]
    for change in result.changed:
        lines.append(f"~ {change.key}")
        for name, was, now in change.fields:
            lines.append(f"    {name}:")
            lines += [f"      - {v}" for v in was if v not in now]
            lines += [f"      + {v}" for v in now if v not in was]
    return "\n".join(lines) + "\n"
