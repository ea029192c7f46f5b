"""Dates with their precision (a year, a month or a day) and periods, open at an end the source
leaves open. Each has a canonical key (``2024``, ``2024-03-28``, ``2023-08-26--2025-06``,
``2011-12--open``): the same time is the same key, wherever it occurs."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

OPEN = "open"  # the key of an end a period leaves open
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class Date:
    """A date as precise as its source: `2024`, `2024-07` or `2024-07-28`."""

    lexical: str

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.lexical)]

    @property
    def year(self) -> int:
        return int(self.lexical[:4])

    @property
    def first_day(self) -> _dt.date:
        parts = [int(p) for p in self.lexical.split("-")] + [1, 1]
        return _dt.date(parts[0], parts[1], parts[2])

    @property
    def last_day(self) -> _dt.date:
        if self.precision == "day":
            return self.first_day
        if self.precision == "year":
            return _dt.date(self.year, 12, 31)
        start = self.first_day
        nxt = _dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return nxt - _dt.timedelta(days=1)

    @property
    def key(self) -> str:
        """The canonical key of the calendar year, month or day: its lexical form."""
        return self.lexical

    @property
    def earliest(self) -> _dt.date:
        return self.first_day

    @property
    def latest(self) -> _dt.date:
        return self.last_day

    def __str__(self) -> str:
        return self.lexical


def parse_date(value: object) -> Date:
    """Parse a curated date; raises ValueError with a reason a curator understands."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, _dt.datetime):
        raise ValueError(f"{value!r} has a time of day; give YYYY, YYYY-MM or YYYY-MM-DD")
    if isinstance(value, _dt.date):
        return Date(value.isoformat())
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    m = _DATE.match(value.strip())
    if not m:
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = m.groups()
    if not 1900 <= int(year) <= 2100:
        raise ValueError(f"{value!r}: year out of range")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r}: no month {month}")
    if day is not None:
        try:
            _dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{value!r}: no such day") from None
    return Date(value.strip())


@dataclass(frozen=True)
class Period:
    """A period, open at either end where the source leaves it open."""

    start: Date | None
    end: Date | None

    @property
    def key(self) -> str:
        """``start--end``, an open end written ``open``; a period that starts and ends on the same
        date is that date (``2024-07``)."""
        if self.start is not None and self.start == self.end:
            return self.start.key
        return f"{self.start.key if self.start else OPEN}--{self.end.key if self.end else OPEN}"

    @property
    def earliest(self) -> _dt.date | None:
        """The first day the period can cover; None when it is open at its start."""
        return self.start.first_day if self.start else None

    @property
    def latest(self) -> _dt.date | None:
        """The last day the period can cover; None when it is open at its end."""
        return self.end.last_day if self.end else None

    def years(self) -> list[int]:
        """The calendar years it touches (only the given end's year when it is open)."""
        if self.start and self.end:
            return list(range(self.start.year, self.end.year + 1))
        return [d.year for d in (self.start, self.end) if d]


#: a time as curated: a calendar year, month or day, or a period
When = Date | Period


def simplest(when: When) -> When:
    """A period that starts and ends on the same date is that date; anything else as it is."""
    if isinstance(when, Period) and when.start is not None and when.start == when.end:
        return when.start
    return when


def years_of(when: When) -> list[int]:
    """The calendar years a time touches."""
    return [when.year] if isinstance(when, Date) else when.years()
