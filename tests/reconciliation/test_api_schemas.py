"""The Reconciliation Service API 0.2's own examples against its own schemas, one test per example:
every ``valid/`` example must validate and every ``invalid/`` one must fail, so the schemas this
project checks its answers with are shown to accept and refuse what the API says they should.

Examples named in :data:`EXPECTED_FAILURES` are a known disagreement between an example and the
0.2 schemas; their test asserts that the disagreement is still there (it fails if the schemas or
the example change), with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Validate = Callable[[str, Any], list[str]]

#: each folder of examples/ -> the schema (and the part of it) its examples are instances of
SCHEMA_OF = {
    "manifest": "manifest.json",
    "preview-metadata": "manifest.json#/properties/preview",
    "suggest-metadata": "manifest.json#/properties/suggest/definitions/service_definition",
    "data-extension-metadata": "manifest.json#/properties/extend",
    "security-scheme": "http://swagger.io/v2/schema.json#/definitions/securityDefinitions/"
                       "additionalProperties",
    "reconciliation-query-batch": "reconciliation-query.json",
    "reconciliation-result-batch": "reconciliation-result-batch.json",
    "reconciliation-candidate": "reconciliation-result-batch.json#/patternProperties/^.*$/"
                                "properties/result/items",
    "suggest-entities-response": "suggest-entities-response.json",
    "suggest-types-response": "suggest-types-response.json",
    "suggest-properties-response": "suggest-properties-response.json",
    "data-extension-query": "data-extension-query.json",
    "data-extension-response": "data-extension-response.json",
    "data-extension-property-proposal": "https://reconciliation-api.github.io/specs/draft/schemas/"
                                        "data-extension-property-proposal.json",
}
#: folders of examples/ that no schema of 0.2 describes, and why
NO_SCHEMA = {
    "flyout-response": "0.2 has no schema for the flyout service's answer (and we offer none)",
    "preview-response": "an HTML page, not JSON (our previews are checked in test_openrefine.py)",
}
#: examples the 0.2 schemas disagree with, and why
EXPECTED_FAILURES = {
    "security-scheme/valid/http_basic_auth.json":
        "an OpenAPI 3 scheme ({type: http, scheme: basic}); the 0.2 manifest schema refers to "
        "Swagger 2.0's security definitions, where basic authentication is {type: basic}",
}


def example_id(path: Path) -> str:
    return "/".join(path.parts[-3:])


def test_the_schemas_and_examples_are_there(spec: Path) -> None:
    assert (spec / "schemas" / "manifest.json").is_file(), f"no schemas in {spec}"
    assert sorted((spec / "examples").glob("*/*/*.json")), f"no examples in {spec}/examples"


def test_every_folder_of_examples_is_known(spec: Path) -> None:
    folders = {p.name for p in (spec / "examples").iterdir() if p.is_dir()} \
        if (spec / "examples").is_dir() else set()
    assert folders, f"no examples in {spec}"
    assert folders == set(SCHEMA_OF) | set(NO_SCHEMA), \
        f"unmapped: {sorted(folders - set(SCHEMA_OF) - set(NO_SCHEMA))}"


def test_example_against_its_schema(example: Path | None, validate: Validate, spec: Path) -> None:
    """(one test per example of the API: see ``pytest_generate_tests`` in the conftest)"""
    assert example is not None, f"Reconciliation API examples not found in {spec}/examples"
    path = example
    folder, verdict = path.parts[-3], path.parts[-2]
    assert verdict in ("valid", "invalid"), path
    if folder in NO_SCHEMA:
        json.loads(path.read_text(encoding="utf-8"))  # it is JSON at least
        return
    errors = validate(SCHEMA_OF[folder], json.loads(path.read_text(encoding="utf-8")))
    name = example_id(path)
    if name in EXPECTED_FAILURES:
        assert errors, f"{name} now validates; remove it from EXPECTED_FAILURES"
    elif verdict == "valid":
        assert not errors, errors
    else:
        assert errors, f"{name} should not validate against {SCHEMA_OF[folder]}"
