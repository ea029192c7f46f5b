"""The in-memory index of a release: every entity the service reconciles against, its names (with
their language tags and keys) and the values of every property, read from the store once.

Members are the IRIs under the release's base of each kind of :data:`~kinds.KINDS` (by
``rdf:type``, or ``skos:inScheme`` for the institutions). Their names are ``skos:prefLabel``,
``rdfs:label``, ``foaf:name`` and ``dcterms:title`` (preferred) and ``skos:altLabel``,
``skos:hiddenLabel`` and ``dcterms:identifier`` (alternative), in every language (English,
Hangul ``ko``, romanized ``ko-latn``). A finding has no label: it is named by its summary
(shortened), and its identifier and summary are what queries match. The store is only read by
fixed patterns (``quads_for_pattern`` with our own terms); no text of a client ever reaches it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from dprk_ld.reconciliation.kinds import KINDS, Kind
from dprk_ld.reconciliation.names import key, shorten, words
from dprk_ld.release.namespaces import BASE, DCTERMS, DPRK, FOAF, OWL, PROV, RDF, RDFS, SKOS, WD

GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
GEONAMES = "https://sws.geonames.org/"
PREFERRED = {str(SKOS.prefLabel), str(RDFS.label), str(FOAF.name), str(DCTERMS.title)}
ALTERNATIVE = {str(SKOS.altLabel), str(SKOS.hiddenLabel)}
DESCRIPTIONS = (str(DCTERMS.description), str(SKOS.definition), str(RDFS.comment))
LINKS = {str(OWL.sameAs), str(SKOS.exactMatch)}
#: links of a finding that say where it comes from or how it is stated, not what it is about
NOT_ABOUT = {str(p) for p in (RDF.type, DCTERMS.source, PROV.wasDerivedFrom, DPRK.section,
                              DPRK.evidence, DPRK.sentence, DPRK.certainty, DPRK.timeBasis,
                              DPRK.time, DPRK.sameSentenceAs, DPRK.quantity)}
MAX_DESCRIPTION = 240


@dataclass(frozen=True)
class Name:
    """One name of an entity, with its language tag ("" when untagged) and its key."""

    text: str
    lang: str
    preferred: bool
    key: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Value:
    """A property value: a string, or an entity (``id``) with its name (``text``)."""

    text: str
    id: str | None = None


@dataclass
class Entry:
    """An entity of the index."""

    iri: str
    name: str
    kinds: tuple[Kind, ...]
    names: tuple[Name, ...]
    description: str
    values: dict[str, tuple[Value, ...]]
    #: a finding's summary: its key and its words (empty for the other kinds)
    summary_key: str = ""
    summary_words: frozenset[str] = frozenset()

    def types(self) -> list[dict[str, str]]:
        return [k.as_type() for k in self.kinds]

    def is_a(self, short: str) -> bool:
        return any(k.short == short for k in self.kinds)


@dataclass
class NameIndex:
    """Every entry by IRI (in IRI order), and the weight of each word of the findings' summaries
    (rarer words weigh more)."""

    entries: dict[str, Entry]
    idf: dict[str, float] = field(default_factory=dict)
    #: the weight of a word no summary holds: that of the rarest word
    rarest: float = 1.0

    def __post_init__(self) -> None:
        self.rarest = max(self.idf.values(), default=1.0)

    def of_kinds(self, kinds: Iterable[Kind], every: bool = False) -> Iterator[Entry]:
        """The entries of any of ``kinds`` (of all of them when ``every``); all without kinds."""
        wanted = set(kinds)
        for entry in self.entries.values():
            have = set(entry.kinds)
            if not wanted or (wanted <= have if every else wanted & have):
                yield entry

    def get(self, iri: str) -> Entry | None:
        return self.entries.get(iri)


# --- reading the store -----------------------------------------------------------------------


@dataclass
class _Raw:
    """What the store says of one entity, before it becomes an :class:`Entry`."""

    kinds: list[Kind] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)
    names: set[tuple[str, str, bool]] = field(default_factory=set)
    described: dict[str, str] = field(default_factory=dict)  # language -> text
    out: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))  # predicate -> terms


def _members(store: Any, base: str) -> dict[str, _Raw]:
    raw: dict[str, _Raw] = {}
    for kind in KINDS:
        predicate = SKOS.inScheme if kind.scheme else RDF.type
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)),
                                            ox.NamedNode(kind.iri)):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value.startswith(base):
                found = raw.setdefault(subject.value, _Raw())
                if kind not in found.kinds:
                    found.kinds.append(kind)
    return raw


def _read(store: Any, iri: str, raw: _Raw) -> None:
    for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None):
        predicate, obj = quad.predicate.value, quad.object
        if isinstance(obj, ox.Literal):
            lang = (obj.language or "").lower()
            if predicate in PREFERRED or predicate in ALTERNATIVE:
                raw.names.add((obj.value, lang, predicate in PREFERRED))
            elif predicate == str(DCTERMS.identifier):
                raw.names.add((obj.value, "", False))
            elif predicate in DESCRIPTIONS:
                raw.described.setdefault(lang, obj.value)
        elif predicate == str(RDF.type):
            raw.classes.add(obj.value)
        raw.out[predicate].add(obj)


def _name_records(raw: _Raw, finding: bool) -> tuple[Name, ...]:
    texts = set(raw.names)
    if finding:  # its identifier without the source's prefix is a name too
        texts |= {(t.rsplit("/", 1)[-1], "", False) for t, lang, pref in raw.names if "/" in t}
    best: dict[str, Name] = {}
    order = sorted(texts, key=lambda n: (not n[2], n[1] not in ("en", ""), n[1], n[0]))
    for text, lang, preferred in order:
        k = key(text)
        if k and k not in best:
            best[k] = Name(text, lang, preferred, k, words(text))
    return tuple(best.values())


def _display_name(raw: _Raw, summary: str, iri: str) -> str:
    ranked = sorted(raw.names, key=lambda n: (not n[2], n[1] not in ("en", ""), n[1], n[0]))
    if ranked and ranked[0][2]:
        return ranked[0][0]
    if summary:
        return shorten(summary)
    return ranked[0][0] if ranked else iri.rsplit("/", 1)[-1]


def _literals(raw: _Raw, predicate: str) -> list[str]:
    return sorted(t.value for t in raw.out.get(predicate, ()) if isinstance(t, ox.Literal))


def _iris(raw: _Raw, predicates: Iterable[str]) -> list[str]:
    return sorted({t.value for p in predicates for t in raw.out.get(p, ())
                   if isinstance(t, ox.NamedNode)})


def build_index(store: Any, base: str = BASE) -> NameIndex:
    """The index of the release in ``store`` (entities under ``base``)."""
    raws = _members(store, base)
    for iri, raw in raws.items():
        _read(store, iri, raw)
    about: dict[str, set[str]] = defaultdict(set)
    for iri, raw in raws.items():
        if str(DPRK.Finding) in raw.classes:
            for predicate, objects in raw.out.items():
                if predicate not in NOT_ABOUT:
                    for obj in objects:
                        if isinstance(obj, ox.NamedNode) and obj.value in raws:
                            about[obj.value].add(iri)
    names = {iri: _display_name(raw, _summary(raw), iri) for iri, raw in raws.items()}
    class_names = _class_names(store, {c for raw in raws.values() for c in raw.classes})
    entries = {iri: _entry(iri, raws[iri], names, class_names, sorted(about.get(iri, ())))
               for iri in sorted(raws)}
    return NameIndex(entries, _idf(e.summary_words for e in entries.values() if e.summary_key))


def _summary(raw: _Raw) -> str:
    found = _literals(raw, str(DPRK.summary))
    return found[0] if found else ""


def _class_names(store: Any, classes: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for cls in classes:
        labels = sorted((q.object.language != "en", q.object.value) for q in store.quads_for_pattern(
            ox.NamedNode(cls), ox.NamedNode(str(RDFS.label)), None) if isinstance(q.object, ox.Literal))
        found[cls] = labels[0][1] if labels else cls.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return found


def _idf(documents: Iterable[frozenset[str]]) -> dict[str, float]:
    docs = list(documents)
    counts: dict[str, int] = defaultdict(int)
    for doc in docs:
        for word in doc:
            counts[word] += 1
    return {w: math.log((len(docs) + 1) / (n + 1)) + 1.0 for w, n in counts.items()}


def _entry(iri: str, raw: _Raw, names: dict[str, str], class_names: dict[str, str],
           about: list[str]) -> Entry:
    finding = any(k.short == "finding" for k in raw.kinds)
    summary = _summary(raw)
    values = _values(raw, names, class_names, about)
    if summary:
        values["summary"] = (Value(summary),)
    return Entry(iri=iri, name=names[iri], kinds=tuple(raw.kinds),
                 names=_name_records(raw, finding),
                 description=_description(raw, values, class_names, names),
                 values=values, summary_key=key(summary), summary_words=frozenset(words(summary)))


def _refs(iris: Iterable[str], names: dict[str, str]) -> tuple[Value, ...]:
    return tuple(Value(names[i], i) for i in iris if i in names)


def _values(raw: _Raw, names: dict[str, str], class_names: dict[str, str],
            about: list[str]) -> dict[str, tuple[Value, ...]]:
    labels = sorted(raw.names)
    links = _iris(raw, LINKS)
    kinds = [Value(k.name, k.iri) for k in raw.kinds]
    kinds += [Value(class_names[c], c) for c in sorted(raw.classes)
              if c.startswith(str(DPRK)) and c not in {k.iri for k in raw.kinds}]
    lat, long = _literals(raw, GEO + "lat"), _literals(raw, GEO + "long")
    return {
        "label_en": tuple(Value(t) for t, lang, pref in labels if pref and lang == "en"),
        "label_ko": tuple(Value(t) for t, lang, _ in labels if lang == "ko"),
        "romanized": tuple(Value(t) for t, lang, _ in labels if lang == "ko-latn"),
        "alt_label": tuple(Value(t) for t, lang, pref in labels
                           if not pref and (t, lang) not in _identifiers(raw)),
        "description": tuple(Value(t) for _, t in sorted(raw.described.items())),
        "identifier": tuple(Value(t) for t in _literals(raw, str(DCTERMS.identifier))),
        "kind": tuple(kinds),
        "wikidata": tuple(Value(i[len(str(WD)):]) for i in links if i.startswith(str(WD))),
        "geonames": tuple(Value(i[len(GEONAMES):].strip("/")) for i in links
                          if i.startswith(GEONAMES)),
        "same_as": tuple(Value(i) for i in links),
        "coordinates": (Value(f"{lat[0]},{long[0]}"),) if len(lat) == 1 == len(long) else (),
        "located_in": _refs(_iris(raw, [str(DPRK.locatedIn)]), names),
        "findings": _refs(about, names),
        "source": _refs(_iris(raw, [str(DCTERMS.source)]), names),
        "place": _refs(_iris(raw, [str(DCTERMS.spatial)]), names),
    }


def _identifiers(raw: _Raw) -> set[tuple[str, str]]:
    return {(t, "") for t in _literals(raw, str(DCTERMS.identifier))}


def _description(raw: _Raw, values: dict[str, tuple[Value, ...]], class_names: dict[str, str],
                 names: dict[str, str]) -> str:
    """What tells namesakes apart: the description or definition (English first); a finding's
    kind and source; a place's type and the place that contains it."""
    if raw.described:
        text = raw.described.get("en") or next(iter(sorted(raw.described.items())))[1]
        return shorten(text, MAX_DESCRIPTION)
    parts: list[str] = []
    if str(DPRK.Finding) in raw.classes:
        kinds = [class_names[c] for c in sorted(raw.classes)
                 if c.startswith(str(DPRK)) and c != str(DPRK.Finding)]
        parts = [*kinds, *(v.text for v in values["source"]), *(v.text for v in values["identifier"])]
    elif str(DPRK.Place) in raw.classes:
        place_types = _iris(raw, [str(DPRK.placeType)])
        parts = [*(names.get(t, _last(t)) for t in place_types),
                 *(f"in {v.text}" for v in values["located_in"])]
    return shorten(", ".join(parts).replace(", in ", " in "), MAX_DESCRIPTION)


def _last(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")


__all__ = ["Entry", "Name", "NameIndex", "Value", "build_index"]
