"""The state of one app's site: the store it reads, the base it maps, the release's files.

A :class:`Site` is a plain record made once per app (the web layer makes it from the app's
config); every function of the site takes it as its first argument. Its cache holds what is
computed once per app, since the release never changes while it is served.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from dprk_ld import formats

T = TypeVar("T")

#: files of a release folder that ``release.json`` does not list but that may be downloaded
EXTRA_FILES: tuple[tuple[str, str], ...] = (("release.json", formats.JSON.media_type),
                                            ("SHA256SUMS", formats.TEXT.media_type))
#: the example queries of a checkout, when no other folder is configured
CHECKOUT_QUERIES = Path(__file__).resolve().parents[3] / "queries"


@dataclass
class Site:
    """What the pages and documents of one app need: the store, the base, the release files."""

    store: Any
    base: str
    release_id: str
    dist: Path | None
    queries_dir: Path | None
    max_age: int = 300
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def dataset_iri(self) -> str:
        return self.base + "dataset"

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """A value computed once per app (the release never changes while it is served)."""
        if key not in self._cache:
            self._cache[key] = make()
        found: T = self._cache[key]
        return found

    def local(self, iri: str) -> str | None:
        """The path on this server of an IRI under the base (with its fragment), else None."""
        if iri.startswith(self.base):
            return "/" + iri[len(self.base):]
        return None

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` points in our pages: our own path, or the IRI itself."""
        return self.local(iri) or iri

    def release_files(self) -> dict[str, dict[str, Any]]:
        """The files of the release that may be downloaded, by name (from release.json)."""
        return self.cached("release_files", lambda: read_release_files(self.dist))

    def source_text(self, source_id: str) -> str | None:
        """The archived text of a source, if the release publishes it."""
        name = f"sources/{source_id}.txt"
        dist = self.dist
        if dist is None or name not in self.release_files():
            return None
        return self.cached("text:" + name, lambda: (dist / name).read_text(encoding="utf-8"))


def read_release_files(dist: Path | None) -> dict[str, dict[str, Any]]:
    """The files ``dist/release.json`` lists, and the release's own record and checksums."""
    if dist is None or not (dist / "release.json").is_file():
        return {}
    info = json.loads((dist / "release.json").read_text(encoding="utf-8"))
    files: dict[str, dict[str, Any]] = dict(info.get("files", {}))
    for extra, media_type in EXTRA_FILES:
        path = dist / extra
        if path.is_file():
            data = path.read_bytes()
            files[extra] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                            "media_type": media_type}
    return files


def find_queries_dir(dist: Path | None) -> Path | None:
    """The folder of example queries: next to the release folder, else the checkout's."""
    for candidate in ([dist.parent / "queries"] if dist else []) + [CHECKOUT_QUERIES]:
        if candidate.is_dir():
            return candidate
    return None


__all__ = ["Site", "find_queries_dir", "read_release_files"]
