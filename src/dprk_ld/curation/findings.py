"""Findings: their fields, the concepts and entities they name, their time (read by
:mod:`~dprk_ld.curation.times`), figures (:mod:`~dprk_ld.curation.quantities`) and sentences, and
their quotes, each found verbatim and once in the body of the source's text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dprk_ld.curation.errors import Collector
from dprk_ld.curation.fields import (
    CONCEPT_FIELDS,
    CONTEXT_CHARS,
    ENTITY_FIELDS,
    FINDING_FIELDS,
    LIST_FIELDS,
    ONLY_FOR_KIND,
    REQUIRED_BY_KIND,
    SLUG,
    as_list,
    decimal_of,
    text_of,
)
from dprk_ld.curation.model import FINDING_KINDS, Entity, Finding, Quantity, Quote, Sentence, Source
from dprk_ld.curation.quantities import read_quantities
from dprk_ld.curation.relations import check_finding_fields
from dprk_ld.curation.sources import locate, near_miss
from dprk_ld.curation.suggest import did_you_mean, scheme_labels, where_it_stops
from dprk_ld.curation.times import Missing, Times, read_times
from dprk_ld.curation.yamlio import YamlError, item_lines, line_of, read_yaml

Bad = Callable[[str], None]


def load_findings(
    path: Path,
    sources: dict[str, Source],
    entities: dict[str, Entity],
    concepts: dict[str, set[str]],
    out: Collector,
) -> list[Finding]:
    """The findings of one findings file (named after its source); each id once."""
    try:
        raw = read_yaml(path)
    except YamlError as exc:
        out.add(path, str(exc), line=exc.line)
        return []
    if not isinstance(raw, dict) or set(raw) - {"source", "findings"}:
        out.add(path, "a findings file holds two fields: 'source' and 'findings'")
        return []
    source = sources.get(str(raw.get("source")))
    if source is None:
        out.add(path, f"unknown source {raw.get('source')!r}{did_you_mean(raw.get('source'), sources)}")
        return []
    if raw.get("source") != path.stem:
        out.add(path, f"source {raw.get('source')!r} must equal the file name {path.stem!r}")
    findings: list[Finding] = []
    seen: dict[str, int | None] = {}
    for item in as_list(raw.get("findings")):
        finding = _finding(item, path, source, entities, concepts, out)
        if finding is None:
            continue
        if finding.id in seen:
            out.add(
                path,
                f"duplicate identifier {finding.id!r} (first at line {seen[finding.id]})",
                finding.id,
                finding.line,
            )
            continue
        seen[finding.id] = finding.line
        findings.append(finding)
    return findings


def _check_fields(item: dict[str, Any], bad: Bad) -> None:
    """A good id, known fields, a known kind, and the fields its kind requires or allows."""
    fid = item.get("id")
    if not isinstance(fid, str) or not SLUG.match(fid):
        bad(f"bad or missing id {fid!r} (lowercase words joined by hyphens)")
    for key in item:
        if key not in FINDING_FIELDS:
            bad(f"unknown field {key!r}{did_you_mean(key, FINDING_FIELDS)}")
    kind = item.get("kind")
    if kind not in FINDING_KINDS:
        bad(f"kind {kind!r} is not one of {sorted(FINDING_KINDS)}{did_you_mean(kind, FINDING_KINDS)}")
    for key in ("summary", "quotes", "certainty"):
        if item.get(key) in (None, "", []):
            bad(f"missing field {key!r}")
    if kind in REQUIRED_BY_KIND:
        for key in REQUIRED_BY_KIND[kind]:
            if item.get(key) in (None, "", []):
                bad(f"missing field {key!r}, required for a {kind}")
    for key, kinds in ONLY_FOR_KIND.items():
        if item.get(key) not in (None, "", []) and kind not in kinds:
            bad(f"field {key!r} applies only to {' / '.join(sorted(kinds))} findings")


def _check_references(
    item: dict[str, Any], entities: dict[str, Entity], concepts: dict[str, set[str]], bad: Bad
) -> None:
    """Concepts from their scheme, entities of the kinds each field allows."""
    for key, scheme in CONCEPT_FIELDS.items():
        for value in as_list(item.get(key)):
            if value not in concepts.get(scheme, set()):
                hint = did_you_mean(value, concepts.get(scheme, set()), scheme_labels(concepts, scheme))
                bad(f"{key}: unknown concept {value!r} (not in scheme {scheme!r}){hint}"
                    + ("" if hint else f"; find ids by label: dprk-ld concepts WORDS --scheme {scheme}"))
    for key, kinds in ENTITY_FIELDS.items():
        for value in as_list(item.get(key)):
            other = entities.get(str(value))
            if other is None:
                hint = did_you_mean(value, [e.id for e in entities.values() if e.kind in kinds],
                                    {e.id: e.label for e in entities.values() if e.kind in kinds})
                bad(f"{key}: unknown {'/'.join(sorted(kinds))} {value!r}{hint}")
            elif other.kind not in kinds:
                bad(f"{key}: {value!r} is a {other.kind}, not a {'/'.join(sorted(kinds))}")


def _time_and_figures(
    item: dict[str, Any], concepts: dict[str, set[str]], bad: Bad, missing: Missing
) -> tuple[Times, list[Quantity]]:
    """The finding's time, its topics, and its figures (which may take its time as their period)."""
    times = read_times(item, bad, missing)
    if not as_list(item.get("topics")):
        missing("topic", "no topic: give at least one topic id in topics")
    return times, read_quantities(item.get("quantities"), times.single(), concepts, bad, missing)


