"""Entities (places, organizations, persons, instruments, topics) and the reference tables their
identifiers are checked against (external identifiers, country codes, checked links)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dprk_ld.curation.errors import Collector, Problem
from dprk_ld.curation.fields import CODE_FIELDS, ENTITY_ATTRS, INSTRUMENT_TYPES, SLUG, as_list, text_of
from dprk_ld.curation.links import read_links
from dprk_ld.curation.model import ENTITY_KINDS, Entity, ExternalLink
from dprk_ld.curation.successions import succession_fields
from dprk_ld.curation.suggest import did_you_mean
from dprk_ld.curation.yamlio import YamlError, line_of, read_yaml

#: system -> identifier -> the reference row that documents it
External = dict[str, dict[str, dict[str, str]]]


def load_entities(paths: Iterable[Path], out: Collector) -> dict[str, Entity]:
    """The entities of the entity files, by id; each id once."""
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
            for item in as_list(items):
                _add_entity(entities, _entity(kind, item, path, out), path, out)
    return entities


def _add_entity(entities: dict[str, Entity], entity: Entity | None, path: Path, out: Collector) -> None:
    if entity is None:
        return
    if entity.id in entities:
        first = entities[entity.id]
        out.add(
            path,
            f"duplicate identifier {entity.id!r} (also in {first.file}"
            f"{':' + str(first.line) if first.line else ''})",
            entity.id,
            entity.line,
        )
        return
    entities[entity.id] = entity


def _entity(kind: str, item: Any, path: Path, out: Collector) -> Entity | None:
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
            out.add(path, f"unknown field {key!r} for a {kind}"
                    f"{did_you_mean(key, ENTITY_ATTRS[kind])}", eid, line)
            ok = False
    if not text_of(item.get("label")):
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
        label=text_of(item["label"]) or eid,
        file=out.rel(path),
        line=line,
        alt=[str(a) for a in as_list(item.get("alt"))],
        ko=item.get("ko"),
        description=text_of(item.get("description")),
        type=item.get("type"),
        within=item.get("within") or item.get("parent"),
        country=item.get("country"),
        member_of=[str(m) for m in as_list(item.get("member_of"))],
        jurisdiction=item.get("jurisdiction"),
        wikidata=str(item["wikidata"]) if item.get("wikidata") else None,
        geonames=str(item["geonames"]) if item.get("geonames") else None,
        codes=codes,
        **succession_fields(item, lambda message: out.add(path, message, eid, line)),
    )


class _EntityCheck:
    """The checks of one entity against the others, the concepts and the reference tables."""

    def __init__(self, entities: dict[str, Entity], concepts: dict[str, set[str]], out: Collector) -> None:
        self.entities, self.concepts, self.out = entities, concepts, out

    def bad(self, e: Entity, message: str) -> None:
        self.out.problems.append(Problem(e.file, message, e.id, e.line))

    def ref(self, e: Entity, field: str, target: str | None, kinds: set[str]) -> None:
        if target is None:
            return
        other = self.entities.get(target)
        if other is None:
            hint = did_you_mean(target, [o.id for o in self.entities.values() if o.kind in kinds],
                                {o.id: o.label for o in self.entities.values() if o.kind in kinds})
            self.bad(e, f"{field}: unknown {'/'.join(sorted(kinds))} {target!r}{hint}")
        elif other.kind not in kinds:
            self.bad(e, f"{field}: {target!r} is a {other.kind}, not a {'/'.join(sorted(kinds))}")

    def kind_rules(self, e: Entity) -> None:
        """Types from the right vocabulary, references to entities of the right kind."""
        if e.kind == "place":
            if e.type not in self.concepts.get("place-types", set()):
                self.bad(e, f"type: unknown place type {e.type!r}")
            self.ref(e, "within", e.within, {"place"})
        elif e.kind == "org":
            if e.type not in self.concepts.get("actor-types", set()):
                self.bad(e, f"type: unknown actor type {e.type!r}")
            self.ref(e, "parent", e.within, {"org"})
            self.ref(e, "country", e.country, {"place"})
        elif e.kind == "person":
            for m in e.member_of:
                self.ref(e, "member_of", m, {"org"})
        elif e.kind == "instrument":
            if e.type not in INSTRUMENT_TYPES:
                self.bad(e, f"type: {e.type!r} is not one of {sorted(INSTRUMENT_TYPES)}")
            self.ref(e, "jurisdiction", e.jurisdiction, {"place"})

    def identifiers(self, e: Entity, external: External, used: dict[str, str]) -> None:
        """Only checked external identifiers, each given to one entity."""
        for system, value in (("wikidata", e.wikidata), ("geonames", e.geonames)):
            if value is None:
                continue
            if value not in external.get(system, {}):
                self.bad(
                    e,
                    f"{system} id {value!r} is not in data/reference/external-ids.tsv nor "
                    f"external-ids-checked.tsv (nor accepted in links-review.tsv): publish only "
                    f"checked identifiers",
                )
            key = f"{system}:{value}"
            if key in used and used[key] != e.id:
                self.bad(e, f"{system} id {value!r} is also given to {used[key]!r}")
            used[key] = e.id

    def codes(self, e: Entity, codes: dict[str, dict[str, str]]) -> None:
        row = codes.get(e.id)
        for name, value in e.codes.items():
            if row is None or row.get(name) != value:
                self.bad(e, f"country code {name}={value!r} is not in data/reference/country-codes.tsv")

    def loops(self, e: Entity) -> None:
        """The place hierarchy and the organization hierarchy must not loop."""
        seen, cur = {e.id}, e.within
        while cur is not None and cur in self.entities:
            if cur in seen:
                self.bad(e, "the within/parent chain loops")
                break
            seen.add(cur)
            cur = self.entities[cur].within


def check_entities(
    entities: dict[str, Entity],
    concepts: dict[str, set[str]],
    external: External,
    codes: dict[str, dict[str, str]],
    out: Collector,
) -> None:
    """Check every entity's types, references, identifiers and codes, then the hierarchies."""
    check = _EntityCheck(entities, concepts, out)
    used: dict[str, str] = {}
    for e in entities.values():
        check.kind_rules(e)
        check.identifiers(e, external, used)
        if e.codes:
            check.codes(e, codes)
    for e in entities.values():
        check.loops(e)


def _tsv(path: Path) -> list[dict[str, str]]:
    rows = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(rows, delimiter="\t"))


def load_reference(root: Path) -> tuple[External, dict[str, dict[str, str]]]:
    """The external identifiers (data/reference/external-ids.tsv) and the country codes
    (country-codes.tsv) entities may use."""
    external: External = {"wikidata": {}, "geonames": {}}
    path = root / "data" / "reference" / "external-ids.tsv"
    if path.is_file():
        for row in _tsv(path):
            for system in ("wikidata", "geonames"):
                if row.get(system):
                    external[system][row[system]] = dict(row)
    codes: dict[str, dict[str, str]] = {}
    path = root / "data" / "reference" / "country-codes.tsv"
    if path.is_file():
        for row in _tsv(path):
            codes[row["place"]] = {k: v for k, v in row.items() if k != "place"}
    return external, codes


def load_links(root: Path, external: External, out: Collector) -> list[ExternalLink]:
    """Links checked in data/reference/ (see links.py); entity files may use their ids too."""
    links, problems = read_links(root)
    out.problems.extend(problems)
    for link in links:
        row = {"entity": link.entity, "source": link.source}
        external.setdefault(link.system, {}).setdefault(link.id, row)
    return links
