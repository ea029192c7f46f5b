"""`dprk-ld serve`: serve the release under a production WSGI server (Granian).

Every option is a setting of :mod:`dprk_ld.web.settings` (``dprk-ld serve --help`` lists them,
each with its ``DPRK_LD_*`` environment variable and default); the command line wins over the
environment, which wins over the default. The server's processes read the settings from the
environment, where :func:`run` puts every one of them.

Granian was chosen by measurement (bench/README.md): on 2 cores, serving this app, it answered
2.9 times as many distinct lookups per second as gunicorn (gthread) and about 10 times as many
repeated queries.

Three things Granian does not do by itself, done here:

* a busy address is an error (:func:`check_address`): Granian's workers listen with
  ``SO_REUSEPORT``, so on an address another server listens on they would start silently and
  share its connections; the address is tried first without it, and ``dprk-ld serve`` exits 2
  naming it;
* a stop is bounded (:data:`SHUTDOWN_SECONDS`): on SIGINT or SIGTERM Granian waits for its
  workers, which wait for the requests in flight, a stuck query's for as long as its deadline;
  after :data:`SHUTDOWN_SECONDS` it kills them, and their query processes die with them
  (``PR_SET_PDEATHSIG``);
* a slow request body holds no request thread (:class:`SlowClientGuard`).

Slow clients. Hyper (Granian's HTTP layer, in Rust) reads headers without Python: slow headers,
or nothing sent at all, cost a socket and no thread, and ``HEADER_TIMEOUT`` (Granian's
``header_read_timeout``, from a connection's start or the end of its previous request, so also
the keep-alive idle time) closes them; HTTP/1.1 only, since in the "auto" mode a connection that
sends nothing is never timed out. ``MAX_CONNECTIONS`` is Granian's ``backpressure``: connections
open at once per process. A *body* is read by the app through ``wsgi.input``, in a request
thread, and Granian has no timeout for it (its issue 728, "wontfix"): see
:class:`SlowClientGuard`.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path
from typing import Any

from dprk_ld.endpoint.fairness import ledger_file
from dprk_ld.web import settings
from dprk_ld.web.slow_clients import GUARD_SETTINGS, SlowClientGuard

#: seconds the server's workers get to finish the requests in flight when it is stopped, before
#: they are killed
SHUTDOWN_SECONDS = 5
EXIT_ERROR = 2
#: where the client ledger is made when the system has a memory file system
SHARED_MEMORY = Path("/dev/shm")
#: the least value of each of the server's own numeric settings
LEAST = {"WORKERS": 1, "THREADS": 1, "BODY_READERS": 1, "MAX_CONNECTIONS": 1,
         "HEADER_TIMEOUT": 0.001, "BODY_TIMEOUT": 0.001}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `dprk-ld serve`: one per setting, and ``--store`` for ``--store-url``."""
    settings.add_arguments(parser)
    parser.add_argument("--store", dest="STORE_URL", default=None, metavar="URL",
                        help="serve the release an external SPARQL store holds (= --store-url)")


