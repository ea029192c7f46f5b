"""``/sparql``: the SPARQL 1.1 Protocol over HTTP, a thin Flask view over the query service.

One request: read the protocol parameters (``endpoint.protocol``), refuse what the engine must
never see (``endpoint.precheck``), negotiate the result format (``conneg``), then answer from
the cache or run the job (``endpoint.evaluate``) in a killable worker (``endpoint.pool``) or,
for a bounded lookup, in the request thread. A GET with no query gets the service description
(RDF) or the query page (HTML); a GET with a query whose Accept header prefers HTML (a browser
opening ``/sparql?query=...``) gets the query page with that query and its first rows
(``query_page``), decided by the same negotiation as every other format. Every query may use
the dataset's prefixes undeclared (``endpoint.prefixes``); ``/sparql/vocabulary.json`` lists
them with the properties, classes and concepts the query page completes.

One optimisation, measured (bench/README.md): the finished answer of a GET is also kept under
its raw query string and Accept header (:func:`raw_key`), in the same bounded cache as every
other answer, and the app replays it (:func:`replay`) before Flask builds a request: a repeated
query then costs one dictionary lookup instead of about 70 us of request handling.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flask import Flask, Request, Response, request
from werkzeug.http import parse_etags

from dprk_ld import formats
from dprk_ld.endpoint import cut, evaluate, precheck, protocol
from dprk_ld.endpoint.cache import ResultCache
from dprk_ld.endpoint.errors import QueryError
from dprk_ld.endpoint.fairness import Fairness
from dprk_ld.endpoint.limits import Limits
from dprk_ld.endpoint.pool import QueryPool
from dprk_ld.endpoint.prefixes import DECLARED
from dprk_ld.endpoint.service_description import ServiceDescription
from dprk_ld.endpoint.vocabulary import vocabulary
from dprk_ld.formats import Format
from dprk_ld.release.served import ServedRelease
from dprk_ld.web import clients, conneg, cors, query_page, reload
from dprk_ld.web.errors import CODES, HttpError, bad_request, not_acceptable

#: the service description in RDF, or the query page for browsers
SD_HTML = Format("text/html", "HTML", "page", names=("html",),
                 aliases=("application/xhtml+xml",), charset=True)
SD_OFFERS: tuple[Format, ...] = (*formats.GRAPHS, SD_HTML)
#: the offers of a GET with a query: its results, or the query page for a browser (last, so
#: that it wins only when the client prefers it: ``*/*`` or no Accept gets results)
PAGE_RESULTS: tuple[Format, ...] = (*formats.RESULTS, SD_HTML)
PAGE_GRAPHS: tuple[Format, ...] = (*formats.GRAPHS, SD_HTML)
#: the format the query page runs a query in (its script asks for the same)
PAGE_FORMATS = {"results": formats.JSON_RESULTS, "graph": formats.TURTLE}
VOCABULARY_PATH = "/sparql/vocabulary.json"
MAX_ROWS_HEADER = "X-SPARQL-Max-Rows"
MAX_BYTES_HEADER = "X-SPARQL-Max-Result-Bytes"
#: "true" on a cut result; TRUNCATED_BY_HEADER says at which cap ("rows" or "bytes")
TRUNCATED_HEADER = "X-SPARQL-Truncated"
TRUNCATED_BY_HEADER = "X-SPARQL-Truncated-By"
#: the part of the query page that tells the limits (its id in query.html), under the site's
#: public address: a cut result links to it
LIMITS_ANCHOR = "sparql#limits"


@dataclass(frozen=True)
class Answer:
    """A finished 200 answer to a query, as kept in the cache."""

    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str


@dataclass
class SparqlService:
    """Per-app state of the endpoint: the release served, its workers, cache and limits."""

    release: ServedRelease
    pool: QueryPool
    cache: ResultCache
    limits: Limits
    description: ServiceDescription
    base_iri: str
    endpoint_iri: str
    max_age: int
    inline: bool = True
    fairness: Fairness = field(default_factory=Fairness)
    trusted_proxies: frozenset[str] = frozenset()
    limits_link: str | None = None  # the query page's limits, at the public address
    #: declared before every query's own prologue
    prefixes: Mapping[str, str] = field(default_factory=lambda: dict(DECLARED))
    _vocabulary: bytes | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def etag(self, key: Any, media_type: str) -> str:
        """An ETag of ``key`` in ``media_type``, for this release only."""
        digest = hashlib.sha256(self.release.release_id.encode())
        digest.update(repr((key, media_type)).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:40]

    def vocabulary_json(self) -> bytes:
        """``/sparql/vocabulary.json`` of this release (made once)."""
        with self._lock:
            if self._vocabulary is None:
                self._vocabulary = json.dumps(
                    vocabulary(self.release.store, self.prefixes), ensure_ascii=False,
                    separators=(",", ":")).encode()
            return self._vocabulary


@dataclass(frozen=True)
class PageRequest:
    """A GET of a query by a client that prefers HTML: the query page shows it and runs it
    (``job``), or shows why it cannot (``error``)."""

    query: str
    kind: str = "results"
    job: evaluate.Job | None = None
    analysis: precheck.Analysis | None = None
    error: QueryError | None = None


def service() -> SparqlService:
    """The endpoint of the release this request is answered from (see ``reload``)."""
    return reload.current()[0]  # type: ignore[no-any-return]


def pick_offer(accept: str | None, offers: Sequence[Format], names: Sequence[str]) -> Format:
    """The format to send: ``format=`` values (all must agree), else the Accept header; a blank
    ``format=`` (the query form's "in this page") is no value."""
    names = [name for name in names if name.strip()]
    try:
        if not names:
            return conneg.negotiate(accept, offers)
        chosen = {conneg.negotiate(None, offers, value) for value in names}
    except conneg.NotAcceptable as exc:
        raise not_acceptable(exc.offered) from None
    if len(chosen) > 1:
        raise bad_request("The 'format' parameters name different formats.",
                          "repeated_parameter", parameter="format")
    return chosen.pop()


def _outcome(svc: SparqlService, job: evaluate.Job, analysis: precheck.Analysis,
             environ: dict[str, Any]) -> evaluate.Outcome:
    """The outcome of ``job``: from the cache, else run (in this thread when bounded)."""
    key = ("job", job)
    outcome = svc.cache.get(key)
    if outcome is None:
        # a bounded lookup runs here, as a text written anew from its typed terms (this process
        # can open sockets, so it never runs a client's text); anything else in a worker
        text = analysis.inline_text(svc.limits.max_rows) if svc.inline else None
        if text:
            outcome = svc.pool.run_inline(replace(job, query=text))
        else:  # a worker's time is shared fairly between clients (429 when over the share)
            # a client that already spent much of its share runs at a low CPU priority
            with svc.fairness.share(clients.client_of(environ, svc.trusted_proxies)) as ticket:
                outcome = svc.pool.run(job, low_priority=ticket.heavy, started=ticket.started)
        svc.cache.put(key, outcome, len(outcome.body) + len(outcome.message))
    return outcome  # type: ignore[no-any-return]


def wants_page(accept: str | None, offers: Sequence[Format], names: Sequence[str]) -> bool:
    """Whether a client asking for ``offers`` prefers the query page."""
    try:
        return pick_offer(accept, offers, names) is SD_HTML
    except HttpError:
        return False


def _job(svc: SparqlService, preq: protocol.ProtocolRequest, analysis: precheck.Analysis,
         offer: Format) -> evaluate.Job:
    return evaluate.job_for(str(preq.query), analysis, offer, preq.default_graphs,
                            preq.named_graphs, svc.base_iri, svc.limits, svc.limits_link,
                            svc.prefixes)


def answer(svc: SparqlService, req: Request, accept: str | None) -> Answer | PageRequest | None:
    """The answer to the query of ``req``; None when it asks for no query (GET); the query page
    to show when a GET prefers HTML."""
    method = req.method
    preq = protocol.read_request(method, req.query_string, req.content_type, req.get_data,
                                 svc.limits)
    if preq.query is None:
        if method == "POST" or preq.default_graphs or preq.named_graphs:
            raise QueryError("missing_query",
                             "No query: give exactly one 'query' parameter or body.")
        return None
    page = method != "POST"  # a browser opening /sparql?query=... (or the form sent)
    try:
        analysis = precheck.check_query(preq.query, svc.limits, svc.prefixes)
    except QueryError as exc:
        if page and wants_page(accept, PAGE_RESULTS, preq.formats):
            return PageRequest(preq.query, error=exc)
        raise
    offers = formats.RESULTS if analysis.kind == "results" else formats.GRAPHS
    if page and wants_page(accept, PAGE_RESULTS if analysis.kind == "results" else PAGE_GRAPHS,
                           preq.formats):
        return PageRequest(preq.query, analysis.kind,
                           _job(svc, preq, analysis, PAGE_FORMATS[analysis.kind]), analysis)
    offer = pick_offer(accept, offers, preq.formats)  # a 406 lists the formats of results
    job = _job(svc, preq, analysis, offer)
    headers = [
        ("Content-Type", offer.content_type),
        ("Vary", "Accept"),
        ("Cache-Control", f"public, max-age={svc.max_age}" if method != "POST" else "no-cache"),
        (MAX_ROWS_HEADER, str(svc.limits.max_rows)),
        (MAX_BYTES_HEADER, str(svc.limits.max_result_bytes)),
        *cors.HEADERS,
    ]
    outcome = _outcome(svc, job, analysis, req.environ)
    body = evaluate.body_of(outcome, preq.query)
    if outcome.cut:
        headers.extend(cut_headers(svc, outcome.cut))
    etag = svc.etag(job, offer.media_type)
    headers.append(("ETag", f'W/"{etag}"'))
    return Answer(tuple(headers), body, etag)


def cut_headers(svc: SparqlService, cap: str) -> list[tuple[str, str]]:
    """The headers of a result cut at ``cap`` (``cut.ROWS`` or ``cut.BYTES``): every format has
    them, CSV, TSV and JSON-LD only them (the others also say it inside the document)."""
    if cap == cut.ROWS:
        said = f"results truncated at {svc.limits.max_rows} rows (MAX_ROWS); add LIMIT/OFFSET"
    else:
        said = (f"results truncated at {svc.limits.max_result_bytes} bytes (MAX_RESULT_BYTES); "
                "add LIMIT/OFFSET or select shorter values")
    headers = [(TRUNCATED_HEADER, "true"), (TRUNCATED_BY_HEADER, cap), ("Warning", f'199 - "{said}"')]
    if svc.limits_link:
        headers.append(("Link", f'<{svc.limits_link}>; rel="help"'))
    return headers


def raw_key(environ: dict[str, Any]) -> tuple[str, str, str | None]:
    """The cache key of a GET's finished answer: its raw query string and Accept header."""
    return ("raw", environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT"))


def _not_modified(environ: dict[str, Any], found: Answer) -> bool:
    header = environ.get("HTTP_IF_NONE_MATCH")
    return bool(header) and parse_etags(header).contains_weak(found.etag)


def respond(found: Answer, environ: dict[str, Any]) -> Response:
    if environ.get("REQUEST_METHOD") != "POST" and _not_modified(environ, found):
        return Response(status=304, headers=[h for h in found.headers if h[0] != "Content-Type"])
    return Response(found.body, status=200, headers=list(found.headers))


def replay(svc: SparqlService, environ: dict[str, Any], start_response: Any) -> list[bytes] | None:
    """The answer a GET or HEAD of ``/sparql`` got before, sent again as the view sent it
    (``respond``): the same status, headers and body, 304 on a matching If-None-Match. None when
    this request was not answered before (Flask then handles it)."""
    found = svc.cache.get(raw_key(environ))
    if not isinstance(found, Answer):
        return None
    if _not_modified(environ, found):
        start_response("304 NOT MODIFIED", [h for h in found.headers if h[0] != "Content-Type"])
        return []
    start_response("200 OK", [*found.headers, ("Content-Length", str(len(found.body)))])
    return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else found.body]


def sparql_view() -> Response:
    """GET, HEAD and POST of ``/sparql`` (a repeated GET is replayed before it gets here)."""
    svc = service()
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    environ = req.environ
    accept = environ.get("HTTP_ACCEPT")
    if req.method != "POST" and not environ.get("QUERY_STRING"):
        return service_description(svc, None)
    made = answer(svc, req, accept)
    if made is None:
        return service_description(svc, req.args.get("format"))
    if isinstance(made, PageRequest):
        return page_with_query(svc, made, environ)
    if req.method != "POST":
        svc.cache.put(raw_key(environ), made, len(made.body))
    return respond(made, environ)


def service_description(svc: SparqlService, format_param: str | None) -> Response:
    try:
        offer = conneg.negotiate(request.headers.get("Accept"), SD_OFFERS, format_param)
    except conneg.NotAcceptable as exc:
        raise not_acceptable(exc.offered) from None
    etag = "sd-" + svc.etag(None, offer.media_type)
    headers = {"ETag": f'W/"{etag}"', "Vary": "Accept",
               "Cache-Control": f"public, max-age={svc.max_age}"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    if offer is SD_HTML:
        return Response(query_page.render(svc), content_type=offer.content_type,
                        headers=headers)
    return Response(svc.description.serialize(str(offer.engine)),
                    content_type=offer.content_type, headers=headers)


def page_with_query(svc: SparqlService, page: PageRequest, environ: dict[str, Any]) -> Response:
    """The query page with ``page.query`` in its editor, run: its first rows, or its error
    (with the status the error has everywhere else)."""
    error, table, cut_at = page.error, None, None
    if error is None and page.job is not None and page.analysis is not None:
        try:
            outcome = _outcome(svc, page.job, page.analysis, environ)
            body = evaluate.body_of(outcome, page.query)
            table = query_page.results_table(body, page.kind, svc.base_iri, svc.prefixes)
            cut_at = outcome.cut
        except QueryError as exc:
            error = exc
    status = CODES.get(error.code, 500) if error is not None else 200
    headers = {"Vary": "Accept", "Cache-Control": "no-store" if error is not None
               else f"public, max-age={svc.max_age}"}
    if error is not None and error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    html = query_page.render(svc, page.query, table, error, page.kind, cut_at, status)
    return Response(html, status=status, content_type=SD_HTML.content_type, headers=headers)


def vocabulary_view() -> Response:
    """``/sparql/vocabulary.json``: what the query page completes (``endpoint.vocabulary``)."""
    svc = service()
    etag = "vocabulary-" + svc.etag("vocabulary", "application/json")
    headers = {"ETag": f'W/"{etag}"', "Cache-Control": f"public, max-age={svc.max_age}"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    return Response(svc.vocabulary_json(), content_type="application/json", headers=headers)


def register(app: Flask) -> None:
    app.add_url_rule("/sparql", "sparql", sparql_view, methods=["GET", "HEAD", "POST"])
    app.add_url_rule(VOCABULARY_PATH, "sparql_vocabulary", vocabulary_view,
                     methods=["GET", "HEAD"])
