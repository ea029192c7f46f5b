"""A release built anew under a running app is served whole at the next look, and a request
keeps the release it started with (its files included) even once the folder is replaced."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote

from flask import Flask
from rdflib import Graph, URIRef

from dprk_ld.release.build import build_release
from dprk_ld.testing.store_option import close_app, create_app, published
from dprk_ld.web import reload

OLD = "The 2014 UN Commission of Inquiry found widespread violations"
NEW = "The 2014 UN Commission of Inquiry (rebuilt) found widespread violations"
SUMMARIES = ("SELECT ?s WHERE { ?f <https://w3id.org/dprk-ld/ontology#summary> ?s } ORDER BY ?s")
SPDX_VALUE = URIRef("http://spdx.org/rdf/terms#checksumValue")


def download(app: Flask, name: str) -> bytes:
    with app.test_client().get(f"/dumps/{name}") as resp:
        assert resp.status_code == 200
        return resp.data


def summaries(app: Flask) -> str:
    resp = app.test_client().get("/sparql?query=" + quote(SUMMARIES),
                                 headers={"Accept": "text/csv"})
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def rebuild_with(mini: Path, old: str, new: str) -> None:
    findings = mini / "data" / "findings" / "mini.yaml"
    findings.write_text(findings.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    build_release(mini)
    published(mini / "dist")  # under --store X: published into the app's store


def test_a_new_release_is_picked_up_whole(mini: Path) -> None:
    build_release(mini)
    app = create_app({"DIST": mini / "dist", "RELOAD_SECONDS": 0, "QUERY_WORKERS": 1})
    try:
        client = app.test_client()
        first = json.loads(download(app, "release.json"))
        assert OLD in summaries(app) and NEW not in summaries(app)
        with app.test_request_context("/"):
            old_endpoint, old_site = reload.current()
        rebuild_with(mini, OLD, NEW)

        second = json.loads(download(app, "release.json"))
        assert second["release_id"] != first["release_id"]
        assert NEW in summaries(app) and OLD not in summaries(app)
        # the dump, its checksum in release.json and in the VoID all belong to the new release
        dump = download(app, "dprk-ld.nq")
        assert hashlib.sha256(dump).hexdigest() == second["files"]["dprk-ld.nq"]["sha256"]
        void = Graph().parse(data=client.get("/.well-known/void",
                                             headers={"Accept": "text/turtle"}).data,
                             format="turtle")
        assert second["files"]["dprk-ld.nq"]["sha256"] in {str(o) for o in void.objects(
            None, SPDX_VALUE)}
        # the old release, held by a request that started before, still reads its own files
        old_dump = old_site.file_path("dprk-ld.nq").read_bytes()
        assert hashlib.sha256(old_dump).hexdigest() == first["files"]["dprk-ld.nq"]["sha256"]
        assert old_endpoint.release.release_id == first["release_id"]
    finally:
        close_app(app)


def test_a_broken_release_is_not_served(mini: Path) -> None:
    build_release(mini)
    app = create_app({"DIST": mini / "dist", "RELOAD_SECONDS": 0, "QUERY_WORKERS": 1})
    try:
        served = summaries(app)
        dist = mini / "dist"
        record = json.loads((dist / "release.json").read_text(encoding="utf-8"))
        (dist / "dprk-ld.nq").write_text("this is not N-Quads\n", encoding="utf-8")
        (dist / "release.json").write_text(json.dumps({**record, "release_id": "broken"}),
                                           encoding="utf-8")
        assert summaries(app) == served  # the last good release goes on being served
        assert app.extensions["dprk_ld"].release.release_id == record["release_id"]
    finally:
        close_app(app)
