"""Disagreements between sources, computed from the loaded data (docs/claims-model.md, section 5).

Only claims of **different sources** are compared; two findings of one source never make a
disagreement.

* **Date.** Findings that report the same event (``data/events.yaml``) differ in date when no time
  of the one overlaps a time of the other. A finding's times here are its dates and its period
  (not its ``as_of``: a state reported as holding in 2020 and in 2022 is no clash); each covers
  the days from its first to its last (``2024-03`` is 1 to 31 March), and an open end of a period
  overlaps everything on that side. A finding without such a time is not compared, and neither
  are the claims of an event marked ``state: true`` (a law in force, a membership, a standing
  refusal: each source reports it holding at its own time).
* **Value.** Figures differ in value when they have the same measure, the same unit and the same
  reference period (the figure's own ``period``, else the finding's time when it has exactly one;
  the same time means the same time IRI, so ``2019`` and ``2019-01--2019-12`` are not compared), and
  no value satisfies both. Each figure stands for the values its qualifier allows:

  ======================  ==========================================
  ``exact`` *v*           *v*
  ``about`` *v*           *v* − 10 % … *v* + 10 % (both included)
  ``almost`` *v*          *v* − 10 % … *v* (both included)
  ``more-than`` *v*       above *v*, *v* excluded
  ``at-least`` *v*        *v* and above
  ``fewer-than`` *v*      below *v*, *v* excluded
  ``up-to`` *v*           *v* and below
  ``range`` *min*–*max*   *min* … *max* (both included)
  ``either`` *a*, *b* …   each alternative (one of them must fit)
  an ordinal *n*          *n*
  ======================  ==========================================

  Two loose figures (``about`` or ``almost`` both) are compared by their values alone: they differ
  only when the values are more than 10 % apart (of the larger one), so ``about 1000`` and ``about
  1100`` agree and ``about 1000`` and ``about 1200`` differ. So ``more-than 1000`` and ``exact 1000``
  differ (more than 1000 excludes 1000), ``at-least 1000`` and ``exact 1000`` agree. A qualifier
  not in the table allows any value and never makes a disagreement.

Findings that take part in at least one differing pair are the claims of one disagreement per
event (date) and per measure, unit and reference period (value). Its id is derived from the kind
of difference, what it is about and the sorted finding keys, so that it is stable from build to
build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Any

from dprk_ld.curation.dates import Date, Period, When, simplest
from dprk_ld.curation.model import Event, Finding, Project

Span = tuple[dt.date | None, dt.date | None]  # first and last day, None where open
LOOSE = frozenset({"about", "almost"})
TOLERANCE = Decimal("0.1")


def time_key(t: When) -> str:
    """The key of a time, as in its IRI ``id/time/<key>`` (``2024``, ``2023-08-26--2025-06``,
    ``2011-12--open``): the same time, the same key."""
    return simplest(t).key


def span(t: When) -> Span:
    """The first and last day a time can cover (None on an open side)."""
    return (t.earliest, t.latest)


def overlap(a: Span, b: Span) -> bool:
    """Whether two spans share a day (an open side reaches everything on that side)."""
    a_first, a_last = a
    b_first, b_last = b
    return (a_first is None or b_last is None or a_first <= b_last) and \
        (b_first is None or a_last is None or b_first <= a_last)


def reference_period(f: Finding, q: Any) -> When | None:
    """The reference period of a figure: its own, else its finding's one time (None if none)."""
    own = getattr(q, "period", None)
    if isinstance(own, Date | Period):
        return own
    return f.times[0] if len(f.times) == 1 else None


@dataclass(frozen=True)
class Bounds:
    """The values a figure allows: from ``lo`` to ``hi`` (None: unbounded), each end excluded
    when it is open."""

    lo: Decimal | None
    hi: Decimal | None
    lo_open: bool = False
    hi_open: bool = False


def _point(v: Decimal) -> Bounds:
    return Bounds(v, v)


def bounds(q: Any) -> list[Bounds]:
    """The values figure ``q`` allows, by its qualifier (see the module's table)."""
    qualifier, v = q.qualifier, q.value
    alternatives = getattr(q, "alternatives", None)
    if alternatives:
        return [_point(Decimal(a)) for a in alternatives]
    if v is None:
        if q.minimum is not None and q.maximum is not None:
            return [Bounds(q.minimum, q.maximum)]
        ordinal = getattr(q, "ordinal", None)
        return [_point(Decimal(ordinal))] if ordinal is not None else [Bounds(None, None)]
    margin = abs(v) * TOLERANCE
    table = {
        "exact": Bounds(v, v),
        "about": Bounds(v - margin, v + margin),
        "almost": Bounds(v - margin, v),
        "more-than": Bounds(v, None, lo_open=True),
        "at-least": Bounds(v, None),
        "fewer-than": Bounds(None, v, hi_open=True),
        "up-to": Bounds(None, v),
    }
    return [table.get(qualifier, Bounds(None, None))]


