"""Names to look for in a sentence: our entities (label, alt labels, Korean ``ko``), the SKOS
labels and alt labels of the vocabularies (English, Hangul, romanizations), and the cue phrases of
:mod:`~.cues`, each pointing to the id it suggests.

Matching is on words folded as :func:`dprk_ld.curation.suggest.fold` folds names (case, accents
and punctuation away), each word also without a plural ``s`` or possessive ``’s``, so
``executions`` finds ``execution``. A one-word name (``Russia``, ``States``) and an acronym
(``WHO``, ``UN``) must match as written, capital included; a name in Hangul is found as it is
written, anywhere (Korean attaches particles to it). Of overlapping names of one family (the
entities, or one concept scheme), a name lying wholly inside a longer one is dropped:
``Chinese government`` wins over ``government``; two names of the same words (``Russia``, the
country and its state) are both kept for the rules to choose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from dprk_ld.curation.errors import Collector
from dprk_ld.curation.ingest.cues import CUES
from dprk_ld.curation.suggest import close_to, fold

ENTITY_FAMILY = "entity"
#: the concept schemes whose labels are looked for in a sentence
SCHEMES = (
    "violation-types",
    "rights",
    "affected-groups",
    "institutions",
    "response-types",
    "legal-qualifications",
    "statuses",
)
_WORD = re.compile(r"\w+(?:[’']s\b)?")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _norm(word: str) -> str:
    word = fold(re.sub(r"[’']s$", "", word))
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Term:
    """A name that suggests an id: ``family`` is ``entity`` or a scheme, ``kind`` the entity kind
    (place, org, person, instrument, topic) or the scheme again."""

    family: str
    kind: str
    id: str
    name: str
    tokens: tuple[str, ...]
    exact: bool  # a one-word name or an acronym: matched as written
    cue: bool = False  # from the cue table, not a label


@dataclass(frozen=True)
class Match:
    term: Term
    start: int  # offsets in the sentence
    end: int

    @property
    def why(self) -> str:
        return f"{'cue' if self.term.cue else 'label'} {self.term.name!r}"


def _term(family: str, kind: str, cid: str, name: str, cue: bool = False) -> Term | None:
    words = [w.group(0) for w in _WORD.finditer(name)]
    if not words:
        return None
    exact = (len(words) == 1 and name[:1].isupper()) or (name.isupper() and len(name) <= 6)
    tokens = tuple(words) if exact else tuple(_norm(w) for w in words)
    return Term(family, kind, cid, name, tokens, exact, cue)


def concept_labels(vocab_dir: Path, schemes: Iterable[str] = SCHEMES) -> dict[str, dict[str, list[str]]]:
    """Every preferred and alternative label (any language) of each concept, by scheme and id."""
    graph = Graph()
    for path in sorted(vocab_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    wanted = set(schemes)
    found: dict[str, dict[str, list[str]]] = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        for scheme_iri in graph.objects(concept, SKOS.inScheme):
            scheme = str(scheme_iri).rsplit("/", 1)[-1]
            if scheme not in wanted or not str(concept).startswith(str(scheme_iri) + "/"):
                continue
            cid = str(concept)[len(str(scheme_iri)) + 1 :]
            names = [str(x) for p in (SKOS.prefLabel, SKOS.altLabel) for x in graph.objects(concept, p)]
            found.setdefault(scheme, {})[cid] = sorted(set(names))
    return found


class Lexicon:
    """Finds the names of entities and concepts in sentences."""

    def __init__(
        self,
        terms: Iterable[Term],
        entity_kinds: dict[str, str],
        countries: dict[str, str | None],
        parents: dict[str, str] | None = None,
        governments: dict[str, str] | None = None,
    ) -> None:
        self.terms = [t for t in terms if t.tokens]
        self.entity_kinds = entity_kinds  # entity id -> kind
        self.countries = countries  # org or person id -> the country its state belongs to
        self.parents = parents or {}  # place id -> the place it lies within
        self.governments = governments or {}  # country (place id) -> its state (an org of type state)
        self._by_first: dict[str, list[Term]] = {}
        self._hangul = [t for t in self.terms if _HANGUL.search(t.name)]
        for t in self.terms:
            if not _HANGUL.search(t.name):
                self._by_first.setdefault(t.tokens[0], []).append(t)

    @classmethod
    def load(cls, root: Path) -> Lexicon:
        """The lexicon of a project: its entities, its vocabularies' labels, and the cues."""
        from dprk_ld.curation.entities import load_entities

        out = Collector(root)
        entities = load_entities(sorted((root / "data" / "entities").glob("*.yaml")), out)
        terms: list[Term | None] = []
        for e in entities.values():
            for name in [e.label, *e.alt, *([e.ko] if e.ko else [])]:
                terms.append(_term(ENTITY_FAMILY, e.kind, e.id, name))
        for scheme, concepts in concept_labels(root / "ontology" / "vocab").items():
            for cid, names in concepts.items():
                terms.extend(_term(scheme, scheme, cid, name) for name in names)
        for (family, cid), phrases in CUES.items():
            kind = entities[cid].kind if cid in entities else family
            if family == ENTITY_FAMILY and cid not in entities:
                continue
            terms.extend(_term(family, kind, cid, phrase, cue=True) for phrase in phrases)
        countries = {e.id: e.country or (e.id if e.kind == "place" else None) for e in entities.values()}
        for e in entities.values():
            if e.kind == "person" and e.member_of:
                countries[e.id] = entities[e.member_of[0]].country if e.member_of[0] in entities else None
        parents = {e.id: e.within for e in entities.values() if e.kind == "place" and e.within}
        governments = {
            e.country: e.id for e in entities.values() if e.kind == "org" and e.type == "state" and e.country
        }
        return cls(
            (t for t in terms if t is not None),
            {e.id: e.kind for e in entities.values()},
            countries,
            parents,
            governments,
        )

    def find(self, sentence: str) -> list[Match]:
        """The names found in ``sentence``: per family, longest first, never overlapping."""
        words = list(_WORD.finditer(sentence))
        raw = [re.sub(r"[’']s$", "", w.group(0)) for w in words]
        normed = [_norm(w.group(0)) for w in words]
        found: list[Match] = []
        for i in range(len(words)):
            for t in self._by_first.get(raw[i], []) + self._by_first.get(normed[i], []):
                seq = raw if t.exact else normed
                if tuple(seq[i : i + len(t.tokens)]) == t.tokens:
                    found.append(Match(t, words[i].start(), words[i + len(t.tokens) - 1].end()))
        for t in self._hangul:
            found.extend(Match(t, m.start(), m.end()) for m in re.finditer(re.escape(t.name), sentence))
        return _longest(found)

    def closest(self, name: str, kind: str) -> list[str]:
        """Entity ids of ``kind`` whose name is close to ``name`` (for a curator's hint)."""
        ids = [i for i, k in self.entity_kinds.items() if k == kind]
        return close_to(name, ids, {t.id: t.name for t in self.terms if t.id in ids})


def _longest(found: list[Match]) -> list[Match]:
    kept: list[Match] = []
    for m in sorted(set(found), key=lambda m: (-(m.end - m.start), m.start, m.term.id)):
        if not any(
            k.term.family == m.term.family
            and k.start <= m.start
            and m.end <= k.end
            and (k.end - k.start > m.end - m.start or k.term.id == m.term.id)
            for k in kept
        ):
            kept.append(m)
    return sorted(kept, key=lambda m: (m.start, m.term.id))
