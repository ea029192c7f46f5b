"""The `dprk-ld` command line: build, check, check-claims, concepts, validate, query, stats, link,
serve; and, from the modules of this package, record, diff, ingest, candidates, w3id, replicas,
publish."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dprk_ld.cli.common import EXIT_ERROR, EXIT_OK, load_or_report
from dprk_ld.cli.common import root_of as _root

if TYPE_CHECKING:
    import pyoxigraph as ox

EXIT_NONCONFORMING = 1


def cmd_check(args: argparse.Namespace) -> int:
    project = load_or_report(_root(args))
    if project is None:
        return EXIT_ERROR
    print(
        f"ok: {len(project.findings)} findings from {len(project.sources)} sources, "
        f"{sum(len(f.quotes) for f in project.findings)} quotes located"
    )
    return EXIT_OK


def cmd_check_claims(args: argparse.Namespace) -> int:
    """What curation still has to fill in (measures, periods, times, topics), apart from the other
    problems. Exit 0: nothing; 1: only those; 2: other problems too (printed in full)."""
    from dprk_ld.curation.errors import DataError
    from dprk_ld.curation.load import load_project
    from dprk_ld.curation.missing import pending_report, split_pending

    try:
        project = load_project(_root(args))
    except DataError as exc:
        pending, other = split_pending(exc.problems)
        print(pending_report(exc.problems, listing=args.list))
        if other:
            print(DataError(other).report(), file=sys.stderr)
            return EXIT_ERROR
        return 1 if pending else EXIT_OK
    print(pending_report([]))
    print(f"ok: {len(project.findings)} findings")
    return EXIT_OK


def build(root: Path, dist: Path | None = None, quiet: bool = False) -> int:
    """`dprk-ld build`: build the release into ``dist`` (default ``root/dist``) and say how it went.
    Exit code 0: written; 1: it does not conform to the shapes; 2: bad input or not written."""
    from dprk_ld.cli.progress import StepPrinter
    from dprk_ld.curation.errors import DataError
    from dprk_ld.release.build import build_release
    from dprk_ld.release.errors import NonConforming, ReleaseError

    try:
        built = build_release(root, dist, progress=None if quiet else StepPrinter())
    except (DataError, ReleaseError) as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_NONCONFORMING if isinstance(exc, NonConforming) else EXIT_ERROR
    if not quiet:
        print(
            f"release written to {built.dist}: {built.triples} triples, {built.findings} findings",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_concepts(args: argparse.Namespace) -> int:
    """The ids of the concepts whose id or labels hold the words given (for a findings file)."""
    from dprk_ld.curation.vocab import find_concepts

    found = find_concepts(_root(args) / "ontology" / "vocab", " ".join(args.words), args.scheme)
    for scheme, cid, label, others in found:
        more = f"  (also: {'; '.join(others)})" if others else ""
        print(f"{scheme}/{cid}\t{label}{more}")
    if not found:
        print(f"no concept matches {' '.join(args.words)!r}"
              + (f" in scheme {args.scheme!r}" if args.scheme else ""), file=sys.stderr)
        return 1
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    return build(_root(args), Path(args.dist) if args.dist else None, quiet=args.quiet)


def cmd_validate(args: argparse.Namespace) -> int:
    """Build the graph from data/ (or read the release named by --dist) and print its SHACL report
    (and, on stderr unless -q, how it goes)."""
    from dprk_ld.cli.progress import StepPrinter
    from dprk_ld.curation.errors import DataError
    from dprk_ld.release.build import assemble
    from dprk_ld.release.validate import format_report, load_shapes, release_graph, run_shacl

    root, printer = _root(args), None if args.quiet else StepPrinter()
    locate: dict[str, str] | None = None
    try:
        if args.dist:
            union = release_graph(Path(args.dist))
        else:
            release = assemble(root, printer)
            union, locate = release.union, release.locate
        shapes = load_shapes(root)
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_ERROR
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    conforms, results = run_shacl(union, shapes, printer.during if printer else None)
    print(format_report(conforms, results, locate))
    return EXIT_OK if conforms else EXIT_NONCONFORMING


def cmd_query(args: argparse.Namespace) -> int:
    """Run a SPARQL query on the release and print its answer in the format asked for."""
    from dprk_ld.release.errors import ReleaseError
    from dprk_ld.release.query import read_query, run_query
    from dprk_ld.release.store import open_release

    dist = Path(args.dist) if args.dist else _root(args) / "dist"
    try:
        text = read_query(args.query)
        result = run_query(open_release(dist), text)
    except (ReleaseError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except SyntaxError as exc:
        print(f"error: bad query: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return _print_answer(result, args.format)


def _print_answer(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> int:
    import pyoxigraph as ox

    from dprk_ld.release.query import GRAPH_FORMATS, RESULT_FORMATS, table

    if isinstance(result, ox.QueryBoolean):
        if fmt in RESULT_FORMATS:
            sys.stdout.write(result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8"))
        else:
            print("true" if bool(result) else "false")
        return EXIT_OK
    if isinstance(result, ox.QueryTriples):
        rdf = GRAPH_FORMATS.get(fmt if fmt != "table" else "ttl")
        if rdf is None:
            print(f"error: format {fmt!r} is not one of {sorted(GRAPH_FORMATS)} for CONSTRUCT/DESCRIBE",
                  file=sys.stderr)
            return EXIT_ERROR
        sys.stdout.write(result.serialize(format=rdf).decode("utf-8"))
        return EXIT_OK
    if fmt == "table":
        lines: list[str] = []
        table(result, lines)
        print("\n".join(lines))
        return EXIT_OK
    if fmt not in RESULT_FORMATS:
        print(f"error: format {fmt!r} is not one of table, {', '.join(RESULT_FORMATS)}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8"))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the coverage report of the curated findings, as text or JSON."""
    import json

    from dprk_ld.release.stats import compute

    project = load_or_report(_root(args))
    if project is None:
        return EXIT_ERROR
    data = compute(project)
    if args.format == "json":
        print(json.dumps(data, indent=1))
        return EXIT_OK
    print(
        f"{len(project.findings)} findings, {sum(len(f.quotes) for f in project.findings)} quotes, "
        f"{len(project.entities)} entities, {len(project.sources)} sources"
    )
    for title, counts in data.items():
        if title == "sentences per source":
            continue
        print(f"\n{title}:")
        width = max((len(k) for k in counts), default=0)
        for key, n in counts.items():
            extra = f" of {data['sentences per source'][key]}" if title.startswith("sentences quoted") else ""
            print(f"  {key.ljust(width)}  {n:>4}{extra}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from dprk_ld.web.server import run

    return run(args)


def cmd_link(args: argparse.Namespace) -> int:
    """Ask a SPARQL endpoint for candidate links of the entities without one, and add them to the
    review file (exit 1 when the endpoint failed for every entity asked)."""
    import datetime as dt

    from dprk_ld.curation.links import REVIEW_FILE
    from dprk_ld.curation.reconcile import (
        LINKABLE_KINDS,
        Candidate,
        entities_to_ask,
        merge_review,
        query_candidates,
    )

    root = _root(args)
    project = load_or_report(root)
    if project is None:
        return EXIT_ERROR
    kinds = set(args.kinds.split(",")) if args.kinds else set(LINKABLE_KINDS)
    wanted = entities_to_ask(project.entities, project.links, kinds, args.only, args.limit)
    retrieved = dt.date.today().isoformat()
    found: list[Candidate] = []
    failures = 0
    for e in wanted:
        try:
            cands = query_candidates(e, args.endpoint, args.timeout)
        except Exception as exc:  # a network or endpoint error for one entity: report, go on
            failures += 1
            print(f"{e.id}: the endpoint failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        found.extend(cands[: args.per_entity])
        print(f"{e.id}: {len(cands)} candidate(s)", file=sys.stderr)
    out = Path(args.out) if args.out else root / REVIEW_FILE
    added = merge_review(out, found, args.endpoint, retrieved)
    print(f"{len(wanted)} entities asked, {added} new candidate rows in {out}"
          + (f", {failures} failed" if failures else ""))
    return 1 if failures and failures == len(wanted) else 0


def _add_link_arguments(p: argparse.ArgumentParser) -> None:
    from dprk_ld.curation.links import REVIEW_FILE
    from dprk_ld.curation.reconcile import LINKABLE_KINDS, WIKIDATA_ENDPOINT

    p.add_argument("--endpoint", default=WIKIDATA_ENDPOINT, help="SPARQL endpoint (default: Wikidata's)")
    p.add_argument("--out", help=f"review file (default: <root>/{REVIEW_FILE})")
    p.add_argument("--kinds", help=f"entity kinds to reconcile (default: {','.join(LINKABLE_KINDS)})")
    p.add_argument("--only", nargs="*", help="only these entity ids")
    p.add_argument("--limit", type=int, default=0, help="ask about this many entities at most")
    p.add_argument("--per-entity", type=int, default=5, help="candidates kept per entity (default 5)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per query (default 30)")


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", default=".", help="project folder holding data/, ontology/, shapes/")


def _add_concepts(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("concepts", help="find concept ids by label: dprk-ld concepts forced labour")
    p.add_argument("words", nargs="+", help="words of the id or of a label (any language)")
    p.add_argument("--scheme", help="only this scheme (e.g. violation-types, rights, topics)")
    _add_common(p)
    p.set_defaults(func=cmd_concepts)


#: the modules of dprk_ld.cli that add commands of their own (each has ``add_commands(sub)``)
COMMAND_MODULES = ("releases", "ingest", "w3id", "replicas", "publish")


def add_module_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands of :data:`COMMAND_MODULES`: record and diff; ingest and candidates; the
    w3id.org rules; replicas behind nginx; publish into an external store."""
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"dprk_ld.cli.{name}").add_commands(sub)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dprk-ld", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="load and check the curated data without writing anything")
    _add_common(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("check-claims", help="what is left to curate: measures, periods, times, topics")
    _add_common(p)
    p.add_argument("--list", action="store_true", help="list every finding and figure still lacking one")
    p.set_defaults(func=cmd_check_claims)

    _add_concepts(sub)
    p = sub.add_parser("build", help="build, validate and write the release to dist/")
    _add_common(p)
    p.add_argument("--dist", help="output folder (default: <root>/dist)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_build)

    add_module_commands(sub)

    p = sub.add_parser("validate", help="SHACL report (exit 0 conforms, 1 does not, 2 error)")
    _add_common(p)
    p.add_argument("--dist", help="validate this built release instead of building from data/")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
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
    _add_link_arguments(p)
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
