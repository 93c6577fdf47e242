"""The frozen settings of one generation run (like black's ``Mode``).

Defaults live here and only here; the CLI, the config file and the Python
API all build this object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

DocumentKind = Literal["agreement", "annex"]
KINDS: tuple[DocumentKind, ...] = ("agreement", "annex")


@dataclass(frozen=True)
class GenerationSettings:
    pair: str
    extra_roles: tuple[str, ...] = ()
    options: frozenset[str] = frozenset()
    kind: DocumentKind = "agreement"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    matrix: Any = None  # a tasks.MatrixEdits: rows of the matrix dropped, re-marked or added
    playbook: Any = None  # a playbooks.Playbook: its preferred values as defaults, its clauses added

    def __post_init__(self):
        # Freeze the mapping too, so a settings object can be shared safely.
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "options", frozenset(self.options))
        object.__setattr__(self, "extra_roles", tuple(dict.fromkeys(self.extra_roles)))
        if self.kind not in KINDS:
            raise ValueError(f"unknown document kind {self.kind!r}; choose one of {', '.join(KINDS)}")