def intersects(a: Bounds, b: Bounds) -> bool:
    """Whether some value lies in both."""
    lo, lo_open = _tighter(a.lo, a.lo_open, b.lo, b.lo_open, max)
    hi, hi_open = _tighter(a.hi, a.hi_open, b.hi, b.hi_open, min)
    if lo is None or hi is None:
        return True
    return lo < hi or (lo == hi and not lo_open and not hi_open)


def _tighter(x: Decimal | None, x_open: bool, y: Decimal | None, y_open: bool,
             pick: Callable[[Decimal, Decimal], Decimal]) -> tuple[Decimal | None, bool]:
    """The tighter of two bounds on one side (``pick`` is max for lower bounds, min for upper)."""
    if x is None:
        return y, y_open
    if y is None or x != y:
        return (x, x_open) if y is None or pick(x, y) == x else (y, y_open)
    return x, x_open or y_open


def compatible(a: Any, b: Any) -> bool:
    """Whether two figures (with the same measure, unit and period) can both be right."""
    if a.qualifier in LOOSE and b.qualifier in LOOSE and a.value is not None and b.value is not None:
        return abs(a.value - b.value) <= TOLERANCE * max(abs(a.value), abs(b.value))
    return any(intersects(x, y) for x in bounds(a) for y in bounds(b))


@dataclass(frozen=True)
class Disagreement:
    """Claims of different sources that cannot all be right: about an event (their dates) or a
    measure (their values, for one unit and reference period)."""

    id: str
    differs_in: str  # date | value
    about: str  # the event's id, or the measure's
    claims: tuple[str, ...]  # finding keys, sorted
    period: When | None = None  # figures: the reference period
    unit: str | None = None  # figures: the unit


def stable_id(differs_in: str, about: str, period: str, claims: Sequence[str]) -> str:
    """An id derived from what the disagreement is (never a counter): ``date-`` or ``value-`` and
    twelve hexadecimal digits of a hash of the kind, the subject, the period and the claims."""
    text = "\n".join([differs_in, about, period, *sorted(claims)])
    return f"{differs_in}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def _involved(items: Sequence[tuple[Finding, Any]], differ: Callable[[Any, Any], bool]) -> list[str]:
    """The keys of the findings of ``items`` that differ from one of another source."""
    found: set[str] = set()
    for (f, x), (g, y) in combinations(items, 2):
        if f.source != g.source and differ(x, y):
            found.update((f.key, g.key))
    return sorted(found)


def date_disagreements(events: Iterable[Event], findings: dict[str, Finding]) -> list[Disagreement]:
    """Per event, the claims of different sources whose times do not overlap."""
    result = []
    for event in events:
        if event.state:
            continue
        dated = {k: [span(t) for t in findings[k].times if t is not findings[k].as_of]
                 for k in event.findings if k in findings}
        items = [(findings[k], spans) for k, spans in dated.items() if spans]
        claims = _involved(items, lambda a, b: not any(overlap(x, y) for x in a for y in b))
        if claims:
            result.append(Disagreement(stable_id("date", event.id, "", claims), "date", event.id,
                                       tuple(claims)))
    return result


def value_disagreements(findings: Iterable[Finding]) -> list[Disagreement]:
    """Per measure, unit and reference period, the figures of different sources that exclude
    each other."""
    groups: dict[tuple[str, str, str], list[tuple[Finding, Any]]] = defaultdict(list)
    periods: dict[str, When] = {}
    for f in findings:
        for q in f.quantities:
            measure, period = getattr(q, "measure", None), reference_period(f, q)
            if measure and period is not None:
                periods[time_key(period)] = period
                groups[(str(measure), q.unit, time_key(period))].append((f, q))
    result = []
    for (measure, unit, key), items in sorted(groups.items()):
        claims = _involved(items, lambda a, b: not compatible(a, b))
        if claims:
            result.append(Disagreement(stable_id("value", f"{measure} {unit}", key, claims), "value",
                                       measure, tuple(claims), periods[key], unit))
    return result


def find_disagreements(project: Project) -> list[Disagreement]:
    """Every disagreement in the project: on dates (per event), then on values."""
    by_key = {f.key: f for f in project.findings}
    return date_disagreements(project.events, by_key) + value_disagreements(project.findings)


__all__ = ["Bounds", "Disagreement", "bounds", "compatible", "date_disagreements",
           "find_disagreements", "intersects", "overlap", "reference_period", "span", "stable_id",
           "time_key", "value_disagreements"]
