"""Several `dprk-ld serve` processes of one release behind nginx, a caching reverse proxy.

A plan (:class:`Replicas`) names the release, the proxy's address, the loopback ports of the
"fronts" and a state folder; :func:`nginx_config` fills ``deploy/replicas/nginx.conf.in`` with
it and :func:`front_command` / :func:`nginx_command` say how each process is started
(`dprk-ld replicas` starts them). What the plan settles:

* every front serves the same release folder with the same public address (the proxy's) and
  the same ``PYTHONHASHSEED`` (drawn at random for each start), so that all of them send the
  same bytes and the same ETags for a URL (rdflib writes JSON-LD and blank node labels in an
  order that depends on the seed), and all of them switch to a release built anew into the
  folder (``RELOAD_SECONDS``);
* the fronts trust the proxy's address (``TRUSTED_PROXIES``), so a client's address reaches
  them through ``X-Forwarded-For``, and they share one client ledger, so a client's query
  budget is counted once whichever front answers;
* the proxy caches GET and HEAD answers for as long as their Cache-Control allows and no longer,
  keyed by URL and Accept, and asks again with the ETag once that time is over. A new release
  therefore reaches every client through the proxy within ``CACHE_MAX_AGE`` seconds (plus
  ``RELOAD_SECONDS``); nothing is purged (open-source nginx has no purge), so lower
  ``CACHE_MAX_AGE`` to switch sooner.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dprk_ld.endpoint.fairness import TABLE_BYTES

#: the template, in the repository (``deploy/replicas/``)
TEMPLATE = Path(__file__).resolve().parents[3] / "deploy" / "replicas" / "nginx.conf.in"
#: where the fronts listen: only the proxy faces the network
FRONT_HOST = "127.0.0.1"
#: an unprivileged account for nginx's workers when it is started as root
UNPRIVILEGED = "nobody"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class Replicas:
    """What to start: the release, the proxy's address, the fronts' ports, the state folder
    (nginx's configuration, pid, logs, temporary files and cache; the client ledger)."""

    release: Path
    host: str
    port: int
    fronts: tuple[int, ...]
    state: Path
    #: the address clients reach the site at: every front makes its absolute URLs from it
    public_url: str
    #: the addresses the fronts believe X-Forwarded-For from (the proxy's); "" trusts none
    trusted_proxies: str = FRONT_HOST
    cache_size: str = "1g"
    body_bytes: int = 2 * 1024 * 1024
    #: seconds nginx keeps an idle connection to a front: less than the fronts' HEADER_TIMEOUT
    keepalive_seconds: int = 5
    #: nginx's ``user`` (the workers' account) when it is started as root, else None
    user: str | None = None
    #: the fronts' PYTHONHASHSEED, one for all of them
    hash_seed: int = field(default_factory=lambda: random_seed())

    @property
    def config(self) -> Path:
        return self.state / "nginx.conf"

    @property
    def ledger(self) -> Path:
        return self.state / "clients.ledger"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def front_url(self, port: int) -> str:
        return f"http://{FRONT_HOST}:{port}/"


def front_ports(first: int, count: int) -> tuple[int, ...]:
    """``count`` consecutive ports from ``first``; ValueError when they do not fit."""
    if count < 1:
        raise ValueError("--fronts: at least one front")
    if first < 1 or first + count - 1 > 65535:
        raise ValueError(f"ports {first}..{first + count - 1} are not all TCP ports")
    return tuple(range(first, first + count))


def worker_user() -> str | None:
    """``user group`` for nginx's workers when this process runs as root (nginx would
    otherwise keep them as root); None otherwise, when they run as the current user."""
    if os.geteuid() != 0:
        return None
    account = pwd.getpwnam(UNPRIVILEGED)
    return f"{account.pw_name} {grp.getgrgid(account.pw_gid).gr_name}"


def render(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each ``{{name}}`` replaced by ``values[name]``; ValueError when a
    name has no value or a value no place."""
    wanted = set(PLACEHOLDER.findall(template))
    if wanted != set(values):
        raise ValueError(f"the template asks for {sorted(wanted)}, given {sorted(values)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def nginx_config(plan: Replicas, template: str | None = None) -> str:
    """nginx's configuration for ``plan`` (from :data:`TEMPLATE` unless ``template`` given)."""
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    host = f"[{plan.host}]" if ":" in plan.host else plan.host
    return render(text, {
        "user": f"user {plan.user};" if plan.user else "# (nginx runs as the user who starts it)",
        "state": str(plan.state),
        "cache_size": plan.cache_size,
        "servers": "\n".join(f"        server {FRONT_HOST}:{port};" for port in plan.fronts),
        "listen": f"{host}:{plan.port}",
        "body_bytes": str(plan.body_bytes),
        "keepalive_seconds": str(plan.keepalive_seconds),
    })


def front_command(plan: Replicas, port: int, root: Path) -> list[str]:
    """`dprk-ld serve` of the plan's release on ``port``: same public address, trust in the
    proxy and client ledger as every other front (other settings: DPRK_LD_* variables)."""
    return [sys.executable, "-m", "dprk_ld.cli", "serve", "--root", str(root),
            "--dist", str(plan.release), "--host", FRONT_HOST, "--port", str(port),
            "--public-url", plan.public_url, "--trusted-proxies", plan.trusted_proxies,
            "--client-ledger", str(plan.ledger)]


def prepare_state(plan: Replicas) -> None:
    """Make the state folder (readable by nginx's workers when they run as another user) and
    the fronts' empty client ledger in it."""
    plan.state.mkdir(parents=True, exist_ok=True)
    if plan.user:
        plan.state.chmod(0o755)
    with plan.ledger.open("wb") as fh:
        fh.truncate(TABLE_BYTES)


def random_seed() -> int:
    """A PYTHONHASHSEED drawn at random (never 0, which would switch hash randomization off)."""
    return 1 + secrets.randbelow(2**32 - 1)


def hash_seed(environ: Mapping[str, str]) -> int:
    """The fronts' PYTHONHASHSEED: the number ``environ`` sets, else one drawn at random."""
    given = environ.get("PYTHONHASHSEED", "")
    return int(given) if given.isdigit() else random_seed()


def front_environment(plan: Replicas, environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` (the DPRK_LD_* settings pass on to every front) with the plan's seed."""
    return {**environ, "PYTHONHASHSEED": str(plan.hash_seed)}


def nginx_command(nginx: str, plan: Replicas) -> list[str]:
    """nginx in the foreground with the plan's configuration, its files in the state folder
    (``-e``: not even its first error goes to the system's log)."""
    return [nginx, "-p", str(plan.state), "-e", str(plan.state / "error.log"),
            "-c", str(plan.config)]


__all__ = ["FRONT_HOST", "TEMPLATE", "Replicas", "front_command", "front_environment", "front_ports",
           "hash_seed", "nginx_command", "nginx_config", "prepare_state", "random_seed", "render",
           "worker_user"]
