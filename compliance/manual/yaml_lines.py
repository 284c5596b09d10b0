"""YAML reading that keeps line numbers, so the validator can point at them.

PyYAML forgets where a value came from and silently keeps the last of two equal keys;
this loader records the line of every mapping, key and list item, and the keys that
appear twice.
"""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int]]


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]


# libyaml's parser where PyYAML was built with it (ten times quicker on the manual); its
# nodes carry the same marks, so the line numbers are the same.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.duplicate_keys = []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in data.key_lines:
            data.duplicate_keys.append((str(key), line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode):  # type: ignore[no-untyped-def]
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(text: str) -> Any:
    """Parse one YAML document; raises yaml.YAMLError (with a mark) on bad syntax."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