def _quote(q: Any, source: Source, bad: Bad) -> Quote | None:
    """A quote: verbatim, once, inside the body of the source's text."""
    if not isinstance(q, str) or not q.strip():
        bad("each quote must be non-empty text")
        return None
    if q != q.strip():
        bad(f"quote has leading or trailing white space: {q[:60]!r}")
        return None
    hits = locate(source.text, q, source.body_start, source.body_end)
    if not hits:
        outside = source.text.find(q)
        where = (
            f"; it occurs at offset {outside}, outside the publisher's text (body)"
            if outside != -1
            else near_miss(source.text, q, source.body_start, source.body_end)
        )
        if outside == -1:
            where += where_it_stops(source.text, q, source.body_start, source.body_end)
        bad(f"quote not found verbatim in {source.text_file.name}: {q[:80]!r}{where}")
        return None
    if len(hits) > 1:
        bad(f"quote is ambiguous: it occurs {len(hits)} times (offsets {hits[:5]}); lengthen it: {q[:80]!r}")
        return None
    start = hits[0]
    end = start + len(q)
    prefix = source.text[max(0, start - CONTEXT_CHARS) : start]
    return Quote(q, start, end, prefix, source.text[end : end + CONTEXT_CHARS])


def _quotes(raw: Any, source: Source, bad_at: Callable[[str, int | None], None]) -> list[Quote]:
    """The quotes located in the source; a quote's problem is reported at its own line."""
    lines = item_lines(raw)
    found = []
    for n, text in enumerate(as_list(raw)):
        at = lines[n] if n < len(lines) else None
        quote = _quote(text, source, lambda message, at=at: bad_at(message, at))
        if quote is not None:
            found.append(quote)
    return found


def _finding(
    item: Any,
    path: Path,
    source: Source,
    entities: dict[str, Entity],
    concepts: dict[str, set[str]],
    out: Collector,
) -> Finding | None:
    if not isinstance(item, dict):
        out.add(path, "each finding must be a mapping of fields")
        return None
    line = line_of(item)
    fid = item.get("id")
    label = fid if isinstance(fid, str) else None
    problems_before = len(out.problems)

    def bad(message: str) -> None:
        out.add(path, message, label, line)

    def missing(rule: str, message: str) -> None:
        out.add(path, message, label, line, rule=rule)

    _check_fields(item, bad)
    summary = text_of(item.get("summary"))
    if item.get("summary") is not None and not summary:
        bad("summary must be text")
    _check_references(item, entities, concepts, bad)
    check_finding_fields(item, entities, bad)
    times, quantities = _time_and_figures(item, concepts, bad, missing)
    sentences = _sentences(item.get("sentences"), concepts, bad)
    quotes = _quotes(item.get("quotes"), source, lambda message, at: out.add(
        path, message, label, at or line))
    if len(out.problems) > problems_before:
        return None
    assert isinstance(fid, str) and summary is not None
    return Finding(
        source=source.id,
        id=fid,
        kind=item["kind"],
        summary=summary,
        quotes=quotes,
        certainty=item["certainty"],
        section=source.section_at(quotes[0].start),
        file=out.rel(path),
        line=line,
        **times.fields(),
        **{name: as_list(item.get(name)) for name in LIST_FIELDS},
        victims=text_of(item.get("victims")),
        quantities=quantities,
        sentences=sentences,
        response=item.get("response"),
        qualifications=as_list(item.get("qualification")),
        status=item.get("status"),
        organization=item.get("organization"),
        note=text_of(item.get("note")),
    )


def _sentence(n: int, s: Any, concepts: dict[str, set[str]], bad: Bad) -> Sentence | None:
    if not isinstance(s, dict) or set(s) - {"convicted", "penalty", "years", "months"}:
        bad(f"sentence {n}: fields are convicted, penalty, years or months")
        return None
    if not text_of(s.get("convicted")):
        bad(f"sentence {n}: missing 'convicted' (who was sentenced, as the source says)")
        return None
    if s.get("penalty") not in concepts.get("penalties", set()):
        bad(f"sentence {n}: unknown penalty {s.get('penalty')!r}")
        return None
    try:
        years = decimal_of(s["years"]) if s.get("years") is not None else None
        months = decimal_of(s["months"]) if s.get("months") is not None else None
    except ValueError as exc:
        bad(f"sentence {n}: {exc}")
        return None
    if years is not None and months is not None:
        bad(f"sentence {n}: give years or months, not both")
        return None
    sentence = Sentence(text_of(s["convicted"]) or "", s["penalty"], years, months)
    total = sentence.months_total
    if total is not None and (total <= 0 or total != total.to_integral_value()):
        bad(f"sentence {n}: a term is a positive whole number of months "
            f"(years: 1.5 is 18 months; months: 0.5 is not a term), not {total} months")
        return None
    return sentence


def _sentences(raw: Any, concepts: dict[str, set[str]], bad: Bad) -> list[Sentence]:
    found = (_sentence(n, s, concepts, bad) for n, s in enumerate(as_list(raw), 1))
    return [s for s in found if s is not None]
