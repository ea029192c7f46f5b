"""A finding's time: the dates it happened, a period, the date a state held as of, or, said
outright, that the source dates nothing (``undated``); and where the time comes from
(``time_basis``). Every finding has exactly one of the four; nothing is dated silently.

Rules that curation is still filling in report their problems with a ``rule`` (see
:mod:`dprk_ld.curation.missing`), so that ``dprk-ld check-claims`` can count them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dprk_ld.curation.dates import Date, Period, When, parse_date, simplest
from dprk_ld.curation.fields import as_list, opt_date, text_of

#: the fields of which a finding has exactly one
TIME_FIELDS = ("date", "period", "as_of", "undated")
DEFAULT_BASIS = "stated"

Bad = Callable[[str], None]
#: reports a rule curation is still filling in: (rule, message)
Missing = Callable[[str, str], None]


@dataclass(frozen=True)
class Times:
    """The time fields of one finding, read and checked."""

    dates: list[Date] = field(default_factory=list)
    period: Period | None = None
    as_of: Date | None = None
    undated: str | None = None
    basis: str = DEFAULT_BASIS
    broken: bool = False  # a time field was given but could not be read (reported already)

    def fields(self) -> dict[str, Any]:
        """The fields of a :class:`~dprk_ld.curation.model.Finding` they fill."""
        return {"dates": self.dates, "period": self.period, "as_of": self.as_of,
                "undated": self.undated, "time_basis": self.basis}

    def single(self) -> tuple[When | None, str]:
        """The finding's one time, which its figures take as their period when they give none;
        else None and why there is no single one ("" when a time field could not be read)."""
        if self.broken:
            return None, ""
        if self.undated is not None:
            return None, "the finding is undated"
        if len(self.dates) > 1:
            return None, f"the finding has {len(self.dates)} dates"
        if self.dates:
            return self.dates[0], ""
        if self.period is not None:
            return simplest(self.period), ""
        if self.as_of is not None:
            return self.as_of, ""
        return None, "the finding has no time"


def parse_period(value: Any) -> Period:
    """``{start: …, end: …}`` with at least one of them, the start not after the end (ValueError
    says what is wrong)."""
    if not isinstance(value, dict) or set(value) - {"start", "end"} or not (
        value.get("start") or value.get("end")
    ):
        raise ValueError("must be {start: ..., end: ...} with at least one of them")
    period = Period(opt_date(value.get("start")), opt_date(value.get("end")))
    if period.start and period.end and period.start.first_day > period.end.last_day:
        raise ValueError(f"start {period.start} is after end {period.end}")
    return period


def parse_when(value: Any) -> When:
    """A date (``"2019"``, ``"2024-03"``) or a period (``{start, end}``); ValueError if neither."""
    return simplest(parse_period(value)) if isinstance(value, dict) else parse_date(value)


def read_times(item: dict[str, Any], bad: Bad, missing: Missing) -> Times:
    """The time fields of a finding: exactly one of date, period, as_of and undated."""
    given = [key for key in TIME_FIELDS if item.get(key) not in (None, "", [])]
    if len(given) > 1:
        bad(f"give one of date, period, as_of or undated, not {' and '.join(given)}")
    elif not given:
        missing("time", "no time: give date, period or as_of, or say in undated why the source "
                "gives none")
    dates: list[Date] = []
    period: Period | None = None
    as_of: Date | None = None
    broken = len(given) > 1
    try:
        dates = [parse_date(d) for d in as_list(item.get("date"))]
    except ValueError as exc:
        bad(f"date: {exc}")
        broken = True
    if item.get("period") is not None:
        try:
            period = parse_period(item["period"])
        except ValueError as exc:
            bad(f"period: {exc}")
            broken = True
    if item.get("as_of") is not None:
        try:
            as_of = parse_date(item["as_of"])
        except ValueError as exc:
            bad(f"as_of: {exc}")
            broken = True
    if period is not None and isinstance(simplest(period), Date):
        dates, period = [period.start] if period.start else [], None  # from 2024-07 to 2024-07
    undated = _undated(item, bad)
    basis = item.get("time_basis")
    if basis is not None and undated is not None:
        bad("time_basis applies only to a finding with a time, not to an undated one")
    return Times(dates, period, as_of, undated, str(basis) if basis else DEFAULT_BASIS, broken)


def _undated(item: dict[str, Any], bad: Bad) -> str | None:
    if "undated" not in item:
        return None
    reason = text_of(item["undated"])
    if not reason:
        bad("undated: say in a few words why there is no time (\"the source gives no date\")")
        return None
    return reason


__all__ = ["DEFAULT_BASIS", "TIME_FIELDS", "Bad", "Missing", "Times", "parse_period", "parse_when",
           "read_times"]
