"""`dprk-ld serve`: serve the release under a production WSGI server (Granian).

Every option is a setting of :mod:`dprk_ld.web.settings` (``dprk-ld serve --help`` lists them,
each with its ``DPRK_LD_*`` environment variable and default); the command line wins over the
environment, which wins over the default. The server's processes read the settings from the
environment, where :func:`run` puts every one of them.

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

from dprk_ld.web import settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `dprk-ld serve`: one per setting."""
    settings.add_arguments(parser)


def resolve(args: argparse.Namespace, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The effective settings: command line, then environment, then default."""
    try:
        return settings.from_arguments(args, environ)
    except ValueError as exc:
        raise SystemExit(f"dprk-ld serve: {exc}") from exc


def create_app_from_env() -> Any:
    """The WSGI app of one server process, configured by DPRK_LD_* variables (a factory)."""
    from dprk_ld.web.app import create_app

    return create_app(settings.from_env())


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


def run(args: argparse.Namespace) -> int:
    values = resolve(args)
    root = Path(getattr(args, "root", ".") or ".").resolve()
    dist = Path(values["DIST"]).resolve() if values["DIST"] else root / "dist"
    code = ensure_release(root, dist, explicit=bool(values["DIST"]))
    if code:
        return code
    values["DIST"] = str(dist)
    if values["QUERIES_DIR"] is None and (root / "queries").is_dir():
        values["QUERIES_DIR"] = str(root / "queries")
    os.environ.update(settings.to_env({k: v for k, v in values.items()
                                       if settings.BY_NAME[k].scope == "app"}))

    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    print(f"dprk-ld: serving {dist} at http://{values['HOST']}:{values['PORT']}/sparql",
          file=sys.stderr, flush=True)
    server = Granian(
        "dprk_ld.web.server:create_app_from_env",
        address=values["HOST"],
        port=int(values["PORT"]),
        interface=Interfaces.WSGI,
        factory=True,
        workers=int(values["WORKERS"]),
        blocking_threads=int(values["THREADS"]),
        backlog=2048,
        http1_settings=HTTP1Settings(max_buffer_size=512 * 1024, header_read_timeout=10_000),
        log_access=False,
        respawn_failed_workers=True,
    )
    server.serve()
    return 0
