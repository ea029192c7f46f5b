"""The w3id.org rules, run by Apache 2.4 as w3id.org runs them (a ``dprk-ld/`` folder holding the
generated ``.htaccess``), in front of a real `dprk-ld serve` of the tiny release: every kind of
IRI answers the right redirect, and following it ends at the right document, negotiated by the
deployment, exactly where following the same path on the deployment itself ends."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote, urljoin, urlsplit

import pytest
from rdflib import Graph, URIRef

from dprk_ld.cli import main
from dprk_ld.deploy.w3id import folder_readme, htaccess, redirect_for, w3id_folder
from dprk_ld.testing import BASE, ServerProcess, free_port, stop_group

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "deploy" / "w3id" / ".htaccess"
MODULES = Path("/usr/lib/apache2/modules")
FOLDER = "dprk-ld"
REDIRECTS = (301, 302, 303, 307, 308)
#: what a client asks for -> the media type of the document it must end at
ACCEPTS = {"text/html": "text/html", "text/turtle": "text/turtle",
           "application/ld+json": "application/ld+json",
           "application/n-triples": "application/n-triples"}
#: one path of every kind under the namespace: (path, w3id.org's status, where it sends it, what
#: the document it ends at describes)
KINDS = [
    ("id/finding/mini/hoeryong-trial", 303, "doc/id/finding/mini/hoeryong-trial",
     "id/finding/mini/hoeryong-trial"),
    ("id/evidence/mini/hoeryong-trial/1", 303, "doc/id/evidence/mini/hoeryong-trial/1",
     "id/evidence/mini/hoeryong-trial/1"),
    ("id/source/mini", 303, "doc/id/source/mini", "id/source/mini"),
    ("id/place/hoeryong", 303, "doc/id/place/hoeryong", "id/place/hoeryong"),
    ("vocab/violation-types/forced-labor", 303, "doc/vocab/violation-types/forced-labor",
     "vocab/violation-types/forced-labor"),
    ("vocab/violation-types", 303, "doc/vocab/violation-types", "vocab/violation-types"),
    ("dataset", 303, "doc/dataset", "dataset"),
    ("graph/data", 303, "doc/graph/data", "graph/data"),
    ("doc/id/place/hoeryong", 302, "doc/id/place/hoeryong", "id/place/hoeryong"),
    ("ontology", 302, "ontology", "ontology#Finding"),
    ("shapes", 302, "shapes", "shapes#"),
    (".well-known/void", 302, ".well-known/void", "dataset"),
]

HTTPD_CONF = """\
ServerRoot {root}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule alias_module {modules}/mod_alias.so
{user}
PidFile {root}/run/apache.pid
DefaultRuntimeDir {root}/run
ErrorLog {root}/error.log
LogLevel warn
DocumentRoot {root}/htdocs
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {root}/htdocs>
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
"""


class Apache:
    """apache2 as the current user on a free loopback port, with a minimal configuration of its
    own and every file in a temporary folder, serving ``dprk-ld/.htaccess``. (Apache refuses to
    serve as root: when the tests run as root, its workers run as nobody.)"""

    def __init__(self, rules: str) -> None:
        program = shutil.which("apache2") or shutil.which("apache2", path="/usr/sbin")
        if program is None or not (MODULES / "mod_rewrite.so").is_file():
            pytest.fail("apache2 is not installed: `make test` installs it (tools/system-deps), "
                        "or Debian: apt-get install apache2")
        self.root = Path(tempfile.mkdtemp(prefix="dprk-ld-apache-"))
        self.root.chmod(0o755)
        (self.root / "htdocs" / FOLDER).mkdir(parents=True)
        (self.root / "htdocs" / FOLDER / ".htaccess").write_text(rules, encoding="utf-8")
        (self.root / "run").mkdir()
        self.port = free_port()
        user = ""
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            user = f"User #{nobody.pw_uid}\nGroup #{nobody.pw_gid}"
        conf = self.root / "httpd.conf"
        conf.write_text(HTTPD_CONF.format(root=self.root, port=self.port, modules=MODULES,
                                          user=user), encoding="utf-8")
        self.log: IO[bytes] = (self.root / "stderr.log").open("wb")
        self.proc = subprocess.Popen([program, "-f", str(conf), "-DFOREGROUND"],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self._wait()

    def _wait(self) -> None:
        limit = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > limit:
                    messages = "".join(p.read_text(errors="replace") for p in
                                       (self.root / "stderr.log", self.root / "error.log")
                                       if p.is_file())
                    self.stop()
                    pytest.fail(f"apache2 did not start:\n{messages}")
                time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{FOLDER}/"

    def stop(self) -> None:
        stop_group(self.proc)
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Hop:
    url: str
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def vary(self) -> set[str]:
        return {v.strip().lower() for v in self.headers.get("Vary", "").split(",") if v.strip()}


def request(url: str, method: str = "GET", headers: dict[str, str] | None = None,
            body: bytes | None = None) -> Hop:
    """One request, no redirect followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                     headers=headers or {})
        resp = conn.getresponse()
        return Hop(url, resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def follow(url: str, accept: str, method: str = "GET", body: bytes | None = None,
           content_type: str | None = None) -> list[Hop]:
    """Every response from ``url`` to the first that is no redirect, as a client follows them:
    303 (and 301/302 after a POST) turn into GET, 307 and 308 repeat the method and body."""
    hops: list[Hop] = []
    for _ in range(8):
        headers = {"Accept": accept}
        if body is not None and content_type:
            headers["Content-Type"] = content_type
        hop = request(url, method, headers, body)
        hops.append(hop)
        if hop.status not in REDIRECTS:
            return hops
        if hop.status == 303 or (hop.status in (301, 302) and method == "POST"):
            method, body = "GET", None
        url = urljoin(url, hop.headers["Location"])
    raise AssertionError(f"more than 8 redirects from {hops[0].url}")


def outcome(hops: list[Hop]) -> tuple[str | None, int, str, str]:
    """How a chain ends: the URL of the document (None for an error, which may be answered
    at any step), status, media type and a digest of the body."""
    last = hops[-1]
    return (last.url if last.status == 200 else None, last.status,
            last.headers.get("Content-Type", "").split(";")[0],
            hashlib.sha256(last.body).hexdigest())


@pytest.fixture(scope="module")
def deployment(mini_release: Path) -> Iterator[str]:
    """A real `dprk-ld serve` of the tiny release; yields its address (``http://…/``)."""
    srv = ServerProcess(mini_release, workers="1", query_workers="1")
    yield srv.url.removesuffix("sparql")
    srv.stop()


@pytest.fixture(scope="module")
def w3id(deployment: str) -> Iterator[str]:
    """The address of our folder on a local Apache holding the rules for ``deployment``."""
    apache = Apache(htaccess(deployment))
    yield apache.url
    apache.stop()


# --- the generated files --------------------------------------------------------------------------


def test_the_committed_rules_are_what_the_generator_writes(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """deploy/w3id/.htaccess is what `dprk-ld w3id` writes for the address it names (the
    default address, PUBLIC_URL's, until it is regenerated for a deployment)."""
    for name in [n for n in os.environ if n.startswith("DPRK_LD_")]:
        monkeypatch.delenv(name)
    assert main(["w3id", "--root", str(REPO)]) == 0
    default = capsys.readouterr().out
    assert "http://127.0.0.1:5000/doc/$1 [R=303,L]" in default
    committed = COMMITTED.read_text(encoding="utf-8")
    named = re.search(r"`dprk-ld w3id --target (\S+)`", committed)
    assert named, "deploy/w3id/.htaccess does not say how it was made"
    assert main(["w3id", "--target", named.group(1), "--root", str(REPO)]) == 0
    assert committed == capsys.readouterr().out, (
        "deploy/w3id/.htaccess is stale: dprk-ld w3id --target ADDRESS > deploy/w3id/.htaccess")
    assert main(["w3id", "--target", "https://deployment.example/", "--root", str(REPO)]) == 0
    assert "https://deployment.example/doc/$1 [R=303,L]" in capsys.readouterr().out


def test_bad_addresses_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    for target in ("ftp://deployment.example/", "https://deployment.example/site/",
                   "https://deployment.example/?x=1"):
        with pytest.raises(ValueError):
            htaccess(target)
        assert main(["w3id", "--target", target]) == 2
        assert "dprk-ld w3id:" in capsys.readouterr().err
    for base in ("https://example.org/dprk-ld/", "https://w3id.org/dprk-ld", "https://w3id.org/"):
        with pytest.raises(ValueError):
            w3id_folder(base)
    assert w3id_folder("https://w3id.org/a/b/") == "a/b"


def test_the_folder_readme_names_the_deployment_and_the_maintainer() -> None:
    text = folder_readme("https://deployment.example/")
    assert "<https://deployment.example/>" in text and f"{BASE}dataset" in text
    assert "Maintainer: dprk-ld project" in text


# --- Apache ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "status", "location", "about"), KINDS)
def test_every_kind_of_iri_ends_at_its_negotiated_document(
        w3id: str, deployment: str, path: str, status: int, location: str, about: str) -> None:
    first_locations = set()
    for accept, media_type in ACCEPTS.items():
        hops = follow(w3id + path, accept)
        first, last = hops[0], hops[-1]
        assert first.status == status, (path, accept, first.status)
        first_locations.add(first.headers["Location"])
        # the redirect is the same for every Accept, so it says nothing about Accept ...
        assert "accept" not in first.vary()
        # ... and the document the deployment chose says it did
        assert last.status == 200, (path, accept, last.status, last.body[:300])
        assert last.url == deployment + location
        assert last.headers["Content-Type"].split(";")[0] == media_type, (path, accept)
        assert "accept" in last.vary()
        assert outcome(hops) == outcome(follow(deployment + path, accept))
        if media_type != "text/html":
            fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld",
                   "application/n-triples": "nt"}[media_type]
            graph = Graph().parse(data=last.body, format=fmt)
            assert any(str(s).startswith(BASE + about) for s in graph.subjects()), (path, accept)
    assert first_locations == {deployment + location}


def test_a_hash_iri_gets_the_document_of_its_namespace(w3id: str) -> None:
    """``ontology#Finding``: the client keeps the fragment, the server sees ``ontology``."""
    hops = follow(w3id + "ontology", "text/turtle")
    assert "#" not in hops[0].headers["Location"]
    graph = Graph().parse(data=hops[-1].body, format="turtle")
    assert (URIRef(BASE + "ontology#Finding"), None, None) in graph


def test_q_values_are_honoured_by_the_deployment(w3id: str) -> None:
    thing = w3id + "id/place/hoeryong"
    for accept, media_type in (("application/ld+json;q=0.5, text/turtle", "text/turtle"),
                               ("text/turtle;q=0.1, text/html", "text/html"),
                               ("application/rdf+xml, */*;q=0.1", "application/rdf+xml")):
        last = follow(thing, accept)[-1]
        assert last.headers["Content-Type"].split(";")[0] == media_type, accept


@pytest.mark.parametrize(("path", "media_type"), [
    ("ontology.ttl", "text/turtle"),
    ("shapes.nt", "application/n-triples"),
    ("doc/id/place/hoeryong.jsonld", "application/ld+json"),
    ("doc/id/finding/mini/hoeryong-trial.html", "text/html"),
])
def test_a_named_variant_is_sent_as_is(w3id: str, deployment: str, path: str,
                                       media_type: str) -> None:
    hops = follow(w3id + path, "text/html")
    assert [h.status for h in hops] == [302, 200]
    assert hops[0].headers["Location"] == deployment + path
    assert hops[-1].headers["Content-Type"].split(";")[0] == media_type
    assert "accept" not in hops[-1].vary()


def test_the_dumps_are_the_release_files(w3id: str, mini_release: Path) -> None:
    files = json.loads((mini_release / "release.json").read_text(encoding="utf-8"))["files"]
    for name in ("dprk-ld.nt", "dprk-ld.ttl", "dprk-ld.jsonld"):
        hops = follow(w3id + f"dumps/{name}", "*/*")
        assert [h.status for h in hops] == [302, 200]
        assert hashlib.sha256(hops[-1].body).hexdigest() == files[name]["sha256"]
        assert hops[-1].headers["Content-Type"].split(";")[0] == files[name]["media_type"]


def test_the_endpoint_keeps_the_method_and_the_query(w3id: str, deployment: str) -> None:
    ask = "ASK { ?s ?p ?o }"
    results = "application/sparql-results+json"
    got = follow(w3id + "sparql?query=" + quote(ask), results)
    assert got[0].status == 307
    assert got[0].headers["Location"] == deployment + "sparql?query=" + quote(ask)
    assert json.loads(got[-1].body)["boolean"] is True
    for body, content_type in ((ask.encode(), "application/sparql-query"),
                               (b"query=" + quote(ask).encode(),
                                "application/x-www-form-urlencoded")):
        posted = follow(w3id + "sparql", results, "POST", body, content_type)
        assert [h.status for h in posted] == [307, 200]
        assert json.loads(posted[-1].body)["boolean"] is True


@pytest.mark.parametrize("path", [
    "", "search?q=hoeryong", "id/place/hoeryong.ttl", "id/place/never-minted", "dataset.ttl",
    "ontology/0.1.0", "doc/ontology", "id/finding/mini/hoeryong-trial?format=ttl",
    "sitemap.xml", "no/such/page",
])
def test_any_path_ends_where_it_ends_on_the_deployment(w3id: str, deployment: str,
                                                       path: str) -> None:
    for accept in ("text/html", "text/turtle"):
        via_w3id = follow(w3id + path, accept)
        assert via_w3id[0].status in (302, 303, 307)
        assert outcome(via_w3id) == outcome(follow(deployment + path, accept)), (path, accept)


@pytest.mark.parametrize("path", [
    "", "id/finding/mini/hoeryong-trial", "id/place/x.ttl", "id/finding/x.bib", "dataset",
    "dataset.ttl", "vocab/rights", "graph/shapes", "doc/dataset.ttl", "ontology", "ontology.rdf",
    "ontology/0.1.0", "shapes.html", "dumps/sources/mini.txt", ".well-known/void", "sparql",
    "sparql/vocabulary", "reconcile", "static/site.css",
])
def test_apache_applies_the_rules_as_the_generator_reads_them(w3id: str, deployment: str,
                                                              path: str) -> None:
    status, target = redirect_for(path)
    got = request(w3id + path, headers={"Accept": "text/turtle"})
    assert (got.status, got.headers["Location"]) == (status, deployment + target)
