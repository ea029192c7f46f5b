"""Commands for adding a report: `dprk-ld ingest` (a new report read, archived as a source and
cut into candidate findings; or, with --evaluate, a curated source re-ingested and its candidates
scored against its findings) and `dprk-ld candidates` (list, check, accept, reject, edit)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from dprk_ld.cli.common import EXIT_ERROR, EXIT_OK, load_or_report
from dprk_ld.cli.common import root_of as _root

EXIT_PENDING = 1


def cmd_ingest(args: argparse.Namespace) -> int:
    if args.evaluate:
        return _evaluate(args)
    from dprk_ld.curation.ingest.pipeline import ingest_file
    from dprk_ld.curation.ingest.source import IngestError, Meta

    missing = [
        f"--{n}"
        for n in ("source", "title", "url", "publisher", "published", "covers")
        if not getattr(args, n)
    ]
    if not args.file or missing:
        print("ingest: give FILE and " + ", ".join(missing or ["the metadata"]), file=sys.stderr)
        return EXIT_ERROR
    root = _root(args)
    meta = Meta(
        args.source,
        args.title,
        args.url,
        args.publisher,
        args.published,
        args.covers,
        args.edition,
        args.language,
        Path(args.file).name,
    )
    try:
        source, candidates, path = ingest_file(root, Path(args.file), meta, force=args.force)
    except IngestError as exc:
        print(f"ingest: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(
        f"archived {source.text_file.relative_to(root)} (sha256 {source.sha256[:12]}…), "
        f"body {source.body_start}-{source.body_end}, {len(source.sections)} sections"
    )
    print(
        f"{len(candidates)} candidates in {path.relative_to(root)}; next: "
        f"dprk-ld candidates check {source.id}"
    )
    return EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from dprk_ld.curation.ingest.evaluate import report
    from dprk_ld.curation.ingest.lexicon import Lexicon
    from dprk_ld.curation.ingest.pipeline import evaluate_source
    from dprk_ld.curation.ingest.review import write_candidates

    root = _root(args)
    project = load_or_report(root)
    if project is None:
        return EXIT_ERROR
    unknown = [s for s in args.evaluate if s not in project.sources]
    if unknown:
        print(f"ingest --evaluate: unknown source {', '.join(unknown)}", file=sys.stderr)
        return EXIT_ERROR
    out = Path(args.out) if args.out else Path(tempfile.gettempdir()) / "dprk-ld-ingest-evaluate"
    lexicon = Lexicon.load(root)
    for sid in args.evaluate:
        scores, candidates = evaluate_source(project, sid, lexicon)
        path = write_candidates(root, sid, candidates, folder=out)
        print(report(scores))
        print(f"  candidates written to {path}")
    return EXIT_OK


def _ref(value: str) -> tuple[str, str]:
    source, sep, cid = value.partition("/")
    if not sep or not source or not cid:
        raise argparse.ArgumentTypeError(f"{value!r} is not SOURCE/CANDIDATE-ID")
    return source, cid


def cmd_candidates(args: argparse.Namespace) -> int:
    from dprk_ld.curation.ingest import review

    root = _root(args)
    try:
        if args.action == "list":
            return _list(root, args.source)
        if args.action == "check":
            return _check(root, args.source)
        source, cid = args.ref
        if args.action == "accept":
            path = review.accept(root, source, cid, args.new_id)
            print(
                f"accepted {source}/{cid}"
                + (f" as {args.new_id}" if args.new_id else "")
                + f" into {path.relative_to(root)}"
            )
        elif args.action == "reject":
            review.reject(root, source, cid)
            print(f"rejected {source}/{cid}")
        else:
            item = review.edit(
                root, source, cid, args.set, os.environ.get("VISUAL") or os.environ.get("EDITOR")
            )
            print(f"edited {source}/{item['id']}")
    except review.ReviewError as exc:
        print(f"candidates: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _list(root: Path, source: str) -> int:
    from dprk_ld.curation.ingest.review import read_candidates

    for item in read_candidates(root, source):
        quote = (item.get("quotes") or [""])[0]
        print(f"{source}/{item.get('id')}\t{item.get('kind')}\t{item.get('certainty')}\t{quote[:70]}")
    return EXIT_OK


def _check(root: Path, source: str) -> int:
    """Per candidate, what is missing before it can be accepted (exit 1 when anything is)."""
    from dprk_ld.curation.ingest.review import problems_of, read_candidates

    problems = problems_of(root, source, read_candidates(root, source))
    ready = [cid for cid, found in problems.items() if not found]
    for cid, found in problems.items():
        if found:
            print(f"{source}/{cid}:")
            print("\n".join(f"  - {m}" for m in found))
    print(f"{len(ready)} of {len(problems)} candidates can be accepted as they are")
    return EXIT_OK if len(ready) == len(problems) else EXIT_PENDING


def _add_ingest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "ingest", help="add a report (text, HTML or PDF): archive it and write candidate findings"
    )
    p.add_argument("file", nargs="?", help="the report: .txt, .html or .pdf")
    p.add_argument("--source", help="the new source's id (lowercase words joined by hyphens)")
    p.add_argument("--title", help="its title, as published")
    p.add_argument("--url", help="its canonical address")
    p.add_argument("--publisher", help="an organization id of data/entities")
    p.add_argument("--published", help="date of publication, YYYY-MM-DD (or YYYY)")
    p.add_argument("--covers", help="the period it covers: 2024, or 2024-01/2024-12")
    p.add_argument("--edition", help="the edition (default: the title)")
    p.add_argument("--language", default="en", help="BCP 47 tag of the text (default en)")
    p.add_argument("--force", action="store_true", help="overwrite the source and candidates of that id")
    p.add_argument(
        "--evaluate",
        nargs="+",
        metavar="ID",
        help="re-ingest these curated sources and score their candidates against their findings",
    )
    p.add_argument("--out", help="with --evaluate: folder for the candidates (default: a temporary folder)")
    p.add_argument("--root", default=".", help="project folder holding data/, ontology/, shapes/")
    p.set_defaults(func=cmd_ingest)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _add_ingest(sub)
    p = sub.add_parser("candidates", help="review candidate findings: list, check, accept, reject, edit")
    actions = p.add_subparsers(dest="action", required=True)
    for name, text in (
        ("list", "the candidates of a source"),
        ("check", "what each candidate lacks before it can be accepted"),
    ):
        a = actions.add_parser(name, help=text)
        a.add_argument("source", help="the source id")
        a.add_argument("--root", default=".", help="project folder")
    for name, text in (
        ("accept", "move a candidate into data/findings/SOURCE.yaml"),
        ("reject", "drop a candidate"),
        ("edit", "edit a candidate in $EDITOR, or --set field=value"),
    ):
        a = actions.add_parser(name, help=text)
        a.add_argument("ref", type=_ref, help="SOURCE/CANDIDATE-ID")
        a.add_argument("--root", default=".", help="project folder")
        if name == "accept":
            a.add_argument("--as", dest="new_id", help="the finding's id, if not the candidate's")
        if name == "edit":
            a.add_argument(
                "--set",
                action="append",
                metavar="FIELD=VALUE",
                help="set a field (a YAML value; empty removes it); repeatable",
            )
    p.set_defaults(func=cmd_candidates)
