"""Scoring candidates against the curated findings of the same source.

**Quotes.** The share of curated quotes that lie wholly inside the quote of some candidate (by
character offsets in the archived text).

**Matching.** Each curated finding is matched to the one candidate whose quotes overlap its
quotes most (the overlap is the number of characters the two share, summed over every pair of a
curated quote and a candidate quote; a tie goes to the earlier candidate). A curated finding that
overlaps no candidate is unmatched. A candidate may be matched by several curated findings: a
curator often makes two or three findings of one sentence.

**Fields.** For each field the suggestions of a candidate are compared with the union of the
values of the curated findings matched to it, as sets: a value in both is a true positive, a
suggested value in no matched finding a false positive, a curated value not suggested a false
negative. Candidates matched by no curated finding are left out (they are what a curator
rejects; their number is reported apart); every value of an unmatched curated finding is a
false negative. Precision is TP / (TP + FP), recall TP / (TP + FN), summed over the source
(1.0 when the denominator is 0). The fields:

* ``places``: place ids of ``places``; ``places-specific`` the same without the places the whole
  dataset covers (``spatial`` of data/dataset.yaml), which every finding is about whether or not a
  curator lists it;
* ``organizations``: the ids of organizations (not persons) in any role: ``according_to``,
  ``perpetrators``, ``actors``, ``targets``, ``addressees``, ``concerns``, ``qualified_by``,
  ``organization``;
* ``violations``: the ids of ``violations``;
* ``dates``: each time as field and value: ``date:2024-07`` (one per date), ``period:2024-01/2024-06``
  (an open end is ``open``), ``as_of:2024``; ``undated`` gives none;
* ``dates-value``: the same times without their field (``2024-07``, ``2024-01/2024-06``,
  ``2024``). Both are scored, and the goal is checked on both. Why the second: for a sentence
  that names no time, the curation format lets a curator write the covered year as ``date`` (a
  thing done that year) or as ``as_of`` (a state that held then), and the curators of our sources
  chose differently for the same wording ("remained hidden in safe houses": ``date`` in
  hrw-wr-2023, ``as_of`` in hrw-wr-2025). ``dates`` counts such a choice as two errors (a false
  positive and a false negative) although the time is right; ``dates-value`` counts whether the
  time is right, and the difference between the two is the share of field choices;
* ``figures``: each figure of ``quantities`` as its number or numbers (value, or min and max, or
  the alternatives), its unit and its qualifier: ``1000 person more-than``.

**Certainty** (and kind) accuracy: the share of curated findings whose matched candidate has the
same certainty (kind); an unmatched finding counts as wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dprk_ld.curation.model import Finding, Quantity

ROLE_FIELDS = (
    "according_to",
    "perpetrators",
    "actors",
    "targets",
    "addressees",
    "concerns",
    "qualified_by",
    "organization",
)
FIELDS = ("places", "places-specific", "organizations", "violations", "dates", "dates-value", "figures")


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, suggested: set[str], curated: set[str]) -> None:
        self.tp += len(suggested & curated)
        self.fp += len(suggested - curated)
        self.fn += len(curated - suggested)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Scores:
    """The scores of one source."""

    source: str
    curated: int
    candidates: int
    quotes: float = 0.0
    unmatched_candidates: int = 0
    certainty: float = 0.0
    kind: float = 0.0
    fields: dict[str, Tally] = field(default_factory=dict)


def _number(v: Decimal | None) -> str:
    return "" if v is None else format(v.normalize(), "f")


def _figure_key(q: Quantity | dict[str, Any]) -> str:
    if isinstance(q, Quantity):
        if q.alternatives:
            nums = "|".join(_number(a) for a in q.alternatives)
        elif q.minimum is not None:
            nums = f"{_number(q.minimum)}-{_number(q.maximum)}"
        else:
            nums = _number(q.value) if q.value is not None else f"#{q.ordinal}"
        return f"{nums} {q.unit} {q.qualifier}"
    if q.get("alternatives"):
        nums = "|".join(_number(Decimal(str(a))) for a in q["alternatives"])
    elif q.get("min") is not None:
        nums = f"{_number(Decimal(str(q['min'])))}-{_number(Decimal(str(q['max'])))}"
    elif q.get("ordinal") is not None:
        nums = f"#{q['ordinal']}"
    else:
        nums = _number(Decimal(str(q.get("value"))))
    return f"{nums} {q.get('unit')} {q.get('qualifier')}"


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def time_values(times: set[str]) -> set[str]:
    """The times without the field that holds them: ``date:2024`` and ``as_of:2024`` are both
    ``2024``, ``period:2020/2023`` is ``2020/2023``."""
    return {t.split(":", 1)[1] for t in times}


def curated_values(f: Finding, org_ids: set[str], spatial: set[str]) -> dict[str, set[str]]:
    """The compared values of a curated finding, per field."""
    times = {f"date:{d}" for d in f.dates}
    if f.period is not None:
        times.add(f"period:{f.period.start or 'open'}/{f.period.end or 'open'}")
    if f.as_of is not None:
        times.add(f"as_of:{f.as_of}")
    orgs = {o for name in ROLE_FIELDS for o in _as_list(getattr(f, name, None)) if o in org_ids}
    return {
        "places": set(f.places),
        "places-specific": set(f.places) - spatial,
        "organizations": orgs,
        "violations": set(f.violations),
        "dates": times,
        "dates-value": time_values(times),
        "figures": {_figure_key(q) for q in f.quantities},
    }


def candidate_values(c: dict[str, Any], org_ids: set[str], spatial: set[str]) -> dict[str, set[str]]:
    """The compared values of a candidate, per field."""
    times = {f"date:{d}" for d in _as_list(c.get("date"))}
    if isinstance(c.get("period"), dict):
        times.add(f"period:{c['period'].get('start') or 'open'}/{c['period'].get('end') or 'open'}")
    if c.get("as_of") is not None:
        times.add(f"as_of:{c['as_of']}")
    orgs = {o for name in ROLE_FIELDS for o in _as_list(c.get(name)) if o in org_ids}
    places = {str(p) for p in _as_list(c.get("places"))}
    return {
        "places": places,
        "places-specific": places - spatial,
        "organizations": orgs,
        "violations": set(_as_list(c.get("violations"))),
        "dates": times,
        "dates-value": time_values(times),
        "figures": {_figure_key(q) for q in _as_list(c.get("quantities")) if isinstance(q, dict)},
    }


def _overlap(f: Finding, c: dict[str, Any]) -> int:
    return sum(max(0, min(q.end, b) - max(q.start, a)) for q in f.quotes for a, b in c["offsets"])


def match(findings: Iterable[Finding], candidates: list[dict[str, Any]]) -> dict[str, int | None]:
    """For each curated finding (by id), the index of the candidate it is matched to, or None."""
    found: dict[str, int | None] = {}
    for f in findings:
        best, best_overlap = None, 0
        for i, c in enumerate(candidates):
            overlap = _overlap(f, c)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        found[f.id] = best
    return found


def score(
    source: str,
    findings: list[Finding],
    candidates: list[dict[str, Any]],
    org_ids: set[str],
    spatial: set[str],
) -> Scores:
    """The scores of the candidates of one source against its curated findings."""
    result = Scores(source, len(findings), len(candidates))
    quotes = [q for f in findings for q in f.quotes]
    inside = sum(
        any(a <= q.start and q.end <= b for c in candidates for a, b in c["offsets"]) for q in quotes
    )
    result.quotes = inside / len(quotes) if quotes else 1.0
    matched = match(findings, candidates)
    gold: dict[int, dict[str, set[str]]] = {}
    result.fields = {name: Tally() for name in FIELDS}
    same_certainty = same_kind = 0
    for f in findings:
        values = curated_values(f, org_ids, spatial)
        i = matched[f.id]
        if i is None:
            for name in FIELDS:
                result.fields[name].add(set(), values[name])
            continue
        same_certainty += candidates[i].get("certainty") == f.certainty
        same_kind += candidates[i].get("kind") == f.kind
        union = gold.setdefault(i, {name: set() for name in FIELDS})
        for name in FIELDS:
            union[name] |= values[name]
    for i, union in gold.items():
        suggested = candidate_values(candidates[i], org_ids, spatial)
        for name in FIELDS:
            result.fields[name].add(suggested[name], union[name])
    result.unmatched_candidates = len(candidates) - len(gold)
    result.certainty = same_certainty / len(findings) if findings else 1.0
    result.kind = same_kind / len(findings) if findings else 1.0
    return result


GOALS = {
    "quotes": 0.95,
    "places-specific": (0.8, 0.7),
    "violations": (0.7, 0.6),
    "dates": (0.9, 0.9),
    "dates-value": (0.9, 0.9),
    "figures": (0.9, 0.9),
}


def misses(s: Scores) -> list[str]:
    """The goals a source's scores miss."""
    out = [f"quotes {s.quotes:.2f} < {GOALS['quotes']}"] if s.quotes < 0.95 else []
    for name in ("places-specific", "violations", "dates", "dates-value", "figures"):
        p_goal, r_goal = GOALS[name]  # type: ignore[misc]
        t = s.fields[name]
        if t.precision < p_goal:
            out.append(f"{name} precision {t.precision:.2f} < {p_goal}")
        if t.recall < r_goal:
            out.append(f"{name} recall {t.recall:.2f} < {r_goal}")
    return out


def report(s: Scores) -> str:
    """The scores as lines of text."""
    lines = [
        f"{s.source}: {s.curated} curated findings, {s.candidates} candidates "
        f"({s.unmatched_candidates} matched by no curated finding)",
        f"  quotes found inside candidates: {s.quotes:.3f}",
        f"  certainty accuracy: {s.certainty:.3f}   kind accuracy: {s.kind:.3f}",
    ]
    for name, t in s.fields.items():
        lines.append(
            f"  {name:16} precision {t.precision:.3f}  recall {t.recall:.3f}  "
            f"(tp {t.tp}, fp {t.fp}, fn {t.fn})"
        )
    missed = misses(s)
    lines.append("  goals: " + ("all met" if not missed else "missed: " + "; ".join(missed)))
    return "\n".join(lines)
