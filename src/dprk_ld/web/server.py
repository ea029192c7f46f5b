"""`dprk-ld serve`: serve the release under a production WSGI server (Granian).

Every option has an environment variable; the command line wins over the environment, which
wins over the default::

    --host          DPRK_LD_HOST            127.0.0.1
    --port          DPRK_LD_PORT            5000
    --dist          DPRK_LD_DIST            <root>/dist (built first if it holds no release)
    --workers       DPRK_LD_WORKERS         2     web server processes
    --threads       DPRK_LD_THREADS         8     request threads per web server process
    --query-workers DPRK_LD_QUERY_WORKERS   2     query processes per web server process
    --timeout       DPRK_LD_QUERY_TIMEOUT   10    seconds a query may run
    --memory-mb     DPRK_LD_QUERY_MEMORY_MB 1024  MiB a query process may grow by
    --max-rows      DPRK_LD_MAX_ROWS        10000 result rows before truncation
    --base-iri      DPRK_LD_BASE_IRI        https://w3id.org/dprk-ld/

Granian was chosen by measurement (bench/README.md): on 2 cores, serving this app, it answered
2.9 times as many distinct lookups per second as gunicorn (gthread) and about 10 times as many
repeated queries.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ENV_PREFIX = "DPRK_LD_"

#: option name -> (environment variable, type, default, help)
OPTIONS: dict[str, tuple[str, type, Any, str]] = {
    "host": ("HOST", str, "127.0.0.1", "address to listen on"),
    "port": ("PORT", int, 5000, "port to listen on"),
    "dist": ("DIST", str, None, "release folder (default: <root>/dist, built if missing)"),
    "workers": ("WORKERS", int, 2, "web server processes"),
    "threads": ("THREADS", int, 8, "request threads per web server process"),
    "query_workers": ("QUERY_WORKERS", int, 2, "query processes per web server process"),
    "timeout": ("QUERY_TIMEOUT", float, 10.0, "seconds a query may run"),
    "memory_mb": ("QUERY_MEMORY_MB", int, 1024, "MiB a query process may grow by"),
    "max_rows": ("MAX_ROWS", int, 10_000, "result rows before truncation"),
    "base_iri": ("BASE_IRI", str, "https://w3id.org/dprk-ld/", "public base of the IRIs"),
}

#: environment variables the app factory reads in each server process -> config key
APP_ENV = {
    "DIST": "DIST",
    "QUERY_WORKERS": "QUERY_WORKERS",
    "QUERY_TIMEOUT": "QUERY_TIMEOUT",
    "QUERY_MEMORY_MB": "QUERY_MEMORY_MB",
    "MAX_ROWS": "MAX_ROWS",
    "BASE_IRI": "BASE_IRI",
    "ENDPOINT_IRI": "ENDPOINT_IRI",
    "CACHE_MAX_BYTES": "CACHE_MAX_BYTES",
    "CACHE_MAX_AGE": "CACHE_MAX_AGE",
    "MAX_QUERY_BYTES": "MAX_QUERY_BYTES",
    "MAX_DEPTH": "MAX_DEPTH",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `dprk-ld serve` (each defaults to its DPRK_LD_* variable)."""
    for name, (env, kind, default, text) in OPTIONS.items():
        parser.add_argument(
            "--" + name.replace("_", "-"),
            dest=name,
            type=kind,
            default=None,
            help=f"{text} (env {ENV_PREFIX}{env}, default {default})",
        )


def resolve(args: argparse.Namespace, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The effective settings: command line, then environment, then default."""
    environ = dict(os.environ if environ is None else environ)
    settings: dict[str, Any] = {}
    for name, (env, kind, default, _text) in OPTIONS.items():
        value = getattr(args, name, None)
        if value is None and ENV_PREFIX + env in environ:
            raw = environ[ENV_PREFIX + env]
            try:
                value = kind(raw)
            except ValueError as exc:
                raise SystemExit(f"dprk-ld serve: {ENV_PREFIX}{env}={raw!r} is not a "
                                 f"valid {kind.__name__}") from exc
        settings[name] = default if value is None else value
    return settings


def app_config_from_env(environ: dict[str, str] | None = None) -> dict[str, Any]:
    environ = dict(os.environ if environ is None else environ)
    config: dict[str, Any] = {}
    for env, key in APP_ENV.items():
        if ENV_PREFIX + env in environ:
            config[key] = environ[ENV_PREFIX + env]
    return config


def create_app_from_env() -> Any:
    """The WSGI app of one server process, configured by DPRK_LD_* variables (a factory)."""
    from dprk_ld.web.app import create_app

    return create_app(app_config_from_env())


def has_release(dist: Path) -> bool:
    return (dist / "dprk-ld.nq").is_file()


def ensure_release(root: Path, dist: Path, explicit: bool) -> int:
    """Build the release into ``dist`` if it holds none, or (for the project's own dist/, not a
    folder named with --dist) if the curated input changed since it was built; the build's exit
    code. A failed rebuild leaves the last good release, which is served (with a warning)."""
    from dprk_ld.release.build import build_release, is_stale

    if has_release(dist):
        # an explicitly named release folder is served as it is; the project's own dist/ is
        # rebuilt when its input changed
        if explicit or not (root / "data").is_dir() or not is_stale(root, dist):
            return 0
        print(f"dprk-ld serve: the input changed since {dist} was built; rebuilding", file=sys.stderr)
        if build_release(root, dist if explicit else None):
            print(f"dprk-ld serve: the build failed; serving the last good release in {dist}",
                  file=sys.stderr)
        return 0
    print(f"dprk-ld serve: no release in {dist}; building it first", file=sys.stderr)
    code = build_release(root, dist if explicit else None)
    if code:
        return int(code)
    if not has_release(dist):
        print(f"dprk-ld serve: the build wrote no {dist / 'dprk-ld.nq'}", file=sys.stderr)
        return 2
    return 0


def run(args: argparse.Namespace) -> int:
    settings = resolve(args)
    root = Path(getattr(args, "root", ".") or ".").resolve()
    dist = Path(settings["dist"]).resolve() if settings["dist"] else root / "dist"
    code = ensure_release(root, dist, explicit=bool(settings["dist"]))
    if code:
        return code

    os.environ[ENV_PREFIX + "DIST"] = str(dist)
    for name, env in (("query_workers", "QUERY_WORKERS"), ("timeout", "QUERY_TIMEOUT"),
                      ("memory_mb", "QUERY_MEMORY_MB"), ("max_rows", "MAX_ROWS"),
                      ("base_iri", "BASE_IRI")):
        os.environ[ENV_PREFIX + env] = str(settings[name])

    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    print(f"dprk-ld: serving {dist} at http://{settings['host']}:{settings['port']}/sparql",
          file=sys.stderr, flush=True)
    server = Granian(
        "dprk_ld.web.server:create_app_from_env",
        address=settings["host"],
        port=int(settings["port"]),
        interface=Interfaces.WSGI,
        factory=True,
        workers=int(settings["workers"]),
        blocking_threads=int(settings["threads"]),
        backlog=2048,
        http1_settings=HTTP1Settings(max_buffer_size=512 * 1024, header_read_timeout=10_000),
        log_access=False,
        respawn_failed_workers=True,
    )
    server.serve()
    return 0
