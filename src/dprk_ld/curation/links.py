"""Links out: the checked external identifiers the build publishes, and `dprk-ld link`.

Two files under ``data/reference/`` hold links the build publishes (``owl:sameAs`` for the same
real-world thing, ``skos:exactMatch``/``skos:closeMatch`` for concepts):

* ``external-ids-checked.tsv``: identifiers a person checked against a cited public source
  (columns ``entity system id source says``, optional ``relation``);
* ``links-review.tsv``: what ``dprk-ld link`` found, one candidate a row, for a curator to mark
  ``accept`` or ``reject`` in the ``decision`` column. Accepted rows are published; the endpoint
  that answered and the candidate's label and description are their source.

``dprk-ld link`` asks a SPARQL endpoint (Wikidata's by default) through SPARQLWrapper for items
whose English label or alias is one of an entity's names, with their description and classes, and
writes the candidates of entities that have no link yet into the review file, keeping every
decision already taken.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dprk_ld.curation.errors import Problem
from dprk_ld.curation.model import Entity, ExternalLink

CHECKED_FILE = Path("data/reference/external-ids-checked.tsv")
REVIEW_FILE = Path("data/reference/links-review.tsv")
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = "dprk-ld-link/0.1 (https://w3id.org/dprk-ld/; reconciliation for curators)"
ID_PATTERN = {"wikidata": re.compile(r"^Q[1-9][0-9]*$"), "geonames": re.compile(r"^[1-9][0-9]*$")}
RELATIONS = {"sameAs", "exactMatch", "closeMatch"}
DECISIONS = {"", "accept", "reject"}
REVIEW_COLUMNS = ["entity", "kind", "label", "system", "id", "candidate_label", "candidate_description",
                  "candidate_classes", "relation", "score", "decision", "endpoint", "retrieved"]
#: words in a candidate's class labels that fit each kind of entity (scores, never filters)
KIND_WORDS = {
    "place": ("country", "state", "city", "province", "county", "region", "capital", "municipality",
              "prefecture", "territory", "administrative", "settlement", "peninsula"),
    "org": ("organization", "organisation", "agency", "body", "party", "ministry", "government",
            "council", "committee", "court", "union", "programme", "office", "parliament", "army"),
    "person": ("human",),
    "instrument": ("treaty", "convention", "covenant", "law", "resolution", "act", "charter"),
}
LINKABLE_KINDS = ("place", "org", "person", "instrument")


# --- the link files ----------------------------------------------------------------------------


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
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
        for line, row in _rows(path):
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


# --- reconciliation ----------------------------------------------------------------------------


def sparql_string(text: str) -> str:
    """A SPARQL string literal for ``text`` (the only way a name enters the query text)."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def names_of(e: Entity) -> list[str]:
    names = [e.label, *e.alt]
    return [n for i, n in enumerate(names) if n and n not in names[:i]][:8]


def candidate_query(e: Entity, limit: int = 10) -> str:
    """Items whose English label or alias is one of the entity's names (or its Korean name)."""
    values = " ".join(sparql_string(n) + "@en" for n in names_of(e))
    if e.ko:
        values += " " + sparql_string(e.ko) + "@ko"
    return (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX schema: <http://schema.org/>\n"
        "PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
        "SELECT ?item ?name ?label ?description\n"
        "       (GROUP_CONCAT(DISTINCT ?classLabel; separator=\"; \") AS ?classes)\n"
        "WHERE {\n"
        f"  VALUES ?name {{ {values} }}\n"
        "  { ?item rdfs:label ?name } UNION { ?item skos:altLabel ?name }\n"
        "  OPTIONAL { ?item rdfs:label ?label FILTER(LANG(?label) = \"en\") }\n"
        "  OPTIONAL { ?item schema:description ?description FILTER(LANG(?description) = \"en\") }\n"
        "  OPTIONAL { ?item wdt:P31 ?class .\n"
        "             ?class rdfs:label ?classLabel FILTER(LANG(?classLabel) = \"en\") }\n"
        "}\n"
        f"GROUP BY ?item ?name ?label ?description\nLIMIT {int(limit)}"
    )


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    id: str
    label: str
    description: str
    classes: str
    score: float


def score(e: Entity, label: str, matched: str, classes: str) -> float:
    """1.0 for the entity's own label, 0.8 for another of its names; +0.1 when a class fits."""
    value = 1.0 if matched == e.label or label == e.label else 0.8
    words = KIND_WORDS.get(e.kind, ())
    if any(w in classes.lower() for w in words):
        value += 0.1
    return round(value, 2)


