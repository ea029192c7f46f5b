"""Slow request bodies hold no request thread: the app's requests read their bodies first.

Granian (hyper, in Rust) reads request *headers* without Python, and its header timeout closes
slow ones; a *body* is read by the app through ``wsgi.input``, in a request thread, and Granian
has no timeout for it (its issue 728, "wontfix"): a body sent at one byte a second would hold a
request thread for as long as the client likes. :class:`SlowClientGuard` wraps the app: a body is
read by a reader thread while the request's own thread waits at most ``BODY_TIMEOUT``, past which
the request gets 408 and its connection is closed; at most ``BODY_READERS`` bodies are read at
once, more get 503; the app runs in at most ``THREADS`` threads at once.
"""

from __future__ import annotations

import io
import math
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from http import HTTPStatus
from typing import Any

from dprk_ld.web import cors, errors

#: the settings the guard reads, in the server's processes
GUARD_SETTINGS = ("THREADS", "BODY_TIMEOUT", "BODY_READERS")


WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def _slots(count: int) -> queue.SimpleQueue[None]:
    """A counting semaphore of ``count`` places (``get`` takes one, ``put`` gives it back), made
    of the C queue: it costs less per request than ``threading.Semaphore``, which is Python."""
    places: queue.SimpleQueue[None] = queue.SimpleQueue()
    for _ in range(max(1, count)):
        places.put(None)
    return places


class BodyReaders:
    """Daemon threads that read request bodies, one started whenever none is idle (so no more
    than the bodies being read at once); daemons, so that one stuck on a client never delays an
    exit."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.idle = 0

    def submit(self, job: Callable[[], None]) -> None:
        with self.lock:
            start = self.idle == 0
            if not start:
                self.idle -= 1
        if start:
            threading.Thread(target=self._work, name="dprk-ld-body", daemon=True).start()
        self.jobs.put(job)

    def _work(self) -> None:
        while True:
            self.jobs.get()()
            with self.lock:
                self.idle += 1


def declares_body(environ: Mapping[str, Any]) -> bool:
    """Whether the request says a body follows (a Content-Length above 0, or chunked)."""
    if environ.get("CONTENT_LENGTH") not in (None, "", "0"):
        return True
    return "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()


def content_length(environ: Mapping[str, Any]) -> int | None:
    try:
        return int(environ["CONTENT_LENGTH"])
    except (KeyError, TypeError, ValueError):
        return None


#: seconds a cut answer (:func:`refuse`) waits after its body before it ends, for hyper to send
#: the body before it drops the connection (without it, most 408s were dropped unsent)
CUT_PAUSE = 0.05


def _cut(body: bytes) -> Iterator[bytes]:
    yield body
    time.sleep(CUT_PAUSE)


def refuse(environ: Mapping[str, Any], start_response: Any, err: errors.HttpError,
           cut: bool = False) -> Iterable[bytes]:
    """Answer ``err`` (the one error shape, CORS headers) and close the connection.

    ``cut``: the connection is closed even while a thread is still waiting for the request's
    body. Hyper keeps a connection open as long as a body is being read, ``Connection: close`` or
    not, and nothing in Granian's WSGI interface can stop that read; but hyper drops a connection
    whose response ends short of its Content-Length, and the read then ends. So the response
    declares one byte more than it sends: the client gets the whole error, then the connection
    closes before the last (missing) byte, which clients report as an incomplete response (or,
    when the client was still sending, TCP resets it and the answer may be lost)."""
    status, headers, body = errors.render_parts(err, environ.get("HTTP_ACCEPT"))
    headers += [*cors.HEADERS, ("Connection", "close"),
                ("Content-Length", str(len(body) + (1 if cut else 0)))]
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return _cut(body) if cut else [body]


class SlowClientGuard:
    """WSGI middleware that keeps slow clients from holding the app's threads.

    A request that declares a body has it read into memory first, by a reader thread
    (:class:`BodyReaders`), while its own thread waits at most ``BODY_TIMEOUT``: past that it
    answers 408 and the connection is closed (:func:`refuse`), which also ends the reader's read.
    At most ``BODY_READERS`` bodies are read at once; a request that finds them all busy gets 503
    (``busy``, Retry-After) without its body being read, and hyper closes its connection. A body
    declared larger than ``MAX_BODY_BYTES`` is not read at all (the app answers 413); a chunked one
    is read up to one byte past it, for the app to refuse. Then the app runs, in at most
    ``THREADS`` threads at once, with the body in ``wsgi.input``: a request waiting for its body
    holds a Granian thread (there are ``THREADS + BODY_READERS``), never a place in the app."""

    def __init__(self, app: WSGIApp, values: Mapping[str, Any]) -> None:
        self.app = app
        self.running = _slots(int(values["THREADS"]))
        self.receiving = _slots(int(values["BODY_READERS"]))
        self.readers = BodyReaders()
        self.body_timeout = float(values["BODY_TIMEOUT"])
        self.max_body = int(values["MAX_BODY_BYTES"])

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if declares_body(environ):
            refusal = self.receive(environ, start_response)
            if refusal is not None:
                return refusal
        self.running.get()
        try:
            return self.app(environ, start_response)
        finally:
            self.running.put(None)

    def receive(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        """Read the body into ``environ["wsgi.input"]``; None when done, else the refusal sent."""
        length = content_length(environ)
        if length is not None and length > self.max_body:
            return None  # the app refuses it (413) without reading it
        try:
            self.receiving.get_nowait()
        except queue.Empty:
            return refuse(environ, start_response, errors.service_unavailable(
                "Too many request bodies are being received; try again shortly.", "busy",
                retry_after=max(1, math.ceil(self.body_timeout))))
        received: Future[bytes] = Future()
        stream, size = environ["wsgi.input"], self.max_body + 1 if length is None else length
        self.readers.submit(lambda: self._read(stream, size, received))
        try:
            body = received.result(timeout=self.body_timeout)
        except TimeoutError:
            return refuse(environ, start_response, errors.HttpError(
                408, "request_timeout",
                f"The request body did not arrive within {self.body_timeout:g} s."), cut=True)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return None

    def _read(self, stream: Any, size: int, received: Future[bytes]) -> None:
        """In a reader thread: the body (Granian's ``read(n)`` waits for n bytes or the end)."""
        try:
            received.set_result(stream.read(size))
        except BaseException as exc:  # handed to the request's thread, which raises it
            received.set_exception(exc)
        finally:
            self.receiving.put(None)
