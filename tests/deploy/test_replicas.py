"""Two `dprk-ld serve` fronts of one release behind nginx, started by `dprk-ld replicas` on
loopback as the current user: the fronts and the proxy send the same bytes and ETags, the proxy
answers a repeated GET from its cache (and never a POST or an error), a client's address reaches
the fronts only through a trusted proxy, and a release built anew into the fronts' folder
replaces the old one everywhere, through the proxy within its max-age."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

import pytest

from dprk_ld.cli import main
from dprk_ld.deploy.replicas import (
    Replicas,
    front_command,
    front_environment,
    hash_seed,
    nginx_command,
    nginx_config,
    render,
    worker_user,
)
from dprk_ld.release.build import build_release
from dprk_ld.testing import CARTESIAN, free_port

pytestmark = [pytest.mark.server, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
MAX_AGE = 20  # seconds the fronts let an answer be cached (CACHE_MAX_AGE)
RELOAD = 0.5  # seconds between the fronts' looks for a new release (RELOAD_SECONDS)
#: the fronts' settings: small, a short max-age, and a query budget so small that one query
#: spends it, so that a second query of the same client (address and User-Agent) gets 429
FRONT_SETTINGS = {
    "DPRK_LD_WORKERS": "1", "DPRK_LD_THREADS": "4", "DPRK_LD_QUERY_WORKERS": "1",
    "DPRK_LD_CACHE_MAX_AGE": str(MAX_AGE), "DPRK_LD_RELOAD_SECONDS": str(RELOAD),
    "DPRK_LD_INLINE_LOOKUPS": "false", "DPRK_LD_CLIENT_BUDGET": "1e-9",
    "DPRK_LD_CLIENT_WINDOW": "3600",
}
FINDING = "/doc/id/finding/mini/coi-crimes-against-humanity"
OLD = "The 2014 UN Commission of Inquiry found widespread violations"
NEW = "The 2014 UN Commission of Inquiry (rebuilt) found widespread violations"
_numbers = itertools.count(1)


def nginx_program() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found is None:
        pytest.fail("nginx is not installed: `make test` installs it (tools/system-deps), "
                    "or Debian: apt-get install nginx")
    return found


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive loopback ports that nothing listens on (now)."""
    for _ in range(50):
        first = free_port()
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise AssertionError(f"no {count} free consecutive ports")


class Deployment:
    """`dprk-ld replicas` of ``dist`` in a process group of its own, its state (nginx's
    configuration, logs and cache) in a temporary folder; ready when it says it serves."""

    def __init__(self, dist: Path, fronts: int, trusted: str) -> None:
        nginx_program()
        self.state = Path(tempfile.mkdtemp(prefix="dprk-ld-replicas-"))
        self.state.chmod(0o755)  # nginx's workers run as nobody when the tests run as root
        self.port = free_ports(fronts + 1)
        self.fronts = [f"http://127.0.0.1:{self.port + 1 + i}" for i in range(fronts)]
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("DPRK_LD_")}
        self.log: IO[bytes] = (self.state / "replicas.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dprk_ld.cli", "replicas", "--release", str(dist),
             "--fronts", str(fronts), "--port", str(self.port), "--state", str(self.state),
             "--trusted-proxies", trusted, "--root", str(REPO), "--start-limit", "120"],
            env={**env, **FRONT_SETTINGS}, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        limit = time.monotonic() + 180
        while "dprk-ld replicas: serving" not in self.messages():
            if self.proc.poll() is not None or time.monotonic() > limit:
                messages = self.messages()
                self.stop()
                pytest.fail(f"dprk-ld replicas did not start:\n{messages}")
            time.sleep(0.2)

    def messages(self) -> str:
        return (self.state / "replicas.log").read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM to `dprk-ld replicas`, which stops nginx and the fronts; then nothing of its
        process group may be left."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)
        self.log.close()
        left = _group_alive(self.proc.pid)
        if left:
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.state, ignore_errors=True)
        assert not left, "processes of `dprk-ld replicas` were left running"


def _group_alive(pgid: int) -> bool:
    limit = time.monotonic() + 10
    while time.monotonic() < limit:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.2)
    return True


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache-Status")


