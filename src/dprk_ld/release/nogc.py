"""Python's cyclic garbage collector paused while a release is checked or written.

A release of a million triples is tens of millions of Python objects (rdflib's graphs) that live
until the build ends; each full collection walks them all, and making the dumps or running the
checks allocates enough to set off many. The work of those steps makes no reference cycles worth
collecting, so the collector waits until it is done: on a project ten times ours, that took
about a third off validation, and less off writing the dumps (bench/README.md, "Scale").
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
