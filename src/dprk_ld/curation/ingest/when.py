"""Times in a sentence, resolved against the period the report covers.

* a whole date (``December 16, 2021``, ``29 May 2025``), a month and year (``February 2014``) or a
  year (``in 2022``, ``the 2014 UN Commission``) is ``stated``;
* ``between January and June 2024``, ``March-April 2021``, ``between 2020 and 2023``,
  ``from 2014 to 2019`` are periods; ``since 2014`` is a period open at its end;
* a month or a day without a year (``In August``, ``On 20 May``) takes its year from the period
  the report covers when that period lies in one year: ``inferred-from-coverage``; otherwise from
  the last year named before it in the same paragraph: ``inferred-from-context``;
* ``as of September`` (``as of 2024``) is the date a state held as of;
* a year naming a thing (``a 2024 South Korean study``, ``the landmark 2014 report``) is left out
  when the sentence gives another time;
* ``this year`` and ``during the year`` are the covered year (``inferred-from-coverage``);
* a time inside an aside (between dashes or brackets) or in what is planned (``plans to open the
  country … in December``) is left out when the sentence gives another time.

Each time keeps the precision of the words: ``In July`` is ``2024-07``, never ``2024-07-01``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_M = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_Y = r"((?:19|20)\d\d)(?!\d|,\d|s\b|\s*(?:-|–)?\s*(?:years?\b|people|percent))"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("as-of", re.compile(rf"\bas of\s+(?:(\d{{1,2}})\s+)?{_M}(?:\s+(\d{{1,2}})\b)?(?:,?\s+{_Y})?")),
    ("as-of-year", re.compile(rf"\bas of\s+{_Y}")),
    ("month-range", re.compile(rf"\b(?i:between|from)\s+{_M}\s+(?:and|to|until)\s+{_M}\s+{_Y}")),
    ("month-range", re.compile(rf"\b{_M}\s*[-–]\s*{_M}\s+{_Y}")),
    (
        "month-range-bare",
        re.compile(
            rf"\b(?i:between|from|in)\s+{_M}\s+(?:and|to|until)\s+{_M}\b"
            rf"(?!,?\s+(?:\d|of\s+\d))"
        ),
    ),
    ("year-range", re.compile(rf"\b(?i:between|from)\s+{_Y}\s+(?:and|to|until)\s+{_Y}")),
    ("since", re.compile(rf"\b(?i:since)\s+(?:{_M}\s+)?{_Y}")),
    ("mdy", re.compile(rf"\b{_M}\s+(\d{{1,2}}),\s+{_Y}")),
    ("dmy", re.compile(rf"\b(\d{{1,2}})\s+{_M}\s+{_Y}")),
    ("my", re.compile(rf"\b{_M}\s+(?:of\s+)?{_Y}")),
    ("md", re.compile(rf"\b{_M}\s+(\d{{1,2}})\b(?!,?\s+(?:19|20)\d\d)")),
    ("dm", re.compile(rf"\b(\d{{1,2}})\s+{_M}\b(?!\s+(?:of\s+)?(?:19|20)\d\d)")),
    (
        "m",
        re.compile(
            rf"\b(?:[Ii]n|[Bb]y|[Dd]uring|[Uu]ntil|[Ll]ate|[Ee]arly|[Mm]id-?|[Ff]rom|[Ss]ince)\s+"
            rf"(?:early\s+|late\s+|mid-?)?{_M}\b(?!\s+(?:\d|of\s+\d))"
        ),
    ),
    ("y", re.compile(rf"(?<![\w-]){_Y}")),
    (
        "this-year",
        re.compile(r"\b(?:this year|during the year|throughout the year|in the past year)\b", re.IGNORECASE),
    ),
]


@dataclass(frozen=True)
class Found:
    """A time found in a sentence: ``date`` (one or more), ``period`` or nothing, with its basis
    and the words it was read from."""

    field: str  # date | period | as_of
    value: str | dict[str, str]
    basis: str  # stated | inferred-from-coverage | inferred-from-context
    words: str
    start: int
    end: int


def _month(name: str) -> str:
    return f"{MONTHS[name.lower()]:02d}"


def coverage_year(covers: tuple[str | None, str | None]) -> str | None:
    """The year of the covered period when it lies in one year, else None."""
    start, end = covers
    if start and end and start[:4] == end[:4]:
        return start[:4]
    return None


def _resolve(kind: str, g: tuple[str, ...], year: str | None, basis: str) -> tuple[str, object, str] | None:
    """(field, value, basis) of one match; ``year`` is the year to lend a time that lacks one."""
    if kind == "as-of":
        day, month, day2, y = g
        if not month:
            return "as_of", y, "stated"
        day = day or day2
        value = f"{y or year}-{_month(month)}" + (f"-{int(day):02d}" if day else "")
        return ("as_of", value, "stated" if y else basis) if (y or year) else None
    if kind == "as-of-year":
        return "as_of", g[0], "stated"
    if kind == "month-range":
        return "period", {"start": f"{g[2]}-{_month(g[0])}", "end": f"{g[2]}-{_month(g[1])}"}, "stated"
    if kind == "year-range":
        return "period", {"start": g[0], "end": g[1]}, "stated"
    if kind == "since":
        return "period", {"start": f"{g[1]}-{_month(g[0])}" if g[0] else g[1]}, "stated"
    if kind == "mdy":
        return "date", f"{g[2]}-{_month(g[0])}-{int(g[1]):02d}", "stated"
    if kind == "dmy":
        return "date", f"{g[2]}-{_month(g[1])}-{int(g[0]):02d}", "stated"
    if kind == "my":
        return "date", f"{g[1]}-{_month(g[0])}", "stated"
    if kind == "y":
        return "date", g[0], "stated"
    if year is None:
        return None
    if kind == "month-range-bare":
        return "period", {"start": f"{year}-{_month(g[0])}", "end": f"{year}-{_month(g[1])}"}, basis
    if kind == "md":
        return "date", f"{year}-{_month(g[0])}-{int(g[1]):02d}", basis
    if kind == "dm":
        return "date", f"{year}-{_month(g[1])}-{int(g[0]):02d}", basis
    if kind == "m":
        return "date", f"{year}-{_month(g[0])}", basis
    return "date", year, basis  # this-year


def times_in(sentence: str, covered: str | None, context_year: str | None) -> list[Found]:
    """The times of ``sentence``, not overlapping, in order. ``covered`` is the year the report
    covers (None when it covers more than one), ``context_year`` the last year named before the
    sentence in its paragraph."""
    year, basis = (covered, "inferred-from-coverage") if covered else (context_year, "inferred-from-context")
    taken: list[tuple[int, int]] = []
    found: list[Found] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            groups = tuple(x for x in m.groups())
            resolved = _resolve(kind, groups, year, basis)
            if resolved is None:
                continue
            taken.append((m.start(), m.end()))
            field, value, how = resolved
            if field == "date" and re.search(r"\b[Ss]ince\b[^,.;]{0,60}$", sentence[: m.start()]):
                field, value = "period", {"start": value}  # "Since the reopening on 26 August 2023"
            found.append(Found(field, value, how, m.group(0), m.start(), m.end()))  # type: ignore[arg-type]
    asides = [(m.start(), m.end()) for m in _ASIDE.finditer(sentence)]
    modifiers = [
        f
        for f in found
        if (
            f.words.isdigit()
            and re.search(r"\b(?:the|a|an|its|their|landmark)\s+(?:\w+\s+)?$", sentence[: f.start])
        )
        or any(a < f.start and f.end < b for a, b in asides)
        or _PLANNED.search(sentence[: f.start])
    ]
    if len(modifiers) < len(found):  # "a 2024 study estimated that ... in 2023": the study's year is no time
        found = [f for f in found if f not in modifiers]
    return sorted(found, key=lambda f: f.start)


#: an aside between dashes or brackets ("COVAX—an initiative created in April 2020 …—allocated")
_ASIDE = re.compile(r"—[^—]+—|\s–\s[^–]+\s–\s|\([^()]+\)")
#: what is planned or promised: its time is not the time of the finding ("plans to open … in December")
_PLANNED = re.compile(
    r"\b(?:plans?|planned|intends?|intended|promised|pledged|vowed|aims?|aimed) to\b[^,;.]*$"
)


def years_named(sentence: str) -> list[str]:
    """Every year named in a sentence, in order (for the context of the sentences after it)."""
    return [m.group(1) for m in re.finditer(rf"(?<![\w-]){_Y}", sentence)]
