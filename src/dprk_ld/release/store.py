"""Load a built release into an in-memory pyoxigraph store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from dprk_ld.release.dumps import DUMP
from dprk_ld.release.errors import ReleaseError
from dprk_ld.release.namespaces import GRAPH


def open_release(dist: Path) -> ox.Store:
    """An in-memory store holding every graph of the release in `dist`: data, ontology and shapes
    from the N-Quads dump, and the VoID/DCAT description (void.ttl) in its own graph.

    Blank nodes keep the labels the dump gives them (``bulk_load`` would draw new random ones on
    every load), so every process serving one release, and every restart, answers a query that
    returns blank nodes with the same bytes, the ones the dump has, under the same ETag.
    """
    path = dist / f"{DUMP}.nq"
    if not path.is_file():
        raise ReleaseError(f"no release in {dist} (missing {path.name}); run `dprk-ld build` first")
    store = ox.Store()
    # ``lenient``: the dump is the build's own writing of a store it validated (its IRIs and
    # language tags were checked on the way in), so they are not checked again: 3.4 s instead of
    # 4.1 s for the 1.37 M quads of the 100x corpus (bench/README.md, "Scale"); a line that is
    # not N-Quads is still an error
    store.bulk_extend(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS,
                               rename_blank_nodes=False, lenient=True))
    void = dist / "void.ttl"
    if void.is_file():
        graph = ox.NamedNode(str(GRAPH["void"]))
        triples = ox.parse(path=str(void), format=ox.RdfFormat.TURTLE, rename_blank_nodes=False)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                          for t in stable_blank_nodes(triples, "void"))
    return store


def stable_blank_nodes(triples: Iterable[ox.Triple], prefix: str) -> Iterator[ox.Triple]:
    """``triples`` with each blank node named ``prefix`` and its order of first appearance.

    Turtle's ``[ ]`` has no label, and the parser draws a random one; the order of a file's
    triples does not change between loads, so this naming does not either."""
    names: dict[str, ox.BlankNode] = {}

    def stable(term: ox.BlankNode) -> ox.BlankNode:
        if term.value not in names:
            names[term.value] = ox.BlankNode(f"{prefix}{len(names)}")
        return names[term.value]

    for t in triples:
        subject = stable(t.subject) if isinstance(t.subject, ox.BlankNode) else t.subject
        obj = stable(t.object) if isinstance(t.object, ox.BlankNode) else t.object
        yield ox.Triple(subject, t.predicate, obj)
