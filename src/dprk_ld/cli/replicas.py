"""`dprk-ld replicas`: several `dprk-ld serve` processes of one release behind a caching nginx.

``dprk-ld replicas --release dist --fronts 2 --port 8080`` starts the fronts on loopback ports
(8081, 8082: ``--front-port``), waits until each answers, writes nginx's configuration into the
state folder (src/dprk_ld/deploy/replicas.py, from deploy/replicas/nginx.conf.in), starts nginx
in the foreground and stays until Ctrl-C or SIGTERM, or until one of them stops, and then stops
them all. ``--print-config`` only writes the configuration to stdout. The fronts' other settings
come from the DPRK_LD_* environment variables, as for `dprk-ld serve`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dprk_ld.cli.common import EXIT_ERROR, EXIT_OK

if TYPE_CHECKING:
    from dprk_ld.deploy.replicas import Replicas

STOP_SECONDS = 20.0


def _plan(args: argparse.Namespace, state: Path) -> Replicas:
    """The plan the options describe; ValueError naming the option that is wrong."""
    from dprk_ld.deploy.replicas import Replicas, front_ports, hash_seed, worker_user
    from dprk_ld.site.state import local_url, public_root
    from dprk_ld.web import settings

    release = Path(args.release).resolve()
    if not (release / "release.json").is_file():
        raise ValueError(f"--release: {release} holds no built release (release.json); "
                         "run `dprk-ld build --dist` into it first")
    fronts = front_ports(args.front_port or args.port + 1, args.fronts)
    if args.port in fronts:
        raise ValueError(f"--port {args.port} is also a front's port")
    public = public_root(args.public_url) if args.public_url else local_url(args.host, args.port)
    values = settings.resolve(settings.from_env())  # the fronts' settings
    return Replicas(release=release, host=args.host, port=args.port, fronts=fronts,
                    state=state, public_url=public, trusted_proxies=args.trusted_proxies,
                    cache_size=args.cache_size, body_bytes=int(values["MAX_BODY_BYTES"]) * 2,
                    keepalive_seconds=max(1, int(float(values["HEADER_TIMEOUT"]) / 2)),
                    user=worker_user(), hash_seed=hash_seed(os.environ))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "sparql", timeout=2) as resp:
            return bool(resp.status == 200)
    except (OSError, http.client.HTTPException):
        return False


def _wait_for(urls: list[str], procs: list[subprocess.Popen[Any]], limit: float) -> str | None:
    """None once every URL answers; else what went wrong (a process stopped, or time ran out)."""
    deadline = time.monotonic() + limit
    waiting = list(urls)
    while waiting:
        waiting = [url for url in waiting if not _answers(url)]
        if any(p.poll() is not None for p in procs):
            return "a process stopped while starting (its messages are above)"
        if waiting and time.monotonic() > deadline:
            return f"no answer from {', '.join(waiting)} after {limit:g} s"
        if waiting:
            time.sleep(0.3)
    return None


def _stop(procs: list[subprocess.Popen[Any]]) -> None:
    """SIGTERM to each (each stops what it started), then SIGKILL to any still running."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_SECONDS)


def _supervise(procs: list[subprocess.Popen[Any]], stop: threading.Event) -> int:
    """Wait for SIGTERM or Ctrl-C (0), or for one of the processes to stop (2)."""
    try:
        while not stop.wait(0.5):
            if any(p.poll() is not None for p in procs):
                print("dprk-ld replicas: a process stopped; stopping the others", file=sys.stderr)
                return EXIT_ERROR
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _run(plan: Replicas, nginx: str, root: Path, limit: float) -> int:
    from dprk_ld.deploy.replicas import (
        front_command,
        front_environment,
        nginx_command,
        prepare_state,
    )

    prepare_state(plan)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    procs: list[subprocess.Popen[Any]] = []
    try:
        env = front_environment(plan, os.environ)
        procs += [subprocess.Popen(front_command(plan, port, root), env=env,
                                   stdout=subprocess.DEVNULL) for port in plan.fronts]
        problem = _wait_for([plan.front_url(port) for port in plan.fronts], procs, limit)
        if problem is None:
            procs.append(subprocess.Popen(nginx_command(nginx, plan)))
            problem = _wait_for([plan.url], procs, limit)
        if problem is not None:
            print(f"dprk-ld replicas: {problem}", file=sys.stderr)
            return EXIT_ERROR
        print(f"dprk-ld replicas: serving {plan.release} at {plan.url} through nginx, "
              f"{len(plan.fronts)} fronts on ports {', '.join(map(str, plan.fronts))} "
              f"(state: {plan.state})", file=sys.stderr, flush=True)
        return _supervise(procs, stop)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        _stop(procs)
        signal.signal(signal.SIGTERM, previous)
        plan.ledger.unlink(missing_ok=True)


