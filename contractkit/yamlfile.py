"""Reading YAML the project's way: with LibYAML's parser when PyYAML was built with it, and a key
given twice in one mapping refused (YAML would keep the last silently)."""

from __future__ import annotations

from typing import Any

import yaml

# LibYAML's parser when PyYAML was built with it (its wheels are): the catalogue, lexicons and
# parameters load in a tenth of the time, which is most of `generate`'s start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UniqueKeyLoader(_SAFE_LOADER):  # type: ignore[valid-type,misc]
    """A safe loader that refuses a key given twice in one mapping: a lexicon entry's second ``not:``,
    or a playbook's second ``severity:``, would otherwise quietly drop the first."""


def _unique_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, (str, int, float, bool)):
            continue  # an unhashable key is for the schema to refuse
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice in one mapping", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load_yaml(text: str) -> Any:
    """The document in ``text``; raises ``yaml.YAMLError`` (with the line) for bad YAML or a repeated key."""
    return yaml.load(text, Loader=UniqueKeyLoader)
