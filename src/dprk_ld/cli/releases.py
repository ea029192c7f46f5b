"""Commands about published releases: `dprk-ld record` (publish the built release: write its
record under releases/) and `dprk-ld diff OLD NEW` (findings added, changed field by field, and
retired between two release folders)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dprk_ld.cli.common import EXIT_ERROR, EXIT_OK


def cmd_record(args: argparse.Namespace) -> int:
    from dprk_ld.release.build import is_stale
    from dprk_ld.release.history import HistoryError, write_record

    root = Path(args.root).resolve()
    dist = Path(args.dist).resolve() if args.dist else root / "dist"
    if (root / "data").is_dir() and is_stale(root, dist):
        print(f"record: the release in {dist} was not built from the current data; "
              f"run `dprk-ld build` first", file=sys.stderr)
        return EXIT_ERROR
    try:
        path, new = write_record(root, dist)
    except HistoryError as exc:
        print(f"record: {exc}", file=sys.stderr)
        return EXIT_ERROR
    rel = path.relative_to(root) if path.is_relative_to(root) else path
    print(f"{'recorded' if new else 'already recorded'}: {rel} (commit it with the data)")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from dprk_ld.release.diff import data_triples, diff, report

    old, new = Path(args.old), Path(args.new)
    try:
        result = diff(data_triples(old), data_triples(new))
    except (OSError, SyntaxError, ValueError) as exc:
        print(f"diff: {exc}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(report(result, str(old), str(new)))
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("record", help="publish the built release: write releases/<version>.json")
    p.add_argument("--root", default=".", help="project folder holding data/, ontology/, shapes/")
    p.add_argument("--dist", help="the built release (default: <root>/dist)")
    p.set_defaults(func=cmd_record)
    p = sub.add_parser("diff", help="findings added, changed (field by field) and retired")
    p.add_argument("old", help="the older release folder (holding dprk-ld.nq or dprk-ld.nq.gz)")
    p.add_argument("new", help="the newer release folder")
    p.set_defaults(func=cmd_diff)