def _free(plan: Replicas) -> str | None:
    """What already listens on one of the plan's addresses, or None."""
    from dprk_ld.deploy.replicas import FRONT_HOST
    from dprk_ld.web.server import check_address

    return check_address(plan.host, plan.port) or next(
        (p for p in (check_address(FRONT_HOST, port) for port in plan.fronts) if p), None)


def cmd_replicas(args: argparse.Namespace) -> int:
    from dprk_ld.deploy.replicas import nginx_config

    # a configuration to print names its state folder: --state, else ./replicas-state
    made = args.state is None and not args.print_config
    state = Path(tempfile.mkdtemp(prefix="dprk-ld-replicas-") if made
                 else args.state or "replicas-state").resolve()
    try:
        plan = _plan(args, state)
        config = nginx_config(plan)
        if args.print_config:
            sys.stdout.write(config)
            return EXIT_OK
        nginx = (shutil.which(args.nginx) if args.nginx else
                 shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin"))
        problem = (None if nginx else f"no nginx program at {args.nginx}" if args.nginx else
                   "nginx is not installed (Debian: apt-get install nginx)") or _free(plan)
        if problem:
            raise ValueError(problem)
        state.mkdir(parents=True, exist_ok=True)
        plan.config.write_text(config, encoding="utf-8")
        return _run(plan, str(nginx), Path(args.root).resolve(), args.start_limit)
    except (ValueError, OSError) as exc:
        print(f"dprk-ld replicas: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if made:
            with contextlib.suppress(OSError):
                shutil.rmtree(state)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("replicas", help="serve a release from several processes behind a "
                       "caching nginx")
    p.add_argument("--release", required=True, help="the built release folder the fronts serve")
    p.add_argument("--fronts", type=int, default=2, help="`dprk-ld serve` processes (default 2)")
    p.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    p.add_argument("--host", default="127.0.0.1", help="nginx's address (default 127.0.0.1)")
    p.add_argument("--front-port", type=int, help="the first front's port on 127.0.0.1, the "
                   "others follow it (default: --port + 1)")
    p.add_argument("--public-url", help="the address clients reach the site at, for every "
                   "front's absolute URLs (default: http://HOST:PORT/)")
    p.add_argument("--trusted-proxies", default="127.0.0.1", help="the addresses the fronts "
                   "believe X-Forwarded-For from: nginx's, as the fronts see it (default "
                   "127.0.0.1); '' trusts none")
    p.add_argument("--state", help="folder for nginx's configuration, logs and cache (default: "
                   "a temporary folder, removed at the end; with --print-config, "
                   "./replicas-state)")
    p.add_argument("--cache-size", default="1g", help="largest size of nginx's cache (nginx "
                   "size, default 1g)")
    p.add_argument("--nginx", help="the nginx program (default: nginx on PATH or in /usr/sbin)")
    p.add_argument("--start-limit", type=float, default=120.0,
                   help="seconds each part may take to start (default 120)")
    p.add_argument("--print-config", action="store_true", help="write nginx's configuration "
                   "to stdout and start nothing")
    p.add_argument("--root", default=".", help="project folder (its queries/ are the fronts' "
                   "examples)")
    p.set_defaults(func=cmd_replicas)
