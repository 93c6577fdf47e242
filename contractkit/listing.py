"""Listings of the catalogue for the CLI and the docs: one formatter per format."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable

import yaml

from contractkit.catalogue import Catalogue, Requirement
from contractkit.generation.parameters import ParameterSet


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(str(c) + " " * (w - _width(str(c))) for c, w in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)]) + "\n"


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header)), *map(line, rows)]) + "\n"


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _render(fmt: str, header: list[str], rows: list[list[str]], records: list[dict]) -> str:
    formatters: dict[str, Callable[[], str]] = {
        "table": lambda: _table(header, rows),
        "md": lambda: _markdown(header, rows),
        "json": lambda: _json(records),
    }
    return formatters[fmt]()


def list_pairs(catalogue: Catalogue, fmt: str) -> str:
    rows, records = [], []
    for pair in catalogue.pairs:
        roles = [catalogue.role(r) for r in pair.roles]
        count = len(catalogue.for_pair(pair.id))
        rows.append([pair.id, pair.name, " / ".join(f"{r.id} ({r.name})" for r in roles), str(count)])
        records.append({"id": pair.id, "name": pair.name, "roles": list(pair.roles), "requirements": count})
    role_rows = [[r.id, r.name, r.kind, r.description] for r in catalogue.roles]
    if fmt == "json":
        return _json({"pairs": records, "roles": [r.model_dump() for r in catalogue.roles]})
    header = ["pair", "name", "roles", "requirements"]
    return (
        _render(fmt, header, rows, records)
        + "\n"
        + _render(fmt, ["role", "name", "kind", "description"], role_rows, [])
    )


def requirement_record(req: Requirement) -> dict:
    return req.model_dump(mode="json")


def list_requirements(catalogue: Catalogue, pair_ids: set[str], options: set[str], fmt: str) -> str:
    selected = [
        r
        for r in catalogue.requirements
        if (not pair_ids or pair_ids.intersection(r.pairs))
        and (r.condition is None or r.condition in options or not pair_ids)
    ]
    rows = [
        [
            r.id, r.clause, r.strength.value, ",".join(r.pairs) if len(r.pairs) < 5 else "all", r.condition or "",
            r.summary,
        ]
        for r in selected
    ]
    header = ["id", "clause", "strength", "pairs", "option", "summary"]
    return _render(fmt, header, rows, [requirement_record(r) for r in selected])


def list_parameters(
    parameters: ParameterSet, names: list[str] | None, fmt: str, settings: dict
) -> str:
    specs = [parameters[n] for n in names] if names is not None else list(parameters)
    if fmt == "yaml":
        return _config_template(specs, settings)
    rows = [
        [s.name, s.type, "" if s.default is None else str(s.default), _bounds(s), s.label]
        for s in specs
    ]
    return _table(["name", "type", "default", "range", "label"], rows)


def _bounds(spec) -> str:
    if spec.min is not None or spec.max is not None:
        return f"{spec.min}–{spec.max}"
    return f"≤{spec.max_length} chars" if spec.max_length else ""


def _config_template(specs, settings: dict) -> str:
    lines = ["# contractkit generate --config: the request and its parameters.", ""]
    request = {k: v for k, v in settings.items() if v}
    if request:
        lines.append(yaml.safe_dump(request, allow_unicode=True, sort_keys=False).rstrip())
    lines.append("parameters:")
    for spec in specs:
        bounds = "，" + _bounds(spec) if _bounds(spec) else ""
        lines.append(f"  # {spec.label}：{spec.description}（{spec.type}{bounds}）")
        value = "" if spec.default is None else yaml.safe_dump(spec.default, allow_unicode=True).splitlines()[0]
        lines.append(f"  {spec.name}: {value}".rstrip())
    return "\n".join(lines) + "\n"
