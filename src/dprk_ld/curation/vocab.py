"""The controlled vocabularies of ontology/vocab/: the concepts of each scheme, their English labels
and the kind of each measure and unit, with the checks that keep measures and units comparable."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from dprk_ld.curation.errors import Problem

MEASURE_KIND = URIRef("https://w3id.org/dprk-ld/ontology#measureKind")
MEASURES_FILE = "ontology/vocab/measures.ttl"
UNITS_FILE = "ontology/vocab/units.ttl"


class Concepts(dict[str, set[str]]):
    """Concept ids per scheme (``concepts["units"]``), with what else the checks need of them:
    ``labels`` and ``kinds`` by ``<scheme>/<id>`` (a kind is an id of scheme ``measure-kinds``)."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[str, str] = {}
        self.kinds: dict[str, str] = {}

    def label(self, scheme: str, cid: str) -> str:
        """The English preferred label of a concept (its id if it has none)."""
        return self.labels.get(f"{scheme}/{cid}", cid)


def _local(concept: str, scheme: str) -> str | None:
    """The id of ``concept`` in ``scheme`` (both IRIs), or None if it lies outside the scheme."""
    return concept[len(scheme) + 1 :] if concept.startswith(scheme + "/") else None


def load_concepts(vocab_dir: Path) -> Concepts:
    """Concept ids per scheme, read from the SKOS files in ontology/vocab/.

    A scheme is known by the last segment of its IRI (``…/vocab/violation-types``), a concept by
    the rest of its IRI after the scheme's (``…/vocab/violation-types/execution``)."""
    graph = Graph()
    for path in sorted(vocab_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    found = Concepts()
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        for scheme in graph.objects(concept, SKOS.inScheme):
            cid = _local(str(concept), str(scheme))
            if cid is None:
                continue
            name = str(scheme).rsplit("/", 1)[-1]
            found.setdefault(name, set()).add(cid)
            for label in graph.objects(concept, SKOS.prefLabel):
                if getattr(label, "language", None) == "en":
                    found.labels[f"{name}/{cid}"] = str(label)
            for kind in graph.objects(concept, MEASURE_KIND):
                found.kinds[f"{name}/{cid}"] = str(kind).rsplit("/", 1)[-1]
    return found


def check_vocabulary(concepts: Concepts) -> list[Problem]:
    """Every measure and every unit names its kind, one of scheme ``measure-kinds``."""
    problems = []
    known = concepts.get("measure-kinds", set())
    for scheme, file in (("measures", MEASURES_FILE), ("units", UNITS_FILE)):
        for cid in sorted(concepts.get(scheme, set())):
            kind = concepts.kinds.get(f"{scheme}/{cid}")
            if kind not in known:
                what = "has no dprk:measureKind" if kind is None else f"has an unknown kind {kind!r}"
                problems.append(Problem(file, f"{what} (one of {sorted(known)})", f"{scheme}/{cid}"))
    return problems


def unit_mismatch(concepts: dict[str, set[str]], measure: str, unit: str) -> str | None:
    """Why ``unit`` does not suit ``measure`` (their kinds differ), or None when it does."""
    kinds: dict[str, str] = getattr(concepts, "kinds", {})
    mk, uk = kinds.get(f"measures/{measure}"), kinds.get(f"units/{unit}")
    if mk is None or uk is None or mk == uk:
        return None
    return f"unit {unit!r} is for a measure of kind {uk!r}, but measure {measure!r} is of kind {mk!r}"


__all__ = ["Concepts", "check_vocabulary", "load_concepts", "unit_mismatch"]


def find_concepts(
    vocab_dir: Path, words: str, scheme: str | None = None
) -> list[tuple[str, str, str, list[str]]]:
    """Concepts whose id, preferred or alternative labels (any language) hold every one of
    ``words`` (case and accents folded), best first: ``(scheme, id, English label, other labels)``."""
    from dprk_ld.curation.suggest import fold

    graph = Graph()
    for path in sorted(vocab_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    wanted = fold(words).split()
    found: list[tuple[int, str, str, str, list[str]]] = []
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        for scheme_iri in graph.objects(concept, SKOS.inScheme):
            cid = _local(str(concept), str(scheme_iri))
            name = str(scheme_iri).rsplit("/", 1)[-1]
            if cid is None or (scheme and name != scheme):
                continue
            pref = [str(x) for x in graph.objects(concept, SKOS.prefLabel)]
            alts = [str(x) for x in graph.objects(concept, SKOS.altLabel)]
            english = next((str(x) for x in graph.objects(concept, SKOS.prefLabel)
                            if getattr(x, "language", None) == "en"), cid)
            names = [fold(n) for n in (cid, *pref, *alts)]
            if all(any(w in n for n in names) for w in wanted):
                exact = 0 if fold(words) in names else 1
                found.append((exact, name, cid, english, sorted(set(pref + alts) - {english})))
    return [(s, c, e, o) for _, s, c, e, o in sorted(found)]
