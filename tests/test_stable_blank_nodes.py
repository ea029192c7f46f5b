"""A release loads with the same blank-node labels every time, the ones of its dump, so that two
processes (or two restarts) serving one release answer with the same bytes under one ETag."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from dprk_ld.release.namespaces import GRAPH
from dprk_ld.release.store import open_release


def blank_labels(store: ox.Store) -> set[str]:
    return {term.value for q in store for term in (q.subject, q.object)
            if isinstance(term, ox.BlankNode)}


def test_two_loads_name_blank_nodes_alike_and_as_the_dump(real_release: Path) -> None:
    first, second = open_release(real_release), open_release(real_release)
    labels = blank_labels(first)
    assert labels, "the real release has blank nodes (lists in the shapes and ontology)"
    assert labels == blank_labels(second)
    dumped = {term.value for q in ox.parse(path=str(real_release / "dprk-ld.nq"),
                                           format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False)
              for term in (q.subject, q.object) if isinstance(term, ox.BlankNode)}
    assert labels == dumped


def test_anonymous_blank_nodes_of_the_description_are_named_by_order(real_release: Path,
                                                                     tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(real_release, dist)
    with (dist / "void.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\n<urn:test:a> <urn:test:p> [ <urn:test:q> [ <urn:test:r> 1 ] ] .\n")
    graph = ox.NamedNode(str(GRAPH["void"]))
    runs = []
    for _ in range(2):
        store = open_release(dist)
        runs.append(sorted(str(q) for q in store.quads_for_pattern(None, None, None, graph)
                           if isinstance(q.subject, ox.BlankNode)
                           or isinstance(q.object, ox.BlankNode)))
    assert runs[0] == runs[1] and len(runs[0]) == 3
    assert all("_:void" in line for line in runs[0])
