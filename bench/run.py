#!/usr/bin/env python3
"""Benchmark: our endpoint beside Oxigraph's own server and rdflib-endpoint, on one release.

Not a test (CI never runs it). Needs ``wrk`` (apt) and a separate venv for the other servers::

    apt-get install -y wrk
    python3 -m venv .bench/venv && .bench/venv/bin/pip install oxigraph rdflib-endpoint
    .venv/bin/python bench/run.py                 # on dist/ (built by `dprk-ld build`)
    .venv/bin/python bench/run.py --synthetic 200000   # on a generated release of that size

It starts each server on loopback, runs a fixed mix of queries (one-resource lookups, joins with
filters, aggregates, text filters) under ``wrk`` for each, twice: *distinct* (no query text is
sent twice, so no cache can help) and *repeated* (a small fixed set, sent again and again), and
prints throughput, latency percentiles and our ratio to each other server. Goals (geometric
means of the ratio to Oxigraph's server): distinct >= 1.0 on the heavier queries and >= 0.25 on
lookups; repeated >= 3.0. Oxigraph runs in its fastest configuration: in-memory store, loaded
over HTTP, union default graph.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = ROOT / ".bench" / "venv"
CATEGORIES = ("lookup", "join", "aggregate", "text")
HEAVY = ("join", "aggregate", "text")

LUA = r"""
local paths = {}
local counter = 0
local nthreads = 0
local threads = {}
function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  table.insert(threads, thread)
end
function init(args)
  local i = 0
  for line in io.lines(args[1]) do
    i = i + 1
    paths[#paths + 1] = line
  end
  counter = tonumber(tid) - 1
  stride = tonumber(args[2])
end
function request()
  counter = counter + stride
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, {["Accept"] = "application/sparql-results+json"})
end
function done(summary, latency, requests)
  local out = string.format(
    '{"requests": %d, "seconds": %f, "errors_status": %d, "errors_other": %d, '
    .. '"p50_ms": %f, "p90_ms": %f, "p99_ms": %f}',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000)
  io.write("BENCH-JSON " .. out .. "\n")
end
"""


# --- the query mix ------------------------------------------------------------------------------

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
DC_TITLE = "http://purl.org/dc/terms/title"
WORDS = ("labour", "prison", "food", "women", "child", "execution", "camp", "report", "north",
         "detention", "forced", "public", "family", "border", "religion", "health", "the", "a")


def lookup(subject: str, n: int) -> str:
    return f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }} LIMIT {n}"


def join(n: int) -> str:
    return ("SELECT ?s ?p ?o ?q ?v WHERE { ?s ?p ?o . ?o ?q ?v . FILTER(isIRI(?o)) "
            "FILTER(?q != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>) } "
            f"LIMIT {100 + n}")


def aggregate(n: int) -> str:
    if n % 2:
        return ("SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type "
                f"ORDER BY DESC(?n) LIMIT {1000 + n}")
    return ("SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { ?s ?p ?o } "
            f"GROUP BY ?p ORDER BY DESC(?n) LIMIT {1000 + n}")


def text(n: int) -> str:
    word = WORDS[n % len(WORDS)]
    return (f"SELECT ?s ?label WHERE {{ ?s <{RDFS_LABEL}>|<{SKOS_LABEL}>|<{DC_TITLE}> ?label "
            f'FILTER(CONTAINS(LCASE(STR(?label)), "{word}")) }} LIMIT {50 + n}')


def queries(category: str, subjects: list[str], count: int, distinct: bool) -> list[str]:
    """``count`` queries of a category, in a shuffled (seeded) order. Distinct ones differ in
    their text (a numbered comment, and the subject, word or LIMIT they ask about), so no cache
    can help; repeated ones are a small fixed set. Within a category the variants do not all
    cost the same (the two aggregates differ about sevenfold; a rare word scans every label),
    so the order is shuffled: ``wrk`` hands request ``k`` to thread ``k mod threads``, and an
    unshuffled list would give each thread (and its connections) only the cheap or only the
    expensive variants, which measures the server's scheduling more than the mix."""
    out = []
    for i in range(count):
        n = i % 8
        if category == "lookup":
            text_ = lookup(subjects[i % len(subjects)], 50)
        elif category == "join":
            text_ = join(n)
        elif category == "aggregate":
            text_ = aggregate(n)
        else:
            text_ = text(i % len(WORDS) if distinct else n)
        out.append(f"{text_} # {i}" if distinct else text_)
    if not distinct:
        out = sorted(set(out))[:64]
    random.Random(len(out)).shuffle(out)
    return out


# --- servers ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    base: str  # scheme://host:port
    path: str  # the query path
    #: appended to every query string (``&default-graph-uri=...`` for a store queried directly)
    extra: str = ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env=env)


