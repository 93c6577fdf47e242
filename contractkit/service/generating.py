"""Generating an agreement from a web request: every problem found at once, by field."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from contractkit.generation.settings import DocumentKind


class GenerateRequest(BaseModel):
    pair: str = Field(description="当事人组合，如 provider-om（见 GET /api/catalogue）")
    roles: list[str] = Field(default=[], description="合作者同时承担的其他角色，如 security")
    options: list[str] = Field(default=[], description="cii（关键信息基础设施）、multi-cloud（多云统管）")
    kind: DocumentKind = "agreement"
    format: Literal["docx", "md", "txt"] = "docx"
    parameters: dict[str, str | int | float | None] = Field(default={}, description="参数值（见 GET /api/parameters）")


class GenerationProblems(Exception):
    """What is wrong with a request: a message per field (parameter name, or pair/roles/options)."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__("；".join(f"{k}: {v}" for k, v in fields.items()))


def generate_file(request: GenerateRequest) -> tuple[bytes, str, str]:
    """(bytes, file name, media type) of the generated document; raises GenerationProblems."""
    from contractkit.api import generate
    from contractkit.catalogue import UnknownName, default_catalogue
    from contractkit.generation.parameters import default_parameters
    from contractkit.generation.render import GenerationError
    from contractkit.generation.writers import writer_for

    catalogue = default_catalogue()
    problems: dict[str, str] = {}
    pair = None
    if not request.pair:
        problems["pair"] = "请选择当事人组合"
    else:
        try:
            pair = catalogue.pair(request.pair)
        except UnknownName:
            problems["pair"] = f"未知的当事人组合 {request.pair}；可选：{'、'.join(p.id for p in catalogue.pairs)}"
    for role in request.roles:
        try:
            catalogue.role(role)
        except UnknownName:
            problems["roles"] = f"未知角色 {role}；可选：{'、'.join(r.id for r in catalogue.roles)}"
    for option in request.options:
        try:
            catalogue.condition(option)
        except UnknownName:
            problems["options"] = f"未知选项 {option}；可选：{'、'.join(c.id for c in catalogue.conditions)}"
    given = {k: v for k, v in request.parameters.items() if v not in (None, "")}
    problems.update({name: exc.problem_zh for name, exc in default_parameters().problems(given).items()})
    if problems:
        raise GenerationProblems(problems)
    try:
        data = generate(
            request.pair, roles=request.roles, options=request.options, kind=request.kind,
            parameters=given, format=request.format,
        )
    except GenerationError as exc:
        raise GenerationProblems({"roles": str(exc)}) from None
    writer = writer_for(request.format)
    title = "安全责任条款附件" if request.kind == "annex" else "安全责任协议"
    return data, f"{pair.name}{title}{writer.extension}", writer.media_type
