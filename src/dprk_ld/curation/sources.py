"""Sources: their YAML description, their archived text, its body and sections, and where a quote
stands in it (with a hint when a quote is there only modulo punctuation and spacing)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from dprk_ld.curation.dates import Date, Period, parse_date
from dprk_ld.curation.errors import Collector
from dprk_ld.curation.fields import SLUG, SOURCE_FIELDS, as_list, opt_date, text_of
from dprk_ld.curation.model import Section, Source
from dprk_ld.curation.yamlio import YamlError, line_of, read_yaml


def locate(text: str, exact: str, lo: int, hi: int) -> list[int]:
    """All start offsets of `exact` lying wholly within text[lo:hi]."""
    found, i = [], text.find(exact, lo)
    while i != -1 and i + len(exact) <= hi:
        found.append(i)
        i = text.find(exact, i + 1)
    return found


_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "\u00a0": " "})


def _fold(s: str) -> tuple[str, list[int]]:
    """``s`` lowercased without white space and with typographic quotes and dashes made plain,
    and the offset in ``s`` of each character kept."""
    out, index = [], []
    for i, ch in enumerate(s.translate(_FOLD)):
        if ch.isspace():
            continue
        out.append(ch.lower())
        index.append(i)
    return "".join(out), index


def near_miss(text: str, exact: str, lo: int, hi: int) -> str:
    """A hint when a quote is not found verbatim: is it there modulo punctuation and spacing?"""
    body, index = _fold(text[lo:hi])
    needle, _ = _fold(exact)
    i = body.find(needle) if needle else -1
    if i != -1:
        at = lo + index[i]
        return (
            f"; text like it stands at offset {at} but differs in quotes, dashes, case or spacing: "
            f"{text[at : at + min(len(exact) + 10, 120)]!r}"
        )
    return ""


# --- the parts of a source file, each checked in turn (None: a problem was reported) ------------


def _fields(path: Path, out: Collector) -> dict[str, Any] | None:
    """The source file's mapping, if it reads and has exactly the fields it must."""
    try:
        raw = read_yaml(path)
    except YamlError as exc:
        out.add(path, str(exc), line=exc.line)
        return None
    if not isinstance(raw, dict):
        out.add(path, "a source file must be a mapping of fields")
        return None
    sid = raw.get("id")
    before = len(out.problems)
    for key in raw:
        if key not in SOURCE_FIELDS and key != "sha256":  # sha256: of the archived text, optional
            out.add(path, f"unknown field {key!r}", sid, line_of(raw))
    for key, required in SOURCE_FIELDS.items():
        if required and raw.get(key) in (None, "", []):
            out.add(path, f"missing field {key!r}", sid, line_of(raw))
    if sid != path.stem:
        out.add(path, f"id {sid!r} must equal the file name {path.stem!r}", sid)
    return raw if len(out.problems) == before else None


def _archived_text(path: Path, raw: dict[str, Any], out: Collector) -> tuple[Path, bytes, str] | None:
    """The archived text's file, bytes and text: next to the source file, in UTF-8."""
    sid = raw["id"]
    text_file = path.parent / str(raw["text"])
    if text_file.parent != path.parent or not text_file.is_file():
        out.add(path, f"archived text {raw['text']!r} not found next to the source file", sid)
        return None
    data = text_file.read_bytes()
    try:
        return text_file, data, data.decode("utf-8")
    except UnicodeDecodeError:
        out.add(path, f"archived text {raw['text']!r} is not UTF-8", sid)
        return None


def _dates(path: Path, raw: dict[str, Any], out: Collector) -> tuple[Date, Period] | None:
    """When the source was issued and the period it covers."""
    try:
        issued = parse_date(raw["issued"])
        covers_raw = raw["covers"]
        if isinstance(covers_raw, dict):
            covers = Period(opt_date(covers_raw.get("start")), opt_date(covers_raw.get("end")))
        else:
            d = parse_date(covers_raw)
            covers = Period(d, d)
    except ValueError as exc:
        out.add(path, f"bad date: {exc}", raw["id"])
        return None
    return issued, covers


def _body(path: Path, raw: dict[str, Any], text: str, out: Collector) -> tuple[int, int] | None:
    """The offsets of the publisher's text (the body) between the optional start and end markers."""
    sid = raw["id"]
    body = raw.get("body") or {}
    lo, hi = 0, len(text)
    if body.get("start"):
        lo = text.find(body["start"])
        if lo == -1:
            out.add(path, f"body start marker {body['start']!r} not found in the text", sid)
            return None
    if body.get("end"):
        hi = text.find(body["end"], lo)
        if hi == -1:
            out.add(path, f"body end marker {body['end']!r} not found after the body start", sid)
            return None
    return lo, hi


def _sections(
    path: Path, raw: dict[str, Any], text: str, lo: int, hi: int, out: Collector
) -> list[Section] | None:
    """The sections of the body, found by their headings in order; each ends where the next starts."""
    sid = raw["id"]
    sections: list[Section] = []
    pos = lo
    for n, sec in enumerate(as_list(raw["sections"])):
        if not isinstance(sec, dict) or not sec.get("id") or not sec.get("title"):
            out.add(path, f"section {n + 1} needs an id and a title", sid)
            return None
        if sec.get("untitled"):
            if n != 0:
                out.add(path, "only the first section may be untitled", sid)
                return None
            start = lo
        else:
            marker = sec.get("marker", sec["title"])
            start = text.find(marker, pos)
            if start == -1 or start >= hi:
                out.add(path, f"section heading {marker!r} not found in the body after offset {pos}", sid)
                return None
        sections.append(Section(sec["id"], sec["title"], start, hi, bool(sec.get("untitled"))))
        pos = start + 1
    sections = [
        Section(s.id, s.title, s.start, sections[i + 1].start if i + 1 < len(sections) else hi, s.untitled)
        for i, s in enumerate(sections)
    ]
    if sections and sections[0].start != lo:
        out.add(path, "the first section must start at the body start (mark it untitled)", sid)
        return None
    ids = [s.id for s in sections]
    if len(set(ids)) != len(ids) or not all(SLUG.match(i) for i in ids):
        out.add(path, "section ids must be unique lowercase-hyphenated words", sid)
        return None
    return sections


def load_source(path: Path, out: Collector) -> Source | None:
    """One source file and its archived text, checked; None (with the problems in ``out``) if bad."""
    raw = _fields(path, out)
    if raw is None:
        return None
    archived = _archived_text(path, raw, out)
    if archived is None:
        return None
    text_file, data, text = archived
    digest = hashlib.sha256(data).hexdigest()
    if raw.get("sha256") not in (None, digest):
        out.add(path, f"archived text {raw['text']!r} has SHA-256 {digest}, not the {raw['sha256']} "
                f"recorded in sha256: it changed after it was archived", raw["id"])
        return None
    dates = _dates(path, raw, out)
    if dates is None:
        return None
    body = _body(path, raw, text, out)
    if body is None:
        return None
    lo, hi = body
    sections = _sections(path, raw, text, lo, hi, out)
    if sections is None:
        return None
    return Source(
        id=raw["id"],
        title=str(raw["title"]),
        publisher=str(raw["publisher"]),
        edition=str(raw["edition"]),
        issued=dates[0],
        covers=dates[1],
        url=str(raw["url"]),
        language=str(raw["language"]),
        text=text,
        text_file=text_file,
        sha256=digest,
        body_start=lo,
        body_end=hi,
        sections=sections,
        seed=raw.get("seed"),
        note=text_of(raw.get("note")),
    )
