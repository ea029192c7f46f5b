"""Suggest: what a client completes as a user types, for entities, types and properties.

A prefix is compared by its key (:mod:`~dprk_ld.reconciliation.names`). Entities whose name
starts with it come first, then those with a later word of a name that does ("Jong" finds "Kim
Jong Un"), then findings whose summary has such a word; within each group, shorter names
first. ``cursor`` skips that many results (the next page), ``limit`` bounds a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dprk_ld.reconciliation.index import Entry, NameIndex
from dprk_ld.reconciliation.kinds import KINDS, PROPERTIES, Kind, prop_record, type_record
from dprk_ld.reconciliation.names import key, words


def rank(prefix_key: str, names: Iterable[Sequence[str]]) -> int | None:
    """0 when one of ``names`` (each given by its words) starts with the prefix, 1 when a later
    word of one does, else None. An empty prefix ranks everything 0."""
    best: int | None = None
    for name_words in names:
        if "".join(name_words).startswith(prefix_key):
            return 0
        if any("".join(name_words[i:]).startswith(prefix_key) for i in range(1, len(name_words))):
            best = 1
    return best


def _entry_rank(entry: Entry, prefix_key: str) -> int | None:
    found = rank(prefix_key, (n.words for n in entry.names))
    if found is None and entry.summary_key:
        summary = entry.values.get("summary", ())
        if summary and rank(prefix_key, [words(summary[0].text)]) is not None:
            return 2
    return found


def _page(ranked: list[tuple[int, str, Any]], cursor: int, limit: int) -> list[Any]:
    ranked.sort(key=lambda r: (r[0], len(r[1]), r[1].casefold()))
    return [record for _, _, record in ranked[cursor: cursor + limit]]


def suggest_entities(index: NameIndex, prefix: str, kinds: Sequence[Kind], cursor: int,
                     limit: int) -> dict[str, Any]:
    """Entities whose names (or, for findings, summaries) complete ``prefix``."""
    prefix_key = key(prefix)
    ranked: list[tuple[int, str, Any]] = []
    for entry in index.of_kinds(kinds):
        found = _entry_rank(entry, prefix_key)
        if found is not None:
            record: dict[str, Any] = {"id": entry.iri, "name": entry.name}
            if entry.description:
                record["description"] = entry.description
            record["notable"] = entry.types()
            ranked.append((found, entry.name, record))
    return {"result": _page(ranked, cursor, limit)}


def suggest_types(prefix: str, cursor: int, limit: int) -> dict[str, Any]:
    """The types whose name (or short name) completes ``prefix``."""
    prefix_key = key(prefix)
    ranked = [(found, kind.name, type_record(kind)) for kind in KINDS
              if (found := rank(prefix_key, [words(kind.name), words(kind.short)])) is not None]
    return {"result": _page(ranked, cursor, limit)}


def suggest_properties(prefix: str, cursor: int, limit: int) -> dict[str, Any]:
    """The properties whose name (or id) completes ``prefix``."""
    prefix_key = key(prefix)
    ranked = [(found, prop.name, prop_record(prop)) for prop in PROPERTIES
              if (found := rank(prefix_key, [words(prop.name), words(prop.id)])) is not None]
    return {"result": _page(ranked, cursor, limit)}


__all__ = ["rank", "suggest_entities", "suggest_properties", "suggest_types"]