def resolve(args: argparse.Namespace, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The effective settings: command line, then environment, then default."""
    try:
        values = settings.from_arguments(args, environ)
    except ValueError as exc:
        raise SystemExit(f"dprk-ld serve: {exc}") from exc
    for name, least in LEAST.items():
        if values[name] < least:
            raise SystemExit(f"dprk-ld serve: {settings.BY_NAME[name].option} must be at least "
                             f"{least}, not {values[name]}")
    return values


def create_app_from_env() -> Any:
    """The WSGI app of one server process, configured by DPRK_LD_* variables (a factory): the
    Flask app behind :class:`SlowClientGuard`."""
    from dprk_ld.web.app import create_app

    given = settings.from_env()
    return SlowClientGuard(create_app(given), settings.resolve(given))


def has_release(dist: Path) -> bool:
    return (dist / "dprk-ld.nq").is_file()


def _build(root: Path, dist: Path | None) -> int:
    """Build the release (dprk_ld.release.build.build_release); its exit code as `dprk-ld build`
    gives it (0 written, 1 does not conform, 2 error), with what went wrong on stderr."""
    from dprk_ld.curation.errors import DataError
    from dprk_ld.release.build import build_release
    from dprk_ld.release.errors import NonConforming, ReleaseError

    try:
        build_release(root, dist)
    except (DataError, ReleaseError) as exc:
        print(exc.report(), file=sys.stderr)
        return 1 if isinstance(exc, NonConforming) else 2
    return 0


def ensure_release(root: Path, dist: Path, explicit: bool) -> int:
    """Build the release into ``dist`` if it holds none, or (for the project's own dist/, not a
    folder named with --dist) if the curated input changed since it was built; the build's exit
    code. A failed rebuild leaves the last good release, which is served (with a warning)."""
    from dprk_ld.release.build import is_stale

    if has_release(dist):
        # an explicitly named release folder is served as it is; the project's own dist/ is
        # rebuilt when its input changed
        if explicit or not (root / "data").is_dir() or not is_stale(root, dist):
            return 0
        print(f"dprk-ld serve: the input changed since {dist} was built; rebuilding", file=sys.stderr)
        if _build(root, dist if explicit else None):
            print(f"dprk-ld serve: the build failed; serving the last good release in {dist}",
                  file=sys.stderr)
        return 0
    print(f"dprk-ld serve: no release in {dist}; building it first", file=sys.stderr)
    code = _build(root, dist if explicit else None)
    if code:
        return int(code)
    if not has_release(dist):
        print(f"dprk-ld serve: the build wrote no {dist / 'dprk-ld.nq'}", file=sys.stderr)
        return 2
    return 0


def address_text(host: str, port: int) -> str:
    """``host:port`` as one writes it (``[::1]:5000`` for IPv6)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_address(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host``:``port`` alone, or None when it can: the
    address is bound once without ``SO_REUSEPORT`` (with ``SO_REUSEADDR``, so that connections
    of a server that just stopped do not count) and released."""
    where = address_text(host, port)
    try:
        family, kind, proto, _, sockaddr = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (OSError, UnicodeError) as exc:
        return f"cannot listen on {where}: {exc}"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(sockaddr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"{where} is already in use (another server listens on it); "
                        "stop it, or choose another --port or --host")
            return f"cannot listen on {where}: {exc.strerror or exc}"
    return None


def public_url(values: dict[str, Any]) -> int:
    """Set ``PUBLIC_URL`` to the site's public address (the server's own when not given); 0, or
    the exit code after a message on stderr when it is no site address."""
    from dprk_ld.web.documents import public_address

    try:
        values["PUBLIC_URL"] = public_address(values)
    except ValueError as exc:
        print(f"dprk-ld serve: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return 0


def free_address(values: dict[str, Any]) -> int:
    """0 if the server can listen on its address alone, else the exit code after a message on
    stderr naming the address."""
    problem = check_address(str(values["HOST"]), int(values["PORT"]))
    if problem:
        print(f"dprk-ld serve: {problem}", file=sys.stderr)
        return EXIT_ERROR
    return 0


def run(args: argparse.Namespace) -> int:
    values = resolve(args)
    root = Path(getattr(args, "root", ".") or ".").resolve()
    dist = Path(values["DIST"]).resolve() if values["DIST"] else root / "dist"
    # the address is checked after the build (which takes a while), just before Granian listens
    code = (public_url(values) or (None if values["STORE_URL"] else  # a store holds the release
                                   ensure_release(root, dist, explicit=bool(values["DIST"])))
            or free_address(values))
    if code:
        return code
    values["DIST"] = str(dist)
    if values["QUERIES_DIR"] is None and (root / "queries").is_dir():
        values["QUERIES_DIR"] = str(root / "queries")
    made = None
    if values["CLIENT_LEDGER"] is None:  # the web processes count each client once, through it
        made = values["CLIENT_LEDGER"] = ledger_file(SHARED_MEMORY if SHARED_MEMORY.is_dir() else None)
    os.environ.update(settings.to_env({k: v for k, v in values.items()
                                       if settings.BY_NAME[k].scope == "app"
                                       or k in GUARD_SETTINGS}))
    try:
        serve(values, values["STORE_URL"] or dist)
    finally:
        if made is not None:
            made.unlink(missing_ok=True)
    return 0


def serve(values: dict[str, Any], dist: Path | str) -> None:
    """Run Granian over the app of :func:`create_app_from_env` until it is stopped."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    print(f"dprk-ld: serving {dist} at http://{address_text(values['HOST'], values['PORT'])}"
          f"/sparql (public address {values['PUBLIC_URL']})", file=sys.stderr, flush=True)
    server = Granian(
        "dprk_ld.web.server:create_app_from_env",
        address=values["HOST"],
        port=int(values["PORT"]),
        interface=Interfaces.WSGI,
        # HTTP/1.1 only: in the "auto" mode a connection that sends nothing waits, with no
        # timeout, to be told whether it speaks HTTP/2; HEADER_TIMEOUT applies from its start
        http=HTTPModes.http1,
        factory=True,
        workers=int(values["WORKERS"]),
        # THREADS run the app; the others wait for request bodies (SlowClientGuard)
        blocking_threads=int(values["THREADS"]) + int(values["BODY_READERS"]),
        backlog=2048,
        backpressure=int(values["MAX_CONNECTIONS"]),
        http1_settings=HTTP1Settings(
            # a request head of more than about 512 KiB is refused (431): in HTTP/1.1 mode hyper
            # lets its read buffer grow past this, to the next power of two (measured)
            max_buffer_size=256 * 1024,
            header_read_timeout=max(1, round(float(values["HEADER_TIMEOUT"]) * 1000)),
            keep_alive=True),
        log_access=False,
        respawn_failed_workers=True,
        workers_kill_timeout=SHUTDOWN_SECONDS,
    )
    server.serve()
