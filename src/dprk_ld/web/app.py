"""The web application: a Flask app factory over one release, no global state.

``create_app(config)`` serves the release named in ``config`` (a release folder, ``DIST``, or a
ready pyoxigraph store, ``STORE``, with ``RELEASE_ID`` and ``VERSION``; or the release an external
SPARQL store holds, ``STORE_URL``, see :mod:`dprk_ld.release.remote`). Every other key is a
setting of :mod:`dprk_ld.web.settings`. Everything a request needs hangs off the app
(``app.extensions``): the endpoint's state (``sparql``) and the site's. The views are thin:
``sparql`` (the protocol), and the site's documents, pages and discovery files.
"""

from __future__ import annotations

import atexit
import os
import weakref
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask

from dprk_ld.endpoint.cache import ResultCache
from dprk_ld.endpoint.evaluate import execute
from dprk_ld.endpoint.fairness import Fairness
from dprk_ld.endpoint.limits import Limits
from dprk_ld.endpoint.pool import PoolConfig, QueryPool
from dprk_ld.endpoint.remote_pool import RemotePool
from dprk_ld.endpoint.service_description import ServiceDescription
from dprk_ld.release.remote import RemoteStore, StoreError, open_remote, release_id_at
from dprk_ld.release.remote_http import Endpoint
from dprk_ld.release.served import ServedRelease
from dprk_ld.web import cors, discovery, documents, errors, pages, reload, settings
from dprk_ld.web import reconciliation as reconciliation_views
from dprk_ld.web import sparql as sparql_views


class App(Flask):
    """Flask, with one measured shortcut (bench/README.md): a GET or HEAD of ``/sparql`` that was
    answered before, same query string and Accept header, is replayed from the result cache
    (``sparql.replay``: the status, headers and body the view made) before a request context is
    built; everything else is Flask's."""

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/sparql" and \
                environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            releases = self.extensions.get(reload.KEY)
            svc = releases.current()[0] if releases is not None else None
            sent = sparql_views.replay(svc, environ, start_response) if svc else None
            if sent is not None:
                return sent
        return super().wsgi_app(environ, start_response)


def store_endpoint(cfg: Mapping[str, Any]) -> Endpoint:
    """The external store of ``STORE_URL``; its credentials from the config or the environment
    (``DPRK_LD_STORE_USER``, ``DPRK_LD_STORE_PASSWORD``), never from a command line."""
    return Endpoint(str(cfg["STORE_URL"]), timeout=float(cfg["QUERY_TIMEOUT"]),
                    user=cfg.get("STORE_USER") or os.environ.get("DPRK_LD_STORE_USER"),
                    password=cfg.get("STORE_PASSWORD") or os.environ.get("DPRK_LD_STORE_PASSWORD"))


def store_release_id(cfg: Mapping[str, Any]) -> str | None:
    """The id of the release in the external store now (None while it cannot be read)."""
    try:
        found = release_id_at(store_endpoint(cfg))
    except StoreError:
        return None
    return found[0] if found else None


def served_release(cfg: Mapping[str, Any]) -> ServedRelease:
    if cfg.get("STORE_URL"):  # an external store (issue 14): read through SPARQL
        # about 4 bytes of SPARQL JSON a byte of TSV: the store's answer is read up to that; the
        # graphs are named under the release's own base, whatever BASE_IRI serves it under
        return open_remote(store_endpoint(cfg), 4 * int(cfg["MAX_RESULT_BYTES"]) + (1 << 20),
                           max_rows=int(cfg["MAX_ROWS"]))
    if cfg.get("STORE") is not None:
        return ServedRelease.from_store(cfg["STORE"], cfg.get("RELEASE_ID"), cfg.get("VERSION"))
    if cfg.get("DIST") is not None:
        return ServedRelease.from_dist(Path(cfg["DIST"]))
    raise ValueError("create_app needs DIST (a release folder) or STORE in its config")


def site_config(cfg: Mapping[str, Any], release: ServedRelease) -> Mapping[str, Any]:
    """The config the site is made from: over an external store, the files of DIST (dumps,
    archived texts, retired IRIs) only when they are of the release the store holds."""
    if not cfg.get("STORE_URL") or not cfg.get("DIST") or \
            reload.release_id_in(Path(cfg["DIST"])) == release.release_id:
        return cfg
    return {**cfg, "DIST": None}


def limits(cfg: Mapping[str, Any]) -> Limits:
    return Limits(max_query_bytes=cfg["MAX_QUERY_BYTES"], max_depth=cfg["MAX_DEPTH"],
                  max_operators=cfg["MAX_OPERATORS"],
                  max_rows=cfg["MAX_ROWS"], max_result_bytes=cfg["MAX_RESULT_BYTES"],
                  max_url_bytes=cfg["MAX_URL_BYTES"],
                  max_body_bytes=cfg["MAX_BODY_BYTES"], max_params=cfg["MAX_PARAMS"],
                  max_graphs=cfg["MAX_GRAPHS"])


