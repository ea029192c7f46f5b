"""Errors in curated input: each names the file, the finding (or entity) and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input."""

    file: str
    message: str
    item: str | None = None  # the finding or entity concerned
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = f" [{self.item}]" if self.item else ""
        return f"{where}{what}: {self.message}"


class DataError(Exception):
    """The curated input cannot be built. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        n = len(self.problems)
        head = f"error: the input has {n} problem{'s' if n != 1 else ''}; nothing was written."
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class ReleaseError(Exception):
    """The release cannot be written or read (not a problem of the curated input)."""
