#!/usr/bin/env python3
"""Attack benchmark: our endpoint beside Oxigraph's own server under hostile clients.

Not a test (CI never runs it). Needs what ``bench/run.py`` needs (``wrk``; ``oxigraph`` in
``.bench/venv``)::

    .venv/bin/python bench/attack.py                       # on dist/ (`dprk-ld build`)
    .venv/bin/python bench/attack.py --dist /tmp/dist --seconds 10 --skip oxigraph
    .venv/bin/python bench/attack.py --scenarios flood,big
    .venv/bin/python bench/attack.py --scenarios slow --skip oxigraph --before ../checkout

Each scenario starts each server afresh on loopback (a query Oxigraph's server was given runs
until the server stops, so none may outlive its scenario) and measures:

* quiet: benign throughput under ``wrk`` (distinct lookups and light aggregates, 4 to 1, from
  64 User-Agents in turn: many clients);
* attack: the same, while 4 attacker clients (User-Agent attacker-1..4) each keep a three-way
  cross product in flight, re-sent as soon as it ends; what the attackers got;
* flood: one client (``wrk``, 50 connections, User-Agent flooder) sending heavy aggregates in a
  loop, and another's lookups (``wrk``, 1 connection): their latency, the flooder's statuses;
* slow: lookups with and without 40 connections that send a POST body one byte a second;
* big: one query whose result would be about 200 MB; the growth of the resident memory of the
  server's processes (from /proc) while it is answered.

It prints a table with the goals beside the figures and writes ``.bench/attack.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _load_run() -> Any:
    """bench/run.py as a module (its servers, queries and subjects)."""
    spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


bench = _load_run()

CROSS3 = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BIG = "SELECT * {{ ?a ?b ?c . ?d ?e ?f }} LIMIT {rows}"
JSON = "application/sparql-results+json"
BENIGN = 64  # User-Agents of the benign load, in turn: many clients, not one with 8 connections
GOALS = {
    "attack": "benign >= 0.8 of quiet, and more than oxigraph's under the same attack",
    "flood": "lookups p50 < 50 ms, p99 < 500 ms; the flooder gets 429 with Retry-After",
    "slow": "40 slow bodies: lookups unaffected (no errors; >= 0.8 of quiet, given the noise)",
    "big": "resident memory growth < 200 MB",
    "soak": "10 minutes, c=32 with attackers and a flooder: 0 errors for benign clients, flat memory",
}
Result = dict[str, Any]

LUA = r"""
local paths = {}
local counter = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  stride = tonumber(args[2])
  agent = args[3]
  agents = tonumber(args[4])
  counter = tonumber(tid) - 1
  s2xx, s429, s503, sother, retry, busy = 0, 0, 0, 0, 0, 0
