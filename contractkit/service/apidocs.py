"""The OpenAPI description flattened for the API documentation page."""

from __future__ import annotations

from dataclasses import dataclass

# The page is read by people: FastAPI's English words in Chinese.
_WHERE_ZH = {"query": "查询参数", "path": "路径", "body": "JSON 正文", "form": "表单", "header": "请求头"}
_TYPE_ZH = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "是/否", "file": "文件",
            "object": "对象", "null": "空"}
_RESPONSE_ZH = {"Successful Response": "成功", "Validation Error": "请求有误"}


@dataclass(frozen=True)
class Field:
    name: str
    where: str  # query, path, body (JSON), form (multipart)
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    fields: tuple[Field, ...]
    responses: tuple[tuple[str, str], ...]  # (status, description)
    anchor: str


def operations(spec: dict) -> list[Operation]:
    found = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            fields = [
                Field(p["name"], _WHERE_ZH.get(p["in"], p["in"]), _type(p.get("schema", {}), spec),
                      p.get("required", False),
                      p.get("description") or p.get("schema", {}).get("description", ""))
                for p in op.get("parameters", [])
            ]
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                where = _WHERE_ZH["form" if media.startswith("multipart/") else "body"]
                schema = _resolve(content.get("schema", {}), spec)
                required = set(schema.get("required", ()))
                for name, prop in schema.get("properties", {}).items():
                    fields.append(Field(name, where, _type(prop, spec), name in required, prop.get("description", "")))
            responses = tuple((status, _RESPONSE_ZH.get(r.get("description", ""), r.get("description", "")))
                              for status, r in op.get("responses", {}).items())
            found.append(Operation(method.upper(), path, op.get("summary", ""), tuple(fields), responses,
                                   op.get("operationId", f"{method}-{path}")))
    return found


def _resolve(schema: dict, spec: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return spec.get("components", {}).get("schemas", {}).get(name, {})
    return schema


def _type(schema: dict, spec: dict) -> str:
    schema = _resolve(schema, spec)
    if "anyOf" in schema:
        return " | ".join(_type(s, spec) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"{_type(schema.get('items', {}), spec)}列表"
    if schema.get("format") == "binary":
        return _TYPE_ZH["file"]
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    kind = schema.get("type")
    return _TYPE_ZH.get(kind, kind) if kind else schema.get("title", "对象")
