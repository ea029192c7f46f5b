"""Load and check the curated data in data/ (see docs/curation.md for the format).

Every problem found is collected and reported together, each naming its file, its finding or entity,
and what is wrong; nothing is built from input with any problem.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from dprk_ld.curation.dates import Date, Period, parse_date
from dprk_ld.curation.errors import DataError, Problem
from dprk_ld.curation.links import check_links, read_links
from dprk_ld.curation.model import (
    ENTITY_KINDS,
    FINDING_KINDS,
    Entity,
    ExternalLink,
    Finding,
    Project,
    Quantity,
    Quote,
    Retired,
    Section,
    Sentence,
    Source,
)
from dprk_ld.curation.yamlio import YamlError, line_of, read_yaml
from dprk_ld.release.namespaces import VOCAB

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTEXT_CHARS = 32  # characters of prefix and suffix kept with each quote

SOURCE_FIELDS = {
    "id": True,
    "title": True,
    "publisher": True,
    "edition": True,
    "issued": True,
    "covers": True,
    "url": True,
    "language": True,
    "text": True,
    "sections": True,
    "seed": False,
    "note": False,
    "body": False,
}
FINDING_FIELDS = {
    "id",
    "kind",
    "summary",
    "quotes",
    "certainty",
    "according_to",
    "date",
    "period",
    "as_of",
    "places",
    "perpetrators",
    "actors",
    "targets",
    "addressees",
    "victims",
    "affected",
    "violations",
    "rights",
    "institutions",
    "instruments",
    "topics",
    "quantities",
    "sentences",
    "response",
    "qualification",
    "qualified_by",
    "status",
    "organization",
    "note",
}
REQUIRED_BY_KIND = {
    "statistic": ["quantities"],
    "legal-qualification": ["qualification"],
    "international-response": ["response"],
    "treaty-status": ["status"],
    "membership-status": ["status", "organization"],
}
ONLY_FOR_KIND = {
    "response": {"international-response"},
    "qualification": {"legal-qualification"},
    "qualified_by": {"legal-qualification"},
    "status": {"treaty-status", "membership-status"},
    "organization": {"membership-status"},
}
CONCEPT_FIELDS = {  # finding field -> concept scheme
    "certainty": "certainty",
    "affected": "affected-groups",
    "violations": "violation-types",
    "rights": "rights",
    "institutions": "institutions",
    "response": "response-types",
    "qualification": "legal-qualifications",
    "status": "statuses",
}
ACTOR_KINDS = {"org", "person"}
ENTITY_FIELDS = {  # finding field -> allowed entity kinds
    "according_to": ACTOR_KINDS,
    "perpetrators": ACTOR_KINDS,
    "actors": ACTOR_KINDS,
    "targets": ACTOR_KINDS,
    "addressees": ACTOR_KINDS,
    "qualified_by": ACTOR_KINDS,
    "places": {"place"},
    "instruments": {"instrument"},
    "topics": {"topic"},
    "organization": {"org"},
}
#: finding fields holding a list of ids (a single id is accepted too), copied as they are
LIST_FIELDS = (
    "according_to", "places", "perpetrators", "actors", "targets", "addressees", "affected",
    "violations", "rights", "institutions", "instruments", "topics", "qualified_by",
)
ENTITY_ATTRS = {
    "place": {
        "id",
        "label",
        "alt",
        "ko",
        "type",
        "within",
        "wikidata",
        "geonames",
        "iso3166",
        "iso3166_alpha3",
        "iso3166_numeric",
        "cow",
        "description",
    },
    "org": {"id", "label", "alt", "ko", "type", "parent", "country", "wikidata", "description"},
    "person": {"id", "label", "alt", "ko", "description", "member_of", "wikidata"},
    "instrument": {"id", "label", "alt", "type", "jurisdiction", "description"},
    "topic": {"id", "label", "description"},
}
INSTRUMENT_TYPES = {"treaty", "law", "resolution", "decree"}
CODE_FIELDS = {
    "iso3166": "iso3166_alpha2",
    "iso3166_alpha3": "iso3166_alpha3",
    "iso3166_numeric": "iso3166_numeric",
    "cow": "cow",
}


class _Collector:
    """Collects problems; `rel` makes file names relative to the project root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def add(self, path: Path, message: str, item: str | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(self.rel(path), message, item, line))


