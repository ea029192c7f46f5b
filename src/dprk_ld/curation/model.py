"""The curated data, loaded and checked: what the RDF is made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dprk_ld.curation.dates import Date, Period, When

FINDING_KINDS: dict[str, str] = {
    "incident": "Incident",
    "pattern": "Pattern",
    "statistic": "Statistic",
    "legal-qualification": "LegalQualification",
    "international-response": "InternationalResponse",
    "treaty-status": "TreatyStatus",
    "membership-status": "MembershipStatus",
    "context": "ContextEvent",
    "assessment": "Assessment",
    "recommendation": "Recommendation",
}

ENTITY_KINDS: dict[str, str] = {
    "places": "place",
    "organizations": "org",
    "persons": "person",
    "instruments": "instrument",
    "topics": "topic",
}


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    start: int
    end: int
    untitled: bool = False


@dataclass
class Source:
    id: str
    title: str
    publisher: str
    edition: str
    issued: Date
    covers: Period
    url: str
    language: str
    text: str
    text_file: Path
    sha256: str
    body_start: int
    body_end: int
    sections: list[Section]
    seed: str | None = None
    note: str | None = None

    def section_at(self, offset: int) -> Section:
        found = self.sections[0]
        for s in self.sections:
            if s.start <= offset:
                found = s
        return found


@dataclass(frozen=True)
class Quote:
    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Quantity:
    unit: str
    qualifier: str
    value: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    counted: str | None = None
    measure: str = ""  # a concept of vocab/measures
    period: When | None = None  # the reference period: its own, or the finding's one time
    ordinal: int | None = None  # a rank instead of a value ("the sixth")
    alternatives: tuple[Decimal, ...] = ()  # the values of "40 or 50" (qualifier either)


@dataclass(frozen=True)
class Sentence:
    convicted: str
    penalty: str
    years: Decimal | None = None
    months: Decimal | None = None

    @property
    def months_total(self) -> Decimal | None:
        """The term in months (``years: 1.5`` is 18), None without a term."""
        if self.years is not None:
            return self.years * 12
        return self.months

    @property
    def duration(self) -> str | None:
        """The term as an xsd:duration in its canonical form (``P1Y6M``, not ``P18M``), the form
        the query engine keeps; the checks let only positive whole months through."""
        total = self.months_total
        if total is None:
            return None
        years, months = divmod(int(total), 12)
        text = (f"{years}Y" if years else "") + (f"{months}M" if months else "")
        return f"P{text}" if text else "PT0S"


@dataclass
class Finding:
    source: str
    id: str
    kind: str
    summary: str
    quotes: list[Quote]
    certainty: str
    section: Section
    file: str
    line: int | None = None
    according_to: list[str] = field(default_factory=list)
    dates: list[Date] = field(default_factory=list)
    period: Period | None = None
    as_of: Date | None = None
    undated: str | None = None  # why the finding has no time, when the source dates nothing
    time_basis: str = "stated"  # where its time comes from (vocab/time-bases)
    places: list[str] = field(default_factory=list)
    perpetrators: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)  # bodies it is about, in no other role
    victims: str | None = None
    affected: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)
    institutions: list[str] = field(default_factory=list)
    instruments: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    response: str | None = None
    qualifications: list[str] = field(default_factory=list)
    qualified_by: list[str] = field(default_factory=list)
    status: str | None = None
    organization: str | None = None
    note: str | None = None
    # relations to other findings, as curated: "<id>" in the same source or "<source>/<id>"
    # (curation/relations.py checks and resolves them)
    refers_to: list[str] = field(default_factory=list)
    follows: list[str] = field(default_factory=list)
    same_sentence: list[str] = field(default_factory=list)
    penalty: list[str] = field(default_factory=list)  # penalties the law sets (vocab/penalties)

    @property
    def key(self) -> str:
        return f"{self.source}/{self.id}"

    @property
    def times(self) -> list[When]:
        """Every time of the finding: its dates, its period and the date it held as of."""
        found: list[When] = list(self.dates)
        found += [w for w in (self.period, self.as_of) if w is not None]
        return found


@dataclass
class Entity:
    kind: str  # place, org, person, instrument, topic
    id: str
    label: str
    file: str
    line: int | None = None
    alt: list[str] = field(default_factory=list)
    ko: str | None = None
    description: str | None = None
    type: str | None = None
    within: str | None = None  # place: containing place; org: parent organization
    country: str | None = None
    member_of: list[str] = field(default_factory=list)
    jurisdiction: str | None = None
    wikidata: str | None = None
    geonames: str | None = None
    codes: dict[str, str] = field(default_factory=dict)
    succeeded_by: str | None = None  # org: the organization that took its place
    succession_date: Date | None = None  # org: when, if a source says


@dataclass
class Event:
    """A real-world event or state that findings report (data/events.yaml); each finding stays
    one source's claim about it."""

    id: str
    label: str
    findings: list[str]  # finding keys, "<source>/<id>"
    file: str
    line: int | None = None
    description: str | None = None
    state: bool = False  # a continuing state (a law in force, a membership): dates not compared


@dataclass
class Retired:
    id: str  # the path under id/
    reason: str
    replaced_by: str | None = None


@dataclass(frozen=True)
class ExternalLink:
    """A link to the same thing (or a matching concept) in another dataset, checked by a curator."""

    entity: str  # an entity id, or "<scheme>/<concept id>" for a concept
    system: str  # wikidata | geonames
    id: str
    relation: str  # sameAs for things; exactMatch or closeMatch for concepts
    source: str  # where it was checked
    file: str


@dataclass
class Project:
    root: Path
    dataset: dict[str, object]
    sources: dict[str, Source]
    findings: list[Finding]
    entities: dict[str, Entity]
    concepts: dict[str, set[str]]  # scheme -> concept ids
    retired: list[Retired]
    external_ids: dict[str, dict[str, str]]  # wikidata/geonames id -> reference row
    links: list[ExternalLink] = field(default_factory=list)  # data/reference/ links to publish
    events: list[Event] = field(default_factory=list)  # data/events.yaml
