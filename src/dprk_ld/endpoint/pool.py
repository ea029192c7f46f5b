"""Query workers: processes that run queries and can be killed and replaced.

pyoxigraph cannot cancel a query from Python, and some queries block inside the engine. So the
web process hands each :class:`~dprk_ld.endpoint.evaluate.Job` to a worker process forked from it
(the store shared copy-on-write: a worker starts in milliseconds) and waits for the answer with a
deadline. A worker that passes the deadline, or grows past its memory cap, is killed (SIGKILL) and
replaced by a fresh fork, as is one that has run ``recycle_after`` jobs or grown its own pages.

A worker cannot open a socket (``sandbox``: a seccomp filter installed right after the fork); it
evaluates in a thread with a large stack, since the engine recurses over the query.

The memory cap is enforced twice: ``RLIMIT_AS`` inside the worker (an allocation beyond it fails
and the worker dies) and the parent's watch of the worker's resident memory while it waits.
A worker also dies with its parent (``PR_SET_PDEATHSIG``) and when its pipe closes.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import queue
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from dprk_ld.endpoint.errors import QueryError, internal_error, unavailable
from dprk_ld.endpoint.forkguard import ForkGuard
from dprk_ld.endpoint.processes import die_with_parent as _die_with_parent
from dprk_ld.endpoint.processes import limit_memory as _limit_memory
from dprk_ld.endpoint.processes import rss as _rss
from dprk_ld.endpoint.processes import set_niceness as _set_niceness
from dprk_ld.endpoint.sandbox import deny_network

log = logging.getLogger(__name__)



@dataclass
class PoolConfig:
    size: int = 2
    deadline: float = 10.0  # seconds a query may run
    queue_timeout: float = 10.0  # seconds a request may wait for a free worker
    memory_cap: int = 1024 * 1024 * 1024  # bytes a worker may grow by
    poll_interval: float = 0.05
    max_waiting: int = 16  # requests that may wait for a free worker; more get "busy" at once
    reserved: int = 2  # workers a heavy client's job may not take (kept for the others)
    recycle_after: int = 1000  # jobs after which a worker is replaced by a fresh fork
    recycle_private: int = 256 * 1024 * 1024  # resident bytes a worker may gain, then replaced
    renice_after: float = 0.5  # seconds after which a running query gets a lower CPU priority
    long_nice: int = 19  # the niceness of a long runner: the least CPU when others want it


#: the stack of the thread that evaluates in a worker: the engine recurses over the query, and a
#: worker forked from a server thread would otherwise have that thread's (often 2 MiB) stack
EVALUATION_STACK = 64 * 1024 * 1024
EXIT_UNSANDBOXED = 4


def close_descriptors_except(keep: set[int]) -> None:
    """Close every open file descriptor of this process but ``keep`` (read from /proc/self/fd)."""
    try:
        open_fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: the whole range, as far as the limit goes
        open_fds = list(range(3, os.sysconf("SC_OPEN_MAX")))
    for fd in open_fds:
        if fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _child_main(
    conn: Connection,
    store: Any,
    execute: Callable[[Any, Any], Any],
    inherited: list[Connection],
    memory_cap: int,
    parent_pid: int,
) -> None:
    for other in inherited:
        with contextlib.suppress(OSError):
            other.close()
    # every other descriptor the web process had open at the fork (its listening socket, client
    # connections, release files) is closed here: a copy kept open by a worker would keep a
    # connection alive after the web process closed it, and the client would wait on it forever
    close_descriptors_except({0, 1, 2, conn.fileno()})
    # the objects inherited from the web process are left out of this process's collections, so
    # that the collector does not write to (and so copy) every page it shares with its parent
    gc.freeze()
    _die_with_parent()
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        deny_network()
    except OSError as exc:  # never evaluate where the network is reachable
        log.error("query worker not started: %s", exc)
        os._exit(EXIT_UNSANDBOXED)
    threading.stack_size(EVALUATION_STACK)
    worker = threading.Thread(target=_serve, args=(conn, store, execute, memory_cap),
                              name="dprk-ld-evaluation")
    worker.start()
    worker.join()
    os._exit(0)


def _serve(conn: Connection, store: Any, execute: Callable[[Any, Any], Any],
           memory_cap: int) -> None:
    """The worker's loop: a job in, its result (or why it failed) out, until the pipe closes."""
    _limit_memory(memory_cap)  # after the evaluation stack is mapped, so the cap is on top of it
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply: tuple[str, Any] = ("ok", execute(store, job))
        except MemoryError:
            reply = ("memory", None)
        except Exception as exc:  # reported as a generic failure, never with its text
            reply = ("failed", type(exc).__name__)
        try:
            conn.send(reply)
        except MemoryError:
            os._exit(3)
        except (OSError, ValueError):
            os._exit(0)


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.baseline = _rss(process.pid or 0) or 0
        self.poller = select.poll()  # one poll object per worker: cheaper than conn.poll()
        self.poller.register(conn.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        self.niced = False  # running a long query at a lower CPU priority
        self.jobs = 0  # jobs it has run

    def ready(self, timeout: float) -> bool:
        return bool(self.poller.poll(max(0, int(timeout * 1000))))

    @property
    def pid(self) -> int:
        return self.process.pid or 0


class QueryPool:
    """A fixed number of killable query workers over one store."""

    def __init__(
        self,
        store: Any,
        execute: Callable[[Any, Any], Any],
        config: PoolConfig | None = None,
    ) -> None:
        self.store = store
        self.execute = execute
        self.config = config or PoolConfig()
        self._ctx = multiprocessing.get_context("fork")
        self._lock = threading.Lock()
        # shared by the queries run in this process, taken alone to fork (see ForkGuard)
        self._guard = ForkGuard()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: dict[int, _Worker] = {}
        self._closed = False
        self.killed = 0  # workers killed for a deadline or the memory cap
        self._waiting = 0  # requests waiting for a free worker
        for _ in range(max(1, self.config.size)):
            self._idle.put(self._spawn())

    # -- lifecycle --

    def _spawn(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise unavailable("The query service is shutting down.")
            parent_end, child_end = self._ctx.Pipe(duplex=True)
            inherited = [w.conn for w in self._all.values()]
            process = self._ctx.Process(
                target=_child_main,
                args=(child_end, self.store, self.execute, inherited, self.config.memory_cap,
                      os.getpid()),
                name="dprk-ld-query-worker",
                daemon=True,
            )
            with self._guard.exclusive():
                process.start()
            child_end.close()
            worker = _Worker(process, parent_end)
            self._all[worker.pid] = worker
            return worker

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.pop(worker.pid, None)
        with contextlib.suppress(ProcessLookupError, OSError):
            os.kill(worker.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            worker.conn.close()
        worker.process.join(timeout=5)

    def _replace(self, worker: _Worker) -> int | None:
        """Kill ``worker`` (if it still runs), put a fresh one in its place; its exit code."""
        self._discard(worker)
        if not self._closed:
            with contextlib.suppress(QueryError):
                self._idle.put(self._spawn())
        return worker.process.exitcode

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all.values())
            self._all.clear()
        for worker in workers:
            with contextlib.suppress(ProcessLookupError, OSError):
                os.kill(worker.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                worker.conn.close()
        for worker in workers:
            worker.process.join(timeout=5)

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return list(self._all)

    # -- running a job --

    def run_inline(self, job: Any) -> Any:
        """Run a job in this process. Only for jobs whose cost is bounded by construction (the
        caller decides: one triple pattern, rows capped); never for arbitrary queries."""
        with self._guard.shared():
            try:
                return self.execute(self.store, job)
            except MemoryError:
                raise self._memory_error() from None
            except Exception as exc:
                log.error("inline query failed with %s", type(exc).__name__)
                raise internal_error() from None

    @property
    def free(self) -> int:
        """Query processes free now (each pool says so: the tests wait on it)."""
        return self._idle.qsize()

    @property
    def reserved(self) -> int:
        """Workers kept from heavy clients: ``reserved``, but never more than half the pool."""
        return min(self.config.reserved, max(1, self.config.size) // 2)

    def _take(self, low_priority: bool = False) -> _Worker:
        """A free worker; "busy" at once when ``max_waiting`` requests already wait for one, or,
        for a heavy client's job, when no more than ``reserved`` workers are free (they are kept
        for the others: a heavy client never takes the last ones, nor waits for them)."""
        with self._lock:
            if low_priority and self._idle.qsize() <= self.reserved:
                raise unavailable("The query workers left are kept for clients that have used "
                                  "less of their share; try again shortly.", "busy",
                                  retry_after=2)
            if self._waiting >= self.config.max_waiting and self._idle.empty():
                raise unavailable("All query workers are busy and the queue is full; try again "
                                  "shortly.", "busy", retry_after=2)
            self._waiting += 1
        try:
            return self._idle.get(timeout=self.config.queue_timeout)
        except queue.Empty:
            raise unavailable("All query workers are busy; try again shortly.", "busy",
                              retry_after=5) from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _give_back(self, worker: _Worker) -> None:
        """An idle worker again, at the normal priority; a fresh one if it cannot be restored, has
        run ``recycle_after`` jobs or grown its resident memory by more than ``recycle_private``
        bytes since its start (read from /proc/<pid>/statm, as the memory watch does)."""
        worker.jobs += 1
        if worker.jobs >= self.config.recycle_after or \
                (_rss(worker.pid) or 0) - worker.baseline > self.config.recycle_private:
            self._replace(worker)
            return
        if worker.niced:
            try:
                _set_niceness(worker.pid, 0)
                worker.niced = False
            except OSError:  # lowering a niceness needs a privilege: start a new worker
                self._replace(worker)
                return
        self._idle.put(worker)

    def run(self, job: Any, deadline: float | None = None, low_priority: bool = False,
            started: Callable[[], None] | None = None) -> Any:
        """The worker's result for ``job``; a :class:`QueryError` (busy, deadline, memory) if it
        is stopped; ``started`` is called when a worker takes it. ``low_priority``: the job runs
        at the long runners' niceness from its start (a heavy client's, see ``fairness``), not
        only after ``renice_after`` seconds."""
        deadline = self.config.deadline if deadline is None else deadline
        worker = self._take(low_priority)
        if started is not None:
            started()
        if low_priority:
            self._lower(worker)
        try:
            worker.conn.send(job)
        except (OSError, ValueError):
            self._replace(worker)
            raise unavailable("The query worker failed; try again.", retry_after=1) from None
        status, value = self._wait(worker, time.monotonic(), deadline)
        if status == "ok":
            self._give_back(worker)
            return value
        if status == "memory":
            self.killed += 1
            self._replace(worker)
            raise self._memory_error()
        self._give_back(worker)
        log.error("query worker failed with %s", value)
        raise internal_error()

    def _wait(self, worker: _Worker, start: float, deadline: float) -> tuple[str, Any]:
        """The worker's reply; the worker killed (and an error raised) at the deadline, at the
        memory cap or when it dies. A long runner gets a lower CPU priority."""
        cfg = self.config
        end = start + deadline
        while True:
            left = end - time.monotonic()
            if left <= 0:
                self.killed += 1
                self._replace(worker)
                raise unavailable(f"The query was stopped at the deadline of {deadline:g} s.",
                                  "query_timeout", retry_after=None, limit_seconds=deadline)
            try:
                ready = worker.ready(min(left, cfg.poll_interval))
            except (OSError, ValueError):
                ready = True
            if ready:
                try:
                    return worker.conn.recv()  # type: ignore[no-any-return]
                except (EOFError, OSError, ValueError):
                    time.sleep(0.01)  # let it finish dying, so its exit code tells why
                    raise self._crash_error(self._replace(worker)) from None
            if not worker.niced and time.monotonic() - start > cfg.renice_after:
                self._lower(worker)
            rss = _rss(worker.pid)
            if rss is not None and worker.baseline and rss - worker.baseline > cfg.memory_cap:
                self.killed += 1
                self._replace(worker)
                raise self._memory_error()

    def _lower(self, worker: _Worker) -> None:
        """Give ``worker`` the long runners' niceness: the CPU only when nobody else wants it."""
        with contextlib.suppress(OSError):
            _set_niceness(worker.pid, self.config.long_nice)
            worker.niced = True

    def _memory_error(self) -> QueryError:
        cap_mb = self.config.memory_cap // (1024 * 1024)
        return unavailable(
            f"The query was stopped at the memory cap of {cap_mb} MiB.", "query_memory",
            limit_mib=cap_mb)

    def _crash_error(self, exitcode: int | None) -> QueryError:
        self.killed += 1
        if exitcode is not None and exitcode in (-signal.SIGABRT, -signal.SIGKILL, 3):
            return self._memory_error()
        return unavailable("The query stopped its worker; it was replaced.",
                                   "unavailable")
