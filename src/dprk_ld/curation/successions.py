"""Organizations renamed or succeeded: ``succeeded_by`` (and ``succession_date`` when a source
gives it) on an organization of ``data/entities/*.yaml`` (docs/claims-model.md, section 6).

:func:`succession_fields` reads the two fields of one organization; :func:`check_successions`
checks, once every entity is loaded, that the successor is another known organization and that
no chain of successions comes back to where it started.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dprk_ld.curation.dates import Date, parse_date
from dprk_ld.curation.errors import Problem
from dprk_ld.curation.fields import SLUG
from dprk_ld.curation.model import Entity


def succession_fields(item: dict[str, Any], bad: Callable[[str], None]) -> dict[str, Any]:
    """``succeeded_by`` and ``succession_date`` of one organization, as keyword arguments of
    :class:`~dprk_ld.curation.model.Entity`; ``bad`` is told what is wrong with them."""
    successor = item.get("succeeded_by")
    raw_date = item.get("succession_date")
    if successor is not None and (not isinstance(successor, str) or not SLUG.match(successor)):
        bad(f"succeeded_by: {successor!r} is no organization id")
        successor = None
    date: Date | None = None
    if raw_date is not None:
        if successor is None:
            bad("succession_date is given only with succeeded_by")
        try:
            date = parse_date(raw_date)
        except ValueError as exc:
            bad(f"succession_date: {exc}")
    return {"succeeded_by": successor, "succession_date": date}


def check_successions(entities: dict[str, Entity]) -> list[Problem]:
    """Each successor is another organization; a chain of successions never loops."""
    problems: list[Problem] = []
    for e in entities.values():
        if e.succeeded_by is None:
            continue
        other = entities.get(e.succeeded_by)
        if other is None or other.kind != "org":
            what = "unknown organization" if other is None else f"a {other.kind}, not an organization:"
            problems.append(Problem(e.file, f"succeeded_by: {what} {e.succeeded_by!r}", e.id, e.line))
        elif other.id == e.id:
            problems.append(Problem(e.file, "succeeded_by: an organization cannot succeed itself",
                                    e.id, e.line))
        elif _loops(e, entities):
            problems.append(Problem(e.file, "the succeeded_by chain loops", e.id, e.line))
    return problems


def _loops(start: Entity, entities: dict[str, Entity]) -> bool:
    seen = {start.id}
    current = start.succeeded_by
    while current is not None and current in entities:
        if current in seen:
            return True
        seen.add(current)
        current = entities[current].succeeded_by
    return False


def successions(entities: dict[str, Entity]) -> list[tuple[Entity, Entity]]:
    """(organization, its successor) pairs, in the order of the entities."""
    return [(e, entities[e.succeeded_by]) for e in entities.values()
            if e.succeeded_by is not None and e.succeeded_by in entities]


__all__ = ["check_successions", "succession_fields", "successions"]