end
function request()
  counter = counter + stride
  local ua = agent
  if agents > 1 then ua = agent .. "-" .. (counter % agents + 1) end
  return wrk.format("GET", paths[(counter % #paths) + 1],
                    {["Accept"] = "application/sparql-results+json", ["User-Agent"] = ua})
end
function response(status, headers, body)
  if status >= 200 and status < 300 then s2xx = s2xx + 1
  elseif status == 429 then
    s429 = s429 + 1
    if body and string.find(body, "queries running", 1, true) then busy = busy + 1 end
  elseif status == 503 then s503 = s503 + 1
  else sother = sother + 1 end
  if headers["retry-after"] or headers["Retry-After"] then retry = retry + 1 end
end
function done(summary, latency, requests)
  local c = {s2xx = 0, s429 = 0, s503 = 0, sother = 0, retry = 0, busy = 0}
  for _, t in ipairs(threads) do
    for k, _ in pairs(c) do c[k] = c[k] + (t:get(k) or 0) end
  end
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "seconds": %f, "errors_other": %d, "p50_ms": %f, '
    .. '"p99_ms": %f, "200": %d, "429": %d, "503": %d, "other": %d, "retry_after": %d, '
    .. '"429_concurrent": %d}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    c.s2xx, c.s429, c.s503, c.sother, c.retry, c.busy))
end
"""


# --- load ---------------------------------------------------------------------------------------

def run_wrk(server: Any, texts: list[str], seconds: int, connections: int, agent: str,
            threads: int = 2, agents: int = 1) -> Result:
    """``wrk`` sending ``texts`` (each connection its share, in turn) with the User-Agent
    ``agent`` (or, when ``agents`` > 1, ``agent-1`` .. ``agent-N`` in turn: many clients):
    throughput of 2xx answers, latency, status counts (2xx counted as 200) and how many answers
    carried Retry-After."""
    threads = min(threads, connections)
    with tempfile.TemporaryDirectory() as tmp:
        paths = Path(tmp) / "paths.txt"
        paths.write_text("".join(server.path + "?query=" + urllib.parse.quote(t, safe="") + "\n"
                                 for t in texts))
        script = Path(tmp) / "attack.lua"
        script.write_text(LUA)
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
             "-s", str(script), server.base, "--", str(paths), str(threads), agent,
             str(agents)],
            capture_output=True, text=True, timeout=seconds + 120, check=True)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            result: Result = json.loads(line[len("BENCH-JSON "):])
            result["rps"] = result["200"] / max(result["seconds"], 1e-9)
            return result
    raise RuntimeError("wrk printed no result:\n" + out.stdout + out.stderr)


def benign(subjects: list[str], count: int = 300_000) -> list[str]:
    """Distinct lookups and light aggregates (one in five), shuffled: no cache can help."""
    out = []
    for i in range(count):
        text = (bench.aggregate(2 * (i % 8) + 1) if i % 5 == 4
                else bench.lookup(subjects[i % len(subjects)], 50))
        out.append(f"{text} # {i}")
    random.Random(count).shuffle(out)
    return out


def lookups(subjects: list[str], count: int = 300_000) -> list[str]:
    return bench.queries("lookup", subjects, count, True)  # type: ignore[no-any-return]


def heavy(count: int = 20_000) -> list[str]:
    """The heavier aggregate (every triple grouped by predicate), distinct."""
    return [f"{bench.aggregate(2 * (i % 8))} # {i}" for i in range(count)]


class Attackers:
    """``count`` clients, each keeping one ``query`` in flight (GET, User-Agent
    ``attacker-k``) and sending it again as soon as it ends; statuses counted."""

    def __init__(self, server: Any, query: str, count: int = 4) -> None:
        self.host, self.port = urllib.parse.urlsplit(server.base)[1].split(":")
        self.path = server.path + "?query=" + urllib.parse.quote(query, safe="")
        self.stopped = threading.Event()
        self.statuses: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.conns: dict[str, http.client.HTTPConnection] = {}  # each attacker's, in flight
        self.threads = [threading.Thread(target=self._run, args=(f"attacker-{k + 1}",),
                                         daemon=True) for k in range(count)]
        for thread in self.threads:
            thread.start()

    def _run(self, agent: str) -> None:
        while not self.stopped.is_set():
            conn = http.client.HTTPConnection(self.host, int(self.port), timeout=600)
            with self.lock:
                self.conns[agent] = conn
            try:
                conn.request("GET", self.path, headers={"User-Agent": agent, "Accept": JSON})
                resp = conn.getresponse()
                resp.read()
                key = str(resp.status) + (" +Retry-After" if resp.getheader("Retry-After") else "")
            except (OSError, http.client.HTTPException):
                key = "no answer"
                time.sleep(0.05)
            finally:
                conn.close()
            if not self.stopped.is_set():
                with self.lock:
                    self.statuses[key] += 1

    def stop(self) -> dict[str, int]:
        """Stop, abandoning the queries in flight; the statuses of the answers received."""
        self.stopped.set()
        with self.lock:
            for conn in self.conns.values():
                with contextlib.suppress(OSError, AttributeError):
                    conn.sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]
        for thread in self.threads:
            thread.join(timeout=30)
        return dict(self.statuses)


class SlowBodies:
    """``count`` connections, each a POST that declares 1000 bytes of query and sends one byte a
    second; one the server closes is opened again. What the server answered them is counted."""

    HEAD = (b"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-body\r\n"
            b"Content-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nSELECT")

    def __init__(self, server: Any, count: int = 40) -> None:
        host, port = urllib.parse.urlsplit(server.base)[1].split(":")
        self.address = (host, int(port))
        self.head = self.HEAD.replace(b"{path}", server.path.encode())
        self.answers: Counter[str] = Counter()
        self.stopped = threading.Event()
        self.socks = [self._open() for _ in range(count)]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _open(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=10)
        sock.sendall(self.head)
        sock.setblocking(False)
        return sock

    def _answer(self, sock: socket.socket) -> str | None:
        """What the server sent on ``sock`` if it answered or closed it; None while open."""
        try:
            data = sock.recv(64)
        except BlockingIOError:
            return None
        except OSError:
            return "reset"
        return data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "closed"

    def _run(self) -> None:
        while not self.stopped.wait(1.0):
            for i, sock in enumerate(self.socks):
                answer = self._answer(sock)
                if answer is None:
                    with contextlib.suppress(OSError):
                        sock.send(b" ")
                    continue
                self.answers[answer] += 1
                sock.close()
                with contextlib.suppress(OSError):
                    self.socks[i] = self._open()

    def stop(self) -> dict[str, int]:
        self.stopped.set()
        self.thread.join(timeout=30)
        for sock in self.socks:
            sock.close()
        return dict(self.answers)


# --- memory -------------------------------------------------------------------------------------

def tree_rss(root: int) -> int:
    """Bytes of resident memory of process ``root`` and all its descendants (/proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        kb = [line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")]
        rss[int(entry)] = int(kb[0]) * 1024 if kb else 0
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def tree_pss(root: int) -> int:
    """Bytes of proportional set size of process ``root`` and its descendants: each shared page
    counted once in all (a forked query worker shares most of its pages with its web process,
    which resident sizes count again in every worker)."""
    return sum(pss_by_role(root).values())


def pss_by_role(root: int) -> dict[str, int]:
    """Proportional set size of ``root``'s tree by role: ``master`` (``root`` itself), ``web``
    (its children: the web server processes, with their caches) and ``workers`` (their children:
    the query processes), plus ``workers_n``, how many query processes there were."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
    out = {"master": 0, "web": 0, "workers": 0}
    todo, count = [(root, 0)], 0
    while todo:
        pid, depth = todo.pop()
        role = ("master", "web", "workers")[min(depth, 2)]
        count += depth >= 2
        with contextlib.suppress(OSError, IndexError, ValueError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    out[role] += int(line.split()[1]) * 1024
        todo.extend((child, depth + 1) for child in children.get(pid, []))
    return {**out, "workers_n": count}


def big_result(server: Any, rows: int) -> Result:
    """One query of ``rows`` rows of six terms (about 200 MB of JSON when not cut), read and
    dropped; the server tree's resident memory before and at its peak while it was answered."""
    peak = before = tree_rss(server.proc.pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, tree_rss(server.proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    host, port = urllib.parse.urlsplit(server.base)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    started, size = time.monotonic(), 0
    try:
        conn.request("GET", server.path + "?query=" + urllib.parse.quote(BIG.format(rows=rows)),
                     headers={"Accept": JSON, "User-Agent": "big"})
        resp = conn.getresponse()
        while chunk := resp.read(1 << 20):
            size += len(chunk)
        status, truncated = resp.status, resp.getheader("X-SPARQL-Truncated", "")
    finally:
        conn.close()
        time.sleep(0.5)  # one more sample after the answer
        done.set()
        sampler.join()
    mib = 1024 * 1024
    return {"status": status, "mb_received": size / mib, "truncated": truncated,
            "seconds": time.monotonic() - started, "rss_before_mb": before / mib,
            "rss_peak_mb": peak / mib, "growth_mb": (peak - before) / mib}


WARM_UP = 3  # seconds of load on a fresh server before anything is measured


# --- scenarios ----------------------------------------------------------------------------------

def quiet_and_attack(server: Any, opts: argparse.Namespace, subjects: list[str]) -> Result:
    """Benign throughput alone, then with 4 attackers each keeping a cross product in flight."""
    # three disjoint thirds of the mix: a warm-up, the quiet run and the run under attack, so
    # that no phase is answered from the result cache another phase filled
    warm, texts, later = (lambda t: (t[0::3], t[1::3], t[2::3]))(benign(subjects))
    run_wrk(server, warm, WARM_UP, opts.connections, "benign", agents=BENIGN)
    quiet = run_wrk(server, texts, opts.seconds, opts.connections, "benign", agents=BENIGN)
    out: Result = {"quiet": quiet}
    if "attack" not in opts.scenarios:
        return out
    attackers = Attackers(server, CROSS3)
    time.sleep(2)  # every attacker's query under way
    try:
        attacked = run_wrk(server, later, opts.seconds, opts.connections, "benign",
                           agents=BENIGN)
    finally:
        statuses = attackers.stop()
    out["attack"] = {"benign": attacked, "fraction": attacked["rps"] / max(quiet["rps"], 1e-9),
                     "attackers": statuses}
    return out


def flood(server: Any, opts: argparse.Namespace, subjects: list[str]) -> Result:
    """50 connections of heavy aggregates from one client, and one client's lookups."""
    box: dict[str, Result] = {}
    flooder = threading.Thread(target=lambda: box.update(
        flooder=run_wrk(server, heavy(), opts.seconds + 2, 50, "flooder")))
    flooder.start()
    time.sleep(1)  # the flood under way
    victim = run_wrk(server, lookups(subjects), opts.seconds, 1, "victim", threads=1)
    flooder.join()
    return {"victim": victim, "flooder": box["flooder"]}


def slow(server: Any, opts: argparse.Namespace, subjects: list[str]) -> Result:
    """Lookups alone, then beside 40 slow-body connections."""
    warm, texts, later = (lambda t: (t[0::3], t[1::3], t[2::3]))(lookups(subjects))
    run_wrk(server, warm, WARM_UP, opts.connections, "benign", agents=BENIGN)
    quiet = run_wrk(server, texts, opts.seconds, opts.connections, "benign", agents=BENIGN)
    bodies = SlowBodies(server, 40)
    time.sleep(2)  # every slow body has reached the server
    try:
        attacked = run_wrk(server, later, opts.seconds, opts.connections, "benign",
                           agents=BENIGN)
    finally:
        answers = bodies.stop()
    return {"quiet": quiet, "slow": attacked, "slow_answers": answers,
            "fraction": attacked["rps"] / max(quiet["rps"], 1e-9)}


def big(server: Any, opts: argparse.Namespace, subjects: list[str]) -> Result:
    return big_result(server, opts.big_rows)


def soak(server: Any, opts: argparse.Namespace, subjects: list[str]) -> Result:
    """``--soak-seconds`` of benign load (32 connections, each its own client: one ``wrk`` thread
    and User-Agent per connection, as a polite client sends one query at a time; one ``wrk`` run a
    minute)
    beside 4 attackers keeping cross products in flight and one client flooding heavy aggregates
    (8 connections): benign answers other than 200, and the server tree's resident memory,
    sampled every 5 s."""
    texts = benign(subjects)
    run_wrk(server, texts[-20_000:], WARM_UP, 32, "benign", agents=BENIGN)
    attackers = Attackers(server, CROSS3)
    flood_box: dict[str, Result] = {}
    flooder = threading.Thread(target=lambda: flood_box.update(
        flooder=run_wrk(server, heavy(), opts.soak_seconds + 5, 8, "flooder")))
    flooder.start()
    memory: list[tuple[float, int]] = []
    pss: list[int] = []
    roles: list[dict[str, int]] = []
    stop = threading.Event()

    def sample() -> None:
        start = time.monotonic()
        while not stop.wait(5):
            memory.append((time.monotonic() - start, tree_rss(server.proc.pid)))
            roles.append(pss_by_role(server.proc.pid))
            pss.append(roles[-1]["master"] + roles[-1]["web"] + roles[-1]["workers"])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    minutes: list[Result] = []
    try:
        for k in range(max(1, opts.soak_seconds // 60)):
            part = texts[k::max(1, opts.soak_seconds // 60)]
            minutes.append(run_wrk(server, part, min(60, opts.soak_seconds), 32, "benign",
                                   threads=32, agents=32))
    finally:
        stop.set()
        statuses_ = attackers.stop()
        flooder.join()
    errors = sum(m["requests"] - m["200"] + m["errors_other"] for m in minutes)
    mb = [rss / 1e6 for _, rss in memory]
    pss_mb = [p / 1e6 for p in pss]
    return {"minutes": [{"rps": m["rps"], "p99_ms": m["p99_ms"], "errors": m["requests"] - m["200"]
                         + m["errors_other"], "statuses": statuses(m)} for m in minutes],
            "benign_errors": errors, "benign_answers": sum(m["200"] for m in minutes),
            "attackers": statuses_, "flooder": flood_box.get("flooder"),
            "memory_mb": {"first_minute": max(mb[:12], default=0), "last_minute":
                          max(mb[-12:], default=0), "peak": max(mb, default=0)},
            "pss_mb": {"first_minute": max(pss_mb[:12], default=0), "last_minute":
                       max(pss_mb[-12:], default=0), "peak": max(pss_mb, default=0)},
            "pss_by_role_mb": by_role(roles)}


def by_role(samples: list[dict[str, int]]) -> dict[str, Any]:
    """Each role's proportional MB (and the tree's, ``total``), the largest of each minute
    (12 samples of 5 s)."""
    out: dict[str, Any] = {"total": [
        round(max(s["master"] + s["web"] + s["workers"] for s in samples[i:i + 12]) / 1e6, 1)
        for i in range(0, len(samples), 12)]}
    for role in ("master", "web", "workers", "workers_n"):
        scale = 1 if role == "workers_n" else 1e6
        out[role] = [round(max(s[role] for s in samples[i:i + 12]) / scale, 1)
                     for i in range(0, len(samples), 12)]
    return out


SCENARIOS: dict[str, Callable[[Any, argparse.Namespace, list[str]], Result]] = {
    "attack": quiet_and_attack, "flood": flood, "slow": slow, "big": big, "soak": soak}


# --- running and reporting ----------------------------------------------------------------------

def wanted(scenario: str, opts: argparse.Namespace) -> bool:
    if scenario == "attack":  # the quiet baseline is measured in the attack's session
        return bool({"quiet", "attack"} & set(opts.scenarios))
    return scenario in opts.scenarios


def run_server(name: str, starter: Callable[[], Any], opts: argparse.Namespace,
               subjects: list[str]) -> Result:
    """Every scenario wanted, each on a fresh start of one server."""
    out: Result = {}
    for scenario, measure in SCENARIOS.items():
        if not wanted(scenario, opts):
            continue
        server = starter()
        try:
            if not subjects:
                subjects.extend(bench.sample_subjects(server, 500))
            print(f"{name}: {scenario} ...", flush=True)
            result = measure(server, opts, subjects)
        finally:
            server.stop()
        out.update(result if scenario == "attack" else {scenario: result})
        print(f"  {json.dumps(result, default=str)[:600]}", flush=True)
    return out


def statuses(result: Result | None) -> str:
    """Status counts of a ``wrk`` result (or an attackers' tally) in a few words."""
    if result is None:
        return ""
    if "requests" not in result:  # a tally by status
        return ", ".join(f"{k}: {v}" for k, v in sorted(result.items())) or "none"
    parts = [f"{k}: {result[k]}" for k in ("200", "429", "503", "other") if result.get(k)]
    if result.get("429_concurrent"):
        parts.append(f"{result['429_concurrent']} of the 429 for queries already running")
    if result.get("retry_after"):
        parts.append(f"Retry-After on {result['retry_after']}")
    if result.get("errors_other"):
        parts.append(f"socket errors: {result['errors_other']}")
    return ", ".join(parts) or "none"


def at(results: Result, name: str, path: str) -> Any:
    """The value at ``path`` (dotted keys) in ``name``'s results; None when there is none."""
    value: Any = results.get(name)
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def big_line(big_: Result | None) -> str:
    if not big_:
        return ""
    cut = "cut" if big_["truncated"] == "true" else "not cut"
    return f"{big_['mb_received']:.1f} ({big_['status']}, {cut})"


ROWS: list[tuple[str, str, str, Callable[[Any], str] | str]] = [
    # scenario, figure, path in the results, format
    ("quiet", "benign req/s", "quiet.rps", "{:.0f}"),
    ("attack", "benign req/s, 4 attackers", "attack.benign.rps", "{:.0f}"),
    ("attack", "benign, fraction of quiet", "attack.fraction", "{:.2f}"),
    ("attack", "benign answers", "attack.benign", statuses),
    ("attack", "attackers' answers", "attack.attackers", statuses),
    ("flood", "lookups p50 ms", "flood.victim.p50_ms", "{:.1f}"),
    ("flood", "lookups p99 ms", "flood.victim.p99_ms", "{:.1f}"),
    ("flood", "lookups answered", "flood.victim", statuses),
    ("flood", "flooder's answers", "flood.flooder", statuses),
    ("slow", "lookups req/s, quiet", "slow.quiet.rps", "{:.0f}"),
    ("slow", "lookups req/s, 40 slow bodies", "slow.slow.rps", "{:.0f}"),
    ("slow", "lookups, fraction of quiet", "slow.fraction", "{:.2f}"),
    ("slow", "lookups answered, 40 slow bodies", "slow.slow", statuses),
    ("slow", "slow bodies: the server's answers", "slow.slow_answers", statuses),
    ("big", "MB received (status, cut by the row cap)", "big", big_line),
    ("big", "resident memory growth MB", "big.growth_mb", "{:.0f}"),
    ("soak", "benign answers (200)", "soak.benign_answers", "{}"),
    ("soak", "benign errors (not 200)", "soak.benign_errors", "{}"),
    ("soak", "benign req/s, each minute", "soak.minutes",
     lambda ms: " ".join(f"{m['rps']:.0f}" for m in ms)),
    ("soak", "resident MB (shared pages once per process): first minute, last, peak",
     "soak.memory_mb", lambda m: f"{m['first_minute']:.0f}, {m['last_minute']:.0f}, {m['peak']:.0f}"),
    ("soak", "proportional MB (shared pages once): first minute, last, peak", "soak.pss_mb",
     lambda m: f"{m['first_minute']:.0f}, {m['last_minute']:.0f}, {m['peak']:.0f}"),
    ("soak", "proportional MB of the tree, each minute", "soak.pss_by_role_mb.total",
     lambda xs: " ".join(f"{x:.0f}" for x in xs)),
    ("soak", "proportional MB by role, each minute: web processes", "soak.pss_by_role_mb.web",
     lambda xs: " ".join(f"{x:.0f}" for x in xs)),
    ("soak", "proportional MB by role, each minute: query processes", "soak.pss_by_role_mb.workers",
     lambda xs: " ".join(f"{x:.0f}" for x in xs)),
    ("soak", "attackers' answers", "soak.attackers", statuses),
    ("soak", "flooder's answers", "soak.flooder", statuses),
]


def cell(results: Result, name: str, path: str, fmt: Callable[[Any], str] | str) -> str:
    value = at(results, name, path)
    if value is None:
        return ""
    return fmt(value) if callable(fmt) else fmt.format(value)


def table(results: dict[str, Result]) -> str:
    names = list(results)
    lines = ["| scenario | figure | " + " | ".join(names) + " | goal |",
             "| --- | --- | " + " | ".join("---:" for _ in names) + " | --- |"]
    shown: set[str] = set()
    for scenario, what, path, fmt in ROWS:
        cells = [cell(results, name, path, fmt) for name in names]
        if not any(cells):
            continue
        goal = GOALS.get(scenario, "") if scenario not in shown else ""
        shown.add(scenario)
        lines.append(f"| {scenario} | {what} | " + " | ".join(cells) + f" | {goal} |")
    return "\n".join(lines)


def verdicts(results: dict[str, Result]) -> list[str]:
    """Each goal of ours, met or missed, with the figure that decides it."""
    def met(ok: bool) -> str:
        return "met" if ok else "MISSED"

    ours, oxi, out = results.get("dprk-ld", {}), results.get("oxigraph", {}), []
    if "attack" in ours:
        frac, rps = ours["attack"]["fraction"], ours["attack"]["benign"]["rps"]
        line = f"attack: benign {frac:.2f} of quiet (>= 0.8: {met(frac >= 0.8)})"
        if "attack" in oxi:
            other = oxi["attack"]["benign"]["rps"]
            line += f"; {rps:.0f} vs oxigraph's {other:.0f} req/s under attack ({met(rps > other)})"
        out.append(line)
    if "flood" in ours:
        victim, flooder = ours["flood"]["victim"], ours["flood"]["flooder"]
        out.append(f"flood: lookups p50 {victim['p50_ms']:.1f} ms ({met(victim['p50_ms'] < 50)}), "
                   f"p99 {victim['p99_ms']:.1f} ms ({met(victim['p99_ms'] < 500)}); flooder got "
                   f"{flooder['429']} x 429, Retry-After on {flooder['retry_after']} "
                   f"({met(flooder['429'] > 0 and flooder['retry_after'] > 0)})")
    if "slow" in ours:
        res, frac = ours["slow"]["slow"], ours["slow"]["fraction"]
        errors = res["requests"] - res["200"] + res["errors_other"]
        out.append(f"slow: lookups {frac:.2f} of quiet with 40 slow bodies, {errors} errors "
                   f"({met(frac >= 0.8 and errors == 0)})")
    if "big" in ours:
        growth = ours["big"]["growth_mb"]
        out.append(f"big: resident memory grew {growth:.0f} MB ({met(growth < 200)})")
    if "soak" in ours:
        soaked = ours["soak"]
        out.append(f"soak: {soaked['benign_errors']} benign errors in {soaked['benign_answers']} "
                   f"answers ({met(soaked['benign_errors'] == 0)}); {flatness(soaked, met)}")
    return out


def flatness(soaked: Result, met: Callable[[bool], str]) -> str:
    """Flat memory: the tree's proportional size after the first minute (in which the fresh
    query processes still share every page with their web process and have not yet been
    replaced once) stays within 10 % of the second minute's, to the end."""
    total = (soaked.get("pss_by_role_mb") or {}).get("total") or []
    if len(total) < 3:
        mem = soaked.get("pss_mb") or soaked["memory_mb"]
        return f"memory from {mem['first_minute']:.0f} to {mem['last_minute']:.0f} MB (too short to judge)"
    warm, rest = total[1], total[2:]
    return (f"memory after the first minute {warm:.0f} MB, then up to {max(rest):.0f}, last "
            f"{rest[-1]:.0f} ({met(max(rest) <= 1.1 * warm)}: flat within 10 %)")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=bench.ROOT / "dist")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of each measurement")
    parser.add_argument("--connections", type=int, default=8,
                        help="wrk connections of the benign load and of the lookups")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--query-workers", type=int, default=None,
                        help="query workers per process (default: the server's own default)")
    parser.add_argument("--big-rows", type=int, default=450_000,
                        help="rows of the big result (about 600 bytes each in JSON)")
    parser.add_argument("--skip", action="append", default=[], help="a server: oxigraph")
    parser.add_argument("--before", type=Path,
                        help="another checkout of dprk-ld (with its own .venv) to run as "
                        "dprk-ld-before, e.g. the commit before a change")
    parser.add_argument("--scenarios", default="quiet,attack,flood,slow,big",
                        help="comma-separated: quiet, attack, flood, slow, big, soak")
    parser.add_argument("--soak-seconds", type=int, default=600,
                        help="seconds of the soak (one wrk run a minute)")
    parser.add_argument("--json", type=Path, default=bench.ROOT / ".bench" / "attack.json")
    opts = parser.parse_args(argv)
    opts.scenarios = [s.strip() for s in opts.scenarios.split(",") if s.strip()]
    opts.wsgi = "granian"  # for bench/run.py's start_ours
    return opts


def main(argv: list[str] | None = None) -> int:
    opts = parse(argv)
    if not shutil.which("wrk"):
        print("attack: wrk is missing (apt-get install -y wrk)", file=sys.stderr)
        return 2
    dist = opts.dist.resolve()
    if not (dist / "dprk-ld.nq").is_file():
        print(f"attack: no release in {dist}; run `dprk-ld build`", file=sys.stderr)
        return 2
    quads = sum(1 for _ in (dist / "dprk-ld.nq").open("rb"))
    print(f"release: {dist} ({quads} quads); {opts.seconds} s per measurement; ours: "
          f"{opts.workers} process(es) x {opts.threads} threads, {opts.query_workers} query "
          f"workers each; {os.cpu_count()} cores; scenarios {','.join(opts.scenarios)}", flush=True)
    starters = {"dprk-ld": lambda: bench.start_ours(dist, opts),
                "oxigraph": lambda: bench.start_oxigraph(dist)}
    if opts.before:
        starters["dprk-ld-before"] = lambda: bench.start_ours(
            dist, opts, opts.before.resolve(), "dprk-ld-before")
    results: dict[str, Result] = {}
    subjects: list[str] = []
    for name, starter in starters.items():
        if name not in opts.skip:
            results[name] = run_server(name, starter, opts, subjects)
    print()
    print(table(results))
    print()
    for line in verdicts(results):
        print(line)
    opts.json.parent.mkdir(parents=True, exist_ok=True)
    opts.json.write_text(json.dumps({"quads": quads, "dist": str(dist), "seconds": opts.seconds,
                                     "goals": GOALS, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
