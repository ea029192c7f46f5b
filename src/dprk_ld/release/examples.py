"""The example queries in queries/: each a SPARQL file whose header gives a title and a description."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExampleQuery:
    id: str
    title: str
    description: str
    text: str


def read_query_file(path: Path) -> ExampleQuery:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        if value:
            meta[key.strip().lower()] = value.strip()
    if "title" not in meta or "description" not in meta:
        raise ValueError(f"{path}: the header needs '# title:' and '# description:' lines")
    return ExampleQuery(path.stem, meta["title"], meta["description"], text)


def load_queries(folder: Path) -> list[ExampleQuery]:
    return [read_query_file(p) for p in sorted(folder.glob("*.rq"))]
