"""Who publishes the dataset: the ``publisher`` block of data/dataset.yaml, read and checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from dprk_ld.curation.publisher import DEFAULT_NAME, Publisher, PublisherError, publisher_of
from dprk_ld.testing import edit_fixture, load_problems

REPO = Path(__file__).resolve().parents[1]


def test_no_publisher_block_gives_the_project_and_no_invented_contact() -> None:
    found = publisher_of({})
    assert found == Publisher()
    assert found.name == DEFAULT_NAME == "dprk-ld project"
    assert found.email is None and found.corrections_url is None


def test_a_plain_string_is_the_name() -> None:
    assert publisher_of({"publisher": "Some Group"}).name == "Some Group"


def test_a_mapping_gives_every_field_and_empty_values_fall_back() -> None:
    found = publisher_of({"publisher": {
        "name": "Some Group", "homepage": "https://example.org/", "email": "desk@example.org",
        "contact_url": None, "corrections_url": " "}})
    assert (found.name, found.homepage, found.email) == (
        "Some Group", "https://example.org/", "desk@example.org")
    assert found.contact_url is None and found.corrections_url is None
    assert found.contact == "mailto:desk@example.org"


@pytest.mark.parametrize(("block", "words"), [
    ({"nmae": "x"}, "unknown field(s) nmae"),
    ({"email": "not an address"}, "publisher.email"),
    ({"homepage": "ftp://example.org/"}, "publisher.homepage"),
    ({"corrections_url": "example.org/fix"}, "publisher.corrections_url"),
    (["a", "list"], "expected a name or a mapping"),
])
def test_a_bad_block_is_refused_naming_the_field(block: object, words: str) -> None:
    with pytest.raises(PublisherError, match=words.replace("(", r"\(").replace(")", r"\)")):
        publisher_of({"publisher": block})


def test_the_repository_names_the_project_and_invents_no_address() -> None:
    from dprk_ld.curation.yamlio import read_yaml

    found = publisher_of(read_yaml(REPO / "data" / "dataset.yaml"))
    assert found.name == "dprk-ld project"
    assert found.email is None and found.contact_url is None and found.corrections_url is None


def test_a_bad_block_fails_the_load_naming_dataset_yaml(mini: Path) -> None:
    edit_fixture(mini, "data/dataset.yaml", "publisher: tests",
                 "publisher:\n  name: x\n  mail: a@b.org")
    problems = [str(p) for p in load_problems(mini)]
    assert any("dataset.yaml" in p and "unknown field(s) mail" in p for p in problems), problems
