"""Template parameters: declared with types, defaults and bounds in
``clause_templates/parameters.yaml``; values from the CLI, a config file or
Python are validated here and turned into what the templates see."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ParameterType = Literal["text", "integer", "percent", "date", "choice"]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Characters the writers use as markers, and control characters Word refuses.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff]")


class ParameterError(ValueError):
    """A bad parameter value or name: ``name`` is the parameter at fault, ``code`` the kind of problem
    (a RequestError code of contractkit.requests), ``problem``/``problem_zh`` what is wrong."""

    def __init__(self, name: str, code: str, problem: str, zh: str):
        self.name, self.code, self.problem = name, code, problem
        self.problem_zh = zh  # shown next to the field in the review service's form
        super().__init__(f"parameter {_preview(name)}: {problem}")


class ParameterSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: ParameterType
    group: str
    label: str
    description: str
    default: str | int | None = None
    min: int | float | None = None
    max: int | float | None = None
    max_length: int | None = Field(default=None, gt=0)
    bounds_reason: str | None = Field(default=None, description="why the bounds are what they are")
    choices: dict[str, str] | None = Field(default=None, description="a choice's values and what each means")
    blank_width: int | None = Field(default=None, gt=0, description="full-width characters of its fill-in line")

    @model_validator(mode="after")
    def _default_is_valid(self) -> ParameterSpec:
        if (self.type == "choice") != bool(self.choices):
            raise ValueError("a choice parameter, and only a choice, lists its choices")
        if self.default is not None:
            self.parse(self.default)
        return self

    def parse(self, raw: Any) -> str | int:
        """Validate one value; return what the templates get (an int or a str)."""
        if isinstance(raw, bool):
            raise ParameterError(self.name, "parameter-type", f"expected {self._expected()}, got a yes/no value",
                                 "应填写数值或文字，而不是是/否")
        if self.type == "integer":
            value = _to_int(self.name, raw)
            self._check_bounds(value)
            return value
        text = str(raw).strip()
        if self.type == "choice":
            if text not in (self.choices or {}):
                allowed = ", ".join(f"{k} ({v})" for k, v in (self.choices or {}).items())
                raise ParameterError(self.name, "parameter-choice", f"{_preview(raw)} is not one of: {allowed}",
                                     f"{_preview(raw)} 不是可选值之一：{allowed}")
            return text
        if self.type == "percent":
            text = text.removesuffix("%").strip()
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                raise ParameterError(self.name, "parameter-type",
                                     f"expected a percentage such as 99.9, got {_preview(raw)}",
                                     "应填写百分比数值，如 99.9")
            self._check_bounds(number)
            return f"{number.normalize():f}"
        if self.type == "date":
            if not DATE.match(text):
                raise ParameterError(self.name, "parameter-type", f"expected a date as YYYY-MM-DD, got {_preview(raw)}",
                                     "应填写日期，格式为 YYYY-MM-DD")
            return text
        if not text:
            raise ParameterError(self.name, "parameter-blank", "must not be empty (leave it unset for a blank)",
                                 "不能只含空白；不填则留作空白横线")
        if FORBIDDEN.search(text):
            raise ParameterError(self.name, "parameter-characters", "contains control or private-use characters",
                                 "含有控制字符或私用区字符")
        if self.max_length and len(text) > self.max_length:
            raise ParameterError(
                self.name, "parameter-length", f"is {len(text)} characters long; at most {self.max_length} allowed",
                f"共 {len(text)} 个字符，最多 {self.max_length} 个",
            )
        return text

    def _check_bounds(self, value) -> None:
        if self.min is not None and value < self.min or self.max is not None and value > self.max:
            reason = f" ({self.bounds_reason})" if self.bounds_reason else ""
            raise ParameterError(
                self.name, "parameter-range",
                f"{_preview(value)} is outside the allowed range {self.min}–{self.max}{reason}",
                f"{_preview(value)} 超出允许范围 {self.min}–{self.max}{reason}",
            )

    def blank(self) -> Blank:
        """The fill-in line of this parameter when unset: long enough to write its value by hand."""
        return Blank(self.name, self.label, self.blank_width or _BLANK_WIDTHS.get(self.type) or (
            16 if (self.max_length or 0) >= 100 else 10))

    def _expected(self) -> str:
        return {"integer": "a whole number", "percent": "a percentage", "date": "a date", "choice": "a choice"}.get(
            self.type, "text"
        )


def _to_int(name: str, raw: Any) -> int:
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ParameterError(name, "parameter-type", f"expected a whole number, got {_preview(raw)}", "应填写整数")
    if len(text.lstrip("+-0")) > _MAX_DIGITS:  # int() refuses over 4300 digits with a bare ValueError
        raise ParameterError(name, "parameter-type", f"expected a whole number, got one of {len(text)} digits",
                             f"数值位数过多（{len(text)} 位）")
    return int(text)


_MAX_DIGITS = 30
_BLANK_WIDTHS = {"integer": 3, "percent": 3, "date": 8, "choice": 6}  # text: by its longest value


def _preview(value: Any, limit: int = 60) -> str:
    """A value as an error message echoes it: cut short, so a pasted 100 KB value cannot fill the screen."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}…({len(text)} characters)"


