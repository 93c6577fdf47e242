"""A generate request: the pair, the partner's extra roles, options, kind, parameters and output format."""

from __future__ import annotations

from typing import Any, cast

from pydantic import AliasChoices, Field, field_validator

from contractkit.generation.settings import KINDS, DocumentKind, GenerationSettings
from contractkit.generation.tasks import MatrixEdits
from contractkit.generation.writers import FORMATS

from .errors import Request, RequestError, preview
from .vocabulary import known, listed, unknown

DEFAULT_FORMAT = FORMATS[0]  # docx


class GenerateRequest(Request):
    """An agreement (or clause annex) to generate; also the body of POST /api/generate (hence Chinese
    descriptions). ``extra_roles``: further roles the pair's partner holds (its old name ``roles`` is read too)."""

    pair: str = Field(default="", description="当事人组合，如 provider-om（见 GET /api/catalogue）")
    extra_roles: tuple[str, ...] = Field(
        default=(), validation_alias=AliasChoices("extra_roles", "roles"),
        description="合作者同时承担的其他角色，如 security（旧名 roles 仍可用）",
    )
    options: tuple[str, ...] = Field(default=(), description="cii（关键信息基础设施）、multi-cloud（多云统管）")
    kind: str = Field(default=GenerationSettings.kind, description="agreement（协议全文）或 annex（条款附件）")
    format: str = Field(default=DEFAULT_FORMAT, description="docx、md 或 txt")
    parameters: dict[str, Any] = Field(default_factory=dict, description="参数值（见 GET /api/parameters）")
    matrix: MatrixEdits | None = Field(
        default=None, description="划分表的修改：drop（删去的工作事项编号）、set（改标记）、add（新增事项）")

    @field_validator("extra_roles", "options")
    @classmethod
    def _once_each(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(names))

    def given_parameters(self) -> dict[str, Any]:
        """The parameters set: an empty value leaves its parameter unset (a blank in the document)."""
        return {name: value for name, value in self.parameters.items() if value is not None and value != ""}

    def problems(self) -> list[RequestError]:
        return [
            *self._pair_problems(), *self._role_problems(), *unknown("option", self.options, "options"),
            *unknown("kind", [self.kind], "kind", [(k, "") for k in KINDS]),
            *unknown("format", [self.format], "format", [(f, "") for f in FORMATS]),
            *self._parameter_problems(), *self._party_a_problems(), *self._matrix_problems(),
        ]

    def settings(self) -> GenerationSettings:
        self.validated()
        kind = cast(DocumentKind, self.kind)  # validated() refuses any kind not in KINDS
        return GenerationSettings(
            self.pair, self.extra_roles, frozenset(self.options), kind, self.given_parameters(), self.matrix)

    def _pair_problems(self) -> list[RequestError]:
        if not self.pair:
            pairs = known("pair")
            return [RequestError("pair-needed", "pair", f"name the pair; valid pairs: {listed(pairs, 'en')}",
                                 "请选择当事人组合")]
        return unknown("pair", [self.pair], "pair")

    def _role_problems(self) -> list[RequestError]:
        from contractkit.catalogue import default_catalogue

        catalogue = default_catalogue()
        roles = {role.id: role for role in catalogue.roles}
        partners = [(role.id, role.name) for role in catalogue.roles if role.kind == "partner"]
        customer_pair = any(p.id == self.pair and p.partner_role == "customer" for p in catalogue.pairs)
        found = unknown("role", self.extra_roles, "extra_roles")
        for role in (r for r in self.extra_roles if r in roles):
            if customer_pair:
                found.append(RequestError(
                    "roles-not-applicable", "extra_roles",
                    f"extra role {role!r} only applies to provider–partner pairs, not {self.pair!r}",
                    f"角色 {role} 只能加在云服务提供者与合作者之间的协议上，不适用于 {self.pair}"))
            elif roles[role].kind != "partner":
                found.append(RequestError(
                    "not-partner-role", "extra_roles",
                    f"role {role!r} is not a partner role; choose from {listed(partners, 'en')}",
                    f"{role} 不是合作者角色；可选：{listed(partners, 'zh')}"))
        return found

    def _parameter_problems(self) -> list[RequestError]:
        from contractkit.generation.parameters import default_parameters

        given = self.given_parameters()
        found = [
            RequestError("parameter-type", f"parameters.{name}", f"parameter {preview(name)!r}: must be a single value",
                         "应为单个值")
            for name, value in given.items() if isinstance(value, (dict, list, tuple))
        ]
        singles = {name: value for name, value in given.items() if not isinstance(value, (dict, list, tuple))}
        found += [
            RequestError(error.code, f"parameters.{name}", str(error), error.problem_zh)
            for name, error in default_parameters().problems(singles).items()
        ]
        return found

    def _party_a_problems(self) -> list[RequestError]:
        """甲方 must be one of the pair's two parties."""
        from contractkit.catalogue import default_catalogue

        chosen = self.given_parameters().get("party_a")
        pair = next((p for p in default_catalogue().pairs if p.id == self.pair), None)
        if pair is None or chosen in (None, "auto"):
            return []
        parties = ("customer", "provider") if pair.partner_role == "customer" else ("provider", "partner")
        if chosen in parties or chosen not in ("customer", "provider", "partner"):
            return []  # a value no pair has is the parameter's own problem
        return [RequestError(
            "party-a-not-in-pair", "parameters.party_a",
            f"party_a {chosen!r} is not a party of {self.pair}; choose {' or '.join(parties)} (or auto)",
            f"{self.pair} 的当事人中没有 {chosen}；甲方可选：{'、'.join(parties)} 或 auto")]

    def _matrix_problems(self) -> list[RequestError]:
        if self.matrix is None or self.matrix.is_empty():
            return []
        from contractkit.generation.tasks import load_tasks
        from contractkit.standard import default_standard

        standard = default_standard()
        markings = {key: word.zh for key, word in standard.vocabulary.markings.items()}
        tasks = load_tasks(standard.templates_dir, tuple(markings))
        return [RequestError("matrix-edit", field, en, zh) for field, en, zh in self.matrix.problems(tasks, markings)]
