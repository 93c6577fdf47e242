"""The clauses a playbook proposes: Jinja templates rendered with the contract's own parties.

A template sees the parties' labels as the contract uses them (``provider``, ``partner``,
``customer``; ``us`` and ``them`` for the playbook's side and the other), their names
(``provider_name`` …, a blank when the contract does not give one), and for a number position
the value proposed (``value``: ``2小时``; ``number``: ``2``) and the playbook's values
(``preferred``, ``acceptable``, ``walk_away``, each with its unit). Templates are rendered in
Jinja's sandbox with undefined names refused, so a playbook cannot reach beyond its data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from contractkit.playbooks.model import Playbook, Position
from contractkit.playbooks.quantities import write_number

BLANK = "________"
PARTNER_KINDS = ("software", "hardware", "om", "security")


class ClauseError(ValueError):
    """A clause template that does not compile or render."""


@dataclass(frozen=True)
class Parties:
    """How a contract names its parties, by role kind (``provider``, ``partner``, ``customer``)."""

    labels: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # every way the contract names them
    agreement: str = "本协议"  # how the contract names itself: 本合同, 本协议

    @classmethod
    def example(cls) -> Parties:
        """The labels a playbook is validated and explained with."""
        return cls({"provider": "甲方", "partner": "乙方", "customer": "甲方"}, {})

    @classmethod
    def of_report(cls, parties: Any, role_kind: Mapping[str, str], text: str = "") -> Parties:
        """From a report's parties (PartyResult: label, name, roles) and each role's kind."""
        labels: dict[str, str] = {}
        names: dict[str, str] = {}
        aliases: dict[str, tuple[str, ...]] = {}
        for party in parties:
            for role in party.roles:
                kind = role_kind.get(role, role)
                labels.setdefault(kind, party.label)
                if party.name:
                    names.setdefault(kind, party.name)
                words = (party.label, *(party.aliases or ()), *((party.name,) if party.name else ()))
                aliases[kind] = tuple(dict.fromkeys((*aliases.get(kind, ()), *words)))
        return cls(labels, names, aliases, self_name(text))

    def patterns(self, side: str) -> dict[str, str]:
        """Each party as a regular expression of its names, for ``{partner}`` … in a playbook's patterns."""
        import re

        context = self.context(side)
        result = {}
        for key in ("provider", "partner", "customer", "us", "them"):
            label = context[key]
            kind = next((k for k, v in self.labels.items() if v == label), key)
            words = sorted({label, *self.aliases.get(kind, ())}, key=len, reverse=True)
            result[key] = "|".join(re.escape(w) for w in words if w)
        return result

    def context(self, side: str) -> dict[str, str]:
        defaults = {"provider": "甲方", "partner": "乙方", "customer": "甲方"}
        labels = {kind: self.labels.get(kind, defaults[kind]) for kind in defaults}
        if "customer" not in self.labels and "provider" in self.labels and "partner" not in self.labels:
            labels["customer"] = "乙方" if labels["provider"] == "甲方" else "甲方"
        ours = "partner" if side in PARTNER_KINDS else side
        other = {"provider": "partner" if "partner" in self.labels or "customer" not in self.labels else "customer",
                 "partner": "provider", "customer": "provider"}[ours]
        context = {**labels, "us": labels[ours], "them": labels[other], "agreement": self.agreement}
        for kind in defaults:
            context[f"{kind}_name"] = self.names.get(kind, BLANK)
        return context


def self_name(text: str) -> str:
    """How a contract names itself, by what it says most: 本合同, 本协议 or 本条款."""
    counts = {name: text.count(name) for name in ("本协议", "本合同", "本条款")}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else "本协议"


@cache
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, trim_blocks=True,
                                lstrip_blocks=True, keep_trailing_newline=False)


@cache
def _template(source: str) -> jinja2.Template:
    try:
        return _environment().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise ClauseError(f"line {exc.lineno}: {exc.message}") from None


def render_clause(source: str, context: Mapping[str, Any]) -> str:
    """One clause; lines joined as the template writes them, blank lines dropped."""
    try:
        text = _template(source).render(dict(context))
    except jinja2.UndefinedError as exc:
        known = ", ".join(sorted(context))
        raise ClauseError(f"{exc.message} (a template may use: {known})") from None
    except jinja2.TemplateError as exc:
        raise ClauseError(str(exc)) from None
    lines = (_CJK_SPACE.sub("", line.strip()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# A YAML folded line break between two Chinese characters is no space in the clause.
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")


def value_context(position: Position, value: float | None, style: str = "arabic") -> dict[str, str]:
    """``value``/``number`` and the playbook's values of a number position, as a clause writes them."""
    measure = position.measure
    if measure is None:
        return {}
    context = {
        "preferred": measure.text(measure.preferred), "acceptable": measure.text(measure.acceptable),
        "walk_away": measure.text(measure.walk_away) if measure.walk_away is not None else "",
        "unit": measure.unit_text,
    }
    if value is not None:
        number = write_number(value, style)  # type: ignore[arg-type]
        context["number"] = number
        context["value"] = measure.text(value) if style == "arabic" else number + measure.unit_text
    return context


def proposal(playbook: Playbook, position: Position, parties: Parties, which: str = "preferred") -> str:
    """The clause a position proposes: its preferred clause, or its fallback (``which``)."""
    measure = position.measure
    template = position.fallback if which == "fallback" and position.fallback else position.preferred
    value = None
    if measure is not None:
        value = measure.acceptable if which == "fallback" else measure.preferred
    context = {**parties.context(playbook.side), **value_context(position, value)}
    return render_clause(template, context)
