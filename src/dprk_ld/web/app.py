"""The web application: a Flask app factory over one release, no global state.

``create_app(config)`` serves the dataset named in ``config`` (a release folder, ``DIST``, or a
ready pyoxigraph store, ``STORE``). Everything a request needs hangs off the app
(``app.extensions["dprk_ld"]``): the store, the query workers, the result cache, the service
description. The modules behind this thin layer: ``sparql`` (protocol and pre-checks),
``conneg`` (content negotiation), ``errors_http`` (the one error shape), ``worker`` (killable
query workers), ``service_description``.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask, Response, current_app, render_template, request

from dprk_ld.endpoint import sparql
from dprk_ld.endpoint.pool import PoolConfig, QueryPool
from dprk_ld.endpoint.service_description import ServiceDescription
from dprk_ld.release.store import open_release
from dprk_ld.site import discovery, pages, resources
from dprk_ld.web import conneg
from dprk_ld.web.errors import (
    HttpError,
    bad_request,
    internal_error,
    not_acceptable,
    payload_too_large,
    register,
    render_parts,
)

log = logging.getLogger(__name__)

RELEASE_FILE = "dprk-ld.nq"

DEFAULTS: dict[str, Any] = {
    "DIST": None,  # release folder holding dprk-ld.nq (and release.json)
    "STORE": None,  # or: a pyoxigraph Store to serve as is (tests)
    "RELEASE_ID": None,  # with STORE: the value ETags derive from
    "VERSION": None,
    "BASE_IRI": "https://w3id.org/dprk-ld/",
    "ENDPOINT_IRI": None,  # default: BASE_IRI + "sparql"
    "QUERY_TIMEOUT": 10.0,  # seconds
    "QUERY_MEMORY_MB": 1024,  # a worker may grow by this much
    "QUERY_WORKERS": 2,
    "QUEUE_TIMEOUT": None,  # default: QUERY_TIMEOUT
    "MAX_QUERY_BYTES": 64 * 1024,
    "MAX_DEPTH": 64,
    "MAX_ROWS": 10_000,
    "MAX_URL_BYTES": 200 * 1024,
    "MAX_BODY_BYTES": 1024 * 1024,
    "CACHE_MAX_BYTES": 64 * 1024 * 1024,
    "CACHE_MAX_ENTRY_BYTES": 8 * 1024 * 1024,
    "CACHE_MAX_AGE": 300,  # seconds, for Cache-Control
    # answer single-triple-pattern queries (lookups) in the web process: their cost is bounded
    # by the rows they return, so no worker round trip is needed
    "INLINE_LOOKUPS": True,
}

SD_HTML = conneg.Offer("text/html", names=("html",), aliases=("application/xhtml+xml",),
                       key="HTML", charset=True)
SD_OFFERS: tuple[conneg.Offer, ...] = (*sparql.GRAPH_OFFERS, SD_HTML)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Content-Type, X-SPARQL-Truncated, X-SPARQL-Max-Rows",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
    "Access-Control-Max-Age": "86400",
}


@dataclass(frozen=True)
class Release:
    store: Any
    release_id: str
    version: str | None
    graphs: dict[str, int]


def load_release(dist: Path) -> Release:
    """Load ``dist/dprk-ld.nq`` into an in-memory store, with the release's id and graphs."""
    nq = dist / RELEASE_FILE
    if not nq.is_file():
        raise FileNotFoundError(f"no {RELEASE_FILE} in the release folder")
    meta: dict[str, Any] = {}
    meta_file = dist / "release.json"
    if meta_file.is_file():
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    release_id = meta.get("release_id")
    if not release_id:
        digest = hashlib.sha256()
        with nq.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        release_id = digest.hexdigest()
    store = open_release(dist)
    return Release(store, str(release_id), meta.get("version"), graph_sizes(store))


def graph_sizes(store: Any) -> dict[str, int]:
    sizes: dict[str, int] = {}
    query = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    for row in store.query(query):
        graph = row["g"]
        if isinstance(graph, ox.NamedNode):
            sizes[graph.value] = int(row["n"].value)
    return sizes


