"""Pre-checks: what the engine must never see, decided before it sees the query, on a parse of
the SPARQL 1.1 grammar (``sparql_parser``):

* size (bytes of UTF-8), a NUL character, an empty text;
* a text that is not a SPARQL 1.1 query: ``query_syntax``, with its line and column;
* brackets nested deeper than a limit (the engine crashes on a few thousand): refused as soon
  as the parse reaches the limit;
* ``SERVICE`` anywhere in the query (any spelling, escape, graph name, SILENT, any depth):
  refused, because the engine would make an outbound request; so is a text that is no query
  but holds the keyword, or holds ``SERVICEx:y {`` / ``SERVICE:{``, which the engine (not the
  grammar) reads as SERVICE;
* updates (``INSERT``, ``LOAD`` ...): refused and never executed;
* chains of operators (``UNION``, ``OPTIONAL``, ``MINUS``, ``BIND``, ``FILTER``, ``||``, ``&&``,
  ``!``, arithmetic, path steps ...) longer than a limit: the engine recurses once per operator.

Codepoint escapes (``\\u0053ERVICE``) are replaced before parsing, as the grammar says. The
engine reads them only inside strings and IRIs, so a text that holds escapes is parsed a second
time that way: both readings must be queries, and a refusal of either stands.

With the endpoint's prefixes (``prefixes.DECLARED``), the text is read as if they were declared
before its own prologue, and a syntax error is told as ``prefixes.explain`` tells it, at its line
and column in the text as sent.

The checks also say whether a query is a bounded lookup (``lookup.read``, on the tokens of the
parse) and give the text the web process may run for it (``lookup.canonical_text``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dprk_ld.endpoint import lookup
from dprk_ld.endpoint import prefixes as declared_prefixes
from dprk_ld.endpoint.errors import QueryError, refused, too_large, update_refused
from dprk_ld.endpoint.limits import Limits
from dprk_ld.endpoint.sparql_lexer import KEYWORDS, NUMBERS, Source, Token
from dprk_ld.endpoint.sparql_parser import parse, service_refused

UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_SAME_KIND = frozenset({"iri", "var", "string", "bnode"})


@dataclass
class Analysis:
    """What the pre-checks learnt about a query text."""

    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE, an update keyword, or None
    service: bool = False
    dataset_clause: bool = False  # FROM / FROM NAMED at the top level
    top_limit: int | None = None  # LIMIT n of the outermost query
    max_depth: int = 0
    escaped: bool = False  # the text holds \\u escapes
    operators: int = 0  # operators that chain (see precheck's docstring)
    lexed: list[Token] = field(default_factory=list, repr=False)  # the parser's tokens
    _tokens: list[tuple[str, str]] | None = field(default=None, repr=False)

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_WORDS

    @property
    def kind(self) -> str:
        """``results`` (SELECT, ASK) or ``graph`` (CONSTRUCT, DESCRIBE)."""
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "results"

    @property
    def tokens(self) -> list[tuple[str, str]]:
        """The parser's tokens as ``lookup.read`` takes them: (kind, text) with the kinds
        ``word`` (a keyword), ``iri``, ``pname``, ``var``, ``number``, ``string``, ``bnode``,
        ``open`` / ``close`` (a bracket) and ``other`` (a sign; ``@`` before a language tag)."""
        if self._tokens is None:
            self._tokens = lookup_tokens(self.lexed)
        return self._tokens

    def bounded(self, max_offset: int) -> bool:
        """True if the query is one triple pattern (see :func:`lookup.read`)."""
        return not self.escaped and lookup.read(self.tokens, max_offset) is not None

    def inline_text(self, max_offset: int) -> str | None:
        """The text the web process may run for this query: a bounded lookup written anew from
        typed terms (:func:`lookup.canonical_text`); None for anything else."""
        found = None if self.escaped else lookup.read(self.tokens, max_offset)
        return lookup.canonical_text(found) if found is not None else None


def lookup_tokens(lexed: list[Token]) -> list[tuple[str, str]]:
    """``lexed`` in the (kind, text) pairs of :attr:`Analysis.tokens`."""
    out: list[tuple[str, str]] = []
    add = out.append
    for kind, value, _start, _end in lexed:
        if kind in _SAME_KIND:
            add((kind, value))
        elif kind in KEYWORDS or kind == "a":
            add(("word", value))
        elif kind in ("pname_ns", "pname_ln"):
            add(("pname", value))
        elif kind in NUMBERS:
            add(("number", value))
        elif kind in ("{", "(", "["):
            add(("open", kind))
        elif kind in ("}", ")", "]"):
            add(("close", kind))
        elif kind == "nil" or kind == "anon":
            out.extend((("open", value[0]), ("close", value[-1])))
        elif kind == "langtag":
            out.extend((("other", "@"), ("word", value[1:])))
        elif kind == "^^":
            out.extend((("other", "^"), ("other", "^")))
        elif kind not in ("end", "error"):
            add(("other", value))
    return out


def analyse(text: str, limits: Limits | None = None,
            prefixes: Mapping[str, str] | None = None) -> Analysis:
    """Parse ``text`` (and, when it holds codepoint escapes, its reading by the engine) for the
    pre-checks, with ``prefixes`` declared before its own prologue. Raises ``QueryError`` for a
    text that is no query (or one refused while it is read: too deep, SERVICE where the grammar
    has no place for it), its position in ``text`` as sent."""
    if not prefixes:
        return _analyse(text, limits)
    try:
        return _analyse(declared_prefixes.preamble(prefixes) + text, limits)
    except QueryError as exc:
        raise declared_prefixes.shift_lines(exc, 1) from None


def _analyse(text: str, limits: Limits | None) -> Analysis:
    max_depth = (limits or Limits()).max_depth
    source = Source(text)
    found = parse(source, max_depth)
    result = Analysis(form=found.form, service=found.service,
                      dataset_clause=found.dataset_clause, top_limit=found.top_limit,
                      max_depth=found.max_depth, escaped=source.escaped,
                      operators=found.operators, lexed=found.tokens)
    if source.escaped and not (found.is_update or found.service):  # else refused anyway
        other = parse(Source(text, escapes_first=False), max_depth, engine=True)
        result.service = result.service or other.service
        result.dataset_clause = result.dataset_clause or other.dataset_clause
        result.max_depth = max(result.max_depth, other.max_depth)
        result.operators = max(result.operators, other.operators)
        if other.is_update:
            result.form = other.form
        if other.top_limit != result.top_limit:
            result.top_limit = None
    return result


def check_query(query: str, limits: Limits,
                prefixes: Mapping[str, str] | None = None) -> Analysis:
    """Refuse, before the engine sees it, any query that breaks a rule; else its analysis.
    With ``prefixes`` (the endpoint's), they are declared before the query's own prologue and a
    syntax error says what to change (``prefixes.explain``)."""
    if not prefixes:
        return _check_query(query, limits, None)
    try:
        return _check_query(query, limits, prefixes)
    except QueryError as exc:
        raise declared_prefixes.explain(exc, query, prefixes) from None


def _check_query(query: str, limits: Limits, prefixes: Mapping[str, str] | None) -> Analysis:
    if "\x00" in query:
        raise refused("invalid_encoding", "The query holds a NUL character.")
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > limits.max_query_bytes:
        raise too_large(limits.max_query_bytes, "query_too_large")
    if not query.strip():
        raise refused("missing_query", "The query is empty.")
    found = analyse(query, limits, prefixes)
    if found.is_update:
        raise update_refused()
    if found.service:
        raise service_refused()
    if found.operators > limits.max_operators:
        raise refused("query_too_complex", f"The query chains {found.operators} operators "
                      f"(UNION, OPTIONAL, MINUS, BIND, FILTER, || && ! + - * /, path / | ^ ! "
                      f"* + ?); the limit is {limits.max_operators}.",
                      limit=limits.max_operators)
    if found.max_depth > limits.max_depth:  # pragma: no cover - the parse refuses it first
        raise refused("query_too_deep", f"The query nests brackets {found.max_depth} deep; the "
                      f"limit is {limits.max_depth}.", limit=limits.max_depth)
    return found

