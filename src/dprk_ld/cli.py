"""The `dprk-ld` command line: build, check, validate, query, stats, link, serve."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve()


def cmd_check(args: argparse.Namespace) -> int:
    from dprk_ld.curation.errors import DataError
    from dprk_ld.curation.load import load_project

    try:
        project = load_project(_root(args))
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_ERROR
    print(
        f"ok: {len(project.findings)} findings from {len(project.sources)} sources, "
        f"{sum(len(f.quotes) for f in project.findings)} quotes located"
    )
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from dprk_ld.release.build import build_release

    return build_release(_root(args), Path(args.dist) if args.dist else None, quiet=args.quiet)


def cmd_validate(args: argparse.Namespace) -> int:
    from dprk_ld.release.validate import validate_command

    return validate_command(_root(args), dist=Path(args.dist) if args.dist else None)


def cmd_query(args: argparse.Namespace) -> int:
    from dprk_ld.release.query import query_command

    return query_command(args)


def cmd_stats(args: argparse.Namespace) -> int:
    from dprk_ld.release.stats import stats_command

    return stats_command(_root(args), args.format)


def cmd_serve(args: argparse.Namespace) -> int:
    from dprk_ld.web.server import run

    return run(args)


def cmd_link(args: argparse.Namespace) -> int:
    from dprk_ld.curation.links import link_command

    return link_command(args)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", default=".", help="project folder holding data/, ontology/, shapes/")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dprk-ld", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="load and check the curated data without writing anything")
    _add_common(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", help="build, validate and write the release to dist/")
    _add_common(p)
    p.add_argument("--dist", help="output folder (default: <root>/dist)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="SHACL report (exit 0 conforms, 1 does not, 2 error)")
    _add_common(p)
    p.add_argument("--dist", help="validate this built release instead of building from data/")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run a SPARQL query on the release")
    _add_common(p)
    p.add_argument("--dist", help="release folder (default: <root>/dist)")
    p.add_argument("query", help="query text, @FILE, or - for standard input")
    p.add_argument(
        "-f",
        "--format",
        default="table",
        help="table (default), csv, tsv, json, xml for SELECT/ASK; ttl, nt for CONSTRUCT",
    )
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("stats", help="coverage report: findings per source, kind, violation type, year")
    _add_common(p)
    p.add_argument("-f", "--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("link", help="find candidate links to Wikidata for a curator to review")
    _add_common(p)
    from dprk_ld.curation.links import add_arguments as add_link_arguments

    add_link_arguments(p)
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("serve", help="serve the release over HTTP (SPARQL endpoint)")
    _add_common(p)
    try:
        from dprk_ld.web.server import add_arguments
    except ImportError:  # pragma: no cover - the server module is optional while it is written
        add_arguments = None
    if add_arguments is not None:
        add_arguments(p)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except BrokenPipeError:  # output piped into a reader that stopped early (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