def start_ours(dist: Path, opts: argparse.Namespace, root: Path = ROOT,
               name: str = "dprk-ld", store: str | None = None) -> Server:
    """Our server from the checkout ``root`` (its own .venv): this one, or ``--before``'s; over
    the external SPARQL store ``store`` (its query URL) instead of ``dist`` when given."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DPRK_LD_")}
    if getattr(opts, "one_client_unlimited", False):
        # this bench is one client with many connections, measuring speed: the per-client
        # limits (measured by bench/attack.py) would turn most of its heavier queries into 429s
        env.update({"DPRK_LD_CLIENT_QUERIES": "100000", "DPRK_LD_CLIENT_BUDGET": "1e9"})
    if opts.wsgi == "gunicorn":  # the same app under gunicorn (gthread), for the server choice
        env.update({"DPRK_LD_DIST": str(dist),
                    **({"DPRK_LD_QUERY_WORKERS": str(opts.query_workers)} if opts.query_workers
                       else {}),
                    "PYTHONPATH": str(ROOT / "src")})
        proc = start([str(BENCH_VENV / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}",
                      "--workers", str(opts.workers), "--threads", str(opts.threads),
                      "--worker-class", "gthread", "--log-level", "warning",
                      "dprk_ld.web.server:create_app_from_env()"], env)
        server = Server("dprk-ld", proc, f"http://127.0.0.1:{port}", "/sparql")
        wait_http(server.base + "/sparql")
        return server
    source = ["--store", store] if store else ["--dist", str(dist)]
    proc = start([str(root / ".venv" / "bin" / "dprk-ld"), "serve", *source,
                  "--host", "127.0.0.1", "--port", str(port), "--workers", str(opts.workers),
                  "--threads", str(opts.threads),
                  *(["--query-workers", str(opts.query_workers)] if opts.query_workers else [])],
                 env)
    server = Server(name, proc, f"http://127.0.0.1:{port}", "/sparql")
    wait_http(server.base + "/sparql")
    return server


def start_bare(dist: Path, opts: argparse.Namespace) -> Server:
    """The ceiling: ``bench/bare_wsgi.py`` (pyoxigraph in the request thread, no safety at all)
    under Granian with our process and thread counts."""
    port = free_port()
    env = {**os.environ, "DPRK_LD_BENCH_NQ": str(dist / "dprk-ld.nq")}
    proc = start([str(ROOT / ".venv" / "bin" / "granian"), "--interface", "wsgi",
                  "--host", "127.0.0.1", "--port", str(port), "--workers", str(opts.workers),
                  "--blocking-threads", str(opts.threads), "--no-access-log",
                  "--working-dir", str(ROOT / "bench"), "bare_wsgi:app"], env)
    server = Server("bare-wsgi", proc, f"http://127.0.0.1:{port}", "/sparql")
    wait_http(server.base + "/sparql?query=ASK%7B%7D")
    return server


def start_oxigraph(dist: Path) -> Server:
    exe = BENCH_VENV / "bin" / "oxigraph"
    port = free_port()
    proc = start([str(exe), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"])
    server = Server("oxigraph", proc, f"http://127.0.0.1:{port}", "/query")
    wait_http(server.base + "/query")
    data = (dist / "dprk-ld.nq").read_bytes()
    req = urllib.request.Request(server.base + "/store", data=data, method="POST",
                                 headers={"Content-Type": "application/n-quads"})
    with urllib.request.urlopen(req, timeout=600) as resp:
        assert resp.status in (200, 201, 204), resp.status
    return server


def start_rdflib(dist: Path) -> Server:
    exe = BENCH_VENV / "bin" / "rdflib-endpoint"
    port = free_port()
    proc = start([str(exe), "serve", str(dist / "dprk-ld.nq"), "--host", "127.0.0.1",
                  "--port", str(port)])
    server = Server("rdflib-endpoint", proc, f"http://127.0.0.1:{port}", "/")
    wait_http(server.base + "/?query=ASK%7B%7D", seconds=900)
    return server


# --- running wrk --------------------------------------------------------------------------------

def run_wrk(server: Server, texts: list[str], seconds: int, connections: int,
            threads: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = Path(tmp) / "paths.txt"
        paths.write_text("".join(server.path + "?query=" + urllib.parse.quote(t, safe="")
                                 + server.extra + "\n" for t in texts))
        script = Path(tmp) / "mix.lua"
        script.write_text(LUA)
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
             "-s", str(script), server.base, "--", str(paths), str(threads)],
            capture_output=True, text=True, timeout=seconds + 120, check=True)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            result = json.loads(line[len("BENCH-JSON "):])
            # answers, not requests: a 429 or 503 is not throughput
            result["rps"] = ((result["requests"] - result["errors_status"])
                             / max(result["seconds"], 1e-9))
            return result
    raise RuntimeError("wrk printed no result:\n" + out.stdout + out.stderr)


def check_answers(server: Server, texts: list[str]) -> None:
    """Each query of the mix answers 200 on this server (so throughput counts real answers)."""
    for text_ in texts[:3]:
        url = (server.base + server.path + "?query=" + urllib.parse.quote(text_, safe="")
               + server.extra)
        req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            assert resp.status == 200
            json.loads(resp.read())


# --- data ---------------------------------------------------------------------------------------

def synthetic_release(target: Path, triples: int, seed: int = 7) -> Path:
    """A release-shaped dist/ of about ``triples`` quads in the project's four graphs."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    base = "https://w3id.org/dprk-ld/"
    data, onto = f"<{base}graph/data>", f"<{base}graph/ontology>"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    classes = ["Finding", "Source", "Evidence", "Person", "Organization", "Place", "Topic"]
    lines = []
    for c in classes:
        owl_class = "<http://www.w3.org/2002/07/owl#Class>"
        lines.append(f"<{base}ontology#{c}> {rdf_type} {owl_class} {onto} .")
        lines.append(f'<{base}ontology#{c}> <{RDFS_LABEL}> "{c}"@en {onto} .')
    n_entities = max(10, triples // 8)
    for i in range(n_entities):
        c = classes[i % len(classes)]
        s = f"<{base}id/{c.lower()}/{i}>"
        lines.append(f"{s} {rdf_type} <{base}ontology#{c}> {data} .")
        words = " ".join(rng.choice(WORDS) for _ in range(6))
        lines.append(f'{s} <{RDFS_LABEL}> "{c} {i}: {words}"@en {data} .')
        lines.append(f'{s} <{base}ontology#year> "{2000 + i % 25}"^^'
                     f"<http://www.w3.org/2001/XMLSchema#gYear> {data} .")
        for k in range(3):
            o = rng.randrange(n_entities)
            lines.append(f"{s} <{base}ontology#related{k}> "
                         f"<{base}id/{classes[o % len(classes)].lower()}/{o}> {data} .")
        lines.append(f'{s} <{DC_TITLE}> "Title {words}" {data} .')
    (target / "dprk-ld.nq").write_text("\n".join(lines) + "\n")
    return target


def sample_subjects(server: Server, count: int) -> list[str]:
    query = ("SELECT DISTINCT ?s WHERE { ?s a ?type . FILTER(isIRI(?s)) } LIMIT 20000")
    url = server.base + server.path + "?query=" + urllib.parse.quote(query, safe="") + server.extra
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=300) as resp:
        rows = json.loads(resp.read())["results"]["bindings"]
    subjects = [r["s"]["value"] for r in rows]
    random.Random(1).shuffle(subjects)
    return subjects[:count]


