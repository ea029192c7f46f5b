"""The one table of settings: name, default, type, help, and where each can be set.

Every setting can be given in the app's config (``create_app({"MAX_ROWS": 500})``), as an
environment variable (``DPRK_LD_MAX_ROWS=500``) and, for `dprk-ld serve`, as a command-line
option (``--max-rows 500``); the command line wins over the environment, which wins over the
default. The server options, the app's defaults and the query limits are all made from
:data:`SETTINGS`, and a test checks that the README documents every one.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "DPRK_LD_"


def boolean(text: str | bool) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off`` (any case)."""
    if isinstance(text, bool):
        return text
    value = str(text).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{text!r} is not a yes/no value")


@dataclass(frozen=True)
class Setting:
    name: str  # the config key; the environment variable is DPRK_LD_<name>
    default: Any
    type: Callable[[Any], Any]
    help: str
    #: "server": read by `dprk-ld serve` (address, processes); "app": by create_app
    scope: str = "app"

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name

    @property
    def option(self) -> str:
        return "--" + self.name.lower().replace("_", "-")


MIB = 1024 * 1024

SETTINGS: tuple[Setting, ...] = (
    Setting("HOST", "127.0.0.1", str, "address to listen on", "server"),
    Setting("PORT", 5000, int, "port to listen on", "server"),
    Setting("WORKERS", 2, int, "web server processes", "server"),
    Setting("THREADS", 8, int, "request threads per web server process", "server"),
    Setting("HEADER_TIMEOUT", 10.0, float,
            "seconds a client may take to send a request's headers, and an idle connection "
            "stays open", "server"),
    Setting("BODY_TIMEOUT", 10.0, float,
            "seconds a request body may take to arrive (then 408, and the connection is closed)",
            "server"),
    Setting("BODY_READERS", 64, int,
            "request bodies received at once per web server process (more get 503)", "server"),
    Setting("MAX_CONNECTIONS", 1024, int,
            "open connections per web server process (more wait to be accepted)", "server"),
    Setting("DIST", None, Path, "release folder (default: <root>/dist, built if missing or stale)"),
    Setting("STORE_URL", None, str,
            "SPARQL query endpoint of an external store holding the release (`dprk-ld publish "
            "--to`), served instead of DIST; `--store` for short"),
    Setting("BASE_IRI", "https://w3id.org/dprk-ld/", str, "public base of the IRIs"),
    Setting("ENDPOINT_IRI", None, str, "public IRI of the endpoint (default: BASE_IRI + sparql)"),
    Setting("PUBLIC_URL", None, str,
            "address the site is reached at, scheme://host[:port]/, for its absolute URLs "
            "(sitemap, robots.txt, pages), never taken from a request (default: http://HOST:PORT/)"),
    Setting("QUERIES_DIR", None, Path, "example queries folder (default: <root>/queries)"),
    Setting("QUERY_WORKERS", 6, int, "query processes per web server process"),
    Setting("QUERY_TIMEOUT", 10.0, float, "seconds a query may run"),
    Setting("QUERY_MEMORY_MB", 1024, int, "MiB a query process may grow by"),
    Setting("WORKER_JOBS", 1000, int,
            "queries after which a query process is replaced by a fresh one"),
    Setting("WORKER_GROWTH_MB", 256, int,
            "MiB of resident memory a query process may gain over its start before it is "
            "replaced (checked between queries)"),
    Setting("QUEUE_TIMEOUT", None, float,
            "seconds a query may wait for a free query process (default: QUERY_TIMEOUT)"),
    Setting("RESERVED_WORKERS", 2, int,
            "query processes per web server process that a heavy client (one that has spent "
            "over a second of its CLIENT_BUDGET) may not take; at most half of QUERY_WORKERS"),
    Setting("QUEUE_MAX", 16, int,
            "queries that may wait for a free query process, per web process (more: 503 at once)"),
    Setting("CLIENT_QUERIES", 2, int,
            "queries one client (address and User-Agent) may have in query processes at once"),
    Setting("CLIENT_BUDGET", 30.0, float,
            "seconds of query-process time one client may use per CLIENT_WINDOW (then 429)"),
    Setting("CLIENT_WINDOW", 60.0, float, "seconds over which CLIENT_BUDGET is given back"),
    Setting("CLIENT_LEDGER", None, Path,
            "file through which the web server processes count each client once (made by "
            "`dprk-ld serve` when not given; without one, each process counts alone)"),
    Setting("TRUSTED_PROXIES", "", str,
            "comma-separated addresses of proxies whose X-Forwarded-For is believed"),
    Setting("MAX_ROWS", 10_000, int, "result rows (or triples) before a result is cut"),
    Setting("MAX_RESULT_BYTES", 16 * MIB, int,
            "bytes of a result, counted as TSV rows or N-Triples lines, before it is cut "
            "(the query process stops there)"),
    Setting("MAX_QUERY_BYTES", 64 * 1024, int, "bytes of a query"),
    Setting("MAX_DEPTH", 64, int, "nesting depth of brackets in a query"),
    Setting("MAX_OPERATORS", 1000, int,
            "operators a query may chain (UNION, OPTIONAL, MINUS, BIND, FILTER, || && ! + - * /, "
            "and path / | ^ * + ?)"),
    Setting("MAX_URL_BYTES", 200 * 1024, int, "bytes of a request's query string"),
    Setting("MAX_BODY_BYTES", MIB, int, "bytes of a request body"),
    Setting("MAX_PARAMS", 64, int, "parameters in a query string or form"),
    Setting("MAX_GRAPHS", 64, int, "default-graph-uri and named-graph-uri values"),
    Setting("CACHE_MAX_BYTES", 64 * MIB, int, "bytes of answers kept, keys included"),
    Setting("CACHE_MAX_ENTRY_BYTES", 8 * MIB, int, "bytes of the largest answer kept"),
    Setting("CACHE_MAX_AGE", 300, int, "seconds in Cache-Control max-age"),
    Setting("RELOAD_SECONDS", 1.0, float,
            "seconds between looks for a new release in DIST (built while serving)"),
    Setting("INLINE_LOOKUPS", True, boolean,
            "answer one-pattern lookups in the web process instead of a query process"),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def defaults(scope: str | None = None) -> dict[str, Any]:
    """Every setting's default (of one scope, or all)."""
    return {s.name: s.default for s in SETTINGS if scope in (None, s.scope)}


def convert(setting: Setting, raw: Any, where: str) -> Any:
    """``raw`` as the setting's type; a clear error naming where it came from."""
    if raw is None:
        return None
    try:
        return setting.type(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: {raw!r} is not a valid value for {setting.name} "
                         f"({setting.help})") from exc


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings given by DPRK_LD_* environment variables, typed."""
    environ = os.environ if environ is None else environ
    return {s.name: convert(s, environ[s.env], s.env) for s in SETTINGS if s.env in environ}


def resolve(config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every setting: ``config`` over the defaults, each value typed (config keys that are not
    settings, such as a test's ``STORE``, pass through)."""
    merged = defaults()
    for name, value in (config or {}).items():
        setting = BY_NAME.get(name)
        merged[name] = convert(setting, value, name) if setting is not None else value
    return merged


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per setting, for `dprk-ld serve` (each defaults to its DPRK_LD_* variable)."""
    for s in SETTINGS:
        parser.add_argument(s.option, dest=s.name, default=None, metavar=s.name,
                            help=f"{s.help} (env {s.env}, default {s.default})")


def from_arguments(args: argparse.Namespace,
                   environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The effective settings: command line, then environment, then default."""
    given = from_env(environ)
    for s in SETTINGS:
        value = getattr(args, s.name, None)
        if value is not None:
            given[s.name] = convert(s, value, s.option)
    return resolve(given)


def to_env(values: Mapping[str, Any]) -> dict[str, str]:
    """DPRK_LD_* variables that carry ``values`` to the server's worker processes."""
    return {BY_NAME[name].env: str(value) for name, value in values.items()
            if name in BY_NAME and value is not None}
