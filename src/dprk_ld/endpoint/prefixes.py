"""The prefixes every query may use without declaring them, and syntax errors that point to a fix.

The endpoint declares the dataset's namespace table (``release.namespaces.PREFIXES``, the one the
command line declares too) before each query's own prologue: ``dprk:``, ``skos:`` ... work
without PREFIX lines, and a query's own PREFIX (or BASE) declarations win, since a later
declaration of a prefix replaces an earlier one. The pre-check reads the declarations as a
line of its own put before the text (:func:`preamble`), the engine gets them as its
``prefixes`` argument; both read the text as sent, so an error's line and column are those of the
client's own text (:func:`shift_lines` takes the added line away again).

:func:`explain` turns a syntax error of the pre-check into one line that says what to change: an
undeclared prefix names the declaration to add (with the namespace when the prefix is one of the
dataset's or of :data:`COMMON`); a word that is no keyword names the keyword it is closest to;
every error names the text it was found at (``details.token``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from dprk_ld.endpoint.errors import QueryError
from dprk_ld.endpoint.sparql_lexer import KEYWORDS
from dprk_ld.release.namespaces import PREFIXES

#: the prefixes declared for every query: the dataset's table
DECLARED: dict[str, str] = dict(PREFIXES)

#: well-known vocabularies the dataset does not use, for the hint of an undeclared prefix
COMMON: dict[str, str] = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dct": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "skosxl": "http://www.w3.org/2008/05/skos-xl#",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "geosparql": "http://www.opengis.net/ont/geosparql#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "ldp": "http://www.w3.org/ns/ldp#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "dqv": "http://www.w3.org/ns/dqv#",
    "sosa": "http://www.w3.org/ns/sosa/",
    "ssn": "http://www.w3.org/ns/ssn/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "wikibase": "http://wikiba.se/ontology#",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
    "dbo": "http://dbpedia.org/ontology/",
    "dbr": "http://dbpedia.org/resource/",
}

_POSITION = re.compile(r"error at (\d+):(\d+)")
_UNDECLARED = re.compile(r"the prefix of (\S*?:)\S* is not declared")
_NO_TERMINAL = re.compile(r"no SPARQL 1\.1 terminal starts with ")
#: the text an error is reported at: a name, an IRI, a string's start, or one sign
_TOKEN = re.compile(r"<[^>\s]{0,60}>?|[\w$?:.\-\\%]+|\S")
_WORD = re.compile(r"[A-Za-z_]+")
MAX_TOKEN = 40


def preamble(prefixes: Mapping[str, str]) -> str:
    """The declarations of ``prefixes`` as one line, put before a query's text."""
    return " ".join(f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items()) + "\n"


def shift_lines(error: QueryError, lines: int) -> QueryError:
    """``error`` with its line numbers (details and message) ``lines`` smaller: the position in
    the client's text once the preamble is taken away."""
    if "line" not in error.details:
        return error
    message = _POSITION.sub(lambda m: f"error at {int(m.group(1)) - lines}:{m.group(2)}",
                            error.message)
    details = {**error.details, "line": int(error.details["line"]) - lines}
    return QueryError(error.code, message, details, error.retry_after)


def namespace_of(prefix: str, declared: Mapping[str, str] | None = None) -> str | None:
    """The namespace a prefix usually stands for: as ``declared``, else the dataset's, else a
    well-known one."""
    return {**COMMON, **DECLARED, **(declared or {})}.get(prefix)


def token_at(text: str, line: int, column: int) -> str:
    """The text at ``line``:``column`` (from 1) of ``text``: a name, an IRI or one sign; empty
    at the end of the text."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    rest = lines[line - 1][column - 1:] if column >= 1 else ""
    found = _TOKEN.match(rest)
    return found.group()[:MAX_TOKEN] if found else ""


def _undeclared(prefix: str, declared: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    name = prefix[:-1]
    iri = namespace_of(name, declared)
    if iri is not None:
        return (f"unknown prefix `{prefix}` -- add PREFIX {prefix} <{iri}>",
                {"prefix": name, "namespace": iri})
    close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.6)
    hint = f" (or did you mean `{close[0]}:`?)" if close else ""
    return f"unknown prefix `{prefix}` -- add PREFIX {prefix} <...>{hint}", {"prefix": name}


def _no_terminal(token: str) -> str:
    word = _WORD.match(token)
    close = difflib.get_close_matches(word.group().upper(), KEYWORDS, n=1, cutoff=0.75) \
        if word else []
    if close:
        return f"`{token}` is not SPARQL -- did you mean {close[0]}?"
    return f"`{token}` is not SPARQL here (no keyword, variable, name or value starts like this)"


def explain(error: QueryError, text: str, declared: Mapping[str, str]) -> QueryError:
    """A syntax error of the pre-check on ``text``, in one line that points to the fix, with the
    text it was found at (``details.token``); other errors as they are."""
    if error.code != "query_syntax" or "line" not in error.details:
        return error
    line, column = int(error.details["line"]), int(error.details["column"])
    token = token_at(text, line, column)
    position = f"error at {line}:{column}: "
    said = _POSITION.sub("", error.message, count=1).lstrip(": ")
    details: dict[str, object] = {"line": line, "column": column, "token": token}
    undeclared = _UNDECLARED.search(said)
    if undeclared:
        said, more = _undeclared(undeclared.group(1), declared)
        details.update(more)
    elif _NO_TERMINAL.match(said) and token:
        said = _no_terminal(token)
    return QueryError(error.code, position + said, details, error.retry_after)


__all__ = ["COMMON", "DECLARED", "explain", "namespace_of", "preamble", "shift_lines", "token_at"]
