"""The pytest option ``--store {embedded,oxigraph,virtuoso}``: the endpoint and linked-data suites
over the embedded store (the default) or over an external SPARQL store.

Registered from ``tests/conftest.py``. The suites make their apps with :func:`create_app` (here)
instead of :func:`dprk_ld.web.app.create_app`. Under ``--store embedded`` it is that function.
Under ``--store oxigraph`` or ``--store virtuoso`` the release the config names (``DIST``, a
release folder, or ``STORE``, a ready in-memory store, written to a folder first) is published
into a store of that kind (:mod:`dprk_ld.testing.stores`, ``dprk-ld publish``), and the app is
made with ``STORE_URL`` (``dprk-ld serve --store``) and the rest of the config, ``DIST`` kept as
``serve --store`` keeps it (the release's files beside the store).

Stores are started on demand and kept for the session (one set per xdist worker). Apps over two
releases may be open at once (a module's app and a test's), and swapping the release of a store
under an open app would change what it serves: so an app gets a store that holds its release
already, else (once there are :data:`SPARE` stores) the store no open app uses that holds the
smallest release (swapped by publish: a fraction of a second for the small test releases, while
the real release stays where it is), else a new store (Virtuoso takes seconds to start). Apps
made here are closed with :func:`close_app` (here), which gives their store back.

Tests that are about the embedded engine itself carry ``@pytest.mark.embedded_only(reason=...)``;
under an external store they are deselected, and the terminal summary counts them by reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask

from dprk_ld.deploy.publish import RELEASE_ID
from dprk_ld.release.namespaces import DATASET_IRI, GRAPH
from dprk_ld.testing.stores import STORES, StoreServer
from dprk_ld.web import app as web_app

__all__ = ["KINDS", "MARK", "StorePool", "app_config", "close_app", "create_app", "published",
           "serve_options", "store_kind"]

KINDS = ("embedded", "oxigraph", "virtuoso")
MARK = "embedded_only"
SPARE = 3  # stores started before an idle one takes another release (big ones stay put)
#: each store stops a query after 60 s of its own (Virtuoso's MaxQueryExecutionTime is 60 by
#: default): a test's stuck query, whose client has gone, does not run on for the session.
#: Oxigraph's --timeout-s does not stop every query (not CARTESIAN): docs/stores.md says which
STORE_OPTIONS: dict[str, dict[str, Any]] = {"oxigraph": {"timeout_s": 60}}
#: how releases map to store processes (the module's docstring says why)
POLICY = (f"a store per release used at once, kept for the session; past {SPARE} stores, a "
          "release swapped into the idle store holding the smallest one")
_OUTPUT_KEY = "dprk_ld_embedded_only"  # a worker's deselections, sent to the xdist controller
_STORES_KEY = "dprk_ld_stores"  # a worker's stores and their time, likewise


class StorePool:
    """Store processes of one kind, kept until :meth:`close`, and the release each holds (see
    the module's docstring and :data:`POLICY`)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._folder: Path | None = None
        self.servers: list[StoreServer] = []
        self.holds: dict[int, str] = {}  # id of a server: the key of the release it holds
        self.sizes: Counter[int] = Counter()  # id of a server: the bytes of its release's dump
        self.users: Counter[int] = Counter()  # id of a server: the open apps over it
        self.apps: dict[int, int] = {}  # id of an open app: id of its server
        self.folders: dict[Path, int] = {}  # a release folder: id of the server it went to
        self.seconds = {"start": 0.0, "publish": 0.0}  # time spent, reported at the end
        self.publishes = 0

    @property
    def folder(self) -> Path:
        """A temporary folder of the pool's own (made on first use), removed by :meth:`close`."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix=f"dprk-ld-{self.kind}-"))
        return self._folder

    def take(self, dist: Path) -> StoreServer:
        """A store holding the release built in ``dist``, counted as used until :meth:`give_back`."""
        key = release_key(dist)
        server = next((s for s in self.servers if self.holds[id(s)] == key), None)
        if server is None:
            idle = [s for s in self.servers if not self.users[id(s)]]
            # the idle store whose release is the cheapest to publish again, once there are a few
            server = min(idle, key=lambda s: self.sizes[id(s)]) \
                if idle and len(self.servers) >= SPARE else None
            if server is None:
                began = time.monotonic()
                server = STORES[self.kind](self.folder / f"{len(self.servers):03d}",
                                           **STORE_OPTIONS.get(self.kind, {})).start()
                self.seconds["start"] += time.monotonic() - began
                self.servers.append(server)
            self._publish(server, dist, key)
        self.users[id(server)] += 1
        self.folders[dist.resolve()] = id(server)
        return server

    def _publish(self, server: StoreServer, dist: Path, key: str) -> None:
        began = time.monotonic()
        self.holds[id(server)] = ""  # until it is done: a failed publish leaves it unknown
        server.load(dist)
        self.holds[id(server)] = key
        self.sizes[id(server)] = (dist / "dprk-ld.nq").stat().st_size
        self.seconds["publish"] += time.monotonic() - began
        self.publishes += 1

    def opened(self, app: Flask, server: StoreServer) -> None:
        self.apps[id(app)] = id(server)

    def put_back(self, server: StoreServer) -> None:
        """A store taken with :meth:`take` is no longer used by what took it."""
        self.users[id(server)] -= 1

    def give_back(self, app: Flask) -> None:
        """``app`` is closed: its store may take another release."""
        server = self.apps.pop(id(app), None)
        if server is not None:
            self.users[server] -= 1

    def republish(self, dist: Path) -> None:
        """Publish the release now in ``dist`` into the store that got the release it held
        before (as `dprk-ld publish` after `dprk-ld build`): apps over it switch at their next
        look."""
        found = self.folders.get(dist.resolve())
        server = next((s for s in self.servers if id(s) == found), None)
        if server is not None and self.holds[id(server)] != release_key(dist):
            self._publish(server, dist, release_key(dist))

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        self.servers.clear()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


def release_key(dist: Path) -> str:
    """What tells one release from another: its files' contents (a folder rebuilt with other
    content is another release)."""
    digest = hashlib.sha256()
    for name in ("dprk-ld.nq", "void.ttl", "release.json"):
        path = dist / name
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    return digest.hexdigest()


def write_release(store: Any, release_id: str | None, version: str | None, folder: Path) -> Path:
    """A release folder holding ``store``'s quads (N-Quads, blank node labels kept) and the id
    and version a ``STORE`` config gives, for a ready store to be published as a built one.

    A release has no triples in the default graph (`dprk-ld publish` sends named graphs only,
    and the front over a store reads the release's graphs only): the triples of ``store``'s
    default graph go into the release's data graph, so that a query without graph parameters
    sees what it sees over ``store`` (the union of its graphs). Without ``release_id``, the id
    the store's VoID graph names (a build writes it there), so that the release and its
    description agree, else "unversioned" (as :meth:`ServedRelease.from_store` says)."""
    folder.mkdir(parents=True, exist_ok=True)
    named = [q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(DATASET_IRI), ox.NamedNode(RELEASE_ID), None, ox.NamedNode(str(GRAPH["void"])))]
    release_id = release_id or (named[0] if len(named) == 1 else None)
    data = ox.NamedNode(str(GRAPH["data"]))
    quads = (ox.Quad(q.subject, q.predicate, q.object, data)
             if isinstance(q.graph_name, ox.DefaultGraph) else q for q in store)
    ox.serialize(quads, str(folder / "dprk-ld.nq"), format=ox.RdfFormat.N_QUADS)
    meta = {"release_id": str(release_id or "unversioned"), "version": version}
    (folder / "release.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


_pool: StorePool | None = None  # the session's, under an external store (pytest_configure)


def store_kind() -> str:
    """The store this session runs the suites over."""
    return _pool.kind if _pool is not None else "embedded"


def _routed(config: Mapping[str, Any]) -> tuple[dict[str, Any], StoreServer | None]:
    """``config`` as the session's store wants it, and the store it names (None: embedded)."""
    if _pool is None:
        return dict(config), None
    rest = {k: v for k, v in config.items() if k not in ("STORE", "RELEASE_ID", "VERSION")}
    if config.get("STORE") is not None:
        dist = write_release(config["STORE"], config.get("RELEASE_ID"), config.get("VERSION"),
                             Path(tempfile.mkdtemp(prefix="release-", dir=_pool.folder)))
        rest.pop("DIST", None)
    elif config.get("DIST") is not None:
        dist = Path(config["DIST"])
    else:
        return dict(config), None  # create_app says what is missing
    server = _pool.take(dist)
    return {**rest, "STORE_URL": server.endpoints.query_url}, server


def app_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` as the session's store wants it: unchanged over the embedded store; else the
    release it names published into a store of the session's kind, and ``STORE_URL`` for it
    (the store counted as used until an app made with it is closed by :func:`close_app`)."""
    return _routed(config)[0]


def published(dist: Path) -> None:
    """A test built a release anew into ``dist`` under a running app: under an external store,
    publish it into the store of the apps made over ``dist`` (what a publisher does after
    `dprk-ld build`); over the embedded store, nothing (the app looks at ``dist`` itself)."""
    if _pool is not None:
        _pool.republish(dist)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """:func:`dprk_ld.web.app.create_app` over the session's store (see the module)."""
    cfg, server = _routed(config or {})
    try:
        app = web_app.create_app(cfg)
    except BaseException:
        if server is not None and _pool is not None:
            _pool.put_back(server)
        raise
    if server is not None and _pool is not None:
        _pool.opened(app, server)
    return app


@contextlib.contextmanager
def serve_options(dist: Path) -> Iterator[dict[str, str]]:
    """Options of a `dprk-ld serve` process (as :class:`dprk_ld.testing.ServerProcess` takes
    them) for the release in ``dist`` over the session's store: none over the embedded store;
    else ``store``, the query address of a store holding that release (``serve --store URL``,
    ``--dist`` kept), counted as used until the block ends."""
    if _pool is None:
        yield {}
        return
    server = _pool.take(dist)
    try:
        yield {"store": server.endpoints.query_url}
    finally:
        _pool.put_back(server)


def close_app(app: Flask) -> None:
    """:func:`dprk_ld.web.app.close_app`; and its store may then take another release."""
    web_app.close_app(app)
    if _pool is not None:
        _pool.give_back(app)


# the pytest plugin
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--store", choices=KINDS, default="embedded",
                     help="run the endpoint and linked-data suites over this store: the "
                          "embedded one (default), or a release published into Oxigraph's "
                          "server or Virtuoso 7, started by the tests")


def pytest_configure(config: pytest.Config) -> None:
    global _pool
    kind = config.getoption("--store")
    if kind != "embedded":
        _pool = StorePool(kind)
    config.stash[_deselected_key] = Counter()
    config.stash[_stores_key] = []


def _pool_figures(pool: StorePool) -> list[float]:
    """Stores started, seconds starting them, releases published, seconds publishing."""
    return [len(pool.servers), pool.seconds["start"], pool.publishes, pool.seconds["publish"]]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under xdist: a worker's stores and their time, for the controller's summary."""
    if _pool is not None and hasattr(session.config, "workeroutput"):
        session.config.workeroutput[_STORES_KEY] = _pool_figures(_pool)


def pytest_unconfigure(config: pytest.Config) -> None:
    global _pool
    if _pool is not None:
        _pool.close()
        _pool = None


_deselected_key = pytest.StashKey[Counter[str]]()
_stores_key = pytest.StashKey[list[list[float]]]()  # each worker's :func:`_pool_figures`


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--store") == "embedded":
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker(MARK) else kept).append(item)
    if not dropped:
        return
    counts = config.stash[_deselected_key]
    for item in dropped:
        marker = item.get_closest_marker(MARK)
        counts[str(marker.kwargs.get("reason", "no reason given")) if marker else ""] += 1
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept
    if hasattr(config, "workeroutput"):
        config.workeroutput[_OUTPUT_KEY] = dict(counts)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Under xdist: a worker's count of deselected tests (every worker collects the same) and
    its stores."""
    output = getattr(node, "workeroutput", {})
    if output.get(_STORES_KEY):
        node.config.stash[_stores_key].append(output[_STORES_KEY])
    counts = output.get(_OUTPUT_KEY)
    if counts:
        merged = node.config.stash[_deselected_key]
        for reason, n in counts.items():
            merged[reason] = max(merged[reason], n)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    kind = config.getoption("--store")
    if kind == "embedded":
        return
    counts = config.stash[_deselected_key]
    terminalreporter.section(f"store: {kind}")
    terminalreporter.write_line(f"{sum(counts.values())} tests deselected as {MARK} "
                                f"(about the embedded engine itself), by reason:")
    for reason, n in counts.most_common():
        terminalreporter.write_line(f"  {n:4d}  {reason}")
    workers = config.stash[_stores_key] or ([_pool_figures(_pool)] if _pool else [])
    terminalreporter.write_line(f"stores: {POLICY}")
    for n, (stores, start, publishes, publish) in enumerate(workers):
        terminalreporter.write_line(f"process {n}: {int(stores)} {kind} store(s) started in "
                                    f"{start:.1f} s, {int(publishes)} releases published in "
                                    f"{publish:.1f} s")
