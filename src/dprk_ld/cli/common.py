"""What every command module shares: the exit codes, the project root, and loading the curated
project with its problems printed (the command then exits 2)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dprk_ld.curation.model import Project

EXIT_OK, EXIT_ERROR = 0, 2


def root_of(args: argparse.Namespace) -> Path:
    """The project folder a command works on (``--root``)."""
    return Path(args.root).resolve()


def load_or_report(root: Path) -> Project | None:
    """The curated project in ``root``; None, its problems printed to stderr, when it has some."""
    from dprk_ld.curation.errors import DataError
    from dprk_ld.curation.load import load_project

    try:
        return load_project(root)
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        return None
