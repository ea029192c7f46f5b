#!/usr/bin/env python3
"""Benchmark: the same front over the embedded store and over external stores, and replicas.

Not a test (CI never runs it). Needs ``wrk`` and what the tests install (Oxigraph's server in
.venv, Debian's virtuoso-opensource and nginx: ``bash tools/system-deps``)::

    .venv/bin/python bench/stores.py                      # on dist/ (built by `dprk-ld build`)
    .venv/bin/python bench/stores.py --dist /tmp/f100/dist --seconds 10   # the synthetic corpus

One run, side by side, on one release:

* ``oxigraph`` and ``virtuoso``: each store's own endpoint, queried directly (the release's
  graphs as ``default-graph-uri``, as our front asks them), after ``dprk-ld publish`` loaded it;
* ``front/embedded`` (``dprk-ld serve --dist``), ``front/oxigraph`` and ``front/virtuoso``
  (``dprk-ld serve --store``): our front, with every rule of the public endpoint;
* ``replicas``: ``dprk-ld replicas`` (two embedded fronts behind nginx's cache), against the
  single ``front/embedded``.

Workloads: distinct lookups, distinct heavier queries (joins, aggregates, text filters: no
query sent twice), and repeated queries (a small fixed set), from ``bench/run.py``'s mix; one
``wrk`` client, the per-client limits lifted as ``bench/run.py`` does (it measures speed, not
fairness). Per target: answers per second (2xx only), p50/p99, the front's overhead per
request (median latency of distinct lookups at one connection, minus the store's own), and
memory (proportional set size of the front's and the store's process trees after the runs).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from dprk_ld.testing import free_port  # noqa: E402
from dprk_ld.testing.stores import OxigraphServer, StoreServer, VirtuosoServer  # noqa: E402


def _module(name: str, file: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, HERE / file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


attack = _module("bench_attack", "attack.py")  # loads bench/run.py as bench_run
run = attack.bench
GRAPH_BASE = "https://w3id.org/dprk-ld/graph/"
WORKLOADS = ("lookup", "heavier", "repeated")


def texts_for(workload: str, subjects: list[str]) -> list[str]:
    if workload == "lookup":
        return run.queries("lookup", subjects, 300_000, True)
    if workload == "heavier":
        mixed = [t for c in run.HEAVY for t in run.queries(c, subjects, 30_000, True)]
        run.random.Random(3).shuffle(mixed)
        return mixed
    repeated = [t for c in run.CATEGORIES for t in run.queries(c, subjects, 64, False)]
    run.random.Random(4).shuffle(repeated)
    return repeated


def direct(store: StoreServer, graphs: list[str]) -> Any:
    """The store's own endpoint as a bench server, the release's graphs its default graph."""
    url = store.endpoints.query_url
    base, path = url.split("/", 3)[:3], "/" + url.split("/", 3)[3]
    extra = "".join(f"&default-graph-uri={quote(g, safe='')}" for g in graphs)
    assert store.proc is not None
    return run.Server(store.name, store.proc, "/".join(base), path, extra)


def release_graphs(store: StoreServer) -> list[str]:
    return sorted(g for g in store.graph_sizes() if g.startswith(GRAPH_BASE))


@contextlib.contextmanager
def replicas(dist: Path, opts: argparse.Namespace) -> Iterator[Any]:
    """``dprk-ld replicas``: two fronts behind nginx on loopback, one process group."""
    state = Path(tempfile.mkdtemp(prefix="bench-replicas-"))
    state.chmod(0o755)
    port = free_port()
    while any(_busy(p) for p in range(port, port + 3)):
        port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DPRK_LD_")}
    env.update({"DPRK_LD_CLIENT_QUERIES": "100000", "DPRK_LD_CLIENT_BUDGET": "1e9",
                "DPRK_LD_WORKERS": "1", "DPRK_LD_THREADS": str(opts.threads)})
    proc = run.start([str(ROOT / ".venv" / "bin" / "dprk-ld"), "replicas", "--release", str(dist),
                      "--fronts", "2", "--port", str(port), "--state", str(state),
                      "--trusted-proxies", "127.0.0.1", "--root", str(ROOT)], env)
    server = run.Server("replicas", proc, f"http://127.0.0.1:{port}", "/sparql")
    try:
        run.wait_http(server.base + "/sparql")
        yield server
    finally:
        server.stop()
        shutil.rmtree(state, ignore_errors=True)


def _busy(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def measure(server: Any, subjects: list[str], opts: argparse.Namespace,
            trees: Callable[[], list[int]]) -> dict[str, Any]:
    """Every workload on ``server``; then one connection of distinct lookups; then memory."""
    out: dict[str, Any] = {}
    for workload in WORKLOADS:
        texts = texts_for(workload, subjects)
        run.check_answers(server, texts)
        res = run.run_wrk(server, texts, opts.seconds, opts.connections, opts.wrk_threads)
        out[workload] = res
        print(f"  {server.name:16} {workload:9} {res['rps']:9.0f} answers/s  "
              f"p50 {res['p50_ms']:7.2f} ms  p99 {res['p99_ms']:8.2f} ms  "
              f"non-2xx {res['errors_status']}", flush=True)
    single = run.run_wrk(server, texts_for("lookup", subjects[::-1]), max(3, opts.seconds // 2),
                         1, 1)
    out["single_p50_ms"] = single["p50_ms"]
    out["pss_mb"] = sum(attack.tree_pss(pid) for pid in trees()) / 2**20
    print(f"  {server.name:16} one connection: p50 {single['p50_ms']:.2f} ms; "
          f"memory {out['pss_mb']:.0f} MB", flush=True)
    return out


def bench_store(kind: type[StoreServer], dist: Path, opts: argparse.Namespace,
                subjects: list[str], results: dict[str, Any]) -> list[str]:
    """The store directly, then our front over it."""
    # Virtuoso as a deployment would size it for the data (the tests' is small): 1.3 GB of
    # buffers, and 10 minutes for a query, so that publish's checks are not cut at 100x
    sizing = {"buffers": 170_000, "max_seconds": 600} if kind is VirtuosoServer else {}
    with tempfile.TemporaryDirectory(prefix=f"bench-{kind.name}-") as folder, \
            kind(Path(folder), **sizing) as store:
        t0 = time.monotonic()
        store.load(dist)
        print(f"{store.name}: published in {time.monotonic() - t0:.1f} s", flush=True)
        graphs = release_graphs(store)
        server = direct(store, graphs)
        subjects = subjects or run.sample_subjects(server, 500)
        assert store.proc is not None
        results[store.name] = measure(server, subjects, opts, lambda: [store.proc.pid])
        front = run.start_ours(dist, opts, name=f"front/{store.name}",
                               store=store.endpoints.query_url)
        try:
            results[front.name] = measure(front, subjects, opts,
                                          lambda: [front.proc.pid, store.proc.pid])
        finally:
            front.stop()
    return subjects


def table(results: dict[str, Any]) -> str:
    lines = ["| target | lookups/s | heavier/s | repeated/s | p50 lookup, 1 conn (ms) "
             "| front's overhead (ms) | memory (MB) |", "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        store = name.split("/", 1)[1] if name.startswith("front/") else None
        overhead = (f"{r['single_p50_ms'] - results[store]['single_p50_ms']:.2f}"
                    if store in results else "–")
        lines.append(f"| {name} | {r['lookup']['rps']:.0f} | {r['heavier']['rps']:.0f} | "
                     f"{r['repeated']['rps']:.0f} | {r['single_p50_ms']:.2f} | {overhead} | "
                     f"{r['pss_mb']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--query-workers", type=int, default=None)
    parser.add_argument("--skip", action="append", default=[],
                        help="leave out: oxigraph, virtuoso, embedded, replicas")
    parser.add_argument("--json", type=Path, default=ROOT / ".bench" / "stores.json")
    opts = parser.parse_args(argv)
    opts.wsgi, opts.one_client_unlimited = "granian", True
    if not shutil.which("wrk"):
        print("bench: wrk is missing (apt-get install -y wrk)", file=sys.stderr)
        return 2
    quads = sum(1 for _ in (opts.dist / "dprk-ld.nq").open("rb"))
    print(f"release: {opts.dist} ({quads} quads); wrk -t{opts.wrk_threads} -c{opts.connections} "
          f"-d{opts.seconds}s; fronts: {opts.workers} process(es) x {opts.threads} threads; "
          f"load average at start {os.getloadavg()[0]:.2f}", flush=True)
    results: dict[str, Any] = {}
    subjects: list[str] = []
    for kind in (OxigraphServer, VirtuosoServer):
        if kind.name not in opts.skip:
            subjects = bench_store(kind, opts.dist, opts, subjects, results)
    if "embedded" not in opts.skip:
        front = run.start_ours(opts.dist, opts, name="front/embedded")
        try:
            subjects = subjects or run.sample_subjects(front, 500)
            results[front.name] = measure(front, subjects, opts, lambda: [front.proc.pid])
        finally:
            front.stop()
    if "replicas" not in opts.skip:
        with replicas(opts.dist, opts) as server:
            results["replicas"] = measure(server, subjects, opts, lambda: [server.proc.pid])
    print(f"\nload average at end {os.getloadavg()[0]:.2f}\n")
    print(table(results))
    opts.json.parent.mkdir(parents=True, exist_ok=True)
    opts.json.write_text(json.dumps({"quads": quads, "dist": str(opts.dist),
                                     "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
