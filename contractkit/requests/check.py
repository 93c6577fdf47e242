"""A check request: the roles given per party label, the options switched on and our organisation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from contractkit.organisation import DEFAULT_ROLE, Organisation

from .errors import Request, RequestError, preview
from .vocabulary import unknown

if TYPE_CHECKING:
    from contractkit.checking.checker import CheckSettings

RoleAssignments = Mapping[str, tuple[str, ...]]
"""Roles given per party label instead of inferred: ``{"甲方": ("provider",), "乙方": ("om", "security")}``."""

MAX_NAMES = 20
MAX_NAME_LENGTH = 200


class CheckRequest(Request):
    """How to check contracts: roles given per party label (none: inferred), options switched on, and whose
    side we are on: our organisation's names and role (None: ``DEFAULT_ROLE``, if names are given)."""

    roles: RoleAssignments = Field(default_factory=dict)
    options: tuple[str, ...] = ()
    organisation_names: tuple[str, ...] = ()
    organisation_role: str | None = None

    @field_validator("options")
    @classmethod
    def _once_each(cls, options: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(options))

    @field_validator("organisation_names")
    @classmethod
    def _names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))

    @field_validator("roles")
    @classmethod
    def _roles_once_each(cls, roles: RoleAssignments) -> RoleAssignments:
        return {label: tuple(dict.fromkeys(ids)) for label, ids in roles.items()}

    @property
    def organisation(self) -> Organisation | None:
        if not self.organisation_names:
            return None
        return Organisation(self.organisation_names, self.organisation_role or DEFAULT_ROLE)

    def problems(self) -> list[RequestError]:
        return [*self._role_problems(), *unknown("option", self.options, "options"), *self._organisation_problems()]

    def settings(self) -> CheckSettings:
        from contractkit.checking.checker import CheckSettings

        self.validated()
        return CheckSettings(roles=self.roles, options=frozenset(self.options), organisation=self.organisation)

    def _role_problems(self) -> list[RequestError]:
        found = []
        for label, ids in self.roles.items():
            if not label.strip():
                found.append(RequestError("blank-label", "roles", "a party label must not be empty",
                                          "当事人标签不能为空"))
            elif not ids:
                found.append(RequestError("no-roles", f"roles.{label}", f"no role given for {preview(label)!r}",
                                          f"请为{preview(label)}选择至少一个角色"))
            found += unknown("role", ids, f"roles.{label}")
        return found

    def _organisation_problems(self) -> list[RequestError]:
        names, role, found = self.organisation_names, self.organisation_role, []
        if role is not None and not names:
            found.append(RequestError(
                "names-needed", "organisation.names", f"give our organisation's name for its role {preview(role)!r}",
                "请填写我方名称，或不选我方角色"))
        if len(names) > MAX_NAMES:
            found.append(RequestError(
                "too-many-names", "organisation.names", f"at most {MAX_NAMES} names, {len(names)} given",
                f"最多填写 {MAX_NAMES} 个名称，现有 {len(names)} 个"))
        too_long = [name for name in names if len(name) > MAX_NAME_LENGTH]
        if too_long:
            found.append(RequestError(
                "name-too-long", "organisation.names",
                f"a name may have at most {MAX_NAME_LENGTH} characters: {preview(too_long[0], 20)!r} is longer",
                f"每个名称不超过 {MAX_NAME_LENGTH} 个字：“{preview(too_long[0], 20)}”过长"))
        if role is not None:
            found += unknown("role", [role], "organisation.role")
        return found
