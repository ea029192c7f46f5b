"""A coverage report of the curated findings (`dprk-ld stats` prints it)."""

from __future__ import annotations

from collections import Counter

from dprk_ld.curation.coverage import sentences, uncovered
from dprk_ld.curation.dates import years_of
from dprk_ld.curation.model import Project


def compute(project: Project) -> dict[str, dict[str, int]]:
    """Counts of findings per source, kind, violation type, year (the years their own times touch;
    "undated" for those without one) and certainty, and quote coverage."""
    per_source: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    per_violation: Counter[str] = Counter()
    per_year: Counter[str] = Counter()
    per_certainty: Counter[str] = Counter()
    for f in project.findings:
        per_source[f.source] += 1
        per_kind[f.kind] += 1
        per_certainty[f.certainty] += 1
        for v in dict.fromkeys(f.violations):  # once each, in the order given (ties stay in order)
            per_violation[v] += 1
        for y in sorted({y for when in f.times for y in years_of(when)}):
            per_year[str(y)] += 1
        if f.undated is not None or not f.times:
            per_year["undated"] += 1
    coverage = {}
    for sid in sorted(project.sources):
        total = len(sentences(project.sources[sid]))
        coverage[sid] = total - len(uncovered(project, sid))
    return {
        "findings per source": dict(sorted(per_source.items())),
        "findings per kind": dict(per_kind.most_common()),
        "findings per violation type": dict(per_violation.most_common()),
        "findings per year": dict(sorted(per_year.items())),
        "findings per certainty": dict(per_certainty.most_common()),
        "sentences quoted per source": coverage,
        "sentences per source": {
            sid: len(sentences(project.sources[sid])) for sid in sorted(project.sources)
        },
    }
