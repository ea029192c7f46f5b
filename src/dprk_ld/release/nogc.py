"""Python's cyclic garbage collector paused while a release is built, checked or written.

A release of a million triples is tens of millions of Python objects (the curated data as read,
rdflib's graphs) that live until the build ends; each full collection walks them all, and
reading the data, making the graph, running the checks and making the dumps allocate enough to
set off many. That work makes no reference cycles worth collecting, so the collector waits until
it is done: on a project ten times ours, pausing it in validation took about a third off that
step; paused for the whole build, the time of adding triples to the graph at a hundred times
ours went from most of the step's to a small part (bench/README.md, "Scale"). Objects freed by
their reference counts are freed as ever.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (it resumes as it was after)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


__all__ = ["collector_paused"]
