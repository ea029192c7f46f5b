"""The release a service serves: its store, the id its ETags derive from, its graphs' sizes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dprk_ld.release.store import open_release

RELEASE_FILE = "dprk-ld.nq"


@dataclass(frozen=True)
class ServedRelease:
    """A loaded release: the store and what every response about it needs to know."""

    store: Any
    release_id: str
    version: str | None
    graphs: dict[str, int]
    dist: Path | None = None

    @classmethod
    def from_dist(cls, dist: Path) -> ServedRelease:
        """Load ``dist/dprk-ld.nq`` (and its VoID) into an in-memory store."""
        nq = dist / RELEASE_FILE
        if not nq.is_file():
            raise FileNotFoundError(f"no {RELEASE_FILE} in the release folder")
        meta: dict[str, Any] = {}
        meta_file = dist / "release.json"
        if meta_file.is_file():
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        release_id = meta.get("release_id") or _sha256(nq)
        store = open_release(dist)
        return cls(store, str(release_id), meta.get("version"), graph_sizes(store), dist)

    @classmethod
    def from_store(cls, store: Any, release_id: str | None = None,
                   version: str | None = None) -> ServedRelease:
        """A ready store (tests): ``release_id`` is what ETags derive from."""
        return cls(store, str(release_id or "unversioned"), version, graph_sizes(store))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def graph_sizes(store: Any) -> dict[str, int]:
    """The number of triples in each named graph of ``store``."""
    sizes: dict[str, int] = {}
    query = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    for row in store.query(query):
        graph = row["g"]
        if isinstance(graph, ox.NamedNode):
            sizes[graph.value] = int(row["n"].value)
    return sizes
