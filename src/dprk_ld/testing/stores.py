"""External SPARQL stores for the tests: Oxigraph's server and Virtuoso 7, each started on free
loopback ports in a folder of its own, in a process group of its own, and stopped with nothing
left running.

* Oxigraph's server (PyPI ``oxigraph``, the ``oxigraph`` program of the virtualenv):
  ``oxigraph serve --location DIR --bind 127.0.0.1:PORT``; queries at ``/query``, updates at
  ``/update``, the Graph Store Protocol at ``/store``. It has no users: anyone who reaches the
  port may write, which is why it listens on loopback only.
* Virtuoso 7 (Debian ``virtuoso-opensource``, the program ``virtuoso-t``): a ``virtuoso.ini``
  written into the folder (its own database, transaction log and temporary database there, the
  SQL and HTTP servers on loopback ports, ``DirsAllowed`` the folder alone, the ``[SPARQL]``
  limits given), run as ``virtuoso-t +foreground +configfile virtuoso.ini``. A new database takes
  about 3 s to create and answer.

  Writing to Virtuoso: its public ``/sparql`` is read-only (the ``SPARQL`` account it runs as has
  no ``SPARQL_UPDATE`` role), and stays so. Updates and the Graph Store Protocol go to the
  endpoints Virtuoso puts behind HTTP digest authentication, ``/sparql-auth`` (queries and SPARQL
  Update) and ``/sparql-graph-crud-auth`` (Graph Store Protocol), as the administrator ``dba``
  with the password every new database has (``dba``). That needs no grant through ``isql`` and
  no change to the anonymous account, so the store behaves as a deployment that keeps its public
  endpoint read-only; and it makes every writer send credentials, which ``dprk-ld publish``
  must handle anyway.

Each server gives its addresses as a :class:`StoreEndpoints`; :meth:`StoreServer.load` publishes
a built release into it (``dprk-ld publish``, with its checks).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import requests
from requests.auth import HTTPDigestAuth

from dprk_ld.testing import free_port, processes, stop_group

START_LIMIT = 60.0  # seconds a store may take to answer its first query
VIRTUOSO_USER = VIRTUOSO_PASSWORD = "dba"  # a new Virtuoso database's administrator
DUMP_FILE = "dprk-ld.nq"


class MissingProgram(RuntimeError):
    """A store's program is not installed (the message says how to install it)."""


@dataclass(frozen=True)
class StoreEndpoints:
    """Where a running store answers: SPARQL queries, SPARQL updates, the Graph Store Protocol;
    and the user and password the update and graph store addresses want (HTTP digest), if any."""

    name: str
    query_url: str
    update_url: str
    graph_store_url: str
    user: str | None = None
    password: str | None = None

    @property
    def auth(self) -> HTTPDigestAuth | None:
        """For ``requests``: the credentials, when the store wants some."""
        return HTTPDigestAuth(self.user, self.password or "") if self.user else None


def find_program(name: str, places: list[Path], install: str) -> str:
    """The path of the program ``name``: on PATH or in one of ``places``; else MissingProgram."""
    for place in places:
        if (place / name).is_file() and os.access(place / name, os.X_OK):
            return str(place / name)
    found = shutil.which(name)
    if found:
        return found
    raise MissingProgram(f"{name} is not installed: {install}")


