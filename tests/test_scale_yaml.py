"""libyaml reads the curated files as the pure-Python parser does: the same values and the same
line for every mapping and list item (the lines that error messages give), and a malformed
file still gets the pure-Python parser's message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dprk_ld.curation import yamlio

REPO = Path(__file__).resolve().parents[1]
FILES = sorted((REPO / "data").rglob("*.yaml"))


def shape(obj: Any) -> Any:
    """A value with the lines the reader attached to it, for comparing two reads."""
    if isinstance(obj, dict):
        return ("map", yamlio.line_of(obj), [(k, shape(v)) for k, v in obj.items()])
    if isinstance(obj, list):
        return ("list", yamlio.item_lines(obj), [shape(v) for v in obj])
    return (type(obj).__name__, obj)


def test_libyaml_is_used() -> None:
    assert issubclass(yamlio._FastLoader, yaml.CSafeLoader)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_both_parsers_give_the_same_values_and_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = yaml.load(text, Loader=yamlio._FastLoader)
    slow = yaml.load(text, Loader=yamlio._Loader)
    assert shape(fast) == shape(slow)
    assert shape(yamlio.read_yaml(path)) == shape(slow)


def test_lines_are_those_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("# c\nfindings:\n  - id: a\n    x: 1\n\n  - id: b\n", encoding="utf-8")
    doc = yamlio.read_yaml(path)
    assert yamlio.line_of(doc) == 2
    assert yamlio.item_lines(doc["findings"]) == [3, 6]
    assert [yamlio.line_of(f) for f in doc["findings"]] == [3, 6]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a: 1\nb: [1, 2\n", 3, "while parsing a flow sequence"),
    ("a: 1\na: 2\n", 2, "duplicate key 'a'"),
    ("a: b: c\n", 1, "mapping values are not allowed here"),
])
def test_a_malformed_file_gets_the_pure_python_message(tmp_path: Path, text: str, line: int,
                                                       words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yamlio.YamlError) as caught:
        yamlio.read_yaml(path)
    try:
        yaml.load(text, Loader=yamlio._Loader)
    except yaml.MarkedYAMLError as exc:
        expected = " ".join(str(p) for p in (exc.context, exc.problem) if p)
    assert str(caught.value) == f"malformed YAML: {expected}"
    assert words in str(caught.value)
    assert caught.value.line == line
