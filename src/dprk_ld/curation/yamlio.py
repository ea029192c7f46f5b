"""YAML reading that keeps line numbers and refuses duplicate keys.

Files are parsed by libyaml (PyYAML's ``CSafeLoader``, several times faster than its pure-Python
parser on a findings file) with the constructors below, which read each node's line off its
start mark as libyaml gives it. A file libyaml refuses is read again by the pure-Python parser,
so that the message of a malformed file is always the same one (libyaml words its own).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on (1-based)."""

    line: int | None = None


class _Loader(yaml.SafeLoader):
    """The pure-Python parser: its messages are those given for a malformed file."""


#: libyaml's parser with the same constructors (the pure-Python one where PyYAML has no libyaml)
_FastLoader: type = type("_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


class Sequence(list[Any]):
    """A YAML list that knows the line of each of its items (``lines``), 1-based."""

    lines: list[int]


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; raises YamlError with the line of the first syntax problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", None) from None
    try:
        return yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError:
        pass  # read again below, for the pure-Python parser's message
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise YamlError(f"malformed YAML: {reason}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"malformed YAML: {exc}", None) from None


def line_of(obj: Any) -> int | None:
    return getattr(obj, "line", None)


def item_lines(obj: Any) -> list[int]:
    """The line of each item of a YAML list as read (none for anything else)."""
    return list(getattr(obj, "lines", []))
