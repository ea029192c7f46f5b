"""What the service is for, on the real release: a name another dataset writes reconciles to our
IRI, first and as a match. "Hoeryong" (and its other spellings) to our place, "Kim Jong Un" to
our person, and each institution that has a Korean name in ``data/entities/`` or in the
institutions vocabulary, by its Hangul name alone."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.namespace import SKOS

from dprk_ld.testing import BASE

Validate = Callable[[str, Any], list[str]]
REPO = Path(__file__).resolve().parents[2]


def first(client: FlaskClient, validate: Validate, text: str, type_id: str | None = None) -> Any:
    query: dict[str, Any] = {"query": text} | ({"type": type_id} if type_id else {})
    resp = client.post("/reconcile", data={"queries": json.dumps({"q0": query})})
    assert resp.status_code == 200, resp.data[:300]
    found = json.loads(resp.data)
    assert validate("reconciliation-result-batch.json", found) == []
    assert found["q0"]["result"], f"no candidate for {text!r}"
    return found["q0"]["result"][0]


def korean_organizations() -> list[tuple[str, str]]:
    """(IRI, Hangul name) of every organization of data/entities/ that has a Korean name."""
    data = yaml.safe_load((REPO / "data" / "entities" / "organizations.yaml").read_text("utf-8"))
    return [(BASE + "id/org/" + o["id"], o["ko"]) for o in data["organizations"] if o.get("ko")]


def korean_institutions() -> list[tuple[str, str]]:
    """(IRI, Hangul name) of every institution concept with a preferred Korean label."""
    g = Graph().parse(REPO / "ontology" / "vocab" / "institutions.ttl")
    return sorted((str(s), str(o)) for s, o in g.subject_objects(SKOS.prefLabel)
                  if getattr(o, "language", None) == "ko")


@pytest.mark.parametrize("text", ["Hoeryong", "Hoeryŏng", "hoe-ryong", "회령"])
@pytest.mark.parametrize("type_id", [None, BASE + "ontology#Place"])
def test_hoeryong(real_client: FlaskClient, validate: Validate, text: str,
                  type_id: str | None) -> None:
    found = first(real_client, validate, text, type_id)
    assert found["id"] == BASE + "id/place/hoeryong" and found["match"] is True


@pytest.mark.parametrize("text", ["Kim Jong Un", "Kim Jong-un", "김정은"])
def test_kim_jong_un(real_client: FlaskClient, validate: Validate, text: str) -> None:
    found = first(real_client, validate, text)
    assert found["id"] == BASE + "id/person/kim-jong-un" and found["match"] is True


def test_there_are_institutions_with_korean_names() -> None:
    assert korean_organizations() and korean_institutions()


@pytest.mark.parametrize(("iri", "hangul"), korean_organizations())
def test_an_organization_by_its_hangul_name(real_client: FlaskClient, validate: Validate,
                                            iri: str, hangul: str) -> None:
    for type_id in (None, "http://www.w3.org/ns/org#Organization"):
        found = first(real_client, validate, hangul, type_id)
        assert found["id"] == iri and found["match"] is True


@pytest.mark.parametrize(("iri", "hangul"), korean_institutions())
def test_an_institution_by_its_hangul_name(real_client: FlaskClient, validate: Validate,
                                           iri: str, hangul: str) -> None:
    for type_id in (None, BASE + "vocab/institutions"):
        found = first(real_client, validate, hangul, type_id)
        assert found["id"] == iri and found["match"] is True
