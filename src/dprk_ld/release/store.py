"""Load a built release into an in-memory pyoxigraph store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dprk_ld.release.dumps import DUMP
from dprk_ld.release.errors import ReleaseError
from dprk_ld.release.namespaces import GRAPH


def open_release(dist: Path) -> ox.Store:
    """An in-memory store holding every graph of the release in `dist`: data, ontology and shapes
    from the N-Quads dump, and the VoID/DCAT description (void.ttl) in its own graph."""
    path = dist / f"{DUMP}.nq"
    if not path.is_file():
        raise ReleaseError(f"no release in {dist} (missing {path.name}); run `dprk-ld build` first")
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    void = dist / "void.ttl"
    if void.is_file():
        store.bulk_load(path=str(void), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(GRAPH["void"])))
    return store