class ResultCache:
    """A bounded, thread-safe LRU of query outcomes, keyed by the job (release is fixed)."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._data: OrderedDict[Any, sparql.Outcome] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Any) -> sparql.Outcome | None:
        with self._lock:
            found = self._data.get(key)
            if found is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Any, outcome: sparql.Outcome) -> None:
        cost = len(outcome.body) + len(outcome.message) + 256
        if cost > self.max_entry_bytes or cost > self.max_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= len(old.body) + len(old.message) + 256
            self._data[key] = outcome
            self._size += cost
            while self._size > self.max_bytes and self._data:
                _, evicted = self._data.popitem(last=False)
                self._size -= len(evicted.body) + len(evicted.message) + 256

    def __len__(self) -> int:
        return len(self._data)


@dataclass
class Endpoint:
    """Per-app state: the release served, its workers, caches and limits."""

    release: Release
    pool: QueryPool
    cache: ResultCache
    limits: sparql.Limits
    description: ServiceDescription
    base_iri: str
    endpoint_iri: str
    max_age: int
    inline: bool = True
    _etag_salt: bytes = field(default=b"")

    def etag(self, job: sparql.Job, media_type: str) -> str:
        digest = hashlib.sha256(self._etag_salt)
        digest.update(repr((job, media_type)).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:40]


def _config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    merged = dict(DEFAULTS)
    merged.update(config or {})
    return merged


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A Flask app serving the release named in ``config`` at ``/sparql``."""
    cfg = _config(config)
    app = Flask("dprk_ld")  # the package root holds templates/ and static/
    app.config.update(cfg)
    app.config["MAX_CONTENT_LENGTH"] = int(cfg["MAX_BODY_BYTES"])
    app.json.sort_keys = False  # type: ignore[attr-defined]

    if cfg["STORE"] is not None:
        store = cfg["STORE"]
        release = Release(store, str(cfg["RELEASE_ID"] or "unversioned"), cfg["VERSION"],
                          graph_sizes(store))
    elif cfg["DIST"] is not None:
        release = load_release(Path(cfg["DIST"]))
    else:
        raise ValueError("create_app needs DIST (a release folder) or STORE in its config")

    base_iri = str(cfg["BASE_IRI"])
    endpoint_iri = str(cfg["ENDPOINT_IRI"] or base_iri + "sparql")
    timeout = float(cfg["QUERY_TIMEOUT"])
    pool = QueryPool(
        release.store,
        sparql.execute,
        PoolConfig(
            size=int(cfg["QUERY_WORKERS"]),
            deadline=timeout,
            queue_timeout=float(cfg["QUEUE_TIMEOUT"] or timeout),
            memory_cap=int(float(cfg["QUERY_MEMORY_MB"]) * 1024 * 1024),
        ),
    )
    finalizer = weakref.finalize(app, pool.close)
    atexit.register(finalizer)
    endpoint = Endpoint(
        release=release,
        pool=pool,
        cache=ResultCache(int(cfg["CACHE_MAX_BYTES"]), int(cfg["CACHE_MAX_ENTRY_BYTES"])),
        limits=sparql.Limits(
            max_query_bytes=int(cfg["MAX_QUERY_BYTES"]),
            max_depth=int(cfg["MAX_DEPTH"]),
            max_rows=int(cfg["MAX_ROWS"]),
            max_url_bytes=int(cfg["MAX_URL_BYTES"]),
            max_body_bytes=int(cfg["MAX_BODY_BYTES"]),
        ),
        description=ServiceDescription(
            endpoint=endpoint_iri,
            dataset=base_iri + "dataset",
            graphs=release.graphs,
            version=release.version,
        ),
        base_iri=base_iri,
        endpoint_iri=endpoint_iri,
        max_age=int(cfg["CACHE_MAX_AGE"]),
        inline=str(cfg["INLINE_LOOKUPS"]).lower() not in ("0", "false", "no", "off"),
        _etag_salt=release.release_id.encode(),
    )
    app.extensions["dprk_ld"] = endpoint
    register(app)
    app.add_url_rule("/sparql", "sparql", sparql_view,
                     methods=["GET", "HEAD", "POST", "OPTIONS"], provide_automatic_options=False)
    resources.register(app)  # the linked-data layer: documents, pages, discovery
    app.register_blueprint(pages.blueprint())
    app.register_blueprint(discovery.blueprint())
    app.after_request(_common_headers)
    app.wsgi_app = QueryHandler(endpoint, app.wsgi_app)  # type: ignore[method-assign]
    return app


def close_app(app: Flask) -> None:
    """Stop the query workers of ``app`` (tests and server shutdown)."""
    endpoint: Endpoint | None = app.extensions.get("dprk_ld")
    if endpoint is not None:
        endpoint.pool.close()


def _endpoint() -> Endpoint:
    return current_app.extensions["dprk_ld"]  # type: ignore[no-any-return]


