"""Build synthetic projects N times ours, one after the other, and measure each build and server.

    .venv/bin/python bench/scale.py --factors 1,10,100

For each factor, ``bench/synth.py`` writes the project into a fresh folder, ``dprk-ld build``
builds it in a child process, and the script reads off: the wall-clock and CPU time of the build,
the time per triple, the child's peak resident memory (``ru_maxrss`` from ``os.wait4``, that
child's alone), and the time of each build step (from the steps the build prints) with its CPU
time (read from /proc as each step ends) and the highest resident memory sampled (every 0.2 s,
from /proc) while it ran. Then
``dprk-ld serve --dist <project>/dist`` starts and the script measures the time to the first
200 answer on ``/sparql``, and stops the server (SIGTERM) before the next factor.

The goals (bench/README.md, "Scale"): the largest factor builds in at most 120 s, its time per
triple is at most 1.5 times that of the smallest, every build stays under 4 GB, and the server
answers within 10 s. The results are printed and written as JSON (``--json``). The load average
is printed before each build: on a shared machine, CPU time says more than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import synthesize  # a script beside this one

GOAL_SECONDS, GOAL_RATIO, GOAL_MB, GOAL_SERVE = 120.0, 1.5, 4096, 10.0
STEP = re.compile(r"^\[(\d+)/(\d+)\] (.*?) \.\.\. (?:done|failed).*\(([\d.]+)s\)$")
CLI = [sys.executable, "-m", "dprk_ld.cli"]


def _rss_mb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmRSS:\s+(\d+)", status)
    return int(found.group(1)) // 1024 if found else None


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time (user and system, all threads) the process ``pid`` has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _sample(pid: int, samples: list[tuple[float, int]], done: threading.Event) -> None:
    """The child's resident memory every 0.2 s, until ``done``."""
    while not done.wait(0.2):
        rss = _rss_mb(pid)
        if rss is not None:
            samples.append((time.perf_counter(), rss))


def run_build(root: Path, dist: Path) -> dict[str, Any]:
    """Build ``root`` into ``dist`` in a child process; its times, peak memory (in all, and in
    each step, sampled) and steps."""
    started = time.perf_counter()
    proc = subprocess.Popen([*CLI, "build", "--root", str(root), "--dist", str(dist)],
                            stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int]] = []
    done = threading.Event()
    threading.Thread(target=_sample, args=(proc.pid, samples, done), daemon=True).start()
    steps: dict[str, float] = {}
    step_cpu: dict[str, float] = {}
    ends: list[tuple[float, str]] = []
    cpu_before = 0.0
    assert proc.stderr is not None
    for line in proc.stderr:
        sys.stderr.write(f"    {line}")
        m = STEP.match(line.strip())
        if m:
            name = m.group(3).split(" /")[0]  # "writing /path/to/dist": the path is no name
            steps[name] = float(m.group(4))
            ends.append((time.perf_counter(), name))
            cpu = _cpu_seconds(proc.pid)
            if cpu is not None:  # the CPU time of the step (with the start-up in the first)
                step_cpu[name], cpu_before = round(cpu - cpu_before, 1), cpu
    done.set()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    info = json.loads((dist / "release.json").read_text(encoding="utf-8")) if proc.returncode == 0 else {}
    return {"exit": proc.returncode, "seconds": round(wall, 2),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024), "triples": info.get("triples", 0),
            "findings": info.get("findings", 0), "steps": steps, "step_cpu": step_cpu,
            "step_peak_mb": _by_step(samples, ends)}


