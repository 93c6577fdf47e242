"""The JSON Schema of the check report (``contractkit.check/1``), generated from the result objects.

The schema shipped with the package (``contractkit/formatters/schema/check-report.schema.json``)
is this module's output, committed; a test fails when the two differ. After changing a
result object or a description in ``contractkit.results.model``, regenerate it::

    python -m contractkit.results.schema > contractkit/formatters/schema/check-report.schema.json
    python -m contractkit.results.schema --version 2 > contractkit/formatters/schema/check-report-2.schema.json

``contractkit.check/2`` (``check-report-2.schema.json``) is the report of a run with a playbook:
everything of /1, plus the top-level ``playbook`` and each document's ``positions``. A run without
a playbook is still written as /1, and the /1 schema describes exactly what it always did.

pydantic writes the schema of each object; this module gives it the report's shape:
the ``$defs`` keep the names the hand-kept schema had (``document``, ``finding`` …),
enumerations and the per-status counts are written in place, every field the report
always writes is required, nothing undeclared is allowed, and the error codes are
those of ``contractkit.reading.errors.ERROR_ADVICE``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

SCHEMA_ID = "urn:contractkit:schema:check-report:1"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "contractkit check report"
COMMAND = "python -m contractkit.results.schema > contractkit/formatters/schema/check-report.schema.json"
# contractkit.check/2: the report of a run with a playbook.
SCHEMA_IDS = {1: SCHEMA_ID, 2: "urn:contractkit:schema:check-report:2"}
VERSIONS = {1: "contractkit.check/1", 2: "contractkit.check/2"}
TITLES = {1: TITLE, 2: "contractkit check report with playbook positions"}
FILES = {1: "check-report.schema.json", 2: "check-report-2.schema.json"}
COMMANDS = {
    1: COMMAND,
    2: "python -m contractkit.results.schema --version 2 > contractkit/formatters/schema/check-report-2.schema.json",
}

# pydantic's name of each object -> the name under $defs (the names of the hand-kept schema).
DEF_NAMES = {
    "DocumentReport": "document",
    "DocumentError": "error",
    "PartyResult": "party",
    "Finding": "finding",
    "Evidence": "evidence",
    "LocationData": "location",
    "SkippedFile": "skipped-file",
}
# The objects only /2 has.
PLAYBOOK_DEF_NAMES = {"PositionResult": "position", "Reading": "reading", "PositionTarget": "position-target"}

# A document has `error` exactly when its status is error, and a document whose roles are
# unknown has no results.
DOCUMENT_RULES = [
    {
        "if": {"properties": {"status": {"const": "error"}}},
        "then": {"required": ["error"]},
        "else": {"not": {"required": ["error"]}},
    },
    {
        "if": {"properties": {"status": {"const": "roles-unknown"}}},
        "then": {"properties": {"results": {"maxItems": 0}}},
    },
]

# Keys first in this order when a schema node is written (readability only).
_KEY_ORDER = ("$ref", "description", "type", "const", "enum", "pattern", "minimum", "prefixItems", "items",
              "minItems", "maxItems", "required", "additionalProperties", "properties", "allOf", "examples")
_DROPPED = ("title", "default", "readOnly")  # pydantic's, not the report's


def build_schema(version: int = 1) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``CheckRun.as_dict()``, as shipped: of ``contractkit.check/1``
    (a run without a playbook) or, with ``version=2``, of ``contractkit.check/2`` (a run with one)."""
    from pydantic import TypeAdapter

    from contractkit.reading.errors import ERROR_ADVICE
    from contractkit.results.model import RESULT_TYPES, CheckRun

    generated = TypeAdapter(CheckRun).json_schema(mode="serialization", by_alias=True)
    pydantic_defs = generated.pop("$defs", {})
    classes = {cls.__name__: cls for cls in RESULT_TYPES}
    def_names = dict(DEF_NAMES)
    if version == 1:  # what /1 always was: no playbook, no positions
        generated["properties"].pop("playbook", None)
        pydantic_defs["DocumentReport"]["properties"].pop("positions", None)
        for name in (*PLAYBOOK_DEF_NAMES, "PlaybookData"):
            pydantic_defs.pop(name, None)
    else:
        def_names.update(PLAYBOOK_DEF_NAMES)

    def resolve(node: Any) -> Any:
        """Rename references, write enumerations and other unnamed definitions in place."""
        if isinstance(node, list):
            return [resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: resolve(value) for key, value in node.items()}
        if len(node.get("allOf", ())) == 1 and "$ref" not in node:  # older pydantic: a reference beside a
            node = {**node.pop("allOf")[0], **node}  # description; the same as the reference and the description
        ref = node.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name in def_names:
                node["$ref"] = f"#/$defs/{def_names[name]}"
            else:  # e.g. Status, StatusCounts: in place, the field's own description winning
                del node["$ref"]
                inlined = resolve(pydantic_defs[name])
                if inlined.get("type") == "object":
                    inlined["additionalProperties"] = False
                node = {**inlined, **node}
        return node

    def shape(name: str, node: dict[str, Any]) -> dict[str, Any]:
        """An object's schema as the report writes it."""
        cls = classes.get(name)
        properties = node.get("properties", {})
        omitted = getattr(cls, "_OMITTED_WHEN_EMPTY", ())
        order = getattr(cls, "_JSON_ORDER", ())
        if order:
            properties = {key: properties[key] for key in (*order, *properties) if key in properties}
        for key in omitted:  # left out rather than written as null
            if key in properties:
                properties[key] = _not_null(properties[key])
        node["properties"] = properties
        if cls is not None:  # every field is always written, but those left out when empty
            node["required"] = [key for key in properties if key not in omitted]
        node["additionalProperties"] = False
        return node

    defs = {def_names[name]: shape(name, resolve(node)) for name, node in pydantic_defs.items() if name in def_names}
    run = shape("CheckRun", resolve(generated))
    defs["error"]["properties"]["code"]["enum"] = list(ERROR_ADVICE)
    defs["document"]["allOf"] = DOCUMENT_RULES
    run["properties"]["schema"] = {"description": run["properties"]["schema"]["description"],
                                   "const": VERSIONS[version]}
    description = run["description"]
    if version == 2:
        run["required"] = [*run["required"], "playbook"]
        description += (" contractkit.check/2 is the report of a run with a playbook (`contractkit check --playbook`): "
                        "everything of contractkit.check/1, plus `playbook` and each document's `positions`.")

    schema = {
        "$schema": DRAFT,
        "$id": SCHEMA_IDS[version],
        "title": TITLES[version],
        "description": description,
        "type": "object",
        "required": run["required"],
        "additionalProperties": False,
        "properties": run["properties"],
        "$defs": {name: defs[name] for name in def_names.values() if name in defs},
    }
    tidy: dict[str, Any] = _tidy(schema, top=True)
    return tidy