def _common_headers(resp: Response) -> Response:
    for key, value in CORS_HEADERS.items():
        resp.headers.setdefault(key, value)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    return resp


def _not_modified(etag: str) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    return request.if_none_match.contains_weak(etag)


def etag_matches(header: str | None, etag: str) -> bool:
    """Weak comparison of ``etag`` (opaque part) with an If-None-Match header."""
    if not header:
        return False
    for part in header.split(","):
        tag = part.strip()
        if tag == "*":
            return True
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"') == etag:
            return True
    return False


_COMMON = [*CORS_HEADERS.items(), ("X-Content-Type-Options", "nosniff")]
_STATUS_LINES: dict[int, str] = {}


def _status_line(code: int) -> str:
    line = _STATUS_LINES.get(code)
    if line is None:
        from http import HTTPStatus

        try:
            line = f"{code} {HTTPStatus(code).phrase}"
        except ValueError:
            line = f"{code} Error"
        _STATUS_LINES[code] = line
    return line


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None = None


class _Delegate(Exception):
    """Not a query: let the Flask app answer (service description, OPTIONS, 405 ...)."""


class QueryHandler:
    """The WSGI hot path: SPARQL queries at ``/sparql``; everything else goes to Flask.

    It runs the same modules as the rest of the app (``sparql``, ``conneg``, ``errors_http``,
    the worker pool) without the per-request cost of Flask's request and response objects, and
    keeps the finished answers of repeated GET queries, so that one costs a dictionary lookup.
    """

    def __init__(self, endpoint: Endpoint, fallback: Any, max_entries: int = 4096,
                 max_bytes: int = 64 * 1024 * 1024) -> None:
        self.ep = endpoint
        self.fallback = fallback
        self.answers: OrderedDict[tuple[str, str | None], _Answer] = OrderedDict()
        self.answers_bytes = 0
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != "/sparql":
            return self.fallback(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        accept = environ.get("HTTP_ACCEPT")
        if method in ("GET", "HEAD"):
            query_string = environ.get("QUERY_STRING", "")
            if not query_string:
                return self.fallback(environ, start_response)
            key = (query_string, accept)
            hit = self.answers.get(key)
            if hit is None:
                try:
                    answer = self._answer(environ, method, accept)
                except _Delegate:
                    return self.fallback(environ, start_response)
                if answer.status == 200 and answer.etag is not None:
                    self._remember(key, answer)
            else:
                answer = hit
        elif method == "POST":
            try:
                answer = self._answer(environ, method, accept)
            except _Delegate:  # pragma: no cover - a POST is always answered here
                return self.fallback(environ, start_response)
        else:
            return self.fallback(environ, start_response)
        if answer.etag is not None and method != "POST" and etag_matches(
                environ.get("HTTP_IF_NONE_MATCH"), answer.etag):
            start_response("304 Not Modified",
                           [h for h in answer.headers if h[0] != "Content-Type"])
            return [b""]
        headers = [*answer.headers, ("Content-Length", str(len(answer.body)))]
        start_response(_status_line(answer.status), headers)
        return [b"" if method == "HEAD" else answer.body]

    def _remember(self, key: tuple[str, str | None], answer: _Answer) -> None:
        size = len(answer.body) + len(key[0]) + 512
        if size > self.ep.cache.max_entry_bytes:
            return
        with self._lock:
            if key in self.answers:
                return
            self.answers[key] = answer
            self.answers_bytes += size
            while self.answers and (len(self.answers) > self.max_entries
                                    or self.answers_bytes > self.max_bytes):
                old_key, old = self.answers.popitem(last=False)
                self.answers_bytes -= len(old.body) + len(old_key[0]) + 512

    def _answer(self, environ: dict[str, Any], method: str, accept: str | None) -> _Answer:
        try:
            return self._query(environ, method, accept)
        except HttpError as err:
            fmt = None
            status, headers, body = render_parts(err, accept, fmt)
            return _Answer(status, [*headers, *_COMMON], body)
        except _Delegate:
            raise
        except Exception:
            log.exception("unexpected error while answering a query")
            status, headers, body = render_parts(internal_error(), accept)
            return _Answer(status, [*headers, *_COMMON], body)

    def _query(self, environ: dict[str, Any], method: str, accept: str | None) -> _Answer:
        ep = self.ep
        content_type = environ.get("CONTENT_TYPE") or None
        mimetype = (content_type or "").split(";", 1)[0].strip().lower()
        preq = sparql.read_request(
            method,
            environ.get("QUERY_STRING", "").encode("latin-1"),
            content_type,
            mimetype,
            lambda: _read_body(environ, ep.limits.max_body_bytes),
            ep.limits,
        )
        if preq.query is None:
            if method == "POST" or preq.default_graphs or preq.named_graphs:
                raise bad_request("No query: give exactly one 'query' parameter or body.",
                                  "missing_query")
            raise _Delegate
        analysis = sparql.check_query(preq.query, ep.limits)
        offers = sparql.RESULTS_OFFERS if analysis.kind == "results" else sparql.GRAPH_OFFERS
        try:
            offer = sparql.pick_offer(accept, offers, preq.formats)
        except conneg.NotAcceptable as exc:
            raise not_acceptable(exc.offered) from None
        job = sparql.job_for(preq.query, analysis, offer, preq.default_graphs,
                             preq.named_graphs, ep.base_iri, ep.limits)
        etag = ep.etag(job, offer.media_type)
        outcome = ep.cache.get(job)
        if outcome is None:
            # a bounded query (one pattern, rows capped) runs here; anything else in a worker
            inline = ep.inline and analysis.bounded(ep.limits.max_rows)
            outcome = ep.pool.run_inline(job) if inline else ep.pool.run(job)
            ep.cache.put(job, outcome)
        if outcome.error == "syntax":
            raise sparql.syntax_error(outcome.message)
        if outcome.error:
            raise internal_error()
        headers = [
            ("Content-Type", offer.content_type),
            ("ETag", f'W/"{etag}"'),
            ("Vary", "Accept"),
            ("Cache-Control", f"public, max-age={ep.max_age}" if method != "POST"
             else "no-cache"),
            ("X-SPARQL-Max-Rows", str(ep.limits.max_rows)),
            *_COMMON,
        ]
        if outcome.truncated:
            headers.append(("X-SPARQL-Truncated", "true"))
            headers.append(("Warning", f'199 - "results truncated at {ep.limits.max_rows} '
                                       'rows; add LIMIT/OFFSET"'))
        return _Answer(200, headers, outcome.body, etag)


def _read_body(environ: dict[str, Any], limit: int) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length_text = environ.get("CONTENT_LENGTH") or ""
    if length_text:
        try:
            length = int(length_text)
        except ValueError:
            raise bad_request("Content-Length is not a number.") from None
        if length < 0:
            raise bad_request("Content-Length is negative.")
        if length > limit:
            raise payload_too_large(limit)
        return bytes(stream.read(length)) if length else b""
    data = bytes(stream.read(limit + 1))
    if len(data) > limit:
        raise payload_too_large(limit)
    return data


def sparql_view() -> Response:
    """Flask's part of ``/sparql``: the service description, CORS preflight, and 405s."""
    ep = _endpoint()
    if request.method == "OPTIONS":
        resp = Response(status=204)
        resp.headers.update(PREFLIGHT_HEADERS)
        resp.headers["Allow"] = "GET, HEAD, POST, OPTIONS"
        return resp
    preq = sparql.read_request(request.method, request.query_string, None, "",
                               lambda: b"", ep.limits)
    if preq.query is not None:  # pragma: no cover - QueryHandler answers queries
        raise bad_request("Queries are answered by the query handler.")
    return _service_description(ep, preq.format)


def _service_description(ep: Endpoint, format_param: str | None) -> Response:
    try:
        offer = conneg.negotiate(request.headers.get("Accept"), SD_OFFERS, format_param)
    except conneg.NotAcceptable as exc:
        raise not_acceptable(exc.offered) from None
    headers = {
        "ETag": f'W/"sd-{ep.etag(None, offer.media_type)}"',  # type: ignore[arg-type]
        "Vary": "Accept",
        "Cache-Control": f"public, max-age={ep.max_age}",
    }
    if _not_modified(headers["ETag"][3:-1]):
        return Response(status=304, headers=headers)
    if offer is SD_HTML:
        body = render_template(
            "query.html",
            endpoint=request.base_url,
            graphs=sorted(ep.release.graphs.items()),
            version=ep.release.version,
            max_rows=ep.limits.max_rows,
            timeout=ep.pool.config.deadline,
        )
        return Response(body, content_type=offer.content_type, headers=headers)
    return Response(ep.description.serialize(str(offer.key)), content_type=offer.content_type,
                    headers=headers)


__all__ = ["DEFAULTS", "Endpoint", "HttpError", "Release", "close_app", "create_app",
           "load_release"]
