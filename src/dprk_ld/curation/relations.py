"""Relations between findings (``refers_to``, ``follows``, ``same_sentence``) and the penalty a
law sets (``penalty``): the finding fields of docs/claims-model.md, sections 4 and 6.

A relation names another finding by its id when both stand in the same source (``veto-2024``),
or by ``<source>/<id>`` when it stands in another one. :func:`check_finding_fields` checks what
one finding can say alone (while it is read); :func:`check_relations` checks, once every finding
is loaded, that each named finding exists and is not the finding itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

from dprk_ld.curation.errors import Problem
from dprk_ld.curation.fields import as_list
from dprk_ld.curation.model import Entity, Finding

#: the relation fields of a finding, in the order pages show them
RELATION_FIELDS = ("refers_to", "follows", "same_sentence")
#: the instruments whose penalty is a penalty in law
LAW_TYPES = frozenset({"law", "decree"})
#: the kinds of finding that may say what penalty a law sets (any finding about a law may too)
PENALTY_KINDS = {"legal-qualification"}
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
REFERENCE = re.compile(rf"^(?:{_SLUG}/)?{_SLUG}$")


def resolve(source: str, reference: str) -> str:
    """The key (``<source>/<id>``) of the finding a relation names from a finding of ``source``."""
    return reference if "/" in reference else f"{source}/{reference}"


def related(f: Finding, name: str) -> list[str]:
    """The keys of the findings that ``f`` names in the relation field ``name``."""
    values: list[str] = getattr(f, name)
    return [resolve(f.source, v) for v in values]


def check_finding_fields(item: dict[str, Any], entities: dict[str, Entity],
                         bad: Callable[[str], None]) -> None:
    """The relation fields hold finding ids; ``penalty`` stands on a legal qualification or on a
    finding about a law or decree (an instrument of type law or decree)."""
    for name in RELATION_FIELDS:
        for value in as_list(item.get(name)):
            if not isinstance(value, str) or not REFERENCE.match(value):
                bad(f"{name}: {value!r} is no finding id (write <id> for a finding of the same "
                    f"source, <source>/<id> for one of another source)")
    if item.get("penalty") in (None, "", []):
        return
    about_law = any(
        isinstance(i, str) and i in entities and entities[i].type in LAW_TYPES
        for i in as_list(item.get("instruments"))
    )
    if item.get("kind") not in PENALTY_KINDS and not about_law:
        bad("penalty (the penalty a law sets) applies only to a legal-qualification finding or to "
            "a finding about a law (instruments: an instrument of type law or decree)")


def failed_findings(problems: Iterable[Problem]) -> set[str]:
    """The keys of the findings that could not be read (they have a problem of their own), and
    ``<source>/*`` for a findings file that could not be read at all: a relation or an event that
    names one of them is not reported again."""
    return {f"{Path(p.file).stem}/{p.item or '*'}" for p in problems
            if Path(p.file).parent.name == "findings"}


def is_known(key: str, known: Collection[str], failed: Collection[str] = ()) -> bool:
    """Whether ``key`` names a finding that was read, or one that :func:`failed_findings` names."""
    return key in known or key in failed or f"{key.split('/', 1)[0]}/*" in failed


def check_relations(findings: Iterable[Finding], failed: Collection[str] = ()) -> list[Problem]:
    """Every finding a relation names exists (or is one of the ``failed`` to read), and is another
    finding."""
    findings = list(findings)
    known = {f.key for f in findings}
    problems: list[Problem] = []
    for f in findings:
        for name in RELATION_FIELDS:
            for reference, key in zip(getattr(f, name), related(f, name), strict=True):
                if key == f.key:
                    problems.append(Problem(f.file, f"{name}: a finding cannot name itself", f.id, f.line))
                elif not is_known(key, known, failed):
                    problems.append(Problem(
                        f.file, f"{name}: unknown finding {reference!r} (no finding {key!r})", f.id, f.line))
    return problems


__all__ = ["PENALTY_KINDS", "RELATION_FIELDS", "check_finding_fields", "check_relations",
           "failed_findings", "is_known", "related", "resolve"]
