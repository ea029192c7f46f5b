"""Slow clients hold no request thread: bodies and headers sent a byte at a time, or a few bytes
and then nothing, against a real server (`dprk-ld serve`, Granian) on loopback, with more slow
connections than the server has request threads; and the guard that does it
(:class:`dprk_ld.web.slow_clients.SlowClientGuard`) in process.

No assertion on elapsed time: the only waits are loops with generous safety nets.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dprk_ld.testing import ServerProcess
from dprk_ld.testing.store_option import serve_options
from dprk_ld.web.slow_clients import SlowClientGuard

THREADS = 4
READERS = 8
BODY_TIMEOUT = 10  # seconds; long enough for every lookup of a test to be answered first
HEADER_TIMEOUT = 4
SAFETY = 90  # seconds any wait may last before the test fails
FINDING = "https://w3id.org/dprk-ld/id/finding/f1"


@pytest.fixture(scope="module")
def server(fixture_dist: Path) -> Iterator[ServerProcess]:
    with serve_options(fixture_dist) as store:  # over the session's store (--store)
        srv = ServerProcess(fixture_dist, start_limit=SAFETY, workers="1", threads=str(THREADS),
                            body_readers=str(READERS), body_timeout=str(BODY_TIMEOUT),
                            header_timeout=str(HEADER_TIMEOUT), query_workers="1", **store)
        yield srv
        srv.stop()


def lookup(port: int, query: str, post: bool = False, timeout: float = 30) -> tuple[int, bytes]:
    """(status, body) of one query on a new connection; (0, b"") when the server is not there."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept": "application/sparql-results+json"}
    try:
        if post:
            headers["Content-Type"] = "application/sparql-query"
            conn.request("POST", "/sparql", body=query.encode(), headers=headers)
        else:
            conn.request("GET", "/sparql?query=" + urllib.parse.quote(query), headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()


def distinct_lookup(port: int, i: int, posts: bool = True) -> int:
    """The status of lookup number ``i``, a query no cache can answer (every fourth a POST)."""
    query = f"SELECT ?p ?o WHERE {{ <{FINDING}> ?p ?o }} LIMIT 10 # {time.time_ns()} {i}"
    status, body = lookup(port, query, post=posts and i % 4 == 3)
    if status == 200:
        assert json.loads(body)["results"]["bindings"]
    return status


def lookups(port: int, count: int, posts: bool = True) -> list[int]:
    """Statuses of ``count`` distinct lookups, GET (and POST)."""
    return [distinct_lookup(port, i, posts) for i in range(count)]


def lookups_while_held(port: int, socks: list[socket.socket], count: int,
                       posts: bool = True) -> tuple[list[int], int]:
    """Statuses of ``count`` distinct lookups, and how many of the first were answered while
    the server still held every one of ``socks`` open (neither answered nor closed).

    Counted, not timed: on a loaded machine the slow connections' own deadline may pass before
    all ``count`` are answered (a CI run took over 9 s for 24 lookups), and the lookups after
    it prove nothing about held threads."""
    statuses, held = [], 0
    for i in range(count):
        statuses.append(distinct_lookup(port, i, posts))
        if held == i and statuses[-1] == 200 and all(still_open(sock) for sock in socks):
            held += 1
    return statuses, held


def wait_answered(socks: list[socket.socket], count: int) -> None:
    """Wait until the server has answered or closed ``count`` of ``socks`` (fails after
    SAFETY s)."""
    deadline = time.monotonic() + SAFETY
    while sum(not still_open(sock) for sock in socks) < count:
        assert time.monotonic() < deadline, f"fewer than {count} slow connections answered"
        time.sleep(0.05)


def slow_body(port: int) -> socket.socket:
    """A POST that declares 1000 bytes of body and sends six."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=SAFETY)
    sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Content-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nSELECT")
    return sock


def slow_headers(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=SAFETY)
    sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n")
    return sock


class Dripper:
    """Sends one more byte on each of ``socks`` every 0.2 s (``payload`` over and over) until
    the server closes them or :meth:`stop`."""

    def __init__(self, socks: list[socket.socket], payload: bytes) -> None:
        self.socks, self.payload = socks, payload
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        i = 0
        while not self.done.wait(0.2):
            byte = self.payload[i % len(self.payload): i % len(self.payload) + 1]
            for sock in self.socks:
                with contextlib.suppress(OSError):  # closed by the server
                    sock.send(byte)
            i += 1

    def stop(self) -> None:
        self.done.set()
        self.thread.join(timeout=SAFETY)


def still_open(sock: socket.socket) -> bool:
    """Whether the server has neither answered nor closed ``sock`` yet."""
    sock.setblocking(False)
    try:
        return not sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends on ``sock`` until it closes it (fails after SAFETY s)."""
    sock.settimeout(1)
    data = b""
    deadline = time.monotonic() + SAFETY
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk
    raise AssertionError(f"the server did not close a slow connection in {SAFETY} s: {data!r}")


@pytest.mark.server
def test_slow_bodies_hold_no_request_thread(server: ServerProcess) -> None:
    # more slow bodies than request threads (fewer than body readers): half of them stall after
    # a few bytes, half go on at five bytes a second
    socks = [slow_body(server.port) for _ in range(THREADS + 2)]
    dripper = Dripper(socks[::2], b" ?s ?p ?o")
    time.sleep(1)  # let them reach the app
    try:
        statuses, held = lookups_while_held(server.port, socks, 24)
        assert statuses == [200] * len(statuses)
        # more lookups than request threads (a POST among them) were answered while every slow
        # body was still being waited for: no slow body held a request thread
        assert held >= THREADS + 2, held
        answers = [until_closed(sock) for sock in socks]
    finally:
        dripper.stop()
        for sock in socks:
            sock.close()
    # a 408 (or nothing: a client still sending when the server closes gets a TCP reset, which
    # may discard the answer)
    timeouts = [answer for answer in answers if answer]
    assert timeouts
    for answer in timeouts:
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
        assert b'"code": "request_timeout"' in answer


@pytest.mark.server
def test_more_slow_bodies_than_readers_are_refused_at_once(server: ServerProcess) -> None:
    socks = [slow_body(server.port) for _ in range(READERS + 4)]
    try:
        wait_answered(socks, 4)  # the four past the readers: refused at once
        time.sleep(0.5)  # a fifth answer, were there one, would have come by now
        held = [sock for sock in socks if still_open(sock)]
        assert len(held) == READERS
        # a POST, even one whose body is all there, finds every reader taken
        assert lookup(server.port, "ASK {}", post=True)[0] == 503
        # and GETs, which read no body, are answered meanwhile
        statuses, answered = lookups_while_held(server.port, held, 12, posts=False)
        assert statuses == [200] * len(statuses)
        assert answered >= THREADS + 2, answered
        answers = [until_closed(sock) for sock in socks]
    finally:
        for sock in socks:
            sock.close()
    refused = [a for a in answers if a.startswith(b"HTTP/1.1 503 ")]
    assert len(refused) == 4
    assert all(b"retry-after: " in a.lower() and b'"code": "busy"' in a for a in refused)
    assert sum(a.startswith(b"HTTP/1.1 408 ") for a in answers) == READERS


@pytest.mark.server
def test_slow_headers_hold_nothing_and_are_closed(server: ServerProcess) -> None:
    socks = [slow_headers(server.port) for _ in range(2 * (THREADS + READERS))]
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=SAFETY)
    dripper = Dripper(socks, b"X-Slow: a\r\n")
    try:
        statuses = lookups(server.port, 24)
        assert statuses == [200] * len(statuses)
        answers = [until_closed(sock) for sock in [*socks, idle]]
    finally:
        dripper.stop()
        for sock in [*socks, idle]:
            sock.close()
    assert answers == [b""] * len(answers)  # closed without an answer (hyper's header timeout)
    assert lookups(server.port, 4) == [200] * 4


