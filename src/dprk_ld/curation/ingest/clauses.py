"""Cutting a sentence into clauses, each of which becomes a candidate of its own.

Curators make two findings of a sentence that joins two statements, each with its own time and
often its own actors ("In 2019, over 1,000 North Koreans arrived … compared to 105 between January
and June 2024"); a candidate holds one time, so one candidate per sentence loses the other. A
sentence is cut:

* always before ``but``, ``whereas`` or ``while`` that follow a comma (the comma stays with the
  first clause), and after a semicolon;
* between two times it names, at the first of these that lies between them: ``reported that`` (or
  ``said``, ``found``, ``showed``, ``concluded`` … ``that``: the cut is after ``that``, and the
  second clause keeps the certainty and the source of the first), ``compared to``/``with``,
  ``, and`` unless what follows shares the subject of the clause before (``and to``, ``and``
  with a past form, ``and mandating the``), or ``and`` before a new subject: an article or a
  capitalized word and two more words (``in December 2023 and a German delegation visited in
  February``).

* after a sentence's opening ``Since the <event> … <time>,``: the event is dated by that time,
  and what follows is a period that starts then;
* before ``after <Name> <verb>ed`` and ``as requested`` when only the clause before names a time:
  what they tell happened before it (a period open at its start that ends at that time).

A clause has at least four words; a cut that would leave fewer is not made. The quotes of the
clauses together cover the sentence, so that each is verbatim.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_ALWAYS = re.compile(r",\s+(?=(?:but|whereas|while)\b)|;\s+")
_BETWEEN = [
    (
        "reported",
        re.compile(
            r"\b(?:reported|said|found|showed|concluded|noted|stated|announced|estimated|"
            r"documented|confirmed) that\s+"
        ),
    ),
    ("compared", re.compile(r"\s+(?=compared (?:to|with)\b)")),
    # ", and" unless what follows shares the subject ("and to take", "and opened", "and
    # mandating the"); "and" alone only before a new subject ("and a German delegation")
    ("and", re.compile(r",\s+(?=and\s+(?!to\b|\w+ed\b|\w+ing\s+(?:the|a|an|its|their)\b)\S+\s)")),
    ("and", re.compile(r"\s+(?=and\s+(?:a|an|the|some|many|most|its|their|[A-Z]\w*)\s+(?:\S+\s+){2})")),
]
MIN_WORDS = 4


#: a sentence that opens with an event and its time: "Since the partial reopening of the borders on
#: 26 August 2023, Chinese authorities have …"
_SINCE_EVENT = re.compile(r"^Since the\b[^,;]+?,\s+")
#: what happened before the time of the clause it follows: "… was established in October 2024
#: after Russia vetoed a resolution …", "… held a meeting on 20 May, as requested in Resolution …"
_BEFORE = re.compile(r",?\s+(?=after\s+(?:the\s+)?[A-Z][\w’']*(?:\s+[A-Z][\w’']*)*\s+\w+ed\b|as requested\b)")


@dataclass(frozen=True)
class Clause:
    start: int  # offsets in the sentence
    end: int
    #: how it is tied to the clause before: "reported" (what that one reports: "X reported that" +
    #: this), "since" (that one is "Since <an event on a date>,"), "before" (this happened before
    #: the time of that one), or ""
    link: str = ""


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _cuts_between(sentence: str, times: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(end of the first clause, start of the next, kind) of each cut between two times."""
    cuts: list[tuple[int, int, str]] = []
    for (_, a_end), (b_start, _) in itertools.pairwise(times):
        for kind, pattern in _BETWEEN:
            m = pattern.search(sentence, a_end, b_start)
            if m is None:
                continue
            left_end = m.end() if kind == "reported" else m.start() + (1 if m.group(0)[0] == "," else 0)
            right = m.end()
            cuts.append((left_end, right, kind))
            break
    return cuts


def _cuts_around_a_time(sentence: str, times: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The cut after a fronted "Since the <event> <time>," and before what happened before the
    time of the clause it follows ("after Russia vetoed …", "as requested in …")."""
    cuts: list[tuple[int, int, str]] = []
    m = _SINCE_EVENT.match(sentence)
    if m and any(end <= m.end() for _, end in times):
        cuts.append((m.end() - len(m.group(0)) + len(m.group(0).rstrip()), m.end(), "since"))
    for m in _BEFORE.finditer(sentence):
        if any(end <= m.start() for _, end in times) and not any(start >= m.end() for start, _ in times):
            cuts.append((m.start() + (1 if m.group(0)[:1] == "," else 0), m.end(), "before"))
    return cuts


def clauses(sentence: str, times: list[tuple[int, int]]) -> list[Clause]:
    """The clauses of ``sentence`` (one when it is not cut); ``times`` are the offsets of the
    times it names, in order."""
    cuts = [(m.start() + 1, m.end(), "always") for m in _ALWAYS.finditer(sentence)]
    cuts += _cuts_between(sentence, times) + _cuts_around_a_time(sentence, times)
    out: list[Clause] = []
    start, link = 0, ""
    for left_end, right, kind in sorted(cuts):
        if right <= start or left_end < start:
            continue
        first = sentence[start:left_end].rstrip()
        if _words(first) < MIN_WORDS or _words(sentence[right:]) < MIN_WORDS:
            continue
        out.append(Clause(start, start + len(first), link))
        start, link = right, "" if kind in ("always", "compared", "and") else kind
    out.append(Clause(start, len(sentence.rstrip()), link))
    return out