def fairness_of(cfg: Mapping[str, Any]) -> Fairness:
    """The per-client accounting of queries, shared by the server's processes through
    ``CLIENT_LEDGER`` when it names a file; one for the app, kept across releases."""
    timeout = float(cfg["QUERY_TIMEOUT"])
    return Fairness(concurrent=int(cfg["CLIENT_QUERIES"]), budget=float(cfg["CLIENT_BUDGET"]),
                    window=float(cfg["CLIENT_WINDOW"]), ledger=cfg["CLIENT_LEDGER"],
                    stale_after=timeout + float(cfg["QUEUE_TIMEOUT"] or timeout) + 60)


def sparql_service(cfg: Mapping[str, Any], release: ServedRelease,
                   fairness: Fairness) -> sparql_views.SparqlService:
    base_iri = str(cfg["BASE_IRI"])
    endpoint_iri = str(cfg["ENDPOINT_IRI"] or base_iri + "sparql")
    timeout = float(cfg["QUERY_TIMEOUT"])
    pool_config = PoolConfig(
        size=int(cfg["QUERY_WORKERS"]),
        deadline=timeout,
        queue_timeout=float(cfg["QUEUE_TIMEOUT"] or timeout),
        memory_cap=int(float(cfg["QUERY_MEMORY_MB"]) * 1024 * 1024),
        max_waiting=int(cfg["QUEUE_MAX"]),
        reserved=int(cfg["RESERVED_WORKERS"]),
        recycle_after=int(cfg["WORKER_JOBS"]),
        recycle_private=int(float(cfg["WORKER_GROWTH_MB"]) * 1024 * 1024),
    )
    query_limits = limits(cfg)
    if isinstance(release.store, RemoteStore):  # the store evaluates: see endpoint.remote_pool
        pool: Any = RemotePool(release.store, pool_config)
        if release.store.max_rows is not None:  # cut one row before the store's own row limit
            query_limits = replace(query_limits, max_rows=min(query_limits.max_rows,
                                                              release.store.max_rows - 1))
    else:
        pool = QueryPool(release.store, execute, pool_config)
    return sparql_views.SparqlService(
        release=release,
        pool=pool,
        cache=ResultCache(int(cfg["CACHE_MAX_BYTES"]), int(cfg["CACHE_MAX_ENTRY_BYTES"])),
        limits=query_limits,
        description=ServiceDescription(endpoint=endpoint_iri, dataset=base_iri + "dataset",
                                       graphs=release.graphs, version=release.version),
        base_iri=base_iri,
        endpoint_iri=endpoint_iri,
        # where a cut result points its readers: the limits on the query page, at the public
        # address (never a request's Host)
        limits_link=documents.public_address(cfg) + sparql_views.LIMITS_ANCHOR,
        max_age=int(cfg["CACHE_MAX_AGE"]),
        inline=bool(cfg["INLINE_LOOKUPS"]),
        fairness=fairness,
        trusted_proxies=frozenset(a.strip() for a in str(cfg["TRUSTED_PROXIES"]).split(",")
                                  if a.strip()),
    )


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A Flask app serving the release named in ``config``: pages, documents, ``/sparql``."""
    cfg = settings.resolve(config)
    app = App("dprk_ld")  # the package root holds templates/ and static/
    app.config.update(cfg)
    app.config["MAX_CONTENT_LENGTH"] = int(cfg["MAX_BODY_BYTES"])
    app.json.sort_keys = False  # type: ignore[attr-defined]

    fairness = fairness_of(cfg)

    def load() -> tuple[Any, Any]:
        svc = sparql_service(cfg, served_release(cfg), fairness)
        site = documents.make_site(svc, site_config(app.config, svc.release))
        site.pin()
        return svc, site

    dist = Path(cfg["DIST"]) if cfg.get("STORE") is None and cfg.get("DIST") else None
    probe = (lambda: store_release_id(cfg)) if cfg.get("STORE_URL") else None
    releases = reload.Releases(app, load(), load, None if probe else dist,
                               every=float(cfg["RELOAD_SECONDS"]),
                               grace=float(cfg["QUERY_TIMEOUT"]) + reload.GRACE, probe=probe)
    app.extensions[reload.KEY] = releases
    finalizer = weakref.finalize(app, releases.close)
    atexit.register(finalizer)
    errors.register(app)
    sparql_views.register(app)
    # the linked-data layer: documents, pages, discovery
    documents.register(app)
    pages.register(app)
    discovery.register(app)
    reconciliation_views.register(app)  # OpenRefine's Reconciliation API
    app.after_request(cors.add_headers)
    return app


def close_app(app: Flask) -> None:
    """Stop the query workers of ``app`` (tests and server shutdown)."""
    releases: reload.Releases | None = app.extensions.get(reload.KEY)
    if releases is not None:
        releases.close()


__all__ = ["close_app", "create_app"]