# --- the guard in process -----------------------------------------------------------------------

class Body:
    """A ``wsgi.input`` whose bytes arrive when :meth:`arrive` is called (like Granian's,
    ``read(n)`` waits for n bytes or the end)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.arrived = threading.Event()

    def arrive(self) -> None:
        self.arrived.set()

    def read(self, size: int = -1) -> bytes:
        self.arrived.wait(SAFETY)
        return self.data if size < 0 else self.data[:size]


def echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


def call(app: Any, environ: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    got: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        got["status"], got["headers"] = status, {k.lower(): v for k, v in headers}

    body = b"".join(app(environ, start_response))
    return got["status"], got["headers"], body


def guard(body_timeout: float, readers: int = 2) -> SlowClientGuard:
    return SlowClientGuard(echo, {"THREADS": 2, "BODY_READERS": readers,
                                  "BODY_TIMEOUT": body_timeout, "MAX_BODY_BYTES": 100})


def post(body: Any, length: str | None = None, **extra: str) -> dict[str, Any]:
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/sparql", "wsgi.input": body, **extra}
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    return environ


def test_a_body_that_arrives_reaches_the_app_read() -> None:
    body = Body(b"ASK {}")
    body.arrive()
    status, _, answer = call(guard(SAFETY), post(body, "6"))
    assert (status, answer) == ("200 OK", b"ASK {}")
    # chunked (no length): read up to one byte past the limit, for the app to refuse
    body = Body(b"x" * 500)
    body.arrive()
    environ = post(body, HTTP_TRANSFER_ENCODING="chunked")
    status, _, answer = call(guard(SAFETY), environ)
    assert (status, len(answer), environ["CONTENT_LENGTH"]) == ("200 OK", 101, "101")
    assert "HTTP_TRANSFER_ENCODING" not in environ


def test_a_body_that_does_not_arrive_is_408_and_cut_short() -> None:
    body = Body(b"ASK {}")
    try:
        status, headers, answer = call(guard(0.2), post(body, "6", HTTP_ACCEPT="text/plain"))
    finally:
        body.arrive()
    assert status.startswith("408 ")
    assert answer.startswith(b"408 Request Timeout (request_timeout)")
    # one byte more declared than sent: hyper then closes the connection, which ends the read
    assert int(headers["content-length"]) == len(answer) + 1
    assert headers["connection"] == "close"


def test_readers_all_busy_is_503_without_reading() -> None:
    stuck = Body(b"ASK {}")
    app = guard(0.2, readers=1)
    try:
        assert call(app, post(stuck, "6"))[0].startswith("408 ")
        untouched = Body(b"ASK {}")
        untouched.read = None  # type: ignore[method-assign,assignment]  # never read
        status, headers, answer = call(app, post(untouched, "6"))
        assert status.startswith("503 ")
        assert headers["retry-after"] == "1"
        assert json.loads(answer)["error"]["code"] == "busy"
    finally:
        stuck.arrive()


def test_no_body_and_too_large_a_body_go_straight_to_the_app() -> None:
    app = guard(SAFETY)
    unread = io.BytesIO(b"")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.input": unread}
    assert call(app, environ)[0] == "200 OK"
    assert environ["wsgi.input"] is unread
    environ = post(unread, "101")
    call(app, environ)
    assert environ["wsgi.input"] is unread  # the app answers 413 without reading it
