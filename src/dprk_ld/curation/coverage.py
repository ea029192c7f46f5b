"""How much of each source's body the evidence quotes cover, sentence by sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dprk_ld.curation.model import Project, Source

# A sentence ends at . ! ? (optionally followed by a closing quote) before white space, a capital
# letter glued on by a lost space, or the end of the text.
_END = re.compile(r"(?<=[.!?])[”\"’]?(?=\s|[A-Z“]|$)")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(source: Source) -> list[Sentence]:
    """The sentences of the body; headings (lines without end punctuation) are skipped."""
    result: list[Sentence] = []
    for sec in source.sections:
        start = sec.start
        if not sec.untitled:
            start += len(sec.title)
        chunk = source.text[start : sec.end]
        pos = 0
        for m in _END.finditer(chunk):
            piece = chunk[pos : m.end()]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                result.append(Sentence(start + pos + lead, start + pos + lead + len(stripped), stripped))
            pos = m.end()
        tail = chunk[pos:].strip()
        if tail and tail[-1] in ".!?”":
            result.append(Sentence(start + pos, start + pos + len(tail), tail))
    return result


def uncovered(project: Project, source_id: str) -> list[Sentence]:
    """Sentences of the source's body that no evidence quote overlaps."""
    src = project.sources[source_id]
    spans = sorted((q.start, q.end) for f in project.findings if f.source == source_id for q in f.quotes)
    missing = []
    for s in sentences(src):
        if not any(a < s.end and b > s.start for a, b in spans):
            missing.append(s)
    return missing