# --------------------------------------------------------------------------- vocabularies


def load_concepts(vocab_dir: Path) -> dict[str, set[str]]:
    """Concept ids per scheme, read from the SKOS files in ontology/vocab/."""
    graph = Graph()
    for path in sorted(vocab_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    schemes: dict[str, set[str]] = {}
    base = str(VOCAB)
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        for scheme in graph.objects(concept, SKOS.inScheme):
            s, c = str(scheme), str(concept)
            if s.startswith(base) and c.startswith(s + "/"):
                schemes.setdefault(s[len(base) :], set()).add(c[len(s) + 1 :])
    return schemes


# --------------------------------------------------------------------------- helpers


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" in value else value.strip()
    return None


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number (write 1000, not 1,000)") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def locate(text: str, exact: str, lo: int, hi: int) -> list[int]:
    """All start offsets of `exact` lying wholly within text[lo:hi]."""
    found, i = [], text.find(exact, lo)
    while i != -1 and i + len(exact) <= hi:
        found.append(i)
        i = text.find(exact, i + 1)
    return found


_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "\u00a0": " "})


def _near_miss(text: str, exact: str, lo: int, hi: int) -> str:
    """A hint when a quote is not found verbatim: is it there modulo punctuation and spacing?"""

    def fold(s: str) -> tuple[str, list[int]]:
        out, index = [], []
        for i, ch in enumerate(s.translate(_FOLD)):
            if ch.isspace():
                continue
            out.append(ch.lower())
            index.append(i)
        return "".join(out), index

    body, index = fold(text[lo:hi])
    needle, _ = fold(exact)
    i = body.find(needle) if needle else -1
    if i != -1:
        at = lo + index[i]
        return (
            f"; text like it stands at offset {at} but differs in quotes, dashes, case or spacing: "
            f"{text[at : at + min(len(exact) + 10, 120)]!r}"
        )
    return ""


# --------------------------------------------------------------------------- sources


def _load_source(path: Path, out: _Collector) -> Source | None:
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
        if key not in SOURCE_FIELDS:
            out.add(path, f"unknown field {key!r}", sid, line_of(raw))
    for key, required in SOURCE_FIELDS.items():
        if required and raw.get(key) in (None, "", []):
            out.add(path, f"missing field {key!r}", sid, line_of(raw))
    if sid != path.stem:
        out.add(path, f"id {sid!r} must equal the file name {path.stem!r}", sid)
    if len(out.problems) > before:
        return None

    text_file = path.parent / str(raw["text"])
    if text_file.parent != path.parent or not text_file.is_file():
        out.add(path, f"archived text {raw['text']!r} not found next to the source file", sid)
        return None
    data = text_file.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        out.add(path, f"archived text {raw['text']!r} is not UTF-8", sid)
        return None

    try:
        issued = parse_date(raw["issued"])
        covers_raw = raw["covers"]
        if isinstance(covers_raw, dict):
            covers = Period(_opt_date(covers_raw.get("start")), _opt_date(covers_raw.get("end")))
        else:
            d = parse_date(covers_raw)
            covers = Period(d, d)
    except ValueError as exc:
        out.add(path, f"bad date: {exc}", sid)
        return None

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

    sections: list[Section] = []
    pos = lo
    raw_sections = _as_list(raw["sections"])
    for n, sec in enumerate(raw_sections):
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

    return Source(
        id=sid,
        title=str(raw["title"]),
        publisher=str(raw["publisher"]),
        edition=str(raw["edition"]),
        issued=issued,
        covers=covers,
        url=str(raw["url"]),
        language=str(raw["language"]),
        text=text,
        text_file=text_file,
        sha256=hashlib.sha256(data).hexdigest(),
        body_start=lo,
        body_end=hi,
        sections=sections,
        seed=raw.get("seed"),
        note=_text(raw.get("note")),
    )


def _opt_date(value: Any) -> Date | None:
    return None if value is None else parse_date(value)


# --------------------------------------------------------------------------- entities