def _by_step(samples: list[tuple[float, int]], ends: list[tuple[float, str]]) -> dict[str, int]:
    """The highest sampled memory of each step (a step ends when its line is read)."""
    peaks: dict[str, int] = {}
    begin = 0.0
    for end, name in ends:
        inside = [rss for t, rss in samples if begin <= t <= end]
        peaks[name] = max(inside, default=0)
        begin = end
    return peaks


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_to_serve(root: Path, dist: Path, limit: float = 180.0) -> float | None:
    """Seconds from starting ``dprk-ld serve --dist`` to its first 200 on /sparql (None: none
    within ``limit``); the server is stopped afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"
    log = (root / "serve.log").open("w")
    started = time.perf_counter()
    proc = subprocess.Popen([*CLI, "serve", "--dist", str(dist), "--port", str(port)],
                            cwd=root, stdout=log, stderr=subprocess.STDOUT)
    try:
        while time.perf_counter() - started < limit and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return round(time.perf_counter() - started, 2)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        return None
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def measure(factor: int, work: Path, serve: bool) -> dict[str, Any]:
    root = work / f"x{factor}"
    shutil.rmtree(root, ignore_errors=True)
    t = time.perf_counter()
    synthesize(factor, root)
    made = round(time.perf_counter() - t, 1)
    load = os.getloadavg()[0]
    print(f"factor {factor}: project written in {made}s; load average {load:.2f}; building",
          file=sys.stderr)
    result = {"factor": factor, "load_before": round(load, 2), **run_build(root, root / "dist")}
    if serve and result["exit"] == 0:
        result["serve_seconds"] = time_to_serve(root, root / "dist")
    return result


def _per_triple(results: list[dict[str, Any]], key: str) -> dict[int, float]:
    """Microseconds per triple of each factor, of wall-clock (``seconds``) or CPU time."""
    return {r["factor"]: r[key] / r["triples"] * 1e6 if r["triples"] else float("nan") for r in results}


def report(results: list[dict[str, Any]]) -> list[str]:
    """A table of the runs (with the load average at the start of each build: on a shared
    machine, CPU seconds say more than wall-clock seconds) and whether each goal is met."""
    base = results[0]
    per, cpu = _per_triple(results, "seconds"), _per_triple(results, "cpu_seconds")
    lines = ["| factor | load at start | triples | findings | build s | CPU s | us/triple | x factor "
             f"{base['factor']} | CPU x factor {base['factor']} | peak MB | first 200 s | "
             "steps (time / CPU time / highest memory sampled) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        steps = ", ".join(f"{name} {s:.1f} s / {r.get('step_cpu', {}).get(name, '-')} s CPU / "
                          f"{r['step_peak_mb'].get(name) or '-'} MB" for name, s in r["steps"].items())
        lines.append(f"| {r['factor']} | {r['load_before']} | {r['triples']} | {r['findings']} | "
                     f"{r['seconds']} | {r['cpu_seconds']} | {per[r['factor']]:.0f} | "
                     f"{per[r['factor']] / per[base['factor']]:.2f} | "
                     f"{cpu[r['factor']] / cpu[base['factor']]:.2f} | {r['peak_mb']} | "
                     f"{r.get('serve_seconds', '-')} | {steps} |")
    top = results[-1]
    ratio = per[top["factor"]] / per[base["factor"]]
    cpu_ratio = cpu[top["factor"]] / cpu[base["factor"]]
    verdict = {True: "met", False: "MISSED"}
    lines += [
        "",
        f"factor {top['factor']}: build {top['seconds']} s, {top['cpu_seconds']} s of CPU, load "
        f"average {top['load_before']} at its start (<= {GOAL_SECONDS:.0f} s: "
        f"{verdict[top['exit'] == 0 and top['seconds'] <= GOAL_SECONDS]}); per triple "
        f"{ratio:.2f} x factor {base['factor']} ({cpu_ratio:.2f} in CPU time) "
        f"(<= {GOAL_RATIO}: {verdict[ratio <= GOAL_RATIO]})",
        f"peak memory {max(r['peak_mb'] for r in results)} MB (< {GOAL_MB}: "
        f"{verdict[all(r['peak_mb'] < GOAL_MB for r in results)]}); " + _serving(top),
    ]
    return lines


def _serving(top: dict[str, Any]) -> str:
    if "serve_seconds" not in top:
        return "server not measured"
    seconds = top["serve_seconds"]
    met = seconds is not None and seconds < GOAL_SERVE
    return f"first 200 after {seconds} s (< {GOAL_SERVE:.0f}: {'met' if met else 'MISSED'})"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--factors", default="1,10,100", help="comma-separated factors, smallest first")
    p.add_argument("--work", help="folder for the projects (default: a temporary one, removed)")
    p.add_argument("--keep", action="store_true", help="keep the projects and their releases")
    p.add_argument("--no-serve", action="store_true", help="do not measure the server")
    p.add_argument("--json", default=".bench/scale.json", help="where to write the results")
    args = p.parse_args(argv)
    factors = [int(f) for f in args.factors.split(",")]
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="dprk-ld-scale-"))
    results = []
    try:
        for factor in factors:
            results.append(measure(factor, work, not args.no_serve))
            if not args.keep:
                shutil.rmtree(work / f"x{factor}", ignore_errors=True)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print("\n".join(report(results)))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0 if all(r["exit"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
