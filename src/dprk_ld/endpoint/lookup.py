"""Bounded lookups: the one recogniser, and the query text the web process may run for one.

A query that is one triple pattern (``SELECT ?v… | * WHERE { s p o }`` or ``ASK { s p o }``, at
most a LIMIT and a small OFFSET) costs what the rows it returns cost, which the row cap bounds;
such a query need not wait for a killable worker. :func:`read` recognises it on the lexer's tokens.

The web process can open sockets, so it never runs a client's text: :func:`canonical_text` writes
the query anew from typed terms (IRIs checked and written by pyoxigraph, ASCII variable names,
digits, and the keywords written here). Whatever the client's text held (comments, escapes,
prefixed names, a keyword the lexer misread), the engine in the web process sees only this
text; anything that cannot be written this way goes to a sandboxed worker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

_TERM = frozenset({"iri", "pname", "var"})
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class Lookup:
    """A recognised one-pattern query: its form, projection, pattern and slice (as tokens)."""

    form: str = "SELECT"
    variables: list[tuple[str, str]] = field(default_factory=list)  # empty: SELECT *
    pattern: list[tuple[str, str]] = field(default_factory=list)  # subject, predicate, object
    limit: int | None = None
    offset: int | None = None


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


def _head(c: _Cursor, found: Lookup) -> bool:
    """``SELECT * | SELECT ?v… | ASK``, then an optional ``WHERE``."""
    if not c.word("SELECT", "ASK"):
        return False
    found.form = c.at()[1].upper()
    c.take()
    if found.form == "SELECT":
        if c.at() == ("other", "*"):
            c.take()
        else:
            while c.at()[0] == "var":
                found.variables.append(c.at())
                c.take()
            if not found.variables:
                return False
    if c.word("WHERE"):
        c.take()
    return True


def _object(c: _Cursor, found: Lookup) -> bool:
    """A term, a number, or a string with an optional language tag or datatype."""
    kind, _text = c.at()
    found.pattern.append(c.at())
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
        found.pattern[-1] = ("tagged", "")  # written by no canonical text
    elif c.at() == ("other", "^") and c.at(1) == ("other", "^") and c.at(2)[0] in ("iri", "pname"):
        c.take(3)
        found.pattern[-1] = ("typed", "")
    return True


def _pattern(c: _Cursor, found: Lookup) -> bool:
    """``{ s p o . }`` with one triple pattern."""
    if c.at() != ("open", "{"):
        return False
    c.take()
    if c.at()[0] not in _TERM:
        return False
    found.pattern.append(c.at())
    c.take()
    if not (c.at()[0] in _TERM or c.at() == ("word", "a")):
        return False
    found.pattern.append(c.at())
    c.take()
    if not _object(c, found):
        return False
    if c.at() == ("other", "."):
        c.take()
    if c.at() != ("close", "}"):
        return False
    c.take()
    return True


def _modifiers(c: _Cursor, found: Lookup, max_offset: int) -> bool:
    """At most one ``LIMIT n`` and one ``OFFSET n`` (n <= ``max_offset``), then the end."""
    while c.word("LIMIT", "OFFSET"):
        word = c.at()[1].upper()
        kind, digits = c.at(1)
        if kind != "number" or not digits.isdigit():
            return False
        if word == "LIMIT" and found.limit is None:
            found.limit = int(digits)
        elif word == "OFFSET" and found.offset is None and int(digits) <= max_offset:
            found.offset = int(digits)
        else:
            return False
        c.take(2)
    return c.done


def read(tokens: Sequence[tuple[str, str]], max_offset: int) -> Lookup | None:
    """The lookup ``tokens`` make, or None: anything else (DISTINCT, FILTER, paths, a dataset
    clause, a second pattern ...) is not one (conservative)."""
    c, found = _Cursor(tokens), Lookup()
    if _prologue(c) and _head(c, found) and _pattern(c, found) and \
            _modifiers(c, found, max_offset):
        return found
    return None


def _term(token: tuple[str, str]) -> str | None:
    """A term written anew: an absolute IRI (by pyoxigraph), ``?name``, ``a`` or digits."""
    kind, text = token
    if kind == "iri":
        try:
            return str(ox.NamedNode(text[1:-1]))
        except ValueError:
            return None  # relative (needs the BASE) or not an IRI
    if kind == "var":
        match = _VARIABLE.fullmatch(text)
        return "?" + match.group(1) if match else None
    if token == ("word", "a"):
        return "a"
    if kind == "number" and text.isdigit():
        return str(int(text))
    return None  # prefixed names, literals: left to a worker


def canonical_text(found: Lookup) -> str | None:
    """The query of ``found`` written from typed terms only, or None if a term cannot be."""
    terms = [_term(t) for t in found.pattern]
    names = [_term(v) for v in found.variables]
    if None in terms or None in names:
        return None
    head = "ASK" if found.form == "ASK" else "SELECT " + (" ".join(names) or "*")  # type: ignore[arg-type]
    text = f"{head} WHERE {{ {' '.join(terms)} }}"  # type: ignore[arg-type]
    if found.limit is not None:
        text += f" LIMIT {found.limit}"
    if found.offset is not None:
        text += f" OFFSET {found.offset}"
    return text
