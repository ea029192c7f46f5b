"""An IRI ever published keeps answering: 200 while present, 301 to its replacement, or 410 Gone
saying when and why (a page for browsers, the error shape for programs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from dprk_ld.cli import main
from dprk_ld.release.build import build_release
from dprk_ld.testing import edit_fixture

OLD, NEW = "finding/mini/media-controlled", "finding/mini/media-strictly-controlled"


@pytest.fixture(scope="module")
def retired_dist(mini_copier: Callable[[str], Path]) -> Path:
    """The tiny project published once (recorded), then a finding renamed and retired."""
    root = mini_copier("retired")
    build_release(root)
    assert main(["record", "--root", str(root)]) == 0
    edit_fixture(root, "data/findings/mini.yaml", "  - id: media-controlled\n",
                 "  - id: media-strictly-controlled\n")
    (root / "data/retired.yaml").write_text(
        "retired:\n"
        f"  - {{id: {OLD}, reason: renamed to say who controls the media, replaced_by: {NEW}}}\n"
        "  - {id: evidence/mini/media-controlled/1, reason: the quote now belongs to the renamed "
        "finding}\n", encoding="utf-8")
    edit_fixture(root, "data/dataset.yaml", "version: 0.0.1", "version: 0.0.2")
    build_release(root)
    return root / "dist"


def test_present_iris_still_answer_and_retired_ones_redirect(
        retired_dist: Path, ld_app_factory: Callable[..., Flask]) -> None:
    client = ld_app_factory(retired_dist).test_client()
    assert client.get(f"/id/{NEW}").status_code == 303
    moved = client.get(f"/id/{OLD}")
    assert moved.status_code == 301 and moved.headers["Location"].endswith(f"/id/{NEW}")
    doc = client.get(f"/doc/id/{OLD}")
    assert doc.status_code == 301 and doc.headers["Location"].endswith(f"/doc/id/{NEW}")
    assert client.get("/id/finding/mini/never-was").status_code == 404


def test_a_retired_iri_without_successor_is_gone_with_when_and_why(
        retired_dist: Path, ld_app_factory: Callable[..., Flask]) -> None:
    client = ld_app_factory(retired_dist).test_client()
    gone = client.get("/id/evidence/mini/media-controlled/1", headers={"Accept": "application/json"})
    assert gone.status_code == 410
    error = gone.get_json()["error"]
    assert error["code"] == "gone"
    assert "the quote now belongs to the renamed finding" in error["message"]
    assert "last published in release 0.0.1" in error["message"]
    page = client.get("/doc/id/evidence/mini/media-controlled/1", headers={"Accept": "text/html"})
    assert page.status_code == 410 and page.mimetype == "text/html"
    assert "the quote now belongs to the renamed finding" in page.get_data(as_text=True)


def test_the_history_is_in_the_description_and_on_the_landing_page(
        retired_dist: Path, ld_app_factory: Callable[..., Flask]) -> None:
    from rdflib import Graph, URIRef

    from dprk_ld.release.namespaces import DPRK, ID
    from dprk_ld.release.versions import PREVIOUS_VERSION, version_iri

    void = Graph().parse(retired_dist / "void.ttl")
    v1, v2 = version_iri("0.0.1"), version_iri("0.0.2")
    assert (v2, PREVIOUS_VERSION, v1) in void
    assert set(void.objects(v2, DPRK.findingRetired)) == {URIRef(ID[f"{OLD}"])}
    assert set(void.objects(v2, DPRK.findingAdded)) == {URIRef(ID[f"{NEW}"])}
    page = ld_app_factory(retired_dist).test_client().get("/", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    history = html[html.index('id="history"'):]
    assert history.index("0.0.2") < history.index("0.0.1")
    assert "Since version 0.0.1: 1 findings added, 0 changed, 1 retired." in history
