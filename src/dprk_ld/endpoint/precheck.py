"""Pre-checks: what the engine must never see, decided before it sees the query.

A light lexer reads the query text (and its ``\\u``-unescaped form, when it holds escapes):

* size (bytes of UTF-8) and nesting depth of ``{ ( [`` (the engine crashes on a few thousand);
* ``SERVICE`` in any case and form (IRI, variable, ``SILENT``, ``\\u`` escapes), anywhere in the
  query: refused, because the engine would make an outbound request;
* updates (``INSERT``, ``LOAD`` ...), by any route: refused and never executed.

* chains of operators (``UNION``, ``OPTIONAL``, ``MINUS``, ``||``, ``&&``, ``!``, path steps
  ...) longer than a limit: the engine recurses over them and a few thousand crash it.

It also says whether a query is a bounded lookup (``lookup.read``, the one recogniser) and gives
the text the web process may run for it (``lookup.canonical_text``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from dprk_ld.endpoint import lookup
from dprk_ld.endpoint.errors import QueryError, refused, too_large, update_refused
from dprk_ld.endpoint.limits import Limits

#: words and signs that make the engine recurse once more when they are chained
CHAIN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER"})
CHAIN_SIGNS = frozenset("!|&/^+*-")
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

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
  | (?P<pname>(?:[^\W\d_](?:[\w.\-]*[\w\-])?)?:(?:(?:[\w\-:%]|\\.)(?:(?:[\w.\-:%]|\\.)*(?:[\w\-:%]|\\.))?)?)
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
    operators: int = 0  # tokens that chain (see CHAIN_WORDS, CHAIN_SIGNS)

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_WORDS

    @property
    def kind(self) -> str:
        """``results`` (SELECT, ASK) or ``graph`` (CONSTRUCT, DESCRIBE)."""
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "results"

    def bounded(self, max_offset: int) -> bool:
        """True if the query is one triple pattern (see :func:`lookup.read`)."""
        return not self.escaped and lookup.read(self.tokens, max_offset) is not None

    def inline_text(self, max_offset: int) -> str | None:
        """The text the web process may run for this query: a bounded lookup written anew from
        typed terms (:func:`lookup.canonical_text`); None for anything else."""
        found = None if self.escaped else lookup.read(self.tokens, max_offset)
        return lookup.canonical_text(found) if found is not None else None


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
    result.service = _has_service(tokens)
    result.operators = sum(1 for k, v in tokens if (k == "word" and v.upper() in CHAIN_WORDS)
                           or (k == "other" and v in CHAIN_SIGNS))
    return result


def _has_service(tokens: Sequence[tuple[str, str]]) -> bool:
    """Whether a SERVICE keyword is among the tokens. The engine reads a keyword at the start of a
    longer run of letters ("SERVICEx:{" is SERVICE, "x:" and "{"), so a word that starts with
    SERVICE counts, and so does a prefixed name that does where a SERVICE clause could go: not
    after PREFIX, and before what a SERVICE clause names (``{``, an IRI, a variable, SILENT). This
    is the courtesy of a clear refusal; the wall is the workers' sandbox."""
    for index, (kind, text) in enumerate(tokens):
        if text[:7].upper() != "SERVICE":
            continue
        if kind == "word":
            return True
        if kind == "pname":
            before = tokens[index - 1] if index else ("", "")
            after = tokens[index + 1] if index + 1 < len(tokens) else ("", "")
            if before[1].upper() != "PREFIX" and (
                    after[0] in ("iri", "var") or after == ("open", "{")
                    or after[1].upper() == "SILENT" or after[1][:1] in ("<", "?", "$", "{")):
                return True
    return False


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
        result.operators = max(result.operators, other.operators)
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
        raise refused("invalid_encoding", "The query holds a NUL character.")
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > limits.max_query_bytes:
        raise too_large(limits.max_query_bytes, "query_too_large")
    if not query.strip():
        raise refused("missing_query", "The query is empty.")
    found = analyse(query)
    if found.is_update:
        raise update_refused()
    if found.service:
        raise QueryError("service_refused", "SERVICE (federated query) is not allowed on this "
                         "endpoint: it never makes an outbound request.")
    if found.operators > limits.max_operators:
        raise refused("query_too_complex", f"The query chains {found.operators} operators (UNION, "
                      f"OPTIONAL, MINUS, BIND, FILTER, ! | & / ^ + * -); the limit is "
                      f"{limits.max_operators}.", limit=limits.max_operators)
    if found.max_depth > limits.max_depth:
        raise refused("query_too_deep", f"The query nests brackets {found.max_depth} deep; the "
                      f"limit is {limits.max_depth}.", limit=limits.max_depth)
    return found
