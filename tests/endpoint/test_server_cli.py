"""`dprk-ld serve`: options, environment variables, building the release when it is missing."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from dprk_ld.cli import make_parser
from dprk_ld.web import server, settings


def parse(*argv: str) -> argparse.Namespace:
    return make_parser().parse_args(["serve", *argv])


def test_defaults_environment_and_command_line() -> None:
    args = parse()
    values = server.resolve(args, {})
    assert values == settings.defaults()
    env = {"DPRK_LD_PORT": "8080", "DPRK_LD_HOST": "0.0.0.0", "DPRK_LD_QUERY_TIMEOUT": "2.5"}
    values = server.resolve(args, env)
    assert (values["PORT"], values["HOST"], values["QUERY_TIMEOUT"]) == (8080, "0.0.0.0", 2.5)
    values = server.resolve(parse("--port", "9000", "--host", "127.0.0.2"), env)
    assert (values["PORT"], values["HOST"]) == (9000, "127.0.0.2")  # the command line wins
    with pytest.raises(SystemExit, match="DPRK_LD_PORT"):
        server.resolve(args, {"DPRK_LD_PORT": "eighty"})


def test_every_setting_is_an_option_of_serve() -> None:
    args = parse(*[arg for s in settings.SETTINGS if s.default is not None
                   for arg in (s.option, str(s.default))])
    assert server.resolve(args, {}) == settings.defaults()


def test_app_config_from_env() -> None:
    config = settings.from_env({"DPRK_LD_DIST": "/x", "DPRK_LD_MAX_ROWS": "7", "OTHER": "1"})
    assert config == {"DIST": Path("/x"), "MAX_ROWS": 7}


def test_the_release_is_built_when_missing_and_rebuilt_when_stale(mini: Path) -> None:
    dist = mini / "dist"
    assert server.ensure_release(mini, dist, explicit=False) == 0
    built = (dist / "release.json").read_bytes()
    stamp = (dist / "release.json").stat().st_mtime
    # present and up to date: not built again
    assert server.ensure_release(mini, dist, explicit=False) == 0
    assert (dist / "release.json").stat().st_mtime == stamp
    # the input changed: rebuilt (same content, new files)
    later = stamp + 10
    os.utime(mini / "data" / "findings" / "mini.yaml", (later, later))
    assert server.ensure_release(mini, dist, explicit=False) == 0
    assert (dist / "release.json").read_bytes() == built
    assert (dist / "release.json").stat().st_mtime > stamp


def test_a_failed_rebuild_serves_the_last_good_release(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = mini / "dist"
    assert server.ensure_release(mini, dist, explicit=False) == 0
    before = (dist / "dprk-ld.nq").read_bytes()
    findings = mini / "data" / "findings" / "mini.yaml"
    findings.write_text(
        findings.read_text(encoding="utf-8").replace("kind: pattern", "kind: nonsense"), encoding="utf-8"
    )
    later = (dist / "release.json").stat().st_mtime + 10
    os.utime(findings, (later, later))
    assert server.ensure_release(mini, dist, explicit=False) == 0
    assert "serving the last good release" in capsys.readouterr().err
    assert (dist / "dprk-ld.nq").read_bytes() == before


def test_an_explicit_release_folder_is_served_as_it_is(mini: Path) -> None:
    dist = mini / "dist"
    assert server.ensure_release(mini, dist, explicit=False) == 0
    stamp = (dist / "release.json").stat().st_mtime
    later = stamp + 10
    os.utime(mini / "data" / "findings" / "mini.yaml", (later, later))
    assert server.ensure_release(mini, dist, explicit=True) == 0
    assert (dist / "release.json").stat().st_mtime == stamp


def test_a_failed_first_build_stops_serve(mini: Path) -> None:
    findings = mini / "data" / "findings" / "mini.yaml"
    findings.write_text(
        findings.read_text(encoding="utf-8").replace("kind: pattern", "kind: nonsense"), encoding="utf-8"
    )
    assert server.ensure_release(mini, mini / "dist", explicit=False) == 2
    args = parse("--root", str(mini))
    assert server.run(args) == 2  # the build's exit code; no server started
    assert not (mini / "dist").exists()
