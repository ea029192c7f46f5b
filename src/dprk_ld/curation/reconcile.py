"""Reconciliation: candidate links to Wikidata for a curator to review (``dprk-ld link``).

For each entity without a link yet, a SPARQL endpoint (Wikidata's by default) is asked through
SPARQLWrapper for items whose English label or alias is one of the entity's names (or whose Korean
label is its Korean name), with their description and classes; each candidate gets a score, and
the candidates are merged into the review file (data/reference/links-review.tsv), keeping every
row and decision already there. :mod:`dprk_ld.curation.links` reads the accepted rows back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dprk_ld.curation.links import ID_PATTERN, read_rows
from dprk_ld.curation.model import Entity, ExternalLink

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = "dprk-ld-link/0.1 (https://w3id.org/dprk-ld/; reconciliation for curators)"
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
    rows: list[dict[str, str]] = [row for _, row in read_rows(path)] if path.is_file() else []
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


def entities_to_ask(
    entities: dict[str, Entity],
    links: Iterable[ExternalLink],
    kinds: Collection[str] = LINKABLE_KINDS,
    only: Collection[str] | None = None,
    limit: int = 0,
) -> list[Entity]:
    """The entities of ``kinds`` without a Wikidata link yet (only those of ``only`` if given),
    by id, at most ``limit`` of them (0: all)."""
    done = linked_entities(entities, links)
    wanted = [e for e in sorted(entities.values(), key=lambda e: e.id)
              if e.kind in kinds and e.id not in done and (not only or e.id in only)]
    return wanted[:limit] if limit else wanted


__all__ = ["LINKABLE_KINDS", "WIKIDATA_ENDPOINT", "Candidate", "candidate_query", "entities_to_ask",
           "linked_entities", "merge_review", "query_candidates", "score", "sparql_string"]