def _load_entities(paths: Iterable[Path], out: _Collector) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for path in paths:
        try:
            raw = read_yaml(path)
        except YamlError as exc:
            out.add(path, str(exc), line=exc.line)
            continue
        if raw is None:
            continue
        if not isinstance(raw, dict):
            out.add(path, "an entity file must be a mapping of lists (places:, organizations: ...)")
            continue
        for section, items in raw.items():
            kind = ENTITY_KINDS.get(section)
            if kind is None:
                out.add(
                    path,
                    f"unknown entity list {section!r} (expected one of {sorted(ENTITY_KINDS)})",
                    line=line_of(raw),
                )
                continue
            for item in _as_list(items):
                entity = _entity(kind, item, path, out)
                if entity is None:
                    continue
                if entity.id in entities:
                    first = entities[entity.id]
                    out.add(
                        path,
                        f"duplicate identifier {entity.id!r} (also in {first.file}"
                        f"{':' + str(first.line) if first.line else ''})",
                        entity.id,
                        entity.line,
                    )
                    continue
                entities[entity.id] = entity
    return entities


def _entity(kind: str, item: Any, path: Path, out: _Collector) -> Entity | None:
    if not isinstance(item, dict):
        out.add(path, f"each {kind} must be a mapping with an id and a label")
        return None
    eid, line = item.get("id"), line_of(item)
    ok = True
    if not isinstance(eid, str) or not SLUG.match(eid):
        out.add(path, f"bad or missing id {eid!r} (lowercase words joined by hyphens)", None, line)
        return None
    for key in item:
        if key not in ENTITY_ATTRS[kind]:
            out.add(path, f"unknown field {key!r} for a {kind}", eid, line)
            ok = False
    if not _text(item.get("label")):
        out.add(path, "missing field 'label'", eid, line)
        ok = False
    if kind != "topic" and kind != "person" and not item.get("type"):
        out.add(path, "missing field 'type'", eid, line)
        ok = False
    if not ok:
        return None
    codes = {CODE_FIELDS[k]: str(item[k]) for k in CODE_FIELDS if item.get(k) is not None}
    return Entity(
        kind=kind,
        id=eid,
        label=_text(item["label"]) or eid,
        file=out.rel(path),
        line=line,
        alt=[str(a) for a in _as_list(item.get("alt"))],
        ko=item.get("ko"),
        description=_text(item.get("description")),
        type=item.get("type"),
        within=item.get("within") or item.get("parent"),
        country=item.get("country"),
        member_of=[str(m) for m in _as_list(item.get("member_of"))],
        jurisdiction=item.get("jurisdiction"),
        wikidata=str(item["wikidata"]) if item.get("wikidata") else None,
        geonames=str(item["geonames"]) if item.get("geonames") else None,
        codes=codes,
    )


def _check_entities(
    entities: dict[str, Entity],
    concepts: dict[str, set[str]],
    external: dict[str, dict[str, str]],
    codes: dict[str, dict[str, str]],
    out: _Collector,
) -> None:
    def bad(e: Entity, message: str) -> None:
        out.problems.append(Problem(e.file, message, e.id, e.line))

    def ref(e: Entity, field: str, target: str | None, kinds: set[str]) -> None:
        if target is None:
            return
        other = entities.get(target)
        if other is None:
            bad(e, f"{field}: unknown {'/'.join(sorted(kinds))} {target!r}")
        elif other.kind not in kinds:
            bad(e, f"{field}: {target!r} is a {other.kind}, not a {'/'.join(sorted(kinds))}")

    used: dict[str, str] = {}
    for e in entities.values():
        if e.kind == "place":
            if e.type not in concepts.get("place-types", set()):
                bad(e, f"type: unknown place type {e.type!r}")
            ref(e, "within", e.within, {"place"})
        elif e.kind == "org":
            if e.type not in concepts.get("actor-types", set()):
                bad(e, f"type: unknown actor type {e.type!r}")
            ref(e, "parent", e.within, {"org"})
            ref(e, "country", e.country, {"place"})
        elif e.kind == "person":
            for m in e.member_of:
                ref(e, "member_of", m, {"org"})
        elif e.kind == "instrument":
            if e.type not in INSTRUMENT_TYPES:
                bad(e, f"type: {e.type!r} is not one of {sorted(INSTRUMENT_TYPES)}")
            ref(e, "jurisdiction", e.jurisdiction, {"place"})
        for system, value in (("wikidata", e.wikidata), ("geonames", e.geonames)):
            if value is None:
                continue
            if value not in external.get(system, {}):
                bad(
                    e,
                    f"{system} id {value!r} is not in data/reference/external-ids.tsv nor "
                    f"external-ids-checked.tsv (nor accepted in links-review.tsv): publish only "
                    f"checked identifiers",
                )
            key = f"{system}:{value}"
            if key in used and used[key] != e.id:
                bad(e, f"{system} id {value!r} is also given to {used[key]!r}")
            used[key] = e.id
        if e.codes:
            row = codes.get(e.id)
            for name, value in e.codes.items():
                if row is None or row.get(name) != value:
                    bad(e, f"country code {name}={value!r} is not in data/reference/country-codes.tsv")
    # the place hierarchy and organization hierarchy must not loop
    for e in entities.values():
        seen, cur = {e.id}, e.within
        while cur is not None and cur in entities:
            if cur in seen:
                bad(e, "the within/parent chain loops")
                break
            seen.add(cur)
            cur = entities[cur].within


