"""What is wrong with a request: error objects with a stable code, the field at fault and a message in
English (the command line, Python) and Chinese (the review service)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

Language = Literal["en", "zh"]


@dataclass(frozen=True)
class RequestError:
    """One problem: ``code`` is stable (``unknown-option``), ``field`` names the request field at fault,
    dotted below it (``parameters.critical_fix_days``, ``roles.甲方``)."""

    code: str
    field: str
    en: str
    zh: str

    def message(self, language: Language) -> str:
        return self.zh if language == "zh" else self.en

    def as_dict(self, language: Language = "zh") -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message(language)}


class InvalidRequest(ValueError):
    """Every problem found with a request, at once; ``str()`` is the English messages, one a line."""

    def __init__(self, errors: Iterable[RequestError]):
        self.errors = tuple(errors)
        super().__init__("\n".join(error.en for error in self.errors))


def raise_if_any(errors: Iterable[RequestError]) -> None:
    errors = tuple(errors)
    if errors:
        raise InvalidRequest(errors)


def preview(value: Any, limit: int = 40) -> str:
    """A value as a message echoes it: cut short, so a pasted page cannot fill the screen."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


class Request(BaseModel):
    """A request: its fields' shapes are pydantic's to check, what they mean is ``problems()``'s."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    _valid: bool = PrivateAttr(default=False)

    @classmethod
    def parse(cls, data: Mapping[str, Any]):
        """A valid request from untyped data (a config file, a form); raises InvalidRequest with every problem."""
        try:
            request = cls.model_validate(dict(data))
        except ValidationError as exc:
            raise InvalidRequest(shape_errors(exc.errors())) from None
        return request.validated()

    def validated(self):
        """This request, if nothing is wrong with it; else InvalidRequest with every problem."""
        if not self._valid:
            raise_if_any(self.problems())
            self._valid = True
        return self

    def problems(self) -> list[RequestError]:
        raise NotImplementedError


# pydantic's error type -> (code, English, Chinese); {name}s come from the error's context.
_SHAPES: dict[str, tuple[str, str, str]] = {
    "missing": ("missing", "required", "必填"),
    "extra_forbidden": ("unknown-field", "not a field of this request", "不是该请求的字段"),
    "string_type": ("wrong-type", "must be text", "应为文字"),
    "list_type": ("wrong-type", "must be a list", "应为列表"),
    "tuple_type": ("wrong-type", "must be a list", "应为列表"),
    "dict_type": ("wrong-type", "must be a mapping of name to value", "应为“名称 → 值”的映射"),
    "model_type": ("wrong-type", "must be an object", "应为对象"),
    "model_attributes_type": ("wrong-type", "must be an object", "应为对象"),
    "int_type": ("wrong-type", "must be a whole number", "应为整数"),
    "int_parsing": ("wrong-type", "must be a whole number", "应为整数"),
    "bool_parsing": ("wrong-type", "must be true or false", "应为 true 或 false"),
    "json_invalid": ("invalid-json", "not valid JSON", "不是有效的 JSON"),
    "greater_than_equal": ("out-of-range", "must be at least {ge}", "不能小于 {ge}"),
    "less_than_equal": ("out-of-range", "must be at most {le}", "不能大于 {le}"),
    "string_too_long": ("too-long", "at most {max_length} characters", "最多 {max_length} 个字符"),
    "literal_error": ("unknown-value", "must be one of {expected}", "应为以下之一：{expected}"),
}
_OTHER = ("invalid-value", "invalid value", "取值无效")


def shape_errors(errors: Iterable[Mapping[str, Any]]) -> list[RequestError]:
    """pydantic's errors in our words (never its "1 validation error for …")."""
    found = []
    for error in errors:
        code, en, zh = _SHAPES.get(error["type"], _OTHER)
        context = error.get("ctx") or {}
        try:
            en, zh = en.format(**context), zh.format(**context)
        except (KeyError, IndexError):
            en, zh = _OTHER[1:]
        field = ".".join(str(part) for part in error["loc"]) or "request"
        found.append(RequestError(code, field, f"{field}: {en}", zh))
    return found
