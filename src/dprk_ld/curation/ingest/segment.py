"""Cutting a report's text into spans (headings, sentences and boilerplate, each with its
character offsets) and finding the publisher's text in it (the body) and its sections.

The rules, in order:

* a line is cut where a line break was lost in the capture: a lower-case letter directly
  followed by a capitalized word (``...Rethinking Asylum on a Warming PlanetNorth Korea in 2020``);
* a piece is cut into sentences after ``.``, ``!`` or ``?`` (and any closing quotes or brackets)
  followed by white space and a capital, a digit or an opening quote, or directly by a
  capitalized word where the space was lost (``...in the world.Under the rule...``); not after an
  abbreviation (``U.S.``, ``Mr.``, ``Jan.``) or an initial;
* a sentence is boilerplate when it starts like site furniture (``Skip to``, ``Share this``,
  ``Donate``, ``Your tax deductible gift``, ``For more on``, ``FAQs``, ``©``, an author profile's
  ``Name:`` ...), or is an FAQ link (ending in ``›``), or an address line; a piece with no closing
  punctuation, of at most 12 words, starting with a capital, is a heading; the rest are sentences;
* the body starts at the first sentence of six words or more and ends at the first boilerplate
  after it (or at the end of the last sentence), less any headings left just before that end.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

SENTENCE, HEADING, BOILERPLATE = "sentence", "heading", "boilerplate"

_GLUE = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_STOP = re.compile(r"[.!?][”’\"')\]]*")
_OPENERS = "“‘\"'("
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "no",
    "nos",
    "gen",
    "lt",
    "col",
    "sgt",
    "jr",
    "sr",
    "prof",
    "rev",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "inc",
    "corp",
    "co",
    "ltd",
    "art",
    "para",
    "vol",
    "fig",
    "approx",
}
_BOILERPLATE = re.compile(
    r"""(?ix) ^ (?:
        skip\ to | donate | (?:your\ )?tax[- ]deductible | share\ this | other\ ways\ to\ share
      | sign\ up | subscribe | follow\ us | get\ updates | connect\ with\ us | privacy\ (?:policy|notice)
      | cookie | © | copyright | all\ rights\ reserved | for\ more\ on\b | see\ our\b | read\ more
      | related\ (?:content|articles|posts|reports) | top\ articles | latest\ posts | article\ information
      | author(?:\ information)?\b | faqs?\b | frequently\ asked | browse\ countries | available\ in\b
      | print\ this | back\ to\ top | footer | menu\b | (?:tel|phone|fax|e-?mail|address|name|job|hobby
      | birthday|views|rating|reviews|last\ updated) \s* :
    )"""
)
_ADDRESS = re.compile(r"\b[A-Z]{2} \d{5}(?:-\d{4})?\b|^\d+ [A-Z][a-z]+ (?:Avenue|Street|Road|Floor)\b")


@dataclass(frozen=True)
class Span:
    """A stretch of the text: a sentence, a heading or boilerplate."""

    start: int
    end: int
    kind: str
    text: str


@dataclass(frozen=True)
class Document:
    """A report's text cut into spans, with its body and the headings inside it."""

    text: str
    spans: list[Span]
    body_start: int
    body_end: int

    def body_spans(self, kind: str | None = None) -> list[Span]:
        return [
            s
            for s in self.spans
            if self.body_start <= s.start and s.end <= self.body_end and (kind is None or s.kind == kind)
        ]


def _is_abbreviation(text: str, stop: int) -> bool:
    """Whether the ``.`` at ``stop`` ends an abbreviation or an initial, not a sentence."""
    if text[stop] != ".":
        return False
    word = re.search(r"[\w.]*$", text[max(0, stop - 12) : stop])
    token = word.group(0) if word else ""
    if len(token) == 1 and token.isupper():
        return True
    return token.lower() in _ABBREVIATIONS or bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token))


def _boundary_after(text: str, match: re.Match[str], end: int) -> int | None:
    """Where the next sentence starts, if the stop of ``match`` ends one; else None."""
    j = match.end()
    if j >= end:
        return None
    if _is_abbreviation(text, match.start()):
        return None
    if text[j].isspace():
        k = j
        while k < end and text[k].isspace():
            k += 1
        if k < end and (text[k].isupper() or text[k].isdigit() or text[k] in _OPENERS):
            return k
        return None
    before = text[match.start() - 1] if match.start() else " "
    lost_space = j + 1 < end and text[j].isupper() and text[j + 1].islower()
    if lost_space and (before.islower() or before.isdigit() or before in ")%”’"):
        return j
    return None


def sentences_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as offsets, white space trimmed."""
    found, begin = [], start
    for match in _STOP.finditer(text, start, end):
        if match.start() < begin:
            continue
        nxt = _boundary_after(text, match, end)
        if nxt is not None:
            found.append((begin, match.end()))
            begin = nxt
    found.append((begin, end))
    trimmed = []
    for a, b in found:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            trimmed.append((a, b))
    return trimmed


def kind_of_piece(piece: str) -> str:
    """Sentence, heading or boilerplate (see the module's rules)."""
    if _BOILERPLATE.match(piece) or piece.endswith("›") or _ADDRESS.search(piece):
        return BOILERPLATE
    bare = piece.rstrip("”’\"')]")
    words = piece.split()
    if (
        not bare.endswith((".", "!", "?", ";", ",", ":"))
        and len(words) <= 12
        and len(piece) <= 100
        and (piece[0].isupper() or piece[0].isdigit())
    ):
        return HEADING
    return SENTENCE


def _lines(text: str) -> list[tuple[int, int]]:
    found, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            found.append((pos, pos + len(line)))
        pos += len(line) + 1
    return found


def spans_of(text: str) -> list[Span]:
    """Every span of the text, in order."""
    spans: list[Span] = []
    for lo, hi in _lines(text):
        cuts = [lo, *(m.start() for m in _GLUE.finditer(text, lo, hi)), hi]
        for a, b in itertools.pairwise(cuts):
            for s, e in sentences_of(text, a, b):
                spans.append(Span(s, e, kind_of_piece(text[s:e]), text[s:e]))
    return spans


def _body(spans: list[Span], size: int) -> tuple[int, int]:
    first = next(
        (
            i
            for i, s in enumerate(spans)
            if s.kind == SENTENCE
            and len(s.text.split()) >= 6
            and s.text.rstrip("”’\"')]").endswith((".", "!", "?"))
        ),
        None,
    )
    if first is None:
        return 0, size
    last = next((i for i in range(first, len(spans)) if spans[i].kind == BOILERPLATE), len(spans))
    while last > first and spans[last - 1].kind == HEADING:
        last -= 1
    return spans[first].start, spans[last].start if last < len(spans) else spans[-1].end


def segment(text: str) -> Document:
    """The text cut into spans, with its body."""
    spans = spans_of(text)
    start, end = _body(spans, len(text))
    return Document(text, spans, start, end)
