"""Pre-checks: what the engine must never see, decided before it sees the query.

A light lexer reads the query text (and its ``\\u``-unescaped form, when it holds escapes):

* size (bytes of UTF-8) and nesting depth of ``{ ( [`` (the engine crashes on a few thousand);
* ``SERVICE`` in any case and form (IRI, variable, ``SILENT``, ``\\u`` escapes), anywhere in the
  query: refused, because the engine would make an outbound request;
* updates (``INSERT``, ``LOAD`` ...), by any route: refused and never executed.

It also says whether a query is *bounded* (:func:`single_pattern`, the one recogniser of cheap
lookups): one triple pattern whose cost is bounded by the rows it returns, which may run in the
web process instead of a killable worker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from dprk_ld.endpoint.errors import QueryError, refused, too_large, update_refused
from dprk_ld.endpoint.limits import Limits

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

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_WORDS

    @property
    def kind(self) -> str:
        """``results`` (SELECT, ASK) or ``graph`` (CONSTRUCT, DESCRIBE)."""
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "results"

    def bounded(self, max_offset: int) -> bool:
        """True if the query is one triple pattern (see :func:`single_pattern`)."""
        return not self.escaped and single_pattern(self.tokens, max_offset)


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


class _Cursor:
    """Reads a token list front to back; past the end it reads ``("end", "")``."""

    def __init__(self, tokens: Sequence[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def at(self, k: int = 0) -> tuple[str, str]:
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else ("end", "")

    def word(self, *words: str) -> bool:
        kind, text = self.at()
        return kind == "word" and text.upper() in words

    def take(self, n: int = 1) -> None:
        self.i += n

    @property
    def done(self) -> bool:
        return self.i == len(self.tokens)


def _prologue(c: _Cursor) -> bool:
    """Skip ``PREFIX p: <iri>`` and ``BASE <iri>``; False if one is malformed."""
    while c.word("PREFIX", "BASE"):
        if c.word("PREFIX"):
            if c.at(1)[0] != "pname" or not c.at(1)[1].endswith(":") or c.at(2)[0] != "iri":
                return False
            c.take(3)
        else:
            if c.at(1)[0] != "iri":
                return False
            c.take(2)
    return True


def _head(c: _Cursor) -> bool:
    """``SELECT * | SELECT ?v… | ASK``, then an optional ``WHERE``."""
    if not c.word("SELECT", "ASK"):
        return False
    select = c.word("SELECT")
    c.take()
    if select:
        if c.at() == ("other", "*"):
            c.take()
        else:
            start = c.i
            while c.at()[0] == "var":
                c.take()
            if c.i == start:
                return False
    if c.word("WHERE"):
        c.take()
    return True


def _object(c: _Cursor) -> bool:
    """A term, a number, or a string with an optional language tag or datatype."""
    kind, _text = c.at()
    if kind in _TERM or kind == "number":
        c.take()
        return True
    if kind != "string":
        return False
    c.take()
    if c.at() == ("other", "@") and c.at(1)[0] == "word":
        c.take(2)
        while c.at()[0] == "number" and c.at()[1].startswith("-"):
            c.take()  # "-1" in a tag like en-1 lexes as a number
        while c.at() == ("other", "-") and c.at(1)[0] in ("word", "number"):
            c.take(2)
    elif c.at() == ("other", "^") and c.at(1) == ("other", "^") and c.at(2)[0] in ("iri", "pname"):
        c.take(3)
    return True


def _pattern(c: _Cursor) -> bool:
    """``{ s p o . }`` with one triple pattern."""
    if c.at() != ("open", "{"):
        return False
    c.take()
    if c.at()[0] not in _TERM:
        return False
    c.take()
    if not (c.at()[0] in _TERM or c.at() == ("word", "a")):
        return False
    c.take()
    if not _object(c):
        return False
    if c.at() == ("other", "."):
        c.take()
    if c.at() != ("close", "}"):
        return False
    c.take()
    return True


def _modifiers(c: _Cursor, max_offset: int) -> bool:
    """At most one ``LIMIT n`` and one ``OFFSET n`` (n <= ``max_offset``), then the end."""
    seen: set[str] = set()
    while c.word("LIMIT", "OFFSET"):
        word = c.at()[1].upper()
        number = c.at(1)
        if word in seen or number[0] != "number" or not number[1].isdigit():
            return False
        if word == "OFFSET" and int(number[1]) > max_offset:
            return False
        seen.add(word)
        c.take(2)
    return c.done


def single_pattern(tokens: Sequence[tuple[str, str]], max_offset: int) -> bool:
    """True if the query is ``SELECT vars|* WHERE { s p o }`` or ``ASK { s p o }`` with at most
    LIMIT and a small OFFSET: one triple pattern, answered from one index range, streamed, so
    its cost is bounded by the rows it returns (which the row cap bounds). Anything else is
    False (conservative: no DISTINCT, FILTER, paths, dataset clause, second pattern ...)."""
    c = _Cursor(tokens)
    return _prologue(c) and _head(c) and _pattern(c) and _modifiers(c, max_offset)


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
    if found.max_depth > limits.max_depth:
        raise refused("query_too_deep", f"The query nests brackets {found.max_depth} deep; the "
                      f"limit is {limits.max_depth}.", limit=limits.max_depth)
    return found