class StoreServer:
    """A store process on loopback, started by :meth:`start` (``with`` does it), stopped by
    :meth:`stop`; its log is ``folder/store.log``."""

    name = "store"

    def __init__(self, folder: Path, start_limit: float = START_LIMIT) -> None:
        self.folder = folder
        self.start_limit = start_limit
        self.proc: subprocess.Popen[bytes] | None = None
        self.endpoints: StoreEndpoints = self._endpoints()

    # what each store says
    def _endpoints(self) -> StoreEndpoints:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def log(self) -> Path:
        return self.folder / "store.log"

    def start(self) -> Self:
        """Start the store and wait until it answers a query (an AssertionError naming the end of
        its log if it exits or does not answer within ``start_limit`` seconds)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        args = self.command()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(args, cwd=self.folder, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        limit = time.monotonic() + self.start_limit
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > limit:
                self.stop()
                tail = self.log.read_text(errors="replace")[-2000:]
                raise AssertionError(f"{self.name} did not start ({' '.join(args)}):\n{tail}")
            time.sleep(0.1)
        return self

    def answers(self) -> bool:
        """Whether the store answers an ASK query now."""
        try:
            resp = requests.get(self.endpoints.query_url, params={"query": "ASK {}"},
                                headers={"Accept": "application/sparql-results+json"}, timeout=2)
        except requests.RequestException:
            return False
        return resp.status_code == 200

    def stop(self) -> None:
        """Stop the store's process group (SIGTERM, then SIGKILL) and wait for it."""
        if self.proc is not None:
            stop_group(self.proc)

    def group_members(self) -> list[int]:
        """The processes still in the store's process group (none once it is stopped)."""
        if self.proc is None:
            return []
        return sorted(pid for pid, (_, group, state, _) in processes().items()
                      if group == self.proc.pid and state != "Z")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # using it
    def query(self, query: str, accept: str = "application/sparql-results+json") -> Any:
        """The answer to a SPARQL query (parsed JSON for SPARQL JSON, else the text)."""
        resp = requests.post(self.endpoints.query_url, data={"query": query},
                             headers={"Accept": accept}, timeout=60)
        resp.raise_for_status()
        return resp.json() if "json" in accept else resp.text

    def update(self, update: str) -> None:
        """Run a SPARQL update (an HTTPError if the store refuses it)."""
        resp = requests.post(self.endpoints.update_url, data={"update": update},
                             auth=self.endpoints.auth, timeout=120)
        resp.raise_for_status()

    def graph_sizes(self) -> dict[str, int]:
        """Triples in each named graph of the store, the store's own graphs included."""
        answer = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"]["value"]: int(row["n"]["value"]) for row in answer["results"]["bindings"]}

    #: datatypes whose literals the store is known to give back rewritten
    rewrites: frozenset[str] = frozenset()

    def load(self, dist: Path, tolerate: frozenset[str] | None = None) -> Any:
        """Publish the release built in ``dist`` into the store (`dprk-ld publish`); returns what
        :func:`dprk_ld.deploy.publish.publish` returns. ``tolerate`` defaults to the store's
        known :attr:`rewrites`, so that tests of other things can run over it (each is listed
        in the result's ``rewritten``); ``frozenset()`` refuses them, as the command does."""
        from dprk_ld.deploy.publish import Target, publish

        e = self.endpoints
        return publish(dist, Target(e.query_url, e.update_url, e.graph_store_url, e.user,
                                    e.password), tolerate=self.rewrites if tolerate is None else tolerate)


