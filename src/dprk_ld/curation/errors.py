"""Errors in curated input: each names the file, the finding (or entity) and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input."""

    file: str
    message: str
    item: str | None = None  # the finding or entity concerned
    line: int | None = None
    #: for a field that curation is still filling in, its rule (``dprk-ld check-claims`` counts them)
    rule: str | None = None

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


class Collector:
    """Collects the problems of a load; ``rel`` names files relative to the project root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def add(self, path: Path, message: str, item: str | None = None, line: int | None = None,
            rule: str | None = None) -> None:
        self.problems.append(Problem(self.rel(path), message, item, line, rule))