def query_candidates(e: Entity, endpoint: str, timeout: float = 30.0) -> list[Candidate]:
    """Ask the endpoint (through SPARQLWrapper) for the candidates of one entity."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(timeout))
    client.setQuery(candidate_query(e))
    result: Any = client.queryAndConvert()
    found: dict[str, Candidate] = {}
    for b in result["results"]["bindings"]:
        iri = b["item"]["value"]
        qid = iri.rsplit("/", 1)[-1]
        if not ID_PATTERN["wikidata"].match(qid):
            continue
        label = b.get("label", {}).get("value", "")
        classes = b.get("classes", {}).get("value", "")
        cand = Candidate(e, qid, label, b.get("description", {}).get("value", ""), classes,
                         score(e, label, b.get("name", {}).get("value", ""), classes))
        if qid not in found or cand.score > found[qid].score:
            found[qid] = cand
    return sorted(found.values(), key=lambda c: (-c.score, c.id))


def linked_entities(entities: dict[str, Entity], links: Iterable[ExternalLink]) -> set[str]:
    done = {e.id for e in entities.values() if e.wikidata}
    done.update(link.entity for link in links if link.system == "wikidata")
    return done


def merge_review(path: Path, candidates: Sequence[Candidate], endpoint: str, retrieved: str) -> int:
    """Add new candidates to the review file, keeping the rows (and decisions) already there."""
    rows: list[dict[str, str]] = [row for _, row in _rows(path)] if path.is_file() else []
    seen = {(r.get("entity"), r.get("system"), r.get("id")) for r in rows}
    added = 0
    for c in candidates:
        key = (c.entity.id, "wikidata", c.id)
        if key in seen:
            continue
        seen.add(key)
        rows.append({
            "entity": c.entity.id, "kind": c.entity.kind, "label": c.entity.label, "system": "wikidata",
            "id": c.id, "candidate_label": c.label, "candidate_description": c.description,
            "candidate_classes": c.classes, "relation": "sameAs", "score": f"{c.score:.2f}",
            "decision": "", "endpoint": endpoint, "retrieved": retrieved,
        })
        added += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    rows.sort(key=lambda r: (r.get("entity", ""), -float(r.get("score") or 0), r.get("id", "")))
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Candidate links found by `dprk-ld link`. Check each against its source; write accept or\n"
                 "# reject in the 'decision' column. Accepted rows are published by the next build.\n")
        fh.write("\t".join(REVIEW_COLUMNS) + "\n")
        for r in rows:
            fh.write("\t".join(_clean(r.get(col, "")) for col in REVIEW_COLUMNS) + "\n")
    return added


def _clean(value: str) -> str:
    return " ".join(str(value).split())


def link_command(args: argparse.Namespace) -> int:
    from dprk_ld.curation.errors import DataError
    from dprk_ld.curation.load import load_project

    root = Path(args.root).resolve()
    try:
        project = load_project(root)
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    kinds = set(args.kinds.split(",")) if args.kinds else set(LINKABLE_KINDS)
    done = linked_entities(project.entities, project.links)
    wanted = [e for e in sorted(project.entities.values(), key=lambda e: e.id)
              if e.kind in kinds and e.id not in done and (not args.only or e.id in args.only)]
    if args.limit:
        wanted = wanted[: args.limit]
    retrieved = dt.date.today().isoformat()
    found: list[Candidate] = []
    failures = 0
    for e in wanted:
        try:
            cands = query_candidates(e, args.endpoint, args.timeout)
        except Exception as exc:  # a network or endpoint error for one entity: report, go on
            failures += 1
            print(f"{e.id}: the endpoint failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        found.extend(cands[: args.per_entity])
        print(f"{e.id}: {len(cands)} candidate(s)", file=sys.stderr)
    out = Path(args.out) if args.out else root / REVIEW_FILE
    added = merge_review(out, found, args.endpoint, retrieved)
    print(f"{len(wanted)} entities asked, {added} new candidate rows in {out}"
          + (f", {failures} failed" if failures else ""))
    return 1 if failures and failures == len(wanted) else 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--endpoint", default=WIKIDATA_ENDPOINT, help="SPARQL endpoint (default: Wikidata's)")
    p.add_argument("--out", help=f"review file (default: <root>/{REVIEW_FILE})")
    p.add_argument("--kinds", help=f"entity kinds to reconcile (default: {','.join(LINKABLE_KINDS)})")
    p.add_argument("--only", nargs="*", help="only these entity ids")
    p.add_argument("--limit", type=int, default=0, help="ask about this many entities at most")
    p.add_argument("--per-entity", type=int, default=5, help="candidates kept per entity (default 5)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per query (default 30)")


__all__ = ["Candidate", "candidate_query", "check_links", "link_command", "merge_review", "read_links",
           "sparql_string"]
