"""`dprk-ld serve`: options, environment variables, building the release when it is missing, the
public address, and a busy port."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
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
    # touched, not changed: not built again (staleness is by content)
    findings = mini / "data" / "findings" / "mini.yaml"
    later = stamp + 10
    os.utime(findings, (later, later))
    assert server.ensure_release(mini, dist, explicit=False) == 0
    assert (dist / "release.json").stat().st_mtime == stamp
    # the input changed: rebuilt (the same data, so only the digest of the inputs differs)
    findings.write_bytes(findings.read_bytes() + b"\n# a curator's note\n")
    assert server.ensure_release(mini, dist, explicit=False) == 0
    rebuilt = json.loads((dist / "release.json").read_bytes())
    assert rebuilt["inputs"] != json.loads(built)["inputs"]
    assert rebuilt["release_id"] == json.loads(built)["release_id"]


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


# --- the public address --------------------------------------------------------------------------

def test_the_public_address_is_the_servers_own_unless_given() -> None:
    values = server.resolve(parse("--port", "8123"), {})
    assert server.public_url(values) == 0 and values["PUBLIC_URL"] == "http://127.0.0.1:8123/"
    values = server.resolve(parse("--host", "0.0.0.0"), {})  # every interface: no address
    assert server.public_url(values) == 0 and values["PUBLIC_URL"] == "http://127.0.0.1:5000/"
    values = server.resolve(parse("--host", "::1", "--port", "80"), {})
    assert server.public_url(values) == 0 and values["PUBLIC_URL"] == "http://[::1]:80/"
    values = server.resolve(parse("--public-url", "https://DPRK-LD.example.org"), {})
    assert server.public_url(values) == 0 and values["PUBLIC_URL"] == "https://dprk-ld.example.org/"


@pytest.mark.parametrize("bad", ["dprk-ld.example.org", "ftp://example.org/",
                                 "https://example.org/dprk/", "https://example.org/?x=1",
                                 "https://user@example.org/", "https://exa mple.org/"])
def test_a_bad_public_address_stops_serve(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert server.run(parse("--public-url", bad, "--dist", "/nonexistent")) == 2
    assert "PUBLIC_URL" in capsys.readouterr().err


# --- a busy address ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=["plain", "reuseport"])
def occupied(request: pytest.FixtureRequest) -> Iterator[int]:
    """A loopback port another process listens on (plainly, or with SO_REUSEPORT as Granian)."""
    with socket.socket() as sock:
        if request.param == "reuseport":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_check_address(occupied: int) -> None:
    problem = server.check_address("127.0.0.1", occupied)
    assert problem is not None and f"127.0.0.1:{occupied} is already in use" in problem
    assert server.check_address("127.0.0.1", free_port()) is None
    assert "cannot listen on 192.0.2.1:" in (server.check_address("192.0.2.1", free_port()) or "")


def test_serve_on_a_busy_port_exits_naming_the_address(occupied: int, fixture_dist: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DPRK_LD_")}
    command = [sys.executable, "-m", "dprk_ld.cli", "serve", "--dist", str(fixture_dist),
               "--host", "127.0.0.1", "--port", str(occupied)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # it is serving: the very bug
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("dprk-ld serve started on a port another server listens on")
    assert proc.returncode == 2, err
    assert f"127.0.0.1:{occupied} is already in use" in err
    assert "Traceback" not in err
