"""A new source: its archived text next to its YAML description (data/sources/<id>.txt and
.yaml, as docs/curation.md describes them), with the body and the sections found by
:mod:`~.segment` and the SHA-256 of the archived text, checked by the loader as any source is."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from dprk_ld.curation.errors import Collector, Problem
from dprk_ld.curation.fields import SLUG
from dprk_ld.curation.ingest.segment import HEADING, Document
from dprk_ld.curation.model import Source
from dprk_ld.curation.sources import load_source

_PERIOD = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:/(\d{4}(?:-\d{2}(?:-\d{2})?)?))?$")


class IngestError(Exception):
    """The report cannot be ingested: why, in a few lines."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = problems or []
        super().__init__("\n".join([message, *(f"  {p}" for p in self.problems)]))


@dataclass(frozen=True)
class Meta:
    """What the curator tells of a new report."""

    id: str
    title: str
    url: str
    publisher: str
    published: str  # YYYY or YYYY-MM-DD
    covers: str  # 2024, or 2024-01/2024-12
    edition: str | None = None
    language: str = "en"
    seed: str | None = None  # the name of the file it was read from

    def covers_pair(self) -> tuple[str, str | None]:
        """The period covered as (start, end); ValueError when it is not one."""
        m = _PERIOD.match(self.covers)
        if not m:
            raise ValueError(f"--covers {self.covers!r} is not a period: write 2024 or 2024-01/2024-12")
        return m.group(1), m.group(2)

    def check(self) -> None:
        if not SLUG.match(self.id):
            raise IngestError(f"--source {self.id!r} is not an id: lowercase words joined by hyphens")
        if not re.fullmatch(r"\d{4}(?:-\d{2}-\d{2})?", self.published):
            raise IngestError(f"--published {self.published!r} is not a date: write YYYY-MM-DD (or YYYY)")
        try:
            self.covers_pair()
        except ValueError as exc:
            raise IngestError(str(exc)) from None


def _q(value: str) -> str:
    """A YAML scalar in double quotes (JSON's escaping is YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def _marker(text: str, at: int, after: int, end: bool = False) -> str:
    """The shortest run of words from ``at`` (at least 30 characters) whose first occurrence
    from ``after`` on is at ``at``."""
    for length in range(30, len(text) - at + 1, 10):
        piece = text[at : at + length]
        cut = piece.rstrip() if end else piece
        if cut and text.find(cut, after) == at:
            return cut
    return text[at:]


def _sections(doc: Document) -> list[str]:
    lines = ["  - {id: introduction, title: Introduction, untitled: true}"]
    taken, pos = {"introduction"}, doc.body_start
    for h in doc.body_spans(HEADING):
        base = re.sub(r"[^a-z0-9]+", "-", h.text.lower()).strip("-") or "section"
        sid, n = base, 2
        while sid in taken:
            sid, n = f"{base}-{n}", n + 1
        taken.add(sid)
        marker = (
            ""
            if doc.text.find(h.text, pos + 1) == h.start
            else f", marker: {_q(_marker(doc.text, h.start, pos + 1))}"
        )
        lines.append(f"  - {{id: {sid}, title: {_q(h.text)}{marker}}}")
        pos = h.start
    return lines


def source_yaml(meta: Meta, doc: Document, text_name: str, sha256: str) -> str:
    """The YAML description of a new source, in the form of data/sources/*.yaml."""
    start, end = meta.covers_pair()
    covers = start if end is None else f"{{start: {_q(start)}, end: {_q(end)}}}"
    issued = meta.published if len(meta.published) == 4 else _q(meta.published)
    lines = [
        f"id: {meta.id}",
        f"title: {_q(meta.title)}",
        f"publisher: {meta.publisher}",
        f"edition: {_q(meta.edition or meta.title)}",
        f"issued: {issued}",
        f"covers: {covers}",
        f"url: {meta.url}",
        f"language: {meta.language}",
        f"text: {text_name}",
    ]
    if meta.seed:
        lines.append(f"seed: {_q(meta.seed)}")
    today = dt.date.today().isoformat()
    note = f"Added by dprk-ld ingest on {today}; body and sections found by its rules: check them."
    lines.append(f"note: {_q(note)}")
    lines.append(f"sha256: {sha256}")
    body = []
    if doc.body_start > 0:
        body.append(f"  start: {_q(_marker(doc.text, doc.body_start, 0))}")
    if doc.text[doc.body_end :].strip():
        body.append(f"  end: {_q(_marker(doc.text, doc.body_end, doc.body_start, end=True))}")
    if body:
        lines += ["body:", *body]
    lines += ["sections:", *_sections(doc)]
    return "\n".join(lines) + "\n"


def archive(root: Path, meta: Meta, text: str, doc: Document, force: bool = False) -> Source:
    """Write data/sources/<id>.txt and .yaml and load them back as the loader does; refuse to
    overwrite a source that is there unless ``force``."""
    folder = root / "data" / "sources"
    yaml_path, text_path = folder / f"{meta.id}.yaml", folder / f"{meta.id}.txt"
    if not force and (yaml_path.exists() or text_path.exists()):
        raise IngestError(
            f"source {meta.id!r} exists already ({yaml_path.relative_to(root)}); "
            f"choose another --source or give --force"
        )
    data = text.encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    text_path.write_bytes(data)
    yaml_path.write_text(
        source_yaml(meta, doc, text_path.name, hashlib.sha256(data).hexdigest()), encoding="utf-8"
    )
    out = Collector(root)
    source = load_source(yaml_path, out)
    if source is None:
        raise IngestError(f"the source written to {yaml_path.relative_to(root)} does not load", out.problems)
    return source
