"""What a query worker's parent reads and sets of a process, from ``/proc`` and the kernel:
resident memory, niceness of every thread, the death signal, the address-space cap."""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_PR_SET_PDEATHSIG = 1


def rss(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _vm_size() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def set_niceness(pid: int, nice: int) -> None:
    """Set the niceness of every thread of process ``pid``: on Linux a niceness belongs to a
    thread, and a worker evaluates in a thread of its own, not in the one whose id is ``pid``."""
    try:
        tasks = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except (OSError, ValueError):
        tasks = [pid]
    for tid in tasks:
        with contextlib.suppress(ProcessLookupError):  # a thread that just ended
            os.setpriority(os.PRIO_PROCESS, tid, nice)


def die_with_parent() -> None:
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def limit_memory(cap: int) -> None:
    size = _vm_size()
    if size is None:
        return
    limit = size + cap
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
