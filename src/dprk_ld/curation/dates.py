"""Dates with their precision: a year is an xsd:gYear, a month an xsd:gYearMonth, a day an xsd:date."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

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

    def years(self) -> list[int]:
        if self.start and self.end:
            return list(range(self.start.year, self.end.year + 1))
        return [d.year for d in (self.start, self.end) if d]
