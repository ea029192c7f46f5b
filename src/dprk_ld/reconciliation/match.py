"""Candidates for a query, their scores, and the rule that makes one of them a match.

**Scores** (0 to 100), on the keys of :mod:`~dprk_ld.reconciliation.names`:

* 100: the query's key is the key of one of the entity's preferred names (``skos:prefLabel``,
  ``rdfs:label``, ``foaf:name``, ``dcterms:title``, in any language, Hangul included) or of a
  finding's summary;
* 95: it is the key of one of its other names (``skos:altLabel``, ``skos:hiddenLabel``,
  romanizations, ``dcterms:identifier``);
* otherwise 90 times the similarity of the closest name: the largest of the overlap of their
  words (Dice), 0.8 times the share of the query's words the name holds, and the similarity
  of their keys (``difflib``), so never 90 or more; for a
  finding, also 65 times the share of the query's words its summary holds (each word weighted by
  how rare it is among the summaries), whichever is higher.

**Properties** given with a query are checked against the candidate's values (ids and names
compared by key; an IRI also by its last segment, so ``Q423`` meets ``wd:Q423``): a candidate
whose values contradict one is dropped, and each property it has no value for lowers its score
by :data:`UNCHECKED_PENALTY`. A query with properties and no text returns every entity of its
types that has all of them, at 100.

**Match**: a candidate is a match only when its name is an exact match (100 or 95; for a query
without text, an identifying property such as ``wikidata`` holds), every property given was
verified, and no other candidate of the query is exact too: two entities that share the name
asked for ("Russia" the country and "Russia" the government) are both left for a person to
choose. Candidates scoring under :data:`MIN_SCORE` are not returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from dprk_ld.reconciliation.index import Entry, Name, NameIndex, Value
from dprk_ld.reconciliation.inputs import Constraint, Given, Query
from dprk_ld.reconciliation.names import key, words

PREFERRED_EXACT = 100.0
OTHER_EXACT = 95.0
SIMILAR_TOP = 90.0
SUMMARY_TOP = 65.0
UNCHECKED_PENALTY = 10.0
MIN_SCORE = 55.0
#: the weight of a name holding every word of the query among others ("Kim": "Kim Jong Un")
CONTAINED = 0.8
#: an IRI or a prefixed name (``wd:Q423``): a scheme or prefix, a colon, no spaces
IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


@dataclass
class Scored:
    entry: Entry
    score: float
    exact: bool
    similarity: float
    verified: int = 0
    unchecked: int = 0


# --- names --------------------------------------------------------------------------------------


def dice(a: Iterable[str], b: Iterable[str]) -> float:
    """The overlap of two sets of words: 2|A∩B| / (|A| + |B|)."""
    sa, sb = set(a), set(b)
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa and sb else 0.0


def similarity(qkey: str, qwords: tuple[str, ...], names: Iterable[Name], floor: float) -> float:
    """How close a query comes to the closest of ``names`` (0 to 1): the overlap of their words,
    :data:`CONTAINED` times the share of the query's words the name holds, or the similarity of
    their keys, whichever is highest; keys are compared only when they could beat ``floor`` and
    the best so far."""
    best = 0.0
    wanted = set(qwords)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(qkey)
    for name in names:
        held = len(wanted.intersection(name.words))
        if held:
            best = max(best, dice(wanted, name.words), CONTAINED * held / len(wanted))
        matcher.set_seq1(name.key)
        bar = max(best, floor)
        if matcher.real_quick_ratio() > bar and matcher.quick_ratio() > bar:
            best = max(best, matcher.ratio())
    return best


def name_score(entry: Entry, qkey: str, qwords: tuple[str, ...],
               index: NameIndex) -> tuple[float, bool, float]:
    """(score, exact, similarity) of ``entry`` for a query text: see the module's docstring."""
    for name in entry.names:
        if name.key == qkey:
            return (PREFERRED_EXACT if name.preferred else OTHER_EXACT), True, 1.0
    if entry.summary_key and entry.summary_key == qkey:
        return PREFERRED_EXACT, True, 1.0
    best = similarity(qkey, qwords, entry.names, MIN_SCORE / SIMILAR_TOP)
    score = SIMILAR_TOP * best
    if entry.summary_words:
        score = max(score, SUMMARY_TOP * summary_share(entry.summary_words, qwords, index))
    return round(min(score, SIMILAR_TOP - 0.1), 1), False, round(best, 3)


