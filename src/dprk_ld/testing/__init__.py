"""Helpers for testing dprk-ld and applications built on it.

* the one error shape (:func:`assert_error_shape`) and an app served over real HTTP on a loopback
  port (:func:`serve_in_thread`);
* IRIs of a release (:data:`BASE`, :func:`path_of`, :func:`subjects_of_type`);
* witnesses of what the endpoint must never do: a listener that counts the connections it gets
  (:class:`ConnectionCounter`), SERVICE in every spelling (:func:`service_queries`), a query that
  blocks the engine far past any deadline (:data:`CARTESIAN`), and a count of the queries handed
  to the workers (:class:`CountingPool`);
* the endpoint tests' fixture release, made from its TriG source (:func:`write_fixture_release`;
  ``python -m dprk_ld.testing SOURCE DIST`` on the command line, ``make fixtures`` in the repository).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask
from rdflib import Dataset, Graph
from werkzeug.serving import make_server

from dprk_ld.formats import media_type_of
from dprk_ld.release.dumps import DUMP, nquads
from dprk_ld.release.namespaces import BASE, GRAPH
from dprk_ld.web.errors import CODES

__all__ = [
    "BASE",
    "BROWSER_WAIT",
    "CARTESIAN",
    "CHROMIUM_FLAGS",
    "ConnectionCounter",
    "CountingPool",
    "assert_error_shape",
    "chromium",
    "fixture_release_files",
    "ingest_args",
    "path_of",
    "serve_in_thread",
    "service_queries",
    "stop_group",
    "subjects_of_type",
    "wait_for",
    "write_fixture_release",
]

ERROR_KEYS = {"status", "code", "title", "message", "details"}


# --- the error shape, an app on a loopback port ---------------------------------------------------

def assert_error_shape(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Check a test-client response is the one error shape (JSON) with this status, and that it
    leaks no traceback or file path; return the error record."""
    assert resp.status_code == status, (resp.status_code, resp.data[:500])
    assert resp.headers["Content-Type"].startswith("application/json"), resp.headers
    record = json.loads(resp.data)
    assert set(record) == {"error"}
    err = record["error"]
    assert set(err) == ERROR_KEYS
    assert err["status"] == status
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["details"], dict)
    assert err["code"] in CODES and CODES[err["code"]] == status
    if code is not None:
        assert err["code"] == code, err
    text = resp.data.decode("utf-8")
    assert "Traceback" not in text and "/work/" not in text and ".py" not in text
    return err