def _not_null(node: dict[str, Any]) -> dict[str, Any]:
    """``X | None`` as just ``X``."""
    options = node.get("anyOf")
    if not options:
        return node
    kept = [option for option in options if option != {"type": "null"}]
    rest = {key: value for key, value in node.items() if key != "anyOf"}
    return {**kept[0], **rest} if len(kept) == 1 else {**rest, "anyOf": kept}


def _tidy(node: Any, top: bool = False, names: bool = False) -> Any:
    """Drop pydantic's titles and defaults, write nullable simple types as type lists, order keys."""
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    if names:  # the keys of "properties" or "$defs" are names, not keywords
        return {key: _tidy(value) for key, value in node.items()}
    node = {
        key: _tidy(value, names=key in ("properties", "$defs"))
        for key, value in node.items()
        if top or key not in _DROPPED
    }
    if isinstance(node.get("description"), str):  # docstrings are wrapped; the schema's text is not
        node["description"] = " ".join(node["description"].split())
    if node.get("format") == "path":  # pydantic's name for a str path, no JSON Schema format
        del node["format"]
    if node.get("additionalProperties") is True:  # the default: the same schema whatever pydantic's version
        del node["additionalProperties"]
    if "const" in node:  # a constant says its type itself (newer pydantic adds one, older not)
        node.pop("type", None)
    options = node.get("anyOf")
    if options and all(set(option) == {"type"} and isinstance(option["type"], str) for option in options):
        del node["anyOf"]
        node["type"] = [option["type"] for option in options]
    if top:
        return node
    first = [key for key in _KEY_ORDER if key in node]
    return {key: node[key] for key in (*first, *node) if key in node}


def schema_text(version: int = 1) -> str:
    """The schema file's text: what the package ships."""
    return json.dumps(build_schema(version), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    args = sys.argv[1:]
    version = 1
    if args[:1] == ["--version"] and len(args) == 2 and args[1] in ("1", "2"):
        version = int(args[1])
    elif args:
        sys.exit("usage: python -m contractkit.results.schema [--version 1|2]")
    sys.stdout.buffer.write(schema_text(version).encode("utf-8"))


if __name__ == "__main__":
    main()
