"""The progress of a long command on stderr: the steps of a build, and what a long step is doing.

    [3/5] validating against the SHACL shapes ...
          shape 12/39 shapes#FindingShape: 36600 focus nodes (4.2s)
    [3/5] validating against the SHACL shapes ... done conforms (9.8s)

A step that ends within a second of its start takes one line, ``[n/N] what ... done note
(0.4s)``, as it always did; what a step is doing is printed at most once a second, so a quick
build says nothing more and a slow one shows that it moves.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from dprk_ld.release.build import Step


class StepPrinter:
    """Prints the steps reported to it (a build's ``progress``) and, at most every ``every``
    seconds, the lines of what the current step is doing (:meth:`during`)."""

    def __init__(self, stream: TextIO | None = None, every: float = 1.0) -> None:
        self.stream, self.every = stream or sys.stderr, every
        self.pending = ""  # the start of a step, waiting for its end on the same line
        self.last = 0.0

    def _print(self, text: str, end: str = "\n") -> None:
        print(text, end=end, file=self.stream, flush=True)

    def __call__(self, step: Step) -> None:
        head = f"[{step.n}/{step.steps}] {step.what} ..."
        if step.state == "start":
            self._print(head, end="")
            self.pending, self.last = head, time.monotonic()
        elif step.state == "progress":
            self.during(step.note, step.seconds)
        else:
            outcome = "failed" if step.state == "failed" else \
                f"done{f' {step.note}' if step.note else ''} ({step.seconds:.1f}s)"
            self._print(f" {outcome}" if self.pending else f"{head} {outcome}")
            self.pending = ""

    def during(self, line: str, seconds: float | None = None) -> None:
        """A line of what is going on, printed if the last one is over ``every`` seconds old."""
        now = time.monotonic()
        if now - self.last < self.every:
            return
        if self.pending:
            self._print("")
            self.pending = ""
        self._print(f"      {line}" + (f" ({seconds:.1f}s)" if seconds is not None else ""))
        self.last = now


__all__ = ["StepPrinter"]
