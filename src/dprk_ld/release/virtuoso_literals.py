"""Virtuoso's rewritten literals, given back in the form that was published.

Virtuoso 7.2 keeps some typed literals as numbers and answers with the number, not the literal
it was given (measured with 07.20.3229, the store of ``dprk_ld.testing.stores``):

* an ``xsd:duration`` of years and months becomes its number of months: ``"P10Y"`` comes back as
  ``"120"``, ``"P1Y6M"`` (and ``"P18M"``) as ``"18"``, ``"-P2Y"`` as ``"-24"``. The number is
  exact, so it is mapped back to the duration's canonical form (:func:`months_duration`), the
  form the release holds (a build makes only literals the query engine keeps, and the engine
  keeps a duration in that form);
* an ``xsd:boolean`` comes back as ``"1"`` or ``"0"`` in SPARQL JSON (N-Triples says
  ``"true"``/``"false"``): mapped to ``"true"``/``"false"``.

Not mapped, because the number does not give the value back: a duration of days, hours,
minutes or seconds. Virtuoso keeps it as seconds printed with six significant digits
(``"P3D"`` is ``"259200.0"``, ``"P11574D"`` is ``"9.99994e+08"``), some wrongly (``"PT1S"``
comes back as ``"1.1"``, ``"PT60S"`` as ``"60.6"``), some as the text it was given
(``"PT0.1S"``, ``"PT0S"``); a duration of both kinds loses its day-time part (``"P1Y2DT3H"``
is ``"12"``, mapped to ``"P1Y"``). The release has only durations of whole months.

The mapping works on the answer's text (SPARQL JSON or N-Triples), before it is read, so that
the rows, the triples and their serializations all hold the published form. It is used for
Virtuoso's answers only (:func:`~dprk_ld.release.remote_http.is_virtuoso`): another store's
``"1"^^xsd:boolean`` is what that store holds.
"""

from __future__ import annotations

import json
import re

XSD = "http://www.w3.org/2001/XMLSchema#"
DURATION = XSD + "duration"
BOOLEAN = XSD + "boolean"
_BOOLEANS = {"1": "true", "0": "false"}
_MONTHS_RE = re.compile(r"-?[0-9]+")
_MARKS = (DURATION.encode(), BOOLEAN.encode())
#: a SPARQL JSON term of either datatype: an object without braces inside (a term's strings
#: hold none here, and a brace in a string elsewhere cannot start a match: its quotes are escaped)
_JSON_TERM_RE = re.compile(rb'\{[^{}]*"datatype"\s*:\s*"' + re.escape(XSD.encode())
                           + rb'(?:duration|boolean)"[^{}]*\}')
#: an N-Triples literal of either datatype whose text is a signed integer (a quote after a
#: backslash is inside another literal)
_NT_LITERAL_RE = re.compile(rb'(?<!\\)"(-?[0-9]+)"\^\^<' + re.escape(XSD.encode())
                            + rb'(duration|boolean)>')


def months_duration(months: int) -> str:
    """The canonical ``xsd:duration`` of a number of months: ``P10Y``, ``P1Y6M``, ``-P2Y``,
    ``PT0S`` for none (as pyoxigraph writes them)."""
    if months == 0:
        return "PT0S"
    years, rest = divmod(abs(months), 12)
    text = (f"{years}Y" if years else "") + (f"{rest}M" if rest else "")
    return ("-" if months < 0 else "") + "P" + text


def published_form(text: str, datatype: str) -> str:
    """The published lexical form of a literal Virtuoso gives as ``text`` with ``datatype``;
    ``text`` itself when it is not one of Virtuoso's rewrites."""
    if datatype == BOOLEAN:
        return _BOOLEANS.get(text, text)
    if datatype == DURATION and _MONTHS_RE.fullmatch(text):
        return months_duration(int(text))
    return text


def restore(body: bytes, media_type: str) -> bytes:
    """``body`` (SPARQL JSON results or N-Triples) with Virtuoso's rewritten literals in their
    published form; unchanged when it holds none."""
    if not any(mark in body for mark in _MARKS):
        return body
    if media_type == "application/sparql-results+json":
        return _JSON_TERM_RE.sub(_json_term, body)
    return _NT_LITERAL_RE.sub(_nt_literal, body)


def _json_term(match: re.Match[bytes]) -> bytes:
    try:
        term = json.loads(match.group())
    except ValueError:
        return match.group()
    if not isinstance(term, dict) or not isinstance(term.get("value"), str):
        return match.group()
    restored = published_form(term["value"], str(term.get("datatype")))
    if restored == term["value"]:
        return match.group()
    return json.dumps({**term, "value": restored}).encode()


def _nt_literal(match: re.Match[bytes]) -> bytes:
    text, name = match.group(1).decode(), match.group(2).decode()
    restored = published_form(text, XSD + name)
    return b'"%s"^^<%s%s>' % (restored.encode(), XSD.encode(), name.encode())


__all__ = ["BOOLEAN", "DURATION", "months_duration", "published_form", "restore"]
