"""The SPARQL 1.1 Protocol, query side: request parsing, pre-checks, dataset, serialization.

The web layer (``app.py``) calls :func:`read_request` to turn an HTTP request into a
:class:`ProtocolRequest`, then :func:`check_query` to refuse what the engine must never see,
then builds a :class:`Job` that a query worker (``worker.py``) hands to :func:`execute`.

Pre-checks happen on a light lexer of the query text, before any parsing by the engine:

* size (bytes of UTF-8) and nesting depth of ``{ ( [`` (pyoxigraph crashes on a few thousand);
* ``SERVICE`` in any case, any form (IRI, variable, ``SILENT``, ``\\u`` escapes), anywhere in
  the query: refused, because the engine would make an outbound request;
* updates (``INSERT``, ``LOAD`` ...), by any route: refused with 403 and never executed.

Dataset: ``default-graph-uri`` / ``named-graph-uri`` (or ``FROM`` / ``FROM NAMED`` in the query)
select graphs already in the store (a graph not in the store is empty); nothing is fetched.
Without either, the default graph is the union of all graphs.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

from dprk_ld.web import conneg
from dprk_ld.web.errors import (
    HttpError,
    bad_request,
    forbidden,
    payload_too_large,
    unsupported_media_type,
    uri_too_long,
)

# --- formats ------------------------------------------------------------------------------------

JSON = conneg.Offer(
    "application/sparql-results+json",
    names=("json", "srj"),
    aliases=("application/json",),
    key="JSON",
)
XML = conneg.Offer(
    "application/sparql-results+xml",
    names=("xml", "srx"),
    aliases=("application/xml",),
    key="XML",
)
CSV = conneg.Offer("text/csv", names=("csv",), key="CSV", charset=True)
TSV = conneg.Offer("text/tab-separated-values", names=("tsv",), key="TSV", charset=True)
RESULTS_OFFERS: tuple[conneg.Offer, ...] = (JSON, XML, CSV, TSV)

TURTLE = conneg.Offer(
    "text/turtle",
    names=("ttl", "turtle", "n3"),
    aliases=("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3"),
    key="TURTLE",
    charset=True,
)
NTRIPLES = conneg.Offer(
    "application/n-triples", names=("nt", "ntriples", "n-triples"), aliases=("text/plain",),
    key="N_TRIPLES",
)
JSONLD = conneg.Offer(
    "application/ld+json",
    names=("jsonld", "json-ld", "json"),
    aliases=("application/json", "application/x-json+ld"),
    key="JSON_LD",
)
RDFXML = conneg.Offer(
    "application/rdf+xml",
    names=("rdf", "rdfxml", "rdf+xml", "xml", "owl"),
    aliases=("application/xml", "text/xml"),
    key="RDF_XML",
)
NQUADS = conneg.Offer("application/n-quads", names=("nq", "nquads", "n-quads"), key="N_QUADS")
TRIG = conneg.Offer("application/trig", names=("trig",), key="TRIG")
GRAPH_OFFERS: tuple[conneg.Offer, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG)

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
SPARQL_QUERY_TYPE = "application/sparql-query"
SPARQL_UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_POST_TYPES = (FORM_TYPE, SPARQL_QUERY_TYPE)

#: parameters this endpoint reads; any of them given twice is a 400 (``format`` may repeat when
#: every value names the same format, as SPARQLWrapper sends ``format=tsv&format=text/tab...``)
SINGLE_PARAMS = ("query", "update")
GRAPH_PARAMS = ("default-graph-uri", "named-graph-uri")
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")


@dataclass(frozen=True)
class Limits:
    """Limits checked before the engine sees a query (all configurable in the app config)."""

    max_query_bytes: int = 64 * 1024
    max_depth: int = 64
    max_rows: int = 10_000
    max_url_bytes: int = 200 * 1024
    max_body_bytes: int = 1024 * 1024
    max_params: int = 64
    max_graphs: int = 64


# --- reading a request --------------------------------------------------------------------------


@dataclass
class ProtocolRequest:
    """What a SPARQL protocol request asks for, before any check of the query itself."""

    query: str | None = None
    update: bool = False
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: tuple[str, ...] = ()

    @property
    def format(self) -> str | None:
        return self.formats[0] if self.formats else None


def pick_offer(
    accept: str | None, offers: Sequence[conneg.Offer], formats: Sequence[str]
) -> conneg.Offer:
    """The offer to send: ``format=`` values (all must agree), else the Accept header."""
    if not formats:
        return conneg.negotiate(accept, offers)
    chosen = {conneg.negotiate(None, offers, value) for value in formats}
    if len(chosen) > 1:
        raise bad_request("The 'format' parameters name different formats.",
                          "repeated_parameter", parameter="format")
    return chosen.pop()


def percent_decode(raw: bytes) -> bytes:
    """``%XX`` escapes decoded, exactly as :func:`urllib.parse.unquote_to_bytes` does, in C when
    it can: every ``%XX`` becomes ``\\xXX`` (backslashes doubled first) for the bytes escape
    decoder. Text with a ``%`` that starts no valid escape (which ``unquote_to_bytes`` keeps as
    it is and the escape decoder refuses) takes the library's road."""
    if b"%" not in raw:
        return raw
    try:
        escaped = raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x")
        return codecs.escape_decode(escaped)[0]  # type: ignore[attr-defined,no-any-return]
    except ValueError:
        return unquote_to_bytes(raw)