# --- main ---------------------------------------------------------------------------------------

def geomean(values: list[float]) -> float:
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--synthetic", type=int, default=0,
                        help="bench on a generated release of about this many quads")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--query-workers", type=int, default=None,
                        help="query workers per process (default: the server's own default)")
    parser.add_argument("--wsgi", choices=("granian", "gunicorn"), default="granian",
                        help="the WSGI server ours runs under (gunicorn: pip install it in "
                        ".bench/venv with flask, pyoxigraph)")
    parser.add_argument("--skip", action="append", default=[],
                        help="a server to leave out: oxigraph or rdflib-endpoint")
    parser.add_argument("--bare", action="store_true",
                        help="also run bench/bare_wsgi.py (pyoxigraph in the request thread with "
                        "no safety at all, under Granian): the ceiling of a Python WSGI layer")
    parser.add_argument("--before", type=Path,
                        help="another checkout of dprk-ld (with its own .venv) to run side by "
                        "side as dprk-ld-before, e.g. the commit before a change")
    parser.add_argument("--modes", default="distinct,repeated",
                        help="comma-separated: distinct, repeated")
    parser.add_argument("--fair", dest="one_client_unlimited", action="store_false",
                        help="keep our server's per-client limits (CLIENT_QUERIES, CLIENT_BUDGET): "
                        "wrk is one client, so most heavier queries then get 429, not answers")
    parser.add_argument("--json", type=Path, default=ROOT / ".bench" / "results.json")
    opts = parser.parse_args(argv)

    if not shutil.which("wrk"):
        print("bench: wrk is missing (apt-get install -y wrk)", file=sys.stderr)
        return 2
    dist = opts.dist
    if opts.synthetic:
        dist = synthetic_release(ROOT / ".bench" / f"dist-synthetic-{opts.synthetic}",
                                 opts.synthetic)
    if not (dist / "dprk-ld.nq").is_file():
        print(f"bench: no release in {dist}; run `dprk-ld build` or use --synthetic N",
              file=sys.stderr)
        return 2
    quads = sum(1 for _ in (dist / "dprk-ld.nq").open("rb"))
    print(f"release: {dist} ({quads} quads); wrk -t{opts.wrk_threads} -c{opts.connections} "
          f"-d{opts.seconds}s; ours: {opts.workers} process(es) x {opts.threads} threads, "
          f"{opts.query_workers} query workers each, under {opts.wsgi}; {os.cpu_count()} cores",
          flush=True)

    starters = [("dprk-ld", lambda: start_ours(dist, opts)),
                ("oxigraph", lambda: start_oxigraph(dist)),
                ("rdflib-endpoint", lambda: start_rdflib(dist))]
    if opts.bare:
        starters.insert(1, ("bare-wsgi", lambda: start_bare(dist, opts)))
    if opts.before:
        starters.insert(1, ("dprk-ld-before",
                            lambda: start_ours(dist, opts, opts.before.resolve(), "dprk-ld-before")))
    modes = [m for m in ("distinct", "repeated") if m in opts.modes.split(",")]
    results: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    subjects: list[str] = []
    for name, starter in starters:
        if name in opts.skip:
            continue
        t0 = time.monotonic()
        server = starter()
        startup = time.monotonic() - t0
        print(f"{name}: started and loaded in {startup:.1f} s", flush=True)
        try:
            if not subjects:
                subjects = sample_subjects(server, 500)
            results[name] = {}
            for mode in modes:
                results[name][mode] = {}
                for category in CATEGORIES:
                    count = 300_000 if (mode == "distinct" and category == "lookup") else (
                        100_000 if mode == "distinct" else 64)
                    texts = queries(category, subjects, count, mode == "distinct")
                    check_answers(server, texts)
                    seconds = opts.seconds if name != "rdflib-endpoint" else max(
                        3, opts.seconds // 2)
                    res = run_wrk(server, texts, seconds, opts.connections, opts.wrk_threads)
                    results[name][mode][category] = res
                    print(f"  {name:16} {mode:9} {category:10} {res['rps']:9.0f} req/s  "
                          f"p50 {res['p50_ms']:7.2f} ms  p99 {res['p99_ms']:8.2f} ms  "
                          f"non-2xx {res['errors_status']}", flush=True)
        finally:
            server.stop()

    print()
    print(table(results))
    opts.json.parent.mkdir(parents=True, exist_ok=True)
    opts.json.write_text(json.dumps({"quads": quads, "dist": str(dist), "results": results},
                                    indent=2))
    return 0


def table(results: dict[str, dict[str, dict[str, dict[str, float]]]]) -> str:
    rows = ["| mode | query | server | req/s | p50 ms | p90 ms | p99 ms | ours / it |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    ours = results.get("dprk-ld", {})
    modes = [m for m in ("distinct", "repeated") if any(m in r for r in results.values())]
    for mode in modes:
        for category in CATEGORIES:
            for name, by_mode in results.items():
                res = by_mode[mode][category]
                ratio = ""
                if name != "dprk-ld" and ours:
                    ratio = f"{ours[mode][category]['rps'] / max(res['rps'], 1e-9):.2f}"
                rows.append(f"| {mode} | {category} | {name} | {res['rps']:.0f} | "
                            f"{res['p50_ms']:.2f} | {res['p90_ms']:.2f} | {res['p99_ms']:.2f} "
                            f"| {ratio} |")
    lines = ["\n".join(rows), ""]

    def ratio(a: str, b: str, mode: str, cats: tuple[str, ...]) -> float:
        return geomean([results[a][mode][c]["rps"] / max(results[b][mode][c]["rps"], 1e-9)
                        for c in cats])

    pairs = [("dprk-ld", other) for other in results if other != "dprk-ld" and ours]
    for other in ("bare-wsgi", "dprk-ld-before"):
        if other in results and "oxigraph" in results:
            pairs.append((other, "oxigraph"))
    for a, b in pairs:
        parts = []
        if "distinct" in modes:
            parts.append(f"distinct heavier (join, aggregate, text) "
                         f"{ratio(a, b, 'distinct', HEAVY):.2f}; distinct lookups "
                         f"{ratio(a, b, 'distinct', ('lookup',)):.2f}")
        if "repeated" in modes:
            parts.append(f"repeated (all) {ratio(a, b, 'repeated', CATEGORIES):.2f}")
        lines.append(f"geometric mean of {a} / {b}: " + "; ".join(parts))
    if "oxigraph" in results and ours:
        lines.append("goals vs oxigraph: distinct heavier >= 1.0, distinct lookups >= 0.25, "
                     "repeated >= 3.0")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