@dataclass(frozen=True)
class Blank:
    """An unset parameter: rendered as a fill-in line in every output format."""

    name: str
    label: str
    width: int = 12  # full-width characters: a name or an address needs room to be written by hand

    def __str__(self) -> str:
        # Private-use marker characters; parameter values may never contain them.
        return f"\ue000{self.name}\ue001"


BLANK_MARK = re.compile("\ue000([a-z_]+)\ue001")


class ParameterSet:
    """All declared parameters, by name, in file order."""

    def __init__(self, specs: list[ParameterSpec], source: Path):
        self.source = source
        self.specs = {spec.name: spec for spec in specs}

    def __iter__(self):
        return iter(self.specs.values())

    def __contains__(self, name: str) -> bool:
        return name in self.specs

    def __getitem__(self, name: str) -> ParameterSpec:
        try:
            return self.specs[name]
        except KeyError:
            raise ParameterError(
                name, "unknown-parameter", f"unknown parameter; known: {', '.join(self.specs)}",
                "未知参数（可用的参数见 GET /api/parameters）",
            ) from None

    def problems(self, given: Mapping[str, Any]) -> dict[str, ParameterError]:
        """Every bad value at once (a form shows them all), by parameter name; empty if all are fine."""
        found: dict[str, ParameterError] = {}
        for name, raw in given.items():
            if raw is None or raw == "":
                continue
            try:
                self[name].parse(raw)
            except ParameterError as exc:
                found[name] = exc
        return found

    def resolve(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Validated values for every parameter: given, else default, else a Blank."""
        values: dict[str, Any] = {}
        for name in given:
            self[name]  # unknown names fail here, with the list of known ones
        for spec in self:
            raw = given.get(spec.name)
            if raw is None or raw == "":
                values[spec.name] = (
                    spec.parse(spec.default) if spec.default is not None else spec.blank()
                )
            else:
                values[spec.name] = spec.parse(raw)
        return values


def load_parameters(path: Path) -> ParameterSet:
    from contractkit.catalogue.loader import CatalogueError, read_yaml

    data = read_yaml(path)
    entries = data.get("parameters")
    if not isinstance(entries, dict) or not entries:
        raise CatalogueError(path, "'parameters' must be a non-empty mapping")
    specs = []
    for name, entry in entries.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(name)):
            raise CatalogueError(path, f"parameter name {name!r} must be lower_snake_case")
        try:
            specs.append(ParameterSpec(name=name, **(entry or {})))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors())
            raise CatalogueError(path, f"parameter {name!r}: {problems}") from None
        except ParameterError as exc:
            raise CatalogueError(path, f"default of {exc}") from None
    return ParameterSet(specs, path)


def default_parameters() -> ParameterSet:
    """The shipped standard's parameters (loaded once, with the standard)."""
    from contractkit.standard import default_standard

    return default_standard().parameters
