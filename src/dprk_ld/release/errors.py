"""Errors of the release itself, not of the curated input (that is curation's DataError)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # validate imports pyshacl, which readers of a release need not load
    from dprk_ld.release.validate import Violation


class ReleaseError(Exception):
    """The release cannot be made, written or read (not a problem of the curated input)."""

    def report(self) -> str:
        """What to tell the curator (as DataError.report does for problems of the input)."""
        return f"error: {self}"


class NonConforming(ReleaseError):
    """The release graph does not satisfy the SHACL shapes; nothing was written.

    ``shacl_report`` is the SHACL report, each result located where it was curated; ``results`` are
    the violations it was made from."""

    def __init__(self, shacl_report: str, results: list[Violation], dist: Path) -> None:
        self.shacl_report, self.results, self.dist = shacl_report, results, dist
        super().__init__(f"the release does not conform; nothing was written, {dist} is unchanged.")

    def report(self) -> str:
        return f"{self.shacl_report}\nerror: {self}"
