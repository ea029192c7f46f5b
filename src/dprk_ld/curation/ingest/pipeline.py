"""The steps of an ingest put together: text -> spans and body -> candidates; and the
evaluation of a curated source, re-ingested from its archived text as if it were new."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dprk_ld.curation.dates import Period
from dprk_ld.curation.ingest.candidates import Setting, build
from dprk_ld.curation.ingest.evaluate import Scores, score
from dprk_ld.curation.ingest.lexicon import Lexicon
from dprk_ld.curation.ingest.segment import Document, segment
from dprk_ld.curation.ingest.source import IngestError, Meta, archive
from dprk_ld.curation.model import Project, Source


def covers_of(period: Period) -> tuple[str | None, str | None]:
    return (str(period.start) if period.start else None, str(period.end) if period.end else None)


def candidates_for(
    text: str,
    covers: tuple[str | None, str | None],
    publisher: str,
    lexicon: Lexicon,
    spatial: list[str] | None = None,
) -> tuple[Document, list[dict[str, Any]]]:
    """The document and the candidates of a report's normalized text; ``spatial`` are the places
    the dataset covers (``spatial`` of data/dataset.yaml), whose state is the default perpetrator."""
    doc = segment(text)
    state = next((lexicon.governments[p] for p in spatial or [] if p in lexicon.governments), None)
    return doc, build(doc, Setting(covers, publisher, lexicon, state, tuple(spatial or [])))


def evaluate_source(
    project: Project, source_id: str, lexicon: Lexicon | None = None
) -> tuple[Scores, list[dict[str, Any]]]:
    """Re-ingest the archived text of a curated source with its recorded metadata (the period it
    covers and its publisher; its body and sections are found anew) and score the candidates
    against its curated findings."""
    source = project.sources[source_id]
    lexicon = lexicon or Lexicon.load(project.root)
    spatial = spatial_of(project.dataset)
    _, candidates = candidates_for(source.text, covers_of(source.covers), source.publisher, lexicon, spatial)
    findings = [f for f in project.findings if f.source == source_id]
    orgs = {e.id for e in project.entities.values() if e.kind == "org"}
    return score(source_id, findings, candidates, orgs, set(spatial)), candidates


def spatial_of(dataset: dict[str, object]) -> list[str]:
    """The places the dataset covers (``spatial`` of data/dataset.yaml)."""
    value = dataset.get("spatial")
    return [str(p) for p in value] if isinstance(value, list) else [str(value)] if value else []


def ingest_file(
    root: Path, path: Path, meta: Meta, force: bool = False
) -> tuple[Source, list[dict[str, Any]], Path]:
    """Read a report, archive it as a new source and write its candidates to
    data/candidates/<id>.yaml: the source, the candidates and where they are."""
    from dprk_ld.curation.ingest.read import ReadError, read_document
    from dprk_ld.curation.ingest.review import candidates_file, write_candidates
    from dprk_ld.curation.yamlio import YamlError, read_yaml

    meta.check()
    lexicon = Lexicon.load(root)
    if lexicon.entity_kinds.get(meta.publisher) != "org":
        hint = lexicon.closest(meta.publisher, "org")
        raise IngestError(
            f"--publisher {meta.publisher!r} is no organization of data/entities"
            + (f"; did you mean {' or '.join(map(repr, hint))}?" if hint else "")
        )
    if candidates_file(root, meta.id).exists() and not force:
        raise IngestError(f"{candidates_file(root, meta.id).relative_to(root)} exists already; give --force")
    try:
        text, _ = read_document(path)
    except ReadError as exc:
        raise IngestError(f"{path}: {exc}") from None
    try:
        dataset = read_yaml(root / "data" / "dataset.yaml") or {}
    except (YamlError, FileNotFoundError):
        dataset = {}
    start, end = meta.covers_pair()
    doc, candidates = candidates_for(
        text, (start, end or start), meta.publisher, lexicon, spatial_of(dataset)
    )
    source = archive(root, meta, text, doc, force)
    return source, candidates, write_candidates(root, meta.id, candidates)
