"""The state of one app's site: the store it reads, the base it maps, the release's files, the
address it is published at.

A :class:`Site` is a plain record made once per app (the web layer makes it from the app's
config); every function of the site takes it as its first argument. Its cache holds what is
computed once per app, since the release never changes while it is served.

The site's absolute URLs (sitemap, robots.txt, the landing page's schema.org record, the
endpoint's address on the pages) all start with :attr:`Site.public_url`, which comes from the
configuration and never from a request: a request's Host header is whatever the client wrote,
and pages that are cached for everyone must not repeat it. Links inside pages are paths
(``/sparql``, ``/doc/…``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from dprk_ld import formats

T = TypeVar("T")

#: files of a release folder that ``release.json`` does not list but that may be downloaded
EXTRA_FILES: tuple[tuple[str, str], ...] = (("release.json", formats.JSON.media_type),
                                            ("SHA256SUMS", formats.TEXT.media_type))
#: the example queries of a checkout, when no other folder is configured
CHECKOUT_QUERIES = Path(__file__).resolve().parents[3] / "queries"
#: the public address of a site served with the default host and port
LOCAL_URL = "http://127.0.0.1:5000/"
#: listening addresses that are no address to publish (every interface)
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "[::]")
#: the host and port of a public address: a name, an IPv4 or a bracketed IPv6 address
HOST_RE = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?")


@dataclass
class Site:
    """What the pages and documents of one app need: the store, the base, the release files."""

    store: Any
    base: str
    release_id: str
    dist: Path | None
    queries_dir: Path | None
    max_age: int = 300
    #: where the site is published (``https://host[:port]/``): the start of its absolute URLs
    public_url: str = LOCAL_URL
    _cache: dict[str, Any] = field(default_factory=dict)
    #: release file name -> an open descriptor of it (:meth:`pin`)
    pinned: dict[str, int] = field(default_factory=dict)

    @property
    def dataset_iri(self) -> str:
        return self.base + "dataset"

    def absolute(self, path: str) -> str:
        """The absolute URL of a path of the site (``/sparql``), at its public address."""
        return self.public_url + path.lstrip("/")

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

    def pin(self) -> None:
        """Open every downloadable file of the release now, and read them through these
        descriptors from then on: a release built anew under a running server swaps the folder
        and deletes the old one, but a site keeps serving the files of its own release."""
        if self.dist is None:
            return
        for name in self.release_files():
            path = (self.dist / name).resolve()
            if self.dist.resolve() in path.parents and path.is_file():
                self.pinned[name] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)

    def unpin(self) -> None:
        """Close the descriptors of :meth:`pin` (when the site is no longer served)."""
        for fd in self.pinned.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self.pinned.clear()

    def file_path(self, name: str) -> Path | None:
        """A path that opens the release file ``name`` of this site's release, or None."""
        if name in self.pinned:
            return Path(f"/proc/self/fd/{self.pinned[name]}")
        if self.dist is None or name not in self.release_files():
            return None
        path = (self.dist / name).resolve()
        return path if self.dist.resolve() in path.parents and path.is_file() else None

    def source_text(self, source_id: str) -> str | None:
        """The archived text of a source, if the release publishes it."""
        path = self.file_path(f"sources/{source_id}.txt")
        if path is None:
            return None
        return self.cached("text:" + source_id, lambda: path.read_text(encoding="utf-8"))


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


def public_root(url: str) -> str:
    """``url`` as a site's public address: ``http(s)://host[:port]/``, with the slash; the site
    answers at the root of its host (its pages link to ``/sparql``, ``/doc/…``), so a path, a
    query, a fragment or credentials are refused (ValueError)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{url!r} is not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0 \
            or not HOST_RE.fullmatch(parts.netloc):
        raise ValueError(f"{url!r} is not an http:// or https:// address with a host (and port)")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc \
            or text.endswith(("?", "#")):
        raise ValueError(f"{url!r}: give the site's address only, scheme://host[:port]/ "
                         "(the site answers at the root of its host)")
    return f"{parts.scheme}://{parts.netloc.lower()}/"


def local_url(host: str, port: int) -> str:
    """The address of a server listening on ``host``:``port``, as a public address: the host
    itself, or 127.0.0.1 for a wildcard (every interface is no address to publish)."""
    name = "127.0.0.1" if host.strip() in WILDCARD_HOSTS else host.strip()
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"  # IPv6
    return public_root(f"http://{name}:{int(port)}/")


def find_queries_dir(dist: Path | None) -> Path | None:
    """The folder of example queries: next to the release folder, else the checkout's."""
    for candidate in ([dist.parent / "queries"] if dist else []) + [CHECKOUT_QUERIES]:
        if candidate.is_dir():
            return candidate
    return None


__all__ = ["LOCAL_URL", "Site", "find_queries_dir", "local_url", "public_root", "read_release_files"]
