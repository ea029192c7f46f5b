"""Certainty and kind of a sentence, and the role of each organization or person named in it.

Certainty (scheme ``certainty``), the first rule that holds:

1. ``official-claim``: North Korean authorities or official media said, claimed, announced;
2. ``media-reported``: media reported (``media with contacts inside the country reported``);
3. ``confirmed``: the publisher confirmed or verified it;
4. ``reportedly``: ``reportedly``, ``reports say``, ``there were reports``;
5. ``attributed``: ``according to`` a named body, or a named body, a study, a report or a survey
   reported, found, said, estimated, documented, concluded, warned, raised concerns;
6. ``alleged``: ``allegedly``, ``alleged``, ``accused of``;
7. ``apparent``: ``apparently``, ``appears``, ``appeared``, ``seems``, ``signs that``;
8. ``possible``: ``may have``, ``might``, ``possibly``, ``likely``;
9. ``stated`` otherwise: the publisher's own voice.

Kind, the first rule that holds: ``recommendation`` (``should``, ``must`` or ``urge`` with a
named addressee other than North Korea's state); ``legal-qualification`` (a label of scheme
``legal-qualifications``); ``membership-status`` and ``treaty-status`` (a status of scheme
``statuses`` with an organization, or treaties); ``assessment`` (``one of the most``, ``one of
the world’s most``); ``international-response`` (a label of scheme ``response-types`` and a
named body other than North Korea's); ``statistic`` (a figure and nothing else to say);
``incident`` (a day or month and an act done to someone); ``context`` (floods, droughts,
missile tests, trade, summits); ``pattern`` otherwise.
"""

from __future__ import annotations

import re

_REPORTING = (
    r"(?:said|say|says|reported|reports|found|finds|estimated|estimates|documented|concluded|"
    r"stated|noted|warned|raised concerns?|announced|claimed|acknowledged|confirmed|revealed|"
    r"showed|shows|indicated|determined|established|highlighted|expressed)"
)
_CERTAINTY: list[tuple[str, re.Pattern[str]]] = [
    (
        "official-claim",
        re.compile(
            r"\b(?:North Korean? (?:authorities|government|officials?|state media|official media)|"
            r"(?:state|official) media|KCNA|Pyongyang|the DPRK|North Korea)\s+(?:\w+\s+){0,2}?"
            r"(?:claimed|claims|announced|acknowledged|insisted|denied|told)\b"
        ),
    ),
    (
        "media-reported",
        re.compile(
            r"\bmedia\b[^.]{0,60}?\breport(?:ed|s)?\b|\baccording to (?:\w+ )?media\b|"
            r"\bnews reports?\b",
            re.IGNORECASE,
        ),
    ),
    ("confirmed", re.compile(r"\b(?:Human Rights Watch|we) (?:has |have )?(?:confirmed|verified)\b")),
    (
        "reportedly",
        re.compile(
            r"\breportedly\b|\breports (?:say|suggest|indicate)|\bthere (?:were|have been) "
            r"reports\b",
            re.IGNORECASE,
        ),
    ),
    ("attributed", re.compile(rf"\baccording to\b|\b{_REPORTING}\b(?: that)?", re.IGNORECASE)),
    ("alleged", re.compile(r"\ballegedly\b|\balleged\b|\baccused of\b", re.IGNORECASE)),
    (
        "apparent",
        re.compile(r"\bapparently\b|\bappears?\b|\bappeared\b|\bseems?\b|\bsigns that\b", re.IGNORECASE),
    ),
    ("possible", re.compile(r"\bmay have\b|\bmight\b|\bpossibly\b|\blikely\b", re.IGNORECASE)),
]
_SHOULD = re.compile(r"\b(?:should|must|urges?d?|ought to)\b", re.IGNORECASE)
_ASSESSMENT = re.compile(
    r"\bone of the (?:world’s |world's )?(?:most|worst)\b|\bremains? one of the\b", re.IGNORECASE
)
_CONTEXT = re.compile(
    r"\b(?:floods?|flooding|droughts?|typhoons?|missiles?|nuclear tests?|summits?|"
    r"trade|tourists?|economy|denucleari[sz]ation|weapons?)\b",
    re.IGNORECASE,
)
_ACT = re.compile(
    r"\b(?:sentenced|executed|arrested|detained|killed|shot|returned|repatriated|punished|"
    r"tortured|abducted|deported|beaten|sent to)\b",
    re.IGNORECASE,
)


def certainty_of(sentence: str, attributed_to: list[str]) -> tuple[str, str]:
    """The certainty of a sentence and the words that decided it (empty for ``stated``).
    ``attributed`` needs a named body (``attributed_to``) or ``according to``."""
    for name, pattern in _CERTAINTY:
        m = pattern.search(sentence)
        if m is None:
            continue
        if (
            name == "attributed"
            and not attributed_to
            and "according to" not in m.group(0).lower()
            and not re.search(
                r"\b(?:study|report|survey|research|investigation|analysis)\b",
                sentence[: m.start()],
                re.IGNORECASE,
            )
        ):
            continue
        return name, m.group(0).strip()
    return "stated", ""


def speakers(sentence: str, spans: list[tuple[int, int, str]]) -> list[str]:
    """Ids of the bodies a sentence attributes what it says to: named just after ``according
    to``, or before a reporting verb (``OHCHR reported``), within a few words."""
    found: list[str] = []
    for start, end, eid in spans:
        before = sentence[max(0, start - 20) : start].lower()
        after = sentence[end : end + 60]
        if "according to" in before or re.match(
            rf"^(?:’s|'s)?(?:\s+[\w’'()-]+){{0,6}}?\s+{_REPORTING}\b", after
        ):
            found.append(eid)
    return list(dict.fromkeys(found))


def kind_of(
    sentence: str, found: dict[str, list[str]], dprk: set[str], has_figure: bool, has_day_or_month: bool
) -> tuple[str, str]:
    """The kind of a sentence and why. ``found`` holds the ids suggested per field (``orgs`` for
    every organization or person named), ``dprk`` the ids that belong to North Korea's state."""
    others = [o for o in found.get("orgs", []) if o not in dprk]
    should = _SHOULD.search(sentence)
    if should and (others or re.search(r"\b(?:States|international community|governments)\b", sentence)):
        return "recommendation", f"{should.group(0)!r} addressed to someone"
    if found.get("legal-qualifications"):
        return "legal-qualification", f"qualification {found['legal-qualifications'][0]!r}"
    statuses = found.get("statuses", [])
    if statuses and re.search(r"\b(?:member|joined|membership)\b", sentence) and others:
        return "membership-status", f"status {statuses[0]!r} of an organization"
    if statuses and re.search(r"\b(?:treaty|treaties|convention|covenant|protocol)\b", sentence, re.I):
        return "treaty-status", f"status {statuses[0]!r} of a treaty"
    m = _ASSESSMENT.search(sentence)
    if m:
        return "assessment", repr(m.group(0))
    if found.get("response-types") and others:
        return "international-response", f"response {found['response-types'][0]!r} by {others[0]!r}"
    if has_figure and not found.get("violation-types"):
        return "statistic", "a figure"
    act = _ACT.search(sentence)
    if act and has_day_or_month:
        return "incident", f"{act.group(0)!r} on a given day or month"
    m = _CONTEXT.search(sentence)
    if m and not found.get("violation-types"):
        return "context", repr(m.group(0))
    return "pattern", "default"
