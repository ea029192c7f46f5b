"""The terminals of SPARQL 1.1 (W3C SPARQL 1.1 Query Language, sections 19.2 to 19.8), read
into tokens for the endpoint's parser (``sparql_parser``).

A token is a tuple ``(kind, value, start, end)`` (``start``/``end``: offsets in the text read):

* a keyword has its upper-case spelling as kind (``SELECT``, ``GROUP_CONCAT``, ``TRUE`` ...):
  keywords are matched whatever their case, except ``a``, whose kind is ``a``;
* a sign is its own kind: ``{``, ``^^``, ``&&``, ``?`` (the path modifier) ...;
* the other terminals have a lower-case kind: ``iri``, ``pname_ns``, ``pname_ln``, ``bnode``,
  ``var``, ``string``, ``langtag``, ``integer``, ``decimal``, ``double`` (a signed number keeps
  its sign in the value), ``nil``, ``anon``; the list ends with ``end``, or with ``error`` where
  the text holds no terminal (the value then says why).

Terminals are matched longest first (section 19.8): ``SERVICEx:y`` is one prefixed name,
``SELECTDISTINCT`` two keywords, ``<?a&&?b>`` an IRI.

:class:`Source` replaces the codepoint escapes (``\\uXXXX``, ``\\UXXXXXXXX``) before anything is
read, as section 19.2 says. The engine (pyoxigraph) does not: it reads such escapes inside
strings and IRIs only. ``tokenize(..., engine=True)`` reads a text that way, so that the
pre-check can also see what the engine will see.
"""

from __future__ import annotations

import bisect
import re

from dprk_ld.endpoint.errors import QueryError

Token = tuple[str, str, int, int]

BUILTINS_1 = ("STR LANG DATATYPE IRI URI ABS CEIL FLOOR ROUND STRLEN UCASE LCASE ENCODE_FOR_URI "
              "YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ MD5 SHA1 SHA256 SHA384 SHA512 "
              "ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC")
BUILTINS_2 = "LANGMATCHES CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER STRLANG STRDT SAMETERM"
OTHER_CALLS = ("IF REGEX SUBSTR REPLACE RAND NOW UUID STRUUID BNODE BOUND COALESCE CONCAT EXISTS "
               "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT")
QUERY_WORDS = ("BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED "
               "GROUP BY HAVING ORDER ASC DESC LIMIT OFFSET VALUES OPTIONAL GRAPH SERVICE SILENT "
               "BIND UNDEF MINUS UNION FILTER NOT IN SEPARATOR TRUE FALSE")
UPDATE_WORDS = "LOAD INTO CLEAR DROP CREATE ADD TO MOVE COPY INSERT DATA DELETE WITH USING DEFAULT ALL"
#: every keyword of SPARQL 1.1 Query and Update, upper case (``a`` is not here: it is
#: matched in lower case only)
KEYWORDS = frozenset(" ".join((BUILTINS_1, BUILTINS_2, OTHER_CALLS, QUERY_WORDS,
                               UPDATE_WORDS)).split())
_LONGEST_KEYWORD = max(len(word) for word in KEYWORDS)
_KEYWORD_STARTS = frozenset(word[:end] for word in KEYWORDS for end in range(1, len(word) + 1))
NUMBERS = frozenset({"integer", "decimal", "double"})

