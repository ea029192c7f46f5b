"""`dprk-ld stats`: a coverage report of the curated findings."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from dprk_ld.curation.coverage import sentences, uncovered
from dprk_ld.curation.errors import DataError
from dprk_ld.curation.load import load_project
from dprk_ld.curation.model import Project


def compute(project: Project) -> dict[str, dict[str, int]]:
    """Counts of findings per source, kind, violation type, year and certainty, and quote coverage."""
    per_source: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    per_violation: Counter[str] = Counter()
    per_year: Counter[str] = Counter()
    per_certainty: Counter[str] = Counter()
    for f in project.findings:
        per_source[f.source] += 1
        per_kind[f.kind] += 1
        per_certainty[f.certainty] += 1
        for v in set(f.violations):
            per_violation[v] += 1
        for y in f.years(project.sources[f.source].covers):
            per_year[str(y)] += 1
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


def stats_command(root: Path, fmt: str = "text") -> int:
    try:
        project = load_project(root)
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    data = compute(project)
    if fmt == "json":
        print(json.dumps(data, indent=1))
        return 0
    print(
        f"{len(project.findings)} findings, {sum(len(f.quotes) for f in project.findings)} quotes, "
        f"{len(project.entities)} entities, {len(project.sources)} sources"
    )
    for title, counts in data.items():
        if title == "sentences per source":
            continue
        print(f"\n{title}:")
        width = max((len(k) for k in counts), default=0)
        for key, n in counts.items():
            extra = f" of {data['sentences per source'][key]}" if title.startswith("sentences quoted") else ""
            print(f"  {key.ljust(width)}  {n:>4}{extra}")
    return 0