class OxigraphServer(StoreServer):
    """Oxigraph's server, with its database in ``folder/db``."""

    name = "oxigraph"

    def __init__(self, folder: Path, start_limit: float = START_LIMIT,
                 timeout_s: float | None = None) -> None:
        self.port = free_port()
        self.timeout_s = timeout_s
        super().__init__(folder, start_limit)

    def _endpoints(self) -> StoreEndpoints:
        base = f"http://127.0.0.1:{self.port}"
        return StoreEndpoints(self.name, base + "/query", base + "/update", base + "/store")

    def command(self) -> list[str]:
        program = find_program("oxigraph", [Path(sys.executable).parent],
                               "pip install oxigraph (it is in the test extra: pip install -e '.[test]')")
        args = [program, "serve", "--location", str(self.folder / "db"),
                "--bind", f"127.0.0.1:{self.port}"]
        if self.timeout_s is not None:
            args += ["--timeout-s", str(self.timeout_s)]
        return args


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
MaxCheckpointRemap = 2000
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {folder}
CheckpointInterval = 0
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2
MaxClientConnections = 16
; the switch of `dprk-ld publish` moves every graph in one transaction: past this many bytes of
; its log (default 50 MB) Virtuoso aborts it (seen at the synthetic 100x corpus, 1.37 M triples);
; a 32-bit number: 4000000000 made it abort every transaction
TransactionAfterImageLimit = 1500000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/www
ServerThreads = 8
MaxClientConnections = 16
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_seconds}
; 0: no refusal by cost estimate (a query runs until MaxQueryExecutionTime or the `timeout` the
; front sends); at 60 the tests' cross product (testing.CARTESIAN) was refused at once
MaxQueryCostEstimationTime = 0
"""


class VirtuosoServer(StoreServer):
    """Virtuoso 7 with a new database in ``folder``; ``max_rows`` and ``max_seconds`` are its
    ``[SPARQL] ResultSetMaxRows`` and ``MaxQueryExecutionTime``. Its refusal of a query by the
    estimate of its cost is off (``MaxQueryCostEstimationTime = 0``), so that a long query runs
    until a time limit, as over the other stores."""

    name = "virtuoso"
    #: 7.2 keeps an xsd:duration as a number of months or seconds: "P10Y" comes back as "120"
    rewrites = frozenset({"http://www.w3.org/2001/XMLSchema#duration"})

    def __init__(self, folder: Path, start_limit: float = START_LIMIT, max_rows: int = 100_000,
                 max_seconds: int = 60, buffers: int = 5000) -> None:
        self.sql_port, self.http_port = free_port(), free_port()
        self.max_rows, self.max_seconds, self.buffers = max_rows, max_seconds, buffers
        super().__init__(folder, start_limit)

    def _endpoints(self) -> StoreEndpoints:
        base = f"http://127.0.0.1:{self.http_port}"
        return StoreEndpoints(self.name, base + "/sparql", base + "/sparql-auth",
                              base + "/sparql-graph-crud-auth", VIRTUOSO_USER, VIRTUOSO_PASSWORD)

    @property
    def ini(self) -> Path:
        return self.folder / "virtuoso.ini"

    def command(self) -> list[str]:
        program = find_program("virtuoso-t", [Path("/usr/bin"), Path("/usr/sbin")],
                               "apt-get install virtuoso-opensource (bash tools/system-deps does it "
                               "as root)")
        (self.folder / "www").mkdir(parents=True, exist_ok=True)
        self.ini.write_text(VIRTUOSO_INI.format(
            folder=self.folder, sql_port=self.sql_port, http_port=self.http_port,
            buffers=self.buffers, dirty_buffers=self.buffers * 3 // 4, max_rows=self.max_rows,
            max_seconds=self.max_seconds), encoding="utf-8")
        return [program, "+foreground", "+configfile", str(self.ini)]


STORES: dict[str, type[StoreServer]] = {"oxigraph": OxigraphServer, "virtuoso": VirtuosoServer}


def variant_release(dist: Path, dest: Path, add: list[bytes] | None = None,
                    drop: Callable[[bytes], bool] | None = None) -> Path:
    """A copy of the release folder ``dist`` in ``dest`` whose N-Quads dump has the lines ``add``
    (N-Quads, each ending in a newline) and lacks the lines ``drop`` is true of, with its own
    release id (the dump's SHA-256, as the build makes it) in ``release.json`` and ``void.ttl``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in (DUMP_FILE, "void.ttl", "release.json"):
        shutil.copy(dist / name, dest / name)
    lines = (dist / DUMP_FILE).read_bytes().splitlines(keepends=True)
    dump = b"".join([*(line for line in lines if not (drop and drop(line))), *(add or [])])
    (dest / DUMP_FILE).write_bytes(dump)
    meta = json.loads((dest / "release.json").read_text(encoding="utf-8"))
    old, meta["release_id"] = meta["release_id"], hashlib.sha256(dump).hexdigest()
    (dest / "release.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    # the description names the release it describes (``dprk:releaseId``): this one
    void = (dest / "void.ttl").read_text(encoding="utf-8")
    (dest / "void.ttl").write_text(void.replace(f'"{old}"', f'"{meta["release_id"]}"'),
                                   encoding="utf-8")
    return dest