@contextmanager
def serve_in_thread(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL (no trailing /)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


# --- IRIs of a release ----------------------------------------------------------------------------

def path_of(iri: str) -> str:
    """The path at which the server answers for ``iri`` (an IRI under :data:`BASE`)."""
    assert iri.startswith(BASE), iri
    return "/" + iri[len(BASE):]


def subjects_of_type(store: ox.Store, cls: str) -> list[str]:
    """IRIs under the base typed ``cls`` (a full IRI), sorted."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return sorted({q.subject.value for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(cls))
                   if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE)})


# --- what the endpoint must never do --------------------------------------------------------------

_VALUES = " ".join(str(i) for i in range(100))
#: 100^5 = 10^10 solutions: blocks inside the engine far past any deadline
CARTESIAN = ("SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?{v} {{ {_VALUES} }}" for v in "abcde") + " }")


def service_queries(url: str) -> list[str]:
    """Queries that would make the engine call ``url`` (SERVICE in every spelling and place)."""
    base = url.rsplit("/", 1)[0] + "/"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE<{url}>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ SERVICE # a comment\n <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?u {{ <{url}> }} SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE SILENT ?u {{ ?s ?p ?o }} }}",
        f"PREFIX x: <{base}> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{base}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERV\\u0049CE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        # SERVICE glued to a prefixed name, and a prefixed name ending in a dot before it
        f"PREFIX x: <{base}> SELECT * WHERE {{ SERVICEx:sparql {{ ?s ?p ?o }} }}",
        f"PREFIX : <{url}> SELECT * WHERE {{ SERVICE:{{ ?s ?p ?o }} }}",
        f"PREFIX x: <{base}> SELECT * WHERE {{ ?a x:.SERVICE<{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <{base}> SELECT * WHERE {{ ?a ?b ?c . SERVICEx:sparql{{ ?s ?p ?o }} }}",
    ]


class ConnectionCounter:
    """A TCP listener on loopback that counts the connections it receives.

    :meth:`close` (the end of a ``with`` block) also counts the connections still waiting to be
    accepted, so a count read after it misses none that was made before: no need to wait."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.count += 1
            self._answer(conn)

    @staticmethod
    def _answer(conn: socket.socket) -> None:
        try:
            conn.settimeout(0.5)
            with contextlib.suppress(OSError):
                conn.recv(65536)
            conn.sendall(b"HTTP/1.1 500 Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        """Stop listening; count (and close) the connections left in the backlog."""
        self._stop.set()
        self._thread.join(timeout=10)
        self.sock.setblocking(False)
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # BlockingIOError: the backlog is empty
                break
            self.count += 1
            conn.close()
        self.sock.close()

    def __enter__(self) -> ConnectionCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CountingPool:
    """Wraps the query pool of an app (``app.extensions["dprk_ld"].pool``): counts the queries
    handed to a worker (``calls``); ``entered`` is set when the first one is."""

    def __init__(self, app: Flask) -> None:
        self.pool = app.extensions["dprk_ld"].pool
        self.inner = self.pool.run
        self.calls = 0
        self.entered = threading.Event()
        self.pool.run = self._run

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.entered.set()
        return self.inner(*args, **kwargs)


# --- the endpoint tests' fixture release ----------------------------------------------------------

FIXTURE_VERSION = "0.0.0-fixture"
FIXTURE_ISSUED = "2026-01-01"


def fixture_release_files(source: Path) -> dict[str, bytes]:
    """The files of a small release made from a TriG file whose named graphs are those of a
    release (data, ontology, shapes, void under :data:`GRAPH`): the N-Quads dump written as the
    build writes it, and its ``release.json``."""
    dataset = Dataset()
    dataset.parse(source, format="trig")
    graphs: dict[str, Graph] = {}
    for graph in dataset.graphs():
        iri = str(graph.identifier)
        if not iri.startswith(str(GRAPH)):
            if len(graph):
                raise ValueError(f"{source}: triples outside the named graphs of a release ({iri})")
            continue
        graphs[iri[len(str(GRAPH)):]] = graph
    dump, name = nquads(graphs), f"{DUMP}.nq"
    sha = hashlib.sha256(dump).hexdigest()
    info = {
        "version": FIXTURE_VERSION,
        "issued": FIXTURE_ISSUED,
        "release_id": sha,
        "triples": sum(len(g) for g in graphs.values()),
        "files": {name: {"sha256": sha, "bytes": len(dump), "media_type": media_type_of(name)}},
    }
    meta = json.dumps(info, indent=1, ensure_ascii=False) + "\n"
    return {name: dump, "release.json": meta.encode("utf-8")}


def write_fixture_release(source: Path, dist: Path) -> None:
    """Write the release made from ``source`` (see :func:`fixture_release_files`) into ``dist``;
    other files in ``dist`` are removed."""
    files = fixture_release_files(source)
    dist.mkdir(parents=True, exist_ok=True)
    for old in dist.iterdir():
        if old.is_file() and old.name not in files:
            old.unlink()
    for name, data in files.items():
        (dist / name).write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dprk_ld.testing",
        description="Write the small release made from a TriG file (the endpoint tests' fixture).")
    parser.add_argument("source", type=Path, help="the TriG file, e.g. tests/endpoint/fixtures/release.trig")
    parser.add_argument("dist", type=Path, help="the release folder, e.g. tests/endpoint/fixtures/dist")
    args = parser.parse_args(argv)
    write_fixture_release(args.source, args.dist)
    print(f"fixture release written to {args.dist}")
    return 0


# --- a real server process ------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def processes() -> dict[int, tuple[int, int, str, int]]:
    """Every process: pid -> (parent pid, process group, state, CPU clock ticks), from /proc."""
    found: dict[int, tuple[int, int, str, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        found[int(entry.name)] = (int(fields[1]), int(fields[2]), fields[0],
                                  int(fields[11]) + int(fields[12]))
    return found


class ServerProcess:
    """`dprk-ld serve` of ``dist`` on a free loopback port, in a process group of its own, with
    ``options`` (``query_timeout="3"`` is ``--query-timeout 3``); started when ``/sparql``
    answers (or an AssertionError after ``start_limit`` seconds, or if it exits)."""

    def __init__(self, dist: Path, log: Any = subprocess.DEVNULL, start_limit: float = 60.0,
                 **options: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        args = [sys.executable, "-m", "dprk_ld.cli", "serve", "--dist", str(dist),
                "--host", "127.0.0.1", "--port", str(self.port)]
        for key, value in options.items():
            args += ["--" + key.replace("_", "-"), value]
        env = {k: v for k, v in os.environ.items() if not k.startswith("DPRK_LD_")}
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=log,
                                     start_new_session=True)
        limit = time.monotonic() + start_limit
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > limit:
                self.stop()
                raise AssertionError("the server did not start")
            time.sleep(0.2)

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=2) as resp:
                return bool(resp.status == 200)
        except (OSError, http.client.HTTPException):
            return False

    def query_worker_cpu(self) -> dict[int, int]:
        """CPU ticks of the server's query workers (two levels under it), by pid."""
        table = processes()
        web = {pid for pid, (ppid, *_) in table.items() if ppid == self.proc.pid}
        return {pid: ticks for pid, (ppid, _, _, ticks) in table.items() if ppid in web}

    def stop(self) -> None:
        stop_group(self.proc)


def stop_group(proc: subprocess.Popen[Any], timeout: float = 20) -> None:
    """Stop a process started in its own process group: SIGTERM to the group, SIGKILL if it
    has not ended within ``timeout`` seconds."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)


def ingest_args(root: Path, file: Path, source: str = "new-report", covers: str = "2024") -> list[str]:
    """The command line of `dprk-ld ingest` for a test report into the project at ``root``."""
    return ["ingest", str(file), "--source", source, "--title", "A new report",
            "--url", "https://example.org/new", "--publisher", "test-publisher",
            "--published", "2025-01-10", "--covers", covers, "--root", str(root)]


def edit_fixture(root: Path, rel: str, old: str, new: str) -> None:
    """Replace the first ``old`` by ``new`` in the file ``rel`` of a copied fixture tree (an
    AssertionError if the fixture no longer holds ``old``)."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_problems(root: Path) -> list[Any]:
    """The problems the data of ``root`` is refused for (an AssertionError if it loads)."""
    from dprk_ld.curation.errors import DataError
    from dprk_ld.curation.load import load_project

    try:
        load_project(root)
    except DataError as exc:
        return list(exc.problems)
    raise AssertionError(f"the data of {root} loaded without a problem")


from dprk_ld.testing.browser import BROWSER_WAIT, CHROMIUM_FLAGS, chromium, wait_for  # noqa: E402
