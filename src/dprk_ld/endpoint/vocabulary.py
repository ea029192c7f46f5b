"""What the query page offers to complete: the prefixes, and the properties, classes and SKOS
concepts the release uses, each with its prefixed name, how often it is used and its label.

:func:`vocabulary` reads them from the release's store, once (the web layer keeps the JSON per
release): a walk over the quads, no query text. A term's prefixed name has its reserved characters
escaped (``vocab:actor-types\\/company``), as SPARQL writes them; a term with no such name has
none (the page writes it as ``<iri>``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
CONCEPT = SKOS + "Concept"
#: label properties, best first
LABELS = (SKOS + "prefLabel", RDFS + "label")
#: properties that say what a term means, best first
COMMENTS = (RDFS + "comment", SKOS + "definition")
MAX_COMMENT = 160
#: a SPARQL local name (PN_LOCAL, in ASCII) with its reserved characters escaped
_ESCAPED = r"\\[_~.\-!$&'()*+,;=/?#@%]"
LOCAL_NAME = re.compile(f"(?:[A-Za-z0-9_:]|{_ESCAPED})(?:(?:[A-Za-z0-9_\\-.:]|{_ESCAPED})*"
                        f"(?:[A-Za-z0-9_\\-:]|{_ESCAPED}))?")
_RESERVED = re.compile(r"([~!$&'()*+,;=/?#@%])")


def prefixed(iri: str, prefixes: Mapping[str, str]) -> str | None:
    """``iri`` as ``prefix:local`` with the longest namespace of ``prefixes`` whose rest is a
    local name once its reserved characters are escaped (``vocab:rights\\/life``); None when
    none is."""
    best: str | None = None
    best_len = -1
    for name, namespace in prefixes.items():
        if not iri.startswith(namespace) or len(namespace) <= best_len:
            continue
        local = _RESERVED.sub(r"\\\1", iri[len(namespace):])
        if LOCAL_NAME.fullmatch(local):
            best, best_len = f"{name}:{local}", len(namespace)
    return best


def _pick(values: list[tuple[int, str, str]]) -> str | None:
    """The best of (rank of the property, language, text): English, else no language, else any;
    then by the property's rank."""
    if not values:
        return None

    def key(value: tuple[int, str, str]) -> tuple[int, int, str]:
        rank, lang, text = value
        return ({"en": 0, "": 1}.get(lang.lower().split("-")[0] if lang else "", 2), rank, text)

    return min(values, key=key)[2]


def _short(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= MAX_COMMENT else text[:MAX_COMMENT - 1] + "\u2026"


def _collect(store: ox.Store) -> tuple[Counter[str], Counter[str], set[str],
                                       dict[str, list[tuple[int, str, str]]],
                                       dict[str, list[tuple[int, str, str]]]]:
    properties: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    concepts: set[str] = set()
    labels: dict[str, list[tuple[int, str, str]]] = {}
    comments: dict[str, list[tuple[int, str, str]]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        predicate, obj = quad.predicate.value, quad.object
        properties[predicate] += 1
        if predicate == RDF_TYPE and isinstance(obj, ox.NamedNode):
            classes[obj.value] += 1
            if obj.value == CONCEPT and isinstance(quad.subject, ox.NamedNode):
                concepts.add(quad.subject.value)
        elif isinstance(obj, ox.Literal) and isinstance(quad.subject, ox.NamedNode):
            for table, among in ((labels, LABELS), (comments, COMMENTS)):
                if predicate in among:
                    table.setdefault(quad.subject.value, []).append(
                        (among.index(predicate), obj.language or "", obj.value))
    return properties, classes, concepts, labels, comments


def vocabulary(store: ox.Store, prefixes: Mapping[str, str]) -> dict[str, Any]:
    """The prefixes, and the properties, classes and concepts of ``store`` (most used first,
    then by IRI), as the query page's completion reads them."""
    properties, classes, concepts, labels, comments = _collect(store)

    def term(iri: str, count: int | None) -> dict[str, Any]:
        entry: dict[str, Any] = {"iri": iri, "name": prefixed(iri, prefixes)}
        if count is not None:
            entry["count"] = count
        entry["label"] = _pick(labels.get(iri, []))
        entry["comment"] = _short(_pick(comments.get(iri, [])))
        return entry

    def ordered(counts: Counter[str]) -> list[dict[str, Any]]:
        return [term(iri, n) for iri, n in sorted(counts.items(), key=lambda t: (-t[1], t[0]))]

    return {
        "prefixes": dict(prefixes),
        "properties": ordered(properties),
        "classes": ordered(classes),
        "concepts": [term(iri, None) for iri in sorted(concepts)],
    }


__all__ = ["prefixed", "vocabulary"]