def summary_share(summary: frozenset[str], qwords: tuple[str, ...], index: NameIndex) -> float:
    """The share of the query's words (each weighted by how rare it is among the summaries)
    that a summary holds."""
    wanted = set(qwords)
    held = wanted & summary
    if not held:
        return 0.0
    total = sum(index.idf.get(w, index.rarest) for w in wanted)
    return sum(index.idf[w] for w in held) / total


# --- properties ---------------------------------------------------------------------------------


def forms(text: str | None) -> set[str]:
    """The keys a value is compared by: its key, and for an IRI (or ``wd:Q423``) the key of its
    last segment too."""
    if not text:
        return set()
    found = {key(text)}
    if IRI_RE.fullmatch(text.strip()):
        found.add(key(text.strip().rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]))
    return found - {""}


def _value_forms(values: Iterable[Value]) -> set[str]:
    found: set[str] = set()
    for value in values:
        found |= forms(value.text) | forms(value.id) | ({value.id} if value.id else set())
    return found


def check(entry: Entry, constraint: Constraint) -> bool | None:
    """Whether ``entry`` has one of the values given for a property: True, False (it has values,
    none of them given), or None (it has no value to check)."""
    values = entry.values.get(constraint.prop.id, ())
    if not values:
        return None
    have = _value_forms(values)
    return any(_given_forms(g) & have for g in constraint.values)


def _given_forms(given: Given) -> set[str]:
    return forms(given.text) | forms(given.id) | ({given.id} if given.id else set())


def _apply(scored: Scored, constraints: tuple[Constraint, ...]) -> Scored | None:
    for constraint in constraints:
        verdict = check(scored.entry, constraint)
        if verdict is False:
            return None
        if verdict is None:
            scored.unchecked += 1
            scored.score = max(0.0, scored.score - UNCHECKED_PENALTY)
        else:
            scored.verified += 1
    return scored


# --- a query ------------------------------------------------------------------------------------


def candidates(index: NameIndex, query: Query) -> list[Scored]:
    """Every candidate of ``query`` (best first, not cut to its limit)."""
    pool = index.of_kinds(query.kinds, query.every_kind)
    found: list[Scored] = []
    if query.text:
        qkey, qwords = key(query.text), words(query.text)
        for entry in pool:
            score, exact, close = name_score(entry, qkey, qwords, index)
            if score >= MIN_SCORE:
                kept = _apply(Scored(entry, score, exact, close), query.constraints)
                if kept is not None and kept.score >= MIN_SCORE:
                    found.append(kept)
    else:
        identifying = any(c.prop.identifying for c in query.constraints)
        for entry in pool:
            kept = _apply(Scored(entry, PREFERRED_EXACT, identifying, 0.0), query.constraints)
            if kept is not None and not kept.unchecked:
                found.append(kept)
    # at one score: exact names first, then entities before the findings that mention them
    found.sort(key=lambda s: (-s.score, not s.exact, s.entry.is_a("finding"),
                              s.entry.name.casefold(), s.entry.iri))
    return found


def is_match(scored: Scored, others: list[Scored]) -> bool:
    """The match rule of the module's docstring."""
    if not scored.exact or scored.unchecked:
        return False
    return sum(1 for s in others if s.exact and not s.unchecked) == 1


def candidate_record(scored: Scored, match: bool) -> dict[str, Any]:
    """A candidate as the API writes it."""
    record: dict[str, Any] = {"id": scored.entry.iri, "name": scored.entry.name}
    if scored.entry.description:
        record["description"] = scored.entry.description
    record.update({
        "score": scored.score,
        "match": match,
        "type": scored.entry.types(),
        "features": [
            {"id": "name_exact", "value": scored.exact},
            {"id": "name_similarity", "value": scored.similarity},
            {"id": "properties_verified", "value": scored.verified},
            {"id": "properties_unchecked", "value": scored.unchecked},
        ],
    })
    return record


def reconcile(index: NameIndex, query: Query) -> dict[str, Any]:
    """The answer to one query: ``{"result": [candidates]}``."""
    found = candidates(index, query)
    return {"result": [candidate_record(s, is_match(s, found)) for s in found[: query.limit]]}


def reconcile_batch(index: NameIndex, batch: dict[str, Query]) -> dict[str, Any]:
    """The answer to a batch of queries, by their keys."""
    return {name: reconcile(index, query) for name, query in batch.items()}


__all__ = ["MIN_SCORE", "Scored", "candidates", "check", "forms", "is_match", "name_score",
           "reconcile", "reconcile_batch", "similarity"]
