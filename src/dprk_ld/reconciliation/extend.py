"""Data extension: the properties a client may add as columns, and their values for the
entities of reconciled cells.

A property that holds entities (:attr:`~kinds.Prop.ref`: a finding's source and places, a
place's container, the findings about an entity) is written as reconciled cells,
``{"id": IRI, "name": ...}``, and its ``meta`` names the type of those cells; every other one as
strings (``{"str": ...}``). An id the release does not know gets no values. Each property may
be given a ``limit`` setting (the number of values per row, 0 for all).
"""

from __future__ import annotations

from typing import Any

from dprk_ld.reconciliation.index import NameIndex, Value
from dprk_ld.reconciliation.inputs import BadInput, Extension
from dprk_ld.reconciliation.kinds import PROPERTIES, Prop, kind_of, prop_record

#: the settings a client may give each property (the manifest's ``property_settings``)
PROPERTY_SETTINGS: list[dict[str, Any]] = [
    {"name": "limit", "label": "Limit", "type": "number", "default": 0,
     "help_text": "Values per row at most (0 for all of them)."},
]


def propose_properties(type_id: str | None, limit: int) -> dict[str, Any]:
    """The properties entities of a type have (every property without a type)."""
    kind = kind_of(type_id) if type_id else None
    if type_id and kind is None:
        raise BadInput("type", f"Unknown type {type_id[:100]!r}.")
    found = [prop_record(p) for p in PROPERTIES if p.applies_to(kind)][:limit]
    answer: dict[str, Any] = {"properties": found, "limit": limit}
    if kind is not None:
        answer["type"] = kind.iri
    return answer


def meta(prop: Prop) -> dict[str, Any]:
    """The column a property makes: its id, name and, for entities, their type."""
    record: dict[str, Any] = {"id": prop.id, "name": prop.name}
    target = kind_of(prop.ref) if prop.ref else None
    if target is not None:
        record["type"] = target.as_type()
    return record


def cell(prop: Prop, value: Value) -> dict[str, Any]:
    """One value as a cell: a reconciled entity, or a string."""
    if prop.ref and value.id:
        return {"id": value.id, "name": value.text}
    return {"str": value.text}


def extend(index: NameIndex, request: Extension) -> dict[str, Any]:
    """The values of the requested properties for each id: ``{"meta": [...], "rows": {...}}``."""
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for iri in request.ids:
        entry = index.get(iri)
        row: dict[str, list[dict[str, Any]]] = {}
        for prop, limit in request.props:
            values = entry.values.get(prop.id, ()) if entry is not None else ()
            row[prop.id] = [cell(prop, v) for v in (values[:limit] if limit else values)]
        rows[iri] = row
    return {"meta": [meta(prop) for prop, _ in request.props], "rows": rows}


__all__ = ["PROPERTY_SETTINGS", "cell", "extend", "meta", "propose_properties"]
