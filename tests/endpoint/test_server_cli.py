"""`dprk-ld serve`: options, environment variables, building the release when it is missing."""

from __future__ import annotations

import argparse
import shutil
import sys
import types
from pathlib import Path

import pytest

from dprk_ld import server
from dprk_ld.cli import make_parser

from .conftest import FIXTURE_DIST


def parse(*argv: str) -> argparse.Namespace:
    return make_parser().parse_args(["serve", *argv])


def test_defaults_environment_and_command_line() -> None:
    args = parse()
    assert server.resolve(args, {}) | {} == {
        "host": "127.0.0.1", "port": 5000, "dist": None, "workers": 2, "threads": 8,
        "query_workers": 2, "timeout": 10.0, "memory_mb": 1024, "max_rows": 10_000,
        "base_iri": "https://w3id.org/dprk-ld/"}
    env = {"DPRK_LD_PORT": "8080", "DPRK_LD_HOST": "0.0.0.0", "DPRK_LD_QUERY_TIMEOUT": "2.5"}
    settings = server.resolve(args, env)
    assert (settings["port"], settings["host"], settings["timeout"]) == (8080, "0.0.0.0", 2.5)
    settings = server.resolve(parse("--port", "9000", "--host", "127.0.0.2"), env)
    assert (settings["port"], settings["host"]) == (9000, "127.0.0.2")  # the command line wins
    with pytest.raises(SystemExit):
        server.resolve(args, {"DPRK_LD_PORT": "eighty"})


def test_app_config_from_env() -> None:
    config = server.app_config_from_env({"DPRK_LD_DIST": "/x", "DPRK_LD_MAX_ROWS": "7",
                                         "OTHER": "1"})
    assert config == {"DIST": "/x", "MAX_ROWS": "7"}


def fake_build(monkeypatch: pytest.MonkeyPatch, calls: list, writes: bool) -> None:
    def build_release(root: Path, dist: Path | None, quiet: bool = False) -> int:
        calls.append((root, dist))
        target = dist or root / "dist"
        if writes:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(FIXTURE_DIST / "dprk-ld.nq", target / "dprk-ld.nq")
        return 0 if writes else 1

    module = types.ModuleType("dprk_ld.build")
    module.build_release = build_release  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "dprk_ld.build", module)


def test_the_release_is_built_when_missing(tmp_path: Path, monkeypatch) -> None:
    calls: list = []
    fake_build(monkeypatch, calls, writes=True)
    assert server.ensure_release(tmp_path, tmp_path / "dist", explicit=False) == 0
    assert calls == [(tmp_path, None)]
    assert (tmp_path / "dist" / "dprk-ld.nq").is_file()
    # present now: not built again
    assert server.ensure_release(tmp_path, tmp_path / "dist", explicit=False) == 0
    assert len(calls) == 1


def test_a_failed_build_stops_serve(tmp_path: Path, monkeypatch) -> None:
    calls: list = []
    fake_build(monkeypatch, calls, writes=False)
    assert server.ensure_release(tmp_path, tmp_path / "dist", explicit=False) == 1
    args = parse("--root", str(tmp_path))
    assert server.run(args) == 1  # the build's exit code; no server started
