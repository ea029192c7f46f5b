"""Load a built release into an in-memory pyoxigraph store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .dumps import DUMP
from .errors import ReleaseError


def open_release(dist: Path) -> ox.Store:
    """An in-memory store holding every graph of the release in `dist` (data, ontology, shapes)."""
    path = dist / f"{DUMP}.nq"
    if not path.is_file():
        raise ReleaseError(f"no release in {dist} (missing {path.name}); run `dprk-ld build` first")
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store