_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
         "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_ECHAR = r"""\\[tbnrf\\"']"""
_CODEPOINT = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_PNAME = f"(?:{_PREFIX})?:({_LOCAL})?"
_NAME_RUN = re.compile(f"[{_CHARS}.]*")
_WORD = re.compile(f"[A-Za-z][A-Za-z0-9_]{{0,{_LONGEST_KEYWORD}}}")
_IRI_CHAR = r'[^<>"{}|^`\\\x00-\x20]'
_IRI_CHARS = re.compile(f"{_IRI_CHAR}*")
_ESCAPE = re.compile(_CODEPOINT)
_SKIP = r"(?:[ \t\r\n]|#[^\r\n]*+)*+"  # white space and comments, between any two terminals
_SKIP_RE = re.compile(_SKIP)


def _strings(escape: str) -> str:
    """The four string terminals ([156]-[159]), long ones first (longest match)."""
    return "|".join((
        "'''(?:(?:'|'')?(?:[^'\\\\]|" + escape + "))*'''",
        '"""(?:(?:"|"")?(?:[^"\\\\]|' + escape + '))*"""',
        "'(?:[^'\\\\\\n\\r]|" + escape + ")*'",
        '"(?:[^"\\\\\\n\\r]|' + escape + ')*"',
    ))


def _master(iri: str, string: str, names: bool) -> re.Pattern[str]:
    """One pattern for every terminal (and the space and comments before it); an alternative
    comes before those that match a start of what it matches (longest match). Without
    ``names``, no prefixed name, and a word is read no longer than the longest keyword."""
    pname = f"(?P<pname>{_PNAME})|(?P<word>[A-Za-z][A-Za-z0-9_]*)" if names else \
        f"(?P<word>[A-Za-z][A-Za-z0-9_]{{0,{_LONGEST_KEYWORD}}})"
    return re.compile(_SKIP + "(?:" + "|".join((
        f"(?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f\u2040]*)",
        f"(?P<iri>{iri})",
        pname,
        f"(?P<string>{string})",
        r"(?P<number>[+-]?(?:(?P<double>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+)"
        r"|(?P<decimal>[0-9]*\.[0-9]+)|[0-9]+))",
        f"(?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)",
        r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
        r"(?P<nil>\([ \t\r\n]*\))",
        r"(?P<anon>\[[ \t\r\n]*\])",
        r"(?P<sign>\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*/|^!=<>+\-?])",
        r"(?P<end>\Z)",
    )) + ")")


_IRIREF = f"<{_IRI_CHAR}*>"
_ENGINE_IRIREF = f"<(?:{_IRI_CHAR}|{_CODEPOINT})*>"
_STRING = _strings(_ECHAR)
_ENGINE_STRING = _strings(f"{_ECHAR}|{_CODEPOINT}")
#: (with names, without) for the grammar's reading and for the engine's
_READ = (_master(_IRIREF, _STRING, True), _master(_IRIREF, _STRING, False))
_ENGINE_READ = (_master(_ENGINE_IRIREF, _ENGINE_STRING, True),
                _master(_ENGINE_IRIREF, _ENGINE_STRING, False))
#: what may follow a keyword without going on with a run of name characters
_AFTER_WORD = frozenset(" \t\r\n{}()[]<>?$\"'#*;,=!|&^/+@")


def codepoint(escape: str) -> str | None:
    """The character a ``\\uXXXX`` or ``\\UXXXXXXXX`` escape stands for; None if it is not a
    character (a surrogate, or past U+10FFFF)."""
    value = int(escape[2:], 16)
    if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
        return None
    return chr(value)


class Source:
    """A query text as the parser reads it, and the way back from a position in what it read
    to a line and column of the text as sent. With ``escapes_first`` (the default) the
    codepoint escapes are replaced before anything is read (section 19.2)."""

    def __init__(self, original: str, escapes_first: bool = True) -> None:
        self.original = original
        self._breaks: list[int] = []  # where, in the text read, a replaced escape ends
        self._shifts: list[int] = []  # how many characters shorter the text is up to there
        self.text = self._unescape(original) if escapes_first and "\\" in original else original

    @property
    def escaped(self) -> bool:
        """Whether the text held codepoint escapes (replaced in :attr:`text`)."""
        return bool(self._breaks)

    def _unescape(self, original: str) -> str:
        parts: list[str] = []
        last = shift = 0
        for match in _ESCAPE.finditer(original):
            char = codepoint(match.group())
            if char is None:
                raise self.error(match.start(), "a codepoint escape that is no character",
                                 original=True)
            parts.append(original[last:match.start()])
            parts.append(char)
            shift += len(match.group()) - 1
            self._breaks.append(match.end() - shift)
            self._shifts.append(shift)
            last = match.end()
        parts.append(original[last:])
        return "".join(parts)

    def where(self, pos: int, original: bool = False) -> tuple[int, int]:
        """Line and column (from 1) in the text as sent of position ``pos`` in the text read
        (or, with ``original``, in the text as sent)."""
        if self._breaks and not original:
            index = bisect.bisect_right(self._breaks, pos) - 1
            pos += self._shifts[index] if index >= 0 else 0
        text = self.original
        line = text.count("\n", 0, pos) + 1
        return line, pos - text.rfind("\n", 0, pos)

    def error(self, pos: int, what: str, original: bool = False) -> QueryError:
        """The ``query_syntax`` refusal for ``what`` at ``pos``, worded as the engine words its
        own ("error at LINE:COLUMN: ...")."""
        line, column = self.where(pos, original)
        return QueryError("query_syntax", f"error at {line}:{column}: {what}",
                          {"line": line, "column": column})


def _word(text: str, pos: int) -> tuple[str, int] | None:
    """The longest keyword at ``pos`` (``SELECTDISTINCT`` reads as ``SELECT``), or None."""
    match = _WORD.match(text, pos)
    if match is None:
        return None
    word = match.group()
    upper = word.upper()
    end = 1
    while end < len(upper) and upper[:end + 1] in _KEYWORD_STARTS:
        end += 1
    while end > 0:
        if upper[:end] in KEYWORDS:
            return upper[:end], pos + end
        if end == 1 and word[0] == "a":
            return "a", pos + 1
        end -= 1
    return None


def _engine_term(kind: str, text: str, start: int, end: int) -> str | None:
    """Why an IRI or a string read with the engine's escapes is no terminal, or None."""
    decoded = [codepoint(found.group()) for found in _ESCAPE.finditer(text, start, end)]
    if None in decoded:
        return "a codepoint escape that is no character"
    if kind == "iri" and not _IRI_CHARS.fullmatch("".join(decoded)):  # type: ignore[arg-type]
        return "an escape in an IRI that stands for a character IRIs may not hold"
    return None


def tokenize(text: str, engine: bool = False) -> list[Token]:
    """Every terminal of ``text`` in order; see the module's docstring.

    Inside a run of name characters where no prefixed name starts (``SELECTDISTINCT``,
    ``aaaa...``), the rest of the run is read without looking for one: each position is
    looked at once, whatever the text."""
    tokens: list[Token] = []
    append = tokens.append
    with_names, without_names = _ENGINE_READ if engine else _READ
    size = len(text)
    pos = 0
    slow_before = 0  # before this offset, inside such a run
    while True:
        match = (with_names if pos >= slow_before else without_names).match(text, pos)
        if match is None:
            pos = _SKIP_RE.match(text, pos).end()  # type: ignore[union-attr]
            append(("error", _nothing(text, pos), pos, pos))
            return tokens
        kind = match.lastgroup
        start, end = match.span(kind)
        value = match.group(kind)
        if kind == "word":
            if pos >= slow_before and not (end < size and text[end] not in _AFTER_WORD):
                upper = value.upper()
                if value == "a" or upper in KEYWORDS:
                    append(("a" if value == "a" else upper, value, start, end))
                    pos = end
                    continue
            if pos >= slow_before:
                slow_before = _NAME_RUN.match(text, start).end()  # type: ignore[union-attr]
            found = _word(text, start)
            if found is None:
                append(("error", _nothing(text, start), start, start))
                return tokens
            kind, end = found
            value = text[start:end]
        elif kind == "number":
            kind = "double" if match.group("double") else (
                "decimal" if match.group("decimal") else "integer")
        elif kind == "pname":
            kind = "pname_ns" if value.index(":") == len(value) - 1 else "pname_ln"
        elif kind == "sign":
            kind = value
        elif kind == "end":
            append(("end", "", end, end))
            return tokens
        elif engine and "\\" in value and kind in ("iri", "string"):
            problem = _engine_term(kind, text, start, end)
            if problem is not None:
                append(("error", problem, start, start))
                return tokens
        append((kind, value, start, end))  # type: ignore[arg-type]
        pos = end


def _nothing(text: str, pos: int) -> str:
    """Why no terminal starts at ``pos``."""
    if text[pos] in "\"'":
        return "a string that does not end (or holds a bad escape)"
    return f"no SPARQL 1.1 terminal starts with {text[pos:pos + 12]!r}"