def parse_pairs(raw: bytes, where: str, limits: Limits) -> list[tuple[str, str]]:
    """Strictly parse ``application/x-www-form-urlencoded`` bytes (URL query or POST body).

    Invalid UTF-8 after percent-decoding, NUL bytes and too many pairs are 400s, never replaced
    characters or silent drops.
    """
    pairs: list[tuple[str, str]] = []
    if not raw:
        return pairs
    for chunk in raw.split(b"&"):
        if not chunk:
            continue
        if len(pairs) >= limits.max_params:
            raise bad_request(f"Too many parameters in the {where}.", "invalid_parameter",
                              limit=limits.max_params)
        name_b, _, value_b = chunk.partition(b"=")
        try:
            name = percent_decode(name_b.replace(b"+", b" ")).decode("utf-8")
            value = percent_decode(value_b.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise bad_request(f"The {where} is not valid UTF-8 once percent-decoded.",
                              "invalid_encoding") from exc
        if "\x00" in name or "\x00" in value:
            raise bad_request(f"The {where} holds a NUL character.", "invalid_encoding")
        pairs.append((name, value))
    return pairs


def _collect(pairs: Iterable[tuple[str, str]], out: dict[str, list[str]]) -> None:
    for name, value in pairs:
        out.setdefault(name, []).append(value)


def _charset_ok(content_type: str) -> bool:
    """True unless the raw Content-Type names a charset other than UTF-8 (or a broken one)."""
    for param in content_type.split(";")[1:]:
        name, sep, value = param.partition("=")
        if name.strip().lower() != "charset":
            continue
        if not sep or value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


def _decode_body(body: bytes, what: str) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request(f"The {what} is not valid UTF-8.", "invalid_encoding") from exc
    if "\x00" in text:
        raise bad_request(f"The {what} holds a NUL character.", "invalid_encoding")
    return text


def read_request(
    method: str,
    raw_query_string: bytes,
    content_type: str | None,
    mimetype: str,
    get_body: Any,
    limits: Limits,
) -> ProtocolRequest:
    """Read the SPARQL protocol parameters of a request (framework-neutral).

    ``get_body`` is called (with no argument) only for POST and returns the body bytes.
    """
    if len(raw_query_string) > limits.max_url_bytes:
        raise uri_too_long(limits.max_url_bytes)
    params: dict[str, list[str]] = {}
    _collect(parse_pairs(raw_query_string, "URL query string", limits), params)
    direct_query: str | None = None

    if method == "POST":
        if not content_type:
            raise unsupported_media_type(
                "A POST needs a Content-Type: application/x-www-form-urlencoded or "
                "application/sparql-query.", QUERY_POST_TYPES)
        if mimetype == SPARQL_UPDATE_TYPE:
            raise forbidden("This endpoint is read-only: SPARQL updates are refused.",
                            "update_refused")
        if mimetype not in QUERY_POST_TYPES:
            raise unsupported_media_type(
                f"Content-Type {mimetype or content_type!r} is not accepted here.",
                QUERY_POST_TYPES)
        if not _charset_ok(content_type):
            raise unsupported_media_type("Only the UTF-8 charset is accepted.",
                                         [f"{t}; charset=utf-8" for t in QUERY_POST_TYPES])
        body: bytes = get_body()
        if mimetype == FORM_TYPE:
            _collect(parse_pairs(body, "request body", limits), params)
        else:
            if len(body) > limits.max_query_bytes:
                raise payload_too_large(limits.max_query_bytes, "query_too_large")
            direct_query = _decode_body(body, "query")

    if any(name in params for name in UPDATE_PARAMS):
        raise forbidden("This endpoint is read-only: SPARQL updates are refused.",
                        "update_refused")
    for name in SINGLE_PARAMS:
        if len(params.get(name, ())) > 1:
            raise bad_request(f"Parameter {name!r} is given more than once.",
                              "repeated_parameter", parameter=name)

    req = ProtocolRequest()
    if direct_query is not None:
        if "query" in params:
            raise bad_request("The query is given both in the body and as a 'query' parameter.",
                              "repeated_parameter", parameter="query")
        req.query = direct_query
    elif "query" in params:
        req.query = params["query"][0]
    if req.query is not None and len(req.query.encode("utf-8")) > limits.max_query_bytes:
        raise payload_too_large(limits.max_query_bytes, "query_too_large")
    req.default_graphs = _graph_list(params.get("default-graph-uri", []), limits)
    req.named_graphs = _graph_list(params.get("named-graph-uri", []), limits)
    req.formats = tuple(params.get("format", ()))
    if len(req.formats) > 4:
        raise bad_request("Too many 'format' parameters.", "repeated_parameter",
                          parameter="format")
    return req


_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")


def _graph_list(values: Sequence[str], limits: Limits) -> list[str]:
    if len(values) > limits.max_graphs:
        raise bad_request("Too many graph IRIs.", "invalid_parameter", limit=limits.max_graphs)
    out: list[str] = []
    for value in values:
        if not _IRI_RE.match(value):
            raise bad_request(f"{value!r} is not an absolute IRI.", "invalid_parameter")
        if value not in out:
            out.append(value)
    return out


# --- the lexer and the pre-checks ---------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"
             |'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''
             |"(?:[^"\\\n\r]|\\[\s\S])*"
             |'(?:[^'\\\n\r]|\\[\s\S])*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]*)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:%]|\\.)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>[\s\S])
    """,
    re.VERBOSE,
)
_ESCAPE_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass
class Analysis:
    """What the pre-checks learnt about a query text."""

    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE, an update keyword, or None
    service: bool = False
    dataset_clause: bool = False  # FROM / FROM NAMED at the top level
    top_limit: int | None = None  # LIMIT n of the outermost query
    max_depth: int = 0
    unterminated: bool = False
    tokens: list[tuple[str, str]] = field(default_factory=list, repr=False)
    escaped: bool = False  # the text holds \\u escapes
    #: known without lexing to be one triple pattern (see :func:`fast_lookup`)
    lookup: bool = False

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_WORDS

    @property
    def kind(self) -> str:
        """``results`` (SELECT, ASK) or ``graph`` (CONSTRUCT, DESCRIBE)."""
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "results"

    def bounded(self, max_offset: int) -> bool:
        """True if the query is one triple pattern (its cost bounded by the rows it returns),
        as recognised by :func:`fast_lookup` or, on the lexed tokens, :func:`single_pattern`."""
        return self.lookup or (not self.escaped and single_pattern(self.tokens, max_offset))


def _scan(text: str) -> Analysis:
    result = Analysis()
    depth = 0
    prologue = True
    expect_limit = False
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        tokens.append((kind, match.group()))
        if kind == "open":
            depth += 1
            if depth > result.max_depth:
                result.max_depth = depth
            expect_limit = False
            prologue = False
            continue
        if kind == "close":
            depth = max(0, depth - 1)
            expect_limit = False
            continue
        if kind == "word":
            word = match.group().upper()
            if word.startswith("SERVICE"):
                result.service = True
            if prologue:
                if word in ("BASE", "PREFIX"):
                    continue
                prologue = False
                result.form = word
            if depth == 0:
                if word == "FROM":
                    result.dataset_clause = True
                expect_limit = word == "LIMIT"
                continue
        elif kind == "number" and expect_limit and depth == 0:
            try:
                result.top_limit = int(match.group())
            except ValueError:
                result.top_limit = None
        elif kind == "other" and match.group() in "\"'<":
            # a quote that opens no complete string: the engine will refuse the query anyway
            if match.group() != "<":
                result.unterminated = True
        elif prologue and kind not in ("pname", "iri"):
            prologue = False
        expect_limit = False
    result.tokens = tokens
    return result


_TERM = frozenset({"iri", "pname", "var"})


def single_pattern(tokens: Sequence[tuple[str, str]], max_offset: int) -> bool:
    """True if the query is ``SELECT vars|* WHERE { s p o }`` or ``ASK { s p o }`` with at most
    LIMIT and a small OFFSET: one triple pattern, answered from one index range, streamed, so
    its cost is bounded by the rows it returns (which the row cap bounds). Anything else is
    False (conservative: no DISTINCT, FILTER, paths, dataset clause, second pattern ...)."""
    i, n = 0, len(tokens)

    def at(k: int) -> tuple[str, str]:
        return tokens[k] if k < n else ("end", "")

    while at(i)[0] == "word" and at(i)[1].upper() in ("PREFIX", "BASE"):
        if at(i)[1].upper() == "PREFIX":
            if at(i + 1)[0] != "pname" or not at(i + 1)[1].endswith(":") or \
                    at(i + 2)[0] != "iri":
                return False
            i += 3
        else:
            if at(i + 1)[0] != "iri":
                return False
            i += 2
    kind, text = at(i)
    if kind != "word" or text.upper() not in ("SELECT", "ASK"):
        return False
    form = text.upper()
    i += 1
    if form == "SELECT":
        if at(i) == ("other", "*"):
            i += 1
        else:
            start = i
            while at(i)[0] == "var":
                i += 1
            if i == start:
                return False
    if at(i)[0] == "word" and at(i)[1].upper() == "WHERE":
        i += 1
    if at(i) != ("open", "{"):
        return False
    i += 1
    # subject, predicate
    if at(i)[0] not in _TERM:
        return False
    i += 1
    if not (at(i)[0] in _TERM or (at(i)[0] == "word" and at(i)[1] == "a")):
        return False
    i += 1
    # object: a term, a number, or a string with an optional language tag or datatype
    kind, text = at(i)
    if kind in _TERM or kind == "number":
        i += 1
    elif kind == "string":
        i += 1
        if at(i) == ("other", "@") and at(i + 1)[0] == "word":
            i += 2
            while at(i) == ("number", at(i)[1]) and at(i)[1].startswith("-"):
                i += 1  # "-1" in a tag like en-1 lexes as a number
            while at(i) == ("other", "-") and at(i + 1)[0] in ("word", "number"):
                i += 2
        elif at(i) == ("other", "^") and at(i + 1) == ("other", "^") and \
                at(i + 2)[0] in ("iri", "pname"):
            i += 3
    else:
        return False
    if at(i) == ("other", "."):
        i += 1
    if at(i) != ("close", "}"):
        return False
    i += 1
    seen: set[str] = set()
    while at(i)[0] == "word" and at(i)[1].upper() in ("LIMIT", "OFFSET"):
        word = at(i)[1].upper()
        number = at(i + 1)
        if word in seen or number[0] != "number" or not number[1].isdigit():
            return False
        if word == "OFFSET" and int(number[1]) > max_offset:
            return False
        seen.add(word)
        i += 2
    return i == n


_IRI = r"""<[^<>"{}|^`\\\x00-\x20]*>"""
_VAR = r"[?$][A-Za-z0-9_]+"
_LOOKUP_RE = re.compile(
    rf"""[ \t\r\n]*(?i:SELECT)[ \t\r\n]+(?:(?:{_VAR}[ \t\r\n]*)+|\*[ \t\r\n]*)
    (?i:WHERE)?[ \t\r\n]*\{{[ \t\r\n]*
    (?:{_IRI}|{_VAR})[ \t\r\n]+(?:{_IRI}|{_VAR}|a)[ \t\r\n]+(?:{_IRI}|{_VAR})
    [ \t\r\n]*\.?[ \t\r\n]*\}}[ \t\r\n]*
    (?:(?i:LIMIT)[ \t\r\n]+(?P<limit>[0-9]{{1,9}})[ \t\r\n]*)?
    (?:\#[^\n\r]*)?[ \t\r\n]*\Z""",
    re.VERBOSE,
)


def fast_lookup(text: str) -> Analysis | None:
    """The analysis of the commonest query, ``SELECT ?p ?o WHERE { <iri> ?p ?o } LIMIT n`` (IRIs
    and variables only: no literal, escape, keyword but SELECT, WHERE and LIMIT, at most one
    trailing comment), recognised by one regular expression instead of the lexer; ``None`` for
    anything else, which :func:`analyse` then reads. What it accepts, :func:`single_pattern`
    accepts too (tested), so it is only a faster road to the same decision."""
    found = _LOOKUP_RE.match(text)
    if found is None:
        return None
    limit = found.group("limit")
    return Analysis(form="SELECT", max_depth=1, top_limit=int(limit) if limit else None,
                    lookup=True)


def analyse(text: str) -> Analysis:
    """Lex ``text`` (and its ``\\u``-unescaped form, if different) for the pre-checks."""
    result = _scan(text)
    unescaped = _ESCAPE_RE.sub(_unescape_one, text)
    if unescaped != text:
        result.escaped = True
        other = _scan(unescaped)
        result.service = result.service or other.service
        result.max_depth = max(result.max_depth, other.max_depth)
        result.dataset_clause = result.dataset_clause or other.dataset_clause
        if other.form in UPDATE_WORDS:
            result.form = other.form
        if other.top_limit != result.top_limit:
            result.top_limit = None
    return result


def _unescape_one(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    try:
        return chr(code)
    except ValueError:
        return "\ufffd"


def check_query(query: str, limits: Limits) -> Analysis:
    """Refuse, before the engine sees it, any query that breaks a rule; else its analysis."""
    if "\x00" in query:
        raise bad_request("The query holds a NUL character.", "invalid_encoding")
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > limits.max_query_bytes:
        raise payload_too_large(limits.max_query_bytes, "query_too_large")
    if not query.strip():
        raise bad_request("The query is empty.", "missing_query")
    found = fast_lookup(query) or analyse(query)
    if found.is_update:
        raise forbidden("This endpoint is read-only: SPARQL updates are refused.",
                        "update_refused")
    if found.service:
        raise forbidden("SERVICE (federated query) is not allowed on this endpoint: it never "
                        "makes an outbound request.", "service_refused")
    if found.max_depth > limits.max_depth:
        raise bad_request(f"The query nests brackets {found.max_depth} deep; the limit is "
                          f"{limits.max_depth}.", "query_too_deep", limit=limits.max_depth)
    return found


# --- jobs and their execution (inside a worker process) -----------------------------------------


@dataclass(frozen=True)
class Job:
    """One query to run, with everything the worker needs (picklable)."""

    query: str
    kind: str  # "results" or "graph"
    format: str  # QueryResultsFormat / RdfFormat attribute name
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union: bool = True
    base_iri: str | None = None
    max_rows: int = 10_000
    needs_count: bool = True


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: a body, or a query error (syntax) with its message."""

    body: bytes = b""
    truncated: bool = False
    error: str | None = None  # "syntax" or "failed"
    message: str = ""


class _Stop(Exception):
    pass


class _LineCapWriter(io.RawIOBase):
    """Collects serialized bytes and stops the engine after ``limit`` lines."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.lines = 0
        self.parts: list[bytes] = []
        self.truncated = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        count = chunk.count(b"\n")
        if self.lines + count > self.limit:
            keep = self.limit - self.lines
            end = -1
            for _ in range(keep):
                end = chunk.index(b"\n", end + 1)
            self.parts.append(chunk[: end + 1])
            self.lines = self.limit
            self.truncated = True
            raise _Stop
        self.lines += count
        self.parts.append(chunk)
        return len(chunk)

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def job_for(
    query: str,
    analysis: Analysis,
    offer: conneg.Offer,
    default_graphs: Sequence[str],
    named_graphs: Sequence[str],
    base_iri: str | None,
    limits: Limits,
) -> Job:
    by_protocol = bool(default_graphs or named_graphs)
    needs_count = analysis.form != "ASK" and not (
        analysis.kind == "results"
        and analysis.top_limit is not None
        and analysis.top_limit <= limits.max_rows
    )
    return Job(
        query=query,
        kind=analysis.kind,
        format=str(offer.key),
        default_graphs=tuple(default_graphs) if by_protocol else None,
        named_graphs=tuple(named_graphs) if by_protocol else None,
        union=not by_protocol and not analysis.dataset_clause,
        base_iri=base_iri,
        max_rows=limits.max_rows,
        needs_count=needs_count,
    )


def execute(store: Any, job: Job) -> Outcome:
    """Run ``job`` on a pyoxigraph store and serialize its result (in the engine, not per term)."""
    import pyoxigraph as ox

    kwargs: dict[str, Any] = {}
    if job.default_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    if job.union:
        kwargs["use_default_graph_as_union"] = True
    try:
        result = store.query(job.query, base_iri=job.base_iri, **kwargs)
    except SyntaxError as exc:
        return Outcome(error="syntax", message=str(exc))
    except ValueError as exc:
        return Outcome(error="syntax", message=str(exc))

    if isinstance(result, ox.QueryBoolean):
        return Outcome(body=result.serialize(format=getattr(ox.QueryResultsFormat, job.format)))
    if isinstance(result, ox.QuerySolutions):
        target = getattr(ox.QueryResultsFormat, job.format)
        if not job.needs_count:
            return Outcome(body=result.serialize(format=target))
        writer = _LineCapWriter(job.max_rows + 1)  # the TSV header line, then one line a row
        truncated = _serialize_capped(result, writer, ox.QueryResultsFormat.TSV)
        tsv = writer.getvalue()
        if job.format == "TSV":
            return Outcome(body=tsv, truncated=truncated)
        body = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=target)
        return Outcome(body=body, truncated=truncated)
    # CONSTRUCT / DESCRIBE: N-Triples has one triple a line, so the cap counts triples
    writer = _LineCapWriter(job.max_rows)
    truncated = _serialize_capped(result, writer, ox.RdfFormat.N_TRIPLES)
    nt = writer.getvalue()
    if job.format in ("N_TRIPLES", "N_QUADS"):
        return Outcome(body=nt, truncated=truncated)
    graph = ox.Store()
    graph.load(nt, format=ox.RdfFormat.N_TRIPLES)
    target_rdf = getattr(ox.RdfFormat, job.format)
    body = graph.dump(format=target_rdf, from_graph=ox.DefaultGraph()) \
        if not target_rdf.supports_datasets else graph.dump(format=target_rdf)
    return Outcome(body=body or b"", truncated=truncated)


def _serialize_capped(result: Any, writer: _LineCapWriter, fmt: Any) -> bool:
    try:
        result.serialize(writer, format=fmt)
    except _Stop:
        return True
    except OSError as exc:  # the engine wraps errors raised by the writer
        if writer.truncated:
            return True
        raise exc
    return writer.truncated


_POSITION_RE = re.compile(r"error at (\d+):(\d+)")


def syntax_error(message: str) -> HttpError:
    details: dict[str, Any] = {}
    found = _POSITION_RE.search(message)
    if found:
        details = {"line": int(found.group(1)), "column": int(found.group(2))}
    return bad_request(message or "The query is not valid SPARQL.", "query_syntax", **details)