def _load_reference(
    root: Path, out: _Collector
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    external: dict[str, dict[str, str]] = {"wikidata": {}, "geonames": {}}
    path = root / "data" / "reference" / "external-ids.tsv"
    if path.is_file():
        rows = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
        for row in csv.DictReader(rows, delimiter="\t"):
            for system in ("wikidata", "geonames"):
                if row.get(system):
                    external[system][row[system]] = dict(row)
    codes: dict[str, dict[str, str]] = {}
    path = root / "data" / "reference" / "country-codes.tsv"
    if path.is_file():
        rows = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
        for row in csv.DictReader(rows, delimiter="\t"):
            codes[row["place"]] = {k: v for k, v in row.items() if k != "place"}
    return external, codes


def _load_links(root: Path, external: dict[str, dict[str, str]], out: _Collector) -> list[ExternalLink]:
    """Links checked in data/reference/ (see link.py); entity files may use their ids too."""
    links, problems = read_links(root)
    out.problems.extend(problems)
    for link in links:
        row = {"entity": link.entity, "source": link.source}
        external.setdefault(link.system, {}).setdefault(link.id, row)
    return links


# --------------------------------------------------------------------------- findings


def _load_findings(
    path: Path,
    sources: dict[str, Source],
    entities: dict[str, Entity],
    concepts: dict[str, set[str]],
    out: _Collector,
) -> list[Finding]:
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
        out.add(path, f"unknown source {raw.get('source')!r}")
        return []
    if raw.get("source") != path.stem:
        out.add(path, f"source {raw.get('source')!r} must equal the file name {path.stem!r}")
    findings: list[Finding] = []
    seen: dict[str, int | None] = {}
    for item in _as_list(raw.get("findings")):
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


def _finding(
    item: Any,
    path: Path,
    source: Source,
    entities: dict[str, Entity],
    concepts: dict[str, set[str]],
    out: _Collector,
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

    if not isinstance(fid, str) or not SLUG.match(fid):
        bad(f"bad or missing id {fid!r} (lowercase words joined by hyphens)")
    for key in item:
        if key not in FINDING_FIELDS:
            bad(f"unknown field {key!r}")
    kind = item.get("kind")
    if kind not in FINDING_KINDS:
        bad(f"kind {kind!r} is not one of {sorted(FINDING_KINDS)}")
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
    summary = _text(item.get("summary"))
    if item.get("summary") is not None and not summary:
        bad("summary must be text")

    # concepts
    for key, scheme in CONCEPT_FIELDS.items():
        for value in _as_list(item.get(key)):
            if value not in concepts.get(scheme, set()):
                bad(f"{key}: unknown concept {value!r} (not in scheme {scheme!r})")
    # entity references
    for key, kinds in ENTITY_FIELDS.items():
        for value in _as_list(item.get(key)):
            other = entities.get(str(value))
            if other is None:
                bad(f"{key}: unknown {'/'.join(sorted(kinds))} {value!r}")
            elif other.kind not in kinds:
                bad(f"{key}: {value!r} is a {other.kind}, not a {'/'.join(sorted(kinds))}")

    # dates
    dates: list[Date] = []
    period: Period | None = None
    as_of: Date | None = None
    try:
        dates = [parse_date(d) for d in _as_list(item.get("date"))]
    except ValueError as exc:
        bad(f"date: {exc}")
    if item.get("period") is not None:
        p = item["period"]
        if not isinstance(p, dict) or set(p) - {"start", "end"} or not (p.get("start") or p.get("end")):
            bad("period must be {start: ..., end: ...} with at least one of them")
        else:
            try:
                period = Period(_opt_date(p.get("start")), _opt_date(p.get("end")))
                if period.start and period.end and period.start.first_day > period.end.last_day:
                    bad(f"period: start {period.start} is after end {period.end}")
            except ValueError as exc:
                bad(f"period: {exc}")
    if item.get("as_of") is not None:
        try:
            as_of = parse_date(item["as_of"])
        except ValueError as exc:
            bad(f"as_of: {exc}")

    quantities = _quantities(item.get("quantities"), concepts, bad)
    sentences = _sentences(item.get("sentences"), concepts, bad)

    # quotes: verbatim, once, inside the body
    quotes: list[Quote] = []
    for q in _as_list(item.get("quotes")):
        if not isinstance(q, str) or not q.strip():
            bad("each quote must be non-empty text")
            continue
        if q != q.strip():
            bad(f"quote has leading or trailing white space: {q[:60]!r}")
            continue
        hits = locate(source.text, q, source.body_start, source.body_end)
        if not hits:
            outside = source.text.find(q)
            where = (
                f"; it occurs at offset {outside}, outside the publisher's text (body)"
                if outside != -1
                else _near_miss(source.text, q, source.body_start, source.body_end)
            )
            bad(f"quote not found verbatim in {source.text_file.name}: {q[:80]!r}{where}")
            continue
        if len(hits) > 1:
            bad(
                f"quote is ambiguous: it occurs {len(hits)} times (offsets {hits[:5]}); "
                f"lengthen it: {q[:80]!r}"
            )
            continue
        start = hits[0]
        end = start + len(q)
        quotes.append(
            Quote(
                q,
                start,
                end,
                source.text[max(0, start - CONTEXT_CHARS) : start],
                source.text[end : end + CONTEXT_CHARS],
            )
        )

    if len(out.problems) > problems_before:
        return None
    assert isinstance(fid, str) and summary is not None
    return Finding(
        source=source.id,
        id=fid,
        kind=kind,
        summary=summary,
        quotes=quotes,
        certainty=item["certainty"],
        section=source.section_at(quotes[0].start),
        file=out.rel(path),
        line=line,
        dates=dates,
        **{name: _as_list(item.get(name)) for name in LIST_FIELDS},
        period=period,
        as_of=as_of,
        victims=_text(item.get("victims")),
        quantities=quantities,
        sentences=sentences,
        response=item.get("response"),
        qualifications=_as_list(item.get("qualification")),
        status=item.get("status"),
        organization=item.get("organization"),
        note=_text(item.get("note")),
    )


def _quantities(raw: Any, concepts: dict[str, set[str]], bad: Callable[[str], None]) -> list[Quantity]:
    result: list[Quantity] = []
    for n, q in enumerate(_as_list(raw), 1):
        if not isinstance(q, dict):
            bad(f"quantity {n} must be a mapping")
            continue
        unknown = set(q) - {"value", "min", "max", "unit", "qualifier", "counted"}
        if unknown:
            bad(f"quantity {n}: unknown field(s) {sorted(unknown)}")
            continue
        if q.get("unit") not in concepts.get("units", set()):
            bad(f"quantity {n}: unknown unit {q.get('unit')!r}")
            continue
        if q.get("qualifier") not in concepts.get("quantity-qualifiers", set()):
            bad(f"quantity {n}: unknown qualifier {q.get('qualifier')!r}")
            continue
        try:
            value = _decimal(q["value"]) if q.get("value") is not None else None
            lo = _decimal(q["min"]) if q.get("min") is not None else None
            hi = _decimal(q["max"]) if q.get("max") is not None else None
        except ValueError as exc:
            bad(f"quantity {n}: {exc}")
            continue
        if q["qualifier"] == "range":
            if value is not None or lo is None or hi is None or lo > hi:
                bad(f"quantity {n}: a range needs min <= max and no value")
                continue
        elif value is None or lo is not None or hi is not None:
            bad(f"quantity {n}: give a value (min and max only with qualifier range)")
            continue
        if q.get("unit") == "count" and not _text(q.get("counted")):
            bad(f"quantity {n}: with unit count, say what was counted in 'counted'")
            continue
        result.append(Quantity(q["unit"], q["qualifier"], value, lo, hi, _text(q.get("counted"))))
    return result


def _sentences(raw: Any, concepts: dict[str, set[str]], bad: Callable[[str], None]) -> list[Sentence]:
    result: list[Sentence] = []
    for n, s in enumerate(_as_list(raw), 1):
        if not isinstance(s, dict) or set(s) - {"convicted", "penalty", "years", "months"}:
            bad(f"sentence {n}: fields are convicted, penalty, years or months")
            continue
        if not _text(s.get("convicted")):
            bad(f"sentence {n}: missing 'convicted' (who was sentenced, as the source says)")
            continue
        if s.get("penalty") not in concepts.get("penalties", set()):
            bad(f"sentence {n}: unknown penalty {s.get('penalty')!r}")
            continue
        try:
            years = _decimal(s["years"]) if s.get("years") is not None else None
            months = _decimal(s["months"]) if s.get("months") is not None else None
        except ValueError as exc:
            bad(f"sentence {n}: {exc}")
            continue
        if years is not None and months is not None:
            bad(f"sentence {n}: give years or months, not both")
            continue
        result.append(Sentence(_text(s["convicted"]) or "", s["penalty"], years, months))
    return result


# --------------------------------------------------------------------------- retired ids


def _load_retired(path: Path, out: _Collector) -> list[Retired]:
    if not path.is_file():
        return []
    try:
        raw = read_yaml(path)
    except YamlError as exc:
        out.add(path, str(exc), line=exc.line)
        return []
    result = []
    for item in _as_list((raw or {}).get("retired")):
        if not isinstance(item, dict) or not item.get("id") or not item.get("reason"):
            out.add(path, "each retired entry needs an id (path under id/) and a reason", line=line_of(item))
            continue
        result.append(Retired(str(item["id"]), str(item["reason"]), item.get("replaced_by")))
    return result


def minted_paths(project: Project) -> set[str]:
    """Paths under id/ of everything the data mints (findings, evidence, sources, entities)."""
    paths = {f"source/{s}" for s in project.sources}
    for f in project.findings:
        paths.add(f"finding/{f.key}")
        paths.update(f"evidence/{f.key}/{n}" for n in range(1, len(f.quotes) + 1))
    paths.update(f"{e.kind}/{e.id}" for e in project.entities.values())
    return paths


# --------------------------------------------------------------------------- the whole project


def load_project(root: Path) -> Project:
    """Load everything under root/data and check it; raises DataError listing every problem."""
    root = root.resolve()
    out = _Collector(root)
    data = root / "data"
    if not data.is_dir():
        raise DataError([Problem(str(data), "no data/ folder here")])
    concepts = load_concepts(root / "ontology" / "vocab")

    dataset: dict[str, object] = {}
    try:
        dataset = read_yaml(data / "dataset.yaml") or {}
    except YamlError as exc:
        out.add(data / "dataset.yaml", str(exc), line=exc.line)
    except FileNotFoundError:
        out.add(data / "dataset.yaml", "missing")

    sources: dict[str, Source] = {}
    for path in sorted((data / "sources").glob("*.yaml")):
        src = _load_source(path, out)
        if src is not None:
            sources[src.id] = src

    external, codes = _load_reference(root, out)
    links = _load_links(root, external, out)
    entities = _load_entities(sorted((data / "entities").glob("*.yaml")), out)
    _check_entities(entities, concepts, external, codes, out)
    out.problems.extend(check_links(links, entities, concepts))
    for src in sources.values():
        pub = entities.get(src.publisher)
        if pub is None or pub.kind != "org":
            out.add(
                data / "sources" / f"{src.id}.yaml",
                f"publisher: unknown organization {src.publisher!r}",
                src.id,
            )

    findings: list[Finding] = []
    for path in sorted((data / "findings").glob("*.yaml")):
        findings.extend(_load_findings(path, sources, entities, concepts, out))

    retired = _load_retired(data / "retired.yaml", out)
    project = Project(root, dataset, sources, findings, entities, concepts, retired, external, links)
    minted = minted_paths(project)
    for r in retired:
        if r.id in minted:
            out.add(data / "retired.yaml", f"{r.id!r} is retired and may not be minted again", r.id)

    if out.problems:
        raise DataError(out.problems)
    return project