def fetch(base: str, path: str, headers: dict[str, str] | None = None, method: str = "GET",
          body: bytes | None = None, source: str | None = None) -> Answer:
    """One request to ``base`` (``http://127.0.0.1:port``), from the loopback address
    ``source`` when given; a User-Agent of its own unless ``headers`` names one."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=60,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=body,
                     headers={"User-Agent": f"replicas-test-{next(_numbers)}", **(headers or {})})
        resp = conn.getresponse()
        return Answer(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def query(base: str, source: str, agent: str, forwarded: str | None = None) -> int:
    """The status of a POST of a query never asked before (so the fronts' result cache does not
    answer it), from ``source`` as ``agent``."""
    headers = {"User-Agent": agent, "Content-Type": "application/sparql-query"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    text = f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {next(_numbers)}"
    return fetch(base, "/sparql", headers, "POST", text.encode(), source).status


@pytest.fixture(scope="module")
def project(mini_copier: Callable[[str], Path]) -> Path:
    """A copy of the tiny project with its release built into ``dist``."""
    root = mini_copier("replicas")
    build_release(root)
    return root


@pytest.fixture(scope="module")
def replicas(project: Path) -> Iterator[Deployment]:
    """Two fronts behind nginx, which they trust."""
    deployment = Deployment(project / "dist", fronts=2, trusted="127.0.0.1")
    yield deployment
    deployment.stop()


@pytest.fixture(scope="module")
def untrusting(project: Path) -> Iterator[Deployment]:
    """One front behind nginx, which it does not trust."""
    deployment = Deployment(project / "dist", fronts=1, trusted="")
    yield deployment
    deployment.stop()


# --- the configuration ----------------------------------------------------------------------------


def plan(state: Path, user: str | None = None) -> Replicas:
    return Replicas(release=state / "dist", host="127.0.0.1", port=18080, fronts=(18081, 18082),
                    state=state, public_url="http://127.0.0.1:18080/", user=user)


def test_the_template_is_filled_in_whole(tmp_path: Path) -> None:
    text = nginx_config(plan(tmp_path))
    assert "{{" not in text and "}}" not in text
    assert "server 127.0.0.1:18081;" in text and "server 127.0.0.1:18082;" in text
    assert "listen 127.0.0.1:18080;" in text and f"pid {tmp_path}/nginx.pid;" in text
    assert "proxy_cache_revalidate on;" in text and "proxy_cache_methods GET HEAD;" in text
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in text
    assert "user nobody nogroup;" in nginx_config(plan(tmp_path, "nobody nogroup"))
    with pytest.raises(ValueError, match="asks for"):
        render("{{a}} {{b}}", {"a": "1"})
    with pytest.raises(ValueError, match="asks for"):
        render("{{a}}", {"a": "1", "c": "2"})


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    state = Path(tempfile.mkdtemp(prefix="dprk-ld-nginx-t-"))
    try:
        the_plan = plan(state, worker_user())
        the_plan.config.write_text(nginx_config(the_plan), encoding="utf-8")
        done = subprocess.run([*nginx_command(nginx_program(), the_plan), "-t"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "test is successful" in done.stderr
    finally:
        shutil.rmtree(state, ignore_errors=True)


def test_print_config_starts_nothing(project: Path, capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
    assert main(["replicas", "--release", str(project / "dist"), "--fronts", "3", "--port",
                 "18090", "--state", str(tmp_path / "state"), "--print-config"]) == 0
    text = capsys.readouterr().out
    assert [f"server 127.0.0.1:{p};" in text for p in (18091, 18092, 18093)] == [True] * 3
    assert not (tmp_path / "state").exists()
    assert main(["replicas", "--release", str(tmp_path), "--print-config"]) == 2
    assert "holds no built release" in capsys.readouterr().err


def test_the_fronts_share_a_seed_and_trust_the_proxy(tmp_path: Path) -> None:
    the_plan = plan(tmp_path)
    assert hash_seed({"PYTHONHASHSEED": "42"}) == 42
    assert len({hash_seed({}) for _ in range(5)}) > 1 and 0 not in {hash_seed({}) for _ in range(5)}
    env = front_environment(the_plan, {"DPRK_LD_WORKERS": "1"})
    assert env == {"DPRK_LD_WORKERS": "1", "PYTHONHASHSEED": str(the_plan.hash_seed)}
    command = front_command(the_plan, 18081, REPO)
    for option, value in (("--port", "18081"), ("--public-url", "http://127.0.0.1:18080/"),
                          ("--trusted-proxies", "127.0.0.1"),
                          ("--client-ledger", str(tmp_path / "clients.ledger"))):
        assert command[command.index(option) + 1] == value


def test_what_cannot_start_is_refused_before_anything_starts(
        project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dist = str(project / "dist")
    assert main(["replicas", "--release", dist, "--nginx", str(tmp_path / "nginx")]) == 2
    assert "no nginx program" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["replicas", "--release", dist, "--port", str(port),
                     "--front-port", str(free_port())]) == 2
    assert "already in use" in capsys.readouterr().err
    assert main(["replicas", "--release", dist, "--fronts", "0"]) == 2
    assert "at least one front" in capsys.readouterr().err


# --- the deployment -------------------------------------------------------------------------------


FINDINGS = ("SELECT ?f WHERE { ?f a <https://w3id.org/dprk-ld/ontology#Finding> } "
            "ORDER BY ?f")


@pytest.mark.parametrize(("path", "accept"), [
    (FINDING, "text/turtle;q=0.8"),
    (FINDING, "text/html;q=0.8"),
    ("/ontology", "application/ld+json;q=0.8"),
    ("/.well-known/void", "application/n-triples;q=0.8"),
    ("/dumps/dprk-ld.nt", "application/n-triples;q=0.8"),
    ("/sparql?query=" + quote(FINDINGS), "text/csv"),
    ("/sitemap.xml", "application/xml;q=0.8"),  # (no ETag)
])
def test_every_front_and_the_proxy_send_the_same(replicas: Deployment, path: str,
                                                 accept: str) -> None:
    """Byte for byte: the fronts share their release, public address and hash seed."""
    answers = [fetch(base, path, {"Accept": accept}) for base in (*replicas.fronts, replicas.url)]
    assert [a.status for a in answers] == [200] * 3, [a.body[:200] for a in answers]
    assert answers[0].etag or path == "/sitemap.xml"
    assert len({a.etag for a in answers}) == 1
    assert len({a.body for a in answers}) == 1
    assert len({a.headers["Content-Type"] for a in answers}) == 1


def stored(deployment: Deployment, path: str, accept: str, within: float = 10.0) -> bool:
    """Whether nginx has stored the answer to ``path`` for ``accept`` in its cache folder, waiting
    up to ``within`` seconds. nginx can send the last byte to the client before it has renamed
    the cache file into place, so a second request at once may still be a MISS."""
    key = f"{path} {accept}\n".encode()
    limit = time.monotonic() + within
    while True:
        for entry in (deployment.state / "cache").rglob("*"):
            try:
                head = entry.read_bytes()[:4096] if entry.is_file() else b""
            except OSError:  # renamed or evicted while we looked
                continue
            if b"\nKEY: " in head and key in head:
                return True
        if time.monotonic() > limit:
            return False
        time.sleep(0.05)


def test_the_proxy_answers_a_repeated_get_from_its_cache(replicas: Deployment) -> None:
    turtle = {"Accept": "text/turtle;q=0.7"}
    first = fetch(replicas.url, "/doc/id/place/hoeryong", turtle)
    assert first.cache == "MISS"
    assert stored(replicas, "/doc/id/place/hoeryong", turtle["Accept"]), \
        (replicas.state / "access.log").read_text(errors="replace")
    second = fetch(replicas.url, "/doc/id/place/hoeryong", turtle)
    assert second.cache == "HIT", (replicas.state / "access.log").read_text(errors="replace")
    assert first.body == second.body and first.etag == second.etag
    assert fetch(replicas.url, "/doc/id/place/hoeryong", turtle, "HEAD").cache == "HIT"
    # another Accept is another answer, cached on its own
    other = fetch(replicas.url, "/doc/id/place/hoeryong", {"Accept": "application/n-triples;q=0.7"})
    assert other.cache == "MISS" and other.headers["Content-Type"].startswith("application/n-triples")
    # a client holding the answer gets a 304
    again = fetch(replicas.url, "/doc/id/place/hoeryong", {**turtle, "If-None-Match": str(first.etag)})
    assert again.status == 304


def test_what_the_fronts_vary_on_is_kept_apart(replicas: Deployment, project: Path) -> None:
    """The .gz dumps vary on Accept-Encoding: the cache keeps both answers apart."""
    packed = (project / "dist" / "dprk-ld.nq.gz").read_bytes()
    for _ in range(2):
        plain = fetch(replicas.url, "/dumps/dprk-ld.nq.gz", {"Accept": "*/*;q=0.7"})
        zipped = fetch(replicas.url, "/dumps/dprk-ld.nq.gz",
                       {"Accept": "*/*;q=0.7", "Accept-Encoding": "gzip"})
        assert plain.status == zipped.status == 200
        assert plain.body == gzip.decompress(packed)
        assert hashlib.sha256(zipped.body).digest() == hashlib.sha256(packed).digest()
    assert zipped.cache == "HIT" and plain.cache == "HIT"


def test_a_query_stopped_at_its_deadline_takes_no_front_out_of_service(
        replicas: Deployment) -> None:
    """A 503 from a front (a query stopped at its deadline, or every query process busy) is an
    answer, not a dead front: nginx neither sends the query again to the other front nor takes
    a front out of service for it. (With ``http_503`` in ``proxy_next_upstream``, two queries
    stopped at the deadline took both fronts out for nginx's fail_timeout, 10 s, and every
    request meanwhile, cached lookups included, got 502 "no live upstreams": found by
    bench/stores.py's heavier queries at the 100x corpus.)"""
    accept = {"Accept": "application/sparql-results+json"}
    path = "/sparql?query=" + quote(CARTESIAN)
    # each from an address of its own: the fronts' query budget is one query a client
    with ThreadPoolExecutor(2) as pool:  # one for each front, at once
        stopped = list(pool.map(lambda n: fetch(replicas.url, path, accept,
                                                source=f"127.0.3.{n}"), (1, 2)))
    assert [a.status for a in stopped] == [503, 503], [a.body[:200] for a in stopped]
    # stopped at the deadline, or (both sent to one front) the second refused as busy
    assert all(b"query_timeout" in a.body or b'"busy"' in a.body for a in stopped)
    after = [fetch(replicas.url, "/sparql?query=" + quote(f"ASK {{ ?s ?p {i} }}"), accept,
                   source=f"127.0.4.{i}") for i in range(1, 5)]
    assert [a.status for a in after] == [200] * 4, [a.body[:200] for a in after]


def test_posts_and_errors_are_never_cached(replicas: Deployment) -> None:
    ask = b"ASK { ?s ?p ?o }"
    for _ in range(2):
        posted = fetch(replicas.url, "/sparql", {"Content-Type": "application/sparql-query",
                                                 "Accept": "application/sparql-results+json"},
                       "POST", ask)
        assert posted.status == 200 and posted.cache != "HIT"
        missing = fetch(replicas.url, "/id/place/never-minted", {"Accept": "text/turtle;q=0.6"})
        assert missing.status == 404 and missing.cache == "MISS"


def test_a_client_address_reaches_the_fronts_through_a_trusted_proxy_only(
        replicas: Deployment, untrusting: Deployment) -> None:
    """One query spends a client's whole budget: a second query of the same client is 429,
    while another client's is answered. Clients are told apart by their own address only when
    the fronts trust the proxy; an X-Forwarded-For a client writes itself is never taken."""
    agent = "replicas-fairness"
    assert query(replicas.url, "127.0.0.2", agent) == 200
    assert query(replicas.url, "127.0.0.2", agent) == 429  # whichever front answers
    assert query(replicas.url, "127.0.0.3", agent) == 200  # another address: another client
    assert query(replicas.url, "127.0.0.4", agent, forwarded="127.0.0.3") == 200
    # not trusted: every client is the proxy's address, 127.0.0.1
    assert query(untrusting.url, "127.0.0.2", agent) == 200
    assert query(untrusting.url, "127.0.0.3", agent) == 429


def _describes(base: str, text: str) -> Answer:
    answer = fetch(base, FINDING, {"Accept": "text/turtle;q=0.5"})
    assert answer.status == 200
    return answer if text in answer.body.decode("utf-8") else Answer(0, answer.headers, b"")


def _until(check: Callable[[], Answer], limit: float) -> tuple[Answer, float]:
    """The first answer ``check`` gives with a status, and when it came."""
    deadline = time.monotonic() + limit
    while True:
        answer = check()
        if answer.status or time.monotonic() > deadline:
            return answer, time.monotonic()
        time.sleep(0.25)


def test_a_new_release_replaces_the_old_everywhere(replicas: Deployment, project: Path) -> None:
    before = [fetch(base, FINDING, {"Accept": "text/turtle;q=0.5"})
              for base in (*replicas.fronts, replicas.url)]
    assert all(OLD in a.body.decode() for a in before)
    primed = time.monotonic()  # the proxy holds the old answer from here, for MAX_AGE at most
    findings = project / "data" / "findings" / "mini.yaml"
    findings.write_text(findings.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    build_release(project)

    for front in replicas.fronts:
        answer, switched = _until(lambda base=front: _describes(base, NEW), RELOAD * 4 + 10)
        assert answer.status == 200, f"{front} still serves the old release"
    answer, when = _until(lambda: _describes(replicas.url, NEW), MAX_AGE + 15)
    assert answer.status == 200, "the proxy still serves the old release"
    # once the fronts serve the new release, the proxy may keep the old answer only until the
    # max-age it was given runs out (the build itself may take longer than that)
    assert when <= max(primed + MAX_AGE, switched) + RELOAD + 5, (
        when - primed, switched - primed)
    fronts = [fetch(base, FINDING, {"Accept": "text/turtle;q=0.5"}) for base in replicas.fronts]
    assert {a.etag for a in fronts} == {answer.etag} and answer.etag != before[0].etag
