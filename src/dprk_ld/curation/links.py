"""Links out: the checked external identifiers the build publishes.

Two files under ``data/reference/`` hold links the build publishes (``owl:sameAs`` for the same
real-world thing, ``skos:exactMatch``/``skos:closeMatch`` for concepts):

* ``external-ids-checked.tsv``: identifiers a person checked against a cited public source
  (columns ``entity system id source says``, optional ``relation``);
* ``links-review.tsv``: what ``dprk-ld link`` found, one candidate a row, for a curator to mark
  ``accept`` or ``reject`` in the ``decision`` column. Accepted rows are published; the endpoint
  that answered and the candidate's label and description are their source.

This module reads and checks both files; :mod:`dprk_ld.curation.reconcile` finds the candidates
of the review file (``dprk-ld link``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

from dprk_ld.curation.errors import Problem
from dprk_ld.curation.model import Entity, ExternalLink

CHECKED_FILE = Path("data/reference/external-ids-checked.tsv")
REVIEW_FILE = Path("data/reference/links-review.tsv")
ID_PATTERN = {"wikidata": re.compile(r"^Q[1-9][0-9]*$"), "geonames": re.compile(r"^[1-9][0-9]*$")}
RELATIONS = {"sameAs", "exactMatch", "closeMatch"}
DECISIONS = {"", "accept", "reject"}


# --- the link files ----------------------------------------------------------------------------


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a TSV file with '#' comment lines and a header line."""
    numbered = [(n, line) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.strip() and not line.startswith("#")]
    if not numbered:
        return []
    reader = csv.DictReader([line for _, line in numbered], delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(numbered[i + 1][0], {k: (v or "").strip() for k, v in row.items() if k})
            for i, row in enumerate(reader)]


def read_links(root: Path) -> tuple[list[ExternalLink], list[Problem]]:
    """The links to publish, from both files, and the problems found reading them."""
    links: list[ExternalLink] = []
    problems: list[Problem] = []
    for rel, reviewed in ((CHECKED_FILE, False), (REVIEW_FILE, True)):
        path = root / rel
        if not path.is_file():
            continue
        for line, row in read_rows(path):
            def bad(message: str, row: dict[str, str] = row, line: int = line, rel: Path = rel) -> None:
                problems.append(Problem(str(rel), message, row.get("entity") or None, line))

            if reviewed:
                decision = row.get("decision", "")
                if decision not in DECISIONS:
                    bad(f"decision {decision!r} is not one of accept, reject or empty")
                    continue
                if decision != "accept":
                    continue
                source = f"{row.get('endpoint', '')} ({row.get('retrieved', '')})"
            else:
                source = row.get("source", "")
                if not row.get("says"):
                    bad("say what the source says (column 'says')")
            entity, system, ident = row.get("entity", ""), row.get("system", ""), row.get("id", "")
            if system not in ID_PATTERN:
                bad(f"system {system!r} is not one of {sorted(ID_PATTERN)}")
                continue
            if not ID_PATTERN[system].match(ident):
                bad(f"{ident!r} is not a {system} identifier")
                continue
            if not source.strip(" ()") or not entity:
                bad("a link needs an entity and a source")
                continue
            relation = row.get("relation") or ("exactMatch" if "/" in entity else "sameAs")
            if relation not in RELATIONS:
                bad(f"relation {relation!r} is not one of {sorted(RELATIONS)}")
                continue
            links.append(ExternalLink(entity, system, ident, relation, source, str(rel)))
    return links, problems


def check_links(links: Sequence[ExternalLink], entities: dict[str, Entity],
                concepts: dict[str, set[str]]) -> list[Problem]:
    """Every link names a known entity or concept, with a relation that fits it, and no identifier
    stands for two different things."""
    problems: list[Problem] = []
    owner: dict[tuple[str, str], str] = {}
    for e in entities.values():
        for system, value in (("wikidata", e.wikidata), ("geonames", e.geonames)):
            if value:
                owner[(system, value)] = e.id
    for link in links:
        def bad(message: str, link: ExternalLink = link) -> None:
            problems.append(Problem(link.file, message, link.entity))

        if "/" in link.entity:
            scheme, _, cid = link.entity.partition("/")
            if cid not in concepts.get(scheme, set()):
                bad(f"unknown concept {link.entity!r} (write <scheme>/<concept id>)")
            elif link.relation == "sameAs":
                bad("a concept is linked with exactMatch or closeMatch, not sameAs")
            continue
        if link.entity not in entities:
            bad(f"unknown entity {link.entity!r}")
            continue
        if link.relation != "sameAs":
            bad("a place, organization, person or instrument is linked with sameAs")
            continue
        key = (link.system, link.id)
        if owner.setdefault(key, link.entity) != link.entity:
            bad(f"{link.system} id {link.id!r} is also given to {owner[key]!r}")
    return problems


__all__ = ["CHECKED_FILE", "REVIEW_FILE", "check_links", "read_links", "read_rows"]
