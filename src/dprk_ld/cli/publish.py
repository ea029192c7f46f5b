"""`dprk-ld publish --to URL`: a built release into an external SPARQL store, replacing the
release it holds (src/dprk_ld/deploy/publish.py says how, and what each store guarantees).

``--to`` is the store's SPARQL query address; its update and Graph Store Protocol addresses are
derived from it for Oxigraph's server (``…/query``: ``…/update``, ``…/store``) and Virtuoso
(``…/sparql-auth``: ``…/sparql-auth``, ``…/sparql-graph-crud-auth``, its addresses that take
writes), else given with ``--update-url`` and ``--graph-store-url``. The user comes from ``--user`` or
``DPRK_LD_STORE_USER``; the password only from the environment variable that
``--password-env`` names (``DPRK_LD_STORE_PASSWORD`` by default), never from the command line,
which other users of the machine can read.

A store that gives back a typed literal other than the one sent (Virtuoso 7.2 turns
``"P10Y"^^xsd:duration`` into ``"120"^^xsd:duration``) is refused, unless that datatype is given
with ``--tolerate-datatype`` (full IRI); each tolerated rewrite is then printed as a warning.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dprk_ld.cli.common import EXIT_ERROR, EXIT_OK

USER_ENV, PASSWORD_ENV = "DPRK_LD_STORE_USER", "DPRK_LD_STORE_PASSWORD"


def cmd_publish(args: argparse.Namespace) -> int:
    from dprk_ld.deploy.publish import PublishError, derive_target, publish
    from dprk_ld.release.errors import ReleaseError

    dist = Path(args.dist) if args.dist else Path(args.root).resolve() / "dist"
    user = args.user or os.environ.get(USER_ENV) or None
    password = os.environ.get(args.password_env)
    if user and password is None:
        print(f"dprk-ld publish: a user ({user}) but no password: set the environment variable "
              f"{args.password_env}", file=sys.stderr)
        return EXIT_ERROR
    say = None if args.quiet else (lambda message: print(message, file=sys.stderr))
    try:
        target = derive_target(args.to, args.update_url, args.graph_store_url, user=user,
                               password=password, auth=args.auth, timeout=args.timeout)
        done = publish(dist, target, say, frozenset(args.tolerate_datatype))
    except (PublishError, ReleaseError, ValueError, OSError) as exc:
        print(f"dprk-ld publish: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for change in done.rewritten:
        print(f"dprk-ld publish: warning: tolerated (--tolerate-datatype): {change}", file=sys.stderr)
    counts = ", ".join(f"{g.rsplit('/', 1)[-1]} {n}" for g, n in done.counts.items())
    dropped = f"; dropped {', '.join(done.dropped)}" if done.dropped else ""
    print(f"published release {done.release_id}"
          + (f" (version {done.version})" if done.version else "")
          + f" to {args.to}: {counts} triples{dropped}")
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("publish", help="load a built release into an external SPARQL store "
                       "(Graph Store Protocol), replacing the one it holds")
    p.add_argument("--to", required=True, metavar="URL", help="the store's SPARQL query address")
    p.add_argument("--update-url", help="its SPARQL Update address (default: derived from --to)")
    p.add_argument("--graph-store-url", help="its Graph Store Protocol address (default: derived "
                   "from --to)")
    p.add_argument("--dist", help="the release folder (default: <root>/dist)")
    p.add_argument("--root", default=".", help="project folder (default: .)")
    p.add_argument("--user", help=f"user for the update and graph store addresses (default: "
                   f"${USER_ENV})")
    p.add_argument("--password-env", default=PASSWORD_ENV, metavar="VAR",
                   help=f"environment variable holding the password (default: {PASSWORD_ENV})")
    p.add_argument("--auth", choices=("digest", "basic"), default="digest",
                   help="HTTP authentication the store wants (default: digest, as Virtuoso)")
    p.add_argument("--tolerate-datatype", action="append", default=[], metavar="IRI",
                   help="publish even if the store rewrites literals of this datatype (each "
                   "rewrite is reported); Virtuoso 7.2 rewrites xsd:duration (repeatable)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds one request may take")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_publish)
