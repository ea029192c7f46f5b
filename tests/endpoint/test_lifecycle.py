"""`dprk-ld serve` stops, all of it, when told to: Ctrl-C (SIGINT to the process group), SIGINT
or SIGTERM to the server end every process of it (server, web workers, query workers), even with
a query in flight that would run for minutes. Nothing here measures time: a loop waits up to a
generous limit and then fails. (That a busy port is an error is tested in test_server_cli.py.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import pytest

from dprk_ld.testing import CARTESIAN, ServerProcess, processes

pytestmark = pytest.mark.server

SAFETY_NET = 30.0  # seconds: a stop never needs this long; the loop only fails after it
START_LIMIT = 60.0


def descendants(root: int) -> set[int]:
    """``root`` and every process under it."""
    table = processes()
    tree, todo = {root}, [root]
    while todo:
        parent = todo.pop()
        children = {pid for pid, (ppid, *_) in table.items() if ppid == parent} - tree
        tree |= children
        todo.extend(children)
    return tree


def alive(pids: set[int], group: int) -> set[int]:
    """Which of ``pids``, and of the members of process group ``group``, still live (zombies,
    which only wait to be reaped, do not count)."""
    table = processes()
    return {pid for pid, (_, pgrp, state, _) in table.items()
            if (pid in pids or pgrp == group) and state != "Z"}


class Served(ServerProcess):
    """`dprk-ld serve` on a free loopback port, in a process group of its own."""

    def __init__(self, dist: Path, log: IO[str], *options: str) -> None:
        pairs = dict(zip(options[::2], options[1::2], strict=True))
        super().__init__(dist, log, START_LIMIT,
                         **{k.lstrip("-").replace("-", "_"): v for k, v in pairs.items()})

    def kill(self, tree: set[int]) -> None:
        """Kill whatever is left of the server (``tree``: its processes, seen earlier)."""
        for pid in alive(tree, self.proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=SAFETY_NET)


def stuck_query(url: str) -> None:
    request = urllib.request.Request(url, data=CARTESIAN.encode(),
                                     headers={"Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            resp.read()
    except (OSError, urllib.error.HTTPError, ConnectionError):
        pass  # the server stopped under it, as it should


def wait_for_a_busy_query_worker(srv: Served) -> None:
    before = sum(srv.query_worker_cpu().values())
    half_a_second = os.sysconf("SC_CLK_TCK") // 2
    limit = time.monotonic() + START_LIMIT
    while sum(srv.query_worker_cpu().values()) - before < half_a_second:
        assert time.monotonic() < limit, "no query worker took up the stuck query"
        time.sleep(0.1)


@pytest.mark.embedded_only(reason="the forked query processes' CPU, seen from outside")
@pytest.mark.parametrize("how", ["ctrl-c", "sigint", "sigterm"])
def test_a_stop_ends_every_process_with_a_query_in_flight(
        how: str, fixture_dist: Path, tmp_path: Path) -> None:
    with (tmp_path / "server.log").open("w") as log:
        srv = Served(fixture_dist, log, "--query-timeout", "600", "--workers", "2",
                     "--query-workers", "1")
    thread = threading.Thread(target=stuck_query, args=(srv.url,), daemon=True)
    tree: set[int] = set()
    try:
        thread.start()
        wait_for_a_busy_query_worker(srv)
        tree = descendants(srv.proc.pid)
        assert len(tree) >= 4, tree  # the server, two web workers, a query worker at least
        if how == "ctrl-c":  # a terminal sends SIGINT to the whole foreground group
            os.killpg(srv.proc.pid, signal.SIGINT)
        else:
            srv.proc.send_signal(signal.SIGINT if how == "sigint" else signal.SIGTERM)
        limit = time.monotonic() + SAFETY_NET
        while True:
            srv.proc.poll()  # reap the server, so that it is not counted as a zombie
            left = alive(tree, srv.proc.pid)
            if not left or time.monotonic() > limit:
                break
            time.sleep(0.2)
        log_text = (tmp_path / "server.log").read_text()
        assert not left, f"still running after {SAFETY_NET:g} s: {sorted(left)}\n{log_text[-2000:]}"
        # gone from the process table; reap it (it may have exited after the last poll)
        assert srv.proc.wait(timeout=SAFETY_NET) is not None
    finally:
        srv.kill(tree)
    thread.join(timeout=SAFETY_NET)
