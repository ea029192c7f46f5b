"""What the service offers: the types a name can be reconciled against, and the properties a
query can be constrained by and a table extended with.

A type's id is an IRI of the release: the class of its members (``dprk:Place``,
``org:Organization``, ``skos:Concept`` ...) or, for the detention and forced-labour
institutions, their concept scheme (their members are the concepts ``skos:inScheme`` it). A
client may also name a type by its short name (``place``). A property's id is a short name
(``wikidata``, ``findings``); its values are read by :mod:`dprk_ld.reconciliation.index`.
"""

from __future__ import annotations

from dataclasses import dataclass

from dprk_ld.release.namespaces import DPRK, FOAF, ORG, SKOS, VOCAB


@dataclass(frozen=True)
class Kind:
    """A type of the service: ``iri`` is its id, ``short`` the name a client may use instead;
    members are typed ``iri`` (``rdf:type``), or are in the scheme ``iri`` when ``scheme``."""

    short: str
    iri: str
    name: str
    description: str
    scheme: bool = False
    broader: tuple[str, ...] = ()  # short names of broader kinds

    def as_type(self) -> dict[str, str]:
        """The type as the API writes it, ``{"id", "name"}``."""
        return {"id": self.iri, "name": self.name}


KINDS: tuple[Kind, ...] = (
    Kind("place", str(DPRK.Place), "Place",
         "A country, province, city, county or region, with its Hangul name and links to "
         "Wikidata and GeoNames where known."),
    Kind("organization", str(ORG.Organization), "Organization",
         "A state, government body, party, security force, court, UN body or other "
         "organization the sources name."),
    Kind("person", str(FOAF.Person), "Person", "A person the sources name."),
    Kind("institution", str(VOCAB["institutions"]), "Detention or forced-labour institution",
         "A kind of North Korean detention, prison or forced-labour institution (kwanliso, "
         "kyohwaso ...), with its Hangul names and romanizations.", scheme=True,
         broader=("concept",)),
    Kind("finding", str(DPRK.Finding), "Finding",
         "A finding a source states, matched on its identifier and on its summary."),
    Kind("event", str(DPRK.Event), "Event", "A real-world event that findings report."),
    Kind("topic", str(DPRK.Topic), "Topic", "A subject that several findings speak of."),
    Kind("instrument", str(DPRK.LegalInstrument), "Legal instrument",
         "A treaty, law, decree or resolution that findings refer to."),
    Kind("source", str(DPRK.SourceDocument), "Source document",
         "A published report whose findings the dataset records."),
    Kind("concept", str(SKOS.Concept), "Concept (SKOS)",
         "A concept of one of the dataset's vocabularies: violation types, rights, affected "
         "groups, institutions ..."),
)
#: the types offered first in a client's dialog (every kind)
DEFAULT_KINDS: tuple[Kind, ...] = KINDS
_BY_ID: dict[str, Kind] = {k.iri: k for k in KINDS} | {k.short: k for k in KINDS}


def kind_of(type_id: str) -> Kind | None:
    """The kind a type id (an IRI, or a short name) names, or None."""
    return _BY_ID.get(type_id.strip())


def type_record(kind: Kind) -> dict[str, object]:
    """The type with its description and broader types (suggest and the manifest)."""
    record: dict[str, object] = {**kind.as_type(), "description": kind.description}
    broader = [k.as_type() for k in KINDS if k.short in kind.broader]
    if broader:
        record["broader"] = broader
    return record


@dataclass(frozen=True)
class Prop:
    """A property of the service: constraints and data extension. ``ref`` properties hold
    entities (written as reconciled cells, ``{"id", "name"}``), of the kind ``ref``; the others
    hold strings. ``kinds`` are the short names of the kinds that have it (every kind if empty)."""

    id: str
    name: str
    description: str
    kinds: tuple[str, ...] = ()
    ref: str | None = None
    #: an identifier property: a match on it alone is enough for a query without text
    identifying: bool = False

    def applies_to(self, kind: Kind | None) -> bool:
        return kind is None or not self.kinds or kind.short in self.kinds


PROPERTIES: tuple[Prop, ...] = (
    Prop("label_en", "English label", "The English name (skos:prefLabel, rdfs:label)."),
    Prop("label_ko", "Hangul label", "The Korean name in Hangul (labels tagged ko)."),
    Prop("romanized", "Romanized Korean name",
         "Romanizations of the Korean name (labels tagged ko-latn)."),
    Prop("alt_label", "Other names", "Other names and spellings (skos:altLabel, skos:hiddenLabel)."),
    Prop("description", "Description",
         "The description or definition (dcterms:description, skos:definition)."),
    Prop("identifier", "Identifier", "The dataset's own identifier (dcterms:identifier).",
         identifying=True),
    Prop("kind", "Kind", "The names of the classes it belongs to (a finding's kind too: "
         "incident, pattern, statistic ...); a constraint may give the class IRI."),
    Prop("wikidata", "Wikidata ID", "Its Wikidata item, from the published owl:sameAs and "
         "skos:exactMatch links (Q423).", identifying=True),
    Prop("geonames", "GeoNames ID", "Its GeoNames feature, from the published owl:sameAs "
         "links (1873107).", identifying=True),
    Prop("same_as", "Same as", "Every IRI it is published as the same as (owl:sameAs, "
         "skos:exactMatch).", identifying=True),
    Prop("coordinates", "Coordinates", "Latitude and longitude (WGS84, \"lat,long\"), where the "
         "release has them.", kinds=("place",)),
    Prop("located_in", "Located in", "The place that contains it (dprk:locatedIn).",
         kinds=("place",), ref="place"),
    Prop("findings", "Findings about it", "The findings that refer to it: as their place, "
         "actor, perpetrator, topic, violation type, institution ...", ref="finding"),
    Prop("summary", "Summary", "A finding's summary, in the dataset's words.", kinds=("finding",)),
    Prop("source", "Source", "The source document a finding comes from (dcterms:source).",
         kinds=("finding",), ref="source"),
    Prop("place", "Places", "The places of a finding (dcterms:spatial).", kinds=("finding",),
         ref="place"),
)
_PROPS: dict[str, Prop] = {p.id: p for p in PROPERTIES}


def prop_of(prop_id: str) -> Prop | None:
    """The property of an id, or None."""
    return _PROPS.get(prop_id.strip())


def prop_record(prop: Prop) -> dict[str, str]:
    """The property as suggest and property proposals write it."""
    return {"id": prop.id, "name": prop.name, "description": prop.description}


__all__ = ["DEFAULT_KINDS", "KINDS", "PROPERTIES", "Kind", "Prop", "kind_of", "prop_of",
           "prop_record", "type_record"]
